"""Words of a text with their character offsets and the context a spelling rule needs."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

# Letters only (no digits, no underscore), with inner apostrophes kept: "don't", "embassy's".
_WORD = re.compile(r"[^\W\d_]+(?:['’][^\W\d_]+)*")
# Spans whose letters are not words to check: addresses, handles, tags, file names, code.
_NOT_PROSE = re.compile(
    r"(?:https?://|www\.)\S+"  # web addresses
    r"|[\w.+-]+@[\w-]+(?:\.[\w-]+)+"  # e-mail addresses
    r"|[@#][\w]+"  # handles and hashtags
    r"|\b[\w-]+(?:\.[\w-]+)*\.(?:vn|com|org|net|gov|edu|int|info|io|uk|cn|jp|kr)\b"  # domain names
)
_SENTENCE_END = frozenset(".!?…:;。！？\n")
_OPENERS = frozenset("\"'“‘«([{–—-•*·")


@dataclass(frozen=True)
class WordToken:
    start: int
    end: int
    text: str
    sentence_initial: bool  # first word of a sentence, a line or a quotation after a colon
    touches_digit: bool  # part of a code such as "5G", "H5N1", "COVID19"


def word_tokens(text: str, abbreviations: frozenset[str] = frozenset()) -> Iterator[WordToken]:
    """The words of ``text`` that are prose, in order. A period closing one of ``abbreviations``
    ("Mr.", "TS.") does not end a sentence, so the name after it counts as mid-sentence."""
    excluded = [match.span() for match in _NOT_PROSE.finditer(text)]
    next_excluded = 0  # both lists run in text order, so one pointer walks the exclusions
    for match in _WORD.finditer(text):
        start, end = match.span()
        while next_excluded < len(excluded) and excluded[next_excluded][1] <= start:
            next_excluded += 1
        if next_excluded < len(excluded) and excluded[next_excluded][0] <= start:
            continue
        touches_digit = (start > 0 and text[start - 1].isdigit()) or (end < len(text) and text[end].isdigit())
        sentence_initial = _starts_sentence(text, start, abbreviations)
        yield WordToken(start, end, match.group(), sentence_initial, touches_digit)


def _starts_sentence(text: str, start: int, abbreviations: frozenset[str]) -> bool:
    index = start - 1
    while index >= 0 and (text[index] in _OPENERS or (text[index].isspace() and text[index] != "\n")):
        index -= 1
    if index < 0:
        return True
    if text[index] == "." and _word_ending_at(text, index + 1) in abbreviations:
        return False
    return text[index] in _SENTENCE_END


def _word_ending_at(text: str, end: int) -> str:
    start = end
    while start > 0 and not text[start - 1].isspace():
        start -= 1
    return text[start:end]


def has_inner_capital(word: str) -> bool:
    """Acronyms and brand spellings: "TTĐN", "ThS", "iPhone", "VCCorp"."""
    return any(char.isupper() for char in word[1:])
