"""Backup and restore of a whole workspace, on real stores, with hostile backups and a real lock holder."""

from __future__ import annotations

import hashlib
import json
import os
import sqlite3
import subprocess
import sys
import threading
import time
import zipfile
from collections.abc import Callable
from pathlib import Path

import pytest

from workstation.errors import BadInput, Refused, StoreUnavailable
from workstation.storage import backup as backup_module
from workstation.storage.backup import (
    FORMAT_NAME,
    BackupCancelled,
    BackupInvalid,
    backup_workspace,
    inspect_backup,
    restore_workspace,
)
from workstation.storage.migrations import MIGRATIONS
from workstation.storage.workspace_lock import hold_workspace_lock

REPO = Path(__file__).resolve().parents[2]


def add_media(store, count: int, size: int = 2000) -> list[str]:
    store.media_folder.mkdir(parents=True, exist_ok=True)
    names = []
    for _ in range(count):
        data = os.urandom(size)
        name = hashlib.sha256(data).hexdigest()
        (store.media_folder / name).write_bytes(data)
        names.append(name)
    return names


def add_bundle(store, name: str, data: bytes = b"PK sealed bundle") -> None:
    store.outbox_folder.mkdir(parents=True, exist_ok=True)
    (store.outbox_folder / name).write_bytes(data)


def headlines(store_path: Path) -> set[str]:
    with sqlite3.connect(store_path) as connection:
        return {row[0] for row in connection.execute("SELECT headline FROM articles")}


def tree(folder: Path) -> dict[str, str]:
    """Every file under the folder with its sha256, except the lock file a restore attempt creates."""
    return {
        str(path.relative_to(folder)): hashlib.sha256(path.read_bytes()).hexdigest()
        for path in sorted(folder.rglob("*"))
        if path.is_file() and not path.name.endswith(".lock")
    }


def leftovers(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p.name.startswith((".restore-", "before-restore-")))


@pytest.fixture
def workspace(services):
    """A workspace with two articles, three media files (plus files that are not media) and a bundle."""
    services.editorial.create_article("vi", "Tin thứ nhất", lead="Mở đầu.", paragraphs=["Một.", "Hai."])
    services.editorial.create_article("en", "Second story", lead="Lead.", paragraphs=["One."])
    add_media(services.store, 3)
    (services.store.media_folder / ".incoming-1234").write_bytes(b"being written")
    add_bundle(services.store, "0190f3c2-6d2a-7b41-8c55-3e9a1f0b7c24-v1.zip")
    return services


@pytest.fixture
def backup_file(workspace, tmp_path: Path) -> Path:
    path = tmp_path / "backups" / "workspace-backup.zip"
    backup_workspace(workspace.store, path)
    return path


def rewrite(
    source: Path,
    target: Path,
    replace: dict[str, bytes] | None = None,
    add: dict[str, bytes] | None = None,
    edit_manifest: Callable[[dict], None] | None = None,
    rehash: bool = False,
) -> Path:
    """A copy of a backup with entries replaced or added and the manifest edited (re-hashed on request)."""
    replace, add = replace or {}, add or {}
    with zipfile.ZipFile(source) as original:
        entries = {name: original.read(name) for name in original.namelist()}
    entries.update(replace)
    manifest = json.loads(entries.pop("manifest.json"))
    if rehash:
        for item in manifest["files"]:
            data = entries[item["path"]]
            item["sha256"], item["size"] = hashlib.sha256(data).hexdigest(), len(data)
    if edit_manifest:
        edit_manifest(manifest)
    entries["manifest.json"] = json.dumps(manifest).encode()
    entries.update(add)
    with zipfile.ZipFile(target, "w") as archive:
        for name, data in entries.items():
            archive.writestr(zipfile.ZipInfo(name), data)
    return target


# --- backup ---------------------------------------------------------------------------------------


def test_backup_is_one_zip_with_a_manifest_of_every_file(workspace, backup_file: Path) -> None:
    store = workspace.store
    manifest = inspect_backup(backup_file)
    assert manifest.schema_version == len(MIGRATIONS)
    assert manifest.station_id == store.get_setting("station_id") == workspace.identity.station_id
    media = sorted(p.name for p in store.media_folder.iterdir() if not p.name.startswith("."))
    assert [f.path for f in manifest.files] == [
        "workspace.db",
        *(f"media/{name}" for name in media),
        "outbox/0190f3c2-6d2a-7b41-8c55-3e9a1f0b7c24-v1.zip",
    ]
    with zipfile.ZipFile(backup_file) as archive:
        raw = json.loads(archive.read("manifest.json"))
        assert raw["format"] == FORMAT_NAME and raw["format_version"] == 1
        assert raw["created_at"].endswith("Z")
        infos = {info.filename: info for info in archive.infolist()}
        assert infos["workspace.db"].compress_type == zipfile.ZIP_DEFLATED
        assert infos[f"media/{media[0]}"].compress_type == zipfile.ZIP_STORED
        # One self-contained file: a rollback-journal header, not the source's WAL one.
        assert archive.read("workspace.db")[18:20] == b"\x01\x01"
    assert not [p for p in backup_file.parent.iterdir() if p != backup_file]


def test_backup_reports_progress_up_to_the_total(workspace, tmp_path: Path) -> None:
    calls: list[tuple[int, int]] = []
    summary = backup_workspace(
        workspace.store, tmp_path / "b.zip", progress=lambda done, total: calls.append((done, total))
    )
    assert summary.articles == 2 and summary.translations == 0
    assert summary.media_files == 3 and summary.outbox_files == 1 and summary.warnings == ()
    assert calls[-1][0] == calls[-1][1] > 0
    assert [done for done, _ in calls] == sorted(done for done, _ in calls)


def test_backup_while_another_thread_writes_articles(services, tmp_path: Path) -> None:
    for number in range(40):
        services.editorial.create_article("vi", f"Tin {number}", lead="Mở đầu.", paragraphs=["Một.", "Hai."])
    add_media(services.store, 4, size=300_000)
    stop, committed, failures = threading.Event(), [0], []

    def write() -> None:
        try:
            while not stop.is_set():
                services.editorial.create_article("vi", "Tin mới", lead="Mở.", paragraphs=["Một.", "Hai."])
                committed[0] += 1
        except Exception as error:  # reported by the main thread
            failures.append(error)

    def hold_until_writes_land(done: int, total: int) -> None:
        # The backup, and its read snapshot, stay open until the writer has committed twice more:
        # a backup that blocked the app's writers would time out here.
        if held.is_set():
            return
        base, deadline = committed[0], time.monotonic() + 30
        while committed[0] < base + 2:
            assert time.monotonic() < deadline, "writes were blocked by the backup"
            time.sleep(0.005)
        held.set()

    held = threading.Event()
    writer = threading.Thread(target=write)
    writer.start()
    try:
        while committed[0] < 3:
            time.sleep(0.005)
        before = services.store.query_one("SELECT count(*) AS n FROM articles")["n"]
        backup_workspace(services.store, tmp_path / "b.zip", progress=hold_until_writes_land)
    finally:
        stop.set()
        writer.join(30)
    assert not failures and held.is_set()
    after = services.store.query_one("SELECT count(*) AS n FROM articles")["n"]

    copy = tmp_path / "copy.db"
    with zipfile.ZipFile(tmp_path / "b.zip") as archive:
        copy.write_bytes(archive.read("workspace.db"))
    with sqlite3.connect(copy) as connection:
        assert connection.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
        copied = connection.execute("SELECT count(*) FROM articles").fetchone()[0]
        # Every article in the copy is whole: its blocks and its first revision came with it.
        without_blocks = connection.execute(
            "SELECT count(*) FROM articles a WHERE (SELECT count(*) FROM blocks b WHERE b.article_id = a.id) != 2"
        ).fetchone()[0]
        without_revision = connection.execute(
            "SELECT count(*) FROM articles WHERE id NOT IN (SELECT article_id FROM revisions)"
        ).fetchone()[0]
    assert before <= copied < after
    assert without_blocks == 0 and without_revision == 0


def test_cancelled_backup_leaves_nothing(workspace, tmp_path: Path) -> None:
    out = tmp_path / "out"
    out.mkdir()
    with pytest.raises(BackupCancelled):
        backup_workspace(workspace.store, out / "b.zip", progress=lambda done, total: None, cancelled=lambda: True)
    assert list(out.iterdir()) == []


def test_backup_inside_the_workspace_is_refused(workspace) -> None:
    with pytest.raises(BadInput, match="part of the workspace"):
        backup_workspace(workspace.store, workspace.store.media_folder / "b.zip")


def test_backup_warns_about_media_the_database_names_but_the_folder_lacks(workspace, tmp_path: Path) -> None:
    with workspace.store.transaction() as connection:
        connection.execute(
            "INSERT INTO media(sha256, content_type, size, created_at) VALUES (?, 'image/jpeg', 1, '2026-01-01')",
            ("ab" * 32,),
        )
    summary = backup_workspace(workspace.store, tmp_path / "b.zip")
    assert summary.warnings == (f"media/{'ab' * 32} is used by the workspace but its file is missing",)


# --- restore --------------------------------------------------------------------------------------


def test_restore_into_a_fresh_path(workspace, backup_file: Path, tmp_path: Path) -> None:
    target = tmp_path / "elsewhere" / "workspace.db"
    summary = restore_workspace(backup_file, target)
    assert summary.previous_kept is None
    assert (summary.articles, summary.translations, summary.media_files, summary.outbox_files) == (2, 0, 3, 1)
    assert summary.station_id == workspace.identity.station_id
    assert headlines(target) == {"Tin thứ nhất", "Second story"}
    source = tree(workspace.store.folder)
    restored = tree(target.parent)
    for name in [n for n in source if n.startswith(("media/", "outbox/"))]:
        if not name.startswith("media/."):
            assert restored[name] == source[name]
    assert "media/.incoming-1234" not in restored
    with sqlite3.connect(target) as connection:
        assert connection.execute("PRAGMA journal_mode").fetchone() == ("wal",)
        assert connection.execute("PRAGMA user_version").fetchone() == (len(MIGRATIONS),)
    assert leftovers(target.parent) == []


def test_restore_over_an_existing_workspace_keeps_the_previous_one(workspace, backup_file: Path) -> None:
    store = workspace.store
    folder, store_path = store.folder, store.path
    workspace.editorial.create_article("vi", "Viết sau bản sao lưu", lead="Sau.")
    (later,) = add_media(store, 1)
    for bundle in store.outbox_folder.iterdir():
        bundle.unlink()
    workspace.close()
    before = tree(folder)

    summary = restore_workspace(backup_file, store_path)

    assert headlines(store_path) == {"Tin thứ nhất", "Second story"}
    assert not (folder / "media" / later).exists()
    assert [p.name for p in (folder / "outbox").iterdir()] == ["0190f3c2-6d2a-7b41-8c55-3e9a1f0b7c24-v1.zip"]
    kept = summary.previous_kept
    assert kept is not None and kept.parent == folder and kept.name.startswith("before-restore-")
    assert "Viết sau bản sao lưu" in headlines(kept / "workspace.db")
    assert (kept / "media" / later).exists()
    # Everything that was in the workspace is in the kept folder, byte for byte (the database after its
    # checkpoint on close, which the WAL sidecars, kept too, would otherwise hold).
    kept_tree = tree(kept)
    for name, digest in before.items():
        if name.startswith(("media/", "outbox/", "workspace.db")):
            assert kept_tree[name] == digest
    assert (folder / f"secrets-{workspace.identity.station_id}.enc").exists()  # secrets are not the backup's


def test_restore_twice_keeps_both_previous_workspaces(workspace, backup_file: Path) -> None:
    store_path = workspace.store.path
    workspace.close()
    first = restore_workspace(backup_file, store_path).previous_kept
    second = restore_workspace(backup_file, store_path).previous_kept
    assert first and second and first != second and first.exists() and second.exists()


def test_failure_after_the_swap_puts_the_previous_workspace_back(
    workspace, backup_file: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    store_path, folder = workspace.store.path, workspace.store.folder
    workspace.editorial.create_article("vi", "Chỉ có ở đây", lead="Sau.")
    workspace.close()
    before = tree(folder)
    real_open = backup_module.open_store

    def failing_open(path: Path):
        if Path(path) == store_path:
            raise StoreUnavailable("the disk went away")
        return real_open(path)

    monkeypatch.setattr(backup_module, "open_store", failing_open)
    with pytest.raises(StoreUnavailable, match="the disk went away"):
        restore_workspace(backup_file, store_path)
    assert tree(folder) == before
    assert leftovers(folder) == []
    assert "Chỉ có ở đây" in headlines(store_path)


# --- hostile and damaged backups ------------------------------------------------------------------


def _hostile(kind: str, good: Path, target: Path) -> Path:
    if kind == "not a zip":
        target.write_bytes(b"this is not a zip file" * 10)
        return target
    if kind == "no manifest":
        with zipfile.ZipFile(good) as original, zipfile.ZipFile(target, "w") as archive:
            for name in original.namelist():
                if name != "manifest.json":
                    archive.writestr(name, original.read(name))
        return target
    with zipfile.ZipFile(good) as original:
        database = bytearray(original.read("workspace.db"))
    if kind == "tampered db":
        database[len(database) // 2] ^= 0xFF
        return rewrite(good, target, replace={"workspace.db": bytes(database)})
    if kind == "extra file":
        return rewrite(good, target, add={"media/notes.txt": b"hello"})
    if kind == "escape":
        return rewrite(good, target, add={"../escape": b"owned"})
    if kind == "newer schema":
        return rewrite(good, target, edit_manifest=lambda m: m.update(schema_version=len(MIGRATIONS) + 1))
    if kind == "garbage db, re-hashed":
        return rewrite(good, target, replace={"workspace.db": b"garbage" * 1000}, rehash=True)
    if kind == "wrong format":
        return rewrite(good, target, edit_manifest=lambda m: m.update(format="something-else"))
    if kind == "listed escape":
        return rewrite(
            good,
            target,
            add={"outbox/../../evil": b"x"},
            edit_manifest=lambda m: m["files"].append(
                {"path": "outbox/../../evil", "sha256": hashlib.sha256(b"x").hexdigest(), "size": 1}
            ),
        )
    raise AssertionError(kind)


HOSTILE = {
    "not a zip": "not a zip archive, or the archive is damaged",
    "no manifest": "manifest.json is missing: this is not a workstation backup",
    "tampered db": "workspace.db does not match its sha256 in the manifest (altered or damaged)",
    "extra file": "media/notes.txt is in the backup but not listed in the manifest",
    "escape": "unsafe path '../escape' (absolute, with backslashes, or leaving the backup)",
    "newer schema": f"the backup was made by a newer version of the workstation (schema {len(MIGRATIONS) + 1}",
    "garbage db, re-hashed": "workspace.db is not a workstation database or is damaged",
    "wrong format": "manifest.json does not describe an editorial-workstation-backup",
    "listed escape": "unsafe path 'outbox/../../evil'",
}


@pytest.mark.parametrize("kind", list(HOSTILE))
def test_hostile_backup_is_refused_and_the_workspace_untouched(
    kind: str, workspace, backup_file: Path, tmp_path: Path
) -> None:
    store_path, folder = workspace.store.path, workspace.store.folder
    workspace.close()
    hostile = _hostile(kind, backup_file, tmp_path / f"{kind}.zip")
    before = tree(folder)
    with pytest.raises(BackupInvalid) as raised:
        restore_workspace(hostile, store_path)
    assert any(problem.startswith(HOSTILE[kind]) for problem in raised.value.problems), raised.value.problems
    assert tree(folder) == before
    assert leftovers(folder) == []
    assert not (tmp_path / "escape").exists() and not (folder.parent / "evil").exists()
    if kind != "garbage db, re-hashed":  # needs the database opened to be found
        with pytest.raises(BackupInvalid):
            inspect_backup(hostile)


def test_every_problem_is_listed_at_once(backup_file: Path, tmp_path: Path) -> None:
    listed = inspect_backup(backup_file).files
    with zipfile.ZipFile(backup_file) as original:
        database = bytearray(original.read("workspace.db"))
        media = bytearray(original.read(listed[1].path))
    database[100] ^= 0xFF
    media[0] ^= 0xFF
    hostile = rewrite(
        backup_file,
        tmp_path / "h.zip",
        replace={"workspace.db": bytes(database), listed[1].path: bytes(media)},
        add={"notes.txt": b"", "/etc/evil": b""},
        edit_manifest=lambda m: m["files"].append({"path": "outbox/gone.zip", "sha256": "0" * 64, "size": 1}),
    )
    with pytest.raises(BackupInvalid) as raised:
        inspect_backup(hostile)
    assert raised.value.problems == [
        "unsafe path '/etc/evil' (absolute, with backslashes, or leaving the backup)",
        "outbox/gone.zip is listed in the manifest but missing from the backup",
        "notes.txt is in the backup but not listed in the manifest",
        "workspace.db does not match its sha256 in the manifest (altered or damaged)",
        f"{listed[1].path} does not match its sha256 in the manifest (altered or damaged)",
    ]
    assert str(raised.value).startswith(f"{hostile} is not a usable backup:\n")


def test_zip_bomb_limit(backup_file: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(backup_module, "MAX_TOTAL_BYTES", 1000)
    with pytest.raises(BackupInvalid, match="expands to"):
        inspect_backup(backup_file)


def test_missing_backup_file(tmp_path: Path, store_path: Path) -> None:
    with pytest.raises(BackupInvalid, match="file not found"):
        restore_workspace(tmp_path / "nope.zip", store_path)


# --- the workspace lock ---------------------------------------------------------------------------


def test_restore_refused_while_another_process_holds_the_workspace(workspace, backup_file: Path) -> None:
    store_path, folder = workspace.store.path, workspace.store.folder
    workspace.close()
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import sys; from pathlib import Path; from workstation.storage.workspace_lock import hold_workspace_lock; "
            "lock = hold_workspace_lock(Path(sys.argv[1])); print('locked', flush=True); sys.stdin.read()",
            str(store_path),
        ],
        cwd=REPO,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout.readline().strip() == "locked"
        before = tree(folder)
        with pytest.raises(Refused, match=f"is in use by process {holder.pid}"):
            restore_workspace(backup_file, store_path)
        assert tree(folder) == before and leftovers(folder) == []
    finally:
        holder.stdin.close()
        holder.wait(30)
    assert restore_workspace(backup_file, store_path).previous_kept is not None


def test_shared_holders_coexist_and_keep_a_restore_out(store_path: Path) -> None:
    if sys.platform == "win32":
        pytest.skip("msvcrt has no shared locks")
    with (
        hold_workspace_lock(store_path, shared=True),
        hold_workspace_lock(store_path, shared=True),
        pytest.raises(Refused, match="is in use"),
    ):
        hold_workspace_lock(store_path)
    with hold_workspace_lock(store_path) as lock:
        assert lock.held
        with pytest.raises(Refused):
            hold_workspace_lock(store_path, shared=True)
    assert not lock.held
    hold_workspace_lock(store_path).release()
