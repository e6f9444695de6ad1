from __future__ import annotations

import unicodedata

import pytest

from workstation.language.folding import find_spans as spans
from workstation.language.folding import fold, fts_query, index_form, parse_query, tokens

VIETNAMESE = "Cổng thông tin ĐỐI NGOẠI của Đảng: thủy, thuỷ, hoá, hóa, người Việt ở Huế, ưu tiên."


def marked(text: str, query: str, as_you_type: bool = False) -> list[str]:
    return [text[start:end] for start, end in spans(text, query, as_you_type)]


def test_fold_strips_vietnamese_marks_lowers_and_folds_d_with_stroke() -> None:
    assert fold("Cổng thông tin đối ngoại") == "cong thong tin doi ngoai"
    assert fold("ĐẢNG Đảng đảng") == "dang dang dang"
    assert fold("Ưu tiên Ở Huế, thuỷ thủy") == "uu tien o hue, thuy thuy"


def test_fold_keeps_length_on_every_precomposed_vietnamese_letter() -> None:
    letters = "".join(chr(code) for code in range(0x1EA0, 0x1EFA)) + "ÀÁÂÃÈÉÊÌÍÒÓÔÕÙÚÝàáâãèéêìíòóôõùúýĂăĐđĨĩŨũƠơƯư"
    folded = fold(letters)
    assert len(folded) == len(letters)
    assert set(folded) <= set("aeiouyd")


def test_fold_keeps_length_everywhere_in_the_basic_plane() -> None:
    text = "".join(chr(code) for code in range(0x20, 0xD800))
    assert len(fold(text)) == len(text)


def test_fold_leaves_cjk_alone_but_never_strips_kana_voicing() -> None:
    assert fold("越南 東京 한국어 がぎぐ パ") == "越南 東京 한국어 がぎぐ パ"


def test_fold_handles_letters_whose_lower_case_is_longer() -> None:
    assert fold("İstanbul") == "istanbul"
    assert fold("ＡＢＣ１２３") == "abc123"


def test_index_form_spaces_cjk_characters_and_normalises_first() -> None:
    decomposed = unicodedata.normalize("NFD", "Đối ngoại")
    assert index_form(decomposed) == "doi ngoai"
    assert index_form("越南和日本").split() == ["越", "南", "和", "日", "本"]
    assert tokens("한국어 e-mail 2023年") == ["한", "국", "어", "e", "mail", "2023", "年"]


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("cong thong tin", '"cong" "thong" "tin"'),
        ("cong thong tin ", '"cong" "thong" "tin"'),
        ('"thong tin doi ngoai" dang', '"thong tin doi ngoai" "dang"'),
        ('dang "doi ngoai"', '"dang" "doi ngoai"'),
        ("Đảng", '"dang"'),
        ("越南", '"越 南"'),
        ("南", '"南"'),
        ("한국", '"한 국"'),
        ("e-mail", '"e mail"'),
    ],
)
def test_queries_become_quoted_terms(query: str, expected: str) -> None:
    assert fts_query(query) == expected


@pytest.mark.parametrize("query", ["", "   ", "-", "*", '"', '""', "()", "(* ^)", "-- ** ^^", "…", "'", ":", "{}"])
def test_queries_of_nothing_give_none(query: str) -> None:
    assert fts_query(query) is None


@pytest.mark.parametrize("query", ["AND OR NOT", "NEAR(a b, 3)", 'a"b', "col:word", "^start", "x*", "-x", "a + b"])
def test_fts_syntax_is_only_ever_quoted_words(query: str) -> None:
    match = fts_query(query)
    assert match is not None
    for term in parse_query(query):
        assert all(token.isalnum() for token in term.tokens)
    assert match.replace('"', "").replace("*", "").replace(" ", "").isalnum()


def test_as_you_type_the_last_word_still_being_typed_is_a_prefix() -> None:
    assert fts_query("chuyen doi so quoc", as_you_type=True) == '"chuyen" "doi" "so" "quoc"*'
    assert fts_query("Đảng", as_you_type=True) == '"dang"*'
    assert not parse_query("chuyen doi so quoc")[-1].prefix
    assert not parse_query("chuyen doi so quoc ", as_you_type=True)[-1].prefix
    assert not parse_query('"chuyen doi so quoc"', as_you_type=True)[-1].prefix
    assert not parse_query("越南", as_you_type=True)[-1].prefix


def test_as_you_type_a_last_word_too_short_to_expand_waits_for_more_letters() -> None:
    assert fts_query("chuyen doi s", as_you_type=True) == '"chuyen" "doi"'
    assert fts_query("chuyen doi so", as_you_type=True) == '"chuyen" "doi"'
    assert fts_query("chuyen doi so ", as_you_type=True) == '"chuyen" "doi" "so"'
    assert fts_query("so", as_you_type=True) == '"so"'
    assert fts_query("doi 越", as_you_type=True) == '"doi" "越"'


def test_spans_point_at_the_original_vietnamese_words() -> None:
    assert marked(VIETNAMESE, "cong thong tin doi ngoai") == ["Cổng thông tin ĐỐI NGOẠI"]
    assert marked(VIETNAMESE, "dang") == ["Đảng"]
    assert marked(VIETNAMESE, "thuy hoa") == ["thủy", "thuỷ", "hoá", "hóa"]
    assert marked(VIETNAMESE, "nguoi viet o hue") == ["người Việt ở Huế"]
    assert marked(VIETNAMESE, "uu tie", as_you_type=True) == ["ưu tiên"]
    assert marked(VIETNAMESE, "uu tie") == ["ưu"]  # the whole word "tie" is not there


def test_spans_respect_word_boundaries_and_phrases() -> None:
    text = "Tin tức: thông tin, tinh thần và tin học."
    assert marked(text, "tin") == ["Tin", "tin", "tin"]
    assert marked(text, '"thong tin"') == ["thông tin"]
    assert marked(text, '"tin tinh"') == ["tin, tinh"]
    assert marked(text, "tinh") == ["tinh"]
    assert marked(text, "tin", as_you_type=True) == ["Tin", "tin", "tinh", "tin"]
    assert marked(text, "ti", as_you_type=True) == []


def test_spans_in_decomposed_text_cover_the_marks() -> None:
    text = unicodedata.normalize("NFD", "Hội nghị đối ngoại ở Huế")
    assert marked(text, "doi ngoai") == [unicodedata.normalize("NFD", "đối ngoại")]
    assert marked(text, "hue") == [unicodedata.normalize("NFD", "Huế")]
    assert marked(text, "hoi") == [unicodedata.normalize("NFD", "Hội")]


def test_spans_find_one_and_two_cjk_characters_anywhere() -> None:
    chinese = "越南和日本加强合作。南方"
    assert marked(chinese, "越南") == ["越南"]
    assert marked(chinese, "南") == ["南", "南"]
    assert marked("東京都で会議が開かれた", "東京") == ["東京"]
    assert marked("한국어 교육 협력", "국") == ["국"]
    assert marked("한국어 교육 협력", "한국") == ["한국"]


def test_spans_of_a_mixed_query() -> None:
    text = "Đại sứ quán Việt Nam tại 東京 (Tokyo)"
    assert marked(text, "dai su quan 東京 tokyo") == ["Đại sứ quán", "東京", "Tokyo"]


def test_no_spans_for_an_empty_query_or_text() -> None:
    assert spans(VIETNAMESE, "  -- ") == []
    assert spans("", "dang") == []
