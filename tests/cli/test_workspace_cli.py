"""`workstation backup` and `workstation restore`, run in-process on real stores, and once as a real process."""

from __future__ import annotations

import hashlib
import os
import re
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from workstation.app import open_services
from workstation.cli import main
from workstation.storage.workspace_lock import hold_workspace_lock

REPO = Path(__file__).resolve().parents[2]


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def make_workspace(store_path: Path) -> None:
    """Two articles, three media files and a sealed bundle in the outbox; the store closed again."""
    services = open_services(store_path)
    try:
        services.editorial.create_article("vi", "Tin thứ nhất", lead="Mở đầu.", paragraphs=["Một."])
        services.editorial.create_article("vi", "Tin thứ hai", lead="Mở đầu.")
        services.store.media_folder.mkdir(exist_ok=True)
        for _ in range(3):
            data = os.urandom(5000)
            (services.store.media_folder / hashlib.sha256(data).hexdigest()).write_bytes(data)
        services.store.outbox_folder.mkdir(exist_ok=True)
        (services.store.outbox_folder / "0190f3c2-6d2a-7b41-8c55-3e9a1f0b7c24-v1.zip").write_bytes(b"PK bundle")
    finally:
        services.close()


def files(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


@pytest.fixture
def workspace(store_path: Path) -> Path:
    make_workspace(store_path)
    return store_path


@pytest.fixture
def backup_file(capsys, workspace: Path, tmp_path: Path) -> Path:
    path = tmp_path / "backup.zip"
    assert run(capsys, "--store", str(workspace), "backup", str(path))[0] == 0
    return path


def test_backup_prints_the_file_and_a_summary(capsys, workspace: Path, tmp_path: Path) -> None:
    out_file = tmp_path / "backups" / "ws.zip"
    code, out, err = run(capsys, "--store", str(workspace), "backup", str(out_file))
    assert code == 0 and err == ""
    path_line, summary_line = out.splitlines()
    assert path_line == str(out_file) and out_file.is_file()
    assert re.fullmatch(r"2 articles, 0 translations, 3 media files, 1 outbox bundle, \d+ kB", summary_line)


def test_restore_into_another_store_then_over_the_original(capsys, workspace: Path, backup_file: Path, tmp_path: Path):
    fresh = tmp_path / "fresh" / "workspace.db"
    code, out, err = run(capsys, "--store", str(fresh), "restore", str(backup_file))
    assert code == 0 and err == ""
    lines = out.splitlines()
    assert lines[0] == f"restored 2 articles, 0 translations, 3 media files, 1 outbox bundle into {fresh}"
    assert lines[1].startswith(f"from {backup_file}, made ") and " by station " in lines[1]
    assert lines[2] == "there was no previous workspace"
    code, out, _ = run(capsys, "--store", str(fresh), "article", "list")
    assert code == 0 and {line.split("\t")[-1] for line in out.splitlines()} == {"Tin thứ nhất", "Tin thứ hai"}

    code, out, _ = run(capsys, "--store", str(workspace), "restore", str(backup_file))
    assert code == 0
    kept = Path(out.splitlines()[-1].removeprefix("previous workspace kept in "))
    assert kept.parent == workspace.parent and kept.name.startswith("before-restore-")
    assert (kept / "workspace.db").is_file() and len(list((kept / "media").iterdir())) == 3


def test_restore_of_a_file_that_is_not_a_backup_exits_1(capsys, workspace: Path, tmp_path: Path) -> None:
    garbage = tmp_path / "garbage.zip"
    garbage.write_bytes(b"not a zip")
    before = files(workspace.parent)
    code, out, err = run(capsys, "--store", str(workspace), "restore", str(garbage))
    assert (code, out, err) == (1, "not a zip archive, or the archive is damaged\n", "")
    assert {k: v for k, v in files(workspace.parent).items() if not k.endswith(".lock")} == before


def test_restore_lists_every_problem_on_stdout(capsys, workspace: Path, backup_file: Path, tmp_path: Path) -> None:
    hostile = tmp_path / "hostile.zip"
    with zipfile.ZipFile(backup_file) as original, zipfile.ZipFile(hostile, "w") as archive:
        for name in original.namelist():
            data = original.read(name)
            archive.writestr(name, data if name != "workspace.db" else data[:-1] + bytes([data[-1] ^ 1]))
        archive.writestr("../escape", b"x")
        archive.writestr("extra.txt", b"x")
    before = files(workspace.parent)
    code, out, err = run(capsys, "--store", str(workspace), "restore", str(hostile))
    assert code == 1 and err == ""
    assert out.splitlines() == [
        "unsafe path '../escape' (absolute, with backslashes, or leaving the backup)",
        "extra.txt is in the backup but not listed in the manifest",
        "workspace.db does not match its sha256 in the manifest (altered or damaged)",
    ]
    assert {k: v for k, v in files(workspace.parent).items() if not k.endswith(".lock")} == before
    assert not (tmp_path / "escape").exists()


def test_restore_refused_while_the_workspace_is_open(capsys, workspace: Path, backup_file: Path) -> None:
    with hold_workspace_lock(workspace):
        code, out, err = run(capsys, "--store", str(workspace), "restore", str(backup_file))
    assert code == 1 and err == ""
    assert f"the workspace {workspace} is in use by process {os.getpid()}" in out


def test_restore_of_a_missing_file_exits_1(capsys, workspace: Path, tmp_path: Path) -> None:
    code, out, _ = run(capsys, "--store", str(workspace), "restore", str(tmp_path / "nope.zip"))
    assert (code, out) == (1, f"file not found: {tmp_path / 'nope.zip'}\n")


def test_backup_without_a_workspace_exits_3(capsys, tmp_path: Path) -> None:
    missing = tmp_path / "none" / "workspace.db"
    code, out, err = run(capsys, "--store", str(missing), "backup", str(tmp_path / "b.zip"))
    assert (code, out) == (3, "")
    assert err == f"workstation: there is no workspace at {missing}\n"
    assert not missing.exists() and not (tmp_path / "b.zip").exists()


def test_backup_to_an_unusable_place_exits_3(capsys, workspace: Path, tmp_path: Path) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("in the way")
    code, out, err = run(capsys, "--store", str(workspace), "backup", str(blocker / "b.zip"))
    assert code == 3 and out == ""
    assert err.startswith(f"workstation: cannot create the folder for {blocker / 'b.zip'}") and err.count("\n") == 1


def test_backup_into_the_workspace_is_refused_with_exit_1(capsys, workspace: Path) -> None:
    code, out, err = run(capsys, "--store", str(workspace), "backup", str(workspace.parent / "media" / "b.zip"))
    assert code == 1 and err == "" and "is part of the workspace itself" in out


def test_backup_and_restore_as_a_real_process(workspace: Path, tmp_path: Path) -> None:
    out_file = tmp_path / "process.zip"
    command = [sys.executable, "-m", "workstation.cli", "--store", str(workspace)]
    backup = subprocess.run([*command, "backup", str(out_file)], cwd=REPO, capture_output=True, text=True, timeout=120)
    assert backup.returncode == 0, backup.stderr
    assert backup.stdout.splitlines()[0] == str(out_file)
    restore = subprocess.run(
        [*command, "restore", str(out_file)], cwd=REPO, capture_output=True, text=True, timeout=120
    )
    assert restore.returncode == 0, restore.stderr
    assert restore.stdout.splitlines()[-1].startswith("previous workspace kept in ")
