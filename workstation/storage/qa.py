"""SQL for acknowledged QA warnings: one per translation, segment address and check code."""

from __future__ import annotations

from dataclasses import dataclass

from workstation.storage.store import Store


@dataclass(frozen=True)
class Acknowledgement:
    translation_id: str
    address: str
    code: str
    fingerprint: str
    """The issue's fingerprint when acknowledged; it holds only while the issue's is the same."""
    reason: str
    profile_id: str
    profile_name: str
    at: str


class QaAcknowledgementRepository:
    def __init__(self, store: Store) -> None:
        self._store = store

    def save(self, acknowledgement: Acknowledgement) -> None:
        """Insert, or replace the one for the same translation, address and code."""
        a = acknowledgement
        with self._store.transaction() as connection:
            connection.execute(
                "INSERT INTO qa_acknowledgements (translation_id, address, code, fingerprint, reason, profile_id, at) "
                "VALUES (?, ?, ?, ?, ?, ?, ?) "
                "ON CONFLICT(translation_id, address, code) DO UPDATE SET fingerprint = excluded.fingerprint, "
                "reason = excluded.reason, profile_id = excluded.profile_id, at = excluded.at",
                (a.translation_id, a.address, a.code, a.fingerprint, a.reason, a.profile_id, a.at),
            )

    def delete(self, translation_id: str, address: str, code: str) -> bool:
        with self._store.transaction() as connection:
            cursor = connection.execute(
                "DELETE FROM qa_acknowledgements WHERE translation_id = ? AND address = ? AND code = ?",
                (translation_id, address, code),
            )
            return cursor.rowcount > 0

    def of_translation(self, translation_id: str) -> dict[tuple[str, str], Acknowledgement]:
        """(address, code) → acknowledgement, lapsed ones included (the caller compares fingerprints)."""
        rows = self._store.query(
            "SELECT q.translation_id, q.address, q.code, q.fingerprint, q.reason, q.profile_id, "
            "coalesce(p.name, '') AS profile_name, q.at "
            "FROM qa_acknowledgements q LEFT JOIN profiles p ON p.id = q.profile_id "
            "WHERE q.translation_id = ?",
            (translation_id,),
        )
        return {(row["address"], row["code"]): Acknowledgement(**row) for row in rows}
