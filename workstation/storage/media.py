"""Content-addressed media files (`media/<sha256>` beside the store) and the pictures that use them.

A file is written to a temporary name in the media folder, fsynced, renamed and the folder fsynced
before its row is committed, so a committed row always names a complete file. A crash in between
leaves only a stray file, which `collect_orphans` removes.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import sqlite3
import tempfile
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from workstation.errors import BadInput, StoreUnavailable
from workstation.model import Picture
from workstation.storage.store import Store
from workstation.user_files import file_sha256, fsync_folder

TEMP_PREFIX = ".incoming-"
ORPHAN_GRACE_SECONDS = 600
"""Unreferenced files younger than this are left alone: a picture being added may be about to use them."""
_SHA256 = re.compile(r"[0-9a-f]{64}")

# Every column of every table that references media; collect_orphans keeps what any of them names.
_REFERENCED = (
    "SELECT media_sha256 FROM pictures UNION SELECT rendition_sha256 FROM pictures "
    "UNION SELECT thumbnail_sha256 FROM pictures"
)


@dataclass(frozen=True)
class MediaFile:
    sha256: str
    content_type: str
    size: int
    width: int
    height: int
    created_at: str


class MediaRepository:
    def __init__(self, store: Store) -> None:
        self._store = store

    @property
    def folder(self) -> Path:
        return self._store.media_folder

    def path(self, sha256: str) -> Path:
        if not _SHA256.fullmatch(sha256):
            raise BadInput(f"{sha256!r} is not a media id (64 lowercase hexadecimal digits)")
        return self.folder / sha256

    def put(self, data: bytes, content_type: str, width: int = 0, height: int = 0, created_at: str = "") -> str:
        """Store the bytes once (file, then row); the same bytes again change nothing. Returns the sha256."""
        sha256 = self.write_file(data)
        self.record(sha256, content_type, len(data), width, height, created_at)
        return sha256

    def write_file(self, data: bytes) -> str:
        """Make `media/<sha256>` hold these bytes, durably; no row yet. Call outside transactions: it fsyncs."""
        sha256 = hashlib.sha256(data).hexdigest()
        path = self.path(sha256)
        if self._keep_existing(path, sha256, len(data)):
            return sha256
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
            _write_durably(self.folder, path, data)
        except OSError as error:
            raise StoreUnavailable(f"cannot write {path}: {error.strerror or error}") from error
        return sha256

    def record(
        self, sha256: str, content_type: str, size: int, width: int = 0, height: int = 0, created_at: str = ""
    ) -> None:
        """The row of a file already written; joins the caller's transaction when there is one."""
        created_at = created_at or _now()
        with self._store.transaction() as connection:
            connection.execute(
                "INSERT OR IGNORE INTO media (sha256, content_type, size, width, height, created_at) "
                "VALUES (?, ?, ?, ?, ?, ?)",
                (sha256, content_type, size, width, height, created_at),
            )

    def get(self, sha256: str) -> MediaFile | None:
        row = self._store.query_one(
            "SELECT sha256, content_type, size, width, height, created_at FROM media WHERE sha256 = ?", (sha256,)
        )
        return MediaFile(**row) if row else None

    def exists(self, sha256: str) -> bool:
        """True when both the row and the file are present."""
        return self.get(sha256) is not None and self.path(sha256).is_file()

    def collect_orphans(self, grace_seconds: float = ORPHAN_GRACE_SECONDS, now: float | None = None) -> int:
        """Delete media no picture uses (rows and files) and stray files; returns how many were removed.

        Runs in one transaction, so no picture row can be inserted meanwhile; a file written or
        re-used within `grace_seconds` is spared, since a picture being added may not have its row yet.
        """
        cutoff = (time.time() if now is None else now) - grace_seconds
        with self._store.transaction() as connection:
            removed = self._collect_rows(connection, cutoff)
            removed += self._collect_files(connection, cutoff)
        return removed

    def _collect_rows(self, connection: sqlite3.Connection, cutoff: float) -> int:
        orphans = [
            row[0] for row in connection.execute(f"SELECT sha256 FROM media WHERE sha256 NOT IN ({_REFERENCED})")
        ]
        removed = 0
        for sha256 in orphans:
            path = self.folder / sha256
            if _modified_after(path, cutoff):
                continue
            if _unlink(path):
                connection.execute("DELETE FROM media WHERE sha256 = ?", (sha256,))
                removed += 1
        return removed

    def _collect_files(self, connection: sqlite3.Connection, cutoff: float) -> int:
        """Files with no row (a crash between file and row) and temporary files left by a crash."""
        if not self.folder.is_dir():
            return 0
        known = {row[0] for row in connection.execute("SELECT sha256 FROM media")}
        removed = 0
        with os.scandir(self.folder) as entries:
            for entry in entries:
                stray = entry.name.startswith(TEMP_PREFIX) or (
                    _SHA256.fullmatch(entry.name) is not None and entry.name not in known
                )
                path = Path(entry.path)
                if not stray or not entry.is_file(follow_symlinks=False) or _modified_after(path, cutoff):
                    continue
                if _unlink(path):
                    removed += 1
        return removed

    def _keep_existing(self, path: Path, sha256: str, size: int) -> bool:
        """True when the file already holds these bytes; it is then touched so the collector spares it."""
        try:
            if path.stat().st_size != size or file_sha256(path)[0] != sha256:
                return False  # damaged: it is rewritten
        except FileNotFoundError:
            return False
        # collect_orphans sweeps inside a transaction: touching inside one too puts this file's new
        # mtime either before the sweep (spared) or after it (the file was gone: write it again).
        with self._store.transaction():
            try:
                os.utime(path)
            except FileNotFoundError:
                return False
        return True


class PictureRepository:
    def __init__(self, store: Store) -> None:
        self._store = store

    def insert(self, picture: Picture, thumbnail_sha256: str) -> None:
        """Joins the caller's transaction, so the media rows and the picture row can commit together."""
        with self._store.transaction() as connection:
            connection.execute(
                f"INSERT INTO pictures ({_COLUMNS}, thumbnail_sha256, updated_at) "
                f"VALUES ({', '.join('?' * (_COLUMN_COUNT + 2))})",
                (*_picture_row(picture), thumbnail_sha256, picture.created_at),
            )

    def get(self, picture_id: str) -> Picture | None:
        row = self._store.query_one(f"SELECT {_COLUMNS} FROM pictures WHERE id = ?", (picture_id,))
        return picture_from_row(row) if row else None

    def of_article(self, article_id: str) -> list[Picture]:
        rows = self._store.query(
            f"SELECT {_COLUMNS} FROM pictures WHERE article_id = ? ORDER BY created_at, id", (article_id,)
        )
        return [picture_from_row(row) for row in rows]

    def update_texts(
        self,
        picture_id: str,
        captions: dict[str, str] | None = None,
        alt_texts: dict[str, str] | None = None,
        credits: dict[str, str] | None = None,
        copyright_holder: str | None = None,
        *,
        updated_at: str,
    ) -> Picture | None:
        """Merge per language: a given language replaces that language only; an empty text removes it."""
        with self._store.transaction() as connection:
            picture = self.get(picture_id)
            if picture is None:
                return None
            picture.captions = merge_texts(picture.captions, captions)
            picture.alt_texts = merge_texts(picture.alt_texts, alt_texts)
            picture.credits = merge_texts(picture.credits, credits)
            if copyright_holder is not None:
                picture.copyright_holder = copyright_holder
            connection.execute(
                "UPDATE pictures SET captions = ?, alt_texts = ?, credits = ?, copyright_holder = ?, "
                "updated_at = ? WHERE id = ?",
                (
                    _json(picture.captions), _json(picture.alt_texts), _json(picture.credits),
                    picture.copyright_holder, updated_at, picture_id,
                ),
            )  # fmt: skip
            if captions is not None:
                _reindex_articles_showing(connection, self._store, picture_id)
        return picture

    def delete(self, picture_id: str) -> bool:
        with self._store.transaction() as connection:
            return connection.execute("DELETE FROM pictures WHERE id = ?", (picture_id,)).rowcount > 0

    def thumbnail_sha256(self, picture_id: str) -> str | None:
        row = self._store.query_one("SELECT thumbnail_sha256 FROM pictures WHERE id = ?", (picture_id,))
        return row["thumbnail_sha256"] if row else None

    def article_exists(self, article_id: str) -> bool:
        return self._store.query_one("SELECT 1 AS found FROM articles WHERE id = ?", (article_id,)) is not None

    def block_count(self, picture_id: str) -> int:
        """How many body blocks show this picture."""
        row = self._store.query_one("SELECT count(*) AS n FROM blocks WHERE picture_id = ?", (picture_id,))
        return row["n"] if row else 0


_COLUMNS = (
    "id, article_id, media_sha256, rendition_sha256, content_type, width, height, captions, alt_texts, "
    "credits, copyright_holder, original_name, created_at"
)
_COLUMN_COUNT = len(_COLUMNS.split(","))
_JSON_COLUMNS = ("captions", "alt_texts", "credits")


def merge_texts(current: dict[str, str], changes: dict[str, str] | None) -> dict[str, str]:
    merged = dict(current)
    for language, text in (changes or {}).items():
        if text:
            merged[language] = text
        else:
            merged.pop(language, None)
    return merged


def picture_from_row(row: dict[str, Any]) -> Picture:
    fields = dict(row)
    for name in _JSON_COLUMNS:
        fields[name] = json.loads(fields[name] or "{}")
    return Picture(**fields)


def _picture_row(picture: Picture) -> tuple[Any, ...]:
    return (
        picture.id, picture.article_id, picture.media_sha256, picture.rendition_sha256, picture.content_type,
        picture.width, picture.height, _json(picture.captions), _json(picture.alt_texts), _json(picture.credits),
        picture.copyright_holder, picture.original_name, picture.created_at,
    )  # fmt: skip


def _json(texts: dict[str, str]) -> str:
    return json.dumps(texts, ensure_ascii=False, sort_keys=True)


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def _write_durably(folder: Path, path: Path, data: bytes) -> None:
    descriptor, temporary = tempfile.mkstemp(dir=folder, prefix=TEMP_PREFIX, suffix=".part")
    try:
        with os.fdopen(descriptor, "wb") as file:
            file.write(data)
            file.flush()
            os.fsync(file.fileno())
        os.replace(temporary, path)
    except BaseException:
        _unlink(Path(temporary))
        raise
    fsync_folder(folder)


def _modified_after(path: Path, cutoff: float) -> bool:
    try:
        return path.stat().st_mtime > cutoff
    except FileNotFoundError:
        return False


def _unlink(path: Path) -> bool:
    """True once the file is gone; a file that cannot be deleted now (open elsewhere on Windows) waits."""
    try:
        path.unlink()
    except FileNotFoundError:
        return True
    except OSError:
        return False
    return True


def _reindex_articles_showing(connection: sqlite3.Connection, store: Store, picture_id: str) -> None:
    """Captions are searchable text of every article (and translation) that shows the picture."""
    from workstation.storage.articles import ArticleRepository
    from workstation.storage.search import SearchIndex

    articles = ArticleRepository(store)
    for (article_id,) in connection.execute(
        "SELECT DISTINCT article_id FROM blocks WHERE picture_id = ?", (picture_id,)
    ).fetchall():
        article = articles.get(article_id)
        if article is not None:
            SearchIndex.index(connection, article)
