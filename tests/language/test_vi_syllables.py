"""Vietnamese syllable rules: onset spelling, rhymes, tone placement (both styles), stop endings."""

from __future__ import annotations

import pytest

from workstation.language.vietnamese_syllables import (
    Tone,
    has_vietnamese_only_letters,
    is_valid_syllable,
    parse,
    split_tone,
    tone_positions,
    with_tone,
)

COMMON_WORDS = (
    "và của là có các được trong cho không người những với một đã này để về đến khi "
    "thông tin đối ngoại chuyển đổi số quốc tế hội nhập Việt Nam Hà Nội Huế Nguyễn "
    "nghiên cứu ngành nghề nghe nghĩ ghi ghế kiến kỹ kỳ kì lý lí mỹ quý quí quyết quyền "
    "gì gìn giữa già giếng giêng khuya khuỷu ngoài xoáy thuở yêu yên ý ỉa ước ướt ươm uống oanh"
).split()


@pytest.mark.parametrize("word", COMMON_WORDS)
def test_common_words_are_valid(word: str) -> None:
    assert is_valid_syllable(word)


@pytest.mark.parametrize("word", ["nghành", "ngiên", "ngĩa", "ghà", "ghọi", "gé", "kác", "cém", "qốc", "kuy", "cuân"])
def test_onset_spelling_rules(word: str) -> None:
    # k/gh/ngh before e, ê, i (and k before y); c/g/ng elsewhere; /kw/ is written qu.
    assert not is_valid_syllable(word)


@pytest.mark.parametrize("word", ["thươgn", "khôgn", "thônng", "nguời", "truờng", "ă", "â", "iên", "giin"])
def test_rhymes_outside_the_inventory_are_invalid(word: str) -> None:
    assert not is_valid_syllable(word)


@pytest.mark.parametrize(("traditional", "new"), [("hóa", "hoá"), ("thủy", "thuỷ"), ("khỏe", "khoẻ"), ("hòa", "hoà")])
def test_both_tone_placement_styles_are_correct(traditional: str, new: str) -> None:
    assert is_valid_syllable(traditional) and is_valid_syllable(new)
    assert parse(traditional).tone is parse(new).tone


@pytest.mark.parametrize("word", ["muà", "cuả", "hòan", "lòai", "tíêng", "ngừơi", "qúa", "gìa", "gíup", "ngươì"])
def test_misplaced_tone_marks_are_invalid(word: str) -> None:
    assert not is_valid_syllable(word)


@pytest.mark.parametrize("word", ["quyêt", "hoc", "nhât", "quyềt", "kểt", "đườc", "hãt"])
def test_stop_endings_take_only_rising_or_heavy_tone(word: str) -> None:
    assert not is_valid_syllable(word)


@pytest.mark.parametrize("word", ["quyết", "học", "nhất", "kết", "được", "lịch", "hợp"])
def test_stop_endings_with_rising_or_heavy_tone_are_valid(word: str) -> None:
    assert is_valid_syllable(word)


def test_two_tone_marks_are_rejected() -> None:
    assert not is_valid_syllable("hóà")
    with pytest.raises(ValueError):
        split_tone("hóà")


def test_parse_takes_a_syllable_apart() -> None:
    syllable = parse("Nguyễn")
    assert (syllable.onset, syllable.rhyme, syllable.tone) == ("ng", "uyên", Tone.TUMBLING)
    assert parse("gìn").rhyme == "in"  # the i of "gi" doubles as the vowel


def test_tone_positions() -> None:
    assert tone_positions("oa") == {0, 1}
    assert tone_positions("ương") == {1}
    assert tone_positions("ua") == {0}
    assert tone_positions("oai") == {1}
    assert tone_positions("oan") == {1}


def test_with_tone_writes_either_style() -> None:
    assert with_tone("h", "oa", Tone.RISING) == "hóa"
    assert with_tone("h", "oa", Tone.RISING, new_style=True) == "hoá"
    assert with_tone("gi", "iêng", Tone.RISING) == "giếng"


def test_upper_case_is_judged_like_lower_case() -> None:
    assert is_valid_syllable("ĐẢNG") and is_valid_syllable("Nghiên") and not is_valid_syllable("NGHÀNH")


def test_vietnamese_only_letters_tell_a_misspelling_from_a_foreign_name() -> None:
    assert has_vietnamese_only_letters("Nguyễng") and has_vietnamese_only_letters("đ")
    assert not has_vietnamese_only_letters("José") and not has_vietnamese_only_letters("Müller")
