"""SQL for the translation memory: its units (``tm_units``) and their candidate index (``tm_search``).

A unit is stored once, in the direction it was translated, and serves both directions. The index
(migration 7) is a contentless FTS5 table whose rowid is the unit's id, with one column per ordered
language pair: ``vi_en`` holds the Vietnamese side of every unit pairing Vietnamese with English,
whichever way it was translated, so a vi→en lookup searches one column and finds en→vi units too.
What goes into a column (folded words, CJK characters and adjacent pairs of them) is computed by the
service (``translation/memory.py``), which also gives the same text again to remove a unit: a
contentless table forgets what it indexed, and deleting needs the very tokens indexed.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass

from workstation.model import LANGUAGES
from workstation.storage.store import Store

_UNIT_COLUMNS = (
    "id, uid, source_lang, target_lang, source_text, target_text, origin, created_by, created_at, updated_at"
)


def column(language: str, other: str) -> str:
    """The index column holding the ``language`` side of units pairing ``language`` with ``other``."""
    if language not in LANGUAGES or other not in LANGUAGES or language == other:
        raise ValueError(f"no memory index for the pair {language}-{other}")
    return f"{language}_{other}"


@dataclass(frozen=True)
class UnitRow:
    id: int
    uid: str
    source_lang: str
    target_lang: str
    source_text: str
    target_text: str
    origin: str
    created_by: str
    created_at: str
    updated_at: str


@dataclass(frozen=True)
class NewUnit:
    """A unit to insert, with its match-key hashes and the index text of both sides."""

    uid: str
    station_id: str
    source_lang: str
    target_lang: str
    source_text: str
    target_text: str
    source_hash: int
    target_hash: int
    origin: str
    created_by: str
    created_at: str
    updated_at: str
    source_index: str
    target_index: str


def _match(columns: Sequence[str], tokens: Sequence[str], operator: str) -> str:
    # Tokens are letters, digits and "_" (the service builds them), quoted all the same.
    terms = f" {operator} ".join('"' + token.replace('"', '""') + '"' for token in tokens)
    return f"{{{' '.join(columns)}}} : ({terms})"


class MemoryRepository:
    def __init__(self, store: Store) -> None:
        self._store = store

    # --- writing (inside the caller's transaction) ------------------------------------------

    def find_same(
        self, source_lang: str, target_lang: str, source_text: str, target_text: str, source_hash: int
    ) -> tuple[int, str] | None:
        """(id, uid) of a unit with exactly these texts, stored in this direction or the other."""
        row = self._store.query_one(
            "SELECT id, uid FROM tm_units WHERE source_hash = ? AND source_lang = ? AND target_lang = ? "
            "AND source_text = ? AND target_text = ? "
            "UNION ALL SELECT id, uid FROM tm_units WHERE target_hash = ? AND target_lang = ? AND source_lang = ? "
            "AND target_text = ? AND source_text = ? LIMIT 1",
            (source_hash, source_lang, target_lang, source_text, target_text,
             source_hash, source_lang, target_lang, source_text, target_text),
        )  # fmt: skip
        return (row["id"], row["uid"]) if row else None

    def touch(self, unit_id: int, now: str) -> None:
        with self._store.transaction() as connection:
            connection.execute("UPDATE tm_units SET updated_at = ?, version = version + 1 WHERE id = ?", (now, unit_id))

    def insert(self, units: Sequence[NewUnit]) -> list[int]:
        """Insert ``units`` (and index them); returns their ids in order."""
        if not units:
            return []
        with self._store.transaction() as connection:
            first = connection.execute("SELECT coalesce(max(id), 0) + 1 FROM tm_units").fetchone()[0]
            ids = list(range(first, first + len(units)))
            connection.executemany(
                "INSERT INTO tm_units (id, uid, station_id, source_lang, target_lang, source_text, target_text, "
                "source_hash, target_hash, origin, created_by, created_at, updated_at) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                [
                    (unit_id, u.uid, u.station_id, u.source_lang, u.target_lang, u.source_text, u.target_text,
                     u.source_hash, u.target_hash, u.origin, u.created_by, u.created_at, u.updated_at)
                    for unit_id, u in zip(ids, units, strict=True)
                ],
            )  # fmt: skip
            by_pair: dict[tuple[str, str], list[tuple[int, str, str]]] = {}
            for unit_id, u in zip(ids, units, strict=True):
                by_pair.setdefault((u.source_lang, u.target_lang), []).append((unit_id, u.source_index, u.target_index))
            for (source_lang, target_lang), rows in by_pair.items():
                connection.executemany(
                    f"INSERT INTO tm_search (rowid, {column(source_lang, target_lang)}, "
                    f"{column(target_lang, source_lang)}) VALUES (?, ?, ?)",
                    rows,
                )
        return ids

    def remove(self, unit: UnitRow, source_index: str, target_index: str) -> None:
        """Delete ``unit``; the index texts must be those it was indexed with."""
        with self._store.transaction() as connection:
            connection.execute(
                f"INSERT INTO tm_search (tm_search, rowid, {column(unit.source_lang, unit.target_lang)}, "
                f"{column(unit.target_lang, unit.source_lang)}) VALUES ('delete', ?, ?, ?)",
                (unit.id, source_index, target_index),
            )
            connection.execute("DELETE FROM tm_units WHERE id = ?", (unit.id,))

    # --- reading ----------------------------------------------------------------------------

    def with_key(self, language: str, other: str, key_hash: int) -> list[UnitRow]:
        """Units whose ``language`` side has this match-key hash, paired with ``other``."""
        rows = self._store.query(
            f"SELECT {_UNIT_COLUMNS} FROM tm_units WHERE source_hash = ? AND source_lang = ? AND target_lang = ? "
            f"UNION ALL SELECT {_UNIT_COLUMNS} FROM tm_units "
            "WHERE target_hash = ? AND target_lang = ? AND source_lang = ?",
            (key_hash, language, other, key_hash, language, other),
        )
        return [UnitRow(**row) for row in rows]

    def document_count(self, column_name: str, token: str, cap: int) -> int:
        """How many units hold ``token`` in the column, counting no further than ``cap``."""
        row = self._store.query_one(
            "SELECT count(*) AS n FROM (SELECT 1 FROM tm_search WHERE tm_search MATCH ? LIMIT ?)",
            (_match([column_name], [token], "AND"), cap),
        )
        return row["n"] if row else 0

    def postings(self, column_name: str, token: str) -> list[str]:
        """The ids of the units holding ``token`` in the column, as text (most are only counted)."""
        # One row of text instead of thousands of rows: far less work in Python.
        row = self._store.query_one(
            "SELECT group_concat(rowid) AS ids FROM tm_search WHERE tm_search MATCH ?",
            (_match([column_name], [token], "AND"),),
        )
        return row["ids"].split(",") if row and row["ids"] else []

    def containing_all(
        self, columns: Sequence[str], tokens: Sequence[str], limit: int, below: int | None = None
    ) -> list[int]:
        """Ids of units holding every token in one of ``columns``, newest first, under id ``below``."""
        if not tokens or not columns:
            return []
        match = _match(columns, tokens, "AND")
        bound = "AND rowid < ? " if below is not None else ""
        params: tuple = (match, below, limit) if below is not None else (match, limit)
        rows = self._store.query(
            f"SELECT rowid AS id FROM tm_search WHERE tm_search MATCH ? {bound}ORDER BY rowid DESC LIMIT ?", params
        )
        return [row["id"] for row in rows]

    def units(self, ids: Sequence[int]) -> list[UnitRow]:
        if not ids:
            return []
        rows = self._store.query(
            f"SELECT {_UNIT_COLUMNS} FROM tm_units WHERE id IN ({', '.join('?' * len(ids))})", tuple(ids)
        )
        return [UnitRow(**row) for row in rows]

    def by_uid(self, uid: str) -> UnitRow | None:
        row = self._store.query_one(f"SELECT {_UNIT_COLUMNS} FROM tm_units WHERE uid = ?", (uid,))
        return UnitRow(**row) if row else None

    def count(self, language: str | None = None, other: str | None = None) -> int:
        """Units of the pair (either direction), or of every pair when no languages are given."""
        if language is None or other is None:
            row = self._store.query_one("SELECT count(*) AS n FROM tm_units")
        else:
            row = self._store.query_one(
                "SELECT (SELECT count(*) FROM tm_units WHERE source_lang = ? AND target_lang = ?) + "
                "(SELECT count(*) FROM tm_units WHERE source_lang = ? AND target_lang = ?) AS n",
                (language, other, other, language),
            )
        return row["n"] if row else 0

    def pages(self, language: str | None = None, other: str | None = None, size: int = 2000) -> Iterator[list[UnitRow]]:
        """Every unit (of the pair, either direction), oldest first, a page at a time."""
        after = 0
        pair = "AND ((source_lang = ? AND target_lang = ?) OR (source_lang = ? AND target_lang = ?)) "
        while True:
            params: tuple = (after, language, other, other, language, size) if language and other else (after, size)
            rows = self._store.query(
                f"SELECT {_UNIT_COLUMNS} FROM tm_units WHERE id > ? {pair if language and other else ''}"
                "ORDER BY id LIMIT ?",
                params,
            )
            if not rows:
                return
            yield [UnitRow(**row) for row in rows]
            after = rows[-1]["id"]
