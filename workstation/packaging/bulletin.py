"""The quarterly bilingual bulletin: a package rendered as a Word document, English and Vietnamese side by side.

Layout (A4): a cover (station, title, quarter and issue date formatted by babel for each language) with
the contents the app generates beneath (numbered headlines in both languages, each with a PAGEREF field
to the page its article starts on, which LibreOffice fills in; Word asks to update fields on opening),
then each article from a new page in a borderless two-column table,
English left and Vietnamese right, one row per block so a paragraph and its translation start level.
Pictures span both columns once, their captions and credits beneath in each language. Every page but
the cover carries "Page X of Y" / "Trang X / Y". Text is Noto Serif (Times New Roman where missing),
each run tagged en-GB or vi-VN so spelling and hyphenation follow its language.

Which articles go in: every article of the package present in both English and Vietnamese, whichever
is the source (a vi article with an en translation, an en article with a vi translation, or a third
language's article translated into both). The others are left out of the document, which is for
readers, and reported to the coordinator who renders it: `BulletinResult.left_out` names each with its
languages (the CLI prints them as notes). A block translated on one side only shows beside an empty
cell and is reported in `BulletinResult.notes`; completeness is the package check's job, not the bulletin's.

The document is built in memory (python-docx cannot stream) and written through `atomic_writer`: a
failure or a cancel leaves no partial file and an earlier file of that name untouched.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

from workstation.clock import Clock
from workstation.errors import BadInput, Refused
from workstation.language.normalise import normalise_text
from workstation.model import Article, Picture
from workstation.packaging import bulletin_docx
from workstation.packaging.bulletin_docx import ENGLISH, VIETNAMESE
from workstation.user_files import atomic_writer

if TYPE_CHECKING:
    from workstation.editorial.picture_library import PictureLibrary
    from workstation.packaging.service import PackagingService

Progress = Callable[[int, int], None]

DEFAULT_TITLE = "Quarterly Bulletin"
DEFAULT_VIETNAMESE_TITLE = "Bản tin hằng quý"


class BulletinCancelled(Exception):
    """Rendering stopped at the user's request; no file was written."""


@dataclass(frozen=True)
class BulletinPicture:
    """A picture as the bulletin shows it: the web rendition (JPEG or PNG) and its texts per language."""

    picture_id: str
    image_path: Path
    captions: Mapping[str, str] = field(default_factory=dict)
    alt_texts: Mapping[str, str] = field(default_factory=dict)
    credits: Mapping[str, str] = field(default_factory=dict)

    def caption(self, language: str) -> str:
        return self.captions.get(language, "").strip()

    def alt_text(self, language: str) -> str:
        return self.alt_texts.get(language, "").strip()

    def credit(self, language: str) -> str:
        return self.credits.get(language, "").strip()


@dataclass(frozen=True)
class BilingualArticle:
    """One article of the bulletin: its English and Vietnamese versions (one of them usually the source,
    the other its translation, sharing block ids) and the pictures its picture blocks show, by id."""

    english: Article
    vietnamese: Article
    pictures: Mapping[str, BulletinPicture] = field(default_factory=dict)


@dataclass(frozen=True)
class LeftOut:
    """An article of the package not rendered because it is not in both English and Vietnamese."""

    article_id: str
    headline: str
    languages: tuple[str, ...]
    """Every language the article has in the package."""

    def as_json(self) -> dict:
        return {"id": self.article_id, "headline": self.headline, "languages": list(self.languages)}


@dataclass(frozen=True)
class BulletinCover:
    title: str = DEFAULT_TITLE
    vietnamese_title: str = DEFAULT_VIETNAMESE_TITLE
    """Shown under the title on the cover and in the header of Vietnamese pages; empty to show `title` alone."""
    station: str = ""
    issued: date = field(default_factory=date.today)
    package_name: str = ""


@dataclass(frozen=True)
class BulletinResult:
    path: Path
    articles: int
    left_out: list[LeftOut]
    notes: list[str]
    """Articles whose blocks are in one language only (shown beside empty cells)."""

    def as_json(self) -> dict:
        return {
            "path": str(self.path),
            "articles": self.articles,
            "left_out": [item.as_json() for item in self.left_out],
            "notes": self.notes,
        }


def render_bulletin(
    out_path: Path,
    cover: BulletinCover,
    articles: Sequence[BilingualArticle],
    progress: Progress | None = None,
    cancelled: Callable[[], bool] = lambda: False,
) -> list[str]:
    """Write the bulletin to `out_path` (atomically); returns notes on one-sided blocks.

    `progress(done, total)` is called as articles are laid out (the last step writes the file);
    `cancelled()` is checked before each article and before writing, raising BulletinCancelled.
    """
    if not articles:
        raise Refused("the bulletin needs at least one article in both English and Vietnamese")
    out_path = Path(out_path)
    if out_path.suffix.lower() != ".docx":
        raise BadInput(f"the bulletin is a Word document: name the file .docx, not {out_path.name}")
    total = len(articles) + 1
    _report(progress, 0, total)
    document = bulletin_docx.new_document(cover)
    bulletin_docx.write_cover(document, cover, len(articles))
    bulletin_docx.write_contents(document, articles)
    notes: list[str] = []
    for number, article in enumerate(articles, start=1):
        if cancelled():
            raise BulletinCancelled
        notes += bulletin_docx.write_article(document, number, article)
        _report(progress, number, total)
    bulletin_docx.write_header_and_footer(document, cover)
    bulletin_docx.ask_word_to_update_fields(document)
    if cancelled():
        raise BulletinCancelled
    with atomic_writer(out_path) as stream:
        document.save(stream)
    _report(progress, total, total)
    return notes


def bilingual_families(contents: Sequence[Article]) -> tuple[list[tuple[Article, Article]], list[LeftOut]]:
    """(english, vietnamese) per article family of a package's contents, in package order, and the
    families without both languages. `contents` is `PackagingService.contents`: sources, each followed
    by its translations."""
    families: dict[str, list[Article]] = {}
    for article in contents:
        families.setdefault(article.translated_from or article.id, []).append(article)
    pairs: list[tuple[Article, Article]] = []
    left_out: list[LeftOut] = []
    for source_id, family in families.items():
        by_language: dict[str, Article] = {}
        for article in family:  # the source comes first, so it wins over a translation into its own language
            by_language.setdefault(article.language, article)
        if ENGLISH in by_language and VIETNAMESE in by_language:
            pairs.append((by_language[ENGLISH], by_language[VIETNAMESE]))
        else:
            source = family[0]
            left_out.append(LeftOut(source_id, source.headline, tuple(by_language)))
    return pairs, left_out


class BulletinService:
    """Renders a package as the bulletin; what the CLI and the GUI's "Bulletin…" action call."""

    def __init__(self, packaging: PackagingService, pictures: PictureLibrary, station_name: str, clock: Clock) -> None:
        self._packaging = packaging
        self._pictures = pictures
        self._station_name = station_name
        self._clock = clock

    def render(
        self,
        package_id: str,
        out_path: Path,
        title: str | None = None,
        issued: date | None = None,
        progress: Progress | None = None,
        cancelled: Callable[[], bool] = lambda: False,
    ) -> BulletinResult:
        """Refused when no article of the package is in both English and Vietnamese (naming them)."""
        package = self._packaging.get(package_id)
        pairs, left_out = bilingual_families(self._packaging.contents(package))
        if not pairs:
            names = "; ".join(f"{item.headline or item.article_id} ({', '.join(item.languages)})" for item in left_out)
            raise Refused(
                f"package {package.name!r} has no article in both English and Vietnamese, so no bulletin: {names}"
            )
        articles = [
            BilingualArticle(english, vietnamese, self._pictures_for(english, vietnamese))
            for english, vietnamese in pairs
        ]
        custom_title = normalise_text(title or "").strip()
        cover = BulletinCover(
            title=custom_title or DEFAULT_TITLE,
            vietnamese_title="" if custom_title else DEFAULT_VIETNAMESE_TITLE,
            station=self._station_name,
            issued=issued or self._clock().date(),
            package_name=package.name,
        )
        notes = render_bulletin(out_path, cover, articles, progress, cancelled)
        return BulletinResult(Path(out_path), len(articles), left_out, notes)

    def _pictures_for(self, english: Article, vietnamese: Article) -> dict[str, BulletinPicture]:
        """Pictures belong to the family's source article; their texts carry every language."""
        if not (english.picture_ids or vietnamese.picture_ids):
            return {}
        source_id = next((a.id for a in (english, vietnamese) if a.translated_from is None), english.translated_from)
        assert source_id is not None
        return {picture.id: self._bulletin_picture(picture) for picture in self._pictures.pictures_of(source_id)}

    def _bulletin_picture(self, picture: Picture) -> BulletinPicture:
        return BulletinPicture(
            picture_id=picture.id,
            image_path=self._pictures.rendition_path(picture),
            captions=dict(picture.captions),
            alt_texts=dict(picture.alt_texts),
            credits=dict(picture.credits),
        )


def _report(progress: Progress | None, done: int, total: int) -> None:
    if progress is not None:
        progress(done, total)
