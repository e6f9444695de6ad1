"""SQL for what the station keeps of the portal's feed: the cursor, the entries seen, the editors' decisions."""

from __future__ import annotations

import json
from typing import Any

from workstation.model import ItemDecision
from workstation.storage.store import Store

FEED_CURSOR = "portal_feed_cursor"
"""Settings key: the cursor of the last feed entry handled (applied or refused)."""


class FeedLedger:
    """The feed entries handled so far. Written inside the transaction that applies the entry, so an
    entry's effects, its record and the cursor commit together or not at all."""

    def __init__(self, store: Store) -> None:
        self._store = store

    def cursor(self) -> int:
        value = self._store.get_setting(FEED_CURSOR)
        return int(value) if value and value.isdigit() else 0

    def reset_cursor(self) -> None:
        """Read the feed from its start again (after re-enrolment); entries already applied stay applied."""
        self._store.set_setting(FEED_CURSOR, "0")

    def seen(self, cursor: int) -> bool:
        return self._store.query_one("SELECT 1 AS seen FROM feed_entries WHERE cursor = ?", (cursor,)) is not None

    def applied(self, kind: str, entry_key: str) -> bool:
        """Whether an entry of this kind and id was applied, at any cursor."""
        row = self._store.query_one(
            "SELECT 1 AS hit FROM feed_entries WHERE kind = ? AND entry_key = ? AND applied = 1", (kind, entry_key)
        )
        return row is not None

    def record(self, cursor: int, kind: str, entry_key: str, applied: bool, problem: str, at: str, now: str) -> None:
        with self._store.transaction() as connection:
            connection.execute(
                "INSERT INTO feed_entries (cursor, kind, entry_key, applied, problem, at, received_at) "
                "VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT(cursor) DO NOTHING",
                (cursor, kind, entry_key, int(applied), problem, at, now),
            )
            connection.execute(
                "INSERT INTO settings(key, value) VALUES (?, ?) "
                "ON CONFLICT(key) DO UPDATE SET value = max(CAST(value AS INTEGER), CAST(excluded.value AS INTEGER))",
                (FEED_CURSOR, str(cursor)),
            )

    def problems(self) -> list[dict[str, Any]]:
        """Entries that were not applied, with why: `cursor, kind, entry_key, problem, at, received_at`."""
        return self._store.query(
            "SELECT cursor, kind, entry_key, problem, at, received_at FROM feed_entries WHERE applied = 0 "
            "ORDER BY cursor"
        )


class DecisionRepository:
    """The portal editors' decisions, per item and language, kept for the article editor and the Sync view."""

    def __init__(self, store: Store) -> None:
        self._store = store

    def add(self, decision: ItemDecision) -> bool:
        """False when the decision is known already."""
        with self._store.transaction() as connection:
            cursor = connection.execute(
                "INSERT INTO item_decisions (decision_id, item_id, language, package_id, package_version, outcome, "
                "comments, editor, decided_at, received_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) "
                "ON CONFLICT(decision_id) DO NOTHING",
                (decision.decision_id, decision.item_id, decision.language, decision.package_id,
                 decision.package_version, decision.outcome, json.dumps(list(decision.comments), ensure_ascii=False),
                 decision.editor, decision.decided_at, decision.received_at),
            )  # fmt: skip
            return cursor.rowcount == 1

    def for_item(self, item_id: str) -> list[ItemDecision]:
        """Oldest first."""
        return self._select("WHERE item_id = ? ORDER BY decided_at, decision_id", (item_id,))

    def by_bundle(self) -> dict[tuple[str, int], list[ItemDecision]]:
        """Every decision, grouped by bundle (package id, version), each group in the order decided."""
        grouped: dict[tuple[str, int], list[ItemDecision]] = {}
        for decision in self._select("ORDER BY decided_at, decision_id", ()):
            grouped.setdefault((decision.package_id, decision.package_version), []).append(decision)
        return grouped

    def for_bundle(self, package_id: str, version: int) -> list[ItemDecision]:
        return self._select(
            "WHERE package_id = ? AND package_version = ? ORDER BY decided_at, decision_id", (package_id, version)
        )

    def _select(self, where: str, parameters: tuple[Any, ...]) -> list[ItemDecision]:
        rows = self._store.query(
            "SELECT decision_id, item_id, language, package_id, package_version, outcome, comments, editor, "
            f"decided_at, received_at FROM item_decisions {where}",
            parameters,
        )
        return [ItemDecision(**{**row, "comments": tuple(json.loads(row["comments"]))}) for row in rows]
