"""TMX 1.4b: reading translation-memory exchange files from other tools, and writing ours.

Pure format code: units in, a file out, and back; no store, no Qt.

Writing
-------
``<?xml …?>``, ``<!DOCTYPE tmx SYSTEM "tmx14.dtd">``, ``<tmx version="1.4">`` with a ``<header>`` holding
``creationtool="Editorial Workstation"``, ``creationtoolversion``, ``segtype="sentence"``,
``o-tmf="Editorial Workstation"``, ``adminlang="en"``, ``datatype="plaintext"``, ``creationdate`` and
``srclang`` (the source language when every unit goes one way, else ``*all*`` with a ``srclang`` on
each ``<tu>``). Each unit is a ``<tu creationdate changedate [creationid]>`` with two
``<tuv xml:lang="vi"><seg>…</seg></tuv>``. Dates are TMX's ``YYYYMMDDThhmmssZ``. The file is written
beside its destination, fsynced and renamed over it, so a failure leaves no half-written TMX.

Inline tags: our segments carry numbered tags ``<b1>…</b1>`` (bold), ``<i2>`` (italic), ``<a3>`` (link).
A pair becomes ``<bpt i="1" type="bold">&lt;b1&gt;</bpt>…<ept i="1">&lt;/b1&gt;</ept>`` (TMX level 2,
the tag's own text as the native code), an unpaired one ``<it pos="begin|end" type="…">``. What other
tools make of it:

- translate-toolkit reads the text of the codes with the text around them, which gives back exactly
  ``Xin <b1>chào</b1>`` (tested);
- OmegaT reads a TMX from another tool at level 1 by default, dropping the codes' content (plain text,
  which it matches as plain text), and with "level 2" on, makes its own tag shortcuts from ``type`` and
  ``i`` (``<b1>``…``</b1>``); either way no ``&lt;b1&gt;`` shows up as literal text in its matches, which
  is what writing the tags as escaped text would give it;
- we read our own codes back into tags exactly (round trip).

Characters XML 1.0 cannot hold (control characters other than tab and newline) are written as U+FFFD.

Reading
-------
Streaming (``lxml.etree.iterparse``), each ``<tu>`` dropped once read, with entity resolution, DTD
loading and network access off. A DOCTYPE naming the external ``tmx14.dtd`` is normal and accepted (the
DTD is never loaded); a DOCTYPE declaring entities or elements in an internal subset, and any entity
reference, are refused with ``BadInput`` before a unit is used. Limits: ``MAX_FILE_BYTES``,
``MAX_UNITS`` ``<tu>``s, ``MAX_SEGMENT_CHARS`` per segment, ``MAX_DEPTH`` nesting.

Languages: ``xml:lang`` (or TMX 1.1's ``lang``) is matched case-insensitively on its primary subtag,
``vi-VN``, ``EN-US``, ``en_GB`` → ``vi``, ``en``; Chinese is ours only in Simplified script (``zh``,
``zh-CN``, ``zh-SG``, ``zh-Hans…``), so ``zh-TW``, ``zh-HK``, ``zh-MO`` and ``zh-Hant…`` are skipped like
any other language. The source ``<tuv>`` is the one in the ``<tu>``'s ``srclang``, else the header's,
else the first; every other ``<tuv>`` in one of our languages makes a unit with it. A ``<tu>`` giving no
unit (its languages not ours, or no text on one side) is skipped and counted; the languages are listed.

Segment content: text and ``<hi>`` text are kept; ``<bpt>``/``<ept>``/``<it>``/``<ph>`` whose content
is one of our tags become that tag again, other tools' native codes are dropped (as OmegaT's level 1
does); ``<sub>`` and ``<ut>`` are dropped. Text is normalised to NFC and trimmed.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import IO, Any

from lxml import etree

from workstation.errors import BadInput, EnvironmentFailure
from workstation.language.normalise import normalise_text
from workstation.model import LANGUAGES
from workstation.translation.tags import TAG
from workstation.user_files import atomic_writer

CREATION_TOOL = "Editorial Workstation"
CREATION_TOOL_VERSION = "0.1.0"
ALL_LANGUAGES = "*all*"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"

_MIB = 1024 * 1024
MAX_FILE_BYTES = 1024 * _MIB
MAX_UNITS = 5_000_000
MAX_SEGMENT_CHARS = 100_000
MAX_DEPTH = 32
MAX_TUVS = 100

_TRADITIONAL_CHINESE = ("zh-tw", "zh-hk", "zh-mo", "zh-hant")
_TAG_TYPE = {"b": "bold", "i": "italic", "a": "link"}
_CODES = frozenset({"bpt", "ept", "it", "ph"})
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
_TMX_DATE = re.compile(r"(\d{4})-?(\d{2})-?(\d{2})T(\d{2}):?(\d{2}):?(\d{2})Z")


@dataclass(frozen=True, slots=True)
class TmUnit:
    """A unit as exchanged with other tools and the portal: one source and one target sentence."""

    source_lang: str
    target_lang: str
    source: str
    target: str
    created_at: str = ""
    """Our timestamp form (``2026-11-27T09:30:00.000Z``); empty when unknown."""
    changed_at: str = ""
    created_by: str = ""


@dataclass(frozen=True)
class TmxContents:
    units: list[TmUnit]
    tu_count: int
    skipped: int
    """``<tu>`` elements that gave no unit."""
    skipped_languages: tuple[str, ...]
    """Language codes of skipped ``<tuv>``s that are not ours, as written (lower case), sorted."""


def our_language(code: str) -> str | None:
    """Our language for a TMX/BCP 47 code (``vi-VN`` → ``vi``), or None when it is not one of ours."""
    tag = code.strip().replace("_", "-").lower()
    primary = tag.split("-", 1)[0]
    if primary not in LANGUAGES:
        return None
    if primary == "zh" and tag.startswith(_TRADITIONAL_CHINESE):
        return None
    return primary


# --- writing ------------------------------------------------------------------------------------


def write_tmx(out: Path, units: Iterable[TmUnit], source_lang: str | None = None) -> int:
    """Write ``units`` to ``out`` atomically; returns how many. ``source_lang`` is the header's
    ``srclang`` when every unit goes from that language, else None (``*all*``)."""
    with atomic_writer(Path(out)) as stream:
        written = _write(stream, units, source_lang)
    return written


def render_tmx(units: Iterable[TmUnit], source_lang: str | None = None) -> bytes:
    """The TMX document for ``units``, as bytes (for tests and small exports)."""
    import io

    buffer = io.BytesIO()
    _write(buffer, units, source_lang)
    return buffer.getvalue()


def _write(stream: IO[bytes], units: Iterable[TmUnit], source_lang: str | None) -> int:
    written = 0
    now = _tmx_date(datetime.now(UTC).isoformat())
    header = {
        "creationtool": CREATION_TOOL, "creationtoolversion": CREATION_TOOL_VERSION, "segtype": "sentence",
        "o-tmf": CREATION_TOOL, "adminlang": "en", "srclang": source_lang or ALL_LANGUAGES,
        "datatype": "plaintext", "creationdate": now,
    }  # fmt: skip
    with etree.xmlfile(stream, encoding="UTF-8") as document:
        document.write_declaration()
        document.write_doctype('<!DOCTYPE tmx SYSTEM "tmx14.dtd">')
        with document.element("tmx", version="1.4"):
            document.write("\n  ", etree.Element("header", header), "\n  ")
            with document.element("body"):
                for unit in units:
                    document.write("\n    ", _tu(unit, source_lang))
                    written += 1
                document.write("\n  ")
            document.write("\n")
    stream.write(b"\n")
    return written


def _tu(unit: TmUnit, source_lang: str | None) -> Any:
    attributes = {}
    created = _tmx_date(unit.created_at) or _tmx_date(unit.changed_at)
    changed = _tmx_date(unit.changed_at) or created
    if created:
        attributes["creationdate"] = created
    if changed:
        attributes["changedate"] = changed
    if unit.created_by:
        attributes["creationid"] = _xml_safe(unit.created_by)
    if source_lang is None:
        attributes["srclang"] = unit.source_lang
    tu = etree.Element("tu", attributes)
    tu.text = "\n      "
    for language, text in ((unit.source_lang, unit.source), (unit.target_lang, unit.target)):
        tuv = etree.SubElement(tu, "tuv", {XML_LANG: language})
        tuv.tail = "\n      "
        _fill_seg(etree.SubElement(tuv, "seg"), _xml_safe(text))
    tuv.tail = "\n    "
    return tu


def _fill_seg(seg: Any, text: str) -> None:
    """Text with our tags as TMX codes: paired tags as bpt/ept, unpaired ones as it."""
    matches = list(TAG.finditer(text))
    paired: set[int] = set()
    open_at: dict[tuple[str, str], int] = {}
    for n, match in enumerate(matches):
        key = (match.group(2), match.group(3))
        if not match.group(1):
            open_at[key] = n
        elif key in open_at:
            paired.update((open_at.pop(key), n))
    seg.text = text[: matches[0].start()] if matches else text
    for n, match in enumerate(matches):
        closing, letter, number = match.group(1), match.group(2), match.group(3)
        if n in paired and closing:
            code = etree.SubElement(seg, "ept", i=number)
        elif n in paired:
            code = etree.SubElement(seg, "bpt", i=number, type=_TAG_TYPE[letter])
        else:
            code = etree.SubElement(seg, "it", pos="end" if closing else "begin", type=_TAG_TYPE[letter])
        code.text = match.group(0)
        end = matches[n + 1].start() if n + 1 < len(matches) else len(text)
        code.tail = text[match.end() : end]


def _xml_safe(text: str) -> str:
    return _NOT_XML.sub("\ufffd", text)


def _tmx_date(value: str) -> str:
    """Our timestamp (or any ISO 8601 with an offset) as TMX's ``YYYYMMDDThhmmssZ``; "" when unusable."""
    if not value:
        return ""
    try:
        moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return ""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")


def our_timestamp(tmx_date: str | None) -> str:
    """TMX's ``YYYYMMDDThhmmssZ`` (or its extended form) as our timestamp; "" when absent or invalid."""
    match = _TMX_DATE.fullmatch((tmx_date or "").strip())
    if not match:
        return ""
    try:
        moment = datetime(*(int(part) for part in match.groups()), tzinfo=UTC)  # type: ignore[misc]
    except ValueError:
        return ""
    return moment.isoformat(timespec="milliseconds").replace("+00:00", "Z")


# --- reading ------------------------------------------------------------------------------------


def read_tmx(path: Path) -> TmxContents:
    """The units of the TMX file at ``path``; BadInput (naming the file) when it cannot be used."""
    reader = TmxReader.of_file(path)
    return reader.contents(list(reader))


def parse_tmx(data: bytes, name: str = "the file") -> TmxContents:
    reader = TmxReader.of_bytes(data, name)
    return reader.contents(list(reader))


class TmxReader:
    """The units of a TMX file, read as they are iterated (one ``<tu>`` in memory at a time); the
    counts are complete once the iteration is. Iterating raises BadInput for a file that cannot be used."""

    def __init__(self, opener: Callable[[], IO[bytes]], name: str) -> None:
        self._opener = opener
        self.name = name
        self.tu_count = 0
        self.skipped = 0
        self.other_languages: Counter[str] = Counter()
        self._header_source = ""

    @classmethod
    def of_file(cls, path: Path) -> TmxReader:
        path = Path(path)
        try:
            size = path.stat().st_size
        except FileNotFoundError as error:
            raise BadInput(f"{path} does not exist") from error
        except OSError as error:
            raise EnvironmentFailure(f"cannot read {path}: {error.strerror}") from error
        if path.is_dir():
            raise BadInput(f"{path} is a folder, not a TMX file")
        if size > MAX_FILE_BYTES:
            raise BadInput(f"{path.name} is {size // _MIB} MB; TMX files over {MAX_FILE_BYTES // _MIB} MB are not read")
        return cls(lambda: path.open("rb"), path.name)

    @classmethod
    def of_bytes(cls, data: bytes, name: str = "the file") -> TmxReader:
        import io

        if len(data) > MAX_FILE_BYTES:
            raise BadInput(f"{name} is over {MAX_FILE_BYTES // _MIB} MB; it is not read")
        return cls(lambda: io.BytesIO(data), name)

    @property
    def skipped_languages(self) -> tuple[str, ...]:
        """Language codes of skipped ``<tuv>``s that are not ours, as written (lower case), sorted."""
        return tuple(sorted(self.other_languages))

    def contents(self, units: list[TmUnit]) -> TmxContents:
        return TmxContents(units, self.tu_count, self.skipped, self.skipped_languages)

    def __iter__(self) -> Iterator[TmUnit]:
        try:
            with self._opener() as stream:
                yield from self._units(stream)
        except etree.XMLSyntaxError as error:
            raise BadInput(f"{self.name} is not well-formed XML ({error}); it may be truncated or damaged") from error
        except (ValueError, LookupError) as error:  # an encoding libxml2 cannot read
            raise BadInput(f"{self.name} cannot be read as XML ({error}); save it as UTF-8") from error
        except OSError as error:
            raise EnvironmentFailure(f"cannot read {self.name}: {error.strerror}") from error

    def _units(self, stream: IO[bytes]) -> Iterator[TmUnit]:
        events = etree.iterparse(
            stream, events=("start", "end"), resolve_entities=False, no_network=True, load_dtd=False,
            huge_tree=False, remove_comments=True, remove_pis=True,
        )  # fmt: skip
        depth = 0
        root_seen = False
        for event, element in events:
            if event == "start":
                depth += 1
                if not root_seen:
                    root_seen = True
                    self._check_document(element)
                elif depth > MAX_DEPTH:
                    raise BadInput(f"{self.name} has elements nested more than {MAX_DEPTH} deep; it is not TMX")
                continue
            depth -= 1
            tag = element.tag if isinstance(element.tag, str) else ""
            if tag == "header":
                self._header_source = element.get("srclang") or ""
            elif tag == "tu":
                self.tu_count += 1
                if self.tu_count > MAX_UNITS:
                    raise BadInput(f"{self.name} has more than {MAX_UNITS:,} units; split it")
                units = self._read_tu(element)
                element.clear()
                parent = element.getparent()
                if parent is not None:  # drop what was read, so memory holds one <tu> at a time
                    while element.getprevious() is not None:
                        del parent[0]
                yield from units
        if not root_seen:
            raise BadInput(f"{self.name} is empty; it is not a TMX file")

    def _check_document(self, root: Any) -> None:
        dtd = root.getroottree().docinfo.internalDTD
        if dtd is not None:
            entities = [entity.name for entity in dtd.iterentities()]
            if entities:
                raise BadInput(
                    f"{self.name} declares entities (<!ENTITY {entities[0]} …>), which is not allowed: entities can "
                    "expand to gigabytes of text or read other files; export the TMX again from your tool"
                )
            if list(dtd.iterelements()):
                raise BadInput(f"{self.name} has a DOCTYPE with declarations inside [ ], which is not allowed in TMX")
        if root.tag != "tmx":
            raise BadInput(f"{self.name} is not a TMX file (its root element is <{root.tag}>, not <tmx>)")
        version = root.get("version") or ""
        if version and not version.startswith("1."):
            raise BadInput(f"{self.name} is TMX {version}; versions 1.x are read")

    def _read_tu(self, tu: Any) -> list[TmUnit]:
        tuvs: list[tuple[str, str, Any]] = []  # (code as written, our language or "", tuv)
        for tuv in tu.iterchildren("tuv"):
            if len(tuvs) >= MAX_TUVS:
                raise BadInput(f"{self.name}: a <tu> has more than {MAX_TUVS} <tuv>s")
            code = (tuv.get(XML_LANG) or tuv.get("lang") or "").strip()
            tuvs.append((code, our_language(code) or "", tuv))
        wanted = (tu.get("srclang") or "").strip()
        if not wanted or wanted == ALL_LANGUAGES:
            wanted = self._header_source.strip()
        source = _source_tuv(tuvs, wanted)
        units: list[TmUnit] = []
        if source is not None and source[1]:
            source_text = self._segment(source[2])
            created = our_timestamp(tu.get("creationdate"))
            changed = our_timestamp(tu.get("changedate"))
            creator = (tu.get("creationid") or tu.get("changeid") or "").strip()
            seen = {source[1]}
            for _code, language, tuv in tuvs:
                if not language or language in seen:
                    continue
                seen.add(language)
                target_text = self._segment(tuv)
                if source_text and target_text:
                    units.append(
                        TmUnit(
                            source[1],
                            language,
                            source_text,
                            target_text,
                            created_at=created or our_timestamp(tuv.get("creationdate")),
                            changed_at=changed or our_timestamp(tuv.get("changedate")),
                            created_by=creator or (tuv.get("creationid") or "").strip(),
                        )
                    )
        if units:
            return units
        self.skipped += 1
        for code, language, _tuv in tuvs:
            if not language and code:
                self.other_languages[code.lower()] += 1
        return units

    def _segment(self, tuv: Any) -> str:
        seg = tuv.find("seg")
        if seg is None:
            return ""
        pieces: list[str] = []
        _collect(seg, pieces, self.name, top=True)
        text = "".join(pieces)
        if len(text) > MAX_SEGMENT_CHARS:
            raise BadInput(f"{self.name} has a segment of {len(text):,} characters; the limit is {MAX_SEGMENT_CHARS:,}")
        return normalise_text(text).strip()


def _source_tuv(tuvs: list[tuple[str, str, Any]], wanted: str) -> tuple[str, str, Any] | None:
    if not tuvs:
        return None
    if wanted:
        lowered = wanted.lower().replace("_", "-")
        for tuv in tuvs:
            if tuv[0].lower().replace("_", "-") == lowered:
                return tuv
        language = our_language(wanted)
        for tuv in tuvs:
            if language and tuv[1] == language:
                return tuv
    return tuvs[0]


def _collect(element: Any, pieces: list[str], name: str, top: bool = False) -> None:
    """The text of a ``<seg>`` (or ``<hi>``) with our tags restored from TMX codes."""
    if top or element.tag == "hi":
        pieces.append(element.text or "")
        for child in element:
            if isinstance(child, etree._Entity):
                raise BadInput(f"{name} refers to the entity {child.text}, which is not allowed; nothing was read")
            if isinstance(child.tag, str):
                if child.tag == "hi":
                    _collect(child, pieces, name)
                elif child.tag in _CODES:
                    code = (child.text or "").strip()  # a <sub> inside is the code's own text: dropped
                    if TAG.fullmatch(code):
                        pieces.append(code)
            pieces.append(child.tail or "")
