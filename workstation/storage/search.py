"""The full-text index of articles and translations (FTS5 table `article_search`, rowid = articles.rowid).

Each article's row holds the folded ``index_form`` of four text columns, weighted for bm25 by
migration 5: headline 10, summary (subheadline and lead) 4, body 1, extra (byline, dateline,
subjects, keywords, notes) 2; and its language (weight 0), which the query's terms never reach, so a
language filter is one more index lookup instead of a walk over every match. The table keeps its
own copy of the folded text (not contentless): SQLite 3.40 deletes from a contentless table only when
given the exact values once indexed, and a row indexed by an older folding would then corrupt it.
"""

from __future__ import annotations

import json
import sqlite3
from dataclasses import dataclass
from typing import TYPE_CHECKING

from workstation.language.folding import fold, fts_query, index_form, tokens
from workstation.model import Article, BlockKind

if TYPE_CHECKING:
    from workstation.storage.store import Store

_INSERT = (
    "INSERT INTO article_search (rowid, headline, summary, body, extra, language) "
    "SELECT rowid, ?, ?, ?, ?, language FROM articles WHERE id = ?"
)
_REBUILD = """
INSERT INTO article_search (rowid, headline, summary, body, extra, language)
    SELECT a.rowid, ws_search_text(a.headline), ws_search_text(a.subheadline || char(10) || a.lead),
        ws_search_text((SELECT group_concat(b.text, char(10)) FROM
            (SELECT text FROM blocks WHERE article_id = a.id AND kind <> 'picture' ORDER BY position) b)),
        ws_search_extra(a.byline, a.dateline, a.subjects, a.keywords, a.notes), a.language
    FROM articles a
"""
# Selecting f.rank would make FTS5 compute it again for the page; ordering by it is enough.
_HITS = (
    "SELECT a.id, a.language, a.headline, a.state, a.updated_at, a.translated_from "
    "FROM article_search f JOIN articles a ON a.rowid = f.rowid WHERE article_search MATCH ? "
    "ORDER BY f.rank LIMIT ? OFFSET ?"
)
_TEXT_COLUMNS = "{headline summary body extra}"


@dataclass(frozen=True)
class SearchRow:
    id: str
    language: str
    headline: str
    state: str
    updated_at: str
    translated_from: str | None


@dataclass(frozen=True)
class ArticleText:
    """An article's searchable text in reading order, as (part, text): headline, lead, a block's id..."""

    parts: tuple[tuple[str, str], ...]


def register_functions(connection: sqlite3.Connection) -> None:
    """The folding functions the index's SQL (migration 5, ``rebuild``) calls."""
    connection.create_function("ws_search_text", 1, _search_text, deterministic=True)
    connection.create_function("ws_search_extra", 5, _search_extra, deterministic=True)
    # The list's subject filter compares folded text: "du lich" picks "Du lịch".
    connection.create_function("ws_fold", 1, _fold_or_none, deterministic=True)


def _fold_or_none(text: object) -> str | None:
    return " ".join(fold(text).split()) if isinstance(text, str) else None


def match_expression(query: str, language: str | None = None, as_you_type: bool = False) -> str | None:
    """The FTS5 MATCH for a user's query (see ``folding.fts_query``), or None when it can match nothing."""
    terms = fts_query(query, as_you_type)
    language_tokens = tokens(language) if language else []
    if terms is None or (language and not language_tokens):
        return None
    expression = f"{_TEXT_COLUMNS} : ({terms})"
    return f'language : "{" ".join(language_tokens)}" AND {expression}' if language else expression


def extra_text(byline: str, dateline: str, subjects: list[str], keywords: list[str], notes: str) -> str:
    return "\n".join([byline, dateline, *subjects, *keywords, notes])


class SearchIndex:
    def __init__(self, store: Store) -> None:
        self._store = store

    @staticmethod
    def index(connection: sqlite3.Connection, article: Article) -> None:
        """(Re)index ``article``, already written, inside the caller's transaction."""
        SearchIndex.remove(connection, article.id)
        body = "\n".join(
            [block.text for block in article.blocks if block.kind != BlockKind.PICTURE] + _captions(connection, article)
        )
        extra = extra_text(article.byline, article.dateline, article.subjects, article.keywords, article.notes)
        connection.execute(
            _INSERT,
            (
                index_form(article.headline), index_form(f"{article.subheadline}\n{article.lead}"),
                index_form(body), index_form(extra), article.id,
            ),
        )  # fmt: skip

    @staticmethod
    def remove(connection: sqlite3.Connection, article_id: str) -> None:
        """Drop the article's row (deleting an article does it too, by trigger)."""
        connection.execute(
            "DELETE FROM article_search WHERE rowid = (SELECT rowid FROM articles WHERE id = ?)", (article_id,)
        )

    def rebuild(self) -> int:
        """Index every article again (after a change of folding rules); returns how many."""
        with self._store.transaction() as connection:
            connection.execute("DELETE FROM article_search")
            connection.execute(_REBUILD)
            connection.execute("INSERT INTO article_search (article_search) VALUES ('optimize')")
            return connection.execute("SELECT count(*) FROM article_search").fetchone()[0]

    def search(
        self, query: str, language: str | None = None, limit: int = 50, offset: int = 0, as_you_type: bool = False
    ) -> list[SearchRow]:
        """Articles and translations matching the user's ``query``, best first; [] when it asks for nothing."""
        match = match_expression(query, language, as_you_type)
        if match is None:
            return []
        return [SearchRow(**row) for row in self._store.query(_HITS, (match, limit, offset))]

    def count(self, query: str, language: str | None = None, as_you_type: bool = False) -> int:
        match = match_expression(query, language, as_you_type)
        if match is None:
            return 0
        row = self._store.query_one("SELECT count(*) AS n FROM article_search WHERE article_search MATCH ?", (match,))
        return row["n"] if row else 0

    def texts(self, article_ids: list[str]) -> dict[str, ArticleText]:
        """The searchable text of a few articles (the hits on a page), for snippets."""
        if not article_ids:
            return {}
        marks = ", ".join("?" * len(article_ids))
        articles = self._store.query(
            "SELECT id, headline, subheadline, lead, byline, dateline, subjects, keywords, notes "
            f"FROM articles WHERE id IN ({marks})",
            tuple(article_ids),
        )
        blocks = self._store.query(
            f"SELECT article_id, id, text FROM blocks WHERE article_id IN ({marks}) AND kind <> 'picture' "
            "ORDER BY article_id, position",
            tuple(article_ids),
        )
        body: dict[str, list[tuple[str, str]]] = {}
        for block in blocks:
            body.setdefault(block["article_id"], []).append((block["id"], block["text"]))
        return {row["id"]: _article_text(row, body.get(row["id"], [])) for row in articles}


def _article_text(row: dict[str, str], body: list[tuple[str, str]]) -> ArticleText:
    parts = [("headline", row["headline"]), ("subheadline", row["subheadline"]), ("lead", row["lead"]), *body]
    parts += [("byline", row["byline"]), ("dateline", row["dateline"])]
    parts += [("subjects", subject) for subject in json.loads(row["subjects"])]
    parts += [("keywords", keyword) for keyword in json.loads(row["keywords"])]
    parts.append(("notes", row["notes"]))
    return ArticleText(tuple((part, text) for part, text in parts if text))


def _captions(connection: sqlite3.Connection, article: Article) -> list[str]:
    """The captions, in the article's language, of the pictures it shows."""
    picture_ids = article.picture_ids
    if not picture_ids:
        return []
    rows = connection.execute(
        f"SELECT captions FROM pictures WHERE id IN ({', '.join('?' * len(picture_ids))})", picture_ids
    ).fetchall()
    return [caption for (captions,) in rows if (caption := json.loads(captions).get(article.language))]


def _search_text(text: str | None) -> str:
    return index_form(text or "")


def _search_extra(byline: str, dateline: str, subjects: str, keywords: str, notes: str) -> str:
    return index_form(extra_text(byline, dateline, json.loads(subjects or "[]"), json.loads(keywords or "[]"), notes))
