"""Vietnamese spell checking: what is flagged, what is not, and how corrections are ranked."""

from __future__ import annotations

from pathlib import Path

import pytest

from workstation.language.spelling import SpellChecker

MISSPELLINGS = Path(__file__).parent / "data" / "vi_misspellings.tsv"


def misspellings() -> list[tuple[str, str, str]]:
    rows = []
    for line in MISSPELLINGS.read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            wrong, expected, category = line.split("\t")
            rows.append((wrong, expected, category))
    return rows


@pytest.fixture(scope="module")
def checker() -> SpellChecker:
    return SpellChecker("vi")


def test_the_misspelling_list_is_large_enough() -> None:
    rows = misspellings()
    assert len(rows) >= 60
    assert {category for _, _, category in rows} >= {"onset", "stop-tone", "tone-placement", "rhyme"}


@pytest.mark.parametrize(("wrong", "expected", "category"), misspellings())
def test_misspelling_is_flagged_and_the_expected_correction_comes_first(
    checker: SpellChecker, wrong: str, expected: str, category: str
) -> None:
    found = checker.check(f"Chúng tôi thấy {wrong} ở đây.")
    assert [miss.word for miss in found] == [wrong]
    assert found[0].suggestions[0] == expected


@pytest.mark.parametrize(
    "text",
    [
        "Công tác hóa học và hoá học, thủy lợi và thuỷ lợi.",  # both tone styles
        "TTĐN, CNTT, UBND, LĐLĐ và ThS, PGS đều là viết tắt.",  # acronyms
        "Chúng tôi xem video, clip về Covid-19 trên Facebook và YouTube.",  # loanwords and brands
        "Đoàn gặp ông Philip Ball tại New Delhi và Naver.",  # foreign names in mid-sentence
        "Mạng 5G và virus H5N1 được nhắc tới.",  # codes with digits
        "Xem thêm tại https://vmusic.vn/bai-viet hoặc thư info@example.com.",  # addresses
        "Ảnh: Tp. Hồ Chí Minh, tr. 12, v.v.",  # abbreviations
        "Nhiều bạn trẻ dùng smartphone để xem livestream online.",  # English words
    ],
)
def test_correct_text_is_not_flagged(checker: SpellChecker, text: str) -> None:
    assert checker.check(text) == []


def test_offsets_point_at_the_flagged_word(checker: SpellChecker) -> None:
    text = "Ngành nghành và quyêt định."
    found = checker.check(text)
    assert [(miss.start, miss.end, text[miss.start : miss.end]) for miss in found] == [
        (6, 12, "nghành"),
        (16, 21, "quyêt"),
    ]


def test_capitalised_misspelling_mid_sentence_with_vietnamese_letters_is_still_flagged(
    checker: SpellChecker,
) -> None:
    assert [miss.word for miss in checker.check("Ông Nguyễng đến.")] == ["Nguyễng"]


def test_sentence_initial_foreign_looking_unknown_word_is_flagged(checker: SpellChecker) -> None:
    found = checker.check("Facebok là mạng xã hội.")
    assert [miss.word for miss in found] == ["Facebok"]
    assert found[0].suggestions[0] == "Facebook"


def test_english_slang_does_not_hide_a_missing_tone(checker: SpellChecker) -> None:
    assert [miss.word for miss in checker.check("Họ phat triển")] == ["phat"]


def test_suggestions_keep_the_case_and_the_writers_tone_style(checker: SpellChecker) -> None:
    assert checker.suggest("Nghành")[0] == "Ngành"
    assert checker.suggest("NGHÀNH")[0] == "NGÀNH"
    assert checker.suggest("khoẻo")  # something, not an exception


def test_without_suggestions_for_fast_highlighting(checker: SpellChecker) -> None:
    assert checker.check("nghành", with_suggestions=False)[0].suggestions == ()
