"""English spell checking on pyspellchecker, with the context rules for names and acronyms."""

from __future__ import annotations

import pytest

from workstation.language.spelling import SpellChecker


@pytest.fixture(scope="module")
def checker() -> SpellChecker:
    return SpellChecker("en")


def test_misspellings_are_flagged_with_ranked_suggestions(checker: SpellChecker) -> None:
    found = checker.check("The embassy will recieve teh delegation.")
    assert [(miss.word, miss.suggestions[0]) for miss in found] == [("recieve", "receive"), ("teh", "the")]


@pytest.mark.parametrize(
    "text",
    [
        "The embassy's staff don't work on Sundays.",  # possessive, contraction
        "ASEAN and UNESCO met in Hanoi.",  # acronyms
        "Ambassador Nguyen Phu Trong met Mr. Vuong.",  # names in mid-sentence
        "Nguyen said the 5G network was fast.",  # Vietnamese name without marks, code with digits
        "I met them.",
    ],
)
def test_correct_text_is_not_flagged(checker: SpellChecker, text: str) -> None:
    assert checker.check(text) == []


def test_unknown_capitalised_word_at_sentence_start_is_flagged(checker: SpellChecker) -> None:
    assert [miss.word for miss in checker.check("Goverment officials met.")] == ["Goverment"]
    assert checker.suggest("Goverment")[0] == "Government"
