"""SQL for local user profiles and the workflow's record of who changed which state when."""

from __future__ import annotations

import json
import sqlite3

from workstation.model import Profile, StateChange
from workstation.storage.store import Store


class ProfileRepository:
    def __init__(self, store: Store) -> None:
        self._store = store

    def insert(self, profile: Profile, created_at: str) -> None:
        with self._store.transaction() as connection:
            connection.execute(
                "INSERT INTO profiles (id, name, roles, created_at) VALUES (?, ?, ?, ?)",
                (profile.id, profile.name, json.dumps(sorted(profile.roles)), created_at),
            )

    def set_roles(self, profile_id: str, roles: frozenset[str]) -> None:
        with self._store.transaction() as connection:
            connection.execute("UPDATE profiles SET roles = ? WHERE id = ?", (json.dumps(sorted(roles)), profile_id))

    def get(self, profile_id: str) -> Profile | None:
        row = self._store.query_one("SELECT id, name, roles FROM profiles WHERE id = ?", (profile_id,))
        return _profile(row) if row else None

    def by_name(self, name: str) -> Profile | None:
        row = self._store.query_one("SELECT id, name, roles FROM profiles WHERE name = ? COLLATE NOCASE", (name,))
        return _profile(row) if row else None

    def all(self) -> list[Profile]:
        return [_profile(row) for row in self._store.query("SELECT id, name, roles FROM profiles ORDER BY created_at")]


class StateChangeRepository:
    def __init__(self, store: Store) -> None:
        self._store = store

    @staticmethod
    def record(connection: sqlite3.Connection, change: StateChange) -> None:
        """Written inside the caller's transaction, beside the state it records."""
        connection.execute(
            "INSERT INTO state_changes (article_id, from_state, to_state, profile_id, at, comment) "
            "VALUES (?, ?, ?, ?, ?, ?)",
            (change.article_id, change.from_state, change.to_state, change.profile_id, change.at, change.comment),
        )

    def of_article(self, article_id: str) -> list[StateChange]:
        rows = self._store.query(
            # A step taken by the system (the portal's decisions) has no profile row: show its id.
            "SELECT c.article_id, c.from_state, c.to_state, c.profile_id, "
            "coalesce(p.name, c.profile_id) AS profile_name, c.at, c.comment "
            "FROM state_changes c LEFT JOIN profiles p ON p.id = c.profile_id "
            "WHERE c.article_id = ? ORDER BY c.id",
            (article_id,),
        )
        return [StateChange(**row) for row in rows]


def _profile(row: dict) -> Profile:
    return Profile(id=row["id"], name=row["name"], roles=frozenset(json.loads(row["roles"])))
