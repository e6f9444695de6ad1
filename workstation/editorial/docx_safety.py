"""Safety checks on a Word document (.docx), before python-docx sees the bytes.

The file is read once into memory and checked from those bytes: zip limits (size, entries, expansion
ratio, unsafe names), macros, passwords, templates, Strict Open XML, and XML with a DTD or entities.
The caller hands python-docx the same bytes, so nothing can change between the check and the read,
and nothing is ever written to disk.
"""

from __future__ import annotations

import io
import posixpath
import re
import zipfile
import zlib
from pathlib import Path
from typing import Any

from defusedxml import DefusedXmlException, DTDForbidden
from defusedxml.ElementTree import DefusedXMLParser, ParseError

from workstation.errors import BadInput
from workstation.user_files import read_user_file

_MIB = 1024 * 1024
MAX_FILE_BYTES = 512 * _MIB
MAX_ENTRIES = 5000
MAX_UNCOMPRESSED_BYTES = 512 * _MIB
MAX_XML_RATIO = 200
MAX_XML_PART_BYTES = 100 * _MIB
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


def read_checked_docx(path: Path) -> bytes:
    """The bytes of the file at `path`, once they pass every check; BadInput with a plain message when
    they are not a plain Word document that is safe to parse (EnvironmentFailure when it cannot be read)."""
    data = _read_file(path)
    _check_package(data, path.name)
    return data


def _read_file(path: Path) -> bytes:
    return read_user_file(path, MAX_FILE_BYTES, "a Word document (.docx)")


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
