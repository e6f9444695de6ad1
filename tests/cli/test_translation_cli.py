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


def test_xliff_round_trip_through_another_tool(cli, translation_id: str, store_path: Path, tmp_path: Path) -> None:
    from lxml import etree

    out = tmp_path / "t.xlf"
    assert cli("translation", "export-xliff", translation_id, "--out", str(out)) == (0, f"{out}\n", "")
    schema_root = Path(__file__).resolve().parents[1] / "data" / "xliff-2.1" / "xliff_core_2.0.xsd"
    schema = etree.XMLSchema(etree.parse(str(schema_root)))
    document = etree.parse(str(out))
    assert schema.validate(document), schema.error_log

    # Another CAT tool fills in the targets and marks them translated.
    namespace = {"x": "urn:oasis:names:tc:xliff:document:2.0"}
    for segment in document.iterfind(".//x:segment", namespace):
        source = segment.find("x:source", namespace).text
        target = segment.find("x:target", namespace)
        if target is None:
            target = etree.SubElement(segment, "{urn:oasis:names:tc:xliff:document:2.0}target")
        target.text = f"EN {source}"
        segment.set("state", "translated")
        segment.attrib.pop("subState", None)
    document.write(str(out), xml_declaration=True, encoding="utf-8")

    code, out_text, _ = cli("translation", "import-xliff", str(out))
    assert code == 0 and out_text.startswith("3 segments updated")
    code, out_text, _ = cli("translation", "segments", translation_id, "--json")
    assert [s["target"] for s in json.loads(out_text)] == [
        "EN Đà Nẵng quảng bá du lịch",
        "EN Câu một.",
        "EN Câu hai.",
    ]


def test_xliff_import_lists_every_mismatch_and_changes_nothing(cli, translation_id: str, tmp_path: Path) -> None:
    out = tmp_path / "t.xlf"
    cli("translation", "export-xliff", translation_id, "--out", str(out))
    text = out.read_text(encoding="utf-8").replace("Câu hai.", "Câu hai đã đổi.").replace("lead_0", "lead_9")
    out.write_text(text, encoding="utf-8")
    code, out_text, _ = cli("translation", "import-xliff", str(out))
    assert code == 1
    assert "lead#9" in out_text or "lead_9" in out_text
    assert "Câu hai đã đổi." in out_text
    code, out_text, _ = cli("translation", "stats", translation_id, "--json")
    assert json.loads(out_text)["by_state"]["new"]["segments"] == 3


def test_hostile_xliff_is_refused(cli, tmp_path: Path) -> None:
    bomb = tmp_path / "bomb.xlf"
    bomb.write_text(
        '<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;">]>'
        '<xliff xmlns="urn:oasis:names:tc:xliff:document:2.0" version="2.1" srcLang="vi">&b;</xliff>',
        encoding="utf-8",
    )
    code, _, err = cli("translation", "import-xliff", str(bomb))
    assert code == 1 and "bomb.xlf" in err and "entit" in err.lower()


def test_qa_errors_block_final_until_fixed(cli, store_path: Path, tmp_path: Path) -> None:
    from workstation.app import open_services

    source = tmp_path / "so-lieu.txt"
    source.write_text("Đà Nẵng đón khách\n\nHơn 3.000 khách tham dự.\n", encoding="utf-8")
    article_id = cli("article", "import", str(source))[1].strip()
    translation_id = cli("translation", "create", article_id, "--to", "en")[1].strip()
    services = open_services(store_path)
    try:
        services.translations.save_segment(translation_id, "headline#0", "Da Nang welcomes visitors")
        services.translations.save_segment(translation_id, "lead#0", "More than 3.000 visitors attended.")
    finally:
        services.close()
    code, out, _ = cli("translation", "qa", translation_id, "--json")
    report = json.loads(out)
    assert code == 1 and report["errors"] == 1
    assert report["issues"][0]["code"] == "number-format" and report["issues"][0]["address"] == "lead#0"

    code, out, _ = cli("translation", "set-state", translation_id, "--state", "final")
    assert code == 1 and "lead#0: number-format" in out

    services = open_services(store_path)
    try:
        services.translations.save_segment(translation_id, "lead#0", "More than 3,000 visitors attended.")
    finally:
        services.close()
    assert cli("translation", "qa", translation_id)[0] == 0
    assert cli("translation", "set-state", translation_id, "--state", "final") == (0, "final\n", "")
