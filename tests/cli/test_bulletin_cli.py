"""`workstation bulletin PACKAGE_ID --out FILE.docx` on a real store."""

from __future__ import annotations

import json
from pathlib import Path

import docx
import pytest

from tests.packaging.test_bulletin import VIETNAMESE_ONLY_HEADLINE, build_sample_bulletin_package
from workstation.app import open_services


@pytest.fixture
def package_id(store_path: Path) -> str:
    services = open_services(store_path)
    try:
        return build_sample_bulletin_package(services).id
    finally:
        services.close()


@pytest.fixture
def vietnamese_only_package_id(store_path: Path) -> str:
    services = open_services(store_path)
    try:
        article = services.editorial.create_article("vi", VIETNAMESE_ONLY_HEADLINE, lead="Hơn 2.000 người đã đến.")
        return services.packaging.create("Chỉ tiếng Việt", [article.id]).id
    finally:
        services.close()


def test_prints_the_path_alone_and_notes_what_was_left_out(cli, package_id: str, tmp_path: Path) -> None:
    out = tmp_path / "bản tin quý 4.docx"
    code, stdout, stderr = cli("bulletin", package_id, "--out", str(out), "--date", "2026-11-27")
    assert (code, stdout) == (0, f"{out}\n")
    assert stderr == f"note: left out, not in both languages: {VIETNAMESE_ONLY_HEADLINE} (vi)\n"
    document = docx.Document(str(out))
    texts = [paragraph.text for paragraph in document.paragraphs]
    assert "4th quarter 2026" in texts and "Quý 4 năm 2026" in texts
    assert len(document.tables) == 2


def test_json_output(cli, package_id: str, tmp_path: Path) -> None:
    out = tmp_path / "bulletin.docx"
    code, stdout, _ = cli("bulletin", package_id, "--out", str(out), "--json")
    assert code == 0
    result = json.loads(stdout)
    assert result["path"] == str(out) and result["articles"] == 2 and result["notes"] == []
    [left_out] = result["left_out"]
    assert left_out["headline"] == VIETNAMESE_ONLY_HEADLINE and left_out["languages"] == ["vi"]
    assert set(left_out) == {"id", "headline", "languages"}


def test_title_goes_on_the_cover_and_an_existing_file_is_replaced(cli, package_id: str, tmp_path: Path) -> None:
    out = tmp_path / "bulletin.docx"
    out.write_bytes(b"last quarter's")
    code, _, _ = cli("bulletin", package_id, "--out", str(out), "--title", "Tin Seoul – Seoul News")
    assert code == 0
    assert "Tin Seoul – Seoul News" in [paragraph.text for paragraph in docx.Document(str(out)).paragraphs]


def test_a_package_without_english_and_vietnamese_exits_1(cli, vietnamese_only_package_id: str, tmp_path: Path) -> None:
    out = tmp_path / "bulletin.docx"
    code, stdout, stderr = cli("bulletin", vietnamese_only_package_id, "--out", str(out))
    assert (code, stdout) == (1, "")
    assert "no article in both English and Vietnamese" in stderr and VIETNAMESE_ONLY_HEADLINE in stderr
    assert len(stderr.splitlines()) == 1
    assert not out.exists()


@pytest.mark.parametrize(
    ("out_name", "message"),
    [("bulletin.pdf", "name the file .docx"), ("missing-folder/bulletin.docx", "does not exist")],
)
def test_unusable_output_paths_exit_1(cli, package_id: str, tmp_path: Path, out_name: str, message: str) -> None:
    code, stdout, stderr = cli("bulletin", package_id, "--out", str(tmp_path / out_name))
    assert (code, stdout) == (1, "")
    assert message in stderr


def test_unknown_package_exits_1_and_bad_date_is_a_usage_error(cli, tmp_path: Path) -> None:
    code, _, stderr = cli("bulletin", "no-such-package", "--out", str(tmp_path / "b.docx"))
    assert code == 1 and "no package with id no-such-package" in stderr
    with pytest.raises(SystemExit) as usage:
        cli("bulletin", "no-such-package", "--out", str(tmp_path / "b.docx"), "--date", "27/11/2026")
    assert usage.value.code == 2
