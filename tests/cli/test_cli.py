"""The `workstation` command, run in-process on a real store, and once as a real process."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from workstation.cli import main

ARTICLE_TXT = """Đà Nẵng quảng bá du lịch tại Hàn Quốc

Ngày 12/10/2023, thành phố Đà Nẵng tổ chức hội nghị xúc tiến du lịch tại Seoul.

Đoàn công tác gặp gỡ các hãng lữ hành lớn.

Sự kiện kéo dài ba ngày.
"""


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def translate_every_segment(store_path: Path, translation_id: str) -> None:
    """A translator's work, done through the service (the CLI has no sentence-by-sentence editor)."""
    from workstation.app import open_services

    services = open_services(store_path)
    try:
        for segment in services.translations.segments(translation_id):
            services.translations.save_segment(translation_id, segment.address, f"[en] {segment.source_text}")
    finally:
        services.close()


@pytest.fixture
def article_file(tmp_path: Path) -> Path:
    path = tmp_path / "tin.txt"
    path.write_text(ARTICLE_TXT, encoding="utf-8")
    return path


def test_import_translate_package_seal_verify(capsys, store_path: Path, article_file: Path, tmp_path: Path) -> None:
    store = str(store_path)
    code, out, _ = run(capsys, "--store", store, "article", "import", str(article_file))
    assert code == 0
    article_id = out.strip()
    assert len(article_id) == 36

    code, out, _ = run(capsys, "--store", store, "article", "list", "--json")
    listed = json.loads(out)
    assert listed[0]["id"] == article_id and listed[0]["headline"] == "Đà Nẵng quảng bá du lịch tại Hàn Quốc"
    assert listed[0]["language"] == "vi" and listed[0]["translated_from"] is None

    code, out, _ = run(capsys, "--store", store, "translation", "create", article_id, "--to", "en")
    assert code == 0
    translation_id = out.strip()

    code, out, _ = run(capsys, "--store", store, "article", "list")
    assert f"{translation_id}\ten\tdraft\ttranslation of {article_id}" in out

    code, out, _ = run(capsys, "--store", store, "package", "create", "--name", "Tuần 41", article_id)
    package_id = out.strip()
    code, out, _ = run(capsys, "--store", store, "package", "status", package_id)
    assert out == "open\n"

    # The draft and its untranslated English are refused, every failure listed.
    refused_bundle = tmp_path / "refused.zip"
    code, out, _ = run(capsys, "--store", store, "package", "seal", package_id, "--out", str(refused_bundle))
    assert code == 1 and not refused_bundle.exists()
    assert f"{article_id} vi state:" in out and f"{article_id} en state:" in out

    translate_every_segment(store_path, translation_id)
    for state in ("in_review", "approved"):
        code, _, _ = run(capsys, "--store", store, "article", "set-state", article_id, "--state", state)
        assert code == 0
    code, _, _ = run(capsys, "--store", store, "translation", "set-state", translation_id, "--state", "final")
    assert code == 0
    code, out, _ = run(capsys, "--store", store, "package", "check", package_id)
    assert code == 0, out

    bundle = tmp_path / "bundle.zip"
    code, out, _ = run(capsys, "--store", store, "package", "seal", package_id, "--out", str(bundle))
    assert code == 0 and out.strip() == str(bundle) and bundle.exists()
    code, out, _ = run(capsys, "--store", store, "package", "status", package_id)
    assert out == "queued\n"

    code, out, _ = run(capsys, "--store", store, "bundle", "verify", str(bundle))
    assert code == 0 and out.startswith(f"valid: package {package_id} v1, 2 items")
    code, out, _ = run(capsys, "--store", store, "bundle", "verify", str(bundle), "--json")
    report = json.loads(out)
    assert report["valid"] is True and report["problems"] == [] and report["version"] == 1


def test_verify_lists_problems_and_exits_1(capsys, store_path: Path, tmp_path: Path) -> None:
    garbage = tmp_path / "garbage.zip"
    garbage.write_bytes(b"not a zip")
    code, out, _ = run(capsys, "--store", str(store_path), "bundle", "verify", str(garbage), "--json")
    assert code == 1
    assert json.loads(out)["problems"] == ["not a zip archive, or the archive is damaged"]


def test_refusals_exit_1_with_one_line_on_stderr(capsys, store_path: Path, tmp_path: Path) -> None:
    code, out, err = run(capsys, "--store", str(store_path), "article", "import", str(tmp_path / "absent.txt"))
    assert code == 1 and out == "" and err.count("\n") == 1 and "cannot read" in err
    code, _, err = run(capsys, "--store", str(store_path), "translation", "create", "missing", "--to", "en")
    assert code == 1 and "no article with id missing" in err


def test_corrupt_store_exits_3_and_is_left_untouched(capsys, tmp_path: Path) -> None:
    store = tmp_path / "broken.db"
    store.write_bytes(b"garbage" * 1000)
    code, out, err = run(capsys, "--store", str(store), "article", "list")
    assert code == 3 and out == ""
    assert err.startswith("workstation: ") and "damaged" in err and err.count("\n") == 1
    assert store.read_bytes() == b"garbage" * 1000


def test_unwritable_store_location_exits_3(capsys, tmp_path: Path) -> None:
    from tests.storage.test_store import read_only_location

    code, _, err = run(capsys, "--store", str(read_only_location(tmp_path) / "w.db"), "article", "list")
    assert code == 3 and "cannot" in err


def test_usage_error_exits_2(capsys) -> None:
    with pytest.raises(SystemExit) as exit_info:
        main(["package", "seal"])
    assert exit_info.value.code == 2


def test_console_script_runs_as_a_process(store_path: Path, article_file: Path) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "workstation.cli", "--store", str(store_path), "article", "import", str(article_file)],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    assert len(result.stdout.strip()) == 36
