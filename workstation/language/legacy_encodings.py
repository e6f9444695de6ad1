"""Vietnamese text in the legacy 8-bit font encodings TCVN3 (ABC, ".VnTime") and VNI ("VNI-Times").

Both predate Unicode and live on in old .doc and .txt files. Read as Latin-1 or Windows-1252 they
show as mojibake: "Hµ Néi" (TCVN3) and "Haø Noäi" (VNI) for "Hà Nội".

* TCVN3 (TCVN 5712:1993, VN3) gives each lower-case Vietnamese letter one byte in 0xA1-0xFE; the
  capitals with tone marks come from a separate capitals font (".VnTimeH") that reuses the
  lower-case codes, which is why those have no codes of their own.
* VNI writes a base letter followed by a byte for its hat/breve/horn and tone: "a" + "ù" = "á",
  "e" + "á" = "ế"; ơ, ư, đ and the toned i have single bytes.

The tables are laid out from the encodings' published code charts. Detection converts with each
and keeps the reading in which most words are valid Vietnamese syllables.
"""

from __future__ import annotations

import re
import unicodedata

from workstation.language.vietnamese_syllables import is_valid_syllable

# TCVN3: byte value -> letter.
_TCVN3 = {
    0xA1: "Ă", 0xA2: "Â", 0xA3: "Ê", 0xA4: "Ô", 0xA5: "Ơ", 0xA6: "Ư", 0xA7: "Đ",
    0xA8: "ă", 0xA9: "â", 0xAA: "ê", 0xAB: "ô", 0xAC: "ơ", 0xAD: "ư", 0xAE: "đ",
    0xB5: "à", 0xB6: "ả", 0xB7: "ã", 0xB8: "á", 0xB9: "ạ",
    0xBB: "ằ", 0xBC: "ẳ", 0xBD: "ẵ", 0xBE: "ắ", 0xC6: "ặ",
    0xC7: "ầ", 0xC8: "ẩ", 0xC9: "ẫ", 0xCA: "ấ", 0xCB: "ậ",
    0xCC: "è", 0xCE: "ẻ", 0xCF: "ẽ", 0xD0: "é", 0xD1: "ẹ",
    0xD2: "ề", 0xD3: "ể", 0xD4: "ễ", 0xD5: "ế", 0xD6: "ệ",
    0xD7: "ì", 0xD8: "ỉ", 0xDC: "ĩ", 0xDD: "í", 0xDE: "ị",
    0xDF: "ò", 0xE1: "ỏ", 0xE2: "õ", 0xE3: "ó", 0xE4: "ọ",
    0xE5: "ồ", 0xE6: "ổ", 0xE7: "ỗ", 0xE8: "ố", 0xE9: "ộ",
    0xEA: "ờ", 0xEB: "ở", 0xEC: "ỡ", 0xED: "ớ", 0xEE: "ợ",
    0xEF: "ù", 0xF1: "ủ", 0xF2: "ũ", 0xF3: "ú", 0xF4: "ụ",
    0xF5: "ừ", 0xF6: "ử", 0xF7: "ữ", 0xF8: "ứ", 0xF9: "ự",
    0xFA: "ỳ", 0xFB: "ỷ", 0xFC: "ỹ", 0xFD: "ý", 0xFE: "ỵ",
}  # fmt: skip

# VNI: the byte after a vowel -> (hat/breve or None, tone mark or None), lower-case form.
_GRAVE, _ACUTE, _HOOK, _TILDE, _DOT = "\u0300", "\u0301", "\u0309", "\u0303", "\u0323"
_VNI_TONE_BYTES = {0xF8: _GRAVE, 0xF9: _ACUTE, 0xFB: _HOOK, 0xF5: _TILDE, 0xEF: _DOT}
_VNI_CIRCUMFLEX_BYTES = {0xE2: "", 0xE0: _GRAVE, 0xE1: _ACUTE, 0xE5: _HOOK, 0xE3: _TILDE, 0xE4: _DOT}
_VNI_BREVE_BYTES = {0xEA: "", 0xE8: _GRAVE, 0xE9: _ACUTE, 0xFA: _HOOK, 0xFC: _TILDE, 0xEB: _DOT}
# Letters VNI writes as one byte: ơ ư đ and i with its tones.
_VNI_SINGLE = {0xF4: "ơ", 0xF6: "ư", 0xF1: "đ", 0xEC: "ì", 0xED: "í", 0xE6: "ỉ", 0xF3: "ĩ", 0xF2: "ị"}
_VNI_SINGLE_UPPER = {code - 0x20: letter.upper() for code, letter in _VNI_SINGLE.items()}

_WORD = re.compile(r"[^\W\d_]+")
_MOSTLY_VIETNAMESE = 0.7
_LEGACY_RANGE = re.compile(r"[\u0080-\u00ff]")


def tcvn3_to_unicode(text: str) -> str:
    """Convert TCVN3 text read as Latin-1/Windows-1252 characters to Unicode (NFC)."""
    converted = "".join(_TCVN3.get(_byte_of(char), char) for char in text)
    return _restore_capitals_font(converted, text)


def vni_to_unicode(text: str) -> str:
    """Convert VNI text read as Latin-1/Windows-1252 characters to Unicode (NFC)."""
    out: list[str] = []
    for char in text:
        code = _byte_of(char)
        previous = out[-1] if out else ""
        base = previous.lower()
        upper = previous.isupper()
        lower_code = code + 0x20 if 0xC0 <= code <= 0xDF else code
        modifier = _vni_modifier(base, lower_code)
        if modifier is not None and previous:
            composed = unicodedata.normalize("NFC", base + modifier)
            out[-1] = composed.upper() if upper else composed
        elif code in _VNI_SINGLE:
            out.append(_VNI_SINGLE[code])
        elif code in _VNI_SINGLE_UPPER:
            out.append(_VNI_SINGLE_UPPER[code])
        else:
            out.append(char)
    return unicodedata.normalize("NFC", "".join(out))


def _vni_modifier(base: str, code: int) -> str | None:
    """Combining marks a VNI modifier byte adds to the preceding letter, or None."""
    if base in ("a", "e", "o") and code in _VNI_CIRCUMFLEX_BYTES:
        return "\u0302" + _VNI_CIRCUMFLEX_BYTES[code]
    if base == "a" and code in _VNI_BREVE_BYTES:
        return "\u0306" + _VNI_BREVE_BYTES[code]
    if base and unicodedata.normalize("NFD", base)[0] in "aeiouy" and code in _VNI_TONE_BYTES:
        if any(mark in unicodedata.normalize("NFD", base) for mark in _VNI_TONE_BYTES.values()):
            return None  # already toned: the byte is a letter of its own
        return _VNI_TONE_BYTES[code]
    return None


def _byte_of(char: str) -> int:
    """The byte a legacy font showed as ``char`` (Windows-1252 puts some in U+2000-U+20FF)."""
    code = ord(char)
    if code <= 0xFF:
        return code
    try:
        return char.encode("cp1252")[0]
    except UnicodeEncodeError:
        return code


def _restore_capitals_font(converted: str, original: str) -> str:
    """Lines set in the TCVN3 capitals font (".VnTimeH") use the lower-case codes for toned
    capitals: a line whose plain letters are all capitals was all capitals ("HµNG" -> "HÀNG")."""
    lines = []
    for converted_line, original_line in zip(
        converted.splitlines(keepends=True), original.splitlines(keepends=True), strict=True
    ):
        plain_letters = [char for char in original_line if char.isascii() and char.isalpha()]
        if len(plain_letters) >= 3 and all(char.isupper() for char in plain_letters):
            converted_line = converted_line.upper()
        lines.append(converted_line)
    return "".join(lines)


def detect_legacy_encoding(text: str) -> str | None:
    """Which legacy encoding ("tcvn3", "vni") ``text`` is in, judged by which reading is Vietnamese.

    None when the text reads as Vietnamese (or as anything else) without converting.
    """
    if not _LEGACY_RANGE.search(text):
        return None
    scores = {
        None: _vietnamese_score(text),
        "tcvn3": _vietnamese_score(tcvn3_to_unicode(text)),
        "vni": _vietnamese_score(vni_to_unicode(text)),
    }
    best = max(scores, key=lambda name: scores[name])
    # Demand Vietnamese after conversion and a clear gain, so Unicode Vietnamese, and French or
    # German with their own accents, are left alone.
    if best is None or scores[best] < _MOSTLY_VIETNAMESE or scores[best] < scores[None] + 0.15:
        return None
    return best


def convert_legacy(text: str, encoding: str) -> str:
    converters = {"tcvn3": tcvn3_to_unicode, "vni": vni_to_unicode}
    try:
        return converters[encoding](text)
    except KeyError:
        raise ValueError(f"unknown legacy Vietnamese encoding {encoding!r}") from None


def _vietnamese_score(text: str) -> float:
    """Share of the words that are valid Vietnamese syllables."""
    words = _WORD.findall(text)
    if not words:
        return 0.0
    return sum(is_valid_syllable(word) for word in words) / len(words)
