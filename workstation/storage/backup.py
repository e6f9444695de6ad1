"""Backup and restore of a whole workspace (database, media, outbox) as one zip file.

A backup is a zip holding `manifest.json`, `workspace.db` (DEFLATED), `media/<sha256>` and
`outbox/<file>` (both STORED: pictures and sealed bundles are already compressed). The manifest
names the format, the schema version of the database and every file with its sha256 and size.

The database is copied with SQLite's online backup from a second, read-only connection that holds
one read transaction for the whole copy: in WAL mode that reader never blocks the app's writers, and
the copy is the consistent snapshot taken when the transaction began. The store's own connection is
not used, because its lock would have to be held for the whole copy and would stall the app.

Restore extracts and checks everything in a staging folder first (hashes, integrity check,
migrations), and only then swaps it in; the workspace it replaces is moved to
`<folder>/before-restore-<timestamp>/`, never deleted, and is put back if the swap fails.

A running app must hold the workspace lock (see `workspace_lock.hold_workspace_lock`) so a restore
can refuse to pull the workspace from under it.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import re
import shutil
import sqlite3
import stat
import tempfile
import time
import zipfile
import zlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Any

from workstation.clock import timestamp, utc_now
from workstation.errors import BadInput, EnvironmentFailure, Refused, StoreUnavailable
from workstation.storage.migrations import MIGRATIONS
from workstation.storage.store import BUSY_TIMEOUT_MS, Store, open_store
from workstation.storage.workspace_lock import hold_workspace_lock
from workstation.user_files import fsync_folder

FORMAT_NAME = "editorial-workstation-backup"
FORMAT_VERSION = 1
MANIFEST_NAME = "manifest.json"
DB_NAME = "workspace.db"
CHUNK = 1024 * 1024
# Pages copied per backup step: each step reports progress and can be cancelled.
BACKUP_STEP_PAGES = 1024

# Limits that keep a hostile backup from exhausting memory or disk while it is checked.
MAX_ENTRIES = 200_000
MAX_TOTAL_BYTES = 64 * 1024**3
MAX_MANIFEST_BYTES = 64 * 1024**2
# DEFLATE cannot expand more than about 1032×; a higher declared ratio is a forged size.
MAX_COMPRESSION_RATIO = 1100

_MEDIA_NAME = re.compile(r"^[0-9a-f]{64}$")
_OUTBOX_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,200}$")
_LISTED_PATH = re.compile(r"^(workspace\.db|media/[0-9a-f]{64}|outbox/[A-Za-z0-9][A-Za-z0-9._-]{0,200})$")
_SHA256 = re.compile(r"^[0-9a-f]{64}$")
_SIDECARS = ("-wal", "-shm", "-journal")
_ZIP_READ_ERRORS = (zipfile.BadZipFile, zlib.error, EOFError, NotImplementedError, RuntimeError, ValueError)

Progress = Callable[[int, int], None]


class BackupCancelled(Exception):
    """The backup stopped at the user's request; no file was left behind."""


class BackupInvalid(BadInput):
    """The file is not a backup this app can restore; `problems` lists every reason found."""

    def __init__(self, path: Path, problems: list[str]) -> None:
        self.problems = problems
        super().__init__(f"{path} is not a usable backup:\n" + "\n".join(problems))


@dataclass(frozen=True)
class BackupFile:
    path: str
    sha256: str
    size: int


@dataclass(frozen=True)
class BackupManifest:
    schema_version: int
    created_at: str
    station_id: str | None
    files: tuple[BackupFile, ...]

    @property
    def media_files(self) -> int:
        return sum(1 for item in self.files if item.path.startswith("media/"))

    @property
    def outbox_files(self) -> int:
        return sum(1 for item in self.files if item.path.startswith("outbox/"))

    @property
    def total_bytes(self) -> int:
        return sum(item.size for item in self.files)

    def to_json(self) -> dict[str, Any]:
        return {
            "format": FORMAT_NAME,
            "format_version": FORMAT_VERSION,
            "schema_version": self.schema_version,
            "created_at": self.created_at,
            "station_id": self.station_id,
            "files": [{"path": item.path, "sha256": item.sha256, "size": item.size} for item in self.files],
        }


@dataclass(frozen=True)
class BackupSummary:
    path: Path
    size: int
    schema_version: int
    articles: int
    translations: int
    media_files: int
    outbox_files: int
    warnings: tuple[str, ...] = ()


@dataclass(frozen=True)
class RestoreSummary:
    backup_path: Path
    store_path: Path
    created_at: str
    station_id: str | None
    schema_version: int
    articles: int
    translations: int
    media_files: int
    outbox_files: int
    previous_kept: Path | None


# --- backup --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _SourceFile:
    name: str  # the entry's name in the backup
    path: Path
    size: int


@dataclass
class _Meter:
    total: int
    progress: Progress
    cancelled: Callable[[], bool]
    done: int = 0

    def advance(self, count: int) -> None:
        self.done += count
        self.report()

    def report(self) -> None:
        if self.cancelled():
            raise BackupCancelled
        self.progress(min(self.done, self.total), self.total)


@dataclass(frozen=True)
class _CopyFacts:
    schema_version: int
    articles: int
    translations: int
    media_rows: frozenset[str]
    station_id: str | None


def backup_workspace(
    store: Store,
    out_path: Path,
    progress: Progress | None = None,
    cancelled: Callable[[], bool] | None = None,
) -> BackupSummary:
    """Write the whole workspace to `out_path` while the app keeps working; all or nothing.

    `progress(done_bytes, total_bytes)` is called as the database and files are copied; when
    `cancelled()` turns true, BackupCancelled is raised and no file is left behind.
    """
    out_path = Path(out_path).expanduser().absolute()
    _check_out_path(store, out_path)
    try:
        out_path.parent.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise EnvironmentFailure(f"cannot create the folder for {out_path}: {error.strerror or error}") from error
    partial = out_path.with_name(f".{out_path.name}.partial")
    try:
        with tempfile.TemporaryDirectory(prefix=".backup-", dir=out_path.parent) as scratch:
            copy = Path(scratch) / DB_NAME
            with _snapshot(store) as source:
                created_at = timestamp(utc_now())
                # Listed inside the snapshot: media and bundles are written before the rows naming them.
                files = _workspace_files(store)
                database_bytes = _database_bytes(source)
                meter = _Meter(
                    database_bytes + sum(item.size for item in files),
                    progress or (lambda done, total: None),
                    cancelled or (lambda: False),
                )
                _copy_database(source, copy, meter)
            facts = _check_copy(copy)
            manifest, warnings = _write_archive(partial, copy, files, facts, created_at, meter)
            _publish(partial, out_path)
    except BaseException as error:
        partial.unlink(missing_ok=True)
        if isinstance(error, OSError):
            raise EnvironmentFailure(f"cannot write the backup {out_path}: {error.strerror or error}") from error
        if isinstance(error, sqlite3.Error):
            raise StoreUnavailable(f"the store {store.path} could not be copied: {error}") from error
        raise
    meter.done = meter.total
    meter.progress(meter.total, meter.total)
    return BackupSummary(
        path=out_path,
        size=out_path.stat().st_size,
        schema_version=facts.schema_version,
        articles=facts.articles,
        translations=facts.translations,
        media_files=manifest.media_files,
        outbox_files=manifest.outbox_files,
        warnings=tuple(warnings),
    )


def _check_out_path(store: Store, out_path: Path) -> None:
    if out_path.is_dir():
        raise BadInput(f"{out_path} is a folder; give the backup file's name")
    database = store.path.absolute()
    inside = {database, *(database.with_name(database.name + suffix) for suffix in _SIDECARS)}
    if out_path in inside or out_path.parent in {store.media_folder.absolute(), store.outbox_folder.absolute()}:
        raise BadInput(f"{out_path} is part of the workspace itself; write the backup somewhere else")


@contextlib.contextmanager
def _snapshot(store: Store) -> Iterator[sqlite3.Connection]:
    connection = sqlite3.connect(store.path, isolation_level=None, check_same_thread=False)
    try:
        connection.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        connection.execute("PRAGMA query_only = ON")
        connection.execute("BEGIN")
        # The first read fixes the snapshot; the backup's steps all read it, so it never restarts.
        connection.execute("SELECT count(*) FROM sqlite_master").fetchone()
        yield connection
    finally:
        if connection.in_transaction:
            connection.execute("ROLLBACK")
        connection.close()


def _database_bytes(source: sqlite3.Connection) -> int:
    pages = source.execute("PRAGMA page_count").fetchone()[0]
    return int(pages * source.execute("PRAGMA page_size").fetchone()[0])


def _workspace_files(store: Store) -> list[_SourceFile]:
    media = _regular_files(store.media_folder, _MEDIA_NAME)
    outbox = _regular_files(store.outbox_folder, _OUTBOX_NAME)
    return [_SourceFile(f"media/{path.name}", path, size) for path, size in media] + [
        _SourceFile(f"outbox/{path.name}", path, size) for path, size in outbox
    ]


def _regular_files(folder: Path, pattern: re.Pattern[str]) -> list[tuple[Path, int]]:
    # Names outside the pattern are files being written (temporary names) or not ours.
    try:
        entries = sorted(os.scandir(folder), key=lambda entry: entry.name)
    except FileNotFoundError:
        return []
    found = []
    for entry in entries:
        if not pattern.match(entry.name):
            continue
        with contextlib.suppress(FileNotFoundError):  # collected as an orphan meanwhile
            if entry.is_file(follow_symlinks=False):
                found.append((Path(entry.path), entry.stat(follow_symlinks=False).st_size))
    return found


def _copy_database(source: sqlite3.Connection, copy: Path, meter: _Meter) -> None:
    page_size = source.execute("PRAGMA page_size").fetchone()[0]
    target = sqlite3.connect(copy)
    start = meter.done

    def step(status: int, remaining: int, total: int) -> None:
        meter.done = start + (total - remaining) * page_size
        meter.report()

    try:
        source.backup(target, pages=BACKUP_STEP_PAGES, progress=step)
    finally:
        target.close()


def _check_copy(copy: Path) -> _CopyFacts:
    connection = sqlite3.connect(copy, isolation_level=None)
    try:
        # The copy keeps the source's WAL flag; a rollback journal makes it one self-contained file.
        connection.execute("PRAGMA journal_mode = DELETE").fetchone()
        verdict = [row[0] for row in connection.execute("PRAGMA integrity_check")]
        if verdict != ["ok"]:
            raise Refused(
                "the workspace database fails its integrity check, so no backup was written:\n"
                + "\n".join(verdict[:20])
            )
        schema_version = connection.execute("PRAGMA user_version").fetchone()[0]
        articles, translations = connection.execute(_COUNT_SQL).fetchone()
        media_rows = frozenset(row[0] for row in connection.execute("SELECT sha256 FROM media"))
        station = connection.execute("SELECT value FROM settings WHERE key = 'station_id'").fetchone()
    finally:
        connection.close()
    return _CopyFacts(schema_version, articles, translations, media_rows, station[0] if station else None)


_COUNT_SQL = (
    "SELECT count(*) FILTER (WHERE translated_from IS NULL) AS articles,"
    " count(*) FILTER (WHERE translated_from IS NOT NULL) AS translations FROM articles"
)


def _write_archive(
    partial: Path, copy: Path, files: list[_SourceFile], facts: _CopyFacts, created_at: str, meter: _Meter
) -> tuple[BackupManifest, list[str]]:
    warnings: list[str] = []
    with zipfile.ZipFile(partial, "w", allowZip64=True) as archive:
        # The database's bytes were counted while it was copied.
        listed = [_add_file(archive, DB_NAME, copy, zipfile.ZIP_DEFLATED, None)]
        for item in files:
            try:
                listed.append(_add_file(archive, item.name, item.path, zipfile.ZIP_STORED, meter))
            except FileNotFoundError:
                meter.advance(item.size)
                warnings.append(f"{item.name} disappeared while the backup was written; it is not in the backup")
        manifest = BackupManifest(
            schema_version=facts.schema_version,
            created_at=created_at,
            station_id=facts.station_id,
            files=tuple(listed),
        )
        archive.writestr(
            _entry(MANIFEST_NAME, zipfile.ZIP_DEFLATED),
            json.dumps(manifest.to_json(), ensure_ascii=False, indent=2).encode("utf-8") + b"\n",
        )
    warnings += _media_warnings(listed, facts.media_rows)
    return manifest, warnings


def _add_file(archive: zipfile.ZipFile, name: str, path: Path, compression: int, meter: _Meter | None) -> BackupFile:
    info = _entry(name, compression)
    digest, size = hashlib.sha256(), 0
    with path.open("rb") as source:
        info.file_size = os.fstat(source.fileno()).st_size  # lets zipfile choose ZIP64 for large files
        with archive.open(info, "w") as target:
            while chunk := source.read(CHUNK):
                target.write(chunk)
                digest.update(chunk)
                size += len(chunk)
                if meter:
                    meter.advance(len(chunk))
    return BackupFile(name, digest.hexdigest(), size)


def _entry(name: str, compression: int) -> zipfile.ZipInfo:
    info = zipfile.ZipInfo(name, date_time=time.localtime()[:6])
    info.compress_type = compression
    info.external_attr = (stat.S_IFREG | 0o600) << 16
    return info


def _media_warnings(listed: list[BackupFile], media_rows: frozenset[str]) -> list[str]:
    present = {item.path.removeprefix("media/"): item.sha256 for item in listed if item.path.startswith("media/")}
    warnings = [
        f"media/{name} does not match its sha256 (damaged in the workspace); it was backed up as it is"
        for name, digest in present.items()
        if name != digest
    ]
    warnings += [
        f"media/{name} is used by the workspace but its file is missing" for name in sorted(media_rows - set(present))
    ]
    return warnings


def _publish(partial: Path, out_path: Path) -> None:
    with partial.open("rb") as handle:
        os.fsync(handle.fileno())
    os.replace(partial, out_path)
    fsync_folder(out_path.parent)


# --- checking a backup ---------------------------------------------------------------------------


def inspect_backup(path: Path) -> BackupManifest:
    """Check a backup completely without extracting it; BackupInvalid lists every problem found."""
    path = Path(path).expanduser()
    with _open_backup(path) as archive:
        return _checked_manifest(archive, path, contents=True)


@contextlib.contextmanager
def _open_backup(path: Path) -> Iterator[zipfile.ZipFile]:
    try:
        archive = zipfile.ZipFile(path)
    except FileNotFoundError as error:
        raise BackupInvalid(path, [f"file not found: {path}"]) from error
    except IsADirectoryError as error:
        raise BackupInvalid(path, [f"{path} is a folder, not a backup file"]) from error
    except (zipfile.BadZipFile, ValueError, EOFError) as error:
        raise BackupInvalid(path, ["not a zip archive, or the archive is damaged"]) from error
    except OSError as error:
        raise EnvironmentFailure(f"cannot read the backup {path}: {error.strerror or error}") from error
    with archive:
        yield archive


@dataclass(frozen=True)
class _Structure:
    manifest: BackupManifest | None
    problems: list[str]
    readable: list[BackupFile]  # listed entries whose contents can be checked safely


def _structure(archive: zipfile.ZipFile) -> _Structure:
    """Entries, paths, limits and the manifest; contents are read only within the limits."""
    problems: list[str] = []
    infos, within_limits = _checked_entries(archive, problems)
    manifest = _read_manifest(archive, infos, problems)
    readable = _check_listing(manifest, infos, problems) if manifest else []
    return _Structure(manifest, problems, readable if within_limits else [])


def _checked_manifest(archive: zipfile.ZipFile, path: Path, contents: bool) -> BackupManifest:
    """The manifest of a well-formed backup; contents are checked too when asked, or to list every problem."""
    structure = _structure(archive)
    problems = list(structure.problems)
    if problems or contents:
        problems += [problem for item in structure.readable for problem in _content_problems(archive, item)]
    if problems or structure.manifest is None:
        raise BackupInvalid(path, problems)
    return structure.manifest


def _checked_entries(archive: zipfile.ZipFile, problems: list[str]) -> tuple[dict[str, zipfile.ZipInfo], bool]:
    """The entries with safe names, and whether the archive stays within the size limits."""
    infos = archive.infolist()
    if len(infos) > MAX_ENTRIES:
        problems.append(f"too many entries ({len(infos)}; at most {MAX_ENTRIES})")
        return {}, False
    safe: dict[str, zipfile.ZipInfo] = {}
    total, within_limits = 0, True
    for info in infos:
        name = info.filename
        if _unsafe_path(name):
            problems.append(f"unsafe path {name!r} (absolute, with backslashes, or leaving the backup)")
            continue
        if stat.S_ISLNK(info.external_attr >> 16):
            problems.append(f"symbolic link {name!r} is not allowed")
            continue
        if name in safe:
            problems.append(f"duplicate entry {name!r}")
            continue
        if info.compress_size and info.file_size / info.compress_size > MAX_COMPRESSION_RATIO:
            problems.append(f"entry {name!r} claims to expand {info.file_size // info.compress_size}× (zip bomb?)")
            within_limits = False
        total += info.file_size
        safe[name] = info
    if total > MAX_TOTAL_BYTES:
        problems.append(f"the backup expands to {total} bytes, more than the {MAX_TOTAL_BYTES} allowed")
        within_limits = False
    return safe, within_limits


def _unsafe_path(name: str) -> bool:
    return (
        not name
        or name.startswith("/")
        or "\\" in name
        or "\x00" in name
        or re.match(r"^[A-Za-z]:", name) is not None
        or ".." in PurePosixPath(name).parts
    )


def _read_manifest(
    archive: zipfile.ZipFile, infos: dict[str, zipfile.ZipInfo], problems: list[str]
) -> BackupManifest | None:
    info = infos.get(MANIFEST_NAME)
    if info is None:
        problems.append(f"{MANIFEST_NAME} is missing: this is not a workstation backup")
        return None
    if info.file_size > MAX_MANIFEST_BYTES:
        problems.append(f"{MANIFEST_NAME} is {info.file_size} bytes, more than the {MAX_MANIFEST_BYTES} allowed")
        return None
    try:
        data = json.loads(archive.read(info).decode("utf-8"))
    except (*_ZIP_READ_ERRORS, UnicodeDecodeError) as error:
        problems.append(f"{MANIFEST_NAME} cannot be read: {error}")
        return None
    return _parse_manifest(data, problems)


def _parse_manifest(data: object, problems: list[str]) -> BackupManifest | None:
    if not isinstance(data, dict) or data.get("format") != FORMAT_NAME:
        problems.append(f"{MANIFEST_NAME} does not describe an {FORMAT_NAME}")
        return None
    if data.get("format_version") != FORMAT_VERSION:
        problems.append(
            f"backup format version {data.get('format_version')!r} is not supported (this app reads {FORMAT_VERSION})"
        )
        return None
    schema_version = data.get("schema_version")
    if not isinstance(schema_version, int) or isinstance(schema_version, bool) or schema_version < 1:
        problems.append(f"{MANIFEST_NAME} has no valid schema_version")
        return None
    if schema_version > len(MIGRATIONS):
        problems.append(
            f"the backup was made by a newer version of the workstation (schema {schema_version}; this app "
            f"reads up to {len(MIGRATIONS)}); update the app to restore it"
        )
    station_id = data.get("station_id")
    files = _parse_files(data.get("files"), problems)
    if files is None:
        return None
    return BackupManifest(
        schema_version=schema_version,
        created_at=str(data.get("created_at", "")),
        station_id=station_id if isinstance(station_id, str) else None,
        files=files,
    )


def _parse_files(raw: object, problems: list[str]) -> tuple[BackupFile, ...] | None:
    if not isinstance(raw, list):
        problems.append(f"{MANIFEST_NAME} has no file list")
        return None
    files: list[BackupFile] = []
    for entry in raw:
        if not (
            isinstance(entry, dict)
            and isinstance(entry.get("path"), str)
            and isinstance(entry.get("sha256"), str)
            and _SHA256.match(entry["sha256"])
            and isinstance(entry.get("size"), int)
            and not isinstance(entry.get("size"), bool)
            and entry["size"] >= 0
        ):
            problems.append(f"{MANIFEST_NAME} lists a malformed entry: {str(entry)[:200]}")
            continue
        files.append(BackupFile(entry["path"], entry["sha256"], entry["size"]))
    return tuple(files)


def _check_listing(
    manifest: BackupManifest, infos: dict[str, zipfile.ZipInfo], problems: list[str]
) -> list[BackupFile]:
    """Compare the manifest's list with the entries; returns the listed files that are present as listed."""
    seen: set[str] = set()
    present: list[BackupFile] = []
    for item in manifest.files:
        if not _LISTED_PATH.match(item.path):
            problems.append(f"{MANIFEST_NAME} lists {item.path!r}, which is not a workspace file")
        elif item.path in seen:
            problems.append(f"{MANIFEST_NAME} lists {item.path!r} twice")
        elif item.path not in infos:
            problems.append(f"{item.path} is listed in the manifest but missing from the backup")
        elif infos[item.path].file_size != item.size:
            problems.append(f"{item.path} is {infos[item.path].file_size} bytes, not the {item.size} the manifest says")
        else:
            present.append(item)
        seen.add(item.path)
    if DB_NAME not in seen:
        problems.append(f"{MANIFEST_NAME} does not list {DB_NAME}")
    problems += [
        f"{name} is in the backup but not listed in the manifest"
        for name in sorted(set(infos) - seen - {MANIFEST_NAME})
    ]
    return present


def _content_problems(archive: zipfile.ZipFile, item: BackupFile, target: Path | None = None) -> list[str]:
    """Stream one entry (into `target` when given), checking its size and sha256 against the manifest."""
    digest, size = hashlib.sha256(), 0
    try:
        with archive.open(item.path) as source, _sink(target) as sink:
            while chunk := source.read(CHUNK):
                size += len(chunk)
                if size > item.size:
                    return [f"{item.path} is longer than the {item.size} bytes the manifest says"]
                digest.update(chunk)
                sink(chunk)
    except _ZIP_READ_ERRORS as error:
        return [f"{item.path} cannot be read from the backup: {error}"]
    if size != item.size or digest.hexdigest() != item.sha256:
        return [f"{item.path} does not match its sha256 in the manifest (altered or damaged)"]
    return []


@contextlib.contextmanager
def _sink(target: Path | None) -> Iterator[Callable[[bytes], object]]:
    if target is None:
        yield lambda chunk: None
        return
    target.parent.mkdir(parents=True, exist_ok=True)
    with target.open("xb") as handle:
        yield handle.write
        handle.flush()
        os.fsync(handle.fileno())


# --- restore -------------------------------------------------------------------------------------


def restore_workspace(backup_path: Path, store_path: Path) -> RestoreSummary:
    """Replace the workspace at `store_path` with the backup; the previous one is kept aside.

    Nothing is touched until the backup has been extracted, verified and migrated beside the
    workspace; Refused when the workspace is open (its lock is held), BackupInvalid when the file
    is not a usable backup.
    """
    backup_path = Path(backup_path).expanduser().absolute()
    store_path = Path(store_path).expanduser().absolute()
    if store_path.is_dir():
        raise StoreUnavailable(f"{store_path} is a folder, not a store file")
    try:
        with hold_workspace_lock(store_path), _open_backup(backup_path) as archive:
            # Contents are checked as they are extracted.
            manifest = _checked_manifest(archive, backup_path, contents=False)
            previous, (articles, translations) = _restore_checked(archive, manifest, backup_path, store_path)
    except OSError as error:
        raise EnvironmentFailure(f"the restore into {store_path.parent} failed: {error.strerror or error}") from error
    return RestoreSummary(
        backup_path=backup_path,
        store_path=store_path,
        created_at=manifest.created_at,
        station_id=manifest.station_id,
        schema_version=manifest.schema_version,
        articles=articles,
        translations=translations,
        media_files=manifest.media_files,
        outbox_files=manifest.outbox_files,
        previous_kept=previous,
    )


def _restore_checked(
    archive: zipfile.ZipFile, manifest: BackupManifest, backup_path: Path, store_path: Path
) -> tuple[Path | None, tuple[int, int]]:
    _check_free_space(store_path.parent, manifest)
    # Staged beside the workspace, so the swap is a few renames on one file system.
    staging = Path(tempfile.mkdtemp(prefix=".restore-", dir=store_path.parent))
    try:
        _extract(archive, manifest, staging, backup_path)
        _check_staged_database(staging / DB_NAME, manifest, backup_path)
        open_store(staging / DB_NAME).close()  # runs the migrations before anything is swapped
        return _swap_in(staging, store_path)
    finally:
        shutil.rmtree(staging, ignore_errors=True)


def _check_free_space(folder: Path, manifest: BackupManifest) -> None:
    try:
        free = shutil.disk_usage(folder).free
    except OSError as error:
        raise EnvironmentFailure(f"cannot use the folder {folder}: {error.strerror or error}") from error
    needed = manifest.total_bytes + 64 * 1024**2  # room for the migrations' journal
    if free < needed:
        raise EnvironmentFailure(
            f"not enough free space in {folder}: the restore needs {needed / 1e6:.1f} MB, {free / 1e6:.1f} MB are free"
        )


def _extract(archive: zipfile.ZipFile, manifest: BackupManifest, staging: Path, backup_path: Path) -> None:
    (staging / "media").mkdir()
    (staging / "outbox").mkdir()
    problems: list[str] = []
    for item in manifest.files:
        target = staging / item.path  # the path was matched against _LISTED_PATH: no escape is possible
        found = _content_problems(archive, item, target)
        if found:
            target.unlink(missing_ok=True)
        problems += found
    if problems:
        raise BackupInvalid(backup_path, problems)


def _check_staged_database(database: Path, manifest: BackupManifest, backup_path: Path) -> None:
    try:
        connection = sqlite3.connect(database)
    except sqlite3.Error as error:
        raise BackupInvalid(backup_path, [f"{DB_NAME} cannot be opened: {error}"]) from error
    try:
        schema_version = connection.execute("PRAGMA user_version").fetchone()[0]
        verdict = [row[0] for row in connection.execute("PRAGMA integrity_check")]
    except sqlite3.DatabaseError as error:
        raise BackupInvalid(backup_path, [f"{DB_NAME} is not a workstation database or is damaged: {error}"]) from error
    finally:
        connection.close()
    problems = [] if verdict == ["ok"] else [f"{DB_NAME} fails its integrity check: {line}" for line in verdict[:20]]
    if schema_version != manifest.schema_version:
        problems.append(f"{DB_NAME} has schema {schema_version}, but the manifest says {manifest.schema_version}")
    if problems:
        raise BackupInvalid(backup_path, problems)


def _swap_in(staging: Path, store_path: Path) -> tuple[Path | None, tuple[int, int]]:
    """Move the current workspace aside and the staged one into place; undo every move on failure."""
    folder = store_path.parent
    moves: list[tuple[Path, Path]] = []
    current = [path for path in _workspace_items(store_path) if path.exists() or path.is_symlink()]
    aside = _aside_folder(folder) if current else None
    planned = [(path, aside / path.name) for path in current] if aside else []
    planned += [(staging / name, folder / name) for name in ("media", "outbox")]
    planned.append((staging / DB_NAME, store_path))
    try:
        for source, target in planned:
            os.rename(source, target)
            moves.append((source, target))
        fsync_folder(folder)
        counts = _count_articles(store_path)
    except BaseException:
        _put_back(moves, store_path, staging, aside)
        raise
    return aside, counts


def _put_back(moves: list[tuple[Path, Path]], store_path: Path, staging: Path, aside: Path | None) -> None:
    try:
        if (staging / DB_NAME, store_path) in moves:
            # The failed open of the restored store may have left its own -wal/-shm; the previous ones are aside.
            for suffix in _SIDECARS:
                store_path.with_name(store_path.name + suffix).unlink(missing_ok=True)
        for source, target in reversed(moves):
            os.rename(target, source)
        if aside is not None:
            aside.rmdir()
    except OSError as error:
        raise EnvironmentFailure(
            f"the restore failed, and the previous workspace could not all be put back: what was not is in {aside}"
        ) from error


def _workspace_items(store_path: Path) -> list[Path]:
    folder = store_path.parent
    sidecars = [store_path.with_name(store_path.name + suffix) for suffix in _SIDECARS]
    return [store_path, *sidecars, folder / "media", folder / "outbox"]


def _aside_folder(folder: Path) -> Path:
    stamp = utc_now().strftime("%Y%m%dT%H%M%SZ")
    for attempt in range(1, 1000):
        candidate = folder / (f"before-restore-{stamp}" if attempt == 1 else f"before-restore-{stamp}-{attempt}")
        try:
            candidate.mkdir()
        except FileExistsError:
            continue
        return candidate
    raise EnvironmentFailure(f"cannot make a folder in {folder} to keep the current workspace")


def _count_articles(store_path: Path) -> tuple[int, int]:
    store = open_store(store_path)
    try:
        row = store.query_one(_COUNT_SQL)
    finally:
        store.close()
    return (row["articles"], row["translations"]) if row else (0, 0)
