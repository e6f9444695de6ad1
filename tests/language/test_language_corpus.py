"""Checks on the professionally edited texts in ../shared/corpus (skipped where it is absent)."""

from __future__ import annotations

import itertools
import re
from pathlib import Path

import pytest

from workstation.language.normalise import read_text_file
from workstation.language.segment import rules_for, segment
from workstation.language.spelling import SpellChecker

CORPUS = Path(__file__).resolve().parents[3] / "shared" / "corpus"


@pytest.fixture(scope="module")
def corpus_texts() -> list[str]:
    files = sorted(CORPUS.glob("*.txt")) if CORPUS.is_dir() else []
    if not files:
        pytest.skip("../shared/corpus is not present")
    return [read_text_file(path) for path in files if path.name != "README.md"]


def test_no_sentence_ends_at_an_abbreviation_a_date_or_a_decimal(corpus_texts: list[str]) -> None:
    rules = rules_for("vi")
    abbreviations = rules.never_break
    for text in corpus_texts:
        sentences = segment(text, "vi")
        for sentence, following in itertools.pairwise(sentences):
            last_word = sentence.split()[-1]
            assert last_word not in abbreviations, sentence
            # A split inside a number would leave a digit and a separator on one side, a digit on the other.
            assert not (re.search(r"\d[.,/]$", sentence) and following[:1].isdigit()), (sentence, following)
        for date_or_number in re.findall(r"\d+(?:[.,/]\d+)+%?", text):
            assert any(date_or_number in sentence for sentence in sentences), date_or_number


def test_false_alarm_rate_is_under_a_third_of_a_percent(corpus_texts: list[str]) -> None:
    checker = SpellChecker("vi")
    words = sum(len(re.findall(r"[^\W\d_]+", text)) for text in corpus_texts)
    flagged = [miss.word for text in corpus_texts for miss in checker.check(text, with_suggestions=False)]
    assert len(flagged) / words < 0.003, flagged
