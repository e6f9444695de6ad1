"""Glossary entries in the store (table ``glossary_entries``, migration 8): the SQL, nothing else.

The service (``workstation.translation.glossary``) computes each term's match key; here keys are plain
columns. Rows come back as dicts with the table's column names, ``forbidden`` still JSON text.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable, Mapping
from typing import Any

from workstation.storage.store import Store

COLUMNS = (
    "id",
    "station_id",
    "created_at",
    "updated_at",
    "version",
    "source_language",
    "source_term",
    "source_key",
    "target_language",
    "target_term",
    "target_key",
    "forbidden",
    "note",
    "origin",
)
_SELECT = f"SELECT {', '.join(COLUMNS)} FROM glossary_entries"
_ORDER = " ORDER BY source_language, target_language, source_key, target_key, id"
_INSERT = f"INSERT INTO glossary_entries ({', '.join(COLUMNS)}) VALUES ({', '.join(':' + name for name in COLUMNS)})"
_EDITABLE = ("source_term", "source_key", "target_term", "target_key", "forbidden", "note")


def entry(store: Store, entry_id: str) -> dict[str, Any] | None:
    return store.query_one(f"{_SELECT} WHERE id = ?", (entry_id,))


def entries(store: Store, source_language: str | None = None, target_language: str | None = None) -> list[dict]:
    """Entries stored in this direction (either filter may be None), in a stable order."""
    conditions, params = [], []
    if source_language is not None:
        conditions.append("source_language = ?")
        params.append(source_language)
    if target_language is not None:
        conditions.append("target_language = ?")
        params.append(target_language)
    where = f" WHERE {' AND '.join(conditions)}" if conditions else ""
    return store.query(_SELECT + where + _ORDER, tuple(params))


def pair_entries(store: Store, language_a: str, language_b: str) -> list[dict]:
    """Every entry between two languages, stored in either direction (both served by the pair index)."""
    return store.query(
        f"{_SELECT} WHERE (source_language = ? AND target_language = ?) "
        "OR (source_language = ? AND target_language = ?) ORDER BY id",
        (language_a, language_b, language_b, language_a),
    )


def same_terms(
    store: Store, source_language: str, source_key: str, target_language: str, target_key: str
) -> dict[str, Any] | None:
    """The entry pairing these two terms, stored in either direction; None when there is none."""
    return store.query_one(
        f"{_SELECT} WHERE (source_language = ? AND target_language = ? AND source_key = ? AND target_key = ?) "
        "OR (source_language = ? AND target_language = ? AND source_key = ? AND target_key = ?) LIMIT 1",
        (
            source_language,
            target_language,
            source_key,
            target_key,
            target_language,
            source_language,
            target_key,
            source_key,
        ),
    )


def count(store: Store) -> int:
    row = store.query_one("SELECT count(*) AS n FROM glossary_entries")
    return int(row["n"]) if row else 0


def insert(connection: sqlite3.Connection, row: Mapping[str, Any]) -> None:
    connection.execute(_INSERT, {name: row[name] for name in COLUMNS})


def insert_many(connection: sqlite3.Connection, rows: Iterable[Mapping[str, Any]]) -> None:
    connection.executemany(_INSERT, ({name: row[name] for name in COLUMNS} for row in rows))


def update(connection: sqlite3.Connection, entry_id: str, changes: Mapping[str, Any], updated_at: str) -> int:
    """Rewrites the editable columns given in ``changes``, bumps the version; the number of rows changed."""
    names = [name for name in _EDITABLE if name in changes]
    assignments = "".join(f"{name} = :{name}, " for name in names)
    cursor = connection.execute(
        f"UPDATE glossary_entries SET {assignments}updated_at = :updated_at, version = version + 1 WHERE id = :id",
        {**{name: changes[name] for name in names}, "updated_at": updated_at, "id": entry_id},
    )
    return cursor.rowcount


def delete(connection: sqlite3.Connection, entry_id: str) -> int:
    return connection.execute("DELETE FROM glossary_entries WHERE id = ?", (entry_id,)).rowcount


def existing_ids(store: Store, ids: Iterable[str]) -> set[str]:
    """Which of ``ids`` are stored (asked in chunks below SQLite's parameter limit)."""
    wanted = list(dict.fromkeys(ids))
    found: set[str] = set()
    for start in range(0, len(wanted), 500):
        chunk = wanted[start : start + 500]
        rows = store.query(f"SELECT id FROM glossary_entries WHERE id IN ({', '.join('?' * len(chunk))})", tuple(chunk))
        found.update(row["id"] for row in rows)
    return found


def pair_keys(store: Store) -> set[tuple[str, str, str, str]]:
    """(source language, source key, target language, target key) of every entry: duplicate checks in bulk."""
    rows = store.query("SELECT source_language, source_key, target_language, target_key FROM glossary_entries")
    return {(r["source_language"], r["source_key"], r["target_language"], r["target_key"]) for r in rows}
