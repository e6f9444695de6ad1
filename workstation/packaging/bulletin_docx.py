"""The bulletin's Word document: cover, contents, fields, bookmarks and the side-by-side article tables.

Only python-docx and the plain records of `bulletin.py`; no store (page and styles: `bulletin_styles`).
Word lays a table row out as one band of the page, so each English paragraph and its Vietnamese
translation share a row and start level.
"""

from __future__ import annotations

import copy
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

import docx
from babel.dates import format_date, format_skeleton
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.oxml import OxmlElement, parse_xml
from docx.oxml.ns import qn
from docx.shared import Cm, Emu

from workstation.editorial.docx_export import clean_text, formatted_stretches
from workstation.errors import BadInput
from workstation.model import Block, BlockKind, Mark
from workstation.packaging import bulletin_styles
from workstation.packaging.bulletin_styles import CELL_PADDING, TEXT_WIDTH, W_NAMESPACE

if TYPE_CHECKING:
    from workstation.packaging.bulletin import BilingualArticle, BulletinCover, BulletinPicture

ENGLISH, VIETNAMESE = "en", "vi"
LANGUAGE_TAGS = {ENGLISH: "en-GB", VIETNAMESE: "vi-VN"}
_LOCALES = {ENGLISH: "en_GB", VIETNAMESE: "vi_VN"}
BOOKMARK_PREFIX = "_Bulletin_article_"

_PICTURE_WIDTH = Emu(TEXT_WIDTH - 2 * CELL_PADDING)
"""A little narrower than the text: at the full width LibreOffice finds it does not fit and pushes it right."""
_PICTURE_MAX_HEIGHT = Cm(12)
"""A 3:2 landscape photo fills the text width; a portrait one is narrower, so its page keeps room for text."""
_PLACEHOLDER_PAGE = "–"
"""Shown where a page number goes until the field is computed (LibreOffice on conversion, Word on opening)."""

GENRE_LABELS = {  # the UI catalog's names, so the bulletin and the app agree
    "news": ("News", "Tin"),
    "feature": ("Feature", "Bài phản ánh"),
    "report": ("Report", "Phóng sự"),
    "interview": ("Interview", "Phỏng vấn"),
    "photo_story": ("Photo story", "Phóng sự ảnh"),
    "infographic": ("Infographic", "Đồ hoạ thông tin"),
}
_CREDIT_PREFIX = {ENGLISH: "Photo: ", VIETNAMESE: "Ảnh: "}
_TEXT_STYLES = {
    BlockKind.PARAGRAPH: "Normal",
    BlockKind.HEADING: "Heading 2",
    BlockKind.QUOTE: "Quote",
    BlockKind.BULLETED: "List Bullet",
    BlockKind.NUMBERED: "List Number",
}


@dataclass
class _Column:
    """Per-language state while an article table is written: numbered lists restart in each column."""

    language: str
    previous_kind: str = ""
    number_id: int | None = None


def new_document(cover: BulletinCover) -> Any:
    document = docx.Document()
    bulletin_styles.prepare(document)
    _set_properties(document, cover)
    return document


def write_cover(document: Any, cover: BulletinCover, article_count: int) -> None:
    """The top of page 1: station, title, quarter and issue date in both languages. The contents follow
    on the same page; the cover page has no header or footer."""
    station = document.add_paragraph(style="Cover Station")
    station.paragraph_format.space_before = Cm(2.5)
    add_text(station, cover.station, VIETNAMESE)  # stations are named in Vietnamese ("Đại sứ quán …")
    add_text(document.add_paragraph(style="Title"), cover.title, ENGLISH)
    if cover.vietnamese_title:
        add_text(document.add_paragraph(style="Cover Subtitle"), cover.vietnamese_title, VIETNAMESE)
    for language in (ENGLISH, VIETNAMESE):
        add_text(document.add_paragraph(style="Cover Line"), quarter_label(cover.issued, language), language)
    issued = document.add_paragraph(style="Cover Note")
    add_text(issued, f"Issued {long_date(cover.issued, ENGLISH)}", ENGLISH)
    add_text(issued, " · ", ENGLISH)
    add_text(issued, f"Phát hành ngày {long_date(cover.issued, VIETNAMESE)}", VIETNAMESE)
    counts = document.add_paragraph(style="Cover Note")
    articles = f"{article_count} article{'s' if article_count != 1 else ''} in English and Vietnamese"
    add_text(counts, articles, ENGLISH)
    add_text(counts, " · ", ENGLISH)
    add_text(counts, f"{article_count} bài song ngữ Anh – Việt", VIETNAMESE)


def write_contents(document: Any, articles: Sequence[BilingualArticle]) -> None:
    """The contents list the app generates: numbered headlines in both languages, each with the page
    the article starts on (a PAGEREF field to the article's bookmark) and a link to it."""
    heading = document.add_paragraph(style="Contents Title")
    add_text(heading, "In this issue", ENGLISH)
    add_text(heading, " · ", ENGLISH)
    add_text(heading, "Trong số này", VIETNAMESE)
    for number, article in enumerate(articles, start=1):
        english = document.add_paragraph(style="Contents Entry")
        add_text(english, f"{number}.\t", ENGLISH)
        link = _internal_link(english, bookmark_name(number))
        for run in add_text(english, article.english.headline or "(no English headline)", ENGLISH):
            link.append(run._r)
        add_text(english, "\t", ENGLISH)
        add_field(english, f"PAGEREF {bookmark_name(number)} \\h", _PLACEHOLDER_PAGE, ENGLISH)
        vietnamese = document.add_paragraph(style="Contents Translation")
        add_text(vietnamese, article.vietnamese.headline or "(chưa có tiêu đề tiếng Việt)", VIETNAMESE)


def write_article(document: Any, number: int, article: BilingualArticle) -> list[str]:
    """The article from a new page: a kicker line, then one borderless table, English left and
    Vietnamese right. Returns notes on blocks present in one language only."""
    english, vietnamese = article.english, article.vietnamese
    source = vietnamese if english.is_translation else english
    kicker = document.add_paragraph(style="Kicker")
    kicker.paragraph_format.page_break_before = True
    genre_en, genre_vi = GENRE_LABELS.get(source.genre, (source.genre, source.genre))
    add_text(kicker, f"{number}  ·  {genre_en}", ENGLISH)
    add_text(kicker, f"  ·  {genre_vi}", VIETNAMESE)
    _bookmark(kicker, bookmark_name(number), number)

    table = _ArticleTable(document)
    table.label_row()
    table.text_row("Heading 1", english.headline, vietnamese.headline, keep_with_next=True)
    if english.subheadline or vietnamese.subheadline:
        table.text_row("Standfirst", english.subheadline, vietnamese.subheadline, keep_with_next=True)
    if english.lead or vietnamese.lead:
        table.text_row("Lead", english.lead, vietnamese.lead)
    if any((english.byline, english.dateline, vietnamese.byline, vietnamese.dateline)):
        table.byline_row(english.dateline, english.byline, vietnamese.dateline, vietnamese.byline)
    one_sided = 0
    for left, right in aligned_blocks(english.blocks, vietnamese.blocks, source_first=source is english):
        present = left or right
        assert present is not None  # aligned_blocks pairs a block with a partner or with nothing, never two nothings
        if present.kind == BlockKind.PICTURE:
            picture = article.pictures.get(present.picture_id or "")
            if picture is not None:
                table.picture_rows(picture)
            continue
        if bool(left and left.text.strip()) != bool(right and right.text.strip()):
            one_sided += 1
        table.block_row(present.kind, left, right)
    if not one_sided:
        return []
    headline = english.headline or vietnamese.headline
    return [f"article {number} ({headline}): {one_sided} paragraph(s) in one language only (not translated yet?)"]


def write_header_and_footer(document: Any, cover: BulletinCover) -> None:
    """Every page but the cover: the bulletin's title above, "Page X of Y" / "Trang X / Y" below."""
    section = document.sections[0]
    section.different_first_page_header_footer = True
    header = section.header.paragraphs[0]
    header.style = document.styles["Header"]
    add_text(header, f"{cover.title} · {quarter_label(cover.issued, ENGLISH)}", ENGLISH)
    add_text(header, "\t", ENGLISH)
    add_text(header, f"{cover.vietnamese_title or cover.title} · {quarter_label(cover.issued, VIETNAMESE)}", VIETNAMESE)
    footer = section.footer.paragraphs[0]
    footer.style = document.styles["Footer"]
    add_text(footer, "Page ", ENGLISH)
    add_field(footer, "PAGE", "1", ENGLISH)
    add_text(footer, " of ", ENGLISH)
    add_field(footer, "NUMPAGES", "1", ENGLISH)
    add_text(footer, "\tTrang ", VIETNAMESE)
    add_field(footer, "PAGE", "1", VIETNAMESE)
    add_text(footer, " / ", VIETNAMESE)
    add_field(footer, "NUMPAGES", "1", VIETNAMESE)


def ask_word_to_update_fields(document: Any) -> None:
    """Word shows a field's stored result until it is updated; this makes it compute the contents'
    page numbers on opening (after asking). LibreOffice computes them in any case."""
    settings = document.settings.element
    update = settings.find(qn("w:updateFields"))
    if update is None:
        update = OxmlElement("w:updateFields")
        settings.insert_element_before(update, *_SETTINGS_AFTER_UPDATE_FIELDS)
    update.set(qn("w:val"), "true")


def quarter_label(issued: date, language: str) -> str:
    """ "4th quarter 2026" / "Quý 4 năm 2026", as CLDR words it for the language."""
    return format_skeleton("yQQQQ", issued, locale=_LOCALES[language])


def long_date(issued: date, language: str) -> str:
    return format_date(issued, "long", locale=_LOCALES[language])


def bookmark_name(number: int) -> str:
    return f"{BOOKMARK_PREFIX}{number}"


def aligned_blocks(
    english: Sequence[Block], vietnamese: Sequence[Block], source_first: bool
) -> list[tuple[Block | None, Block | None]]:
    """Pairs of blocks with the same id (a translation keeps its source's block ids), in the source's
    order; a block only one side has (the source changed after translating) gets an empty partner."""
    primary, secondary = (english, vietnamese) if source_first else (vietnamese, english)
    partners = {block.id: block for block in secondary}
    pairs: list[tuple[Block | None, Block | None]] = []
    for block in primary:
        partner = partners.pop(block.id, None)
        pairs.append((block, partner) if source_first else (partner, block))
    for block in secondary:
        if block.id in partners:
            pairs.append((None, block) if source_first else (block, None))
    return pairs


def add_text(paragraph: Any, text: str, language: str, marks: Sequence[Mark] = ()) -> list[Any]:
    """Runs for `text` with its bold, italic and link marks, each tagged with the language."""
    runs = []
    document_part = paragraph.part
    link: tuple[str, Any] | None = None
    for start, end, bold, italic, href in formatted_stretches(text, marks):
        run = paragraph.add_run(clean_text(text[start:end]))
        run.bold = bold or None
        run.italic = italic or None
        set_language(run, language)
        runs.append(run)
        if not href:
            link = None
            continue
        if link is None or link[0] != href:
            element = OxmlElement("w:hyperlink")
            element.set(qn("r:id"), document_part.relate_to(href, RT.HYPERLINK, is_external=True))
            paragraph._p.append(element)
            link = (href, element)
        run.style = document_part.document.styles["Hyperlink"]
        link[1].append(run._r)
    return runs


def add_field(paragraph: Any, instruction: str, shown: str, language: str) -> None:
    """A complex field (PAGE, NUMPAGES, PAGEREF …) showing `shown` until it is computed."""
    for part in ("begin", instruction, "separate", shown, "end"):
        run = paragraph.add_run()
        set_language(run, language)
        if part in ("begin", "separate", "end"):
            character = OxmlElement("w:fldChar")
            character.set(qn("w:fldCharType"), part)
            run._r.append(character)
        elif part is instruction:
            text = OxmlElement("w:instrText")
            text.set(qn("xml:space"), "preserve")
            text.text = f" {instruction} "
            run._r.append(text)
        else:
            run.text = shown


def set_language(run: Any, language: str) -> None:
    properties = run._r.get_or_add_rPr()
    lang = properties.find(qn("w:lang"))
    if lang is None:
        lang = OxmlElement("w:lang")
        properties.insert_element_before(lang, "w:eastAsianLayout", "w:specVanish", "w:oMath")
    lang.set(qn("w:val"), LANGUAGE_TAGS.get(language, language))


class _ArticleTable:
    """One borderless two-column table: English left, Vietnamese right, a row per block."""

    def __init__(self, document: Any) -> None:
        self._document = document
        self._columns = (_Column(ENGLISH), _Column(VIETNAMESE))
        self._style_ids: dict[str, str] = {}
        self._table = document.add_table(rows=0, cols=2)
        self._table.alignment = WD_TABLE_ALIGNMENT.LEFT
        self._table.autofit = False
        properties = self._table._tbl.tblPr
        # No indent: in the template's Word 2010 layout mode, which LibreOffice follows, the first cell's
        # text then lines up with the page margin and the padding hangs outside it.
        padding = parse_xml(
            f'<w:tblCellMar {W_NAMESPACE}><w:left w:w="{_twips(CELL_PADDING)}" w:type="dxa"/>'
            f'<w:right w:w="{_twips(CELL_PADDING)}" w:type="dxa"/></w:tblCellMar>'
        )
        properties.insert_element_before(padding, *_TABLE_AFTER_CELL_MARGINS)
        column_width = (TEXT_WIDTH + 2 * CELL_PADDING) // 2
        for column in self._table.columns:
            column.width = column_width
        self._column_width = column_width
        width = properties.find(qn("w:tblW"))  # python-docx leaves it "auto"; Word's fixed layout wants it exact
        width.set(qn("w:type"), "dxa")
        width.set(qn("w:w"), str(2 * _twips(column_width)))

    def label_row(self) -> None:
        """ "English | Tiếng Việt", repeated at the top of each page the article continues on."""
        row = self._row()
        row._tr.get_or_add_trPr().insert_element_before(OxmlElement("w:tblHeader"), *_ROW_AFTER_HEADER)
        for cell, (language, label) in zip(row.cells, ((ENGLISH, "English"), (VIETNAMESE, "Tiếng Việt")), strict=True):
            paragraph = cell.paragraphs[0]
            self._set_style(paragraph, "Column Label")
            add_text(paragraph, label, language)

    def text_row(self, style: str, english: str, vietnamese: str, keep_with_next: bool = False) -> None:
        row = self._row()
        for cell, (language, text) in zip(row.cells, ((ENGLISH, english), (VIETNAMESE, vietnamese)), strict=True):
            paragraph = cell.paragraphs[0]
            self._set_style(paragraph, style)
            paragraph.paragraph_format.keep_with_next = keep_with_next or None
            add_text(paragraph, text.strip(), language)

    def byline_row(self, dateline_en: str, byline_en: str, dateline_vi: str, byline_vi: str) -> None:
        row = self._row()
        for cell, language, dateline, byline in (
            (row.cells[0], ENGLISH, dateline_en.strip(), byline_en.strip()),
            (row.cells[1], VIETNAMESE, dateline_vi.strip(), byline_vi.strip()),
        ):
            paragraph = cell.paragraphs[0]
            self._set_style(paragraph, "Byline")
            if dateline:
                for run in add_text(paragraph, dateline, language):
                    run.font.all_caps = True  # newsroom style, as in the single-article export
            if byline:
                add_text(paragraph, f" — {byline}" if dateline else byline, language)

    def block_row(self, kind: str, english: Block | None, vietnamese: Block | None) -> None:
        row = self._row()
        for cell, column, block in zip(row.cells, self._columns, (english, vietnamese), strict=True):
            paragraph = cell.paragraphs[0]
            self._set_style(paragraph, _TEXT_STYLES.get(kind, "Normal"))
            if kind == BlockKind.NUMBERED and column.previous_kind != BlockKind.NUMBERED:
                column.number_id = self._new_numbering()
            if kind == BlockKind.NUMBERED and column.number_id is not None:
                numbering = paragraph._p.get_or_add_pPr().get_or_add_numPr()
                numbering.get_or_add_ilvl().val = 0
                numbering.get_or_add_numId().val = column.number_id
            column.previous_kind = kind
            if block is not None:
                add_text(paragraph, block.text, column.language, block.marks)

    def picture_rows(self, picture: BulletinPicture) -> None:
        """The picture once across both columns, then its caption and credit in each language beneath."""
        for column in self._columns:
            column.previous_kind = BlockKind.PICTURE
        row = self._row()
        cell = row.cells[0].merge(row.cells[1])
        paragraph = cell.paragraphs[0]
        self._set_style(paragraph, "Picture")
        paragraph.paragraph_format.keep_with_next = True
        try:
            shape = paragraph.add_run().add_picture(str(picture.image_path), width=_PICTURE_WIDTH)
        except Exception as error:  # python-docx raises many kinds on a damaged image
            name = Path(picture.image_path).name
            raise BadInput(f"picture {name} cannot be used in the bulletin: {error or type(error).__name__}") from error
        if shape.height > _PICTURE_MAX_HEIGHT:
            shape.width, shape.height = int(shape.width * _PICTURE_MAX_HEIGHT / shape.height), _PICTURE_MAX_HEIGHT
        description = " / ".join(text for text in (picture.alt_text(ENGLISH), picture.alt_text(VIETNAMESE)) if text)
        doc_pr = shape._inline.docPr
        doc_pr.set("descr", clean_text(description))
        doc_pr.set("name", f"Picture {doc_pr.get('id')}")
        captions = self._row()
        for cell, language in zip(captions.cells, (ENGLISH, VIETNAMESE), strict=True):
            caption = cell.paragraphs[0]
            self._set_style(caption, "Caption")
            add_text(caption, picture.caption(language), language)
            credit = picture.credit(language)
            if credit:
                prefix = _CREDIT_PREFIX[language]
                credit_line = cell.add_paragraph(style="Credit")
                # Credits are often typed with their prefix ("Ảnh: …"); it is not doubled.
                shown = credit if credit.lower().startswith(prefix.lower()) else prefix + credit
                add_text(credit_line, shown, language)

    def _set_style(self, paragraph: Any, name: str) -> None:
        # By id: python-docx's `paragraph.style = …` looks the default style up each time, which made
        # styling most of the time spent on a long bulletin.
        if name not in self._style_ids:
            self._style_ids[name] = self._document.styles[name].style_id
        paragraph._p.style = self._style_ids[name]

    def _row(self) -> Any:
        row = self._table.add_row()
        # A row is never split across pages: the two languages of a paragraph stay side by side.
        row._tr.get_or_add_trPr().insert_element_before(OxmlElement("w:cantSplit"), *_ROW_AFTER_CANT_SPLIT)
        for cell in row.cells:
            cell.width = self._column_width
        return row

    def _new_numbering(self) -> int:
        """A list definition of its own, counting from 1. A restart override on the style's shared definition
        is not enough: LibreOffice counts on across lists that share one, interleaving the two columns."""
        numbering = self._document.part.numbering_part.element
        style_number = self._document.styles["List Number"].element.pPr.numPr.numId.val
        shared_id = numbering.num_having_numId(style_number).abstractNumId.val
        definitions = numbering.findall(qn("w:abstractNum"))
        shared = next(d for d in definitions if d.get(qn("w:abstractNumId")) == str(shared_id))
        definition = copy.deepcopy(shared)
        new_id = 1 + max(int(d.get(qn("w:abstractNumId"))) for d in definitions)
        definition.set(qn("w:abstractNumId"), str(new_id))
        # Word tells lists apart by nsid: a copy keeping the original's would be joined to it again.
        definition.find(qn("w:nsid")).set(qn("w:val"), f"{0x0B000000 + new_id:08X}")
        for style_link in definition.iter(qn("w:pStyle")):
            style_link.getparent().remove(style_link)
        definitions[-1].addnext(definition)
        return int(numbering.add_num(new_id).numId)


# What follows an element in its parent, per the OOXML schema (Word refuses elements out of order).
_TABLE_AFTER_CELL_MARGINS = ("w:tblLook", "w:tblCaption", "w:tblDescription", "w:tblPrChange")
_ROW_AFTER_HEADER = ("w:tblCellSpacing", "w:jc", "w:hidden", "w:ins", "w:del", "w:trPrChange")
_ROW_AFTER_CANT_SPLIT = ("w:trHeight", "w:tblHeader", *_ROW_AFTER_HEADER)
_SETTINGS_AFTER_UPDATE_FIELDS = (
    "w:hdrShapeDefaults",
    "w:footnotePr",
    "w:endnotePr",
    "w:compat",
    "w:docVars",
    "w:rsids",
)


def _twips(length: int) -> int:
    return round(length / 635)  # 635 EMU to a twip (1/20 pt)


def _internal_link(paragraph: Any, bookmark: str) -> Any:
    element = OxmlElement("w:hyperlink")
    element.set(qn("w:anchor"), bookmark)
    element.set(qn("w:history"), "1")
    paragraph._p.append(element)
    return element


def _bookmark(paragraph: Any, name: str, bookmark_id: int) -> None:
    start = OxmlElement("w:bookmarkStart")
    start.set(qn("w:id"), str(bookmark_id))
    start.set(qn("w:name"), name)
    end = OxmlElement("w:bookmarkEnd")
    end.set(qn("w:id"), str(bookmark_id))
    properties = paragraph._p.pPr
    if properties is not None:
        properties.addnext(start)
    else:
        paragraph._p.insert(0, start)
    paragraph._p.append(end)


def _set_properties(document: Any, cover: BulletinCover) -> None:
    properties = document.core_properties
    properties.title = clean_text(cover.title)[:255]
    properties.author = properties.last_modified_by = clean_text(cover.station)[:255]
    properties.subject = clean_text(cover.package_name)[:255]
    properties.comments = properties.category = properties.keywords = ""
    properties.language = LANGUAGE_TAGS[ENGLISH]
    properties.revision = 1
