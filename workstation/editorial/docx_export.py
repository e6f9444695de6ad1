"""Export an article as a clean Word document (.docx).

Layout: Title (headline), Subtitle (subheadline), the lead in a bold "Lead" paragraph, a "Byline"
paragraph ("SEOUL — Minh Anh"), then the body: Heading 2 for headings, Quote, List Bullet and List
Number (each separate numbered list restarts at 1), bold/italic runs and real hyperlinks from the
marks, and pictures at their block's place, fitted to the text width, with the caption and the
credit beneath in the Caption style and the alt text on the drawing. The page is A4. The document's
language (`w:lang` on the default run properties and the core properties) follows the article; for
Chinese, Japanese and Korean the East Asian font and language are set too, so Word picks the right
Han glyphs. `read_docx` reads such a file back into the same parts.

The document is built in memory and written to a temporary file in the target folder, then moved
over the target with `os.replace`, so a failure leaves no partial file and the old file intact.
"""

from __future__ import annotations

import io
import itertools
import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import docx
from docx.enum.style import WD_STYLE_TYPE
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, RGBColor

from workstation.errors import BadInput, EnvironmentFailure
from workstation.model import Article, BlockKind, Mark
from workstation.user_files import write_atomically

_LANGUAGE_TAGS = {"vi": "vi-VN", "en": "en-US", "zh": "zh-CN", "ko": "ko-KR", "ja": "ja-JP"}
# Fonts every Windows since 7 ships (and LibreOffice maps), one per East Asian language.
_EAST_ASIAN_FONTS = {"zh": "SimSun", "ja": "MS Mincho", "ko": "Malgun Gothic"}
_CREDIT_PREFIXES = {"vi": "Ảnh: ", "en": "Photo: ", "zh": "图片：", "ko": "사진: ", "ja": "写真："}
_WEB_SCHEMES = ("http", "https", "mailto")
_XML_INVALID = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")
_HYPERLINK_BLUE = RGBColor(0x05, 0x63, 0xC1)
_PAGE_WIDTH, _PAGE_HEIGHT, _MARGIN = Cm(21), Cm(29.7), Cm(2.5)
_MAX_PICTURE_HEIGHT_SHARE = 0.7
_STYLE_FOR_KIND = {
    BlockKind.PARAGRAPH: "Normal",
    BlockKind.HEADING: "Heading 2",
    BlockKind.QUOTE: "Quote",
    BlockKind.BULLETED: "List Bullet",
    BlockKind.NUMBERED: "List Number",
}


@dataclass(frozen=True)
class ExportPicture:
    picture_id: str
    image_path: Path
    """A JPEG or PNG rendition."""
    caption: str = ""
    credit: str = ""
    alt_text: str = ""


def write_docx(article: Article, pictures: Sequence[ExportPicture], out_path: Path) -> None:
    """Write `article` to `out_path` atomically. A picture block without an entry in `pictures` is
    left out (the caller chooses which pictures go out)."""
    out_path = Path(out_path)
    data = _render(article, {picture.picture_id: picture for picture in pictures})
    write_atomically(out_path, data)


def _render(article: Article, pictures: dict[str, ExportPicture]) -> bytes:
    document = docx.Document()
    drop_template_thumbnail(document)
    _set_page(document)
    _set_language(document, article.language)
    _set_core_properties(document, article)
    _prepare_styles(document)
    writer = _BodyWriter(document, article.language)
    writer.front_matter(article)
    for block in article.blocks:
        if block.kind == BlockKind.PICTURE:
            picture = pictures.get(block.picture_id or "")
            if picture is not None:
                writer.picture(picture)
        else:
            writer.text_block(block.kind, block.text, block.marks)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def clean_text(text: str) -> str:
    """Text Word can store: characters XML 1.0 forbids are dropped."""
    return _XML_INVALID.sub("", text)


def _language_tag(language: str) -> str:
    if "-" in language:
        return language
    return _LANGUAGE_TAGS.get(language.lower(), language or "en-US")


def drop_template_thumbnail(document: Any) -> None:
    # python-docx's template carries a preview image of some other document; Word makes its own.
    package_rels = document.part.package.rels
    for rel_id, relationship in list(package_rels.items()):
        if relationship.reltype == RT.THUMBNAIL:
            del package_rels[rel_id]


def _set_page(document: Any) -> None:
    for section in document.sections:
        section.page_width, section.page_height = _PAGE_WIDTH, _PAGE_HEIGHT
        section.left_margin = section.right_margin = section.top_margin = section.bottom_margin = _MARGIN


def _set_language(document: Any, language: str) -> None:
    tag = _language_tag(language)
    base = tag.split("-")[0].lower()
    run_defaults = document.styles.element.find(f"{qn('w:docDefaults')}/{qn('w:rPrDefault')}/{qn('w:rPr')}")
    lang = run_defaults.find(qn("w:lang"))
    if lang is None:
        lang = OxmlElement("w:lang")
        run_defaults.insert_element_before(lang, "w:eastAsianLayout", "w:specVanish", "w:oMath")
    lang.set(qn("w:val"), tag)
    theme_language = document.settings.element.find(qn("w:themeFontLang"))
    if theme_language is not None:
        theme_language.set(qn("w:val"), tag)
    if base not in _EAST_ASIAN_FONTS:
        return
    lang.set(qn("w:eastAsia"), tag)
    fonts = run_defaults.get_or_add_rFonts()
    fonts.attrib.pop(qn("w:eastAsiaTheme"), None)
    fonts.set(qn("w:eastAsia"), _EAST_ASIAN_FONTS[base])
    fonts.set(qn("w:hint"), "eastAsia")
    if theme_language is not None:
        # Styles that use the theme's East Asian font then take the one for this script.
        theme_language.set(qn("w:eastAsia"), tag)


def _set_core_properties(document: Any, article: Article) -> None:
    properties = document.core_properties
    properties.title = clean_text(article.headline)[:255]
    properties.subject = ""
    properties.author = clean_text(article.byline)[:255]
    properties.last_modified_by = properties.author
    properties.comments = ""
    properties.category = ""
    properties.keywords = clean_text(", ".join(article.keywords))[:255]
    properties.language = _language_tag(article.language)
    properties.revision = max(1, article.version)
    now = datetime.now(UTC)
    properties.created = _parse_time(article.created_at) or now
    properties.modified = _parse_time(article.updated_at) or now


def _parse_time(value: str) -> datetime | None:
    try:
        moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def _prepare_styles(document: Any) -> None:
    styles = document.styles
    lead = styles.add_style("Lead", WD_STYLE_TYPE.PARAGRAPH)
    lead.base_style = styles["Normal"]
    lead.font.bold = True
    lead.quick_style = True
    byline = styles.add_style("Byline", WD_STYLE_TYPE.PARAGRAPH)
    byline.base_style = styles["Normal"]
    byline.font.italic = True
    byline.quick_style = True
    hyperlink = styles.add_style("Hyperlink", WD_STYLE_TYPE.CHARACTER)
    hyperlink.font.color.rgb = _HYPERLINK_BLUE
    hyperlink.font.underline = True
    caption = styles["Caption"]
    caption.font.bold = False
    caption.font.italic = True
    caption.font.color.rgb = RGBColor(0x40, 0x40, 0x40)


class _BodyWriter:
    def __init__(self, document: Any, language: str) -> None:
        self._document = document
        self._part = document.part
        self._language = language.split("-")[0].lower()
        section = document.sections[0]
        self._text_width = section.page_width - section.left_margin - section.right_margin
        self._text_height = section.page_height - section.top_margin - section.bottom_margin
        self._previous_kind = ""
        self._numbered_list_seen = False

    def front_matter(self, article: Article) -> None:
        for text, style in ((article.headline, "Title"), (article.subheadline, "Subtitle"), (article.lead, "Lead")):
            if text.strip():
                self._document.add_paragraph(clean_text(text), style=style)
        dateline, byline = article.dateline.strip(), article.byline.strip()
        if not (dateline or byline):
            return
        paragraph = self._document.add_paragraph(style="Byline")
        if dateline:
            # Shown in capitals as newsrooms print datelines, stored as typed so it imports back unchanged.
            paragraph.add_run(clean_text(dateline)).font.all_caps = True
        if byline:
            paragraph.add_run(clean_text(f" — {byline}" if dateline else byline))

    def text_block(self, kind: str, text: str, marks: Sequence[Mark]) -> None:
        paragraph = self._document.add_paragraph(style=_STYLE_FOR_KIND.get(kind, "Normal"))
        if kind == BlockKind.NUMBERED and self._previous_kind != BlockKind.NUMBERED:
            self._start_numbered_list(paragraph)
        self._previous_kind = kind
        hyperlink: tuple[str, Any] | None = None
        for start, end, bold, italic, href in formatted_stretches(text, marks):
            run = paragraph.add_run(clean_text(text[start:end]))
            run.bold = bold or None
            run.italic = italic or None
            if not href:
                hyperlink = None
                continue
            if hyperlink is None or hyperlink[0] != href:
                hyperlink = (href, self._hyperlink(paragraph, href))
            run.style = self._document.styles["Hyperlink"]
            hyperlink[1].append(run._r)

    def picture(self, picture: ExportPicture) -> None:
        self._previous_kind = BlockKind.PICTURE
        data = _read_picture(picture.image_path)
        paragraph = self._document.add_paragraph()
        try:
            shape = paragraph.add_run().add_picture(io.BytesIO(data), width=self._text_width)
        except Exception as error:  # python-docx raises many kinds on a damaged image
            name = picture.image_path.name
            raise BadInput(f"picture {name} cannot be used: {error or type(error).__name__}") from error
        limit = int(self._text_height * _MAX_PICTURE_HEIGHT_SHARE)
        if shape.height > limit:
            shape.width, shape.height = int(shape.width * limit / shape.height), limit
        doc_pr = shape._inline.docPr
        doc_pr.set("descr", clean_text(picture.alt_text))
        doc_pr.set("name", f"Picture {doc_pr.get('id')}")
        if picture.caption.strip():
            self._document.add_paragraph(clean_text(picture.caption.strip()), style="Caption")
        if picture.credit.strip():
            prefix = _CREDIT_PREFIXES.get(self._language, "Photo: ")
            self._document.add_paragraph(clean_text(prefix + picture.credit.strip()), style="Caption")

    def _hyperlink(self, paragraph: Any, href: str) -> Any:
        element = OxmlElement("w:hyperlink")
        element.set(qn("r:id"), self._part.relate_to(href, RT.HYPERLINK, is_external=True))
        element.set(qn("w:history"), "1")
        paragraph._p.append(element)
        return element

    def _start_numbered_list(self, paragraph: Any) -> None:
        """Every numbered list after the first gets its own numbering restarting at 1; sharing
        the style's numbering would continue the count from the previous list."""
        if not self._numbered_list_seen:
            self._numbered_list_seen = True
            return
        numbering = self._part.numbering_part.element
        style_num_id = self._document.styles["List Number"].element.pPr.numPr.numId.val
        abstract_id = numbering.num_having_numId(style_num_id).abstractNumId.val
        num = numbering.add_num(abstract_id)
        num.add_lvlOverride(ilvl=0).add_startOverride(1)
        num_pr = paragraph._p.get_or_add_pPr().get_or_add_numPr()
        num_pr.get_or_add_ilvl().val = 0
        num_pr.get_or_add_numId().val = num.numId


def formatted_stretches(text: str, marks: Sequence[Mark]) -> list[tuple[int, int, bool, bool, str]]:
    """Stretches of `text` with one formatting each: (start, end, bold, italic, href)."""
    valid = [mark for mark in marks if 0 <= mark.start < mark.end]
    edges = (
        {0, len(text)} | {min(mark.start, len(text)) for mark in valid} | {min(mark.end, len(text)) for mark in valid}
    )
    segments = []
    for start, end in itertools.pairwise(sorted(edges)):
        if start >= end:
            continue
        covering = [mark for mark in valid if mark.start <= start and end <= mark.end]
        bold = any(mark.kind == "bold" for mark in covering)
        italic = any(mark.kind == "italic" for mark in covering)
        href = next((mark.href for mark in covering if mark.kind == "link" and _is_web_link(mark.href)), "")
        if segments and segments[-1][2:] == (bold, italic, href):
            segments[-1] = (segments[-1][0], end, bold, italic, href)
        else:
            segments.append((start, end, bold, italic, href))
    return segments


def _is_web_link(href: str) -> bool:
    scheme, _, rest = href.strip().partition(":")
    return bool(rest) and scheme.lower() in _WEB_SCHEMES


def _read_picture(path: Path) -> bytes:
    try:
        data = Path(path).read_bytes()
    except (FileNotFoundError, IsADirectoryError, NotADirectoryError) as error:
        raise BadInput(f"picture file {path} cannot be read: {error.strerror or error}") from error
    except OSError as error:
        raise EnvironmentFailure(f"picture file {path} cannot be read: {error.strerror or error}") from error
    if not (data.startswith(b"\xff\xd8\xff") or data.startswith(b"\x89PNG\r\n\x1a\n")):
        raise BadInput(f"picture file {Path(path).name} is not a JPEG or PNG image")
    return data
