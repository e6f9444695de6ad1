"""XLIFF 2.1 export and import of one translation, so it can be worked on in another CAT tool and come back.

Pure format code: plain records in, bytes or a file out, and back; no store, no Qt. docs/xliff.md tells
translators using OmegaT, memoQ, Trados or Okapi what to expect.

Mapping
-------
- ``<xliff xmlns="urn:oasis:names:tc:xliff:document:2.0" version="2.1" srcLang=… trgLang=…>`` holding one
  ``<file id="f1" original="urn:uuid:<translation id>" canResegment="no" ew:sourceId="<source article id>">``;
  ``ew`` is our namespace ``urn:editorial-workstation:xliff``. The title, when given, is a file-level
  ``<note category="title">``.
- One ``<unit>`` per article part in reading order, ``name`` a human label ("headline", "lead", "block 3",
  "caption 1", or the caller's own), one ``<segment>`` per sentence.
- Ids carry the address, so nothing depends on extension attributes a tool may drop: the segment id is
  the address ``<part>#<n>`` with ``#`` written ``_`` and every character other than ASCII letters,
  digits, ``-`` and ``:`` written ``.<hex>.`` (``headline#0`` → ``headline_0``, ``<uuid>#2`` →
  ``<uuid>_2``, ``caption:<uuid>#0`` → ``caption:<uuid>_0``); the unit id is the part, escaped the same
  way. Both are NMTOKENs, unique in the file, and decode back exactly. ``<segment>`` admits no foreign
  attributes in the core schema, which is why the address is not an ``ew:address`` attribute.
- States: new → ``initial`` + ``subState="ew:new"``; draft → ``initial`` + ``ew:draft``; translated,
  reviewed, final → the same XLIFF state. Back: ``initial`` with ``ew:new`` → new (draft once a target was
  typed), ``ew:draft`` → draft, no or another subState → draft when the target is non-empty, else new.
- A stale segment (its source changed after it was translated) → ``initial`` + ``subState="ew:stale"``
  whatever its state, plus a unit note ``<note category="ew:stale" ew:segment="<segment id>"
  ew:state="<our state>">Source before the last edit: …</note>``. Back, a segment still ``initial`` with
  ``ew:stale`` is stale again with that previous source and state; a translator who confirmed it in the
  other tool (any other state) has cleared the staleness.
- Comments → unit notes ``<note category="comment" ew:segment="<segment id>">``, read back onto the segment.
- An empty target is left out while the state is initial; a non-initial segment always has ``<target>``
  (empty if need be), as XLIFF 2 expects.
- Text is plain and escaped by the serializer; ``xml:space="preserve"`` goes on a source or target with
  leading, trailing, doubled or non-space whitespace. Characters XML 1.0 cannot hold (control characters)
  become ``<cp hex="…"/>`` (XLIFF's own escape) and come back unchanged; in notes, which cannot hold
  ``<cp>``, they become U+FFFD.

Reading accepts XLIFF 2.0 and 2.1 whatever the namespace prefixes, groups, ignorables, foreign modules,
extra notes, ``<mrk>``/``<pc>`` (their text is kept) and ``<ph>``/``<sc>``/``<ec>`` (dropped; our text has
no codes). It refuses, with ``BadInput`` naming the file: files over ``MAX_FILE_BYTES``, anything that is
not well-formed XML, entity declarations, any DOCTYPE internal subset (a DOCTYPE naming only an external
DTD is accepted and the DTD is never loaded), XLIFF 1.x and 2.2, a wrong root, missing languages, several
``<file>``s, missing or duplicate ids. ``check_against`` then lists every way the file does not fit the
translation. Reading never writes anything.
"""

from __future__ import annotations

import re
import stat
import unicodedata
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from xml.etree.ElementTree import Element

from lxml import etree

from workstation.errors import BadInput, EnvironmentFailure, Refused
from workstation.model import SegmentState
from workstation.user_files import write_atomically
from workstation.xml_safety import XmlKind, parse_untrusted

XLIFF_NS = "urn:oasis:names:tc:xliff:document:2.0"
EW_NS = "urn:editorial-workstation:xliff"
XML_NS = "http://www.w3.org/XML/1998/namespace"
XLIFF_VERSION = "2.1"
READABLE_VERSIONS = ("2.0", "2.1")

_MIB = 1024 * 1024
MAX_FILE_BYTES = 50 * _MIB
MAX_ELEMENTS = 1_000_000
MAX_DEPTH = 64

STALE_NOTE_PREFIX = "Source before the last edit: "
_COMMENT = "comment"
_STALE = "ew:stale"
_TITLE = "title"

_INITIAL = "initial"
_XLIFF_STATES = ("initial", "translated", "reviewed", "final")
_STATES = tuple(state.value for state in SegmentState)

# Characters XML 1.0 cannot carry (lone surrogates included).
_NOT_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")
_NEEDS_PRESERVE = re.compile(r"^[ \t\r\n]|[ \t\r\n]$|[\t\r\n]|  ")
_ID_SAFE = re.compile(r"[A-Za-z0-9:-]")
_ID_ESCAPE = re.compile(r"\.([0-9a-f]{1,6})\.")
_NMTOKEN = re.compile(r"[\w.:\-\u00b7\u0300-\u036f\u203f\u2040]+")
_LANGUAGE = re.compile(r"[A-Za-z]{1,8}(-[A-Za-z0-9]{1,8})*")
_XLIFF_1 = "urn:oasis:names:tc:xliff:document:1."
_XLIFF_22 = "urn:oasis:names:tc:xliff:document:2.2"


def _x(tag: str) -> str:
    return f"{{{XLIFF_NS}}}{tag}"


def _ew(name: str) -> str:
    return f"{{{EW_NS}}}{name}"


@dataclass(frozen=True)
class XliffSegment:
    """One sentence as exported or read: ``address`` ``<part>#<n>``, ``state`` a SegmentState value."""

    address: str
    source: str
    target: str = ""
    state: str = SegmentState.NEW
    notes: tuple[str, ...] = ()
    """Comments rendered as text (author, time, verdict and text), one note each."""
    stale_source: str | None = None
    """The source text before the edit that made this segment stale; None when it is not stale."""

    @property
    def part(self) -> str:
        return self.address.rpartition("#")[0]

    @property
    def stale(self) -> bool:
        return self.stale_source is not None


@dataclass(frozen=True)
class XliffDocument:
    """What an XLIFF file says; ``translation_id`` and ``source_id`` are "" when the file does not say."""

    translation_id: str
    source_id: str
    source_language: str
    target_language: str
    segments: tuple[XliffSegment, ...]
    title: str = ""


# --- ids ------------------------------------------------------------------------------------------


def segment_id(address: str) -> str:
    """The XLIFF segment id (an NMTOKEN) standing for ``address``; `address_of` reverses it."""
    return _escape_id(address, hash_as_underscore=True)


def unit_id(part: str) -> str:
    return _escape_id(part, hash_as_underscore=False)


def address_of(xliff_id: str) -> str:
    """The address a segment id stands for. An id `segment_id` cannot have written (another tool's) is
    returned as it is: an NMTOKEN has no ``#``, so it never matches a sentence, and messages show it unchanged."""
    address = _ID_ESCAPE.sub(_chr_or_keep, xliff_id.replace("_", "#"))
    return address if segment_id(address) == xliff_id else xliff_id


def _escape_id(text: str, *, hash_as_underscore: bool) -> str:
    pieces = []
    for char in text:
        if _ID_SAFE.fullmatch(char):
            pieces.append(char)
        elif char == "#" and hash_as_underscore:
            pieces.append("_")
        else:
            pieces.append(f".{ord(char):x}.")
    return "".join(pieces)


def _chr_or_keep(match: re.Match[str]) -> str:
    value = int(match.group(1), 16)
    return chr(value) if value <= 0x10FFFF else match.group(0)


# --- writing --------------------------------------------------------------------------------------


def write_xliff(
    out: Path,
    *,
    translation_id: str,
    source_id: str,
    source_language: str,
    target_language: str,
    segments: Sequence[XliffSegment],
    title: str = "",
    part_labels: Mapping[str, str] | None = None,
) -> None:
    """Writes the translation to ``out`` atomically (a temporary file beside it, then a rename).

    ValueError for inputs no translation can have (a bad address or state, repeated addresses, parts out
    of order); Refused when there is nothing to export; EnvironmentFailure when the file cannot be written.
    """
    data = render_xliff(
        translation_id=translation_id,
        source_id=source_id,
        source_language=source_language,
        target_language=target_language,
        segments=segments,
        title=title,
        part_labels=part_labels,
    )
    write_atomically(out, data)


def render_xliff(
    *,
    translation_id: str,
    source_id: str,
    source_language: str,
    target_language: str,
    segments: Sequence[XliffSegment],
    title: str = "",
    part_labels: Mapping[str, str] | None = None,
) -> bytes:
    """The XLIFF 2.1 document as UTF-8 bytes (see the module docstring for the mapping)."""
    if not segments:
        raise Refused("the translation has no sentences to export")
    for language in (source_language, target_language):
        if not _LANGUAGE.fullmatch(language):
            raise ValueError(f"{language!r} is not a language tag")
    for name, value in (("translation id", translation_id), ("source id", source_id)):
        if not value or _NOT_XML.search(value):
            raise ValueError(f"{name} {value!r} cannot be written to XLIFF")
    units = _units(segments)
    labels = _labels([part for part, _ in units], part_labels or {})

    root = etree.Element(
        _x("xliff"),
        {"version": XLIFF_VERSION, "srcLang": source_language, "trgLang": target_language},
        nsmap={None: XLIFF_NS, "ew": EW_NS},
    )
    file = etree.SubElement(
        root,
        _x("file"),
        {"id": "f1", "original": f"urn:uuid:{translation_id}", "canResegment": "no", _ew("sourceId"): source_id},
    )
    if title:
        notes = etree.SubElement(file, _x("notes"))
        _note(notes, title, note_id="title", category=_TITLE)
    for part, members in units:
        _write_unit(file, part, labels[part], members)
    _indent(root, 0)
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8") + b"\n"


def _units(segments: Sequence[XliffSegment]) -> list[tuple[str, list[XliffSegment]]]:
    units: list[tuple[str, list[XliffSegment]]] = []
    seen_parts: set[str] = set()
    seen_addresses: set[str] = set()
    for item in segments:
        part, hash_sign, number = item.address.rpartition("#")
        if not part or not hash_sign or not number:
            raise ValueError(f"segment address {item.address!r} is not <part>#<n>")
        if item.address in seen_addresses:
            raise ValueError(f"segment {item.address} appears twice")
        if item.state not in _STATES:
            raise ValueError(f"segment {item.address} has an unknown state {item.state!r}")
        seen_addresses.add(item.address)
        if units and units[-1][0] == part:
            units[-1][1].append(item)
            continue
        if part in seen_parts:
            raise ValueError(f"the sentences of {part} are not together in reading order")
        seen_parts.add(part)
        units.append((part, [item]))
    return units


def _labels(parts: list[str], given: Mapping[str, str]) -> dict[str, str]:
    counters = {"block": 0, "caption": 0, "alt text": 0}
    labels: dict[str, str] = {}
    for part in parts:
        if part in ("headline", "subheadline", "lead"):
            kind = part
        else:
            kind = {"caption": "caption", "alt": "alt text"}.get(part.partition(":")[0], "block")
            counters[kind] += 1
            kind = f"{kind} {counters[kind]}"
        labels[part] = _note_text(given.get(part, kind))
    return labels


def _write_unit(file: Any, part: str, label: str, members: list[XliffSegment]) -> None:
    unit = etree.SubElement(file, _x("unit"), {"id": unit_id(part), "name": label})
    notes: list[dict[str, str]] = []
    for item in members:
        ref = segment_id(item.address)
        notes += [{"text": text, "category": _COMMENT, "segment": ref} for text in item.notes]
        if item.stale_source is not None:
            text = STALE_NOTE_PREFIX + item.stale_source
            notes.append({"text": text, "category": _STALE, "segment": ref, "state": str(item.state)})
    if notes:
        container = etree.SubElement(unit, _x("notes"))
        for number, note in enumerate(notes, start=1):
            _note(container, note_id=f"n{number}", **note)
    for item in members:
        segment = etree.SubElement(unit, _x("segment"), {"id": segment_id(item.address)})
        if item.stale_source is not None:
            segment.set("state", _INITIAL)
            segment.set("subState", _STALE)
        elif item.state in (SegmentState.NEW, SegmentState.DRAFT):
            segment.set("state", _INITIAL)
            segment.set("subState", f"ew:{item.state}")
        else:
            segment.set("state", str(item.state))
        _fill(etree.SubElement(segment, _x("source")), item.source)
        if item.target or segment.get("state") != _INITIAL:
            _fill(etree.SubElement(segment, _x("target")), item.target)


def _note(notes: Any, text: str, *, category: str, note_id: str = "", segment: str = "", state: str = "") -> None:
    note = etree.SubElement(notes, _x("note"))
    if note_id:
        note.set("id", note_id)
    note.set("category", category)
    if segment:
        note.set(_ew("segment"), segment)
    if state:
        note.set(_ew("state"), str(state))
    note.text = _note_text(text)


def _note_text(text: str) -> str:
    return _NOT_XML.sub("\ufffd", text)


def _fill(element: Any, text: str) -> None:
    """Sets plain ``text`` as the content, characters XML cannot hold as ``<cp hex>`` elements."""
    if _NEEDS_PRESERVE.search(text):
        element.set(f"{{{XML_NS}}}space", "preserve")
    pieces = _NOT_XML.split(text)
    element.text = pieces[0]
    for char, tail in zip(_NOT_XML.findall(text), pieces[1:], strict=True):
        code = etree.SubElement(element, _x("cp"), {"hex": f"{ord(char):04X}"})
        code.tail = tail


_STRUCTURE = {_x(tag) for tag in ("xliff", "file", "notes", "unit", "segment")}


def _indent(element: Any, level: int) -> None:
    """Indents the structural elements only: whitespace inside source, target and note would be text."""
    children = list(element)
    if element.tag not in _STRUCTURE or not children:
        return
    inner = "\n" + "  " * (level + 1)
    element.text = inner
    for child in children:
        child.tail = inner
        _indent(child, level + 1)
    children[-1].tail = "\n" + "  " * level


# --- reading --------------------------------------------------------------------------------------


def read_xliff(path: Path) -> XliffDocument:
    """The XLIFF document at ``path``; BadInput naming the file when it is not one we can safely use."""
    return parse_xliff(_read_bounded(path), path.name)


def parse_xliff(data: bytes, name: str = "the file") -> XliffDocument:
    """The XLIFF document in ``data`` (``name`` is how messages call the file)."""
    if len(data) > MAX_FILE_BYTES:
        raise BadInput(_too_large(name))
    root = _parse(data, name)
    return _document(root, name)


def _read_bounded(path: Path) -> bytes:
    try:
        status = path.stat()
        if stat.S_ISDIR(status.st_mode):
            raise BadInput(f"{path.name} is a folder, not an XLIFF file")
        if not stat.S_ISREG(status.st_mode):
            raise BadInput(f"{path.name} is not a regular file, not an XLIFF file")
        if status.st_size > MAX_FILE_BYTES:
            raise BadInput(_too_large(path.name))
        with path.open("rb") as stream:
            data = stream.read(MAX_FILE_BYTES + 1)
    except FileNotFoundError as error:
        raise BadInput(f"cannot read {path}: the file does not exist") from error
    except PermissionError as error:
        raise BadInput(f"cannot read {path}: permission denied") from error
    except OSError as error:
        raise EnvironmentFailure(f"cannot read {path}: {error.strerror or error}") from error
    if len(data) > MAX_FILE_BYTES:
        raise BadInput(_too_large(path.name))
    return data


def _too_large(name: str) -> str:
    limit = MAX_FILE_BYTES // _MIB
    return f"{name} is larger than {limit} MB, too large for the XLIFF of one article; nothing was imported"


def _parse(data: bytes, name: str) -> Element:
    if data.strip() and not _looks_like_xml(data):
        raise BadInput(f"{name} is not an XML file, so it is not XLIFF")
    kind = XmlKind(
        article="an XLIFF file",
        name="XLIFF",
        advice="export the XLIFF again from your CAT tool",
        too_many="too many for the XLIFF of one article",
        max_elements=MAX_ELEMENTS,
        max_depth=MAX_DEPTH,
    )
    return parse_untrusted(data, name, kind)


def _looks_like_xml(data: bytes) -> bool:
    head = data[:256]
    for bom, encoding in ((b"\xef\xbb\xbf", "utf-8"), (b"\xff\xfe", "utf-16-le"), (b"\xfe\xff", "utf-16-be")):
        if head.startswith(bom):
            text = head[len(bom) :].decode(encoding, errors="ignore")
            break
    else:
        text = head.decode("latin-1")
    return text.lstrip(" \t\r\n").startswith("<")


def _local(tag: str) -> tuple[str, str]:
    namespace, _, local = tag[1:].partition("}") if tag.startswith("{") else ("", "", tag)
    return namespace, local


def _document(root: Element, name: str) -> XliffDocument:
    _check_root(root, name)
    source_language = (root.get("srcLang") or "").strip()
    target_language = (root.get("trgLang") or "").strip()
    if not source_language:
        raise BadInput(f"{name} does not give its source language (srcLang)")
    if not target_language:
        raise BadInput(f"{name} does not give its target language (trgLang)")
    files = root.findall(_x("file"))
    if len(files) != 1:
        raise BadInput(f"{name} holds {len(files)} <file> elements; the XLIFF of one translation holds exactly one")
    file = files[0]
    original = file.get("original") or ""
    title = next(
        (_flat(note) for note in file.findall(f"{_x('notes')}/{_x('note')}") if note.get("category") == _TITLE), ""
    )
    segments: list[XliffSegment] = []
    unit_ids: set[str] = set()
    ids: dict[str, str] = {}
    addresses: dict[str, str] = {}
    for unit in file.iter(_x("unit")):
        uid = unit.get("id")
        if not uid:
            raise BadInput(f"{name}: a <unit> has no id")
        if not _NMTOKEN.fullmatch(uid):
            raise BadInput(f"{name}: the unit id {uid!r} is not a valid XLIFF id")
        if uid in unit_ids:
            raise BadInput(f"{name}: the unit id {uid!r} appears twice")
        unit_ids.add(uid)
        segments += _unit_segments(unit, uid, ids, addresses, name)
    return XliffDocument(
        translation_id=original.removeprefix("urn:uuid:"),
        source_id=file.get(_ew("sourceId")) or "",
        source_language=source_language,
        target_language=target_language,
        segments=tuple(segments),
        title=title,
    )


def _check_root(root: Element, name: str) -> None:
    namespace, local = _local(root.tag)
    version = root.get("version") or ""
    if local == "xliff" and (namespace.startswith(_XLIFF_1) or version.startswith("1.")):
        raise BadInput(
            f"{name} is XLIFF {version or '1.x'}; version {version or '1.x'} is not supported: "
            "export XLIFF 2 (2.1 or 2.0) from your CAT tool"
        )
    if local == "xliff" and namespace == _XLIFF_22:
        raise BadInput(f"{name} is XLIFF 2.2, which is not supported yet: export XLIFF 2.1 or 2.0 from your CAT tool")
    if local != "xliff":
        raise BadInput(f"{name} is not an XLIFF file: its root element is <{local}>, not <xliff>")
    if namespace != XLIFF_NS:
        shown = namespace or "no namespace"
        raise BadInput(f"{name} is not an XLIFF 2 file: its <xliff> element is in {shown}, not {XLIFF_NS}")
    if version not in READABLE_VERSIONS:
        raise BadInput(f"{name} says it is XLIFF version {version or '(none)'}; only 2.0 and 2.1 can be read")


def _unit_segments(
    unit: Element, uid: str, ids: dict[str, str], addresses: dict[str, str], name: str
) -> list[XliffSegment]:
    comments: dict[str, list[str]] = {}
    stale: dict[str, tuple[str, str]] = {}
    for note in unit.findall(f"{_x('notes')}/{_x('note')}"):
        ref = note.get(_ew("segment"))
        if not ref:
            continue  # a note of the other tool, or one for the whole unit
        if note.get("category") == _STALE:
            stale[ref] = (_flat(note).removeprefix(STALE_NOTE_PREFIX), note.get(_ew("state")) or "")
        else:
            comments.setdefault(ref, []).append(_flat(note))
    found: list[XliffSegment] = []
    for position, segment in enumerate(unit.findall(_x("segment")), start=1):
        sid = segment.get("id")
        if not sid:
            raise BadInput(
                f"{name}: segment {position} of unit {uid!r} has no id, so it cannot be matched to a sentence "
                "(was the file re-segmented? keep segments as exported)"
            )
        if not _NMTOKEN.fullmatch(sid):
            raise BadInput(f"{name}: the segment id {sid!r} is not a valid XLIFF id")
        if sid in ids:
            raise BadInput(f"{name}: the segment id {sid!r} appears twice (units {ids[sid]!r} and {uid!r})")
        ids[sid] = uid
        address = address_of(sid)
        if address in addresses:
            raise BadInput(f"{name}: the segment ids {addresses[address]!r} and {sid!r} stand for the same sentence")
        addresses[address] = sid
        source = segment.find(_x("source"))
        if source is None:
            raise BadInput(f"{name}: segment {sid!r} has no <source>")
        target_element = segment.find(_x("target"))
        target = _text(target_element, sid, name) if target_element is not None else ""
        xliff_state = segment.get("state") or _INITIAL
        if xliff_state not in _XLIFF_STATES:
            raise BadInput(f"{name}: segment {sid!r} has the unknown state {xliff_state!r}")
        state, stale_source = _our_state(xliff_state, segment.get("subState") or "", target, stale.get(sid))
        found.append(
            XliffSegment(
                address=address,
                source=_text(source, sid, name),
                target=target,
                state=state,
                notes=tuple(comments.get(sid, ())),
                stale_source=stale_source,
            )
        )
    return found


def _our_state(
    xliff_state: str, sub_state: str, target: str, stale: tuple[str, str] | None
) -> tuple[SegmentState, str | None]:
    """Our state and stale source for a segment's XLIFF state, subState and target."""
    if xliff_state != _INITIAL:
        return SegmentState(xliff_state), None
    fallback = SegmentState.DRAFT if target else SegmentState.NEW
    if sub_state == _STALE:
        previous, state = stale or ("", "")
        return (SegmentState(state) if state in _STATES else fallback), previous
    if sub_state == "ew:draft":
        return SegmentState.DRAFT, None
    return fallback, None


def _text(element: Element, sid: str, name: str) -> str:
    """Plain text of a source or target: ``<cp>`` decoded, ``<mrk>``/``<pc>`` text kept, codes dropped."""
    pieces = [element.text or ""]
    for child in element:
        namespace, local = _local(child.tag)
        if namespace == XLIFF_NS and local == "cp":
            pieces.append(_code_point(child.get("hex") or "", sid, name))
        elif not (namespace == XLIFF_NS and local in ("ph", "sc", "ec", "sm", "em")):
            pieces.append(_text(child, sid, name))
        pieces.append(child.tail or "")
    return "".join(pieces)


def _code_point(hex_value: str, sid: str, name: str) -> str:
    try:
        value = int(hex_value, 16)
        if not 0 <= value <= 0x10FFFF:
            raise ValueError(hex_value)
    except ValueError as error:
        raise BadInput(f"{name}: segment {sid!r} has <cp hex={hex_value!r}>, which is not a code point") from error
    return chr(value)


def _flat(element: Element) -> str:
    return "".join(element.itertext())


# --- checking against the translation -------------------------------------------------------------


def check_against(
    document: XliffDocument,
    current: Sequence[XliffSegment],
    *,
    translation_id: str,
    source_language: str,
    target_language: str,
    part_labels: Mapping[str, str] | None = None,
) -> list[str]:
    """Every way ``document`` does not fit the translation whose segments are ``current``, one
    human-readable line each; [] when it fits and can be imported. ``part_labels`` ("paragraph 3") name
    the parts in messages, as in `write_xliff`."""
    labels = part_labels or {}
    problems: list[str] = []
    if document.translation_id != translation_id:
        if document.translation_id:
            problems.append(
                f"the file belongs to another translation ({document.translation_id}), not this one ({translation_id})"
            )
        else:
            problems.append('the file does not say which translation it belongs to (no original="urn:uuid:…")')
    file_pair = (document.source_language.lower(), document.target_language.lower())
    if file_pair != (source_language.lower(), target_language.lower()):
        problems.append(
            f"the file translates {document.source_language} → {document.target_language}, "
            f"this translation is {source_language} → {target_language}"
        )
    by_address = {item.address: item for item in current}
    in_file: set[str] = set()
    for item in document.segments:
        in_file.add(item.address)
        mine = by_address.get(item.address)
        if mine is None:
            problems.append(f"{_describe(item.address, labels)} ({_quote(item.source)}) is not in this translation")
            continue
        theirs_source, my_source = (unicodedata.normalize("NFC", text) for text in (item.source, mine.source))
        if theirs_source != my_source:
            at = next(
                (i for i, pair in enumerate(zip(theirs_source, my_source, strict=False)) if pair[0] != pair[1]),
                min(len(theirs_source), len(my_source)),
            )
            problems.append(
                f"{_describe(item.address, labels)}: the source text differs from character {at + 1}: "
                f"the file has {_quote(theirs_source, at)}, the translation has {_quote(my_source, at)}"
            )
    for item in current:
        if item.address not in in_file:
            problems.append(f"{_describe(item.address, labels)} ({_quote(item.source)}) is missing from the file")
    return problems


def _describe(address: str, labels: Mapping[str, str]) -> str:
    """``segment lead_1 (sentence 2 of the lead)``: the id the translator sees, and where it is."""
    part, _, number = address.rpartition("#")
    if not part or not number.isdigit():
        return f"segment {address}"  # another tool's id, kept as it was
    sentence = f"sentence {int(number) + 1}"
    kind = part.partition(":")[0]
    if part in labels:
        where = labels[part]
    elif part in ("headline", "subheadline", "lead"):
        where = f"the {part}"
    elif kind in ("caption", "alt") and ":" in part:
        where = "a picture caption" if kind == "caption" else "a picture's alt text"
    else:
        where = "a body block"
    return f"segment {segment_id(address)} ({sentence} of {where})"


def _quote(text: str, around: int = 0, width: int = 60) -> str:
    """``text`` in quotes, shortened to about ``width`` characters showing position ``around``."""
    if len(text) <= width:
        return f"“{text}”"
    start = max(0, around - width // 3)
    excerpt = text[start : start + width]
    return "“" + ("…" if start else "") + excerpt + ("…" if start + width < len(text) else "") + "”"
