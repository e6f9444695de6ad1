"""Import a Word document (.docx) as the parts of a new article: headline, lead, body blocks, pictures.

The file is read once into memory and checked from those bytes before python-docx parses anything
(zip limits, macros, passwords, XML with a DTD or entities); python-docx then reads the same bytes,
so nothing can change between the check and the read, and nothing is ever written to disk.

The heuristics are deliberately simple, so a drafter can predict them:

* headline: the first "Title" paragraph; else the first "Heading 1"; else the first non-empty
  plain paragraph or heading outside a table.
* subheadline: the first "Subtitle" paragraph. byline: the first paragraph in a style named "Byline"
  or "Author"; "SEOUL — Minh Anh" there splits into dateline and byline. No other paragraph is
  taken for a byline.
* lead: the first paragraph in a style named "Lead", "Sapo", "Intro" or "Standfirst"; else the first
  plain body paragraph after the headline, when it is wholly bold or comes right after the headline
  (only the subheadline, the byline and pictures with their captions may stand between them).
* "Heading 1"-"Heading 6" (or a style based on one, or an outline level 1-6) are headings; "Quote"
  and "Intense Quote" are quotes. Lists: numbering on the paragraph or its style, bulleted when the
  level's numFmt is "bullet", a plain paragraph when it is "none", numbered otherwise; without a
  usable numbering definition the style name decides ("List Number..." numbered, else bulleted).
* a paragraph is caption-like when its style is named "Caption", or when it is wholly italic or
  small (10 pt or less) and starts "Ảnh:", "Photo:", "Hình:", "Image:", "图片：", "사진:", "写真：", ...
  or ends "(Ảnh: ...)". Up to two caption-like paragraphs right after a picture belong to it (when
  none follows, one right before it does). Of two, one starting "Ảnh:"/"Photo:"/... is the credit;
  a caption ending "(Ảnh: TTXVN)" gives the credit "TTXVN".
* tables become one paragraph per cell paragraph; text boxes, footnotes, embedded objects, headers
  and footers are left out, each with a warning; tracked changes are read as if accepted.
* legacy Vietnamese: runs in a TCVN3 font (".VnTime", ".VnTimeH", any ".Vn...") or a VNI font
  ("VNI-Times", any "VNI-...") are converted; a run that already holds characters no legacy font
  can show (ơ, ư, ạ, ...) is left alone. When no run uses such a font, the whole text is checked
  with `detect_legacy_encoding` and converted when it reads as legacy Vietnamese.
"""

from __future__ import annotations

import functools
import io
import itertools
import posixpath
import re
import stat
import unicodedata
import zipfile
import zlib
from collections import Counter
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import docx
from defusedxml import DefusedXmlException, DTDForbidden
from defusedxml.ElementTree import DefusedXMLParser, ParseError
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.oxml.ns import qn
from lxml import etree

from workstation.errors import BadInput, EnvironmentFailure
from workstation.ids import new_id
from workstation.language.legacy_encodings import detect_legacy_encoding
from workstation.language.normalise import decode_legacy_vietnamese, normalise_text
from workstation.model import Block, BlockKind, Mark

_MIB = 1024 * 1024
MAX_FILE_BYTES = 512 * _MIB
MAX_ENTRIES = 5000
MAX_UNCOMPRESSED_BYTES = 512 * _MIB
MAX_XML_RATIO = 200
MAX_XML_PART_BYTES = 100 * _MIB
MAX_IMAGE_BYTES = 40 * _MIB
# Small parts legitimately compress very well (a page of repeated markup), and cannot hurt.
_RATIO_FLOOR_BYTES = 1 * _MIB
_CHUNK = 1 * _MIB

_OLE_MAGIC = b"\xd0\xcf\x11\xe0"
_MACRO_MARKERS = ("macroenabled", "vbaproject")
_WORD_MAIN = "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"
_WORD_TEMPLATE = "application/vnd.openxmlformats-officedocument.wordprocessingml.template.main+xml"
_OFFICE_DOCUMENT = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument"
_STRICT_OFFICE_DOCUMENT = "http://purl.oclc.org/ooxml/officeDocument/relationships/officeDocument"
_CT_NS = "{http://schemas.openxmlformats.org/package/2006/content-types}"
_REL_NS = "{http://schemas.openxmlformats.org/package/2006/relationships}"
_XML_SUFFIXES = (".xml", ".rels", ".vml")

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
_PICTURE_WORD = r"(?:ảnh(?: minh họa| minh hoạ)?|hình(?: ảnh)?|nguồn ảnh|photo|picture|image|图片?|照片|사진|写真)"
_CAPTION_START = re.compile(rf"^\(?\s*{_PICTURE_WORD}\s*[:：]", re.IGNORECASE)
_CREDIT_WORD = r"(?:ảnh|nguồn ảnh|nguồn|photo|图片?|照片|사진|写真)"
_CREDIT_LINE = re.compile(rf"^{_CREDIT_WORD}\s*[:：]\s*(.+)$", re.IGNORECASE)
_TRAILING_CREDIT = re.compile(rf"\s*\(\s*{_CREDIT_WORD}\s*[:：]\s*([^()]+?)\s*\)\s*$", re.IGNORECASE)
_DATELINE_SPLIT = re.compile(r"\s+[—–]\s+")
_SMALL_HALF_POINTS = 20
_DETECTION_SAMPLE = 50_000

# Bytes a legacy 8-bit font can show: Latin-1, plus the characters Windows-1252 puts at 0x80-0x9F.
_CP1252_EXTRAS = frozenset(bytes(range(0x80, 0xA0)).decode("cp1252", errors="ignore"))
# VNI modifier bytes (hat, breve, tone; lower and upper case): they change the letter before them,
# so one that starts a run belongs to the previous run's last letter.
_VNI_MODIFIERS = frozenset(
    bytes([byte]).decode("cp1252")
    for code in (0xF8, 0xF9, 0xFB, 0xF5, 0xEF, 0xE2, 0xE0, 0xE1, 0xE5, 0xE3, 0xE4, 0xEA, 0xE8, 0xE9, 0xFA, 0xFC, 0xEB)
    for byte in (code, code - 0x20)
)


@dataclass(frozen=True)
class ImportedImage:
    key: str
    data: bytes
    filename: str
    content_type: str
    caption: str = ""
    credit: str = ""
    alt_text: str = ""


@dataclass(frozen=True)
class ImportedDocument:
    headline: str
    subheadline: str
    lead: str
    byline: str
    blocks: list[Block]
    images: list[ImportedImage]
    warnings: list[str]
    dateline: str = ""


def read_docx(path: Path) -> ImportedDocument:
    """Read a .docx into an article's parts; BadInput with a plain message when it cannot be used."""
    path = Path(path)
    data = _read_file(path)
    _check_package(data, path.name)
    try:
        reader = _Reader(docx.Document(io.BytesIO(data)))
        items = reader.read()
    except Exception as error:
        # python-docx parses parts lazily and fails in many ways on a broken package (a part of
        # the wrong type surfaces as AttributeError); the cause stays chained for the log.
        raise BadInput(f"{path.name} is damaged: {error or type(error).__name__}") from error
    return _assemble(items, reader.tally, path.name)


# --- safety checks, before python-docx sees the bytes -------------------------------------------


def _read_file(path: Path) -> bytes:
    try:
        status = path.stat()
        if stat.S_ISDIR(status.st_mode):
            raise BadInput(f"{path.name} is a folder, not a Word document (.docx)")
        if not stat.S_ISREG(status.st_mode):
            raise BadInput(f"{path.name} is not a regular file, not a Word document (.docx)")
        if status.st_size > MAX_FILE_BYTES:
            raise BadInput(f"{path.name} is larger than {MAX_FILE_BYTES // _MIB} MB, too large to import")
        return path.read_bytes()
    except FileNotFoundError as error:
        raise BadInput(f"cannot read {path}: the file does not exist") from error
    except PermissionError as error:
        raise BadInput(f"cannot read {path}: permission denied") from error
    except OSError as error:
        raise EnvironmentFailure(f"cannot read {path}: {error.strerror or error}") from error


def _check_package(data: bytes, name: str) -> None:
    if not data:
        raise BadInput(f"{name} is empty; it is not a Word document (.docx)")
    if data.startswith(_OLE_MAGIC):
        raise BadInput(_ole_message(data, name))
    if data[:64].lstrip().startswith(b"{\\rtf"):
        raise BadInput(f"{name} is an RTF file, not a Word document (.docx); save it as .docx")
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            entries = _check_entries(archive, name)
            for info in _check_content(archive, entries, name):
                _check_xml(archive, info, name)
    except (zipfile.BadZipFile, EOFError, NotImplementedError, OSError, zlib.error) as error:
        if data.startswith(b"PK"):
            raise BadInput(f"{name} is damaged: its zip container is incomplete or broken ({error})") from error
        raise BadInput(f"{name} is not a Word document (.docx)") from error


def _ole_message(data: bytes, name: str) -> str:
    # An encrypted .docx is an OLE compound file holding these streams; their directory entries
    # are named in UTF-16.
    if "EncryptedPackage".encode("utf-16-le") in data or "EncryptionInfo".encode("utf-16-le") in data:
        return f"{name} is protected with a password; remove the password in Word and save it again"
    return f"{name} is an old Word 97–2003 .doc; save it as .docx"


def _check_entries(archive: zipfile.ZipFile, name: str) -> dict[str, zipfile.ZipInfo]:
    infos = archive.infolist()
    if len(infos) > MAX_ENTRIES:
        raise BadInput(f"{name} has too many parts ({len(infos)}; at most {MAX_ENTRIES}), which is not allowed")
    entries: dict[str, zipfile.ZipInfo] = {}
    total = 0
    for info in infos:
        entry = info.filename
        if _unsafe_name(entry):
            raise BadInput(f"{name} contains a part with an unsafe name ({entry}), which is not allowed")
        if entry.lower() in entries:
            raise BadInput(f"{name} is damaged: it contains the part {entry} twice")
        if info.flag_bits & 0x1:
            raise BadInput(f"{name} is protected with a password; remove the password in Word and save it again")
        total += info.file_size
        if total > MAX_UNCOMPRESSED_BYTES:
            raise BadInput(
                f"{name} would expand to more than {MAX_UNCOMPRESSED_BYTES // _MIB} MB, which is not allowed "
                "(it may be a zip bomb)"
            )
        if _suspicious_ratio(info):
            raise BadInput(f"{name} contains a part that expands suspiciously ({entry}); it may be a zip bomb")
        entries[entry.lower()] = info
    return entries


def _suspicious_ratio(info: zipfile.ZipInfo) -> bool:
    if not _is_xml(info.filename) or info.file_size <= _RATIO_FLOOR_BYTES:
        return False
    return info.file_size > MAX_XML_RATIO * max(info.compress_size, 1)


def _unsafe_name(entry: str) -> bool:
    parts = re.split(r"[\\/]", entry)
    return entry.startswith(("/", "\\")) or bool(re.match(r"^[A-Za-z]:", entry)) or ".." in parts


def _is_xml(entry: str) -> bool:
    return entry.lower().endswith(_XML_SUFFIXES)


def _check_content(archive: zipfile.ZipFile, entries: dict[str, zipfile.ZipInfo], name: str) -> list[zipfile.ZipInfo]:
    """Refuses macros and anything that is not a .docx; returns the XML parts left to check."""
    types_info = entries.get("[content_types].xml")
    rels_info = entries.get("_rels/.rels")
    if types_info is None or rels_info is None:
        raise BadInput(f"{name} is not a Word document (.docx)")
    defaults, overrides = _content_types(_parse_small(archive, types_info, name))
    content_types = (*defaults.values(), *overrides.values())
    has_vba = any(entry.rsplit("/", 1)[-1] == "vbaproject.bin" for entry in entries)
    if has_vba or any(marker in kind for kind in content_types for marker in _MACRO_MARKERS):
        raise BadInput(f"{name} contains macros; save it as a plain Word document (.docx)")
    main_part = _main_part(_parse_small(archive, rels_info, name), name)
    info = entries.get(main_part.lower())
    if info is None:
        raise BadInput(f"{name} is not a Word document (.docx): it has no main document part")
    content_type = overrides.get("/" + main_part.lower()) or defaults.get(main_part.rsplit(".", 1)[-1].lower(), "")
    if content_type == _WORD_TEMPLATE:
        raise BadInput(f"{name} is a Word template (.dotx); save it as a Word document (.docx)")
    if content_type != _WORD_MAIN:
        raise BadInput(f"{name} is not a Word document (.docx)")
    return [
        entry
        for key, entry in entries.items()
        if _is_xml(key) or _xml_content_type(overrides.get("/" + key, defaults.get(key.rsplit(".", 1)[-1], "")))
    ]


def _xml_content_type(content_type: str) -> bool:
    # python-docx parses XML parts, never pictures: an SVG's harmless DTD must not refuse the file.
    return content_type.endswith("xml") and not content_type.startswith("image/")


def _content_types(root: Any) -> tuple[dict[str, str], dict[str, str]]:
    defaults = {
        (node.get("Extension") or "").lower(): (node.get("ContentType") or "").lower()
        for node in root.iter(f"{_CT_NS}Default")
    }
    overrides = {
        (node.get("PartName") or "").lower(): (node.get("ContentType") or "").lower()
        for node in root.iter(f"{_CT_NS}Override")
    }
    return defaults, overrides


def _main_part(root: Any, name: str) -> str:
    for relationship in root.iter(f"{_REL_NS}Relationship"):
        kind = relationship.get("Type")
        if kind == _STRICT_OFFICE_DOCUMENT:
            raise BadInput(f"{name} is saved as Strict Open XML; save it in Word as a plain Word document (.docx)")
        if kind == _OFFICE_DOCUMENT and relationship.get("TargetMode") != "External":
            return posixpath.normpath((relationship.get("Target") or "").lstrip("/"))
    raise BadInput(f"{name} is not a Word document (.docx)")


class _Discard:
    """A parser target that keeps nothing: the check needs well-formedness, not a tree."""


def _check_xml(archive: zipfile.ZipFile, info: zipfile.ZipInfo, name: str) -> None:
    if info.file_size > MAX_XML_PART_BYTES:
        raise BadInput(f"{name} has a part too large to import ({info.filename}, {info.file_size // _MIB} MB)")
    parser = DefusedXMLParser(target=_Discard(), forbid_dtd=True, forbid_entities=True, forbid_external=True)
    head = b""
    try:
        with archive.open(info) as stream:
            while chunk := stream.read(_CHUNK):
                head = head or chunk
                parser.feed(chunk)
        parser.close()
    except (DefusedXmlException, ParseError, ValueError, LookupError) as error:  # LookupError: unknown encoding
        raise BadInput(_xml_refusal(name, info.filename, error, head)) from error


def _parse_small(archive: zipfile.ZipFile, info: zipfile.ZipInfo, name: str) -> Any:
    if info.file_size > MAX_XML_PART_BYTES:
        raise BadInput(f"{name} has a part too large to import ({info.filename})")
    raw = archive.read(info)
    parser = DefusedXMLParser(forbid_dtd=True, forbid_entities=True, forbid_external=True)
    try:
        parser.feed(raw)
        return parser.close()
    except (DefusedXmlException, ParseError, ValueError, LookupError) as error:  # LookupError: unknown encoding
        raise BadInput(_xml_refusal(name, info.filename, error, raw[:_CHUNK])) from error


def _xml_refusal(name: str, part: str, error: Exception, head: bytes) -> str:
    entity_declared = b"<!ENTITY" in head or "<!ENTITY".encode("utf-16-le") in head
    if isinstance(error, DTDForbidden) and not entity_declared:
        return f"{name} contains XML with a document type declaration (DTD), which is not allowed ({part})"
    if isinstance(error, DefusedXmlException):
        return f"{name} contains XML with entity declarations, which is not allowed ({part})"
    return f"{name} is damaged: {part} is not well-formed XML ({error})"


# --- reading the document ------------------------------------------------------------------------


@dataclass(frozen=True)
class _Format:
    bold: bool = False
    italic: bool = False
    href: str = ""


@dataclass
class _Piece:
    text: str
    fmt: _Format
    small: bool
    legacy: str | None
    capitals: bool


@dataclass
class _Para:
    role: str
    level: int
    pieces: list[_Piece]
    in_table: bool
    style_bold: bool
    style_italic: bool
    style_small: bool
    text: str = ""
    marks: tuple[Mark, ...] = ()
    all_bold: bool = False
    caption_like: bool = False


@dataclass
class _Pic:
    data: bytes
    filename: str
    content_type: str
    alt_text: str


@dataclass
class _Tally:
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


class _Role:
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


class _Reader:
    """Walks the body in document order into paragraphs (raw pieces) and pictures."""

    def __init__(self, document: Any) -> None:
        self._part = document.part
        self._styles = _Styles(document.styles.element)
        self._numbering = _Numbering(_numbering_root(document), self._styles)
        self._fields: list[list[str]] = []  # per open complex field: [instruction, href or ""]
        self._items: list[_Para | _Pic] = []
        self.tally = _Tally()

    def read(self) -> list[_Para | _Pic]:
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
        para = _Para(
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
        if named in (_Role.TITLE, _Role.SUBTITLE, _Role.HEADING):
            return named, level
        listed = self._list_role(ppr, style_id)
        if listed is not None:
            return listed, 0
        if named != _Role.BODY:
            return named, level
        outline = ppr.find(_w("outlineLvl")) if ppr is not None else None
        outline = outline if outline is not None else self._styles.find(style_id, f"{_PPR}/{_w('outlineLvl')}")
        value = (outline.get(_VAL) or "") if outline is not None else ""
        if value.isdigit() and int(value) < 6:
            return _Role.HEADING, int(value) + 1
        return _Role.BODY, 0

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
            return by_name or _Role.BULLETED
        return _Role.BULLETED if kind == "bullet" else _Role.NUMBERED

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

    def _run(self, run: Any, href: str, style_id: str | None, para: _Para) -> _Para:
        rpr = run.find(_RPR)
        legacy, capitals = self._run_legacy(rpr, style_id)
        small = _small(self._run_property(rpr, "sz", style_id, paragraph_too=True))
        texts: list[str] = []

        def flush() -> None:
            if texts:
                fmt = _Format(
                    bold=bool(_on(self._run_property(rpr, "b", style_id))),
                    italic=bool(_on(self._run_property(rpr, "i", style_id))),
                    href=_web_href(self._field_link() or href),
                )
                para.pieces.append(_Piece("".join(texts), fmt, small, legacy, capitals))
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

    def _pictures(self, element: Any, para: _Para) -> _Para:
        """Splits the paragraph around each picture, so the picture keeps its place in the text."""
        found = False
        for embed, alt_text in self._picture_refs(element):
            picture = self._picture(embed, alt_text)
            if picture is not None:
                found = True
                self._items.extend((para, picture))
                para = _Para(
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

    def _picture(self, embed: str | None, alt_text: str) -> _Pic | None:
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
        if len(blob) > MAX_IMAGE_BYTES:
            self.tally.large_pictures += 1
            return None
        content_type, extension = _sniff_image(blob)
        if not content_type:
            self.tally.unsupported[extension] += 1
            return None
        stem = posixpath.splitext(posixpath.basename(str(part.partname)))[0] or "image"
        return _Pic(blob, f"{stem}.{extension}", content_type, normalise_text(alt_text).strip())


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
            return (_Role.HEADING, level) if level <= 6 else (_Role.BODY, 0)
        if name in (_Role.TITLE, _Role.SUBTITLE):
            return name, 1 if name == _Role.TITLE else 0
        if name in _QUOTE_STYLES:
            return _Role.QUOTE, 0
        if name == "caption":
            return _Role.CAPTION, 0
        if name in _BYLINE_STYLES:
            return _Role.BYLINE, 0
        if name in _LEAD_STYLES:
            return _Role.LEAD, 0
    return _Role.BODY, 0


def _list_role_by_name(names: Sequence[str]) -> str | None:
    for name in names:
        if name.startswith("list number"):
            return _Role.NUMBERED
        if name.startswith("list bullet"):
            return _Role.BULLETED
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


# --- text: legacy conversion, whitespace, NFC, marks ---------------------------------------------


def _finish_paragraphs(items: Sequence[_Para | _Pic], tally: _Tally) -> None:
    paragraphs = [item for item in items if isinstance(item, _Para)]
    fallback = None
    if not any(piece.legacy for para in paragraphs for piece in para.pieces):
        sample = normalise_text("\n".join(piece.text for para in paragraphs for piece in para.pieces))
        sample = sample[:_DETECTION_SAMPLE]
        fallback = detect_legacy_encoding(sample) if _within_legacy_repertoire(sample) else None
    for para in paragraphs:
        encodings = [_encoding_of(piece, fallback) for piece in para.pieces]
        texts = _attach_vni_modifiers([piece.text for piece in para.pieces], encodings)
        converted = []
        for piece, text, encoding in zip(para.pieces, texts, encodings, strict=True):
            converted.append((_convert(text, encoding, piece.capitals), piece.fmt))
            if encoding and converted[-1][0] != normalise_text(text):
                tally.legacy.add(encoding)
        para.text, para.marks = _compose(converted)
        visible = [piece for piece, (text, _) in zip(para.pieces, converted, strict=True) if text.strip()]
        para.all_bold = bool(visible) and (para.style_bold or all(piece.fmt.bold for piece in visible))
        italic = para.style_italic or all(piece.fmt.italic for piece in visible)
        small = para.style_small or all(piece.small for piece in visible)
        para.caption_like = para.role == _Role.CAPTION or (
            bool(visible) and (italic or small) and _looks_like_caption(para.text)
        )


def _within_legacy_repertoire(text: str) -> bool:
    """Legacy text holds only what 8-bit fonts can show; Unicode Vietnamese has ạ, ơ, đ, ... too.
    A stray character or two (a pasted symbol) does not count."""
    beyond = sum(1 for char in text if ord(char) > 0xFF and char not in _CP1252_EXTRAS)
    non_ascii = sum(1 for char in text if ord(char) > 0x7F)
    return beyond <= non_ascii * 0.01


def _encoding_of(piece: _Piece, fallback: str | None) -> str | None:
    encoding = piece.legacy or fallback
    if encoding and all(ord(char) <= 0xFF or char in _CP1252_EXTRAS for char in piece.text):
        return encoding
    return None


def _attach_vni_modifiers(texts: list[str], encodings: Sequence[str | None]) -> list[str]:
    """Word splits runs anywhere (spelling marks, revisions); a VNI modifier starting a run must
    stay with the letter it modifies at the end of the previous run."""
    texts = list(texts)
    for index in range(1, len(texts)):
        if encodings[index] == encodings[index - 1] == "vni":
            count = 0
            while count < len(texts[index]) and texts[index][count] in _VNI_MODIFIERS:
                count += 1
            texts[index - 1] += texts[index][:count]
            texts[index] = texts[index][count:]
    return texts


def _convert(text: str, encoding: str | None, capitals: bool) -> str:
    if encoding is None:
        return normalise_text(text)
    converted = decode_legacy_vietnamese(text, encoding)
    return converted.upper() if capitals and encoding == "tcvn3" else converted


def _compose(pieces: Sequence[tuple[str, _Format]]) -> tuple[str, tuple[Mark, ...]]:
    """The block's final text (whitespace collapsed, NFC) and marks at exact offsets in it."""
    chars: list[str] = []
    formats: list[_Format] = []
    for text, fmt in pieces:
        for char in text:
            if char.isspace():
                if not chars or chars[-1] == " ":
                    continue
                char = " "
            chars.append(char)
            formats.append(fmt)
    if chars and chars[-1] == " ":
        chars.pop()
        formats.pop()
    text = "".join(chars)
    if not unicodedata.is_normalized("NFC", text):
        chars, formats = _nfc_keeping_formats(chars, formats)
        if "".join(chars) != unicodedata.normalize("NFC", text):
            # A composition across characters the clusters did not foresee: keep the text right.
            return unicodedata.normalize("NFC", text), ()
        text = "".join(chars)
    return text, _marks(text, formats)


def _nfc_keeping_formats(chars: list[str], formats: list[_Format]) -> tuple[list[str], list[_Format]]:
    clusters: list[tuple[str, _Format]] = []
    for char, fmt in zip(chars, formats, strict=True):
        joins = unicodedata.combining(char) or "\u1160" <= char <= "\u11ff"  # Hangul vowel and final jamo
        if clusters and joins:
            clusters[-1] = (clusters[-1][0] + char, clusters[-1][1])
        else:
            clusters.append((char, fmt))
    out_chars: list[str] = []
    out_formats: list[_Format] = []
    for cluster, fmt in clusters:
        composed = unicodedata.normalize("NFC", cluster)
        out_chars.extend(composed)
        out_formats.extend([fmt] * len(composed))
    return out_chars, out_formats


def _marks(text: str, formats: Sequence[_Format]) -> tuple[Mark, ...]:
    marks: list[Mark] = []
    for kind, values in (
        ("bold", [fmt.bold for fmt in formats]),
        ("italic", [fmt.italic for fmt in formats]),
        ("link", [fmt.href for fmt in formats]),
    ):
        for start, end, value in _spans(values):
            while start < end and text[start] == " ":
                start += 1
            while end > start and text[end - 1] == " ":
                end -= 1
            if start < end:
                marks.append(Mark(start, end, kind, value if kind == "link" else ""))
    return tuple(sorted(marks, key=lambda mark: (mark.start, mark.end, mark.kind)))


def _spans(values: Sequence[Any]) -> Iterator[tuple[int, int, Any]]:
    """(start, end, value) of each stretch of equal, truthy values."""
    start = 0
    for value, group in itertools.groupby(values):
        end = start + sum(1 for _ in group)
        if value:
            yield start, end, value
        start = end


def _looks_like_caption(text: str) -> bool:
    return bool(_CAPTION_START.match(text) or _TRAILING_CREDIT.search(text))


# --- assembling the article's parts --------------------------------------------------------------


@dataclass
class _Claims:
    headline: int | None = None
    subheadline: int | None = None
    byline: int | None = None
    lead: int | None = None
    captions: dict[int, tuple[list[int], int | None]] = field(default_factory=dict)
    """picture index -> (caption paragraph indexes, credit paragraph index)"""

    def used(self) -> set[int]:
        taken = [self.headline, self.subheadline, self.byline, self.lead]
        for caption_indexes, credit in self.captions.values():
            taken.extend((*caption_indexes, credit))
        return {index for index in taken if index is not None}


def _assemble(raw_items: list[_Para | _Pic], tally: _Tally, name: str) -> ImportedDocument:
    _finish_paragraphs(raw_items, tally)
    items = [item for item in raw_items if isinstance(item, _Pic) or item.text]
    if not items:
        raise BadInput(f"{name} has no text or pictures to import")
    claims = _Claims()
    claims.headline = _find_headline(items)
    claims.subheadline = _first(items, lambda para: para.role == _Role.SUBTITLE)
    claims.byline = _first(items, lambda para: para.role == _Role.BYLINE)
    _claim_captions(items, claims)
    claims.lead = _find_lead(items, claims)
    return _build(items, claims, tally)


def _first(items: Sequence[_Para | _Pic], test: Any, start: int = 0) -> int | None:
    return next(
        (index for index in range(start, len(items)) if isinstance(items[index], _Para) and test(items[index])),
        None,
    )


def _find_headline(items: Sequence[_Para | _Pic]) -> int | None:
    for test in (
        lambda para: para.role == _Role.TITLE,
        lambda para: para.role == _Role.HEADING and para.level == 1,
        lambda para: para.role in (_Role.BODY, _Role.HEADING) and not para.in_table,
    ):
        found = _first(items, test)
        if found is not None:
            return found
    return None


def _find_lead(items: Sequence[_Para | _Pic], claims: _Claims) -> int | None:
    styled = _first(items, lambda para: para.role == _Role.LEAD)
    if styled is not None or claims.headline is None:
        return styled
    right_after = True
    for index in range(claims.headline + 1, len(items)):
        item = items[index]
        # A picture under the headline (with its caption) does not separate the lead from it.
        if index in (claims.subheadline, claims.byline) or isinstance(item, _Pic) or item.caption_like:
            continue
        if item.role == _Role.BODY and not item.in_table:
            return index if right_after or item.all_bold else None
        right_after = False
    return None


def _claim_captions(items: Sequence[_Para | _Pic], claims: _Claims) -> None:
    taken = {claims.headline, claims.subheadline, claims.byline}

    def free_caption(index: int) -> bool:
        item = items[index] if 0 <= index < len(items) else None
        return isinstance(item, _Para) and item.caption_like and index not in taken

    for index, item in enumerate(items):
        if not isinstance(item, _Pic):
            continue
        following: list[int] = []
        for neighbour in (index + 1, index + 2):
            if not free_caption(neighbour):
                break
            following.append(neighbour)
        if not following and free_caption(index - 1):
            following = [index - 1]
        credit = None
        if len(following) == 2:
            credit = next((i for i in reversed(following) if _CREDIT_LINE.match(_para_at(items, i).text)), None)
        captions = [i for i in following if i != credit]
        claims.captions[index] = (captions, credit)
        taken.update(following)


def _build(items: Sequence[_Para | _Pic], claims: _Claims, tally: _Tally) -> ImportedDocument:
    used = claims.used()
    blocks: list[Block] = []
    images: list[ImportedImage] = []
    for index, item in enumerate(items):
        if index in used:
            continue
        if isinstance(item, _Pic):
            image = _image(item, items, *claims.captions.get(index, ([], None)))
            images.append(image)
            blocks.append(Block(id=new_id(), text="", kind=BlockKind.PICTURE, picture_id=image.key))
        else:
            blocks.append(Block(id=new_id(), text=item.text, kind=_block_kind(item.role), marks=item.marks))
    dateline, byline = _split_byline(_text_at(items, claims.byline))
    return ImportedDocument(
        headline=_text_at(items, claims.headline),
        subheadline=_text_at(items, claims.subheadline),
        lead=_text_at(items, claims.lead),
        byline=byline,
        dateline=dateline,
        blocks=blocks,
        images=images,
        warnings=_warnings(tally),
    )


def _image(picture: _Pic, items: Sequence[_Para | _Pic], captions: list[int], credit: int | None) -> ImportedImage:
    caption = " ".join(_para_at(items, i).text for i in captions)
    credit_text = ""
    if credit is not None:
        match = _CREDIT_LINE.match(_para_at(items, credit).text)
        credit_text = match.group(1).strip() if match else ""
    else:
        trailing = _TRAILING_CREDIT.search(caption)
        if trailing and trailing.start() > 0:
            credit_text = trailing.group(1).strip()
            caption = caption[: trailing.start()].strip()
    return ImportedImage(
        key=new_id(),
        data=picture.data,
        filename=picture.filename,
        content_type=picture.content_type,
        caption=caption,
        credit=credit_text,
        alt_text=picture.alt_text,
    )


def _para_at(items: Sequence[_Para | _Pic], index: int) -> _Para:
    item = items[index]
    assert isinstance(item, _Para)
    return item


def _text_at(items: Sequence[_Para | _Pic], index: int | None) -> str:
    item = items[index] if index is not None else None
    return item.text if isinstance(item, _Para) else ""


def _split_byline(text: str) -> tuple[str, str]:
    """("SEOUL", "Minh Anh") from "SEOUL — Minh Anh"; ("", text) otherwise."""
    parts = _DATELINE_SPLIT.split(text, maxsplit=1)
    if len(parts) == 2 and all(part.strip() for part in parts):
        return parts[0].strip(), parts[1].strip()
    return "", text


def _block_kind(role: str) -> str:
    return {
        _Role.HEADING: BlockKind.HEADING,
        _Role.TITLE: BlockKind.HEADING,
        _Role.QUOTE: BlockKind.QUOTE,
        _Role.BULLETED: BlockKind.BULLETED,
        _Role.NUMBERED: BlockKind.NUMBERED,
    }.get(role, BlockKind.PARAGRAPH)


def _plural(count: int, noun: str) -> str:
    return f"{count} {noun}" if count == 1 else f"{count} {noun}s"


def _warnings(tally: _Tally) -> list[str]:
    warnings = []
    if tally.tables:
        verb = "was" if tally.tables == 1 else "were"
        warnings.append(f"{_plural(tally.tables, 'table')} {verb} imported as plain paragraphs")
    for encoding in sorted(tally.legacy):
        label = "TCVN3 (.VnTime)" if encoding == "tcvn3" else "VNI"
        warnings.append(f"text in the old {label} encoding was converted to Unicode")
    if tally.unsupported:
        count = sum(tally.unsupported.values())
        formats = ", ".join(sorted(tally.unsupported))
        kind = "an unsupported format" if len(tally.unsupported) == 1 else "unsupported formats"
        warnings.append(f"{_plural(count, 'picture')} in {kind} ({formats}) {_was(count)} skipped")
    skipped = (
        (tally.large_pictures, f"larger than {MAX_IMAGE_BYTES // _MIB} MB"),
        (tally.linked_pictures, "linked to a file outside the document"),
        (tally.missing_pictures, "whose data is missing"),
    )
    for count, reason in skipped:
        if count:
            warnings.append(f"{_plural(count, 'picture')} {reason} {_was(count)} skipped")
    left_out = (
        (tally.text_boxes, "text box", "text boxes"),
        (tally.notes, "footnote or endnote", "footnotes or endnotes"),
        (tally.objects, "embedded object", "embedded objects"),
    )
    for count, singular, plural in left_out:
        if count:
            warnings.append(f"{count} {singular if count == 1 else plural} {_was(count)} left out")
    if tally.tracked_changes:
        warnings.append("the document has tracked changes; they were imported as if accepted")
    return warnings


def _was(count: int) -> str:
    return "was" if count == 1 else "were"
