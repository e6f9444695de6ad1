"""TBX-Basic glossary files (ISO 30042 TermBase eXchange), read and written. Pure format code: no store.

Writing gives TBX-Basic as version 2 (``<martif type="TBX-Basic">``), the form CAT tools (memoQ, Trados
MultiTerm, OmegaT, Weblate, the Translate Toolkit) read: one ``<termEntry id="ew-<entry id>">`` per entry,
its note as a ``<note>``, a ``<langSet xml:lang>`` for each language, the source and target terms as
``<tig>`` marked ``preferredTerm-admn-sts`` and each forbidden variant as a ``<tig>`` of the target
language marked ``deprecatedTerm-admn-sts``.

Reading accepts version 2 (``<martif>``, ``<termEntry>``, ``<langSet>``, ``<tig>`` or ``<ntig>``) and
version 3 (``<tbx>``, ``<conceptEntry>``, ``<langSec>``, ``<termSec>``), namespaced or not, DCA style
(``<termNote type="administrativeStatus">``) or DCT style (``<…:administrativeStatus>``). A concept entry
becomes entries from its source language, its first language (TBX has no direction; tools, and this
writer, put the source language first), to each of its other languages:
every usable source term (preferred, admitted or unmarked) with every usable target term; the target
language's deprecated, superseded, forbidden or obsolete terms (administrativeStatus, or the older
normativeAuthorization) are the entry's forbidden variants, unless one differs from a usable term only in
case (matching ignores case, so "party" cannot be forbidden beside "Party"). Notes (``<note>``, ``<descrip
type="definition">``) of the entry, of the two languages and of the two terms make the entry's note.
Languages other than vi, en, zh (Simplified), ko and ja are ignored. An entry id ``ew-<uuid>`` (ours) is
kept when the concept gives exactly one entry.

Files come from outside, so reading refuses, with ``BadInput`` naming the file: more than
``MAX_FILE_BYTES``, a DOCTYPE with an internal subset (entity declarations above all: they expand to
gigabytes or read other files), entity references, anything not well-formed. A DOCTYPE naming only the
external DTD (``<!DOCTYPE martif SYSTEM "TBXBasiccoreStructV02.dtd">``) is normal and accepted; the DTD is
never loaded, nor anything from the network.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, Protocol
from xml.etree.ElementTree import Element

from lxml import etree

from workstation.errors import BadInput, WorkstationError
from workstation.translation.glossary import (
    TermPair,
    check_pair,
    clean_note,
    clean_term,
    language_code,
    term_key,
)
from workstation.user_files import read_user_file, write_atomically
from workstation.xml_safety import XmlKind, parse_untrusted

_MIB = 1024 * 1024
MAX_FILE_BYTES = 64 * _MIB
MAX_ELEMENTS = 5_000_000
MAX_DEPTH = 64
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
ID_PREFIX = "ew-"

PREFERRED = "preferredTerm-admn-sts"
DEPRECATED = "deprecatedTerm-admn-sts"
_FORBIDDEN_STATUS = ("deprecated", "superseded", "forbidden", "obsolete")
_ENTRY = {"termEntry", "conceptEntry"}
_LANGUAGE = {"langSet", "langSec"}
_TERM_GROUP = {"tig", "ntig", "termSec"}
_STATUS = {"administrativeStatus", "normativeAuthorization"}
_OUR_ID = re.compile(rf"{ID_PREFIX}([0-9a-f]{{8}}-[0-9a-f]{{4}}-[0-9a-f]{{4}}-[0-9a-f]{{4}}-[0-9a-f]{{12}})")


class TbxRecord(Protocol):
    """What ``write_tbx`` needs of an entry (GlossaryEntry and TermPair have it; ``id`` may be None)."""

    id: str | None
    source_language: str
    source_term: str
    target_language: str
    target_term: str
    forbidden: Sequence[str]
    note: str


# --- writing --------------------------------------------------------------------------------------


def write_tbx(path: Path, entries: Iterable[TbxRecord], language: str | None = None) -> None:
    """Writes ``entries`` to ``path`` as TBX-Basic, atomically (the file is whole or untouched)."""
    write_atomically(path, render_tbx(entries, language))


def render_tbx(entries: Iterable[TbxRecord], language: str | None = None) -> bytes:
    """The TBX-Basic document; ``language`` (the file's xml:lang) defaults to the commonest source language."""
    entries = list(entries)
    if language is None:
        counts: dict[str, int] = {}
        for entry in entries:
            counts[entry.source_language] = counts.get(entry.source_language, 0) + 1
        language = max(counts, key=lambda code: counts[code]) if counts else "en"
    martif = etree.Element("martif", {"type": "TBX-Basic", XML_LANG: language})
    header = etree.SubElement(martif, "martifHeader")
    file_description = etree.SubElement(header, "fileDesc")
    title = etree.SubElement(etree.SubElement(file_description, "titleStmt"), "title")
    title.text = "Glossary"
    source = etree.SubElement(etree.SubElement(file_description, "sourceDesc"), "p")
    source.text = "Exported by the Editorial Workstation"
    encoding = etree.SubElement(etree.SubElement(header, "encodingDesc"), "p", {"type": "XCSURI"})
    encoding.text = "TBXBasicXCSV02.xcs"
    body = etree.SubElement(etree.SubElement(martif, "text"), "body")
    for entry in entries:
        attributes = {"id": f"{ID_PREFIX}{entry.id}"} if entry.id else {}
        term_entry = etree.SubElement(body, "termEntry", attributes)
        if entry.note:
            etree.SubElement(term_entry, "note").text = entry.note
        source_set = etree.SubElement(term_entry, "langSet", {XML_LANG: entry.source_language})
        _tig(source_set, entry.source_term, PREFERRED)
        target_set = etree.SubElement(term_entry, "langSet", {XML_LANG: entry.target_language})
        _tig(target_set, entry.target_term, PREFERRED)
        for variant in entry.forbidden:
            _tig(target_set, variant, DEPRECATED)
    etree.indent(martif, space="  ")
    return (
        etree.tostring(
            martif,
            xml_declaration=True,
            encoding="UTF-8",
            doctype='<!DOCTYPE martif SYSTEM "TBXBasiccoreStructV02.dtd">',
        )
        + b"\n"
    )


def _tig(parent: Any, term: str, status: str) -> None:
    tig = etree.SubElement(parent, "tig")
    etree.SubElement(tig, "term").text = term
    etree.SubElement(tig, "termNote", {"type": "administrativeStatus"}).text = status


# --- reading --------------------------------------------------------------------------------------


def read_tbx(path: Path) -> list[TermPair]:
    """The entries of the TBX file at ``path``; BadInput naming the file when it cannot be used safely."""
    data = read_user_file(path, MAX_FILE_BYTES, "a TBX glossary file")
    return parse_tbx(data, path.name)


def parse_tbx(data: bytes, name: str = "the file") -> list[TermPair]:
    if len(data) > MAX_FILE_BYTES:
        raise BadInput(f"{name} is larger than {MAX_FILE_BYTES // _MIB} MB, too large to import")
    root = _parse(data, name)
    kind = _local(root.tag)
    if kind not in ("martif", "tbx"):
        raise BadInput(f"{name} is not a TBX file: its root element is <{kind}>, not <martif> or <tbx>")
    pairs: list[TermPair] = []
    number = 0
    for element in root.iter():
        if _local(element.tag) not in _ENTRY:
            continue
        number += 1
        for pair in _entry_pairs(element):
            try:
                check_pair(pair)
            except WorkstationError as error:
                where = f"entry {number}" + (f" (id {element.get('id')})" if element.get("id") else "")
                raise BadInput(f"{name}, {where}: {error}; nothing was imported") from error
            pairs.append(pair)
    return pairs


@dataclass
class _Terms:
    usable: list[str] = field(default_factory=list)
    forbidden: list[str] = field(default_factory=list)
    preferred: int = 0
    """How many of ``usable`` (the first ones) are preferred terms."""
    notes: list[str] = field(default_factory=list)
    term_notes: dict[str, list[str]] = field(default_factory=dict)


def _entry_pairs(entry: Element) -> list[TermPair]:
    entry_notes = _notes(entry)
    languages: dict[str, _Terms] = {}
    for child in entry:
        if _local(child.tag) not in _LANGUAGE:
            continue
        code = language_code(child.get(XML_LANG) or child.get("lang") or "")
        if code is None:
            continue
        terms = languages.setdefault(code, _Terms())
        terms.notes.extend(_notes(child))
        for group in child:
            if _local(group.tag) in _TERM_GROUP:
                _read_term(group, terms)
    usable = [code for code, terms in languages.items() if terms.usable]
    if len(usable) < 2:
        return []
    source = usable[0]
    source_terms = languages[source]
    pairs = []
    for code in usable:
        if code == source:
            continue
        target_terms = languages[code]
        usable_keys = {term_key(term) for term in target_terms.usable}
        for source_term in source_terms.usable:
            for target_term in target_terms.usable:
                note = _joined(
                    entry_notes
                    + source_terms.notes
                    + target_terms.notes
                    + source_terms.term_notes.get(source_term, [])
                    + target_terms.term_notes.get(target_term, [])
                )
                forbidden = tuple(v for v in target_terms.forbidden if term_key(v) not in usable_keys)
                pairs.append(TermPair(source, source_term, code, target_term, forbidden, note))
    match = _OUR_ID.fullmatch(entry.get("id") or "")
    if match and len(pairs) == 1:
        pairs = [replace(pairs[0], id=match.group(1))]
    return pairs


def _read_term(group: Element, terms: _Terms) -> None:
    term_text = ""
    status = ""
    for element in group.iter():
        local = _local(element.tag)
        if local == "term" and not term_text:
            term_text = clean_term(_text(element))
        elif local in _STATUS or (local == "termNote" and element.get("type") in _STATUS):
            status = _text(element).strip().lower()
    if not term_text:
        return
    if any(word in status for word in _FORBIDDEN_STATUS):
        if term_text not in terms.forbidden:
            terms.forbidden.append(term_text)
        return
    if term_text in terms.usable:
        return
    if status.startswith("preferred"):  # preferred terms first, each kind in file order
        terms.usable.insert(terms.preferred, term_text)
        terms.preferred += 1
    else:
        terms.usable.append(term_text)
    notes = _notes(group)
    if notes:
        terms.term_notes.setdefault(term_text, []).extend(notes)


def _notes(element: Element) -> list[str]:
    """Notes and definitions directly on ``element`` (or in its descripGrp children)."""
    found = []
    for child in element:
        local = _local(child.tag)
        if local == "descripGrp":
            found.extend(_notes(child))
        elif local in ("note", "definition") or (local == "descrip" and child.get("type") == "definition"):
            text = clean_note(_text(child))
            if text:
                found.append(text)
    return found


def _joined(notes: list[str]) -> str:
    return "\n".join(dict.fromkeys(notes))


def _text(element: Element) -> str:
    return "".join(element.itertext())


def _local(tag: str) -> str:
    return tag.rpartition("}")[2]


# --- safe parsing ---------------------------------------------------------------------------------


def _parse(data: bytes, name: str) -> Element:
    kind = XmlKind(
        article="a TBX file",
        name="a glossary file",
        advice="nothing was read",
        too_many="too many to import",
        max_elements=MAX_ELEMENTS,
        max_depth=MAX_DEPTH,
    )
    return parse_untrusted(data, name, kind)
