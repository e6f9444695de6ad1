"""TCVN3 and VNI: conversion samples built from the encodings' code charts, and detection."""

from __future__ import annotations

import pytest

from workstation.language.legacy_encodings import (
    detect_legacy_encoding,
    tcvn3_to_unicode,
    vni_to_unicode,
)
from workstation.language.normalise import decode_legacy_vietnamese

UNICODE = "Hà Nội là thủ đô của Việt Nam. Thông tin đối ngoại, chuyển đổi số, Đà Nẵng, người, quyết, Nguyễn, Huế."

# TCVN3 bytes, written from the chart: à=B5 ộ=E9 ủ=F1 đ=AE ô=AB ệ=D6 ố=E8 ạ=B9 ể=D3 ổ=E6 ố=E8
# Đ=A7 ẵ=BD ư=AD ờ=EA ế=D5 ễ=D4.
TCVN3_BYTES = (
    b"H\xb5 N\xe9i l\xb5 th\xf1 \xae\xab c\xf1a Vi\xd6t Nam. Th\xabng tin \xae\xe8i ngo\xb9i, "
    b"chuy\xd3n \xae\xe6i s\xe8, \xa7\xb5 N\xbdng, ng\xad\xeai, quy\xd5t, Nguy\xd4n, Hu\xd5."
)
# VNI bytes: a letter, then its modifier: a+F8 = à, o+E4 = ộ, u+FB = ủ, F1 = đ, o+E2 = ô,
# e+E4 = ệ, o+E1 = ố, a+EF = ạ, e+E5 = ể, o+E5 = ổ, D1 = Đ, a+FC = ẵ, F6 = ư, F4+F8 = ờ, e+E1 = ế,
# e+E3 = ễ.
VNI_BYTES = (
    b"Ha\xf8 No\xe4i la\xf8 thu\xfb \xf1o\xe2 cu\xfba Vie\xe4t Nam. Tho\xe2ng tin \xf1o\xe1i ngoa\xefi, "
    b"chuye\xe5n \xf1o\xe5i so\xe1, \xd1a\xf8 Na\xfcng, ng\xf6\xf4\xf8i, quye\xe1t, Nguye\xe3n, Hue\xe1."
)


def test_tcvn3_sample_converts() -> None:
    assert tcvn3_to_unicode(TCVN3_BYTES.decode("latin-1")) == UNICODE


def test_vni_sample_converts() -> None:
    assert vni_to_unicode(VNI_BYTES.decode("cp1252")) == UNICODE


@pytest.mark.parametrize(("raw", "encoding"), [(TCVN3_BYTES, "tcvn3"), (VNI_BYTES, "vni")])
def test_detection_and_decoding_from_bytes(raw: bytes, encoding: str) -> None:
    assert detect_legacy_encoding(raw.decode("latin-1")) == encoding
    assert decode_legacy_vietnamese(raw) == UNICODE


def test_text_read_from_a_legacy_font_run_converts_too() -> None:
    # A .docx run in ".VnTime" yields the characters Windows-1252 shows for the bytes.
    assert decode_legacy_vietnamese(TCVN3_BYTES.decode("cp1252")) == UNICODE


def test_vni_capitals() -> None:
    assert vni_to_unicode("\xd1A\xd8 NA\xdcNG, TR\xd6\xd4\xd8NG") == "ĐÀ NẴNG, TRƯỜNG"


def test_tcvn3_capitals_font_line_becomes_upper_case() -> None:
    # ".VnTimeH" shows the lower-case codes as capitals: "HµNG HO¸" is "HÀNG HOÁ".
    assert tcvn3_to_unicode("H\xb5NG HO\xb8") == "HÀNG HOÁ"


@pytest.mark.parametrize(
    "text",
    [UNICODE, "Hoà bình, hóa học, thuỷ lợi.", "Le café est très bon à Paris, où il fait beau.", "plain ASCII"],
)
def test_unicode_and_other_languages_are_left_alone(text: str) -> None:
    assert detect_legacy_encoding(text) is None
    assert decode_legacy_vietnamese(text) == text


def test_forced_encoding() -> None:
    assert decode_legacy_vietnamese(b"Vi\xd6t", encoding="tcvn3") == "Việt"
    with pytest.raises(ValueError):
        decode_legacy_vietnamese(b"x", encoding="viqr")
