"""English spelling on pyspellchecker's word-frequency list."""

from __future__ import annotations

import threading
from functools import cache

from spellchecker import SpellChecker as _FrequencySpellChecker

from workstation.language import vietnamese_syllables as vs
from workstation.language.tokens import WordToken, has_inner_capital

_POSSESSIVE_ENDINGS = ("'s", "'")  # the embassy's staff, the ambassadors' meeting


class EnglishLexicon:
    """pyspellchecker's English list behind a lock: its candidate search keeps per-call state."""

    def __init__(self) -> None:
        self._checker = _FrequencySpellChecker(language="en", distance=2)
        self._lock = threading.Lock()

    def knows(self, word: str) -> bool:
        word = word.lower().replace("’", "'")
        if word in self._checker.word_frequency:
            return True
        return any(
            word.endswith(ending) and word.removesuffix(ending) in self._checker.word_frequency
            for ending in _POSSESSIVE_ENDINGS
        )

    def frequency(self, word: str) -> int:
        return self._checker.word_frequency[word.lower()]

    def suggest(self, word: str, limit: int) -> list[str]:
        folded = word.lower().replace("’", "'")
        with self._lock:
            # Edit distance 2 on a long word is slow and rarely useful; stop at 1 there.
            self._checker.distance = 1 if len(folded) > 12 else 2
            candidates = self._checker.candidates(folded) or set()
        candidates.discard(folded)
        ranked = sorted(candidates, key=lambda candidate: (-self.frequency(candidate), candidate))
        return ranked[:limit]


@cache
def english_lexicon() -> EnglishLexicon:
    """One shared lexicon: loading the list takes a noticeable fraction of a second."""
    return EnglishLexicon()


class EnglishSpeller:
    """Accepts or rejects English words in context, and suggests corrections."""

    lang = "en"

    def accepts(self, token: WordToken, personal_words: frozenset[str]) -> bool:
        word = token.text
        if len(word) == 1 or token.touches_digit or has_inner_capital(word):
            return True  # "I", initials, codes (5G), acronyms (ASEAN, iPhone)
        if word.lower() in personal_words or english_lexicon().knows(word):
            return True
        if word[0].isupper():
            # Names: in mid-sentence anything capitalised; at a sentence start, Vietnamese names
            # written without their marks ("Nguyen", "Hanoi" is in the list already).
            return not token.sentence_initial or vs.split_syllable(word.lower()) is not None
        return False

    def suggest(self, word: str, limit: int = 8) -> list[str]:
        suggestions = english_lexicon().suggest(word, limit)
        if word[:1].isupper():
            suggestions = [candidate[:1].upper() + candidate[1:] for candidate in suggestions]
        return suggestions
