"""Translations headless: segments, statistics, review, set-state with reasons, XLIFF round trip."""

from __future__ import annotations

import json
from pathlib import Path

import pytest


@pytest.fixture
def translation_id(cli, tmp_path: Path) -> str:
    source = tmp_path / "tin.txt"
    source.write_text("Đà Nẵng quảng bá du lịch\n\nCâu một. Câu hai.\n", encoding="utf-8")
    article_id = cli("article", "import", str(source))[1].strip()
    code, out, _ = cli("translation", "create", article_id, "--to", "en")
    assert code == 0
    return out.strip()


def test_stats_and_set_state_final(cli, translation_id: str, store_path: Path) -> None:
    code, out, _ = cli("translation", "stats", translation_id, "--json")
    stats = json.loads(out)
    assert stats["unit"] == "words" and stats["by_state"]["new"]["segments"] == 3
    assert stats["total"] == {"segments": 3, "words": 10}

    code, out, _ = cli("translation", "set-state", translation_id, "--state", "final")
    assert code == 1
    assert out.splitlines() == ["headline#0: not translated", "lead#0: not translated", "lead#1: not translated"]

    from workstation.app import open_services

    code, out, _ = cli("translation", "segments", translation_id, "--json")
    addresses = [segment["address"] for segment in json.loads(out)]
    services = open_services(store_path)
    try:
        for address in addresses:
            services.translations.save_segment(translation_id, address, f"EN {address}")
    finally:
        services.close()
    assert cli("translation", "set-state", translation_id, "--state", "final") == (0, "final\n", "")
    code, out, _ = cli("translation", "stats", translation_id)
    assert "final\t3\t10" in out


def test_review_needs_another_profile(cli, translation_id: str, store_path: Path) -> None:
    from workstation.app import open_services

    services = open_services(store_path)
    try:
        services.translations.save_segment(translation_id, "headline#0", "Da Nang promotes tourism")
    finally:
        services.close()
    code, _, err = cli("translation", "review", translation_id, "headline#0", "--accept")
    assert code == 1 and "another person reviews it" in err
    cli("profile", "create", "Hoa", "--role", "translator")
    code, out, _ = cli(
        "--as", "Hoa", "translation", "review", translation_id, "headline#0", "--reject", "--comment", "x"
    )
    assert (code, out) == (0, "draft\n")
    code, out, _ = cli("translation", "segments", translation_id, "--json")
    assert json.loads(out)[0]["comments"][0]["by"] == "Hoa"
