"""Glossary CSV: exact round trips, the byte order mark, the header check, and bad rows refused by line
number with nothing imported."""

from __future__ import annotations

import codecs
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest

from workstation.errors import BadInput
from workstation.storage.store import open_store
from workstation.translation.glossary import Glossary, TermPair
from workstation.translation.glossary_csv import (
    HEADER,
    parse_glossary_csv,
    read_glossary_csv,
    render_glossary_csv,
    write_glossary_csv,
)

MOFA = "Ministry of Foreign Affairs"
HEADER_LINE = "source_term,source_language,target_term,target_language,forbidden_variants,note"
ENTRIES = [
    TermPair("vi", "Bộ Ngoại giao", "en", MOFA, ("Foreign Ministry", "MOFA"), "Tên chính thức"),
    TermPair("vi", "Kết luận số 57-KL/TW", "en", "Conclusion No. 57-KL/TW"),
    TermPair("en", "Provincial People's Committee", "vi", "Ủy ban nhân dân tỉnh", ("UBND tỉnh",), 'a, "b"\nc'),
    TermPair("zh", "越南", "vi", "Việt Nam", (), "国名"),
]


@pytest.fixture
def glossary(store_path: Path) -> Iterator[Glossary]:
    store = open_store(store_path)
    yield Glossary(store, lambda: datetime(2025, 3, 1, tzinfo=UTC))
    store.close()


def csv_bytes(*lines: str, bom: bool = False) -> bytes:
    data = "\r\n".join(lines).encode("utf-8") + b"\r\n"
    return codecs.BOM_UTF8 + data if bom else data


def test_round_trip_is_exact(tmp_path: Path) -> None:
    path = tmp_path / "glossary.csv"
    write_glossary_csv(path, ENTRIES)
    assert read_glossary_csv(path) == ENTRIES
    data = path.read_bytes()
    assert data.startswith(codecs.BOM_UTF8 + HEADER_LINE.encode() + b"\r\n")
    assert "Bộ Ngoại giao,vi,Ministry of Foreign Affairs,en,Foreign Ministry|MOFA,Tên chính thức\r\n" in data.decode()
    assert '"a, ""b""\nc"' in data.decode()  # quoted as RFC 4180 wants


def test_with_or_without_a_byte_order_mark() -> None:
    lines = (HEADER_LINE, "Đảng,vi,Party,en,Communist Party|the party,")
    expected = [TermPair("vi", "Đảng", "en", "Party", ("Communist Party", "the party"), "")]
    assert parse_glossary_csv(csv_bytes(*lines)) == expected
    assert parse_glossary_csv(csv_bytes(*lines, bom=True)) == expected
    assert parse_glossary_csv("\n".join(lines).encode()) == expected  # Unix line ends, no final newline


def test_header_spellings_blank_lines_and_language_tags() -> None:
    data = csv_bytes(
        "Source term, Source language ,Target-Term,TARGET LANGUAGE,Forbidden,Note",
        "",
        "Bộ Ngoại giao,vi-VN,Ministry of Foreign Affairs,en-GB,,",
        ",,,,,",
        "越南,zh-Hans,Việt Nam,vi,,",
    )
    pairs = parse_glossary_csv(data)
    assert [(p.source_language, p.source_term, p.target_language) for p in pairs] == [
        ("vi-VN", "Bộ Ngoại giao", "en-GB"),
        ("zh-Hans", "越南", "vi"),
    ]


def test_the_glossary_stores_the_languages_reduced(glossary: Glossary, tmp_path: Path) -> None:
    path = tmp_path / "g.csv"
    path.write_bytes(csv_bytes(HEADER_LINE, "Bộ Ngoại giao,vi-VN,Ministry of Foreign Affairs,en-GB,,"))
    assert glossary.import_file(path).added == 1
    assert [(e.source_language, e.target_language) for e in glossary.entries()] == [("vi", "en")]


@pytest.mark.parametrize(
    ("lines", "message"),
    [
        (("Bộ Ngoại giao,vi,Ministry of Foreign Affairs,en,,",), "line 1: the first row must be the header"),
        (("source_term,source_language,target_term,target_language,note",), "line 1: the first row must be"),
        ((HEADER_LINE, "Bộ,vi,Ministry,en,"), "line 2: 5 columns instead of 6"),
        ((HEADER_LINE, "Bộ,vi,Ministry,en,,,extra"), "line 2: 7 columns instead of 6"),
        ((HEADER_LINE, "Bộ,vi,Ministry,en,,", "Sở,fr,Department,en,,"), "line 3: “fr” is not a language"),
        ((HEADER_LINE, "Sở,vi,Department,vi,,"), "line 2: the source and target languages are both vi"),
        ((HEADER_LINE, "Bộ,vi,,en,,"), "line 2: the target term for “Bộ” is empty"),
        ((HEADER_LINE, ",vi,Ministry,en,,"), "line 2: the source term is empty"),
        ((HEADER_LINE, "Bộ,vi,Ministry,en,ministry,"), "line 2: “ministry” is both the target term and a forbidden"),
        ((HEADER_LINE, 'Bộ,vi,Ministry,en,,"a\nb\nc"', "Sở,vi,,en,,"), "line 5: the target term for “Sở” is empty"),
        ((HEADER_LINE, 'Bộ,vi,"Minis"try,en,,'), "line 2: .*nothing was imported"),
        ((), "is empty: it needs the header row"),
    ],
)
def test_bad_rows_are_refused_by_line(lines: tuple[str, ...], message: str) -> None:
    data = csv_bytes(*lines) if lines else b""
    with pytest.raises(BadInput, match=message):
        parse_glossary_csv(data, "g.csv")


def test_a_bad_row_imports_nothing(glossary: Glossary, tmp_path: Path) -> None:
    path = tmp_path / "g.csv"
    path.write_bytes(csv_bytes(HEADER_LINE, "Bộ,vi,Ministry,en,,", "Đảng,vi,Party,xx,,"))
    with pytest.raises(BadInput, match=r"g\.csv, line 3: “xx” is not a language.*nothing was imported"):
        glossary.import_file(path)
    assert glossary.count() == 0


def test_encodings_other_than_utf8_are_refused_with_the_line() -> None:
    latin1 = csv_bytes(HEADER_LINE, "Bo,vi,Ministry,en,,").replace(b"Bo", "Bộ".encode()) + "Hà,vi,Ha,en,,".encode(
        "cp1258"
    )
    with pytest.raises(BadInput, match=r"g\.csv, line 3: not UTF-8"):
        parse_glossary_csv(latin1, "g.csv")
    with pytest.raises(BadInput, match="UTF-16"):
        parse_glossary_csv(("\n".join((HEADER_LINE, "Bộ,vi,Ministry,en,,"))).encode("utf-16"), "g.csv")


def test_nul_bytes_are_refused() -> None:
    with pytest.raises(BadInput, match="line 2"):
        parse_glossary_csv(csv_bytes(HEADER_LINE, "Bộ,vi,Mini\x00stry,en,,"), "g.csv")


def test_the_header_is_the_documented_one() -> None:
    assert ",".join(HEADER) == HEADER_LINE
    assert render_glossary_csv([]) == codecs.BOM_UTF8 + HEADER_LINE.encode() + b"\r\n"


def test_export_through_the_glossary_filters_by_direction(glossary: Glossary, tmp_path: Path) -> None:
    assert glossary.merge(ENTRIES, origin="import").added == 4
    path = tmp_path / "vi-en.csv"
    assert glossary.export_file(path, "vi", "en") == 2
    assert read_glossary_csv(path) == ENTRIES[:2]  # ordered by language pair and term
