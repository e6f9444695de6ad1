"""SQL for articles (sources and translations) and their body blocks."""

from __future__ import annotations

from typing import Any

from workstation.model import Article, ArticleSummary, Block
from workstation.storage.store import Store

_ARTICLE_COLUMNS = (
    "id, station_id, created_at, updated_at, version, language, headline, subheadline, lead, "
    "byline, dateline, genre, state, translated_from, translation_id, direction"
)


# The unary + keeps SQLite from choosing the translated_from index (a sort of every row) over walking
# articles_recent in order and stopping after a page.
_KIND_FILTER = {
    None: "",
    True: "WHERE +a.translated_from IS NOT NULL",
    False: "WHERE +a.translated_from IS NULL",
}


class ArticleRepository:
    def __init__(self, store: Store) -> None:
        self._store = store

    def insert(self, article: Article) -> None:
        with self._store.transaction() as connection:
            connection.execute(
                f"INSERT INTO articles ({_ARTICLE_COLUMNS}) VALUES ({', '.join('?' * 16)})",
                _article_row(article),
            )
            self._write_blocks(connection, article)

    def update(self, article: Article) -> None:
        """Write every field and the blocks; the caller has bumped version and updated_at."""
        with self._store.transaction() as connection:
            connection.execute(
                "UPDATE articles SET updated_at = ?, version = ?, language = ?, headline = ?, "
                "subheadline = ?, lead = ?, byline = ?, dateline = ?, genre = ?, state = ? WHERE id = ?",
                (
                    article.updated_at, article.version, article.language, article.headline,
                    article.subheadline, article.lead, article.byline, article.dateline,
                    article.genre, article.state, article.id,
                ),
            )  # fmt: skip
            connection.execute("DELETE FROM blocks WHERE article_id = ?", (article.id,))
            self._write_blocks(connection, article)

    def get(self, article_id: str) -> Article | None:
        row = self._store.query_one(f"SELECT {_ARTICLE_COLUMNS} FROM articles WHERE id = ?", (article_id,))
        if row is None:
            return None
        blocks = self._store.query(
            "SELECT id, kind, text FROM blocks WHERE article_id = ? ORDER BY position", (article_id,)
        )
        return Article(**row, blocks=[Block(id=b["id"], kind=b["kind"], text=b["text"]) for b in blocks])

    def summaries(self, limit: int = -1, offset: int = 0, translations: bool | None = None) -> list[ArticleSummary]:
        """Newest first; `translations` True/False keeps only translations/sources, None both.

        Translations carry their source's language and headline (one join, not a query per row).
        """
        sql = (
            "SELECT a.id, a.language, a.headline, a.state, a.updated_at, a.translated_from, a.version, "
            "s.language AS source_language, s.headline AS source_headline "
            f"FROM articles a LEFT JOIN articles s ON s.id = a.translated_from {_KIND_FILTER[translations]} "
            "ORDER BY a.updated_at DESC, a.id DESC LIMIT ? OFFSET ?"
        )
        return [ArticleSummary(**row) for row in self._store.query(sql, (limit, offset))]

    def count(self, translations: bool | None = None) -> int:
        row = self._store.query_one(f"SELECT count(*) AS n FROM articles a {_KIND_FILTER[translations]}")
        return row["n"] if row else 0

    def translation_ids_of(self, article_id: str) -> list[str]:
        rows = self._store.query(
            "SELECT id FROM articles WHERE translated_from = ? ORDER BY language, created_at", (article_id,)
        )
        return [row["id"] for row in rows]

    @staticmethod
    def _write_blocks(connection: Any, article: Article) -> None:
        connection.executemany(
            "INSERT INTO blocks (article_id, id, position, kind, text) VALUES (?, ?, ?, ?, ?)",
            [(article.id, b.id, n, b.kind, b.text) for n, b in enumerate(article.blocks)],
        )


def _article_row(article: Article) -> tuple[Any, ...]:
    return (
        article.id, article.station_id, article.created_at, article.updated_at, article.version,
        article.language, article.headline, article.subheadline, article.lead, article.byline,
        article.dateline, article.genre, article.state, article.translated_from,
        article.translation_id, article.direction,
    )  # fmt: skip
