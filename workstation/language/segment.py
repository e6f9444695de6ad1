"""Sentence segmentation for vi, en, zh, ja, ko, with rules in resources/language/segmentation/.

A sentence ends at a terminator (. ! ? … and the full-width 。！？), after any closing quotes or
brackets, and a line break always ends one. A Western terminator must be followed by a space,
so decimals (3.5, 12,5%), dates (12.10.2023) and addresses never split. Exceptions, in order:

* the next word starts with a lower-case letter: "the U.S. embassy", "v.v... trong";
* the period ends a never-break abbreviation ("TP.", "PGS.TS.", "Mr."), an initial ("J.") or a
  list number at the start of the sentence ("1.", "IV.");
* "v.v.", "etc." end a sentence only before a capital; "U.S." only before a sentence starter.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from functools import cache

from workstation.resources import resource_path

_CLOSERS = "\"'”’»)]}」』）】》〉"
_OPENERS = "\"'“‘«([{「『（【《〈–—-"
# A Western terminator run with closing marks, then the space that makes it a candidate break.
_WESTERN_END = re.compile(rf"(?:[.!?…]+[{re.escape(_CLOSERS)}]*)+(?=\s)")
# Full-width terminators end a sentence where they stand: no space is written after them.
_CJK_END = re.compile(rf"[。！？]+[{re.escape(_CLOSERS)}]*")
_ROMAN_OR_NUMBER_ONLY = re.compile(r"\(?(?:\d{1,3}|[IVXLC]{1,6})\.")


@dataclass(frozen=True)
class SegmentationRules:
    never_break: frozenset[str]
    break_before_uppercase: frozenset[str]
    break_before_starter: frozenset[str]
    sentence_starters: frozenset[str]


@cache
def rules_for(lang: str) -> SegmentationRules:
    """The shared rules plus the language's own (an unknown language gets the shared ones)."""
    lists: dict[str, set[str]] = {}
    base = lang.replace("_", "-").split("-", 1)[0].lower()
    for name in ("common", base):
        path = resource_path("language", "segmentation", f"{name}.toml")
        if not path.is_file():
            continue
        with path.open("rb") as handle:
            for key, values in tomllib.load(handle).items():
                lists.setdefault(key, set()).update(values)
    return SegmentationRules(
        never_break=frozenset(lists.get("never_break", ())),
        break_before_uppercase=frozenset(lists.get("break_before_uppercase", ())),
        break_before_starter=frozenset(lists.get("break_before_starter", ())),
        sentence_starters=frozenset(lists.get("sentence_starters", ())),
    )


def segment(text: str, lang: str) -> list[str]:
    """Split text into sentences, stripped of surrounding space; never returns empty segments."""
    rules = rules_for(lang)
    segments: list[str] = []
    for line in text.splitlines():
        start = 0
        for end in _break_offsets(line, rules):
            _append(segments, line[start:end])
            start = end
        _append(segments, line[start:])
    return segments


def _append(segments: list[str], piece: str) -> None:
    piece = piece.strip()
    if piece:
        segments.append(piece)


def _break_offsets(line: str, rules: SegmentationRules) -> list[int]:
    breaks = {match.end() for match in _CJK_END.finditer(line) if line[match.end() :].strip()}
    sentence_start = 0
    for match in _WESTERN_END.finditer(line):
        if _ends_sentence(line, match, sentence_start, rules):
            breaks.add(match.end())
            sentence_start = match.end()
    return sorted(breaks)


def _ends_sentence(line: str, match: re.Match[str], sentence_start: int, rules: SegmentationRules) -> bool:
    next_word = _next_word(line, match.end())
    if not next_word or next_word[0].islower():
        return False
    terminator = match.group().rstrip(_CLOSERS)
    if terminator != "." or match.group() != terminator:
        return True  # "!", "?", "...", or a period inside closing quotes: a real end
    word = _word_before(line, match.start() + 1)
    if _is_abbreviation(word, rules.never_break) or _is_initial(word):
        return False
    if _is_list_number(word) and not line[sentence_start : match.start() + 1 - len(word)].strip():
        return False  # "1. Giới thiệu", "IV. Kết luận"
    if word in rules.break_before_uppercase:
        return next_word[0].isupper() or next_word[0] in _OPENERS
    if _is_abbreviation(word, rules.break_before_starter):
        return next_word.rstrip(",;:") in rules.sentence_starters
    return True


def _next_word(line: str, offset: int) -> str:
    rest = line[offset:].lstrip()
    stripped = rest.lstrip(_OPENERS + " ")
    candidate = stripped or rest
    return candidate.split(maxsplit=1)[0] if candidate.strip() else ""


def _word_before(line: str, end: int) -> str:
    """The text from the last space to ``end`` (which includes the period), less opening marks."""
    start = end
    while start > 0 and not line[start - 1].isspace():
        start -= 1
    return line[start:end].lstrip(_OPENERS)


def _is_abbreviation(word: str, abbreviations: frozenset[str]) -> bool:
    """Whether ``word`` is listed, whole ("PGS.TS.") or through its last parts ("TS.")."""
    if word in abbreviations:
        return True
    parts = word[:-1].split(".")
    return any(".".join(parts[index:]) + "." in abbreviations for index in range(1, len(parts)))


def _is_initial(word: str) -> bool:
    """A single capital and a period: "J. Smith", "Nguyễn V. A."."""
    return len(word) == 2 and word[0].isalpha() and word[0].isupper()


def _is_list_number(word: str) -> bool:
    return bool(_ROMAN_OR_NUMBER_ONLY.fullmatch(word))
