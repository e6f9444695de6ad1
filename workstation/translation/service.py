"""Starting translations and editing their segments.

A translation is an article of its own (Superdesk's model): `translated_from` names the source,
`translation_id` the family. Its headline, lead and blocks are rebuilt from the target segments, so
everything that reads articles (lists, export, bundles) reads translations the same way.
"""

from __future__ import annotations

import hashlib
from dataclasses import replace

from workstation.clock import Clock, timestamp
from workstation.editorial.service import check_language
from workstation.errors import NotFound, Refused
from workstation.events import ChangeBus
from workstation.ids import new_id
from workstation.language.normalise import normalise_text
from workstation.language.segment import segment
from workstation.model import Article, ArticleState, Block, Changes, Segment, SegmentState
from workstation.storage.articles import ArticleRepository
from workstation.storage.segments import SegmentRepository
from workstation.storage.store import Store

CJK = {"zh", "ja", "ko"}


def source_hash(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def segments_of(article: Article) -> list[Segment]:
    """Every translatable sentence of an article, addressed `<part>#<n>`, in reading order."""
    parts: list[tuple[str, str]] = [("headline", article.headline)]
    if article.subheadline:
        parts.append(("subheadline", article.subheadline))
    parts.append(("lead", article.lead))
    parts += [(block.id, block.text) for block in article.blocks]
    segments: list[Segment] = []
    for part, text in parts:
        for n, sentence in enumerate(segment(text, article.language)):
            segments.append(
                Segment(
                    address=f"{part}#{n}",
                    position=len(segments),
                    part=part,
                    source_text=sentence,
                    source_hash=source_hash(sentence),
                )
            )
    return segments


def join_sentences(sentences: list[str], language: str) -> str:
    return ("" if language in CJK else " ").join(sentence for sentence in sentences if sentence)


class TranslationService:
    def __init__(self, store: Store, station_id: str, clock: Clock, bus: ChangeBus) -> None:
        self._articles = ArticleRepository(store)
        self._segments = SegmentRepository(store)
        self._store = store
        self._station_id = station_id
        self._clock = clock
        self._bus = bus

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
            state=ArticleState.DRAFT,
            translated_from=source.id,
            translation_id=source.translation_id or source.id,
            direction="forward" if source.language == "vi" else "backward",
            blocks=[Block(id=block.id, kind=block.kind, text="") for block in source.blocks],
        )
        with self._store.transaction():
            self._articles.insert(translation)
            self._segments.replace_all(translation.id, segments_of(source), now)
        self._bus.publish(Changes(translations=True, articles=True))
        return translation

    def get(self, translation_id: str) -> Article:
        translation = self._articles.get(translation_id)
        if translation is None or not translation.is_translation:
            raise NotFound(f"no translation with id {translation_id}")
        return translation

    def segments(self, translation_id: str) -> list[Segment]:
        self.get(translation_id)
        return self._segments.list(translation_id)

    def translations_of(self, source_id: str) -> list[Article]:
        return [self.get(tid) for tid in self._articles.translation_ids_of(source_id)]

    def save_segment(
        self,
        translation_id: str,
        address: str,
        target_text: str,
        state: str = SegmentState.TRANSLATED,
        origin: str = "human",
    ) -> Article:
        """Store one target sentence and rebuild the translation's fields, in one transaction."""
        translation = self.get(translation_id)
        now = timestamp(self._clock())
        with self._store.transaction():
            text = normalise_text(target_text).strip()
            if not self._segments.update_target(translation_id, address, text, SegmentState(state), origin, now):
                raise NotFound(f"translation {translation_id} has no segment {address}")
            rebuilt = self._rebuilt(translation, self._segments.list(translation_id))
            rebuilt = replace(rebuilt, version=translation.version + 1, updated_at=now)
            self._articles.update(rebuilt)
        self._bus.publish(Changes(translations=True))
        return rebuilt

    def _rebuilt(self, translation: Article, segments: list[Segment]) -> Article:
        by_part: dict[str, list[str]] = {}
        for item in segments:
            by_part.setdefault(item.part, []).append(item.target_text)

        def text_of(part: str) -> str:
            return join_sentences(by_part.get(part, []), translation.language)

        return replace(
            translation,
            headline=text_of("headline"),
            subheadline=text_of("subheadline"),
            lead=text_of("lead"),
            blocks=[replace(block, text=text_of(block.id)) for block in translation.blocks],
        )
