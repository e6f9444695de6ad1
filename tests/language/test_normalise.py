"""Normalisation and reading text files in any of the encodings Vietnamese documents come in."""

from __future__ import annotations

import unicodedata
from pathlib import Path

import pytest

from tests.language.test_legacy_encodings import TCVN3_BYTES, UNICODE, VNI_BYTES
from workstation.errors import BadInput
from workstation.language.normalise import decode_bytes, normalise_text, read_text_file


def test_normalise_text_is_nfc_with_unix_newlines() -> None:
    decomposed = unicodedata.normalize("NFD", "Việt Nam")
    assert normalise_text(f"{decomposed}\r\nHà Nội\rHuế") == "Việt Nam\nHà Nội\nHuế"


@pytest.mark.parametrize(
    "raw",
    [
        UNICODE.encode("utf-8"),
        b"\xef\xbb\xbf" + UNICODE.encode("utf-8"),
        UNICODE.encode("utf-16"),  # with BOM
        UNICODE.encode("utf-16-le"),  # without BOM
        UNICODE.encode("utf-16-be"),
        unicodedata.normalize("NFD", UNICODE).encode("utf-8"),
        TCVN3_BYTES,
        VNI_BYTES,
    ],
    ids=["utf8", "utf8-bom", "utf16", "utf16le", "utf16be", "nfd", "tcvn3", "vni"],
)
def test_read_text_file_decodes_every_encoding(tmp_path: Path, raw: bytes) -> None:
    path = tmp_path / "article.txt"
    path.write_bytes(raw)
    assert read_text_file(path) == UNICODE


def test_windows_1252_text_that_is_not_vietnamese_stays_as_it_is() -> None:
    assert decode_bytes("Café “quoted” – done".encode("cp1252")) == "Café “quoted” – done"


def test_missing_file_is_bad_input(tmp_path: Path) -> None:
    with pytest.raises(BadInput):
        read_text_file(tmp_path / "missing.txt")
