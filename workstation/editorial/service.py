"""Creating, editing and importing articles."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from workstation.clock import Clock, timestamp
from workstation.errors import BadInput, NotFound
from workstation.events import ChangeBus
from workstation.ids import new_id
from workstation.language.normalise import normalise_text, read_text_file
from workstation.model import LANGUAGES, Article, ArticleSummary, Block, Changes
from workstation.storage.articles import ArticleRepository
from workstation.storage.store import Store

_TEXT_FIELDS = ("headline", "subheadline", "lead", "byline", "dateline")


def check_language(language: str) -> str:
    if language not in LANGUAGES:
        raise BadInput(f"unknown language {language!r}; use one of {', '.join(LANGUAGES)}")
    return language


class EditorialService:
    def __init__(self, store: Store, station_id: str, clock: Clock, bus: ChangeBus) -> None:
        self._articles = ArticleRepository(store)
        self._station_id = station_id
        self._clock = clock
        self._bus = bus

    def create_article(
        self,
        language: str,
        headline: str,
        lead: str = "",
        paragraphs: list[str] | None = None,
        byline: str = "",
        dateline: str = "",
        subheadline: str = "",
    ) -> Article:
        now = timestamp(self._clock())
        article = Article(
            id=new_id(),
            station_id=self._station_id,
            language=check_language(language),
            created_at=now,
            updated_at=now,
            blocks=[Block(id=new_id(), text=text) for text in paragraphs or []],
        )
        article = self._normalised(
            replace(article, headline=headline, lead=lead, byline=byline, dateline=dateline, subheadline=subheadline)
        )
        self._articles.insert(article)
        self._bus.publish(Changes(articles=True))
        return article

    def save(self, article: Article) -> Article:
        """Store an edited article as its next version; text is normalised on the way in."""
        stored = self.get(article.id)
        updated = self._normalised(replace(article, version=stored.version + 1, updated_at=timestamp(self._clock())))
        self._articles.update(updated)
        self._bus.publish(Changes(articles=True, translations=article.is_translation))
        return updated

    def get(self, article_id: str) -> Article:
        article = self._articles.get(article_id)
        if article is None:
            raise NotFound(f"no article with id {article_id}")
        return article

    def summaries(self, limit: int = -1, offset: int = 0, translations: bool | None = None) -> list[ArticleSummary]:
        return self._articles.summaries(limit, offset, translations)

    def count(self, translations: bool | None = None) -> int:
        return self._articles.count(translations)

    def import_text_file(self, path: Path, language: str = "vi") -> Article:
        """A .txt file: first line the headline, then blank-line separated paragraphs, the first the lead."""
        # UTF-8/16 and the legacy Vietnamese encodings (TCVN3, VNI) all arrive as NFC Unicode.
        headline, _, rest = read_text_file(path).strip().partition("\n")
        paragraphs = [" ".join(chunk.split()) for chunk in rest.split("\n\n") if chunk.strip()]
        if not headline.strip():
            raise BadInput(f"{path} has no headline on its first line")
        lead, body = (paragraphs[0], paragraphs[1:]) if paragraphs else ("", [])
        return self.create_article(language, headline.strip(), lead=lead, paragraphs=body)

    @staticmethod
    def _normalised(article: Article) -> Article:
        fields = {name: normalise_text(getattr(article, name)).strip() for name in _TEXT_FIELDS}
        blocks = [replace(block, text=normalise_text(block.text).strip()) for block in article.blocks]
        return replace(article, blocks=blocks, **fields)
