"""SQL for the segments of translations, reviewers' comments on them, and the source version each follows."""

from __future__ import annotations

from collections import defaultdict

from workstation.model import Segment, SegmentComment
from workstation.storage.store import Store

_MOVING = "moving:"  # no address starts so: parts are "headline", block ids or "caption:"/"alt:"
_COLUMNS = "address, position, part, source_text, source_hash, target_text, state, origin, stale_source, updated_by"


class SegmentRepository:
    def __init__(self, store: Store) -> None:
        self._store = store

    def replace_all(self, translation_id: str, segments: list[Segment], now: str) -> None:
        with self._store.transaction() as connection:
            connection.execute("DELETE FROM segments WHERE translation_id = ?", (translation_id,))
            connection.executemany(
                f"INSERT INTO segments (translation_id, {_COLUMNS}, updated_at) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                [
                    (translation_id, s.address, s.position, s.part, s.source_text, s.source_hash,
                     s.target_text, s.state, s.origin, s.stale_source, s.updated_by, now)
                    for s in segments
                ],
            )  # fmt: skip

    def list(self, translation_id: str) -> list[Segment]:
        rows = self._store.query(
            f"SELECT {_COLUMNS} FROM segments WHERE translation_id = ? ORDER BY position", (translation_id,)
        )
        comments = self.comments(translation_id)
        return [Segment(**row, comments=tuple(comments.get(row["address"], ()))) for row in rows]

    def update_target(
        self,
        translation_id: str,
        address: str,
        target_text: str,
        state: str,
        origin: str,
        now: str,
        profile_id: str,
        clear_stale: bool,
    ) -> bool:
        with self._store.transaction() as connection:
            cursor = connection.execute(
                "UPDATE segments SET target_text = ?, state = ?, origin = ?, updated_at = ?, updated_by = ?, "
                "stale_source = CASE WHEN ? THEN NULL ELSE stale_source END "
                "WHERE translation_id = ? AND address = ?",
                (target_text, state, origin, now, profile_id, clear_stale, translation_id, address),
            )
            return cursor.rowcount == 1

    def set_states(self, translation_id: str, state: str, now: str) -> None:
        with self._store.transaction() as connection:
            connection.execute(
                "UPDATE segments SET state = ?, updated_at = ? WHERE translation_id = ?", (state, now, translation_id)
            )

    def set_state(self, translation_id: str, address: str, state: str, now: str) -> None:
        with self._store.transaction() as connection:
            connection.execute(
                "UPDATE segments SET state = ?, updated_at = ? WHERE translation_id = ? AND address = ?",
                (state, now, translation_id, address),
            )

    def add_comment(self, translation_id: str, address: str, profile_id: str, at: str, verdict: str, text: str) -> None:
        with self._store.transaction() as connection:
            connection.execute(
                "INSERT INTO segment_comments (translation_id, address, profile_id, at, verdict, text) "
                "VALUES (?, ?, ?, ?, ?, ?)",
                (translation_id, address, profile_id, at, verdict, text),
            )

    def readdress_comments(self, translation_id: str, moves: dict[str, str]) -> None:
        """Comments follow their segment when a source edit renumbers the sentences of a part."""
        if not moves:
            return
        with self._store.transaction() as connection:
            # Two steps, so a chain of moves (a→b, b→c) cannot land a comment on the wrong segment.
            for old in moves:
                connection.execute(
                    "UPDATE segment_comments SET address = ? || address WHERE translation_id = ? AND address = ?",
                    (_MOVING, translation_id, old),
                )
            for old, new in moves.items():
                connection.execute(
                    "UPDATE segment_comments SET address = ? WHERE translation_id = ? AND address = ?",
                    (new, translation_id, _MOVING + old),
                )

    def comments(self, translation_id: str) -> dict[str, list[SegmentComment]]:
        rows = self._store.query(
            "SELECT c.address, coalesce(p.name, '') AS profile_name, c.at, c.text, c.verdict "
            "FROM segment_comments c LEFT JOIN profiles p ON p.id = c.profile_id "
            "WHERE c.translation_id = ? ORDER BY c.id",
            (translation_id,),
        )
        by_address: dict[str, list[SegmentComment]] = defaultdict(list)
        for row in rows:
            by_address[row["address"]].append(SegmentComment(**row))
        return by_address

    def source_fingerprint(self, source_id: str) -> str:
        """Changes whenever the source's text or its pictures' texts may have changed."""
        row = self._store.query_one(
            "SELECT a.version || '/' || coalesce((SELECT max(p.updated_at) FROM pictures p "
            "WHERE p.article_id = a.id), '') AS fingerprint FROM articles a WHERE a.id = ?",
            (source_id,),
        )
        return row["fingerprint"] if row else ""

    def followed_source(self, translation_id: str) -> str | None:
        row = self._store.query_one(
            "SELECT source_version FROM translation_sources WHERE translation_id = ?", (translation_id,)
        )
        return str(row["source_version"]) if row else None

    def follow_source(self, translation_id: str, fingerprint: str) -> None:
        with self._store.transaction() as connection:
            connection.execute(
                "INSERT INTO translation_sources (translation_id, source_version) VALUES (?, ?) "
                "ON CONFLICT(translation_id) DO UPDATE SET source_version = excluded.source_version",
                (translation_id, fingerprint),
            )
