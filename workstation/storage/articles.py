"""SQL for articles (sources and translations) and their body blocks."""

from __future__ import annotations

import json
from datetime import date, timedelta
from typing import Any

from workstation.errors import BadInput
from workstation.language.folding import fold
from workstation.model import Article, ArticleFilter, ArticleSummary, Block, Mark
from workstation.storage.search import SearchIndex
from workstation.storage.store import Store

_ARTICLE_COLUMNS = (
    "id, station_id, created_at, updated_at, version, language, headline, subheadline, lead, "
    "byline, dateline, genre, state, translated_from, translation_id, direction, "
    "subjects, keywords, embargo, notes, created_by"
)
_JSON_LIST_COLUMNS = ("subjects", "keywords")


# The unary + keeps SQLite from choosing the translated_from index (a sort of every row) over walking
# articles_recent in order and stopping after a page; the same goes for genre and several states. One
# state (the review queue, the returned) or a language walks articles_state or articles_language, in
# that same order, so a page deep in a short list does not read every newer article first.
_KIND_FILTER = {
    None: "",
    True: "+a.translated_from IS NOT NULL",
    False: "+a.translated_from IS NULL",
}


class ArticleRepository:
    def __init__(self, store: Store) -> None:
        self._store = store

    def insert(self, article: Article) -> None:
        with self._store.transaction() as connection:
            connection.execute(
                f"INSERT INTO articles ({_ARTICLE_COLUMNS}) VALUES ({', '.join('?' * 21)})",
                _article_row(article),
            )
            self._write_blocks(connection, article)
            SearchIndex.index(connection, article)

    def update(self, article: Article) -> None:
        """Write every field and the blocks; the caller has bumped version and updated_at."""
        with self._store.transaction() as connection:
            connection.execute(
                "UPDATE articles SET updated_at = ?, version = ?, language = ?, headline = ?, "
                "subheadline = ?, lead = ?, byline = ?, dateline = ?, genre = ?, state = ?, subjects = ?, "
                "keywords = ?, embargo = ?, notes = ? WHERE id = ?",
                (
                    article.updated_at, article.version, article.language, article.headline,
                    article.subheadline, article.lead, article.byline, article.dateline,
                    article.genre, article.state, json.dumps(article.subjects, ensure_ascii=False),
                    json.dumps(article.keywords, ensure_ascii=False), article.embargo, article.notes,
                    article.id,
                ),
            )  # fmt: skip
            connection.execute("DELETE FROM blocks WHERE article_id = ?", (article.id,))
            self._write_blocks(connection, article)
            SearchIndex.index(connection, article)

    def get(self, article_id: str) -> Article | None:
        row = self._store.query_one(f"SELECT {_ARTICLE_COLUMNS} FROM articles WHERE id = ?", (article_id,))
        if row is None:
            return None
        blocks = self._store.query(
            "SELECT id, kind, text, marks, picture_id FROM blocks WHERE article_id = ? ORDER BY position",
            (article_id,),
        )
        return article_from_row(row, [block_from_row(block) for block in blocks])

    def summaries(
        self,
        limit: int = -1,
        offset: int = 0,
        translations: bool | None = None,
        filter: ArticleFilter | None = None,
    ) -> list[ArticleSummary]:
        """Newest first; `translations` True/False keeps only translations/sources, None both; a
        `filter`, when given, wins (its own `translations` included).

        Translations carry their source's language and headline (one join, not a query per row).
        """
        where, params = _where(filter or ArticleFilter(translations=translations))
        sql = (
            "SELECT a.id, a.language, a.headline, a.state, a.updated_at, a.translated_from, a.version, a.genre, "
            "s.language AS source_language, s.headline AS source_headline "
            f"FROM articles a LEFT JOIN articles s ON s.id = a.translated_from {where} "
            "ORDER BY a.updated_at DESC, a.id DESC LIMIT ? OFFSET ?"
        )
        return [ArticleSummary(**row) for row in self._store.query(sql, (*params, limit, offset))]

    def count(self, translations: bool | None = None, filter: ArticleFilter | None = None) -> int:
        where, params = _where(filter or ArticleFilter(translations=translations))
        row = self._store.query_one(f"SELECT count(*) AS n FROM articles a {where}", params)
        return row["n"] if row else 0

    def translation_ids_of(self, article_id: str) -> list[str]:
        rows = self._store.query(
            "SELECT id FROM articles WHERE translated_from = ? ORDER BY language, created_at", (article_id,)
        )
        return [row["id"] for row in rows]

    @staticmethod
    def _write_blocks(connection: Any, article: Article) -> None:
        connection.executemany(
            "INSERT INTO blocks (article_id, id, position, kind, text, marks, picture_id) VALUES (?, ?, ?, ?, ?, ?, ?)",
            [
                (article.id, b.id, n, b.kind, b.text, marks_to_json(b.marks), b.picture_id)
                for n, b in enumerate(article.blocks)
            ],
        )


def _where(filter: ArticleFilter) -> tuple[str, tuple[Any, ...]]:
    """The WHERE clause (or "") of the article list for ``filter``, and its parameters."""
    clauses = [_KIND_FILTER[filter.translations]] if filter.translations is not None else []
    params: list[Any] = []
    states = sorted(filter.states)
    if len(states) == 1:
        clauses.append("a.state = ?")
    elif states:
        clauses.append(f"+a.state IN ({', '.join('?' * len(states))})")
    params += states
    for clause, value in (("a.language = ?", filter.language), ("+a.genre = ?", filter.genre)):
        if value:
            clauses.append(clause)
            params.append(value)
    if filter.subject:
        clauses.append("EXISTS (SELECT 1 FROM json_each(a.subjects) WHERE ws_fold(json_each.value) = ?)")
        params.append(" ".join(fold(filter.subject).split()))
    if filter.updated_from:
        clauses.append("a.updated_at >= ?")
        params.append(_day(filter.updated_from).isoformat())
    if filter.updated_to:
        clauses.append("a.updated_at < ?")  # timestamps sort as text; the whole last day is in
        params.append((_day(filter.updated_to) + timedelta(days=1)).isoformat())
    return ("WHERE " + " AND ".join(clauses) if clauses else ""), tuple(params)


def _day(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError as error:
        raise BadInput(f"{text!r} is not a day; write it YYYY-MM-DD") from error


def marks_to_json(marks: tuple[Mark, ...]) -> str:
    return json.dumps(
        [{"start": m.start, "end": m.end, "kind": m.kind, **({"href": m.href} if m.href else {})} for m in marks],
        ensure_ascii=False,
    )


def marks_from_json(text: str) -> tuple[Mark, ...]:
    return tuple(Mark(**mark) for mark in json.loads(text or "[]"))


def block_from_row(row: dict[str, Any]) -> Block:
    return Block(
        id=row["id"], kind=row["kind"], text=row["text"], marks=marks_from_json(row["marks"]),
        picture_id=row["picture_id"],
    )  # fmt: skip


def article_from_row(row: dict[str, Any], blocks: list[Block]) -> Article:
    fields = dict(row)
    for name in _JSON_LIST_COLUMNS:
        fields[name] = json.loads(fields[name])
    return Article(**fields, blocks=blocks)


def _article_row(article: Article) -> tuple[Any, ...]:
    return (
        article.id, article.station_id, article.created_at, article.updated_at, article.version,
        article.language, article.headline, article.subheadline, article.lead, article.byline,
        article.dateline, article.genre, article.state, article.translated_from,
        article.translation_id, article.direction, json.dumps(article.subjects, ensure_ascii=False),
        json.dumps(article.keywords, ensure_ascii=False), article.embargo, article.notes, article.created_by,
    )  # fmt: skip
