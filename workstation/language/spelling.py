"""Spell checking for Vietnamese and English, with a per-workspace personal dictionary.

    checker = SpellChecker("vi", personal=store_dictionary)
    for miss in checker.check(text):
        print(miss.start, miss.end, miss.word, miss.suggestions)

Offsets are Python string indices (code points). Chinese, Japanese and Korean are not spell-checked.
"""

from __future__ import annotations

import threading
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Protocol

from workstation.language import SPELLING_LANGUAGES
from workstation.language.english_spelling import EnglishSpeller
from workstation.language.segment import rules_for
from workstation.language.tokens import WordToken, word_tokens
from workstation.language.vietnamese_spelling import VietnameseSpeller


class PersonalDictionary(Protocol):
    """Words a workspace accepts beyond the built-in lists ("add to dictionary").

    ``words`` is called once per ``SpellChecker.check``; keep it cheap (cache in memory).
    """

    def words(self, lang: str) -> set[str]: ...

    def add(self, lang: str, word: str) -> None: ...


class InMemoryPersonalDictionary:
    """A personal dictionary that lives as long as the object: for tests and headless runs."""

    def __init__(self, words: Mapping[str, Iterable[str]] | None = None) -> None:
        self._words: dict[str, set[str]] = {lang: set(items) for lang, items in (words or {}).items()}
        self._lock = threading.Lock()

    def words(self, lang: str) -> set[str]:
        with self._lock:
            return set(self._words.get(lang, ()))

    def add(self, lang: str, word: str) -> None:
        with self._lock:
            self._words.setdefault(lang, set()).add(word)


@dataclass(frozen=True)
class Misspelling:
    start: int  # character offset of the word in the checked text
    end: int
    word: str
    suggestions: tuple[str, ...] = ()


class _Speller(Protocol):
    def accepts(self, token: WordToken, personal_words: frozenset[str]) -> bool: ...

    def suggest(self, word: str, limit: int = 8) -> list[str]: ...


def supports_spelling(lang: str) -> bool:
    return _base_language(lang) in SPELLING_LANGUAGES


class SpellChecker:
    """Checks text in one language. Safe to call from worker threads."""

    def __init__(self, lang: str, personal: PersonalDictionary | None = None) -> None:
        base = _base_language(lang)
        if base not in SPELLING_LANGUAGES:
            raise ValueError(f"no spell checking for language {lang!r} (only {', '.join(SPELLING_LANGUAGES)})")
        self.lang = base
        self.personal: PersonalDictionary = personal if personal is not None else InMemoryPersonalDictionary()
        self._speller: _Speller = VietnameseSpeller() if base == "vi" else EnglishSpeller()
        rules = rules_for(base)
        self._abbreviations = rules.never_break | rules.break_before_starter

    def check(self, text: str, *, with_suggestions: bool = True) -> list[Misspelling]:
        """The misspelt words of ``text``; pass ``with_suggestions=False`` for fast highlighting."""
        text = unicodedata.normalize("NFC", text)
        personal_words = self._personal_words()
        found = []
        for token in word_tokens(text, self._abbreviations):
            if not self._speller.accepts(token, personal_words):
                suggestions = tuple(self._speller.suggest(token.text)) if with_suggestions else ()
                found.append(Misspelling(token.start, token.end, token.text, suggestions))
        return found

    def is_correct(self, word: str) -> bool:
        """Whether ``word`` alone is acceptable (judged as if in mid-sentence)."""
        word = unicodedata.normalize("NFC", word)
        token = WordToken(0, len(word), word, sentence_initial=False, touches_digit=False)
        return self._speller.accepts(token, self._personal_words())

    def suggest(self, word: str, limit: int = 8) -> list[str]:
        return self._speller.suggest(unicodedata.normalize("NFC", word), limit)

    def add_to_dictionary(self, word: str) -> None:
        self.personal.add(self.lang, unicodedata.normalize("NFC", word))

    def _personal_words(self) -> frozenset[str]:
        return frozenset(word.lower() for word in self.personal.words(self.lang))


def _base_language(lang: str) -> str:
    """The language without its region (vi-VN -> vi): spelling rules here do not vary by region."""
    return lang.replace("_", "-").split("-", 1)[0].lower()
