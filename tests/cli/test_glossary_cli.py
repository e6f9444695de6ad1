"""The glossary headless: add, list, import and export TBX and CSV, and the refusals' exit codes."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

MOFA = "Ministry of Foreign Affairs"
CSV = (
    "\ufeffsource_term,source_language,target_term,target_language,forbidden_variants,note\r\n"
    "Bộ Ngoại giao,vi,Ministry of Foreign Affairs,en,Foreign Ministry|MOFA,Tên chính thức\r\n"
    "Ủy ban nhân dân tỉnh,vi,Provincial People's Committee,en,,\r\n"
    "越南,zh,Việt Nam,vi,,\r\n"
)


def test_add_prints_the_id_and_list_shows_the_entry(cli) -> None:
    code, out, err = cli(
        "glossary", "add", "--from", "vi", "--to", "en", "Bộ Ngoại giao", MOFA,
        "--forbid", "Foreign Ministry", "--forbid", "MOFA", "--note", "Tên chính thức",
    )  # fmt: skip
    assert (code, err) == (0, "")
    entry_id = out.strip()
    assert len(entry_id) == 36

    code, out, _ = cli("glossary", "list")
    assert out == f"{entry_id}\tvi\tBộ Ngoại giao\ten\t{MOFA}\tForeign Ministry|MOFA\tTên chính thức\n"

    code, out, _ = cli("glossary", "list", "--from", "vi", "--to", "en", "--json")
    [entry] = json.loads(out)
    assert entry["id"] == entry_id and entry["forbidden"] == ["Foreign Ministry", "MOFA"]
    assert set(entry) == {
        "id", "source_language", "source_term", "target_language", "target_term", "forbidden", "note", "origin",
        "created_at", "updated_at", "version",
    }  # fmt: skip
    assert cli("glossary", "list", "--from", "en")[1] == ""


def test_adding_known_terms_again_exits_1(cli) -> None:
    cli("glossary", "add", "--from", "vi", "--to", "en", "Bộ Ngoại giao", MOFA)
    code, out, err = cli("glossary", "add", "--from", "en", "--to", "vi", MOFA.upper(), "bộ ngoại giao")
    assert (code, out) == (1, "")
    assert err.startswith("workstation: “Bộ Ngoại giao” → “Ministry of Foreign Affairs” (vi→en) is already")


def test_import_csv_then_again_counts_what_is_known(cli, tmp_path: Path) -> None:
    path = tmp_path / "official.csv"
    path.write_text(CSV, encoding="utf-8")
    assert cli("glossary", "import", str(path)) == (0, "3 entries imported, 0 already known\n", "")
    assert cli("glossary", "import", str(path)) == (0, "0 entries imported, 3 already known\n", "")
    _, out, _ = cli("glossary", "list", "--json")
    assert {entry["origin"] for entry in json.loads(out)} == {"import"}


def test_export_tbx_and_csv_and_import_them_into_another_workspace(cli, tmp_path: Path, capsys) -> None:
    source = tmp_path / "official.csv"
    source.write_text(CSV, encoding="utf-8")
    cli("glossary", "import", str(source))

    tbx = tmp_path / "vi-en.tbx"
    assert cli("glossary", "export", str(tbx), "--from", "vi", "--to", "en") == (0, f"{tbx}\n", "")
    everything = tmp_path / "all.csv"
    assert cli("glossary", "export", str(everything))[0] == 0
    assert everything.read_text(encoding="utf-8-sig").count("\n") == 4

    from workstation.cli import main

    other = str(tmp_path / "other" / "workspace.db")
    assert main(["--store", other, "glossary", "import", str(tbx)]) == 0
    assert capsys.readouterr().out == "2 entries imported, 0 already known\n"
    assert main(["--store", other, "glossary", "import", str(everything)]) == 0
    assert capsys.readouterr().out == "1 entries imported, 2 already known\n"
    assert main(["--store", other, "glossary", "list", "--json"]) == 0
    entries = json.loads(capsys.readouterr().out)
    mofa = next(entry for entry in entries if entry["source_term"] == "Bộ Ngoại giao")
    assert mofa["forbidden"] == ["Foreign Ministry", "MOFA"] and mofa["note"] == "Tên chính thức"


def test_a_bad_csv_row_exits_1_naming_the_line_and_imports_nothing(cli, tmp_path: Path) -> None:
    path = tmp_path / "bad.csv"
    path.write_text(CSV + "Đảng,vi,,en,,\r\n", encoding="utf-8")
    code, out, err = cli("glossary", "import", str(path))
    assert (code, out) == (1, "")
    assert err == "workstation: bad.csv, line 5: the target term for “Đảng” is empty; nothing was imported\n"
    assert cli("glossary", "list") == (0, "", "")


def test_hostile_tbx_exits_1(cli, tmp_path: Path) -> None:
    path = tmp_path / "evil.tbx"
    path.write_bytes(b'<?xml version="1.0"?><!DOCTYPE martif [<!ENTITY a "x">]><martif>&a;</martif>')
    code, _, err = cli("glossary", "import", str(path))
    assert code == 1 and "declares entities (<!ENTITY a …>)" in err


@pytest.mark.parametrize(
    ("name", "message"),
    [("glossary.xlsx", "must end in .tbx (TBX-Basic) or .csv"), ("missing.csv", "does not exist")],
)
def test_unusable_files_exit_1(cli, tmp_path: Path, name: str, message: str) -> None:
    path = tmp_path / name
    if name.endswith(".xlsx"):
        path.write_bytes(b"PK")
    code, _, err = cli("glossary", "import", str(path))
    assert code == 1 and message in err


def test_export_to_a_missing_folder_exits_1(cli, tmp_path: Path) -> None:
    code, _, err = cli("glossary", "export", str(tmp_path / "nowhere" / "g.tbx"))
    assert code == 1 and "does not exist" in err


def test_usage_errors_exit_2(cli) -> None:
    for args in (("glossary", "add", "Bộ", "Ministry"), ("glossary", "list", "--from", "fr")):
        with pytest.raises(SystemExit) as exit_info:
            cli(*args)
        assert exit_info.value.code == 2
