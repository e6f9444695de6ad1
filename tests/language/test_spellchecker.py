"""The SpellChecker facade: languages, personal dictionary, normalisation, thread use."""

from __future__ import annotations

import unicodedata
from concurrent.futures import ThreadPoolExecutor

import pytest

from workstation.language.spelling import (
    InMemoryPersonalDictionary,
    SpellChecker,
    supports_spelling,
)


def test_cjk_is_not_spell_checked() -> None:
    for lang in ("zh", "ja", "ko"):
        assert not supports_spelling(lang)
        with pytest.raises(ValueError):
            SpellChecker(lang)
    assert supports_spelling("vi-VN") and SpellChecker("en-GB").lang == "en"


@pytest.mark.parametrize(("lang", "word"), [("vi", "Vnexpresss"), ("en", "Vinpearl")])
def test_added_word_is_accepted_in_any_case(lang: str, word: str) -> None:
    personal = InMemoryPersonalDictionary()
    checker = SpellChecker(lang, personal=personal)
    text = f"{word} ok. {word.lower()} ok."
    assert len(checker.check(text)) == 2
    checker.add_to_dictionary(word)
    assert checker.check(text) == []
    assert personal.words(lang) == {word}
    assert personal.words("zh") == set()


def test_personal_dictionary_is_per_language() -> None:
    personal = InMemoryPersonalDictionary({"en": {"zaloo"}})
    assert SpellChecker("en", personal=personal).is_correct("zaloo")
    assert not SpellChecker("vi", personal=personal).is_correct("zaloo")


def test_decomposed_input_is_checked_as_nfc() -> None:
    decomposed = unicodedata.normalize("NFD", "nghành và ngành")
    found = SpellChecker("vi").check(decomposed)
    assert [miss.word for miss in found] == ["nghành"]


def test_checking_from_several_threads_gives_the_same_answers() -> None:
    checker = SpellChecker("vi")
    texts = ["nghành quyêt ngiên", "Hà Nội hóa hoá", "muà thu"] * 20
    expected = [checker.check(text) for text in texts]
    with ThreadPoolExecutor(max_workers=4) as pool:
        assert list(pool.map(checker.check, texts)) == expected
