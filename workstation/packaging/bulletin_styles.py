"""The bulletin's page and styles: A4, Noto Serif with a Times New Roman fallback, and the paragraph styles
of the cover, the contents and the article tables. Only python-docx."""

from __future__ import annotations

from typing import Any

from docx.enum.style import WD_STYLE_TYPE
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_TAB_ALIGNMENT, WD_TAB_LEADER
from docx.oxml import parse_xml
from docx.oxml.ns import qn
from docx.shared import Cm, Pt, RGBColor

from workstation.editorial.docx_export import drop_template_thumbnail

W_NAMESPACE = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'
DOCUMENT_LANGUAGE = "en-GB"
"""The default; every run names its own language as well."""
BODY_FONT = "Noto Serif"
FALLBACK_FONT = "Times New Roman"

PAGE_WIDTH, PAGE_HEIGHT = Cm(21), Cm(29.7)
MARGIN_SIDE, MARGIN_TOP, MARGIN_BOTTOM = Cm(2), Cm(2.2), Cm(2)
TEXT_WIDTH = PAGE_WIDTH - 2 * MARGIN_SIDE
CELL_PADDING = Cm(0.3)
"""Left and right inside each cell: twice this is the gutter between the English and Vietnamese columns."""

_INK, _GREY, _RULE = RGBColor(0x1A, 0x1A, 0x1A), RGBColor(0x59, 0x59, 0x59), "A6A6A6"
_LINK_BLUE = RGBColor(0x05, 0x63, 0xC1)

_PARAGRAPH_AFTER_BORDER = (
    "w:shd", "w:tabs", "w:suppressAutoHyphens", "w:kinsoku", "w:wordWrap", "w:overflowPunct", "w:topLinePunct",
    "w:autoSpaceDE", "w:autoSpaceDN", "w:bidi", "w:adjustRightInd", "w:snapToGrid", "w:spacing", "w:ind",
    "w:contextualSpacing", "w:mirrorIndents", "w:suppressOverlap", "w:jc", "w:textDirection", "w:textAlignment",
    "w:textboxTightWrap", "w:outlineLvl", "w:divId", "w:cnfStyle", "w:rPr", "w:sectPr", "w:pPrChange",
)  # fmt: skip


def prepare(document: Any) -> None:
    """A4 pages, the fonts and every style the bulletin uses, on a new python-docx document."""
    drop_template_thumbnail(document)
    _set_page(document)
    _prepare_fonts(document)
    _prepare_styles(document)


def _set_page(document: Any) -> None:
    section = document.sections[0]
    section.page_width, section.page_height = PAGE_WIDTH, PAGE_HEIGHT
    section.left_margin = section.right_margin = MARGIN_SIDE
    section.top_margin, section.bottom_margin = MARGIN_TOP, MARGIN_BOTTOM
    section.header_distance = section.footer_distance = Cm(1)


def _prepare_fonts(document: Any) -> None:
    """Noto Serif everywhere (it has every Vietnamese letter); Word falls back to Times New Roman.

    The template's styles name theme fonts (Calibri, Cambria), which win over named fonts; they go.
    """
    styles = document.styles.element
    for fonts in styles.iter(qn("w:rFonts")):
        for attribute in ("w:asciiTheme", "w:hAnsiTheme", "w:eastAsiaTheme", "w:cstheme"):
            fonts.attrib.pop(qn(attribute), None)
    for colour in styles.iter(qn("w:color")):  # theme colours (the template's blue headings) go too
        for attribute in ("w:themeColor", "w:themeShade", "w:themeTint"):
            colour.attrib.pop(qn(attribute), None)
    defaults = styles.find(f"{qn('w:docDefaults')}/{qn('w:rPrDefault')}/{qn('w:rPr')}")
    fonts = defaults.get_or_add_rFonts()
    for attribute in ("w:ascii", "w:hAnsi", "w:cs", "w:eastAsia"):
        fonts.set(qn(attribute), BODY_FONT)
    defaults.find(qn("w:lang")).set(qn("w:val"), DOCUMENT_LANGUAGE)
    font_table = next(part for part in document.part.package.iter_parts() if part.partname == "/word/fontTable.xml")
    table = parse_xml(font_table.blob)
    table.append(
        parse_xml(
            f'<w:font {W_NAMESPACE} w:name="{BODY_FONT}"><w:altName w:val="{FALLBACK_FONT}"/>'
            '<w:panose1 w:val="02020600060500020200"/><w:charset w:val="00"/><w:family w:val="roman"/>'
            '<w:pitch w:val="variable"/></w:font>'
        )
    )
    # A generic python-docx part keeps its bytes in `_blob` and has no setter for them.
    font_table._blob = _xml_bytes(table)


def _xml_bytes(element: Any) -> bytes:
    from lxml import etree

    return etree.tostring(element, xml_declaration=True, encoding="UTF-8", standalone=True)


def _prepare_styles(document: Any) -> None:
    styles = document.styles
    normal = styles["Normal"]
    normal.font.size = Pt(10)
    normal.font.color.rgb = _INK
    normal.paragraph_format.space_after = Pt(6)
    normal.paragraph_format.line_spacing = 1.15

    def paragraph_style(name: str, size: float | None = None, base: str = "Normal", **font: Any) -> Any:
        style = styles[name] if name in [s.name for s in styles] else styles.add_style(name, WD_STYLE_TYPE.PARAGRAPH)
        style.base_style = styles[base] if name != base else None
        style.quick_style = True
        if size is not None:
            style.font.size = Pt(size)
        for attribute, value in font.items():
            if attribute == "color":
                style.font.color.rgb = value
            else:
                setattr(style.font, attribute, value)
        return style

    title = paragraph_style("Title", 30, color=_INK)
    title.paragraph_format.space_after = Pt(6)
    title.element.get_or_add_pPr()  # the template's blue rule under the title goes; the cover draws its own
    border = title.element.pPr.find(qn("w:pBdr"))
    if border is not None:
        title.element.pPr.remove(border)
    paragraph_style("Cover Station", 11, all_caps=True, color=_GREY).paragraph_format.space_after = Pt(18)
    subtitle = paragraph_style("Cover Subtitle", 22, italic=True, color=_INK)
    subtitle.paragraph_format.space_after = Pt(36)
    _rule_below(subtitle)
    paragraph_style("Cover Line", 13).paragraph_format.space_after = Pt(4)
    paragraph_style("Cover Note", 10, color=_GREY).paragraph_format.space_before = Pt(12)

    contents = paragraph_style("Contents Title", 15, bold=True)
    contents.paragraph_format.space_before = Pt(54)
    contents.paragraph_format.space_after = Pt(14)
    contents.paragraph_format.keep_with_next = True
    entry = paragraph_style("Contents Entry", 11)
    entry.paragraph_format.keep_with_next = True
    entry.paragraph_format.space_after = Pt(0)
    entry.paragraph_format.left_indent = Cm(0.8)
    entry.paragraph_format.first_line_indent = Cm(-0.8)
    entry.paragraph_format.tab_stops.add_tab_stop(Cm(0.8))
    entry.paragraph_format.tab_stops.add_tab_stop(TEXT_WIDTH, WD_TAB_ALIGNMENT.RIGHT, WD_TAB_LEADER.DOTS)
    translation = paragraph_style("Contents Translation", 10.5, italic=True, color=_GREY)
    translation.paragraph_format.left_indent = Cm(0.8)
    translation.paragraph_format.right_indent = Cm(1.2)
    translation.paragraph_format.space_after = Pt(10)

    kicker = paragraph_style("Kicker", 9, all_caps=True, color=_GREY)
    kicker.paragraph_format.keep_with_next = True
    kicker.paragraph_format.space_after = Pt(4)
    label = paragraph_style("Column Label", 8, all_caps=True, color=_GREY, bold=True)
    label.paragraph_format.space_after = Pt(4)
    _rule_below(label)
    headline = paragraph_style("Heading 1", 17, bold=True, color=_INK)
    headline.paragraph_format.space_before = Pt(6)
    headline.paragraph_format.space_after = Pt(8)
    headline.paragraph_format.line_spacing = 1.05
    paragraph_style("Standfirst", 12, italic=True, color=_GREY).paragraph_format.keep_with_next = True
    paragraph_style("Lead", 10.5, bold=True)
    byline = paragraph_style("Byline", 9, italic=True, color=_GREY)
    byline.paragraph_format.space_after = Pt(10)
    heading = paragraph_style("Heading 2", 11.5, bold=True, color=_INK)
    heading.paragraph_format.space_before = Pt(8)
    heading.paragraph_format.space_after = Pt(4)
    quote = paragraph_style("Quote", 10.5, italic=True, color=_INK)
    quote.paragraph_format.left_indent = Cm(0.6)
    for name in ("List Bullet", "List Number"):
        paragraph_style(name).paragraph_format.space_after = Pt(3)
    picture = paragraph_style("Picture")
    picture.paragraph_format.alignment = WD_ALIGN_PARAGRAPH.CENTER
    picture.paragraph_format.space_before = Pt(6)
    picture.paragraph_format.space_after = Pt(2)
    caption = paragraph_style("Caption", 8.5, italic=True, bold=False, color=_GREY)
    caption.paragraph_format.space_after = Pt(1)
    paragraph_style("Credit", 8, color=_GREY).paragraph_format.space_after = Pt(10)
    for name in ("Header", "Footer"):  # English at the left margin, Vietnamese at the right
        stops = paragraph_style(name, 8, color=_GREY).paragraph_format.tab_stops
        stops.clear_all()
        stops.add_tab_stop(TEXT_WIDTH, WD_TAB_ALIGNMENT.RIGHT)
    link = styles.add_style("Hyperlink", WD_STYLE_TYPE.CHARACTER)
    link.font.color.rgb = _LINK_BLUE
    link.font.underline = True


def _rule_below(style: Any) -> None:
    rule = f'<w:bottom w:val="single" w:sz="4" w:space="4" w:color="{_RULE}"/>'
    border = parse_xml(f"<w:pBdr {W_NAMESPACE}>{rule}</w:pBdr>")
    style.element.get_or_add_pPr().insert_element_before(border, *_PARAGRAPH_AFTER_BORDER)
