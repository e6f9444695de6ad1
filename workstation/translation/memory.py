"""The translation memory: confirmed segments kept per language pair, and found again for new ones.

Units
-----
A unit is a source and a target sentence, inline tags (``<b1>…</b1>``) kept, with its origin (the id of
the translation it was confirmed in, ``tmx:<file name>``, or ``portal``), creator and dates. It is stored
in the direction it was translated and serves both: an en→vi unit answers a vi→en lookup. Adding the
same source and target again only touches its date; the same source with another target is a second
unit, and the newer comes first among equal matches.

Matching
--------
The *match key* of a text is what fuzzy scores compare: inline tags removed, punctuation removed,
case folded, spacing collapsed, diacritics KEPT. The score of a memory unit for the current source:

- 100, ``exact``: the same text (tags included; only spacing may differ);
- 99, ``formatting``: the same match key, so only tags, case or punctuation differ (as CAT tools apply
  a penalty for these, so a 100 % is always insertable as is);
- else ``fuzzy``: the mean of two ``rapidfuzz.fuzz.ratio`` similarities (normalised Indel distance,
  character level) of the match keys: as written, and with diacritics folded away (``folding.fold``),
  rounded down, at most 99 (``fuzzy_score``).

Vietnamese diacritics are letters, not decoration: "bán" (sell) and "bạn" (friend) are different words,
so a source typed without its diacritics is never a 100 % match for the unit with them, nor is a
wrong tone mark. But a wrong or missing mark is a smaller slip than a wrong letter, so it costs half
as much: a sentence typed wholly without marks scores about 87 % against the unit with them (a plain
ratio would give about 75 %), first among the matches for the translator to check.

Finding candidates
------------------
Exact and formatting matches come from an index lookup on the hash of the match key. Fuzzy candidates
come from the store's ``tm_search`` index (see ``storage/memory.py``), which holds each unit's text
folded as the article search folds it (marks stripped, lower case, ``đ``→``d``, each CJK character a
token) as words and adjacent word pairs ("chuyen", "doi", "chuyen_doi"): a pair is far more selective
than a Vietnamese syllable or a CJK character alone. For a lookup, each distinct word and pair of the
query is counted in the index, up to ``DF_CAP`` units (the counts of common ones are kept for the
session); the rarest, at most ``MAX_VOTERS`` of them and ``POSTINGS_BUDGET`` index entries in all, each
give a vote to every unit holding them, and the ``CANDIDATES`` units with the most votes are scored
with rapidfuzz, together with the ``COMMON_CANDIDATES`` newest units holding every one of the query's
common pairs (boilerplate sentences made only of common words). So the work per lookup is bounded
whatever the size of the memory. A unit sharing little with the query but common words can be missed
while a better-voted one is found instead; bench/bench_memory.py measures how often the best match
differs from a scan of the whole memory (for near-duplicates of stored sentences, almost never).
"""

from __future__ import annotations

import hashlib
import math
import re
import unicodedata
from collections import Counter
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from enum import StrEnum
from itertools import pairwise
from pathlib import Path

from rapidfuzz import fuzz
from rapidfuzz.distance import Indel

from workstation.clock import Clock, timestamp
from workstation.errors import BadInput, NotFound
from workstation.ids import new_id
from workstation.language.counting import count
from workstation.language.folding import Matcher, Term, fold, tokens
from workstation.language.normalise import normalise_text
from workstation.model import LANGUAGES, Profile, Segment
from workstation.storage.memory import MemoryRepository, NewUnit, UnitRow, column
from workstation.storage.store import Store
from workstation.translation.tags import strip_tags
from workstation.translation.tmx import TmUnit, TmxReader, write_tmx

AUTOPROPAGATE_SETTING = "tm_autopropagate"
PORTAL = "portal"
TMX_ORIGIN = "tmx:"

CANDIDATES = 200
"""Units scored with rapidfuzz per lookup, at most."""
DF_CAP = 10_000
"""Words or pairs held by more units than this are too common to vote."""
POSTINGS_BUDGET = 40_000
"""Index entries read per lookup for the votes, at most."""
MAX_VOTERS = 24
MAX_PROBED = 64
"""Distinct words and pairs of a query counted in the index, at most (long paragraphs)."""
COMMON_CANDIDATES = 50
MERGE_BATCH = 2_000
CONCORDANCE_BATCH = 500
CONCORDANCE_SCAN = 10_000


class MatchKind(StrEnum):
    EXACT = "exact"
    FORMATTING = "formatting"
    """Only inline tags, case or punctuation differ: 99 %."""
    FUZZY = "fuzzy"


EQUAL, ADDED, REMOVED = "equal", "added", "removed"


@dataclass(frozen=True)
class DiffPiece:
    """A run of the comparison of a match's source with the current source.

    ``equal``: in both; ``removed``: only in the memory's source; ``added``: only in the current source.
    The equal and removed pieces in order spell the memory's source, the equal and added ones the current.
    """

    op: str
    text: str


@dataclass(frozen=True)
class TmMatch:
    score: int
    kind: MatchKind
    source: str
    """The unit's text in the lookup's source language (tags kept)."""
    target: str
    """The unit's text in the lookup's target language: what "insert match" inserts."""
    origin: str
    changed_at: str
    created_by: str
    unit_id: str
    diff: tuple[DiffPiece, ...]

    def as_json(self) -> dict:
        return {
            "score": self.score, "kind": str(self.kind), "source": self.source, "target": self.target,
            "origin": self.origin, "changed_at": self.changed_at, "created_by": self.created_by,
        }  # fmt: skip


@dataclass(frozen=True)
class ConcordanceHit:
    unit_id: str
    language: str
    text: str
    """The unit's text in the searched language, tags removed."""
    spans: tuple[tuple[int, int], ...]
    """Where the searched words occur in ``text``."""
    other_language: str
    other_text: str
    origin: str
    changed_at: str

    def as_json(self) -> dict:
        return {
            "language": self.language, "text": self.text, "spans": [list(span) for span in self.spans],
            "other_language": self.other_language, "other_text": self.other_text, "origin": self.origin,
            "changed_at": self.changed_at,
        }  # fmt: skip


BANDS = ("repetitions", "100", "95-99", "85-94", "75-84", "50-74", "new")
_BAND_FLOORS = ((100, "100"), (95, "95-99"), (85, "85-94"), (75, "75-84"), (50, "50-74"))


@dataclass(frozen=True)
class BandCount:
    segments: int = 0
    words: int = 0


@dataclass(frozen=True)
class AnalysisBands:
    """Segments and source words per match band, as CAT tools report them for planning.

    A segment repeating an earlier one of the same text counts under ``repetitions``; the first
    occurrence counts in the band of its best memory match (``new`` under 50 %). ``unit`` says whether
    words are words or (Chinese, Japanese, Korean) characters.
    """

    bands: dict[str, BandCount]
    total: BandCount
    unit: str

    def as_json(self) -> dict:
        return {
            "unit": self.unit,
            "total": {"segments": self.total.segments, "words": self.total.words},
            "bands": {name: {"segments": c.segments, "words": c.words} for name, c in self.bands.items()},
        }


@dataclass(frozen=True)
class MergeResult:
    added: int
    known: int
    """Units the memory holds already (left untouched)."""
    skipped: int
    """Units that cannot be memory units: a language not ours, one language twice, an empty side."""


@dataclass(frozen=True)
class TmxImport:
    added: int
    known: int
    skipped: int
    """``<tu>``s of the file giving no unit, and units refused by the merge."""
    skipped_languages: tuple[str, ...]


class TranslationMemory:
    def __init__(self, store: Store, station_id: str, clock: Clock) -> None:
        self._store = store
        self._units = MemoryRepository(store)
        self._station_id = station_id
        self._clock = clock
        self._common: dict[tuple[str, str], int] = {}  # document counts of common tokens, per column

    # --- adding -----------------------------------------------------------------------------

    def add(
        self, source_lang: str, target_lang: str, source: str, target: str, origin: str, profile: Profile | None = None
    ) -> str:
        """Remember a confirmed segment; returns the unit's id (the existing one when already known)."""
        source, target = _checked(source_lang, target_lang, source, target)
        now = timestamp(self._clock())
        with self._store.transaction():
            source_hash = key_hash(source)
            existing = self._units.find_same(source_lang, target_lang, source, target, source_hash)
            if existing is not None:
                self._units.touch(existing[0], now)
                return existing[1]
            creator = profile.name if profile else ""
            unit = self._new_unit(source_lang, target_lang, source, target, source_hash, origin, creator, now, now)
            self._units.insert([unit])
        return unit.uid

    def merge(self, units: Iterable[TmUnit], origin: str = PORTAL) -> MergeResult:
        """Add units from elsewhere (the portal, a TMX file) in one transaction, consuming ``units`` as
        it goes (a failure while reading them rolls everything back). Units the memory holds already, in
        either direction, are left as they are: nothing local is overwritten or deleted, and merging
        the same units again adds nothing."""
        now = timestamp(self._clock())
        fresh: list[NewUnit] = []
        pending: set[tuple[str, str, str, str]] = set()  # identities in ``fresh``, not yet in the store
        added = known = skipped = 0
        with self._store.transaction():
            for unit in units:
                try:
                    source, target = _checked(unit.source_lang, unit.target_lang, unit.source, unit.target)
                except BadInput:
                    skipped += 1
                    continue
                identity = _identity(unit.source_lang, unit.target_lang, source, target)
                source_hash = key_hash(source)
                if identity in pending or self._units.find_same(
                    unit.source_lang, unit.target_lang, source, target, source_hash
                ):
                    known += 1
                    continue
                pending.add(identity)
                created = unit.created_at or unit.changed_at or now
                changed = unit.changed_at or created
                languages = (unit.source_lang, unit.target_lang)
                fresh.append(
                    self._new_unit(*languages, source, target, source_hash, origin, unit.created_by, created, changed)
                )
                if len(fresh) == MERGE_BATCH:  # inserted as it goes, so memory holds one batch
                    self._units.insert(fresh)
                    added += len(fresh)
                    fresh, pending = [], set()
            self._units.insert(fresh)
            added += len(fresh)
        self._common.clear()
        return MergeResult(added, known, skipped)

    def remove(self, unit_id: str) -> None:
        unit = self._units.by_uid(unit_id)
        if unit is None:
            raise NotFound(f"no memory unit with id {unit_id}")
        self._units.remove(unit, index_text(unit.source_text), index_text(unit.target_text))
        self._common.clear()

    # --- finding ----------------------------------------------------------------------------

    def lookup(self, source_lang: str, target_lang: str, text: str, limit: int = 5, minimum: int = 50) -> list[TmMatch]:
        """The best matches for ``text`` (a source segment, tags allowed), best first: at most
        ``limit``, none under ``minimum`` %. Among equal scores, the most recently changed first."""
        return self._lookup(source_lang, target_lang, text, limit, minimum, exclude_origin=None)

    def concordance(self, language: str, text: str, limit: int = 20) -> list[ConcordanceHit]:
        """Units whose ``language`` side holds ``text`` as a phrase (folded as the article search folds:
        "chuyen doi so" finds "chuyển đổi số"), newest first, with the spans to highlight."""
        _check_language(language)
        words = tokens(strip_tags(normalise_text(text)))
        if not words:
            return []
        matcher = Matcher([Term(tuple(words))])
        columns = [column(language, other) for other in LANGUAGES if other != language]
        hits: list[ConcordanceHit] = []
        below: int | None = None
        scanned = 0
        while len(hits) < limit and scanned < CONCORDANCE_SCAN:
            ids = self._units.containing_all(columns, _index_tokens(words), CONCORDANCE_BATCH, below)
            if not ids:
                break
            scanned += len(ids)
            below = ids[-1]
            by_id = {unit.id: unit for unit in self._units.units(ids)}
            for unit_id in ids:
                unit = by_id.get(unit_id)
                if unit is None:
                    continue
                side, other_language, other = _side(unit, language)
                plain = strip_tags(side)
                spans = matcher.match(plain).spans
                if spans:
                    hits.append(
                        ConcordanceHit(
                            unit.uid,
                            language,
                            plain,
                            tuple(spans),
                            other_language,
                            strip_tags(other),
                            unit.origin,
                            unit.updated_at,
                        )
                    )
                    if len(hits) == limit:
                        break
        return hits

    def analyse(
        self, sources: Sequence[str], source_lang: str, target_lang: str, exclude_origin: str | None = None
    ) -> AnalysisBands:
        """How much of ``sources`` (the source segments of a translation, in order) the memory covers.

        ``exclude_origin``: ignore units from this origin (a translation's own confirmed segments, to
        see the picture as it was before it was started).
        """
        _check_pair(source_lang, target_lang)
        tallies = {band: [0, 0] for band in BANDS}
        seen: set[str] = set()
        unit = "words"
        for text in sources:
            text = normalise_text(text).strip()
            if not text:
                continue
            counted = count(strip_tags(text), source_lang)
            unit = counted.unit
            same = " ".join(text.split())
            if same in seen:
                band = "repetitions"
            else:
                seen.add(same)
                best = self._lookup(source_lang, target_lang, text, 1, 50, exclude_origin)
                band = band_of(best[0].score) if best else "new"
            tallies[band][0] += 1
            tallies[band][1] += counted.length
        bands = {band: BandCount(*tally) for band, tally in tallies.items()}
        total = BandCount(sum(c.segments for c in bands.values()), sum(c.words for c in bands.values()))
        return AnalysisBands(bands, total, unit)

    # --- propagation ------------------------------------------------------------------------

    @property
    def autopropagate(self) -> bool:
        """Whether a confirmed segment's target fills the untranslated repetitions of its source
        (setting ``tm_autopropagate``, on unless switched off)."""
        value = self._store.get_setting(AUTOPROPAGATE_SETTING)
        return value is None or value.strip().lower() not in ("0", "off", "false", "no")

    def set_autopropagate(self, on: bool) -> None:
        self._store.set_setting(AUTOPROPAGATE_SETTING, "1" if on else "0")

    def propagate(self, segments: Sequence[Segment], confirmed: Segment) -> list[str]:
        """Addresses of the other segments of ``segments`` with the same source text as ``confirmed``
        and no target yet, which should get its target; none when propagation is switched off."""
        if not self.autopropagate:
            return []
        same = " ".join(normalise_text(confirmed.source_text).split())
        return [
            segment.address
            for segment in segments
            if segment.address != confirmed.address
            and not segment.target_text.strip()
            and " ".join(normalise_text(segment.source_text).split()) == same
        ]

    # --- exchange ---------------------------------------------------------------------------

    def import_tmx(self, path: Path) -> TmxImport:
        """Merge the units of a TMX file (origin ``tmx:<file name>``); nothing changes if it is refused."""
        reader = TmxReader.of_file(Path(path))
        merged = self.merge(reader, origin=f"{TMX_ORIGIN}{Path(path).name}")
        return TmxImport(merged.added, merged.known, reader.skipped + merged.skipped, reader.skipped_languages)

    def export_tmx(self, path: Path, source_lang: str | None = None, target_lang: str | None = None) -> int:
        """Write the memory (or the units of one pair, turned to go ``source_lang`` → ``target_lang``)
        as TMX 1.4b; returns how many units."""
        if (source_lang is None) != (target_lang is None):
            raise BadInput("give both languages of the pair (--from and --to), or neither for the whole memory")
        if source_lang is not None and target_lang is not None:
            _check_pair(source_lang, target_lang)
        return write_tmx(Path(path), self._exported(source_lang, target_lang), source_lang)

    def count(self, language: str | None = None, other: str | None = None) -> int:
        return self._units.count(language, other)

    # --- internals --------------------------------------------------------------------------

    def _exported(self, source_lang: str | None, target_lang: str | None) -> Iterator[TmUnit]:
        for page in self._units.pages(source_lang, target_lang):
            for unit in page:
                if source_lang is not None and unit.source_lang != source_lang:
                    yield TmUnit(
                        unit.target_lang, unit.source_lang, unit.target_text, unit.source_text,
                        unit.created_at, unit.updated_at, unit.created_by,
                    )  # fmt: skip
                else:
                    yield TmUnit(
                        unit.source_lang, unit.target_lang, unit.source_text, unit.target_text,
                        unit.created_at, unit.updated_at, unit.created_by,
                    )  # fmt: skip

    def _new_unit(
        self,
        source_lang: str,
        target_lang: str,
        source: str,
        target: str,
        source_hash: int,
        origin: str,
        creator: str,
        created_at: str,
        updated_at: str,
    ) -> NewUnit:
        return NewUnit(
            uid=new_id(), station_id=self._station_id, source_lang=source_lang, target_lang=target_lang,
            source_text=source, target_text=target, source_hash=source_hash, target_hash=key_hash(target),
            origin=origin, created_by=creator, created_at=created_at, updated_at=updated_at,
            source_index=index_text(source), target_index=index_text(target),
        )  # fmt: skip

    def _lookup(
        self, source_lang: str, target_lang: str, text: str, limit: int, minimum: int, exclude_origin: str | None
    ) -> list[TmMatch]:
        _check_pair(source_lang, target_lang)
        text = normalise_text(text).strip()
        key = match_key(text)
        if not key or limit <= 0:
            return []
        folded_key = fold(key)
        exact = self._units.with_key(source_lang, target_lang, key_hash(key, hashed_key=True))
        ids = self._candidates(column(source_lang, target_lang), text)
        known = {unit.id for unit in exact}
        units = exact + self._units.units([unit_id for unit_id in ids if unit_id not in known])
        same_text = " ".join(text.split())
        best: dict[tuple[str, str], tuple[int, MatchKind, UnitRow, str, str]] = {}
        for unit in units:
            if exclude_origin is not None and unit.origin == exclude_origin:
                continue
            source, _other_language, target = _side(unit, source_lang)
            scored = _score(same_text, key, folded_key, source, minimum)
            if scored is None:
                continue
            score, kind = scored
            pair = (source, target)
            previous = best.get(pair)
            if previous is None or (score, unit.updated_at) > (previous[0], previous[2].updated_at):
                best[pair] = (score, kind, unit, source, target)
        order = sorted(best.values(), key=lambda m: (m[0], _KIND_ORDER[m[1]], m[2].updated_at, m[2].id), reverse=True)
        return [
            TmMatch(
                score,
                kind,
                source,
                target,
                unit.origin,
                unit.updated_at,
                unit.created_by,
                unit.uid,
                diff_pieces(source, text),
            )
            for score, kind, unit, source, target in order[:limit]
        ]

    def _candidates(self, column_name: str, text: str) -> list[int]:
        words = tokens(strip_tags(text))
        pairs = list(dict.fromkeys(_pairs(words)))
        probed = (pairs + list(dict.fromkeys(words)))[:MAX_PROBED]
        counts = {token: self._document_count(column_name, token) for token in probed}
        voters: list[str] = []
        budget = 0
        for token in sorted((t for t in probed if 0 < counts[t] <= DF_CAP), key=counts.__getitem__):
            if len(voters) == MAX_VOTERS or budget + counts[token] > POSTINGS_BUDGET:
                break
            voters.append(token)
            budget += counts[token]
        votes: Counter[str] = Counter()
        for token in voters:
            votes.update(self._units.postings(column_name, token))
        ids = [int(unit_id) for unit_id, _votes in votes.most_common(CANDIDATES)]
        # Boilerplate: a sentence made of common words is found by holding all of them.
        common = [t for t in pairs if counts[t] > DF_CAP] or (
            [] if voters else [t for t in probed if counts[t] > DF_CAP]
        )
        if common:
            chosen = set(ids)
            held = self._units.containing_all([column_name], common, COMMON_CANDIDATES)
            ids += [unit_id for unit_id in held if unit_id not in chosen]
        return ids

    def _document_count(self, column_name: str, token: str) -> int:
        """How many units hold ``token`` (``DF_CAP + 1`` when more); common tokens' counts are kept."""
        cached = self._common.get((column_name, token))
        if cached is not None:
            return cached
        found = self._units.document_count(column_name, token, DF_CAP + 1)
        if found > DF_CAP // 4:  # counting these costs; their exact figure matters little
            if len(self._common) > 100_000:
                self._common.clear()
            self._common[(column_name, token)] = found
        return found


_KIND_ORDER = {MatchKind.EXACT: 2, MatchKind.FORMATTING: 1, MatchKind.FUZZY: 0}


# --- text forms -------------------------------------------------------------------------------


class _KeyTable(dict[int, str]):
    """str.translate table: punctuation to a space, everything else case-folded."""

    def __missing__(self, code: int) -> str:
        char = chr(code)
        folded = self[code] = " " if unicodedata.category(char).startswith("P") else char.casefold()
        return folded


_KEY_TABLE = _KeyTable()


def match_key(text: str) -> str:
    """What fuzzy scores compare: tags and punctuation removed, case folded, spacing collapsed."""
    return " ".join(unicodedata.normalize("NFC", strip_tags(text)).translate(_KEY_TABLE).split())


def key_hash(text: str, hashed_key: bool = False) -> int:
    """64-bit hash of the match key of ``text`` (of ``text`` itself when it is a key already)."""
    key = text if hashed_key else match_key(text)
    return int.from_bytes(hashlib.blake2b(key.encode(), digest_size=8).digest(), "big", signed=True)


def _pairs(words: Sequence[str]) -> list[str]:
    return [f"{first}_{second}" for first, second in pairwise(words)]


def _index_tokens(words: Sequence[str]) -> list[str]:
    return list(dict.fromkeys([*words, *_pairs(words)]))


def index_text(text: str) -> str:
    """What the candidate index holds for ``text``: folded words, then adjacent pairs of them."""
    words = tokens(strip_tags(text))
    return " ".join([*words, *_pairs(words)])


def band_of(score: int) -> str:
    for floor, band in _BAND_FLOORS:
        if score >= floor:
            return band
    return "new"


def match_score(current: str, candidate: str, minimum: int = 0) -> tuple[int, MatchKind] | None:
    """The score and kind of ``candidate`` (a memory unit's source) for the ``current`` source, as
    ``lookup`` scores it; None under ``minimum`` or when ``current`` has nothing to compare."""
    current = normalise_text(current).strip()
    key = match_key(current)
    if not key:
        return None
    return _score(" ".join(current.split()), key, fold(key), normalise_text(candidate), minimum)


def _score(same_text: str, key: str, folded_key: str, candidate: str, minimum: int) -> tuple[int, MatchKind] | None:
    if " ".join(candidate.split()) == same_text:
        return 100, MatchKind.EXACT
    candidate_key = match_key(candidate)
    if candidate_key == key:
        return (99, MatchKind.FORMATTING) if minimum <= 99 else None
    score = fuzzy_score(key, folded_key, candidate_key, minimum)
    return (score, MatchKind.FUZZY) if score is not None else None


def fuzzy_score(key: str, folded_key: str, candidate_key: str, minimum: int = 0) -> int | None:
    """The fuzzy score of two different match keys: the mean of their similarity as written and with
    diacritics folded (a missing or wrong mark counts half a letter), rounded down, at most 99; None
    under ``minimum``. Folding never lowers the similarity, so the folded one bounds the score."""
    folded = fuzz.ratio(folded_key, fold(candidate_key), score_cutoff=minimum)
    if not folded:
        return None
    written = fuzz.ratio(key, candidate_key, score_cutoff=max(0.0, 2 * minimum - folded))
    if 2 * minimum - folded > 0 and not written:
        return None
    score = min(99, math.floor((written + folded) / 2))
    return score if score >= minimum else None


_DIFF_TOKEN = re.compile(
    r"</?[bia]\d+>|\s+|[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uac00-\ud7af]|[^\W_]+|[\W_]",
)


def diff_pieces(memory_source: str, current_source: str) -> tuple[DiffPiece, ...]:
    """Word-level differences of a match's source from the current source (see ``DiffPiece``)."""
    old = _DIFF_TOKEN.findall(memory_source)
    new = _DIFF_TOKEN.findall(current_source)
    pieces: list[DiffPiece] = []

    def put(op: str, text: str) -> None:
        if not text:
            return
        if pieces and pieces[-1].op == op:
            pieces[-1] = DiffPiece(op, pieces[-1].text + text)
        else:
            pieces.append(DiffPiece(op, text))

    for code in Indel.opcodes(old, new):
        if code.tag == "equal":
            put(EQUAL, "".join(old[code.src_start : code.src_end]))
        else:
            put(REMOVED, "".join(old[code.src_start : code.src_end]))
            put(ADDED, "".join(new[code.dest_start : code.dest_end]))
    return tuple(pieces)


def _side(unit: UnitRow, language: str) -> tuple[str, str, str]:
    """The unit's text in ``language``, the other language and its text."""
    if unit.source_lang == language:
        return unit.source_text, unit.target_lang, unit.target_text
    return unit.target_text, unit.source_lang, unit.source_text


def _identity(source_lang: str, target_lang: str, source: str, target: str) -> tuple[str, str, str, str]:
    """The same for a unit and the unit the other way round."""
    if source_lang < target_lang:
        return source_lang, target_lang, source, target
    return target_lang, source_lang, target, source


def _check_language(language: str) -> None:
    if language not in LANGUAGES:
        raise BadInput(f"unknown language {language!r}; languages are {', '.join(LANGUAGES)}")


def _check_pair(source_lang: str, target_lang: str) -> None:
    _check_language(source_lang)
    _check_language(target_lang)
    if source_lang == target_lang:
        raise BadInput(f"a memory pairs two different languages, not {source_lang} with itself")


def _checked(source_lang: str, target_lang: str, source: str, target: str) -> tuple[str, str]:
    _check_pair(source_lang, target_lang)
    source, target = normalise_text(source).strip(), normalise_text(target).strip()
    if not strip_tags(source).strip() or not strip_tags(target).strip():
        raise BadInput("a memory unit needs text on both sides")
    return source, target
