"""Every piece of text entering the app passes through here: Unicode NFC, one newline convention,
and Vietnamese in the legacy TCVN3 and VNI encodings converted to Unicode."""

from __future__ import annotations

import codecs
import unicodedata
from pathlib import Path

from workstation.errors import BadInput, EnvironmentFailure
from workstation.language.legacy_encodings import convert_legacy, detect_legacy_encoding

_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)
_CP1252_HOLES = (0x81, 0x8D, 0x8F, 0x90, 0x9D)
_LATIN1_TO_CP1252 = {byte: bytes([byte]).decode("cp1252") for byte in range(0x80, 0xA0) if byte not in _CP1252_HOLES}


def normalise_text(text: str) -> str:
    """Unicode NFC with Windows and old-Mac line endings folded to \\n."""
    return unicodedata.normalize("NFC", text.replace("\r\n", "\n").replace("\r", "\n"))


def decode_legacy_vietnamese(raw: bytes | str, encoding: str | None = None) -> str:
    """Text in TCVN3 or VNI (``encoding`` "tcvn3"/"vni", or None to detect) as normalised Unicode.

    ``raw`` is the file's bytes, or text whose characters stand for those bytes (as a .doc or .docx
    run in the ".VnTime" or "VNI-Times" font reads). Text that is not legacy Vietnamese is returned
    normalised but otherwise unchanged.
    """
    text = _decode_single_byte(raw) if isinstance(raw, bytes) else raw
    encoding = encoding or detect_legacy_encoding(text)
    if encoding is not None:
        text = convert_legacy(text, encoding)
    return normalise_text(text)


def decode_bytes(raw: bytes) -> str:
    """Decode a text file's bytes: UTF-8, UTF-16/32 (with a BOM, or UTF-16 without), TCVN3, VNI,
    else Windows-1252. Returns normalised text."""
    for bom, codec in _BOMS:
        if raw.startswith(bom):
            return decode_legacy_vietnamese(raw[len(bom) :].decode(codec, errors="replace"))
    utf16 = _guess_bomless_utf16(raw)
    if utf16 is not None:
        return normalise_text(raw.decode(utf16, errors="replace"))
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        return decode_legacy_vietnamese(raw)
    # UTF-8 can still carry legacy text that was once read as Latin-1 and saved again.
    return decode_legacy_vietnamese(text)


def read_text_file(path: str | Path) -> str:
    """A text file's content as normalised Unicode, whatever its encoding (see ``decode_bytes``)."""
    try:
        raw = Path(path).read_bytes()
    except (FileNotFoundError, IsADirectoryError, NotADirectoryError) as error:
        raise BadInput(f"cannot read {path}: {error.strerror or error}") from error
    except OSError as error:
        raise EnvironmentFailure(f"cannot read {path}: {error.strerror or error}") from error
    return decode_bytes(raw)


def _decode_single_byte(raw: bytes) -> str:
    """Windows-1252, with Latin-1 for the five bytes it leaves undefined, so every byte survives."""
    return raw.decode("latin-1").translate(_LATIN1_TO_CP1252)


def _guess_bomless_utf16(raw: bytes) -> str | None:
    """UTF-16 without a BOM: mostly-Latin text then has a zero in every other byte."""
    if len(raw) < 4 or len(raw) % 2:
        return None
    even_zeros = raw[0::2].count(0) / (len(raw) // 2)
    odd_zeros = raw[1::2].count(0) / (len(raw) // 2)
    if odd_zeros > 0.3 and even_zeros < 0.05:
        return "utf-16-le"
    if even_zeros > 0.3 and odd_zeros < 0.05:
        return "utf-16-be"
    return None
