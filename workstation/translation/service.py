"""Translations: starting them, editing and reviewing their segments, following source edits, XLIFF.

A translation is an article of its own (Superdesk's model): `translated_from` names the source,
`translation_id` the family. Its headline, lead, blocks and picture texts are rebuilt from the
target segments, so everything that reads articles (lists, export, bundles) reads translations
the same way.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING

from workstation.clock import Clock, timestamp
from workstation.editorial.people import PeopleService
from workstation.editorial.service import check_language
from workstation.errors import BadInput, NotFound, Refused
from workstation.events import ChangeBus
from workstation.ids import new_id
from workstation.language.counting import count
from workstation.language.normalise import normalise_text
from workstation.model import Article, ArticleState, Block, BlockKind, Changes, Segment, SegmentState
from workstation.storage.articles import ArticleRepository
from workstation.storage.revisions import AUTOSAVE, RevisionRepository
from workstation.storage.segments import SegmentRepository
from workstation.storage.store import Store
from workstation.translation.segmenting import (
    ALT,
    CAPTION,
    PictureTexts,
    follow_source,
    join_sentences,
    links_of,
    rebuilt_part,
    segments_of,
    split_picture_part,
)
from workstation.translation.tags import strip_tags

if TYPE_CHECKING:
    from workstation.editorial.picture_library import PictureLibrary
    from workstation.translation.memory import TranslationMemory
    from workstation.translation.xliff import XliffSegment

REVISION_WINDOW_SECONDS = 600.0
CONFIRMED = frozenset({SegmentState.TRANSLATED, SegmentState.REVIEWED, SegmentState.FINAL})
ACCEPTED, REJECTED = "accepted", "rejected"


@dataclass(frozen=True)
class StateCount:
    segments: int = 0
    words: int = 0


@dataclass(frozen=True)
class TranslationStats:
    """Segments and source words by state; `unit` says whether "words" are words or CJK characters."""

    by_state: dict[str, StateCount]
    stale: StateCount
    total: StateCount
    unit: str

    def as_json(self) -> dict:
        return {
            "unit": self.unit,
            "total": {"segments": self.total.segments, "words": self.total.words},
            "stale": {"segments": self.stale.segments, "words": self.stale.words},
            "by_state": {
                state: {"segments": counted.segments, "words": counted.words}
                for state, counted in self.by_state.items()
            },
        }


@dataclass(frozen=True)
class XliffImport:
    translation: Article
    updated: int
    problems: list[str] = field(default_factory=list)


class TranslationService:
    def __init__(
        self,
        store: Store,
        station_id: str,
        clock: Clock,
        bus: ChangeBus,
        people: PeopleService,
        pictures: Callable[[], PictureLibrary] | None = None,
        final_blockers: Callable[[str], list[str]] | None = None,
        memory: Callable[[], TranslationMemory] | None = None,
    ) -> None:
        """`final_blockers(translation_id)` names what else keeps it from final (the QA errors);
        `memory` receives every confirmed segment."""
        self._final_blockers = final_blockers
        self._memory = memory
        self._articles = ArticleRepository(store)
        self._segments = SegmentRepository(store)
        self._revisions = RevisionRepository(store)
        self._store = store
        self._station_id = station_id
        self._clock = clock
        self._bus = bus
        self._people = people
        self._pictures = pictures

    # --- starting ---------------------------------------------------------------------------

    def create(self, source_id: str, target_language: str) -> Article:
        source = self._articles.get(source_id)
        if source is None:
            raise NotFound(f"no article with id {source_id}")
        check_language(target_language)
        if source.is_translation:
            raise Refused("translate from the source article, not from one of its translations")
        if target_language == source.language:
            raise Refused(f"the article is already in {target_language}")
        for existing_id in self._articles.translation_ids_of(source_id):
            existing = self._articles.get(existing_id)
            if existing and existing.language == target_language:
                raise Refused(f"a {target_language} translation exists already: {existing.id}")
        now = timestamp(self._clock())
        translation = Article(
            id=new_id(),
            station_id=self._station_id,
            language=target_language,
            created_at=now,
            updated_at=now,
            byline=source.byline,
            dateline=source.dateline,
            genre=source.genre,
            subjects=list(source.subjects),
            embargo=source.embargo,
            state=ArticleState.DRAFT,
            translated_from=source.id,
            translation_id=source.translation_id or source.id,
            direction="forward" if source.language == "vi" else "backward",
            created_by=self._people.current().id,
            blocks=_skeleton(source),
        )
        with self._store.transaction() as connection:
            self._articles.insert(translation)
            self._segments.replace_all(translation.id, segments_of(source, self._picture_texts(source)), now)
            self._segments.follow_source(translation.id, self._segments.source_fingerprint(source.id))
            self._revisions.record(connection, translation, translation.created_by, "created", 0)
        self._bus.publish(Changes(translations=True, articles=True))
        return translation

    # --- reading ----------------------------------------------------------------------------

    def get(self, translation_id: str) -> Article:
        translation = self._articles.get(translation_id)
        if translation is None or not translation.is_translation:
            raise NotFound(f"no translation with id {translation_id}")
        return translation

    def source_of(self, translation: Article) -> Article:
        assert translation.translated_from is not None
        source = self._articles.get(translation.translated_from)
        if source is None:
            raise NotFound(f"the source {translation.translated_from} of translation {translation.id} is gone")
        return source

    def segments(self, translation_id: str) -> list[Segment]:
        """The segments, first brought in line with the source if it changed since they were read."""
        self.follow_source(translation_id)
        return self._segments.list(translation_id)

    def translations_of(self, source_id: str) -> list[Article]:
        return [self.get(tid) for tid in self._articles.translation_ids_of(source_id)]

    def statistics(self, translation_id: str) -> TranslationStats:
        translation = self.get(translation_id)
        source_language = self.source_of(translation).language
        by_state = {state: [0, 0] for state in SegmentState}
        stale = [0, 0]
        unit = "words"
        for item in self.segments(translation_id):
            counts = count(item.source_text, source_language)
            unit = counts.unit
            by_state[SegmentState(item.state)][0] += 1
            by_state[SegmentState(item.state)][1] += counts.length
            if item.is_stale:
                stale[0] += 1
                stale[1] += counts.length
        total = StateCount(sum(c[0] for c in by_state.values()), sum(c[1] for c in by_state.values()))
        return TranslationStats(
            {str(state): StateCount(*counted) for state, counted in by_state.items()},
            StateCount(*stale),
            total,
            unit,
        )

    # --- following the source ---------------------------------------------------------------

    def follow_source(self, translation_id: str) -> bool:
        """Bring the segments in line with an edited source; True when anything changed.

        Exactly the sentences whose source text changed become stale (their target kept); new
        blocks and pictures join as new segments; removed ones go; the rest is untouched.
        """
        translation = self.get(translation_id)
        source = self.source_of(translation)
        fingerprint = self._segments.source_fingerprint(source.id)
        if self._segments.followed_source(translation_id) == fingerprint:
            return False
        now = timestamp(self._clock())
        with self._store.transaction():
            current = self._segments.list(translation_id)
            fresh = segments_of(source, self._picture_texts(source))
            self._segments.follow_source(translation_id, fingerprint)
            if [(s.address, s.source_hash) for s in current] == [(s.address, s.source_hash) for s in fresh]:
                return False  # a change that does not touch the text, such as a caption in another language
            followed, moves = follow_source(current, fresh)
            self._segments.replace_all(translation_id, followed, now)
            self._segments.readdress_comments(translation_id, moves)
            structured = replace(translation, blocks=_skeleton(source, translation))
            self._write_text(structured, followed, now, reason="source changed")
        self._bus.publish(Changes(translations=True))
        return True

    # --- editing ----------------------------------------------------------------------------

    def save_segment(
        self,
        translation_id: str,
        address: str,
        target_text: str,
        state: str = SegmentState.TRANSLATED,
        origin: str = "human",
    ) -> Article:
        """Store one target sentence and rebuild the translation's text, in one transaction.

        Confirming (translated or beyond) clears a stale mark: the translator has checked the
        target against the changed source.
        """
        state = SegmentState(state)
        text = normalise_text(target_text).strip()
        if state in CONFIRMED and not text:
            raise Refused(f"segment {address} cannot be {state} while its target is empty")
        translation = self.get(translation_id)
        now = timestamp(self._clock())
        profile = self._people.current()
        with self._store.transaction():
            updated = self._segments.update_target(
                translation_id, address, text, state, origin, now, profile.id, clear_stale=state in CONFIRMED
            )
            if not updated:
                raise NotFound(f"translation {translation_id} has no segment {address}")
            segments = self._segments.list(translation_id)
            if state in CONFIRMED and self._memory is not None:
                segments = self._remember(translation, segments, address, now, profile.id)
            rebuilt = self._write_text(translation, segments, now, reason=AUTOSAVE)
        self._bus.publish(Changes(translations=True))
        return rebuilt

    def _remember(
        self, translation: Article, segments: list[Segment], address: str, now: str, profile_id: str
    ) -> list[Segment]:
        """A confirmed segment goes into the memory, and fills the untranslated repetitions of its
        source in this translation (unless propagation is switched off)."""
        assert self._memory is not None
        memory = self._memory()
        confirmed = next(item for item in segments if item.address == address)
        if not strip_tags(confirmed.target_text).strip() or not strip_tags(confirmed.source_text).strip():
            return segments  # only tags: nothing a later sentence could reuse
        source_language = self.source_of(translation).language
        memory.add(
            source_language,
            translation.language,
            confirmed.source_text,
            confirmed.target_text,
            origin=translation.id,
            profile=self._people.current(),
        )
        repeats = memory.propagate(segments, confirmed)
        for repeat in repeats:
            self._segments.update_target(
                translation.id, repeat, confirmed.target_text, SegmentState.TRANSLATED, "propagated", now, profile_id,
                clear_stale=True,
            )  # fmt: skip
        return self._segments.list(translation.id) if repeats else segments

    def review(self, translation_id: str, address: str, accepted: bool, comment: str = "") -> Segment:
        """A reviewer's verdict: accepted makes the segment reviewed; rejected sends it back to draft
        with the comment, which the translator sees beside it. The translator cannot review their own."""
        profile = self._people.current()
        segment = self._segment(translation_id, address)
        comment = normalise_text(comment).strip()
        if segment.updated_by == profile.id:
            raise Refused(f"{profile.name} translated {address}; another person reviews it")
        if accepted and (not segment.target_text or segment.is_stale):
            raise Refused(f"{address} cannot be accepted: it is {'stale' if segment.is_stale else 'not translated'}")
        if not accepted and not comment:
            raise BadInput("say why the segment is rejected: the translator needs the comment")
        now = timestamp(self._clock())
        with self._store.transaction():
            new_state = SegmentState.REVIEWED if accepted else SegmentState.DRAFT
            self._segments.set_state(translation_id, address, new_state, now)
            self._segments.add_comment(
                translation_id, address, profile.id, now, ACCEPTED if accepted else REJECTED, comment
            )
        self._bus.publish(Changes(translations=True))
        return self._segment(translation_id, address)

    def comment(self, translation_id: str, address: str, text: str) -> Segment:
        text = normalise_text(text).strip()
        if not text:
            raise BadInput("a comment needs some text")
        self._segment(translation_id, address)
        self._segments.add_comment(
            translation_id, address, self._people.current().id, timestamp(self._clock()), "", text
        )
        self._bus.publish(Changes(translations=True))
        return self._segment(translation_id, address)

    def readiness_problems(self, translation_id: str, state: str) -> list[str]:
        """Why the segments cannot all be `state` yet; empty when they can."""
        state = SegmentState(state)
        if state not in CONFIRMED:
            return []
        problems = []
        for item in self.segments(translation_id):
            if not item.target_text:
                problems.append(f"{item.address}: not translated")
            elif item.is_stale:
                problems.append(f"{item.address}: the source changed; confirm the target again")
            elif item.comments and item.comments[-1].verdict == REJECTED and item.state == SegmentState.DRAFT:
                problems.append(f"{item.address}: rejected by {item.comments[-1].profile_name}, not yet corrected")
            elif state == SegmentState.FINAL and item.state not in CONFIRMED:
                problems.append(f"{item.address}: still {item.state}")
        if not problems and state == SegmentState.FINAL and self._final_blockers is not None:
            problems = self._final_blockers(translation_id)
        return problems

    def set_state(self, translation_id: str, state: str) -> list[str]:
        """Every segment to `state` (e.g. final), or the reasons it cannot be, changing nothing."""
        state = SegmentState(state)
        problems = self.readiness_problems(translation_id, state)
        if problems:
            return problems
        with self._store.transaction():
            self._segments.set_states(translation_id, state, timestamp(self._clock()))
        self._bus.publish(Changes(translations=True))
        return []

    # --- XLIFF ------------------------------------------------------------------------------

    def export_xliff(self, translation_id: str, out: Path) -> Path:
        from workstation.translation.xliff import write_xliff

        translation = self.get(translation_id)
        source = self.source_of(translation)
        write_xliff(
            out,
            translation_id=translation.id,
            source_id=source.id,
            source_language=source.language,
            target_language=translation.language,
            segments=[_xliff_segment(item) for item in self.segments(translation_id)],
            title=source.headline,
            part_labels=_part_labels(source),
        )
        return out

    def import_xliff(self, path: Path) -> XliffImport:
        """Targets and states from an XLIFF file; when anything does not match, nothing changes."""
        from workstation.translation.xliff import check_against, read_xliff

        document = read_xliff(path)
        translation = self.get(document.translation_id)
        source = self.source_of(translation)
        current = self.segments(translation.id)
        problems = check_against(
            document,
            [_xliff_segment(item) for item in current],
            translation_id=translation.id,
            source_language=source.language,
            target_language=translation.language,
            part_labels=_part_labels(source),
        )
        if problems:
            return XliffImport(translation, 0, problems)
        by_address = {item.address: item for item in current}
        now = timestamp(self._clock())
        profile = self._people.current()
        changed = 0
        with self._store.transaction():
            for incoming in document.segments:
                existing = by_address[incoming.address]
                target = normalise_text(incoming.target).strip()
                state = SegmentState(incoming.state)
                if state in CONFIRMED and not target:
                    state = SegmentState.NEW
                confirmed = state in CONFIRMED and not incoming.stale
                if (target, state, existing.is_stale and not confirmed) == (
                    existing.target_text,
                    existing.state,
                    existing.is_stale,
                ):
                    continue
                self._segments.update_target(
                    translation.id, incoming.address, target, state, "xliff", now, profile.id, confirmed
                )
                changed += 1
            rebuilt = self._write_text(translation, self._segments.list(translation.id), now, reason="xliff import")
        self._bus.publish(Changes(translations=True))
        return XliffImport(rebuilt, changed)

    # --- internals --------------------------------------------------------------------------

    def _segment(self, translation_id: str, address: str) -> Segment:
        for item in self.segments(translation_id):
            if item.address == address:
                return item
        raise NotFound(f"translation {translation_id} has no segment {address}")

    def _picture_texts(self, source: Article) -> dict[str, PictureTexts]:
        if self._pictures is None or not source.picture_ids:
            return {}
        library = self._pictures()
        texts = {}
        for picture in library.pictures_of(source.id):
            texts[picture.id] = PictureTexts(
                picture.captions.get(source.language, ""), picture.alt_texts.get(source.language, "")
            )
        return texts

    def _write_text(self, translation: Article, segments: list[Segment], now: str, reason: str) -> Article:
        """The translation's fields rebuilt from its segments, as a new version with a revision."""
        with self._store.transaction() as connection:
            rebuilt = replace(
                _rebuilt(translation, segments, self.source_of(translation)),
                version=translation.version + 1,
                updated_at=now,
            )
            self._articles.update(rebuilt)
            self._revisions.record(connection, rebuilt, self._people.current().id, reason, REVISION_WINDOW_SECONDS)
            self._write_picture_texts(translation, segments)
        return rebuilt

    def _write_picture_texts(self, translation: Article, segments: list[Segment]) -> None:
        if self._pictures is None:
            return
        texts: dict[tuple[str, str], list[str]] = {}
        for item in segments:
            picture = split_picture_part(item.part)
            if picture is not None:
                texts.setdefault(picture, []).append(item.target_text)
        library = self._pictures()
        for (kind, picture_id), sentences in texts.items():
            joined = {translation.language: join_sentences(sentences, translation.language)}
            if kind == CAPTION:
                library.update_texts(picture_id, captions=joined)
            elif kind == ALT:
                library.update_texts(picture_id, alt_texts=joined)


def _part_labels(source: Article) -> dict[str, str]:
    """Readable names for the parts, for XLIFF unit names and mismatch reports."""
    labels: dict[str, str] = {}
    counters: dict[str, int] = {}
    for block in source.blocks:
        kind = "picture" if block.kind == BlockKind.PICTURE else str(block.kind)
        counters[kind] = counters.get(kind, 0) + 1
        if block.kind == BlockKind.PICTURE and block.picture_id:
            labels[f"{CAPTION}:{block.picture_id}"] = f"caption of picture {counters[kind]}"
            labels[f"{ALT}:{block.picture_id}"] = f"alt text of picture {counters[kind]}"
        else:
            labels[block.id] = f"{kind} {counters[kind]}"
    return labels


def _skeleton(source: Article, translation: Article | None = None) -> list[Block]:
    """The translation's blocks: the source's structure (ids, kinds, pictures), texts kept where known."""
    texts = {block.id: block.text for block in translation.blocks} if translation else {}
    return [
        Block(id=block.id, kind=block.kind, text=texts.get(block.id, ""), picture_id=block.picture_id)
        for block in source.blocks
    ]


def _rebuilt(translation: Article, segments: list[Segment], source: Article) -> Article:
    """The translation's text from its target segments: tags become marks, plain fields lose them."""
    by_part: dict[str, list[str]] = {}
    for item in segments:
        by_part.setdefault(item.part, []).append(item.target_text)

    def plain(part: str) -> str:
        return strip_tags(join_sentences(by_part.get(part, []), translation.language))

    blocks = []
    for block in translation.blocks:
        if block.kind == BlockKind.PICTURE:
            blocks.append(block)
            continue
        targets = by_part.get(block.id, [])
        links = links_of(source, block.id) if any("<a" in target for target in targets) else []
        text, marks = rebuilt_part(targets, links, translation.language)
        blocks.append(replace(block, text=text, marks=marks))
    return replace(
        translation, headline=plain("headline"), subheadline=plain("subheadline"), lead=plain("lead"), blocks=blocks
    )


def _xliff_segment(item: Segment) -> XliffSegment:
    from workstation.translation.xliff import XliffSegment

    notes = tuple(
        f"{c.profile_name} ({c.verdict or 'note'}, {c.at}): {c.text}" if c.text else f"{c.profile_name}: {c.verdict}"
        for c in item.comments
    )
    return XliffSegment(
        address=item.address,
        source=item.source_text,
        target=item.target_text,
        state=item.state,
        notes=notes,
        stale_source=item.stale_source,
    )
