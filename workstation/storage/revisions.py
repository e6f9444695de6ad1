"""SQL for revision snapshots: the whole article as saved, so any version can be shown, diffed and restored."""

from __future__ import annotations

import json
import sqlite3
from dataclasses import asdict
from datetime import datetime
from typing import Any

from workstation.model import Article, Block, Mark, Revision
from workstation.storage.store import Store

AUTOSAVE = "autosave"


class RevisionRepository:
    def __init__(self, store: Store) -> None:
        self._store = store

    @staticmethod
    def record(
        connection: sqlite3.Connection,
        article: Article,
        profile_id: str,
        reason: str,
        coalesce_seconds: float,
    ) -> None:
        """Keep a snapshot of `article` (already at its new version) inside the caller's transaction.

        Autosaves by one person within `coalesce_seconds` of the snapshot's first save update that
        snapshot instead of adding one: typing for an hour leaves a dozen readable revisions, not thousands.
        """
        snapshot = json.dumps(_article_dict(article), ensure_ascii=False, separators=(",", ":"))
        latest = connection.execute(
            "SELECT version, first_saved_at, profile_id, reason FROM revisions WHERE article_id = ? "
            "ORDER BY version DESC LIMIT 1",
            (article.id,),
        ).fetchone()
        if (
            latest is not None
            and reason == AUTOSAVE
            and latest["reason"] == AUTOSAVE
            and latest["profile_id"] == profile_id
            and _seconds_between(latest["first_saved_at"], article.updated_at) < coalesce_seconds
        ):
            connection.execute(
                "UPDATE revisions SET version = ?, saved_at = ?, snapshot = ? WHERE article_id = ? AND version = ?",
                (article.version, article.updated_at, snapshot, article.id, latest["version"]),
            )
            return
        connection.execute(
            "INSERT INTO revisions (article_id, version, first_saved_at, saved_at, profile_id, reason, snapshot) "
            "VALUES (?, ?, ?, ?, ?, ?, ?)",
            (article.id, article.version, article.updated_at, article.updated_at, profile_id, reason, snapshot),
        )

    def of_article(self, article_id: str) -> list[Revision]:
        """Newest first."""
        return [_revision(row) for row in self._store.query(_SELECT + " ORDER BY r.version DESC", (article_id,))]

    def get(self, article_id: str, version: int) -> Revision | None:
        row = self._store.query_one(_SELECT + " AND r.version = ?", (article_id, version))
        return _revision(row) if row else None


_SELECT = (
    "SELECT r.article_id, r.version, r.saved_at, r.profile_id, coalesce(p.name, '') AS profile_name, r.reason, "
    "r.snapshot FROM revisions r LEFT JOIN profiles p ON p.id = r.profile_id WHERE r.article_id = ?"
)


def _revision(row: dict[str, Any]) -> Revision:
    fields = dict(row)
    snapshot = json.loads(fields.pop("snapshot"))
    return Revision(**fields, article=_article_from_dict(snapshot))


def _article_dict(article: Article) -> dict[str, Any]:
    return asdict(article)


def _article_from_dict(data: dict[str, Any]) -> Article:
    blocks = [
        Block(**{**block, "marks": tuple(Mark(**mark) for mark in block.get("marks", ()))})
        for block in data.pop("blocks", [])
    ]
    known = Article.__dataclass_fields__
    return Article(**{key: value for key, value in data.items() if key in known}, blocks=blocks)


def _seconds_between(earlier: str, later: str) -> float:
    return (_parse(later) - _parse(earlier)).total_seconds()


def _parse(timestamp: str) -> datetime:
    return datetime.fromisoformat(timestamp.replace("Z", "+00:00"))
