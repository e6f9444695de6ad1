"""SQL for the segments of translations."""

from __future__ import annotations

from workstation.model import Segment
from workstation.storage.store import Store

_COLUMNS = "address, position, part, source_text, source_hash, target_text, state, origin"


class SegmentRepository:
    def __init__(self, store: Store) -> None:
        self._store = store

    def replace_all(self, translation_id: str, segments: list[Segment], now: str) -> None:
        with self._store.transaction() as connection:
            connection.execute("DELETE FROM segments WHERE translation_id = ?", (translation_id,))
            connection.executemany(
                f"INSERT INTO segments (translation_id, {_COLUMNS}, updated_at) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                [
                    (translation_id, s.address, s.position, s.part, s.source_text, s.source_hash,
                     s.target_text, s.state, s.origin, now)
                    for s in segments
                ],
            )  # fmt: skip

    def list(self, translation_id: str) -> list[Segment]:
        rows = self._store.query(
            f"SELECT {_COLUMNS} FROM segments WHERE translation_id = ? ORDER BY position", (translation_id,)
        )
        return [Segment(**row) for row in rows]

    def update_target(
        self, translation_id: str, address: str, target_text: str, state: str, origin: str, now: str
    ) -> bool:
        with self._store.transaction() as connection:
            cursor = connection.execute(
                "UPDATE segments SET target_text = ?, state = ?, origin = ?, updated_at = ? "
                "WHERE translation_id = ? AND address = ?",
                (target_text, state, origin, now, translation_id, address),
            )
            return cursor.rowcount == 1
