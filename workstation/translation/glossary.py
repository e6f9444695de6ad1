"""The glossary: official names and terms per language pair, with forbidden variants and notes.

An entry pairs one source term with one target term (``Bộ Ngoại giao`` → ``Ministry of Foreign Affairs``,
forbidden ``Foreign Ministry``). It also serves the reverse pair: a vi→en entry finds ``Ministry of Foreign
Affairs`` in an English source and offers ``Bộ Ngoại giao`` (without forbidden variants, which are in the
other language).

Matching (``hits``): a term matches whatever its case, and whether the text is NFC or NFD, but its
diacritics count: ``Đảng`` never matches ``đang``. Typographic apostrophes, the non-breaking hyphen and any
whitespace character match their plain forms. A term starting (ending) with a letter or digit of a
spaced script must start (end) at a word boundary; a term starting or ending with a Chinese, Japanese or
Korean character matches as a substring there (so ``越南`` is found in ``越南人``, ``베트남`` in ``베트남의``).
Where hits overlap, the longest wins (ties: the earlier).

Segment texts may carry inline tags (``<b1>…</b1>``, see translation/tags.py). Terms are matched in the
text without its tags, so a term across a tag is found; each hit gives its offsets both in the text as
given (``start``, ``end``: tags inside the span included) and in ``strip_tags(text)`` (``plain_start``,
``plain_end``).

Speed: per language pair, a ``TermMatcher`` is built on first use and cached until the glossary changes
(or, checked at most once a second, another connection writes the store): a dictionary from each term's
first word (or first character, for a term starting with a CJK character or a sign) to the terms
starting with it and their distinct lengths. Matching a text is one pass over its words and characters,
a dictionary lookup each, then for a known first word one slice-and-lookup per distinct term length,
longest first; the cost does not grow with the number of entries. 5,000 entries: built in about 40 ms;
a 300-segment translation matched in about 25 ms.
"""

from __future__ import annotations

import json
import re
import threading
import time
import unicodedata
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from workstation.clock import Clock, timestamp
from workstation.errors import BadInput, NotFound, Refused
from workstation.ids import new_id
from workstation.language.folding import WORD_CHAR, WORD_CHAR_RE
from workstation.model import LANGUAGES
from workstation.storage import glossary as sql
from workstation.storage.store import Store
from workstation.translation.tags import TAG

ORIGIN_LOCAL = "local"
"""Typed in at this station (the GUI or ``workstation glossary add``)."""
ORIGIN_IMPORT = "import"
"""Read from a TBX or CSV file."""
ORIGIN_PORTAL = "portal"
"""Sent by the portal with a memory update."""

MAX_TERM_CHARS = 300
MAX_NOTE_CHARS = 4000
MAX_FORBIDDEN = 50
DATA_VERSION_CHECK_SECONDS = 1.0

# Han, kana and Hangul are single signs here, so a term matches inside a longer run of them (no spaces
# between words, or nouns that take particles without a space).
_UNIT = re.compile(f"{WORD_CHAR}+|\\S")
"""What a term is indexed by and a text walked by: a word of a spaced script, or any other single sign."""
_SPACES = re.compile(r"\s+")
_SAME_AS = {
    "\u2019": "'", "\u2018": "'", "\u02bc": "'", "\u2032": "'",  # apostrophes
    "\u2010": "-", "\u2011": "-",  # hyphen, non-breaking hyphen
}  # fmt: skip
_LANGUAGE_TAG = re.compile(r"[A-Za-z]{2,3}(?:[-_][A-Za-z0-9]{1,8})*")
_TRADITIONAL_CHINESE = {"hant", "tw", "hk", "mo"}
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ud800-\udfff\ufffe\uffff]")
"""What no term or note may hold: control characters (tab and line breaks aside), lone surrogates, non-characters."""


# --- records -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class TermPair:
    """An entry to add or merge, as a file or the portal gives it (``id`` kept when it is a UUID)."""

    source_language: str
    source_term: str
    target_language: str
    target_term: str
    forbidden: tuple[str, ...] = ()
    """Variants of the target term that must not be used."""
    note: str = ""
    id: str | None = None


@dataclass(frozen=True)
class GlossaryEntry:
    id: str
    source_language: str
    source_term: str
    target_language: str
    target_term: str
    forbidden: tuple[str, ...]
    note: str
    origin: str
    created_at: str
    updated_at: str
    version: int = 1
    station_id: str = ""

    def as_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "source_language": self.source_language,
            "source_term": self.source_term,
            "target_language": self.target_language,
            "target_term": self.target_term,
            "forbidden": list(self.forbidden),
            "note": self.note,
            "origin": self.origin,
            "created_at": self.created_at,
            "updated_at": self.updated_at,
            "version": self.version,
        }


@dataclass(frozen=True)
class GlossaryHit:
    """A glossary term found in a source text, with what to translate it by."""

    start: int
    end: int
    """Offsets in the text as given (with its tags; a tag inside the term is inside the span)."""
    source_term: str
    """The term as the glossary spells it (the text itself is ``text[start:end]``)."""
    target_terms: list[str]
    """Approved translations, the first the one to insert."""
    forbidden: list[str]
    """Variants the translation must not use."""
    note: str
    entry_ids: list[str] = field(default_factory=list)
    plain_start: int = 0
    plain_end: int = 0
    """Offsets in ``strip_tags(text)``."""


@dataclass(frozen=True)
class ForbiddenUse:
    """A forbidden variant found in a target text (offsets as for ``GlossaryHit``)."""

    start: int
    end: int
    variant: str
    """The forbidden variant as the glossary spells it."""
    source_term: str
    approved: list[str]
    """What to write instead."""


@dataclass(frozen=True)
class MergeResult:
    added: int
    known: int
    """Already in the glossary (same terms in either direction, or the same id): left untouched."""
    added_ids: tuple[str, ...] = ()


@dataclass(frozen=True)
class GlossaryChange:
    """What one call changed, so views refresh only that."""

    added: tuple[str, ...] = ()
    updated: tuple[str, ...] = ()
    deleted: tuple[str, ...] = ()


# --- text forms ----------------------------------------------------------------------------------


def clean_term(text: str) -> str:
    """A term as stored: NFC, surrounding whitespace gone, inner whitespace runs one space."""
    return _SPACES.sub(" ", unicodedata.normalize("NFC", text)).strip()


def clean_note(text: str) -> str:
    return unicodedata.normalize("NFC", text.replace("\r\n", "\n").replace("\r", "\n")).strip()


def _key_char(char: str) -> str:
    if char in _SAME_AS:
        return _SAME_AS[char]
    if char.isspace():
        return " "
    if "\uff01" <= char <= "\uff5e":  # full-width ASCII, common in Chinese and Japanese text
        char = chr(ord(char) - 0xFEE0)
    lower = char.lower()
    return lower if len(lower) == 1 else char  # "İ".lower() is two characters


class _KeyTable(dict[int, str]):
    def __missing__(self, code: int) -> str:
        mapped = self[code] = _key_char(chr(code))
        return mapped


_KEY_TABLE = _KeyTable()


def term_key(term: str) -> str:
    """What a term is compared by: its clean form in lower case (diacritics kept, one character each)."""
    return clean_term(term).translate(_KEY_TABLE)


def language_code(tag: str) -> str | None:
    """One of our languages (vi en zh ko ja) for a BCP 47 tag ("vi-VN", "zh-Hans", "EN"); None otherwise.

    Traditional Chinese (zh-Hant, zh-TW, zh-HK, zh-MO) is not ``zh``, which is Simplified.
    """
    tag = tag.strip()
    if not _LANGUAGE_TAG.fullmatch(tag):
        return None
    parts = [part.lower() for part in re.split("[-_]", tag)]
    if parts[0] not in LANGUAGES:
        return None
    if parts[0] == "zh" and _TRADITIONAL_CHINESE.intersection(parts[1:]):
        return None
    return parts[0]


# --- matching ------------------------------------------------------------------------------------


class _Prepared:
    """A text ready to match in: its key form, and the way back to offsets in the text as given."""

    __slots__ = ("key", "original_length", "to_plain", "to_tagged")

    def __init__(self, text: str) -> None:
        plain, self.to_tagged = _without_tags(text)
        normal, self.to_plain = _nfc_mapped(plain)
        self.key = normal.translate(_KEY_TABLE)
        self.original_length = len(text)

    def plain_span(self, start: int, end: int) -> tuple[int, int]:
        if self.to_plain is None:
            return start, end
        return self.to_plain[start][0], self.to_plain[end - 1][1]

    def tagged_span(self, plain_start: int, plain_end: int) -> tuple[int, int]:
        if self.to_tagged is None:
            return plain_start, plain_end
        return self.to_tagged[plain_start], self.to_tagged[plain_end - 1] + 1


def _without_tags(text: str) -> tuple[str, list[int] | None]:
    """``strip_tags(text)`` and each of its characters' offsets in ``text`` (None when there are no tags)."""
    if "<" not in text or not TAG.search(text):
        return text, None
    pieces: list[str] = []
    offsets: list[int] = []
    cursor = 0
    for match in TAG.finditer(text):
        pieces.append(text[cursor : match.start()])
        offsets.extend(range(cursor, match.start()))
        cursor = match.end()
    pieces.append(text[cursor:])
    offsets.extend(range(cursor, len(text)))
    return "".join(pieces), offsets


def _nfc_mapped(text: str) -> tuple[str, list[tuple[int, int]] | None]:
    """NFC of ``text`` and, per character, the span of ``text`` it came from (None when already NFC)."""
    if unicodedata.is_normalized("NFC", text):
        return text, None
    out: list[str] = []
    spans: list[tuple[int, int]] = []
    start, length = 0, len(text)
    while start < length:
        end = start + 1  # a cluster: a character and the marks (or Hangul vowel and final jamo) it composes with
        while end < length and (unicodedata.combining(text[end]) or "\u1160" <= text[end] <= "\u11ff"):
            end += 1
        for char in unicodedata.normalize("NFC", text[start:end]):
            out.append(char)
            spans.append((start, end))
        start = end
    return "".join(out), spans


@dataclass
class _Target:
    """What one source term (one key) of a pair translates to, gathered over its entries."""

    source_term: str
    target_terms: list[str] = field(default_factory=list)
    forbidden: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    entry_ids: list[str] = field(default_factory=list)

    def add(self, target: str, forbidden: Iterable[str], note: str, entry_id: str) -> None:
        _append_new(self.target_terms, target)
        for variant in forbidden:
            _append_new(self.forbidden, variant)
        if note:
            _append_new(self.notes, note)
        self.entry_ids.append(entry_id)


def _append_new(items: list[str], item: str) -> None:
    if item not in items:
        items.append(item)


class _Bucket:
    """The terms starting with one unit: by key, and their distinct lengths, longest first."""

    __slots__ = ("by_key", "lengths")

    def __init__(self) -> None:
        self.by_key: dict[str, tuple[bool, Any]] = {}  # key → (ends with a word character, payload)
        self.lengths: list[int] = []


class TermMatcher:
    """Finds many terms in texts at once: longest match wins, word boundaries for spaced scripts.

    ``terms`` maps each term key (``term_key``) to whatever the caller wants back with its matches.
    Terms are grouped by their first unit (word, or single CJK character or sign); at each unit of a
    text, the group's distinct term lengths are tried longest first, each one slice and dictionary
    lookup, so a text costs its units times a few lookups, however many terms share a first word.
    """

    def __init__(self, terms: Mapping[str, Any]) -> None:
        index: dict[str, _Bucket] = {}
        for key, payload in terms.items():
            first = _UNIT.match(key)
            if first is None:  # an empty or whitespace-only key: nothing to find
                continue
            bucket = index.get(first.group())
            if bucket is None:
                bucket = index[first.group()] = _Bucket()
            bucket.by_key[key] = (bool(WORD_CHAR_RE.match(key[-1])), payload)
        for bucket in index.values():
            bucket.lengths = sorted({len(key) for key in bucket.by_key}, reverse=True)
        self._index = index
        self.size = len(terms)

    def find(self, prepared: _Prepared) -> list[tuple[int, int, Any]]:
        """Non-overlapping (start, end, payload) in the prepared text's key form, in text order."""
        text = prepared.key
        length = len(text)
        index = self._index
        found: list[tuple[int, int, Any]] = []
        for unit in _UNIT.finditer(text):
            bucket = index.get(unit.group())
            if bucket is None:
                continue
            start = unit.start()
            for size in bucket.lengths:  # longest first: the first that fits is the longest here
                end = start + size
                if end > length:
                    continue
                candidate = bucket.by_key.get(text[start:end])
                if candidate is None:
                    continue
                ends_word, payload = candidate
                if ends_word and end < length and WORD_CHAR_RE.match(text, end):
                    continue
                found.append((start, end, payload))
                break
        return _longest_first(found, length)


def _longest_first(found: list[tuple[int, int, Any]], length: int) -> list[tuple[int, int, Any]]:
    if len(found) < 2:
        return found
    taken = bytearray(length)
    chosen: list[tuple[int, int, Any]] = []
    for start, end, payload in sorted(found, key=lambda item: (item[0] - item[1], item[0])):
        if 1 in taken[start:end]:
            continue
        taken[start:end] = b"\x01" * (end - start)
        chosen.append((start, end, payload))
    chosen.sort(key=lambda item: item[0])
    return chosen


# --- the service ---------------------------------------------------------------------------------


GlossaryListener = Callable[[GlossaryChange], None]


class Glossary:
    """The workspace's glossary: entries in the store, hits and QA helpers over a cached matcher per pair."""

    def __init__(self, store: Store, clock: Clock, station_id: str | None = None) -> None:
        self._store = store
        self._clock = clock
        self._station_id = station_id
        self._lock = threading.RLock()  # the editor's highlighter may ask from a worker thread
        self._matchers: dict[tuple[str, str], TermMatcher] = {}
        self._data_version: int | None = None
        self._checked_at = -DATA_VERSION_CHECK_SECONDS
        self._listeners: list[GlossaryListener] = []

    # -- reading

    def entries(self, source_lang: str | None = None, target_lang: str | None = None) -> list[GlossaryEntry]:
        """Entries stored in this direction (None: any language), ordered by languages and terms."""
        return [_entry(row) for row in sql.entries(self._store, source_lang, target_lang)]

    def entry(self, entry_id: str) -> GlossaryEntry:
        row = sql.entry(self._store, entry_id)
        if row is None:
            raise NotFound(f"there is no glossary entry {entry_id}")
        return _entry(row)

    def count(self) -> int:
        return sql.count(self._store)

    # -- changing

    def add(
        self,
        source_lang: str,
        source_term: str,
        target_lang: str,
        target_term: str,
        forbidden: Iterable[str] = (),
        note: str = "",
        origin: str = ORIGIN_LOCAL,
    ) -> GlossaryEntry:
        """A new entry; Refused when these two terms are already paired (in either direction)."""
        row = self._new_row(
            TermPair(source_lang, source_term, target_lang, target_term, tuple(forbidden), note), origin
        )
        with self._store.transaction() as connection:
            existing = sql.same_terms(
                self._store, row["source_language"], row["source_key"], row["target_language"], row["target_key"]
            )
            if existing is not None:
                raise Refused(_already(existing))
            sql.insert(connection, row)
        self._changed(GlossaryChange(added=(row["id"],)))
        return _entry(row)

    def update(
        self,
        entry_id: str,
        *,
        source_term: str | None = None,
        target_term: str | None = None,
        forbidden: Iterable[str] | None = None,
        note: str | None = None,
    ) -> GlossaryEntry:
        """Changes the given fields (languages stay: delete and add for another pair)."""
        with self._store.transaction() as connection:
            current = self.entry(entry_id)
            pair = TermPair(
                current.source_language,
                current.source_term if source_term is None else source_term,
                current.target_language,
                current.target_term if target_term is None else target_term,
                current.forbidden if forbidden is None else tuple(forbidden),
                current.note if note is None else note,
            )
            row = _validated(pair)
            existing = sql.same_terms(
                self._store, row["source_language"], row["source_key"], row["target_language"], row["target_key"]
            )
            if existing is not None and existing["id"] != entry_id:
                raise Refused(_already(existing))
            sql.update(connection, entry_id, row, timestamp(self._clock()))
        self._changed(GlossaryChange(updated=(entry_id,)))
        return self.entry(entry_id)

    def delete(self, entry_id: str) -> None:
        with self._store.transaction() as connection:
            if not sql.delete(connection, entry_id):
                raise NotFound(f"there is no glossary entry {entry_id}")
        self._changed(GlossaryChange(deleted=(entry_id,)))

    def merge(
        self, entries: Iterable[TermPair | GlossaryEntry | Mapping[str, Any]], origin: str = ORIGIN_PORTAL
    ) -> MergeResult:
        """Adds the entries not known yet, in one transaction; never changes or deletes an entry.

        Known: the same two terms in the same pair (either direction, compared as ``term_key``), or an
        entry with the same id. Merging the same entries again adds nothing. Every entry is checked first:
        one that cannot be stored raises BadInput (naming it) and nothing is added.
        """
        rows = [self._new_row(_as_pair(item), origin, keep_id=True) for item in entries]
        added: list[str] = []
        with self._store.transaction() as connection:
            keys = sql.pair_keys(self._store)
            ids = sql.existing_ids(self._store, [row["id"] for row in rows])
            fresh = []
            for row in rows:
                forward = (row["source_language"], row["source_key"], row["target_language"], row["target_key"])
                reverse = (row["target_language"], row["target_key"], row["source_language"], row["source_key"])
                if row["id"] in ids or forward in keys or reverse in keys:
                    continue
                keys.add(forward)
                ids.add(row["id"])
                fresh.append(row)
            sql.insert_many(connection, fresh)
            added = [row["id"] for row in fresh]
        if added:
            self._changed(GlossaryChange(added=tuple(added)))
        return MergeResult(len(added), len(rows) - len(added), tuple(added))

    # -- files

    def import_file(self, path: Path) -> MergeResult:
        """Merges a TBX or CSV file (by its extension) as origin ``import``; BadInput, nothing added, if unusable."""
        kind = _file_kind(path)
        if kind == "tbx":
            from workstation.translation.tbx import read_tbx

            pairs = read_tbx(path)
        else:
            from workstation.translation.glossary_csv import read_glossary_csv

            pairs = read_glossary_csv(path)
        return self.merge(pairs, origin=ORIGIN_IMPORT)

    def export_file(self, path: Path, source_lang: str | None = None, target_lang: str | None = None) -> int:
        """Writes the entries (of that direction, when given) as TBX-Basic or CSV, atomically; how many."""
        kind = _file_kind(path)
        chosen = self.entries(source_lang, target_lang)
        if kind == "tbx":
            from workstation.translation.tbx import write_tbx

            write_tbx(path, chosen, language=source_lang)
        else:
            from workstation.translation.glossary_csv import write_glossary_csv

            write_glossary_csv(path, chosen)
        return len(chosen)

    # -- matching

    def hits(self, text: str, source_lang: str, target_lang: str) -> list[GlossaryHit]:
        """Glossary terms in a source text (tags allowed), non-overlapping and in text order."""
        if not text or source_lang == target_lang:
            return []
        matcher = self._matcher(source_lang, target_lang)
        if not matcher.size:
            return []
        prepared = _Prepared(text)
        hits = []
        for start, end, target in matcher.find(prepared):
            plain_start, plain_end = prepared.plain_span(start, end)
            tagged_start, tagged_end = prepared.tagged_span(plain_start, plain_end)
            hits.append(
                GlossaryHit(
                    tagged_start,
                    tagged_end,
                    target.source_term,
                    list(target.target_terms),
                    list(target.forbidden),
                    "\n".join(target.notes),
                    list(target.entry_ids),
                    plain_start,
                    plain_end,
                )
            )
        return hits

    def forbidden_in(self, target_text: str, target_lang: str, hits: Sequence[GlossaryHit]) -> list[ForbiddenUse]:
        """The forbidden variants of ``hits`` used in a target text (tags allowed), in text order.

        A variant inside a longer approved term ("Ministry" in "Ministry of Foreign Affairs") is not a
        use; a variant that another hit approves is not forbidden. ``target_lang`` is the target's
        language (matching itself goes by script, as for ``hits``).
        """
        return forbidden_uses(target_text, hits)

    def missing_in(self, target_text: str, target_lang: str, hits: Sequence[GlossaryHit]) -> list[GlossaryHit]:
        """The hits none of whose approved translations occurs in the target text (for QA)."""
        return missing_translations(target_text, hits)

    # -- change notification

    def subscribe(self, listener: GlossaryListener) -> Callable[[], None]:
        """``listener`` is called with each GlossaryChange (possibly on a worker thread)."""
        with self._lock:
            self._listeners.append(listener)

        def unsubscribe() -> None:
            with self._lock:
                if listener in self._listeners:
                    self._listeners.remove(listener)

        return unsubscribe

    # -- internals

    def _matcher(self, source_lang: str, target_lang: str) -> TermMatcher:
        with self._lock:
            # Another connection (the CLI while the app is open) writing the store bumps data_version:
            # then start afresh. Asked at most once a second, not for every segment.
            now = time.monotonic()
            if now - self._checked_at >= DATA_VERSION_CHECK_SECONDS:
                self._checked_at = now
                version = self._store.query_one("PRAGMA data_version")
                data_version = int(next(iter(version.values()))) if version else None
                if data_version != self._data_version:
                    self._matchers.clear()
                    self._data_version = data_version
            matcher = self._matchers.get((source_lang, target_lang))
            if matcher is None:
                matcher = self._matchers[(source_lang, target_lang)] = self._build(source_lang, target_lang)
            return matcher

    def _build(self, source_lang: str, target_lang: str) -> TermMatcher:
        rows = sql.pair_entries(self._store, source_lang, target_lang)
        targets: dict[str, _Target] = {}
        for row in rows:  # direct entries first, oldest first (UUIDv7 order), then the reverse ones
            if row["source_language"] == source_lang:
                target = targets.setdefault(row["source_key"], _Target(row["source_term"]))
                target.add(row["target_term"], json.loads(row["forbidden"]), row["note"], row["id"])
        for row in rows:
            if row["source_language"] == target_lang:
                target = targets.setdefault(row["target_key"], _Target(row["target_term"]))
                target.add(row["source_term"], (), row["note"], row["id"])
        return TermMatcher(targets)

    def _changed(self, change: GlossaryChange) -> None:
        with self._lock:
            self._matchers.clear()
            listeners = list(self._listeners)
        for listener in listeners:
            listener(change)

    def _new_row(self, pair: TermPair, origin: str, keep_id: bool = False) -> dict[str, Any]:
        row = _validated(pair)
        now = timestamp(self._clock())
        if self._station_id is None:
            self._station_id = self._store.get_setting("station_id") or ""
        row.update(
            id=pair.id if keep_id and pair.id and _is_uuid(pair.id) else new_id(),
            station_id=self._station_id,
            created_at=now,
            updated_at=now,
            version=1,
            origin=origin,
        )
        return row


def forbidden_uses(target_text: str, hits: Sequence[GlossaryHit]) -> list[ForbiddenUse]:
    """``Glossary.forbidden_in`` without a store: the hits carry everything needed."""
    approved = {term_key(term) for hit in hits for term in hit.target_terms}
    terms: dict[str, Any] = {key: None for key in approved}
    for hit in hits:
        for variant in hit.forbidden:
            key = term_key(variant)
            if key not in terms:
                terms[key] = (variant, hit)
    if not any(payload is not None for payload in terms.values()) or not target_text:
        return []
    prepared = _Prepared(target_text)
    uses = []
    for start, end, payload in TermMatcher(terms).find(prepared):
        if payload is None:
            continue
        variant, hit = payload
        plain_start, plain_end = prepared.plain_span(start, end)
        tagged_start, tagged_end = prepared.tagged_span(plain_start, plain_end)
        uses.append(ForbiddenUse(tagged_start, tagged_end, variant, hit.source_term, list(hit.target_terms)))
    return uses


def missing_translations(target_text: str, hits: Sequence[GlossaryHit]) -> list[GlossaryHit]:
    """``Glossary.missing_in`` without a store."""
    if not hits:
        return []
    terms = {term_key(term): term_key(term) for hit in hits for term in hit.target_terms}
    found = {key for _, _, key in TermMatcher(terms).find(_Prepared(target_text))} if target_text else set()
    return [hit for hit in hits if not any(term_key(term) in found for term in hit.target_terms)]


# --- helpers -------------------------------------------------------------------------------------


def check_pair(pair: TermPair) -> None:
    """BadInput saying what is wrong when ``pair`` cannot be stored as an entry (file readers check rows)."""
    _validated(pair)


def _validated(pair: TermPair) -> dict[str, Any]:
    """The columns an entry's content gives, checked; BadInput saying what is wrong."""
    source_language = language_code(pair.source_language or "")
    target_language = language_code(pair.target_language or "")
    languages = ", ".join(LANGUAGES)
    if source_language is None:
        raise BadInput(f"“{pair.source_language}” is not a language of the glossary ({languages})")
    if target_language is None:
        raise BadInput(f"“{pair.target_language}” is not a language of the glossary ({languages})")
    if source_language == target_language:
        raise BadInput(f"the source and target languages are both {source_language}")
    source_term = clean_term(pair.source_term or "")
    target_term = clean_term(pair.target_term or "")
    if not source_term:
        raise BadInput("the source term is empty")
    if not target_term:
        raise BadInput(f"the target term for “{source_term}” is empty")
    for term in (source_term, target_term):
        if len(term) > MAX_TERM_CHARS:
            raise BadInput(f"the term “{term[:40]}…” is longer than {MAX_TERM_CHARS} characters")
    target_key = term_key(target_term)
    for text in (source_term, target_term, *pair.forbidden, pair.note or ""):
        if bad := _CONTROL.search(text):
            shown = clean_term(_CONTROL.sub(" ", text))[:40]
            raise BadInput(f"“{shown}” contains a control character (U+{ord(bad.group()):04X}), which is not allowed")
    forbidden: list[str] = []
    for variant in pair.forbidden:
        variant = clean_term(variant)
        if not variant or variant in forbidden:
            continue
        if term_key(variant) == target_key:
            raise BadInput(f"“{variant}” is both the target term and a forbidden variant of “{source_term}”")
        if len(variant) > MAX_TERM_CHARS:
            raise BadInput(f"the forbidden variant “{variant[:40]}…” is longer than {MAX_TERM_CHARS} characters")
        forbidden.append(variant)
    if len(forbidden) > MAX_FORBIDDEN:
        raise BadInput(f"“{source_term}” has more than {MAX_FORBIDDEN} forbidden variants")
    note = clean_note(pair.note or "")
    if len(note) > MAX_NOTE_CHARS:
        raise BadInput(f"the note on “{source_term}” is longer than {MAX_NOTE_CHARS} characters")
    return {
        "source_language": source_language,
        "source_term": source_term,
        "source_key": term_key(source_term),
        "target_language": target_language,
        "target_term": target_term,
        "target_key": target_key,
        "forbidden": json.dumps(forbidden, ensure_ascii=False),
        "note": note,
    }


def _as_pair(item: TermPair | GlossaryEntry | Mapping[str, Any]) -> TermPair:
    if isinstance(item, TermPair):
        return item
    if isinstance(item, GlossaryEntry):
        return TermPair(
            item.source_language,
            item.source_term,
            item.target_language,
            item.target_term,
            item.forbidden,
            item.note,
            item.id,
        )
    try:
        forbidden = item.get("forbidden") or ()
        if isinstance(forbidden, str):
            forbidden = tuple(part for part in forbidden.split("|"))
        return TermPair(
            str(item["source_language"]),
            str(item["source_term"]),
            str(item["target_language"]),
            str(item["target_term"]),
            tuple(str(variant) for variant in forbidden),
            str(item.get("note") or ""),
            str(item["id"]) if item.get("id") else None,
        )
    except (KeyError, TypeError, AttributeError) as error:
        raise BadInput(f"a glossary entry lacks {error} or is not an entry: {item!r:.120}") from error


def _entry(row: Mapping[str, Any]) -> GlossaryEntry:
    return GlossaryEntry(
        id=row["id"],
        source_language=row["source_language"],
        source_term=row["source_term"],
        target_language=row["target_language"],
        target_term=row["target_term"],
        forbidden=tuple(json.loads(row["forbidden"])),
        note=row["note"],
        origin=row["origin"],
        created_at=row["created_at"],
        updated_at=row["updated_at"],
        version=row["version"],
        station_id=row["station_id"],
    )


def _already(row: Mapping[str, Any]) -> str:
    return (
        f"“{row['source_term']}” → “{row['target_term']}” ({row['source_language']}→{row['target_language']}) "
        f"is already in the glossary as {row['id']}"
    )


_UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")


def _is_uuid(text: str) -> bool:
    return bool(_UUID.fullmatch(text))


def _file_kind(path: Path) -> str:
    suffix = path.suffix.lower()
    if suffix in (".tbx", ".csv"):
        return suffix[1:]
    raise BadInput(f"{path.name}: a glossary file must end in .tbx (TBX-Basic) or .csv")
