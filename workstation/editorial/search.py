"""Full-text search over articles and translations, with snippets of the original text to highlight.

The index finds and ranks (folded text, FTS5 bm25); the snippet and its highlights are computed
here from the original text of the hits on the page only, so "doi ngoai" highlights "đối ngoại".
"""

from __future__ import annotations

import bisect
import itertools
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from workstation.language.counting import CJK_LANGUAGES
from workstation.language.folding import Matcher, merge_spans, parse_query
from workstation.storage.search import ArticleText, SearchIndex, SearchRow
from workstation.storage.store import Store

SNIPPET_WIDTH = 160
CJK_SNIPPET_WIDTH = 80  # a CJK character is about two Latin ones wide and carries more
_CONTEXT_BEFORE = 3  # of the width, a third goes before the first match
_FLAT = str.maketrans("\n\t\r", "   ")  # one for one, so offsets stay

Span = tuple[int, int]


@dataclass(frozen=True)
class SearchHit:
    id: str
    language: str
    headline: str
    is_translation: bool
    translated_from: str | None
    state: str
    updated_at: str
    snippet: str
    spans: tuple[Span, ...]
    """(start, end) offsets of the matches in ``snippet``."""
    headline_spans: tuple[Span, ...] = ()
    part: str = ""
    """Where the snippet comes from: "lead", "subheadline", a block's id, "keywords"..."""

    def highlighted(self, open: str, close: str, escape: Callable[[str], str] | None = None) -> str:
        """The snippet with each match between ``open`` and ``close`` (CLI «», GUI <b></b> with html.escape)."""
        return highlight(self.snippet, self.spans, open, close, escape)

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "language": self.language,
            "headline": self.headline,
            "snippet": self.snippet,
            "translation_of": self.translated_from,
        }


class SearchService:
    def __init__(self, store: Store) -> None:
        self._index = SearchIndex(store)

    def search(
        self, query: str, language: str | None = None, limit: int = 50, offset: int = 0, as_you_type: bool = False
    ) -> list[SearchHit]:
        """Best matches first (bm25, headline first); a query of only punctuation finds nothing, quietly.

        ``as_you_type`` (a search box searching at each key): the last word, with no space after it
        yet, also matches longer words.
        """
        rows = self._index.search(query, language, limit, offset, as_you_type)
        if not rows:
            return []
        matcher = Matcher(parse_query(query, as_you_type))
        texts = self._index.texts([row.id for row in rows])
        return [_hit(row, texts.get(row.id, ArticleText(())), matcher) for row in rows]

    def count(self, query: str, language: str | None = None, as_you_type: bool = False) -> int:
        return self._index.count(query, language, as_you_type)


def highlight(text: str, spans: tuple[Span, ...], open: str, close: str, escape: Callable[[str], str] | None) -> str:
    escape = escape or (lambda piece: piece)
    pieces: list[str] = []
    at = 0
    for start, end in spans:
        pieces += [escape(text[at:start]), open, escape(text[start:end]), close]
        at = end
    pieces.append(escape(text[at:]))
    return "".join(pieces)


def snippet(text: str, spans: list[Span], width: int = SNIPPET_WIDTH) -> tuple[str, tuple[Span, ...]]:
    """About ``width`` characters of ``text`` around its first match, cut at spaces, "…" where cut."""
    first_start, first_end = spans[0] if spans else (0, 0)
    start = _start_of_window(text, first_start, width // _CONTEXT_BEFORE)
    end = _end_of_window(text, start, first_end, width)
    if end == len(text) and start > 0:  # the match is near the end: use the room before it
        start = _start_of_window(text, first_start, width - (end - first_start))
    lead_in = "…" if start > 0 else ""
    shown = lead_in + text[start:end].translate(_FLAT) + ("…" if end < len(text) else "")
    shift = len(lead_in) - start
    inside = tuple((max(s, start) + shift, min(e, end) + shift) for s, e in spans if s < end and e > start)
    return shown, inside


def _start_of_window(text: str, match_start: int, before: int) -> int:
    start = max(0, match_start - max(before, 0))
    if start == 0:
        return 0
    space = text.find(" ", start, match_start)
    return space + 1 if space >= 0 else start


def _end_of_window(text: str, start: int, match_end: int, width: int) -> int:
    end = min(len(text), max(start + width, match_end))
    if end == len(text):
        return end
    space = text.rfind(" ", match_end, end)
    return space if space > match_end else end


def _hit(row: SearchRow, text: ArticleText, matcher: Matcher) -> SearchHit:
    headline_spans = tuple(matcher.match(row.headline).spans)
    part, part_text, spans = _best_part(text, matcher)
    width = CJK_SNIPPET_WIDTH if row.language in CJK_LANGUAGES else SNIPPET_WIDTH
    shown, shown_spans = snippet(part_text, spans, width)
    return SearchHit(
        id=row.id, language=row.language, headline=row.headline, is_translation=row.translated_from is not None,
        translated_from=row.translated_from, state=row.state, updated_at=row.updated_at, snippet=shown,
        spans=shown_spans, headline_spans=headline_spans, part=part,
    )  # fmt: skip


def _best_part(text: ArticleText, matcher: Matcher) -> tuple[str, str, list[Span]]:
    """The part (past the headline, shown on its own) matching the most terms; the first text if none does."""
    parts = [(part, part_text) for part, part_text in text.parts if part != "headline"]
    if not parts:
        return "", "", []
    # One pass over the whole text rather than one per part: folding and searching cost per call.
    starts = list(itertools.accumulate((len(part_text) + 1 for _, part_text in parts[:-1]), initial=0))
    joined = "\n".join(part_text for _, part_text in parts)
    terms: list[set[int]] = [set() for _ in parts]
    spans: list[list[Span]] = [[] for _ in parts]
    for term, occurrences in enumerate(matcher.term_spans(joined)):
        for start, end in occurrences:
            at = bisect.bisect_right(starts, start) - 1
            terms[at].add(term)
            spans[at].append((start - starts[at], min(end - starts[at], len(parts[at][1]))))
    best = max(range(len(parts)), key=lambda at: (len(terms[at]), -at))
    part, part_text = parts[best]
    return part, part_text, merge_spans(spans[best], part_text)
