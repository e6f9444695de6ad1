"""Counting: syllable words for Vietnamese, words for English, characters for CJK, both for mixed."""

from __future__ import annotations

from workstation.language.counting import count


def test_vietnamese_counts_syllables_as_words() -> None:
    counts = count("Chuyển đổi số là xu thế tất yếu.", "vi")
    assert counts.words == 8 and counts.unit == "words" and counts.length == 8


def test_hyphenated_words_numbers_and_punctuation() -> None:
    counts = count("Covid-19 tăng 12,5% — ngày 12/10/2023 !", "vi")
    assert counts.words == 5  # Covid-19, tăng, 12,5%, ngày, 12/10/2023; dashes and "!" are not words


def test_english_words_and_characters() -> None:
    counts = count("The U.S. embassy's staff.", "en")
    assert counts.words == 4
    assert counts.characters == 22 and counts.characters_with_spaces == 25


def test_chinese_counts_characters_without_punctuation() -> None:
    counts = count("我们在河内。", "zh")
    assert (counts.cjk_characters, counts.words, counts.unit, counts.length) == (5, 0, "characters", 5)


def test_japanese_kana_and_kanji_and_korean_hangul() -> None:
    assert count("ハノイに行きます", "ja").cjk_characters == 8
    korean = count("오늘 하노이에 갑니다.", "ko")
    assert korean.cjk_characters == 9 and korean.words == 0


def test_mixed_text_reports_both() -> None:
    counts = count("Hội nghị APEC 2023 在旧金山举行", "zh")
    assert counts.words == 4 and counts.cjk_characters == 6 and counts.length == 10


def test_empty_text() -> None:
    counts = count("  \n", "vi")
    assert (counts.words, counts.characters, counts.cjk_characters) == (0, 0, 0)
