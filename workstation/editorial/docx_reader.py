"""Walk a python-docx document in order into raw paragraphs (text pieces with their formatting) and pictures.

Roles come from paragraph styles (along `w:basedOn`), numbering and outline levels; runs keep bold,
italic, links, smallness and their legacy Vietnamese font (TCVN3 or VNI), for `docx_import` to convert,
compose and assemble into an article. Text boxes, notes, embedded objects, tables, tracked changes
and skipped pictures are counted in a `Tally` for the import's warnings.
"""

from __future__ import annotations

import functools
import posixpath
import re
from collections import Counter
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.oxml.ns import qn
from lxml import etree

from workstation.language.normalise import normalise_text
from workstation.model import Mark

_NS = {
    "w": "http://schemas.openxmlformats.org/wordprocessingml/2006/main",
    "r": "http://schemas.openxmlformats.org/officeDocument/2006/relationships",
    "a": "http://schemas.openxmlformats.org/drawingml/2006/main",
    "pic": "http://schemas.openxmlformats.org/drawingml/2006/picture",
    "wp": "http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing",
    "mc": "http://schemas.openxmlformats.org/markup-compatibility/2006",
    "v": "urn:schemas-microsoft-com:vml",
}
_OVERRIDE_FORMAT = etree.XPath("./w:lvlOverride[@w:ilvl=$lvl]/w:lvl/w:numFmt/@w:val", namespaces=_NS)
_LEVEL_FORMAT = etree.XPath("./w:lvl[@w:ilvl=$lvl]/w:numFmt/@w:val", namespaces=_NS)
_ABSTRACT_ID = etree.XPath("./w:abstractNumId/@w:val", namespaces=_NS)
_TABLE_CELLS = etree.XPath(
    "./w:tr/w:tc | ./w:sdt/w:sdtContent/w:tr/w:tc | ./w:tr/w:sdt/w:sdtContent/w:tc", namespaces=_NS
)
_TEXT_BOXES = etree.XPath(".//w:txbxContent", namespaces=_NS)
_CHOICE_DRAWINGS = etree.XPath("./mc:Choice/w:drawing", namespaces=_NS)
_DRAWING_FRAMES = etree.XPath("./wp:inline | ./wp:anchor", namespaces=_NS)
_FRAME_BLIPS = etree.XPath("./a:graphic/a:graphicData/pic:pic/pic:blipFill/a:blip", namespaces=_NS)
_VML_IMAGES = etree.XPath("./v:shape/v:imagedata", namespaces=_NS)
_MC_ALTERNATE = f"{{{_NS['mc']}}}AlternateContent"
_MC_CHOICE = f"{{{_NS['mc']}}}Choice"
_R_ID = f"{{{_NS['r']}}}id"
_R_EMBED = f"{{{_NS['r']}}}embed"
_O_TITLE = "{urn:schemas-microsoft-com:office:office}title"

_WEB_SCHEMES = ("http", "https", "mailto")
_HEADING = re.compile(r"heading ([1-9])")
_LEAD_STYLES = ("lead", "sapo", "intro", "standfirst")
_QUOTE_STYLES = ("quote", "intense quote")
_BYLINE_STYLES = ("byline", "author")
_SMALL_HALF_POINTS = 20


# --- what the reader yields ----------------------------------------------------------------------


@dataclass(frozen=True)
class Format:
    bold: bool = False
    italic: bool = False
    href: str = ""


@dataclass
class Piece:
    text: str
    fmt: Format
    small: bool
    legacy: str | None
    capitals: bool


@dataclass
class Para:
    role: str
    level: int
    pieces: list[Piece]
    in_table: bool
    style_bold: bool
    style_italic: bool
    style_small: bool
    text: str = ""
    marks: tuple[Mark, ...] = ()
    all_bold: bool = False
    caption_like: bool = False


@dataclass
class Pic:
    data: bytes
    filename: str
    content_type: str
    alt_text: str


@dataclass
class Tally:
    tables: int = 0
    text_boxes: int = 0
    objects: int = 0
    notes: int = 0
    tracked_changes: bool = False
    linked_pictures: int = 0
    missing_pictures: int = 0
    large_pictures: int = 0
    unsupported: Counter[str] = field(default_factory=Counter)
    legacy: set[str] = field(default_factory=set)


class Role:
    """A paragraph's part in the article, from its style, numbering or outline level."""

    TITLE = "title"
    SUBTITLE = "subtitle"
    HEADING = "heading"
    QUOTE = "quote"
    BULLETED = "bulleted"
    NUMBERED = "numbered"
    CAPTION = "caption"
    BYLINE = "byline"
    LEAD = "lead"
    BODY = "body"


# --- reading the document ------------------------------------------------------------------------


@functools.cache
def _w(tag: str) -> str:
    return qn(f"w:{tag}")


_P, _R, _T, _TBL, _PPR, _RPR = _w("p"), _w("r"), _w("t"), _w("tbl"), _w("pPr"), _w("rPr")
_VAL = _w("val")
_SKIPPED_INLINE = frozenset({_PPR, _RPR, _w("del"), _w("moveFrom"), _w("sdtPr"), _w("sdtEndPr")})
_TRACKED = frozenset({_w("ins"), _w("del"), _w("moveFrom"), _w("moveTo")})
_SPECIAL_CHARACTERS = {
    _w("tab"): "\t",
    _w("ptab"): "\t",
    _w("br"): "\n",
    _w("cr"): "\n",
    _w("noBreakHyphen"): "-",
}


def _on(element: Any) -> bool | None:
    """An on/off property (w:b, w:i): None when absent."""
    if element is None:
        return None
    return (element.get(_VAL) or "true").lower() not in ("0", "false", "off", "none")


class _Styles:
    """Style lookups along `w:basedOn` chains, cached."""

    def __init__(self, root: Any) -> None:
        self._by_id: dict[str, Any] = {}
        self._chains: dict[str | None, tuple[Any, ...]] = {}
        self.default_paragraph: str | None = None
        self.defaults_rpr: Any = None
        if root is None:
            return
        for style in root.iterchildren(_w("style")):
            style_id = style.get(_w("styleId"))
            if style_id is None:
                continue
            self._by_id.setdefault(style_id, style)
            if style.get(_w("type")) == "paragraph" and _on_attr(style.get(_w("default"))):
                self.default_paragraph = self.default_paragraph or style_id
        self.defaults_rpr = root.find(f"{_w('docDefaults')}/{_w('rPrDefault')}/{_RPR}")

    def chain(self, style_id: str | None) -> tuple[Any, ...]:
        if style_id not in self._chains:
            found: list[Any] = []
            current = style_id
            while current and current in self._by_id and len(found) < 32:
                style = self._by_id[current]
                if any(style is seen for seen in found):
                    break
                found.append(style)
                based_on = style.find(_w("basedOn"))
                current = based_on.get(_VAL) if based_on is not None else None
            self._chains[style_id] = tuple(found)
        return self._chains[style_id]

    def names(self, style_id: str | None) -> list[str]:
        names = []
        for style in self.chain(style_id):
            name = style.find(_w("name"))
            names.append(((name.get(_VAL) if name is not None else "") or "").strip().lower())
        return names

    def find(self, style_id: str | None, path: str) -> Any:
        for style in self.chain(style_id):
            found = style.find(path)
            if found is not None:
                return found
        return None


def _on_attr(value: str | None) -> bool:
    return (value or "").lower() in ("1", "true", "on")


class _Numbering:
    def __init__(self, root: Any, styles: _Styles) -> None:
        self._styles = styles
        self._nums: dict[str, Any] = {}
        self._abstracts: dict[str, Any] = {}
        if root is None:
            return
        for num in root.iterchildren(_w("num")):
            self._nums.setdefault(num.get(_w("numId")) or "", num)
        for abstract in root.iterchildren(_w("abstractNum")):
            self._abstracts.setdefault(abstract.get(_w("abstractNumId")) or "", abstract)

    def kind(self, num_id: str, level: str) -> str | None:
        """The level's numFmt class: "bullet", "none", "number", or None when undefined."""
        for _ in range(3):  # a numStyleLink points at a style whose numbering holds the levels
            num = self._nums.get(num_id)
            if num is None:
                return None
            found = _OVERRIDE_FORMAT(num, lvl=level)
            abstract_id = _ABSTRACT_ID(num)
            abstract = self._abstracts.get(abstract_id[0] if abstract_id else "")
            if not found and abstract is not None:
                found = _LEVEL_FORMAT(abstract, lvl=level)
            if found:
                return found[0] if found[0] in ("bullet", "none") else "number"
            link = abstract.find(_w("numStyleLink")) if abstract is not None else None
            if link is None:
                return None
            linked = self._styles.find(link.get(_VAL), f"{_PPR}/{_w('numPr')}/{_w('numId')}")
            if linked is None:
                return None
            num_id = linked.get(_VAL) or ""
        return None


def _legacy_font(font: str) -> tuple[str | None, bool]:
    """("tcvn3"|"vni"|None, whether it is a TCVN3 capitals font such as ".VnTimeH")."""
    name = font.strip()
    if name.lower().startswith(".vn"):
        return "tcvn3", name.endswith("H")
    if name.lower().startswith(("vni-", "vni ")):
        return "vni", False
    return None, False


def _web_href(href: str) -> str:
    href = href.strip()
    scheme = href.split(":", 1)[0].lower() if ":" in href else ""
    return href if scheme in _WEB_SCHEMES and len(href) > len(scheme) + 1 else ""


def _field_href(instruction: str) -> str:
    """The URL of a HYPERLINK field instruction; "" for anything else (or a link inside the document)."""
    tokens = re.findall(r'"([^"]*)"|(\S+)', instruction)
    words = [quoted or bare for quoted, bare in tokens]
    if not words or words[0].upper() != "HYPERLINK":
        return ""
    skip = False
    for word in words[1:]:
        if skip:
            skip = False
        elif word.lower() in ("\\l", "\\o", "\\t"):
            skip = True
        elif not word.startswith("\\"):
            return word
    return ""


class Reader:
    """Walks the body in document order into paragraphs (raw pieces) and pictures; a picture larger
    than `max_image_bytes` is skipped and counted."""

    def __init__(self, document: Any, max_image_bytes: int) -> None:
        self._part = document.part
        self._max_image_bytes = max_image_bytes
        self._styles = _Styles(document.styles.element)
        self._numbering = _Numbering(_numbering_root(document), self._styles)
        self._fields: list[list[str]] = []  # per open complex field: [instruction, href or ""]
        self._items: list[Para | Pic] = []
        self.tally = Tally()

    def read(self) -> list[Para | Pic]:
        body = self._part.element.body
        if body is None:
            raise ValueError("the document has no body")
        self._container(body, in_table=False)
        return self._items

    def _container(self, element: Any, in_table: bool) -> None:
        for child in element:
            if child.tag == _P:
                self._paragraph(child, in_table)
            elif child.tag == _TBL:
                self._table(child)
            elif child.tag == _MC_ALTERNATE:
                choice = child.find(_MC_CHOICE)
                if choice is not None:
                    self._container(choice, in_table)
            elif child.tag in (_w("sdt"), _w("sdtContent"), _w("customXml"), _w("ins"), _w("moveTo")):
                self._container(child, in_table)

    def _table(self, table: Any) -> None:
        self.tally.tables += 1
        for cell in _TABLE_CELLS(table):
            self._container(cell, in_table=True)

    def _paragraph(self, p: Any, in_table: bool) -> None:
        ppr = p.find(_PPR)
        style = ppr.find(_w("pStyle")) if ppr is not None else None
        style_id = style.get(_VAL) if style is not None else self._styles.default_paragraph
        role, level = self._role(ppr, style_id)
        size = self._styles.find(style_id, f"{_RPR}/{_w('sz')}")
        para = Para(
            role=role,
            level=level,
            pieces=[],
            in_table=in_table,
            style_bold=bool(_on(self._styles.find(style_id, f"{_RPR}/{_w('b')}"))),
            style_italic=bool(_on(self._styles.find(style_id, f"{_RPR}/{_w('i')}"))),
            style_small=_small(size),
        )
        for run, href in self._inline(p, ""):
            para = self._run(run, href, style_id, para)
        self._items.append(para)

    def _role(self, ppr: Any, style_id: str | None) -> tuple[str, int]:
        named, level = _named_role(self._styles.names(style_id))
        if named in (Role.TITLE, Role.SUBTITLE, Role.HEADING):
            return named, level
        listed = self._list_role(ppr, style_id)
        if listed is not None:
            return listed, 0
        if named != Role.BODY:
            return named, level
        outline = ppr.find(_w("outlineLvl")) if ppr is not None else None
        outline = outline if outline is not None else self._styles.find(style_id, f"{_PPR}/{_w('outlineLvl')}")
        value = (outline.get(_VAL) or "") if outline is not None else ""
        if value.isdigit() and int(value) < 6:
            return Role.HEADING, int(value) + 1
        return Role.BODY, 0

    def _list_role(self, ppr: Any, style_id: str | None) -> str | None:
        num_pr = ppr.find(_w("numPr")) if ppr is not None else None
        num_pr = num_pr if num_pr is not None else self._styles.find(style_id, f"{_PPR}/{_w('numPr')}")
        names = self._styles.names(style_id)
        by_name = _list_role_by_name(names)
        if num_pr is None:
            return by_name
        num_id = num_pr.find(_w("numId"))
        level = num_pr.find(_w("ilvl"))
        num_value = (num_id.get(_VAL) or "") if num_id is not None else ""
        if num_value == "0":
            return None
        kind = self._numbering.kind(num_value, (level.get(_VAL) or "0") if level is not None else "0")
        if kind == "none":
            return None
        if kind is None:
            return by_name or Role.BULLETED
        return Role.BULLETED if kind == "bullet" else Role.NUMBERED

    def _inline(self, element: Any, href: str) -> Iterator[tuple[Any, str]]:
        for child in element:
            tag = child.tag
            if tag in _TRACKED:
                self.tally.tracked_changes = True
            if tag == _R:
                yield child, href
            elif tag == _w("hyperlink"):
                yield from self._inline(child, self._hyperlink_href(child) or href)
            elif tag == _w("fldSimple"):
                yield from self._inline(child, _field_href(child.get(_w("instr")) or "") or href)
            elif tag == _MC_ALTERNATE:
                choice = child.find(_MC_CHOICE)
                if choice is not None:
                    yield from self._inline(choice, href)
            elif tag not in _SKIPPED_INLINE and isinstance(tag, str):
                yield from self._inline(child, href)

    def _hyperlink_href(self, hyperlink: Any) -> str:
        relationship = self._part.rels.get(hyperlink.get(_R_ID) or "")
        if relationship is None or not relationship.is_external:
            return ""
        return relationship.target_ref

    def _run(self, run: Any, href: str, style_id: str | None, para: Para) -> Para:
        rpr = run.find(_RPR)
        legacy, capitals = self._run_legacy(rpr, style_id)
        small = _small(self._run_property(rpr, "sz", style_id, paragraph_too=True))
        texts: list[str] = []

        def flush() -> None:
            if texts:
                fmt = Format(
                    bold=bool(_on(self._run_property(rpr, "b", style_id))),
                    italic=bool(_on(self._run_property(rpr, "i", style_id))),
                    href=_web_href(self._field_link() or href),
                )
                para.pieces.append(Piece("".join(texts), fmt, small, legacy, capitals))
                texts.clear()

        for child in run:
            tag = child.tag
            if tag == _T:
                texts.append(child.text or "")
            elif tag in _SPECIAL_CHARACTERS:
                texts.append(_SPECIAL_CHARACTERS[tag])
            elif tag in (_w("fldChar"), _w("instrText")):
                flush()
                self._field_part(child)
            elif tag in (_w("drawing"), _w("pict"), _MC_ALTERNATE):
                flush()
                para = self._pictures(child, para)
            elif tag in (_w("footnoteReference"), _w("endnoteReference")):
                self.tally.notes += 1
            elif tag in (_w("object"), _w("embedObject")):
                self.tally.objects += 1
        flush()
        return para

    def _run_property(self, rpr: Any, name: str, style_id: str | None, paragraph_too: bool = False) -> Any:
        """Direct formatting, then the character style; the paragraph style only when asked (bold
        in a heading's style is the heading's look, not a mark)."""
        found = rpr.find(_w(name)) if rpr is not None else None
        if found is None and rpr is not None:
            char_style = rpr.find(_w("rStyle"))
            if char_style is not None:
                found = self._styles.find(char_style.get(_VAL), f"{_RPR}/{_w(name)}")
        if found is None and paragraph_too:
            found = self._styles.find(style_id, f"{_RPR}/{_w(name)}")
        return found

    def _run_legacy(self, rpr: Any, style_id: str | None) -> tuple[str | None, bool]:
        sources = [rpr.find(_w("rFonts")) if rpr is not None else None]
        char_style = rpr.find(_w("rStyle")) if rpr is not None else None
        if char_style is not None:
            sources.extend(s.find(f"{_RPR}/{_w('rFonts')}") for s in self._styles.chain(char_style.get(_VAL)))
        sources.extend(s.find(f"{_RPR}/{_w('rFonts')}") for s in self._styles.chain(style_id))
        defaults = self._styles.defaults_rpr
        sources.append(defaults.find(_w("rFonts")) if defaults is not None else None)
        for attribute in ("ascii", "hAnsi"):
            font = next((s.get(_w(attribute)) for s in sources if s is not None and s.get(_w(attribute))), None)
            legacy, capitals = _legacy_font(font or "")
            if legacy:
                return legacy, capitals
        return None, False

    def _field_part(self, element: Any) -> None:
        if element.tag == _w("instrText"):
            if self._fields:
                self._fields[-1][0] += element.text or ""
            return
        kind = element.get(_w("fldCharType"))
        if kind == "begin":
            self._fields.append(["", ""])
        elif kind == "separate" and self._fields:
            self._fields[-1][1] = _field_href(self._fields[-1][0].strip())
        elif kind == "end" and self._fields:
            self._fields.pop()

    def _field_link(self) -> str:
        return next((href for _, href in reversed(self._fields) if href), "")

    def _pictures(self, element: Any, para: Para) -> Para:
        """Splits the paragraph around each picture, so the picture keeps its place in the text."""
        found = False
        for embed, alt_text in self._picture_refs(element):
            picture = self._picture(embed, alt_text)
            if picture is not None:
                found = True
                self._items.extend((para, picture))
                para = Para(
                    role=para.role,
                    level=para.level,
                    pieces=[],
                    in_table=para.in_table,
                    style_bold=para.style_bold,
                    style_italic=para.style_italic,
                    style_small=para.style_small,
                )
        scope = element.find(_MC_CHOICE) if element.tag == _MC_ALTERNATE else element
        if scope is not None and not found:
            self.tally.text_boxes += len(_TEXT_BOXES(scope))
        return para

    def _picture_refs(self, element: Any) -> Iterator[tuple[str | None, str]]:
        drawings = [element] if element.tag == _w("drawing") else []
        if element.tag == _MC_ALTERNATE:
            drawings = _CHOICE_DRAWINGS(element)
        for drawing in drawings:
            for frame in _DRAWING_FRAMES(drawing):
                blips = _FRAME_BLIPS(frame)
                doc_pr = frame.find(qn("wp:docPr"))
                alt_text = (doc_pr.get("descr") or doc_pr.get("title") or "") if doc_pr is not None else ""
                for blip in blips:
                    yield blip.get(_R_EMBED), alt_text
        if element.tag == _w("pict"):
            for image in _VML_IMAGES(element):
                yield image.get(_R_ID), image.get(_O_TITLE) or ""

    def _picture(self, embed: str | None, alt_text: str) -> Pic | None:
        relationship = self._part.rels.get(embed or "")
        if relationship is None:
            if embed is None:
                self.tally.linked_pictures += 1
            else:
                self.tally.missing_pictures += 1
            return None
        if relationship.is_external:
            self.tally.linked_pictures += 1
            return None
        part = relationship.target_part
        blob = part.blob
        if len(blob) > self._max_image_bytes:
            self.tally.large_pictures += 1
            return None
        content_type, extension = _sniff_image(blob)
        if not content_type:
            self.tally.unsupported[extension] += 1
            return None
        stem = posixpath.splitext(posixpath.basename(str(part.partname)))[0] or "image"
        return Pic(blob, f"{stem}.{extension}", content_type, normalise_text(alt_text).strip())


def _numbering_root(document: Any) -> Any:
    try:
        return document.part.part_related_by(RT.NUMBERING).element
    except KeyError:
        return None


def _small(size: Any) -> bool:
    value = (size.get(_VAL) or "") if size is not None else ""
    return value.isdigit() and int(value) <= _SMALL_HALF_POINTS


def _named_role(names: Sequence[str]) -> tuple[str, int]:
    for name in names:
        heading = _HEADING.fullmatch(name)
        if heading:
            level = int(heading.group(1))
            return (Role.HEADING, level) if level <= 6 else (Role.BODY, 0)
        if name in (Role.TITLE, Role.SUBTITLE):
            return name, 1 if name == Role.TITLE else 0
        if name in _QUOTE_STYLES:
            return Role.QUOTE, 0
        if name == "caption":
            return Role.CAPTION, 0
        if name in _BYLINE_STYLES:
            return Role.BYLINE, 0
        if name in _LEAD_STYLES:
            return Role.LEAD, 0
    return Role.BODY, 0


def _list_role_by_name(names: Sequence[str]) -> str | None:
    for name in names:
        if name.startswith("list number"):
            return Role.NUMBERED
        if name.startswith("list bullet"):
            return Role.BULLETED
    return None


def _sniff_image(blob: bytes) -> tuple[str, str]:
    """(content type, extension) for the formats kept; ("", format name) for the others."""
    if blob.startswith(b"\xff\xd8\xff"):
        return "image/jpeg", "jpg"
    if blob.startswith(b"\x89PNG\r\n\x1a\n"):
        return "image/png", "png"
    if blob[:4] == b"RIFF" and blob[8:12] == b"WEBP":
        return "image/webp", "webp"
    if blob[40:44] == b" EMF":
        return "", "EMF"
    others = {
        b"\xd7\xcd\xc6\x9a": "WMF",
        b"\x01\x00\x09\x00": "WMF",
        b"GIF8": "GIF",
        b"II*\x00": "TIFF",
        b"MM\x00*": "TIFF",
        b"BM": "BMP",
    }
    for magic, name in others.items():
        if blob.startswith(magic):
            return "", name
    if blob[4:12] in (b"ftypheic", b"ftypheix", b"ftypmif1"):
        return "", "HEIC"
    if b"<svg" in blob[:1024]:
        return "", "SVG"
    return "", "unknown"
