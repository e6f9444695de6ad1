"""Drafting: creating, editing, clearing and importing articles, with every version kept."""

from __future__ import annotations

import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING

from workstation.clock import Clock, timestamp
from workstation.editorial import workflow
from workstation.editorial.people import PeopleService
from workstation.editorial.revisions import FieldDiff, diff_articles
from workstation.errors import BadInput, NotFound, Refused
from workstation.events import ChangeBus
from workstation.ids import new_id
from workstation.language.normalise import normalise_text, read_text_file
from workstation.model import (
    LANGUAGES,
    Article,
    ArticleFilter,
    ArticleState,
    ArticleSummary,
    Block,
    BlockKind,
    Changes,
    Genre,
    Mark,
    Picture,
    Revision,
    StateChange,
)
from workstation.storage.articles import ArticleRepository
from workstation.storage.people import StateChangeRepository
from workstation.storage.revisions import AUTOSAVE, RevisionRepository
from workstation.storage.store import Store

if TYPE_CHECKING:
    from workstation.editorial.picture_library import PictureLibrary


@dataclass(frozen=True)
class DocxImport:
    article: Article
    warnings: list[str]


_TEXT_FIELDS = ("headline", "subheadline", "lead", "byline", "dateline", "notes")
# Autosaves by one person within ten minutes share one revision (see RevisionRepository.record).
REVISION_WINDOW_SECONDS = 600.0

EDIT, AUTOSAVE_REASON, RESTORE, IMPORT, CREATED = "edit", AUTOSAVE, "restore", "import", "created"


def check_language(language: str) -> str:
    if language not in LANGUAGES:
        raise BadInput(f"unknown language {language!r}; use one of {', '.join(LANGUAGES)}")
    return language


def check_genre(genre: str) -> str:
    if genre not in set(Genre):
        raise BadInput(f"unknown genre {genre!r}; use one of {', '.join(Genre)}")
    return genre


class EditorialService:
    def __init__(
        self,
        store: Store,
        station_id: str,
        clock: Clock,
        bus: ChangeBus,
        people: PeopleService,
        pictures: Callable[[], PictureLibrary] | None = None,
    ) -> None:
        self._store = store
        self._articles = ArticleRepository(store)
        self._revisions = RevisionRepository(store)
        self._state_changes = StateChangeRepository(store)
        self._station_id = station_id
        self._clock = clock
        self._bus = bus
        self._people = people
        self._pictures = pictures

    # --- writing ----------------------------------------------------------------------------

    def create_article(
        self,
        language: str,
        headline: str,
        lead: str = "",
        paragraphs: list[str] | None = None,
        byline: str = "",
        dateline: str = "",
        subheadline: str = "",
        genre: str = Genre.NEWS,
        blocks: list[Block] | None = None,
        reason: str = CREATED,
    ) -> Article:
        now = timestamp(self._clock())
        article = Article(
            id=new_id(),
            station_id=self._station_id,
            language=check_language(language),
            genre=check_genre(genre),
            created_at=now,
            updated_at=now,
            created_by=self._people.current().id,
            blocks=blocks if blocks is not None else [Block(id=new_id(), text=text) for text in paragraphs or []],
            headline=headline,
            lead=lead,
            byline=byline,
            dateline=dateline,
            subheadline=subheadline,
        )
        article = _normalised(article)
        with self._store.transaction() as connection:
            self._articles.insert(article)
            self._revisions.record(connection, article, article.created_by, reason, REVISION_WINDOW_SECONDS)
        self._bus.publish(Changes(articles=True))
        return article

    def save(self, article: Article, reason: str = EDIT) -> Article:
        """Store an edited article as its next version, keeping a revision; text is normalised on the way in.

        Articles that have been cleared (approved and beyond) are locked: reopen them as a draft first.
        """
        with self._store.transaction() as connection:
            stored = self.get(article.id)
            if stored.state not in workflow.EDITABLE_STATES and not stored.is_translation:
                raise Refused(
                    f"the article is {stored.state} and locked; move it back to draft to change it "
                    "(it will need clearing again)"
                )
            check_language(article.language)
            check_genre(article.genre)
            updated = _normalised(
                replace(
                    article,
                    state=stored.state,
                    version=stored.version + 1,
                    updated_at=timestamp(self._clock()),
                    created_by=stored.created_by,
                )
            )
            self._articles.update(updated)
            self._revisions.record(connection, updated, self._people.current().id, reason, REVISION_WINDOW_SECONDS)
        self._bus.publish(Changes(articles=True, translations=article.is_translation))
        return updated

    def update_fields(self, article_id: str, **fields: str | list[str] | None) -> Article:
        """Change some metadata fields (the CLI's `article update`) as one new revision."""
        known = set(_TEXT_FIELDS) | {"genre", "language", "subjects", "keywords", "embargo"}
        unknown = set(fields) - known
        if unknown:
            raise BadInput(f"cannot update {', '.join(sorted(unknown))}")
        given = {name: value for name, value in fields.items() if value is not None}
        if not given:
            raise BadInput("nothing to update: give at least one field")
        return self.save(replace(self.get(article_id), **given))

    def set_state(self, article_id: str, to_state: str, comment: str = "") -> Article:
        """Move an article along the workflow as the acting profile; Refused says why it may not."""
        profile = self._people.current()
        with self._store.transaction() as connection:
            article = self.get(article_id)
            reason = workflow.refusal(profile, article.state, to_state, article.is_translation)
            if reason is not None:
                raise Refused(f"cannot move “{article.headline or article.id}” to {to_state}: {reason}")
            now = timestamp(self._clock())
            updated = replace(article, state=to_state, version=article.version + 1, updated_at=now)
            self._articles.update(updated)
            self._state_changes.record(
                connection,
                StateChange(article.id, article.state, to_state, profile.id, profile.name, now, comment.strip()),
            )
        self._bus.publish(Changes(articles=True, translations=article.is_translation, packages=True))
        return updated

    def restore(self, article_id: str, version: int) -> Article:
        """Bring back the text and metadata of an earlier version as a new version (nothing is lost)."""
        revision = self.revision(article_id, version)
        current = self.get(article_id)
        restored = replace(
            revision.article,
            id=current.id,
            state=current.state,
            translated_from=current.translated_from,
            translation_id=current.translation_id,
            direction=current.direction,
        )
        return self.save(restored, reason=f"{RESTORE} of version {version}")

    # --- reading ----------------------------------------------------------------------------

    def get(self, article_id: str) -> Article:
        article = self._articles.get(article_id)
        if article is None:
            raise NotFound(f"no article with id {article_id}")
        return article

    def summaries(
        self,
        limit: int = -1,
        offset: int = 0,
        translations: bool | None = None,
        filter: ArticleFilter | None = None,
    ) -> list[ArticleSummary]:
        if filter is None:
            return self._articles.summaries(limit, offset, translations)
        return self._articles.summaries(limit, offset, filter=filter)

    def count(self, translations: bool | None = None, filter: ArticleFilter | None = None) -> int:
        if filter is None:
            return self._articles.count(translations)
        return self._articles.count(filter=filter)

    def history(self, article_id: str) -> list[Revision]:
        """Revisions, newest first."""
        self.get(article_id)
        return self._revisions.of_article(article_id)

    def revision(self, article_id: str, version: int) -> Revision:
        revision = self._revisions.get(article_id, version)
        if revision is None:
            versions = ", ".join(str(r.version) for r in self.history(article_id))
            raise NotFound(f"article {article_id} has no revision {version}; revisions: {versions}")
        return revision

    def diff(self, article_id: str, from_version: int, to_version: int | None = None) -> list[FieldDiff]:
        """What changed between two revisions (`to_version` None: the article as it is now)."""
        old = self.revision(article_id, from_version).article
        new = self.get(article_id) if to_version is None else self.revision(article_id, to_version).article
        return diff_articles(old, new, lambda picture_id: self._describe_picture(picture_id, new.language))

    def _describe_picture(self, picture_id: str, language: str) -> str:
        try:
            picture = self.pictures.get(picture_id)
        except (NotFound, RuntimeError):
            return f"picture {picture_id}"
        caption = picture.captions.get(language) or next(iter(picture.captions.values()), "")
        return f"picture: {caption or picture.original_name or picture.id}"

    def state_changes(self, article_id: str) -> list[StateChange]:
        self.get(article_id)
        return self._state_changes.of_article(article_id)

    # --- pictures ---------------------------------------------------------------------------

    def add_picture(
        self,
        article_id: str,
        source: Path | bytes,
        name: str = "",
        captions: dict[str, str] | None = None,
        alt_texts: dict[str, str] | None = None,
        credits: dict[str, str] | None = None,
        position: int | None = None,
    ) -> Picture:
        """Store a photo and place it as a picture block (at the end, or before block `position`)."""
        article = self.get(article_id)
        if article.is_translation:
            raise Refused("pictures are added to the source article; translations follow it")
        if article.state not in workflow.EDITABLE_STATES:
            raise Refused(f"the article is {article.state} and locked; move it back to draft to add pictures")
        picture = self.pictures.add(
            article_id,
            source,
            name=name,
            captions=captions,
            alt_texts=alt_texts,
            credits=credits,
            default_language=article.language,
        )
        block = Block(id=new_id(), text="", kind=BlockKind.PICTURE, picture_id=picture.id)
        blocks = list(article.blocks)
        blocks.insert(len(blocks) if position is None else max(0, min(position, len(blocks))), block)
        self.save(replace(article, blocks=blocks), reason="picture added")
        return picture

    @property
    def pictures(self) -> PictureLibrary:
        if self._pictures is None:
            raise RuntimeError("this editorial service was built without a picture library")
        return self._pictures()

    # --- files ------------------------------------------------------------------------------

    def import_text_file(self, path: Path, language: str = "vi") -> Article:
        """A .txt file: first line the headline, then blank-line separated paragraphs, the first the lead."""
        # UTF-8/16 and the legacy Vietnamese encodings (TCVN3, VNI) all arrive as NFC Unicode.
        headline, _, rest = read_text_file(path).strip().partition("\n")
        paragraphs = [" ".join(chunk.split()) for chunk in rest.split("\n\n") if chunk.strip()]
        if not headline.strip():
            raise BadInput(f"{path} has no headline on its first line")
        lead, body = (paragraphs[0], paragraphs[1:]) if paragraphs else ("", [])
        return self.create_article(language, headline.strip(), lead=lead, paragraphs=body, reason=IMPORT)

    def import_docx(self, path: Path, language: str | None = None) -> DocxImport:
        """A Word document as a new article, its pictures stored; nothing is kept when any part fails.

        `language` None: guessed from the text's script (Hangul, kana, Han, Vietnamese letters).
        """
        from workstation.editorial.docx_import import read_docx

        document = read_docx(path)
        language = check_language(language or guess_language(document.headline + document.lead))
        with self._store.transaction():
            article = self.create_article(
                language,
                document.headline,
                lead=document.lead,
                subheadline=document.subheadline,
                byline=document.byline,
                dateline=document.dateline,
                blocks=[],
                reason=IMPORT,
            )
            picture_ids: dict[str, str] = {}
            for image in document.images:
                picture = self.pictures.add(
                    article.id,
                    image.data,
                    name=image.filename,
                    captions={language: image.caption} if image.caption else None,
                    alt_texts={language: image.alt_text} if image.alt_text else None,
                    credits={language: image.credit} if image.credit else None,
                    default_language=language,
                )
                picture_ids[image.key] = picture.id
            blocks = [
                replace(block, picture_id=picture_ids[block.picture_id]) if block.kind == BlockKind.PICTURE else block
                for block in document.blocks
                if block.kind != BlockKind.PICTURE or block.picture_id in picture_ids
            ]
            article = self.save(replace(article, blocks=blocks), reason=IMPORT)
        return DocxImport(article, list(document.warnings))

    def export_docx(self, article_id: str, out_path: Path) -> Path:
        """The article as a clean Word document, pictures with their captions in its language."""
        from workstation.editorial.docx_export import ExportPicture, write_docx

        article = self.get(article_id)
        language = article.language
        pictures = []
        for picture_id in article.picture_ids:
            picture = self.pictures.get(picture_id)
            pictures.append(
                ExportPicture(
                    picture_id=picture.id,
                    image_path=self.pictures.rendition_path(picture),
                    caption=picture.captions.get(language, ""),
                    credit=picture.credits.get(language, ""),
                    alt_text=picture.alt_texts.get(language, ""),
                )
            )
        write_docx(article, pictures, Path(out_path))
        return Path(out_path)


_VIETNAMESE_LETTERS = frozenset("đăâêôơư")
_VIETNAMESE_MARKS = frozenset("\u0323\u0309\u0303")  # dot below, hook above, tilde: not in French or Spanish


def guess_language(text: str) -> str:
    """The likeliest of our languages for a text, from its script alone (Vietnamese when unsure)."""
    if any("\uac00" <= char <= "\ud7af" for char in text):
        return "ko"
    if any("\u3040" <= char <= "\u30ff" for char in text):
        return "ja"
    if any("\u4e00" <= char <= "\u9fff" for char in text):
        return "zh"
    decomposed = unicodedata.normalize("NFD", text.lower())
    letters = sum(1 for char in unicodedata.normalize("NFC", text.lower()) if char in _VIETNAMESE_LETTERS)
    if letters >= 2 or any(char in _VIETNAMESE_MARKS for char in decomposed):
        return "vi"
    return "en" if any(char.isalpha() for char in text) else "vi"


def _normalised(article: Article) -> Article:
    fields = {name: normalise_text(getattr(article, name)).strip() for name in _TEXT_FIELDS}
    blocks = [_normalised_block(block) for block in article.blocks]
    words = {name: _distinct_terms(getattr(article, name)) for name in ("subjects", "keywords")}
    embargo = (article.embargo or "").strip() or None
    return replace(article, blocks=blocks, embargo=embargo, **fields, **words)


def _distinct_terms(values: list[str]) -> list[str]:
    """Subjects or keywords with spaces collapsed, blanks and case-insensitive repeats dropped."""
    seen: dict[str, str] = {}
    for value in values:
        term = " ".join(normalise_text(value).split())
        if term and term.casefold() not in seen:
            seen[term.casefold()] = term
    return list(seen.values())


def _normalised_block(block: Block) -> Block:
    """NFC text; marks follow their characters when normalisation or trimming shifts them."""
    text = block.text.replace("\r\n", "\n").replace("\r", "\n")
    if not block.marks:
        return replace(block, text=normalise_text(text).strip())
    offsets = _nfc_offsets(text)
    normalised = unicodedata.normalize("NFC", text)
    stripped = normalised.strip()
    shift = len(normalised) - len(normalised.lstrip())
    marks = []
    for mark in block.marks:
        start = max(0, min(offsets[min(mark.start, len(text))] - shift, len(stripped)))
        end = max(0, min(offsets[min(mark.end, len(text))] - shift, len(stripped)))
        if end > start:
            marks.append(Mark(start, end, mark.kind, mark.href))
    return replace(block, text=stripped, marks=tuple(marks))


def _nfc_offsets(text: str) -> list[int]:
    """For each offset into `text`, the offset of the same place in its NFC form.

    NFC composes a base character with the marks that follow it, so each run starting at a base
    character is normalised on its own and the offsets inside a run point at its start.
    """
    if unicodedata.is_normalized("NFC", text):
        return list(range(len(text) + 1))
    offsets: list[int] = []
    position = 0
    run_start = 0
    for index in range(1, len(text) + 1):
        if index == len(text) or not unicodedata.combining(text[index]):
            run = unicodedata.normalize("NFC", text[run_start:index])
            offsets.extend([position] * (index - run_start))
            position += len(run)
            run_start = index
    offsets.append(position)
    return offsets


__all__ = ["ArticleState", "EditorialService", "check_genre", "check_language"]
