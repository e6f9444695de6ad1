"""Quality checks of a translation: pure functions over its segments, no store.

Errors are what must never reach the portal: they block "final" and cannot be acknowledged.
Warnings are doubts a translator may answer: acknowledged with a reason, they stay listed with it
(the reason is kept with the issue's fingerprint, so it lapses when the source or target changes).

Errors:

- `untranslated`: the source has text, the target is empty.
- `number-missing`: a number, percentage or time of the source is not in the target (a changed
  number is a missing one; the message names what the target has instead).
- `date-missing`: a date (or month and year) of the source is not in the target, compared as dates:
  12/10/2023 = 12 October 2023 = October 12, 2023 = 2023年10月12日.
- `number-format`: a target number written the other convention's way: "3.000 visitors" (three, in
  English), "12,5%" in English, "3,000" in Vietnamese.
- `reference-changed`: a document number (57-KL/TW, 24/2023/NĐ-CP) not copied as written ("NĐ"
  may become "ND").
- `glossary-forbidden`: the target uses a forbidden variant of a glossary term found in the source.
- `tag-missing`: a formatting tag of the source (bold, italic, link) is not in the target: the
  portal would lose the formatting.
- `tag-extra`: a formatting tag in the target that the source does not have (or has fewer times).
- `tag-unbalanced`: a tag pair closed before it opens, or around nothing: the formatting is lost.

Warnings:

- `same-as-source`: the target repeats the source (not when the text is only numbers, codes, an
  address, or a short run of capitalised names).
- `number-extra`: a number in the target that the source does not have.
- `code-missing`: a letter-and-digit name of the source (H5N1, COVID-19, G20) is not in the target.
- `glossary-missing`: a glossary term of the source, none of whose approved translations is in the
  target.
- `tag-nesting`: tags nested differently from the source, or crossing (`<b1><i2>…</b1></i2>`).
- `double-space`: two spaces in a row in the target.
- `space-before-punctuation`: a space before , . ; : ! ? ) ] (or before full-width punctuation in a
  Chinese, Japanese or Korean target).
- `end-punctuation`: the sentence ends differently: period, question mark, exclamation mark,
  ellipsis, colon, semicolon or nothing, compared by kind (". " and "。" are both a period).
- `unbalanced-brackets`: the target's brackets or quotation marks do not pair up as the source's do.
- `length-ratio`: the target is much shorter or longer than usual for the pair (``LENGTH_BANDS``).
- `inconsistent`: one source sentence translated differently elsewhere in the same translation.

Numbers, dates, times, percentages and document numbers are read per language: see qa_numbers.py.

Glossary: a missing approved translation is a warning, because a glossary hit in the source may be a
false one (a short term inside a longer name) and a translator may rightly use a short form or a
pronoun on a later mention; the acknowledgement says so. Where an official name must never be
replaced, the glossary lists the wrong variants as forbidden, and a forbidden variant is an error.
Terms are found whatever their case; a term of a spaced script (Vietnamese, English, Korean) must
stand as whole words, a Chinese or Japanese one is found inside longer words. An approved term
that contains a forbidden one ("Communist Party of Viet Nam" and forbidden "Communist Party") does
not count as a forbidden use.

Formatting: tags move with the words, so two sibling tags in another order ("<b1>A</b1> <i2>B</i2>"
→ "<i2>B</i2> <b1>A</b1>") is normal word order and not flagged; a change of nesting is.

Length ratio: characters of the target without tags over those of the source, compared with a band
per language pair, derived from news texts (Vietnamese and English run about the same length;
Chinese about a third of either, Japanese and Korean about two fifths). Sentences under 20
characters (8 for a Chinese, Japanese or Korean source) are not measured: headlines and labels vary
too much.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from typing import Protocol

from workstation.model import Segment
from workstation.translation.qa_numbers import CJK, compare
from workstation.translation.tags import TAG, strip_tags

ERROR, WARNING = "error", "warning"

SEVERITY: dict[str, str] = {
    "untranslated": ERROR,
    "same-as-source": WARNING,
    "number-missing": ERROR,
    "date-missing": ERROR,
    "number-format": ERROR,
    "reference-changed": ERROR,
    "number-extra": WARNING,
    "code-missing": WARNING,
    "glossary-forbidden": ERROR,
    "glossary-missing": WARNING,
    "tag-missing": ERROR,
    "tag-extra": ERROR,
    "tag-unbalanced": ERROR,
    "tag-nesting": WARNING,
    "double-space": WARNING,
    "space-before-punctuation": WARNING,
    "end-punctuation": WARNING,
    "unbalanced-brackets": WARNING,
    "length-ratio": WARNING,
    "inconsistent": WARNING,
}
"""Every check code and its severity, in the order issues of one segment are listed."""

# Target length / source length (characters, tags left out), per language pair; each reverse pair has
# the inverse band. Wide on purpose: a short sentence varies a lot ("Bộ Ngoại giao ra thông cáo." is
# 27 characters, "The Ministry of Foreign Affairs issued a statement." 51); the check is for a clause
# left out or a paragraph pasted twice, not for style.
_BANDS: dict[tuple[str, str], tuple[float, float]] = {
    ("vi", "en"): (0.5, 2.0),
    ("vi", "zh"): (0.12, 0.6),
    ("vi", "ja"): (0.18, 0.8),
    ("vi", "ko"): (0.18, 0.85),
    ("en", "zh"): (0.12, 0.6),
    ("en", "ja"): (0.18, 0.8),
    ("en", "ko"): (0.18, 0.85),
    ("zh", "ja"): (0.8, 2.5),
    ("zh", "ko"): (0.8, 2.5),
    ("ja", "ko"): (0.6, 1.8),
}
LENGTH_BANDS: dict[tuple[str, str], tuple[float, float]] = {
    **_BANDS,
    **{(target, source): (1 / high, 1 / low) for (source, target), (low, high) in _BANDS.items()},
}
MIN_MEASURED = {"latin": 20, "cjk": 8}
EXCERPT_CHARS = 80


class HitLike(Protocol):
    """What QA needs of a glossary hit (workstation.translation.glossary.GlossaryHit has it)."""

    @property
    def source_term(self) -> str: ...

    @property
    def target_terms(self) -> Sequence[str]: ...

    @property
    def forbidden(self) -> Sequence[str]: ...


HitsFor = Callable[[str], Sequence[HitLike]]
"""The glossary hits in one source text (with its tags), for the translation's language pair."""


@dataclass(frozen=True)
class QaIssue:
    address: str
    """The segment, `<part>#<n>`: the editor jumps there."""
    code: str
    severity: str
    """"error" or "warning"."""
    message: str
    source_excerpt: str | None = None
    acknowledged: str | None = None
    """The reason a warning was acknowledged with; None when it is not."""
    fingerprint: str = ""
    """Hash of code, source and target: an acknowledgement holds while this is unchanged."""

    @property
    def is_error(self) -> bool:
        return self.severity == ERROR

    @property
    def is_open(self) -> bool:
        """An error, or a warning nobody acknowledged."""
        return self.acknowledged is None

    def acknowledged_with(self, reason: str | None) -> QaIssue:
        return replace(self, acknowledged=reason)

    def as_json(self) -> dict:
        return {
            "address": self.address,
            "severity": self.severity,
            "code": self.code,
            "message": self.message,
            "acknowledged": self.acknowledged,
        }


def fingerprint(code: str, source_text: str, target_text: str) -> str:
    digest = hashlib.sha256("\x1f".join((code, source_text, target_text)).encode("utf-8"))
    return digest.hexdigest()[:32]


# --- one segment ------------------------------------------------------------------------------------


def check_segment(
    segment: Segment, source_lang: str, target_lang: str, glossary_hits: Sequence[HitLike] = ()
) -> list[QaIssue]:
    """The issues of one segment (everything but the checks across segments), errors first."""
    source, target = segment.source_text, segment.target_text
    source_plain, target_plain = _plain(source), _plain(target)
    found: list[tuple[str, str]] = []
    if not source_plain:
        return []
    if not target_plain:
        found.append(("untranslated", "not translated"))
        return _issues(segment, found)
    same = _folded(source_plain) == _folded(target_plain)
    if same and not _nothing_to_translate(source_plain):
        found.append(("same-as-source", "the target is the same as the source"))
    found += _number_issues(source_plain, target_plain, source_lang, target_lang)
    found += _glossary_issues(target_plain, target_lang, glossary_hits)
    found += _tag_issues(source, target)
    found += _punctuation_issues(source_plain, target_plain, target_lang)
    if not same:
        found += _length_issues(source_plain, target_plain, source_lang, target_lang)
    return _issues(segment, found)


def _issues(segment: Segment, found: list[tuple[str, str]]) -> list[QaIssue]:
    order = list(SEVERITY)
    found.sort(key=lambda item: (SEVERITY[item[0]] != ERROR, order.index(item[0])))
    return [
        QaIssue(
            address=segment.address,
            code=code,
            severity=SEVERITY[code],
            message=message,
            source_excerpt=_excerpt(_plain(segment.source_text)),
            fingerprint=fingerprint(code, segment.source_text, segment.target_text),
        )
        for code, message in found
    ]


def _plain(text: str) -> str:
    return unicodedata.normalize("NFC", strip_tags(text)).strip()


def _folded(text: str) -> str:
    return " ".join(text.split()).casefold()


def _excerpt(text: str) -> str:
    return text if len(text) <= EXCERPT_CHARS else text[: EXCERPT_CHARS - 1].rstrip() + "…"


def _quoted(items: Sequence[str]) -> str:
    return ", ".join(f"“{item}”" for item in items)


# --- same as source ---------------------------------------------------------------------------------

_ADDRESS = re.compile(r"(?:https?://|www\.)\S+|[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
_WORD = re.compile(r"[^\W\d_]+(?:['’][^\W\d_]+)*")


def _nothing_to_translate(text: str) -> bool:
    """Only numbers, punctuation, addresses, codes and capitalised names (a short run of them)."""
    rest = _ADDRESS.sub(" ", text)
    words = _WORD.findall(rest)
    if not words:
        return True
    if len(words) > 6 or any(char in rest for char in "。！？"):
        return False
    return all(word[0].isupper() for word in words)


# --- numbers ----------------------------------------------------------------------------------------


def _number_issues(source: str, target: str, source_lang: str, target_lang: str) -> list[tuple[str, str]]:
    findings = compare(source, target, source_lang, target_lang)
    found: list[tuple[str, str]] = []
    has = f" (the target has {', '.join(findings.unused)})" if findings.unused else ""
    if findings.missing_numbers:
        found.append(("number-missing", f"{_listed(findings.missing_numbers)} not in the target{has}"))
    if findings.missing_dates:
        dates = [f"the date {date}" for date in findings.missing_dates]
        found.append(("date-missing", f"{_listed(dates)} not in the target{has}"))
    if findings.formats:
        found.append(("number-format", "; ".join(findings.formats)))
    if findings.references:
        other = findings.other_references + findings.unused
        instead = f" (the target has {', '.join(other)})" if other else ""
        message = f"{_listed(findings.references)} not in the target as written: copy document numbers exactly"
        found.append(("reference-changed", message + instead))
    if findings.extra and not (findings.missing_numbers or findings.missing_dates or findings.references):
        found.append(("number-extra", f"{_listed(findings.extra)} in the target but not in the source"))
    if findings.names:
        found.append(("code-missing", f"{_listed(findings.names)} not in the target"))
    return found


def _listed(items: Sequence[str]) -> str:
    return f"{', '.join(items)} {'is' if len(items) == 1 else 'are'}"


# --- glossary ---------------------------------------------------------------------------------------

_SPACED_EDGE = re.compile(r"[^\W_]")


def _term_spans(term: str, text: str) -> list[tuple[int, int]]:
    """Where `term` occurs in `text`, whatever the case; a term edge that is a letter or digit of a
    spaced script must be a word boundary (Chinese and Japanese terms match inside words)."""
    term = " ".join(unicodedata.normalize("NFC", term).split())
    if not term:
        return []
    pattern = r"\s+".join(re.escape(word) for word in term.split(" "))
    if _SPACED_EDGE.match(term[0]) and not _unspaced(term[0]):
        pattern = r"(?<![^\W_])" + pattern
    if _SPACED_EDGE.match(term[-1]) and not _unspaced(term[-1]):
        pattern += r"(?![^\W_])"
    return [match.span() for match in re.finditer(pattern, text, re.IGNORECASE)]


def _unspaced(char: str) -> bool:
    """Han and kana: written without spaces, so a term is found inside longer words."""
    code = ord(char)
    return 0x3040 <= code <= 0x30FF or 0x3400 <= code <= 0x9FFF or 0xF900 <= code <= 0xFAFF or code >= 0x20000


def _glossary_issues(target: str, target_lang: str, hits: Sequence[HitLike]) -> list[tuple[str, str]]:
    missing: dict[str, list[str]] = {}
    forbidden: dict[str, tuple[str, str, list[str]]] = {}  # the variant as used → (it, source term, approved)
    for hit in hits:
        approved = [term for term in hit.target_terms if term.strip()]
        allowed_spans = [span for term in approved for span in _term_spans(term, target)]
        if approved and not allowed_spans:
            missing.setdefault(hit.source_term, approved)
        for variant in hit.forbidden:
            for start, end in _term_spans(variant, target):
                if not any(a <= start and end <= b for a, b in allowed_spans):
                    used = target[start:end]
                    forbidden.setdefault(used.casefold(), (used, hit.source_term, approved))
                    missing.pop(hit.source_term, None)  # the forbidden use says it already
                    break
    found = []
    if forbidden:
        parts = [
            f"“{used}” is a forbidden variant for “{term}”" + (f" (use {_quoted(approved)})" if approved else "")
            for used, term, approved in forbidden.values()
        ]
        found.append(("glossary-forbidden", "; ".join(parts)))
    if missing:
        parts = [f"“{term}” should be translated as {' or '.join(_quoted([a]) for a in approved)}"
                 for term, approved in missing.items()]  # fmt: skip
        found.append(("glossary-missing", "; ".join(parts)))
    return found


# --- formatting tags --------------------------------------------------------------------------------

_TAG_KIND = {"b": "bold", "i": "italic", "a": "link"}


def _tag_issues(source: str, target: str) -> list[tuple[str, str]]:
    source_tags, target_tags = _tags(source), _tags(target)
    if not source_tags and not target_tags:
        return []
    found = []
    missing = Counter(source_tags) - Counter(target_tags)
    extra = Counter(target_tags) - Counter(source_tags)
    if missing:
        found.append(("tag-missing", f"{_tag_list(missing)} missing: the formatting would be lost"))
    if extra:
        found.append(("tag-extra", f"{_tag_list(extra)} not in the source"))
    pairs = _pairs(target)
    broken = [key for key, (opened, closed) in pairs.items() if opened is not None and closed is not None]
    broken = [key for key in broken if pairs[key][1] <= pairs[key][0] or not _plain(_between(target, pairs[key]))]
    if broken:
        names = ", ".join(f"<{letter}{number}>…</{letter}{number}>" for letter, number in broken)
        found.append(("tag-unbalanced", f"{names} closed before opening or around nothing: the formatting is lost"))
    if not missing and not extra and not broken and _nesting(source) != _nesting(target):
        found.append(("tag-nesting", "formatting tags are nested differently from the source"))
    return found


def _tags(text: str) -> list[str]:
    return [match.group(0) for match in TAG.finditer(text)]


def _tag_list(counted: Counter) -> str:
    names = []
    for tag in sorted(counted, key=lambda t: (int(re.sub(r"\D", "", t)), t.startswith("</"))):
        letter = tag.strip("</>")[0]
        names.append(f"{tag} ({_TAG_KIND.get(letter, letter)})")
    return ", ".join(names)


def _pairs(text: str) -> dict[tuple[str, str], tuple[int | None, int | None]]:
    """Each tag pair's opening and closing offsets (the first of each)."""
    pairs: dict[tuple[str, str], list[int | None]] = {}
    for match in TAG.finditer(text):
        closing, letter, number = match.groups()
        slot = pairs.setdefault((letter, number), [None, None])
        index = 1 if closing else 0
        if slot[index] is None:
            slot[index] = match.end() if not closing else match.start()
    return {key: (value[0], value[1]) for key, value in pairs.items()}


def _between(text: str, pair: tuple[int | None, int | None]) -> str:
    start, end = pair
    return text[start:end] if start is not None and end is not None else ""


def _nesting(text: str) -> frozenset[tuple[str, str]]:
    """(outer, inner) tag pairs, plus ("cross", …) for pairs that overlap without nesting."""
    pairs = {key: span for key, span in _pairs(text).items() if None not in span and span[0] < span[1]}
    relations = set()
    for outer, (outer_start, outer_end) in pairs.items():
        for inner, (inner_start, inner_end) in pairs.items():
            if outer == inner:
                continue
            if outer_start <= inner_start and inner_end <= outer_end:
                relations.add((f"{outer[0]}{outer[1]}", f"{inner[0]}{inner[1]}"))
            elif outer_start < inner_start < outer_end < inner_end:
                relations.add(("cross", f"{outer[0]}{outer[1]}/{inner[0]}{inner[1]}"))
    return frozenset(relations)


# --- punctuation ------------------------------------------------------------------------------------

_DOUBLE_SPACE = re.compile(r"[ \u00a0]{2,}")
_SPACE_BEFORE_LATIN = re.compile(r"(\S+)[ \u00a0]+([,.;:!?)\]])(?![0-9])(?!\.\.)")
_SPACE_BEFORE_CJK = re.compile(r"(\S+)\s+([，。、；：！？」』）】》])")
_CLOSERS = "\"'”’»)]}」』）】》〉"
_END_KIND = {
    ".": "period",
    "。": "period",
    "．": "period",
    "?": "question mark",
    "？": "question mark",
    "!": "exclamation mark",
    "！": "exclamation mark",
    "…": "ellipsis",
    "⋯": "ellipsis",
    ":": "colon",
    "：": "colon",
    ";": "semicolon",
    "；": "semicolon",
}
_BRACKETS = {"(": 1, ")": -1, "（": 1, "）": -1, "[": 1, "]": -1, "【": 1, "】": -1, "〔": 1, "〕": -1}
_QUOTES = {"“": 1, "”": -1, "「": 1, "」": -1, "『": 1, "』": -1, "«": 1, "»": -1, "《": 1, "》": -1}


def _punctuation_issues(source: str, target: str, target_lang: str) -> list[tuple[str, str]]:
    found = []
    double = _DOUBLE_SPACE.search(target)
    if double:
        before = target[: double.start()].split()
        where = f" after “{before[-1]}”" if before else " at the start"
        found.append(("double-space", f"two spaces in a row{where}"))
    spaced = (_SPACE_BEFORE_CJK if target_lang in CJK else _SPACE_BEFORE_LATIN).search(target)
    if spaced is None and target_lang in CJK:
        spaced = _SPACE_BEFORE_LATIN.search(target)
    if spaced:
        found.append(("space-before-punctuation", f"a space before “{spaced.group(2)}” after “{spaced.group(1)}”"))
    source_end, target_end = _end_kind(source), _end_kind(target)
    if source_end != target_end:
        found.append(
            (
                "end-punctuation",
                f"the source ends with {source_end or 'no punctuation'}, "
                f"the target with {target_end or 'no punctuation'}",
            )
        )
    for name, table, straight in (("brackets", _BRACKETS, ""), ("quotation marks", _QUOTES, '"')):
        if _imbalance(source, table, straight) != _imbalance(target, table, straight):
            found.append(("unbalanced-brackets", f"the target's {name} do not pair up as the source's do"))
            break
    return found


def _end_kind(text: str) -> str | None:
    text = text.rstrip().rstrip(_CLOSERS).rstrip()
    if text.endswith("...") or text.endswith("……"):
        return "ellipsis"
    return _END_KIND.get(text[-1:]) if text else None


def _imbalance(text: str, table: dict[str, int], straight: str) -> int:
    net = sum(table.get(char, 0) for char in text)
    return net + (text.count(straight) % 2 if straight else 0)


# --- length -----------------------------------------------------------------------------------------


def _length_issues(source: str, target: str, source_lang: str, target_lang: str) -> list[tuple[str, str]]:
    band = LENGTH_BANDS.get((source_lang, target_lang))
    if band is None:
        return []
    source_length, target_length = len(" ".join(source.split())), len(" ".join(target.split()))
    if source_length < MIN_MEASURED["cjk" if source_lang in CJK else "latin"]:
        return []
    ratio = target_length / source_length
    low, high = band
    if low <= ratio <= high:
        return []
    side = "shorter" if ratio < low else "longer"
    return [
        (
            "length-ratio",
            f"the target is {ratio:.2f}× the source's length, {side} than usual for "
            f"{source_lang}→{target_lang} ({low:.2f}–{high:.2f}): something left out or added?",
        )
    ]


# --- the whole translation --------------------------------------------------------------------------


def check_translation(
    segments: Sequence[Segment], source_lang: str, target_lang: str, hits_for: HitsFor | None = None
) -> list[QaIssue]:
    """Every segment's issues, then the same source translated differently; in segment order."""
    by_address: dict[str, list[QaIssue]] = {}
    for segment in segments:
        hits = hits_for(segment.source_text) if hits_for is not None and segment.target_text.strip() else ()
        by_address[segment.address] = check_segment(segment, source_lang, target_lang, hits)
    for issue in _inconsistencies(segments):
        by_address.setdefault(issue.address, []).append(issue)
    order = list(SEVERITY)
    issues = []
    for segment in segments:
        found = by_address.get(segment.address, [])
        found.sort(key=lambda issue: (not issue.is_error, order.index(issue.code)))
        issues.extend(found)
    return issues


def _inconsistencies(segments: Sequence[Segment]) -> list[QaIssue]:
    groups: dict[str, list[Segment]] = {}
    for segment in segments:
        source, target = _plain(segment.source_text), _plain(segment.target_text)
        if target and _WORD.search(source):
            groups.setdefault(" ".join(source.split()), []).append(segment)
    issues = []
    for group in groups.values():
        targets = {" ".join(_plain(s.target_text).split()) for s in group}
        if len(targets) < 2:
            continue
        for segment in group:
            own = " ".join(_plain(segment.target_text).split())
            others = [s for s in group if " ".join(_plain(s.target_text).split()) != own]
            listed = "; ".join(f"{s.address} has “{_excerpt(_plain(s.target_text))}”" for s in others[:3])
            more = f" and {len(others) - 3} more" if len(others) > 3 else ""
            issues.append(
                QaIssue(
                    address=segment.address,
                    code="inconsistent",
                    severity=SEVERITY["inconsistent"],
                    message=f"the same source is translated differently: {listed}{more}",
                    source_excerpt=_excerpt(_plain(segment.source_text)),
                    fingerprint=fingerprint("inconsistent", segment.source_text, segment.target_text),
                )
            )
    return issues
