"""Vietnamese spelling: which words to accept, and ranked corrections for the rest.

A word is accepted when it is a well-formed syllable (``vietnamese_syllables``), or when it is
plainly not meant as one: an acronym (TTĐN, ThS), a code touching digits (5G), a loanword or known
English word (video, Covid, online), an abbreviation (Tp), or a capitalised name in mid-sentence
without letters only Vietnamese uses (Facebook, Delhi).

Corrections are built by the edits Vietnamese typists actually make, each with a cost: a misplaced
tone mark (muà), the onset spelling rules (nghành, ngiên), a missing or wrong tone (quyêt), a
missing hat or horn (nguơi), sound-alike letters (ch/tr, s/x, d/gi/r), a Telex key left over
(đượcj), and, costlier, any one-letter slip. Cheaper edits come first; among equals, common
syllables first.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable, Iterator
from functools import cache

from workstation.language import vietnamese_syllables as vs
from workstation.language.english_spelling import english_lexicon
from workstation.language.tokens import WordToken, has_inner_capital
from workstation.resources import resource_path

# (wrong, right, cost) pairs of onset spellings; the spelling-rule swaps are cheapest.
_ONSET_SWAPS: tuple[tuple[str, str, float], ...] = (
    ("ngh", "ng", 0.3),
    ("ng", "ngh", 0.3),
    ("gh", "g", 0.3),
    ("g", "gh", 0.3),
    ("k", "c", 0.3),
    ("c", "k", 0.3),
    ("c", "qu", 0.4),
    ("q", "qu", 0.4),
    ("ch", "tr", 0.8),
    ("tr", "ch", 0.8),
    ("s", "x", 0.8),
    ("x", "s", 0.8),
    ("d", "gi", 0.8),
    ("gi", "d", 0.8),
    ("r", "d", 0.9),
    ("d", "r", 0.9),
    ("r", "gi", 0.9),
    ("gi", "r", 0.9),
    ("l", "n", 0.9),
    ("n", "l", 0.9),
    ("d", "đ", 0.6),
    ("đ", "d", 0.6),
    ("f", "ph", 0.5),
    ("j", "gi", 0.6),
    ("z", "d", 0.6),
    ("w", "qu", 0.8),
)
# Letters that differ only by a hat, horn or breve: an easy slip with any keyboard.
_DIACRITIC_VARIANTS = {
    "a": "ăâ",
    "ă": "aâ",
    "â": "aă",
    "e": "ê",
    "ê": "e",
    "o": "ôơ",
    "ô": "oơ",
    "ơ": "oô",
    "u": "ư",
    "ư": "u",
    "d": "đ",
    "đ": "d",
    "i": "y",
    "y": "i",
}
_CODA_SWAPS = (("n", "ng"), ("ng", "n"), ("n", "nh"), ("nh", "n"), ("t", "c"), ("c", "t"), ("c", "ch"))
_CODA_SWAPS += (("ch", "c"), ("nh", "ng"), ("ng", "nh"), ("m", "n"), ("n", "m"))
_TELEX_TONE_KEYS = {"s": vs.Tone.RISING, "f": vs.Tone.FALLING, "r": vs.Tone.QUESTION}
_TELEX_TONE_KEYS |= {"x": vs.Tone.TUMBLING, "j": vs.Tone.HEAVY}
_ALPHABET = "abcdđeghiklmnopqrstuvxyăâêôơư"

_TONE_MISPLACED = 0.1
_TONE_ADDED = 0.6
_TONE_CHANGED = 0.9
_DIACRITIC = 0.7
_CODA = 0.9
_ONE_LETTER = 1.2
_FREQUENCY_WEIGHT = 0.5  # the most common syllable gains this much over an unknown one


def _word_list(name: str) -> frozenset[str]:
    text = resource_path("language", "vi", name).read_text(encoding="utf-8")
    words = (line.split("#", 1)[0].strip() for line in text.splitlines())
    return frozenset(unicodedata.normalize("NFC", word).lower() for word in words if word)


@cache
def loanwords() -> frozenset[str]:
    return _word_list("loanwords.txt")


@cache
def abbreviations() -> frozenset[str]:
    return _word_list("abbreviations.txt")


@cache
def _frequency_bonus() -> dict[tuple[str, str, vs.Tone], float]:
    """Bonus per (onset, rhyme, tone), so both tone-placement styles share one entry."""
    text = resource_path("language", "vi", "common_syllables.txt").read_text(encoding="utf-8")
    words = [word for line in text.splitlines() for word in line.split("#", 1)[0].split()]
    bonus: dict[tuple[str, str, vs.Tone], float] = {}
    for rank, word in enumerate(words):
        syllable = vs.parse(word)
        if syllable is not None:
            key = (syllable.onset, syllable.rhyme, syllable.tone)
            bonus.setdefault(key, _FREQUENCY_WEIGHT * (1 - rank / len(words)) + 0.05)
    return bonus


class VietnameseSpeller:
    """Accepts or rejects Vietnamese words in context, and suggests corrections."""

    lang = "vi"

    def accepts(self, token: WordToken, personal_words: frozenset[str]) -> bool:
        word = token.text
        folded = word.lower()
        if vs.is_valid_syllable(word) or folded in personal_words:
            return True
        if len(word) == 1 or token.touches_digit or has_inner_capital(word):
            return True  # initials, list letters, codes such as 5G, acronyms such as TTĐN
        if folded in loanwords() or folded in abbreviations():
            return True
        if vs.has_vietnamese_only_letters(word):
            return False  # plainly meant as Vietnamese, and not a syllable
        if word[0].isupper() and not token.sentence_initial:
            return True  # a foreign name in mid-sentence: "Delhi", "Naver"
        # An English word ("online", "Black Mirror"), unless its letters make a Vietnamese syllable
        # short of a tone: then "phat" is "phát" without its mark, not English slang.
        return vs.split_syllable(folded) is None and english_lexicon().knows(folded)

    def suggest(self, word: str, limit: int = 8) -> list[str]:
        """Corrections for ``word``, best first, in the word's own capitalisation."""
        folded = unicodedata.normalize("NFC", word).lower()
        ranked = _rank_candidates(folded)[:limit]
        if len(ranked) < limit and not vs.has_vietnamese_only_letters(folded):
            # A foreign word misspelt ("Facebok"): English corrections after the Vietnamese ones.
            ranked += [word for word in english_lexicon().suggest(folded, limit) if word not in ranked]
        return [_match_case(candidate, word) for candidate in ranked[:limit]]


def _rank_candidates(word: str) -> list[str]:
    try:
        toneless, tone, tone_index = vs.split_tone(word)
    except ValueError:  # two tone marks: keep the letters, let the tone be chosen afresh
        toneless = "".join(vs.split_tone(char)[0] for char in word)
        tone, tone_index = vs.Tone.LEVEL, None
    new_style = _uses_new_style(toneless, tone_index)
    bonus = _frequency_bonus()
    costs: dict[str, float] = {}
    for base, base_cost, tone_hint in _base_edits(toneless, tone):
        split = vs.split_syllable(base)
        if split is None:
            continue
        onset, rhyme = split
        for candidate_tone in vs.tones_allowed(rhyme):
            wanted_tone = tone if tone_hint is None else tone_hint
            tone_cost = _tone_cost(wanted_tone, candidate_tone)
            candidate = vs.with_tone(onset, rhyme, candidate_tone, new_style=new_style)
            if candidate == word or vs.parse(candidate) is None:
                continue
            cost = base_cost + tone_cost + (_TONE_MISPLACED if base_cost == tone_cost == 0 else 0)
            cost -= bonus.get((onset, rhyme, candidate_tone), 0.0)
            if cost < costs.get(candidate, float("inf")):
                costs[candidate] = cost
    return sorted(costs, key=lambda candidate: (costs[candidate], candidate))


def _tone_cost(wanted: vs.Tone, candidate: vs.Tone) -> float:
    if wanted is candidate:
        return 0.0
    return _TONE_ADDED if wanted is vs.Tone.LEVEL else _TONE_CHANGED


def _uses_new_style(toneless: str, tone_index: int | None) -> bool:
    """True if the writer put the mark on the second vowel of oa/oe/uy ("hoá"): keep their style."""
    if tone_index is None or tone_index == 0:
        return False
    return toneless[tone_index - 1 : tone_index + 1] in ("oa", "oe", "uy") and tone_index == len(toneless) - 1


def _base_edits(toneless: str, tone: vs.Tone) -> Iterator[tuple[str, float, vs.Tone | None]]:
    """(toneless candidate, cost, tone it implies or None to keep the word's tone)."""
    yield toneless, 0.0, None
    onset = _written_onset(toneless)
    for wrong, right, cost in _ONSET_SWAPS:
        if onset == wrong:
            yield right + toneless[len(wrong) :], cost, None
    for index, letter in enumerate(toneless):
        for variant in _DIACRITIC_VARIANTS.get(letter, ""):
            yield toneless[:index] + variant + toneless[index + 1 :], _DIACRITIC, None
    for wrong, right in _CODA_SWAPS:
        if toneless.endswith(wrong) and len(toneless) > len(wrong):
            yield toneless[: -len(wrong)] + right, _CODA, None
    if toneless[-1:] in _TELEX_TONE_KEYS and tone is vs.Tone.LEVEL:
        yield toneless[:-1], 0.1, _TELEX_TONE_KEYS[toneless[-1]]  # "quyets" typed without the IME
    if toneless.startswith("dd"):
        yield "đ" + toneless[2:], 0.1, None
    for edited in _one_letter_edits(toneless):
        yield edited, _ONE_LETTER, None


def _written_onset(toneless: str) -> str:
    """The consonants the word starts with, as typed (including letters Vietnamese lacks)."""
    for onset in (*vs.ONSETS, "f", "j", "z", "w", "q"):
        if toneless.startswith(onset) and not (onset == "qu" and toneless == "qu"):
            return onset
    return ""


def _one_letter_edits(word: str) -> Iterable[str]:
    splits = [(word[:index], word[index:]) for index in range(len(word) + 1)]
    for left, right in splits:
        if right:
            yield left + right[1:]
            for letter in _ALPHABET:
                yield left + letter + right[1:]
        if len(right) > 1:
            yield left + right[1] + right[0] + right[2:]
        for letter in _ALPHABET:
            yield left + letter + right


def _match_case(candidate: str, original: str) -> str:
    if original.isupper() and len(original) > 1:
        return candidate.upper()
    if original[:1].isupper():
        return candidate[:1].upper() + candidate[1:]
    return candidate
