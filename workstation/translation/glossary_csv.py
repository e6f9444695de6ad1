"""Glossary CSV files, read and written. Pure format code: no store.

The format: UTF-8 (a byte order mark is accepted, and written, so spreadsheet programs open the file as
UTF-8), comma-separated with RFC 4180 quoting, a header row, then one entry per row in six columns:

    source_term,source_language,target_term,target_language,forbidden_variants,note
    Bộ Ngoại giao,vi,Ministry of Foreign Affairs,en,Foreign Ministry|Ministry of Foreign Affair,Official name

Forbidden variants are separated by ``|``; the note may hold line breaks (quoted). Languages are BCP 47
tags reduced to vi, en, zh, ko or ja ("vi-VN" is vi; Traditional Chinese is refused). The header's names
are compared ignoring case, spaces, dashes and underscores, and ``forbidden`` may stand for
``forbidden_variants``; empty lines are skipped.

Reading checks every row before anything is used: a bad row raises ``BadInput`` naming its line number
and what is wrong, so an import takes the whole file or nothing.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable
from pathlib import Path

from workstation.errors import BadInput, WorkstationError
from workstation.translation.glossary import TermPair, check_pair
from workstation.user_files import read_user_file, write_atomically

_MIB = 1024 * 1024
MAX_FILE_BYTES = 32 * _MIB
HEADER = ("source_term", "source_language", "target_term", "target_language", "forbidden_variants", "note")
_ALIASES = {"forbidden": "forbidden_variants"}
_SEPARATORS = re.compile(r"[\s_-]+")


def write_glossary_csv(path: Path, entries: Iterable) -> None:
    """Writes ``entries`` (GlossaryEntry or TermPair) to ``path`` atomically."""
    write_atomically(path, render_glossary_csv(entries))


def render_glossary_csv(entries: Iterable) -> bytes:
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(HEADER)
    for entry in entries:
        writer.writerow(
            (
                entry.source_term,
                entry.source_language,
                entry.target_term,
                entry.target_language,
                "|".join(entry.forbidden),
                entry.note,
            )
        )
    return buffer.getvalue().encode("utf-8-sig")


def read_glossary_csv(path: Path) -> list[TermPair]:
    """The entries of the CSV file at ``path``; BadInput naming the line of the first problem."""
    return parse_glossary_csv(read_user_file(path, MAX_FILE_BYTES, "a glossary CSV file"), path.name)


def parse_glossary_csv(data: bytes, name: str = "the file") -> list[TermPair]:
    text = _decoded(data, name)
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    pairs: list[TermPair] = []
    header_seen = False
    line = 1  # where the next record starts
    try:
        for row in reader:
            start, line = line, reader.line_num + 1
            if not row or all(not cell.strip() for cell in row):
                continue
            if not header_seen:
                _check_header(row, name, start)
                header_seen = True
                continue
            pairs.append(_pair(row, name, start))
    except csv.Error as error:
        raise BadInput(f"{name}, line {reader.line_num}: {error}; nothing was imported") from error
    if not header_seen:
        raise BadInput(f"{name} is empty: it needs the header row {','.join(HEADER)}")
    return pairs


def _decoded(data: bytes, name: str) -> str:
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise BadInput(f"{name} is UTF-16; save it as CSV UTF-8 and import it again")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = data.count(b"\n", 0, error.start) + 1
        raise BadInput(
            f"{name}, line {line}: not UTF-8 (byte 0x{data[error.start]:02x}); save the file as CSV UTF-8 "
            "and import it again; nothing was imported"
        ) from error


def _check_header(row: list[str], name: str, line: int) -> None:
    names = [_SEPARATORS.sub("_", cell.strip().lower()).strip("_") for cell in row]
    names = [_ALIASES.get(cell, cell) for cell in names]
    while names and not names[-1]:
        names.pop()
    if tuple(names) != HEADER:
        raise BadInput(
            f"{name}, line {line}: the first row must be the header {','.join(HEADER)} "
            f"(it is {','.join(cell.strip() for cell in row)[:200]}); nothing was imported"
        )


def _pair(row: list[str], name: str, line: int) -> TermPair:
    while len(row) > len(HEADER) and not row[-1].strip():
        row = row[:-1]  # trailing empty cells, as spreadsheet programs sometimes write
    if len(row) != len(HEADER):
        raise BadInput(
            f"{name}, line {line}: {len(row)} columns instead of {len(HEADER)} "
            f"({','.join(HEADER)}); nothing was imported"
        )
    source_term, source_language, target_term, target_language, forbidden, note = row
    pair = TermPair(
        source_language.strip(),
        source_term,
        target_language.strip(),
        target_term,
        tuple(variant for variant in forbidden.split("|") if variant.strip()),
        note,
    )
    try:
        check_pair(pair)
    except WorkstationError as error:
        raise BadInput(f"{name}, line {line}: {error}; nothing was imported") from error
    return pair
