"""The translation memory headless: TMX import and export, lookups with scores, concordance."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from workstation.translation.tmx import TmUnit, write_tmx


@pytest.fixture
def tmx_file(tmp_path: Path) -> Path:
    path = tmp_path / "memory.tmx"
    write_tmx(
        path,
        [
            TmUnit("vi", "en", "Đà Nẵng quảng bá du lịch tại Hàn Quốc.", "Da Nang promotes tourism in Korea.",
                   "2026-01-02T03:04:05.000Z", "2026-01-03T03:04:05.000Z", "Lan"),
            TmUnit("vi", "en", "Hội nghị diễn ra trong ba ngày.", "The conference lasted three days."),
            TmUnit("en", "vi", "Thank you.", "Cảm ơn."),
        ],
    )  # fmt: skip
    return path


def test_import_prints_what_it_did(cli, tmx_file: Path, tmp_path: Path) -> None:
    assert cli("tm", "import", str(tmx_file)) == (0, "3 units imported, 0 already known, 0 skipped\n", "")
    assert cli("tm", "import", str(tmx_file)) == (0, "0 units imported, 3 already known, 0 skipped\n", "")
    other = tmp_path / "other.tmx"
    other.write_text(
        '<?xml version="1.0"?><!DOCTYPE tmx SYSTEM "tmx14.dtd"><tmx version="1.4"><header srclang="en"/><body>'
        '<tu><tuv xml:lang="en"><seg>Hi</seg></tuv><tuv xml:lang="de-DE"><seg>Hallo</seg></tuv></tu>'
        '<tu><tuv xml:lang="en"><seg>Bye</seg></tuv><tuv xml:lang="fr"><seg>Salut</seg></tuv></tu>'
        '<tu><tuv xml:lang="en-US"><seg>Good night</seg></tuv><tuv xml:lang="vi-VN"><seg>Chúc ngủ ngon</seg></tuv></tu>'
        "</body></tmx>",
        encoding="utf-8",
    )
    assert cli("tm", "import", str(other)) == (
        0, "1 units imported, 0 already known, 2 skipped (languages de-de, fr)\n", ""
    )  # fmt: skip


def test_lookup_prints_matches_with_scores(cli, tmx_file: Path) -> None:
    cli("tm", "import", str(tmx_file))
    code, out, err = cli("tm", "lookup", "--from", "vi", "--to", "en", "Đà Nẵng quảng bá du lịch tại Nhật Bản.")
    assert (code, err) == (0, "")
    (line,) = out.splitlines()
    score, source, target, origin = line.split("\t")
    assert 70 <= int(score) < 100
    assert (source, target, origin) == (
        "Đà Nẵng quảng bá du lịch tại Hàn Quốc.", "Da Nang promotes tourism in Korea.", "tmx:memory.tmx"
    )  # fmt: skip
    code, out, _ = cli("tm", "lookup", "--from", "vi", "--to", "en", "Cảm ơn.", "--json")
    assert code == 0
    assert json.loads(out) == [
        {
            "score": 100, "kind": "exact", "source": "Cảm ơn.", "target": "Thank you.", "origin": "tmx:memory.tmx",
            "changed_at": json.loads(out)[0]["changed_at"], "created_by": "",
        }
    ]  # fmt: skip
    assert cli("tm", "lookup", "--from", "vi", "--to", "en", "Hoàn toàn khác.") == (0, "", "")
    code, out, _ = cli("tm", "lookup", "--from", "en", "--to", "vi", "Da Nang promotes tourism in Japan.", "--json")
    assert json.loads(out)[0]["target"] == "Đà Nẵng quảng bá du lịch tại Hàn Quốc."


def test_lookup_refuses_one_language_as_both(cli) -> None:
    code, _, err = cli("tm", "lookup", "--from", "vi", "--to", "vi", "Xin chào")
    assert code == 1 and "itself" in err


def test_export_writes_tmx(cli, tmx_file: Path, tmp_path: Path) -> None:
    cli("tm", "import", str(tmx_file))
    out_file = tmp_path / "out" / "vi-en.tmx"
    out_file.parent.mkdir()
    assert cli("tm", "export", str(out_file), "--from", "vi", "--to", "en") == (
        0, f"3 units written to {out_file}\n", ""
    )  # fmt: skip
    text = out_file.read_text(encoding="utf-8")
    assert 'srclang="vi"' in text and "<seg>Cảm ơn.</seg>" in text
    code, _, err = cli("tm", "export", str(out_file), "--from", "vi")
    assert code == 1 and "both languages" in err


def test_concordance(cli, tmx_file: Path) -> None:
    cli("tm", "import", str(tmx_file))
    code, out, _ = cli("tm", "concordance", "--lang", "vi", "du lich")
    assert (code, out) == (
        0,
        "Đà Nẵng quảng bá du lịch tại Hàn Quốc.\ten\tDa Nang promotes tourism in Korea.\ttmx:memory.tmx\n",
    )
    code, out, _ = cli("tm", "concordance", "--lang", "en", "three days", "--json")
    (hit,) = json.loads(out)
    assert hit["text"] == "The conference lasted three days." and hit["spans"] == [[22, 32]]
    assert hit["other_language"] == "vi"


def test_a_hostile_tmx_is_refused(cli, tmp_path: Path) -> None:
    path = tmp_path / "laughs.tmx"
    path.write_text(
        '<?xml version="1.0"?><!DOCTYPE tmx [<!ENTITY a "aaaa"><!ENTITY b "&a;&a;&a;&a;">]><tmx version="1.4">'
        '<header srclang="en"/><body><tu><tuv xml:lang="en"><seg>&b;</seg></tuv></tu></body></tmx>'
    )
    code, out, err = cli("tm", "import", str(path))
    assert (code, out) == (1, "") and "declares entities" in err
    code, _, err = cli("tm", "import", str(tmp_path / "missing.tmx"))
    assert code == 1 and "does not exist" in err
