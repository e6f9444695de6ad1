"""The pictures of articles: adding photos, their texts per language, and the files the app shows and sends.

`add` does the slow image work before touching the store, then writes the media files, then commits
the media rows and the picture row in one short transaction: the store lock is never held while a
photo is decoded, and a crash leaves at most unreferenced files, which `collect_orphans` removes.
"""

from __future__ import annotations

from pathlib import Path

from workstation.clock import Clock, timestamp
from workstation.editorial.pictures import UNDETERMINED_LANGUAGE, PictureMetadata, PreparedPicture, prepare_picture
from workstation.errors import BadInput, NotFound, Refused
from workstation.events import ChangeBus
from workstation.ids import new_id
from workstation.language.normalise import normalise_text
from workstation.model import LANGUAGES, Changes, Picture
from workstation.storage.media import MediaFile, MediaRepository, PictureRepository, merge_texts
from workstation.storage.store import Store

Texts = dict[str, str]


class PictureLibrary:
    def __init__(self, store: Store, clock: Clock, bus: ChangeBus | None = None) -> None:
        self._store = store
        self._clock = clock
        self._bus = bus
        self._media = MediaRepository(store)
        self._pictures = PictureRepository(store)

    def add(
        self,
        article_id: str,
        source: Path | bytes,
        name: str = "",
        captions: Texts | None = None,
        alt_texts: Texts | None = None,
        credits: Texts | None = None,
        default_language: str = "vi",
    ) -> Picture:
        """Store a JPEG, PNG or WebP photo for the article; texts given here override those in the photo.

        The photo's own texts go into the languages its metadata declares; texts without a declared
        language go into `default_language`. Slow for large photos: call it from a worker thread, and
        not inside a store transaction (which would hold the store lock during the image work).
        """
        self._require_article(article_id)  # fail before the image work, not after
        explicit = [_checked_texts(texts) for texts in (captions, alt_texts, credits)]
        default_language = _checked_language(default_language)
        prepared = prepare_picture(source, name)
        prefilled = prefill_texts(prepared.metadata, default_language)
        captions, alt_texts, credits = (merge_texts(pre, given) for pre, given in zip(prefilled, explicit, strict=True))
        picture = Picture(
            id=new_id(),
            article_id=article_id,
            media_sha256=prepared.original_sha256,
            rendition_sha256=prepared.rendition_sha256,
            content_type=prepared.content_type,
            width=prepared.width,
            height=prepared.height,
            captions=captions,
            alt_texts=alt_texts,
            credits=credits,
            copyright_holder=_clean(prepared.metadata.copyright_notice),
            original_name=_clean(name or _file_name(source)),
            created_at=timestamp(self._clock()),
        )
        thumbnail_sha256 = self._write_files(prepared)
        with self._store.transaction():
            self._require_article(article_id)  # it may have been deleted while the photo was prepared
            self._record_media(prepared, picture.created_at)
            self._pictures.insert(picture, thumbnail_sha256)
        self._publish()
        return picture

    def get(self, picture_id: str) -> Picture:
        picture = self._pictures.get(picture_id)
        if picture is None:
            raise NotFound(f"no picture with id {picture_id}")
        return picture

    def pictures_of(self, article_id: str) -> list[Picture]:
        """In the order they were added."""
        self._require_article(article_id)
        return self._pictures.of_article(article_id)

    def update_texts(
        self,
        picture_id: str,
        captions: Texts | None = None,
        alt_texts: Texts | None = None,
        credits: Texts | None = None,
        copyright_holder: str | None = None,
    ) -> Picture:
        """Per language: a given language replaces that language only; an empty text removes it."""
        picture = self._pictures.update_texts(
            picture_id,
            captions=_checked_texts(captions),
            alt_texts=_checked_texts(alt_texts),
            credits=_checked_texts(credits),
            copyright_holder=None if copyright_holder is None else _clean(copyright_holder),
            updated_at=timestamp(self._clock()),
        )
        if picture is None:
            raise NotFound(f"no picture with id {picture_id}")
        self._publish()
        return picture

    def delete(self, picture_id: str) -> None:
        """Remove a picture no body block shows any more; its files go at the next orphan collection."""
        self.get(picture_id)
        if self._pictures.block_count(picture_id):
            raise Refused("the picture is still placed in the article's text; remove its block first")
        self._pictures.delete(picture_id)
        self._publish()

    def original_path(self, picture: Picture) -> Path:
        return self._file(picture.media_sha256, picture)

    def rendition_path(self, picture: Picture) -> Path:
        return self._file(picture.rendition_sha256, picture)

    def thumbnail_path(self, picture: Picture) -> Path:
        sha256 = self._pictures.thumbnail_sha256(picture.id)
        if sha256 is None:
            raise NotFound(f"no picture with id {picture.id}")
        return self._file(sha256, picture)

    def media_file(self, sha256: str) -> MediaFile:
        """Content type, size and dimensions of a stored file (the rendition's, for the ninjs export)."""
        media = self._media.get(sha256)
        if media is None:
            raise NotFound(f"no media file {sha256}")
        return media

    def collect_orphans(self) -> int:
        """Delete media files no picture uses any more; returns how many were removed."""
        return self._media.collect_orphans()

    def _write_files(self, prepared: PreparedPicture) -> str:
        self._media.write_file(prepared.original)
        self._media.write_file(prepared.rendition)
        return self._media.write_file(prepared.thumbnail)

    def _record_media(self, prepared: PreparedPicture, created_at: str) -> None:
        records = (
            (prepared.original_sha256, prepared.content_type, len(prepared.original), prepared.width, prepared.height),
            (
                prepared.rendition_sha256, prepared.rendition_content_type, len(prepared.rendition),
                prepared.rendition_width, prepared.rendition_height,
            ),
            (
                prepared.thumbnail_sha256, prepared.thumbnail_content_type, len(prepared.thumbnail),
                prepared.thumbnail_width, prepared.thumbnail_height,
            ),
        )  # fmt: skip
        for sha256, content_type, size, width, height in records:
            self._media.record(sha256, content_type, size, width, height, created_at)

    def _file(self, sha256: str, picture: Picture) -> Path:
        path = self._media.path(sha256)
        if not path.is_file():
            raise NotFound(f"the file of picture {picture.original_name or picture.id} is missing from {path.parent}")
        return path

    def _require_article(self, article_id: str) -> None:
        if not self._pictures.article_exists(article_id):
            raise NotFound(f"no article with id {article_id}; pictures belong to an existing article")

    def _publish(self) -> None:
        if self._bus is not None:
            self._bus.publish(Changes(articles=True))


def prefill_texts(metadata: PictureMetadata, default_language: str) -> tuple[Texts, Texts, Texts]:
    """Captions, alt texts and credits from the photo, keyed by the station's languages.

    A credit is a name rather than prose, so it goes into every language the captions or alt texts
    declare; the byline stands in when the photo names no credit.
    """
    captions = _by_language(metadata.captions, default_language)
    alt_texts = _by_language(metadata.alt_texts, default_language)
    credit = _clean(metadata.credit or metadata.byline)
    languages = list(dict.fromkeys([*captions, *alt_texts])) or [default_language]
    credits = {language: credit for language in languages} if credit else {}
    return captions, alt_texts, credits


def _by_language(texts: Texts, default_language: str) -> Texts:
    """XMP tags (vi, en-US, x-default) to the station's languages; other languages are left out."""
    result: Texts = {}
    for tag, text in texts.items():
        language = _station_language(tag)
        if language and _clean(text):
            result.setdefault(language, _clean(text))
    undetermined = _clean(texts.get(UNDETERMINED_LANGUAGE, ""))
    if undetermined:
        result.setdefault(default_language, undetermined)
    return result


def _station_language(tag: str) -> str | None:
    primary = tag.strip().lower().replace("_", "-").split("-")[0]
    return primary if primary in LANGUAGES else None


def _checked_language(language: str) -> str:
    if language not in LANGUAGES:
        raise BadInput(f"unknown language {language!r}; use one of {', '.join(LANGUAGES)}")
    return language


def _checked_texts(texts: Texts | None) -> Texts | None:
    if texts is None:
        return None
    return {_checked_language(language): _clean(text) for language, text in texts.items()}


def _file_name(source: Path | bytes) -> str:
    return "" if isinstance(source, bytes | bytearray | memoryview) else Path(source).name


def _clean(text: str) -> str:
    return normalise_text(text).strip()
