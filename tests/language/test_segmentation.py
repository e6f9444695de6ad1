"""Sentence segmentation: the gold file, each rule class, and the segment() contract."""

from __future__ import annotations

from pathlib import Path

import pytest

from workstation.language.segment import segment

GOLD = Path(__file__).parent / "data" / "segmentation_gold.txt"


def gold_cases() -> list[tuple[str, list[str]]]:
    cases: list[tuple[str, list[str]]] = []
    for line in GOLD.read_text(encoding="utf-8").splitlines():
        if line.startswith("## "):
            cases.append((line[3:].strip(), []))
        elif line.strip() and not line.startswith("#"):
            cases[-1][1].append(line)
    return cases


@pytest.mark.parametrize(("lang", "expected"), gold_cases(), ids=lambda value: str(value)[:30])
def test_gold_segmentation(lang: str, expected: list[str]) -> None:
    joiner = "" if lang in ("zh", "ja") else " "
    assert segment(joiner.join(expected), lang) == expected


@pytest.mark.parametrize(
    "text",
    [
        "Đoàn đến TP. Hải Phòng hôm qua.",
        "Đoàn đến Tp. Hải Phòng hôm qua.",
        "PGS.TS. Nguyễn Văn A phát biểu.",
        "GS. Trần Bình và ThS. Lê Hoa dự họp.",
        "Ông là TS. Phạm Minh của viện.",
    ],
)
def test_vietnamese_abbreviations_do_not_end_sentences(text: str) -> None:
    assert segment(text, "vi") == [text]


@pytest.mark.parametrize(
    "text",
    [
        "The U.S. embassy opened.",
        "Mr. Smith and Dr. Lee met at 9 a.m. yesterday.",
        "See No. 5 on the list.",
        "The U.S. President spoke.",
    ],
)
def test_english_abbreviations_do_not_end_sentences(text: str) -> None:
    assert segment(text, "en") == [text]


def test_abbreviation_that_can_end_a_sentence_breaks_before_a_starter() -> None:
    assert segment("They met in the U.S. The talks went well.", "en") == [
        "They met in the U.S.",
        "The talks went well.",
    ]


@pytest.mark.parametrize("number", ["3.5", "12,5%", "12/10/2023", "12.10.2023", "1.234.567"])
def test_numbers_and_dates_never_split(number: str) -> None:
    text = f"Con số là {number} trong năm nay. Tiếp theo là phần khác."
    assert segment(text, "vi")[0] == f"Con số là {number} trong năm nay."


def test_lower_case_after_terminator_continues_the_sentence() -> None:
    assert segment("“Đi thôi!” ông nói.", "vi") == ["“Đi thôi!” ông nói."]


def test_list_numbers_at_line_start_stay_with_their_heading() -> None:
    assert segment("1. Giới thiệu chung\nII. Nội dung chính. Phần này dài.", "vi") == [
        "1. Giới thiệu chung",
        "II. Nội dung chính.",
        "Phần này dài.",
    ]


def test_cjk_full_width_terminators_split_without_spaces() -> None:
    assert segment("我们去河内。你好吗？很好！", "zh") == ["我们去河内。", "你好吗？", "很好！"]
    assert segment("「行きます。」と彼は言った。", "ja") == ["「行きます。」", "と彼は言った。"]


def test_line_breaks_always_end_a_segment_and_blank_lines_vanish() -> None:
    assert segment("Tiêu đề\n\n  Đoạn một  \r\nĐoạn hai", "vi") == ["Tiêu đề", "Đoạn một", "Đoạn hai"]


@pytest.mark.parametrize("text", ["", "   ", "\n\n", " . "])
def test_never_returns_empty_segments(text: str) -> None:
    assert all(part.strip() for part in segment(text, "vi"))


def test_segments_rejoin_to_the_text_modulo_whitespace() -> None:
    text = "  Một câu.   Hai câu!\tBa câu?\n\nBốn   câu… Năm câu. "
    assert " ".join(segment(text, "vi")).split() == text.split()
