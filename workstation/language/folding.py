"""Folding text for full-text search, and finding a query's matches in the original text.

``fold`` maps every character to exactly one character (lower case, Latin marks stripped, ``đ`` to
``d``), so an offset in the folded text is the same offset in the original: matches found in the
folded text highlight the original. ``index_form`` is what the FTS5 index (unicode61 tokenizer)
receives: the folded text with each Chinese, Japanese and Korean character made a token of its own,
so a query of any number of those characters is a phrase of one-character tokens.

Query syntax for users: words (all must match) and "quoted phrases"; nothing else is syntax, every
term reaches FTS5 quoted. Searching as the user types, the last word also matches as a prefix.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from workstation.language.counting import CJK_RANGES

# CJK scripts are written without spaces between words (or, for Korean, with words whose syllables
# are searched on their own), so each character is a token.
_CJK_CHAR = re.compile(f"[{CJK_RANGES}]")
# The generic combining diacritics (not the marks of Indic scripts or the kana voicing marks):
# left over only where text was not NFC or a letter has no precomposed form.
_LOOSE_MARKS = re.compile("[\u0300-\u036f\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff\ufe20-\ufe2f]")
# A token character as unicode61 sees it (letters and digits), apart from the CJK ones.
WORD_CHAR = f"(?:(?![{CJK_RANGES}])[^\\W_])"
WORD_CHAR_RE = re.compile(WORD_CHAR)
_TOKEN = re.compile(f"[{CJK_RANGES}]|{WORD_CHAR}+")
_TERM = re.compile(r'"([^"]*)"?|([^\s"]+)')
# Letters with a stroke or other mark that Unicode does not decompose; đ is the Vietnamese one,
# and ð/Ð stand in for it in text converted from legacy encodings.
_UNDECOMPOSABLE = {
    "đ": "d", "Đ": "d", "ð": "d", "Ð": "d", "ø": "o", "Ø": "o", "ł": "l", "Ł": "l", "ħ": "h", "Ħ": "h",
    "ŧ": "t", "Ŧ": "t", "ƀ": "b", "Ɨ": "i", "ɨ": "i", "ı": "i", "ς": "σ",
}  # fmt: skip
_LAST_STRIPPED = "\u052f"  # marks are stripped from Latin, Greek and Cyrillic letters only, never from kana
MAX_TERMS = 16
MAX_PHRASE = 64  # tokens of one phrase: a pasted paragraph still makes a reasonable query
MIN_PREFIX = 3
"""Shorter starts of a word (Vietnamese "th", "ng") expand to most of the vocabulary: 4x slower."""


def fold_char(char: str) -> str:
    """One character folded to one character: lower case, Latin marks stripped, đ to d."""
    if char in _UNDECOMPOSABLE:
        return _UNDECOMPOSABLE[char]
    if "\uff01" <= char <= "\uff5e":  # full-width ASCII, common in Chinese and Japanese text
        char = chr(ord(char) - 0xFEE0)
    decomposed = unicodedata.normalize("NFD", char)
    base = decomposed[0]
    if len(decomposed) > 1 and base <= _LAST_STRIPPED and all(_is_mark(c) for c in decomposed[1:]):
        char = base
    lower = char.lower()
    return lower if len(lower) == 1 else char  # "İ".lower() is two characters


class _FoldTable(dict[int, str]):
    """str.translate table filled on first sight of each character."""

    def __missing__(self, code: int) -> str:
        folded = self[code] = fold_char(chr(code))
        return folded


_FOLD_TABLE = _FoldTable()


def fold(text: str) -> str:
    """``text`` folded character by character: ``len(fold(text)) == len(text)``, offsets shared."""
    return text.translate(_FOLD_TABLE)


def index_form(text: str) -> str:
    """What the index stores for ``text``: NFC, folded, loose marks dropped, CJK characters spaced apart."""
    folded = _LOOSE_MARKS.sub("", fold(unicodedata.normalize("NFC", text)))
    return _CJK_CHAR.sub(r" \g<0> ", folded)


def tokens(text: str) -> list[str]:
    """The index's tokens of ``text``, as the unicode61 tokenizer splits ``index_form(text)``."""
    return _TOKEN.findall(_LOOSE_MARKS.sub("", fold(unicodedata.normalize("NFC", text))))


@dataclass(frozen=True)
class Term:
    """One thing the user asked for: a word or a phrase, as index tokens."""

    tokens: tuple[str, ...]
    prefix: bool = False  # the last token may be the start of a longer word


def parse_query(user_query: str, as_you_type: bool = False) -> list[Term]:
    """Words and "quoted phrases" of a user's query; punctuation-only words vanish.

    ``as_you_type``: the last word, when no space follows it yet, may be the start of a longer one.
    Until it has MIN_PREFIX letters it is left out (the results so far stay, rather than emptying
    at each new word), unless it is the only word.
    """
    terms: list[Term] = []
    last_bare = False
    for match in _TERM.finditer(user_query):
        phrase, word = match.groups()
        found = tokens(phrase if phrase is not None else word)
        if found:
            terms.append(Term(tuple(found[:MAX_PHRASE])))
            last_bare = word is not None and match.end() == len(user_query)
    # A CJK character is a whole token already: nothing longer starts with it.
    if as_you_type and last_bare and not _CJK_CHAR.match(terms[-1].tokens[-1]):
        if len(terms[-1].tokens[-1]) >= MIN_PREFIX:
            terms[-1] = Term(terms[-1].tokens, prefix=True)
        elif len(terms) > 1 and len(terms[-1].tokens) == 1:
            terms.pop()
    return terms[:MAX_TERMS]


def fts_query(user_query: str, as_you_type: bool = False) -> str | None:
    """An FTS5 MATCH expression for ``user_query``, or None when it asks for nothing.

    Tokens hold only letters and digits, and each term is quoted, so nothing the user types is
    FTS5 syntax ("AND", "NEAR(", "*", "-", quotes are words or separators).
    """
    terms = parse_query(user_query, as_you_type)
    if not terms:
        return None
    return " ".join(f'"{" ".join(term.tokens)}"' + ("*" if term.prefix else "") for term in terms)


def find_spans(original_text: str, user_query: str, as_you_type: bool = False) -> list[tuple[int, int]]:
    """Where the query's terms occur in ``original_text``: sorted, merged (start, end) offsets."""
    return Matcher(parse_query(user_query, as_you_type)).match(original_text).spans


@dataclass(frozen=True)
class Matches:
    spans: list[tuple[int, int]]  # sorted, merged, offsets into the original text
    terms_found: int  # how many of the query's terms occur at least once


class Matcher:
    """Finds a parsed query's terms in original texts (many texts, one query)."""

    def __init__(self, terms: list[Term]) -> None:
        self._patterns = [(_term_pattern(term), _starts_word(term)) for term in terms]
        self.term_count = len(terms)

    def match(self, original_text: str) -> Matches:
        per_term = self.term_spans(original_text)
        found = [span for spans in per_term for span in spans]
        return Matches(merge_spans(found, original_text), sum(1 for spans in per_term if spans))

    def term_spans(self, original_text: str) -> list[list[tuple[int, int]]]:
        """Each term's occurrences in ``original_text``, in the order the terms were given."""
        if not original_text:
            return [[] for _ in self._patterns]
        searchable, positions = _searchable(original_text)
        found = [_occurrences(pattern, searchable, word) for pattern, word in self._patterns]
        if positions is None:
            return found
        return [[_original_span(original_text, positions, span) for span in spans] for spans in found]


def _original_span(text: str, positions: list[int], span: tuple[int, int]) -> tuple[int, int]:
    """A span of the text without its loose marks, in the text with them (marks after the end included)."""
    end = positions[span[1] - 1] + 1
    while end < len(text) and _LOOSE_MARKS.match(text, end):
        end += 1
    return positions[span[0]], end


def _occurrences(pattern: re.Pattern[str], text: str, starts_word: bool) -> list[tuple[int, int]]:
    # The word-start test runs here, not as a lookbehind leading the pattern: a pattern starting
    # with its literal is searched for far faster.
    spans: list[tuple[int, int]] = []
    at = 0
    while (match := pattern.search(text, at)) is not None:
        start, end = match.span()
        if starts_word and start and WORD_CHAR_RE.match(text, start - 1):
            at = start + 1
            continue
        spans.append((start, end))
        at = max(end, start + 1)
    return spans


def _searchable(text: str) -> tuple[str, list[int] | None]:
    """The folded text to match in, and (when loose marks had to go) each character's original offset."""
    folded = fold(text)
    if not _LOOSE_MARKS.search(folded):
        return folded, None
    kept = [(char, offset) for offset, char in enumerate(folded) if not _LOOSE_MARKS.match(char)]
    return "".join(char for char, _ in kept), [offset for _, offset in kept]


_PATTERNS: dict[Term, re.Pattern[str]] = {}


def _term_pattern(term: Term) -> re.Pattern[str]:
    pattern = _PATTERNS.get(term)
    if pattern is None:
        if len(_PATTERNS) > 256:
            _PATTERNS.clear()
        pattern = _PATTERNS[term] = re.compile(_term_regex(term))
    return pattern


def _term_regex(term: Term) -> str:
    """Tokens in order with only separators between them, ending at a token boundary (see _occurrences)."""
    parts: list[str] = []
    for n, token in enumerate(term.tokens):
        cjk = bool(_CJK_CHAR.match(token))
        if n:
            parts.append(r"[\W_]*" if cjk or _CJK_CHAR.match(term.tokens[n - 1]) else r"[\W_]+")
        parts.append(re.escape(token))
    if not _CJK_CHAR.match(term.tokens[-1]):
        parts.append(f"{WORD_CHAR}*" if term.prefix else f"(?!{WORD_CHAR})")
    return "".join(parts)


def merge_spans(spans: list[tuple[int, int]], text: str) -> list[tuple[int, int]]:
    """Overlapping spans, and spans with only spaces between them, as one: "«cổng thông tin»"."""
    merged: list[tuple[int, int]] = []
    for start, end in sorted(spans):
        if merged and (start <= merged[-1][1] or text[merged[-1][1] : start].isspace()):
            merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
        else:
            merged.append((start, end))
    return merged


def _starts_word(term: Term) -> bool:
    return not _CJK_CHAR.match(term.tokens[0])


def _is_mark(char: str) -> bool:
    return unicodedata.category(char).startswith("M")
