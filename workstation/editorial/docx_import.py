"""Import a Word document (.docx) as the parts of a new article: headline, lead, body blocks, pictures.

The file is read once into memory and checked from those bytes before python-docx parses anything
(zip limits, macros, passwords, XML with a DTD or entities: see `docx_safety`); python-docx then reads
the same bytes, so nothing can change between the check and the read, and nothing is ever written to
disk. `docx_reader` walks the document into raw paragraphs and pictures; this module converts their
text (legacy fonts, whitespace, NFC, marks) and assembles the article's parts.

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

import io
import itertools
import re
import unicodedata
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import docx

from workstation.editorial.docx_reader import Format, Para, Pic, Piece, Reader, Role, Tally
from workstation.editorial.docx_safety import read_checked_docx
from workstation.errors import BadInput
from workstation.ids import new_id
from workstation.language.legacy_encodings import detect_legacy_encoding
from workstation.language.normalise import decode_legacy_vietnamese, normalise_text
from workstation.model import Block, BlockKind, Mark

_MIB = 1024 * 1024
MAX_IMAGE_BYTES = 40 * _MIB

_PICTURE_WORD = r"(?:ảnh(?: minh họa| minh hoạ)?|hình(?: ảnh)?|nguồn ảnh|photo|picture|image|图片?|照片|사진|写真)"
_CAPTION_START = re.compile(rf"^\(?\s*{_PICTURE_WORD}\s*[:：]", re.IGNORECASE)
_CREDIT_WORD = r"(?:ảnh|nguồn ảnh|nguồn|photo|图片?|照片|사진|写真)"
_CREDIT_LINE = re.compile(rf"^{_CREDIT_WORD}\s*[:：]\s*(.+)$", re.IGNORECASE)
_TRAILING_CREDIT = re.compile(rf"\s*\(\s*{_CREDIT_WORD}\s*[:：]\s*([^()]+?)\s*\)\s*$", re.IGNORECASE)
_DATELINE_SPLIT = re.compile(r"\s+[—–]\s+")
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
    data = read_checked_docx(path)
    try:
        reader = Reader(docx.Document(io.BytesIO(data)), max_image_bytes=MAX_IMAGE_BYTES)
        items = reader.read()
    except Exception as error:
        # python-docx parses parts lazily and fails in many ways on a broken package (a part of
        # the wrong type surfaces as AttributeError); the cause stays chained for the log.
        raise BadInput(f"{path.name} is damaged: {error or type(error).__name__}") from error
    return _assemble(items, reader.tally, path.name)


# --- text: legacy conversion, whitespace, NFC, marks ---------------------------------------------


def _finish_paragraphs(items: Sequence[Para | Pic], tally: Tally) -> None:
    paragraphs = [item for item in items if isinstance(item, Para)]
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
        para.caption_like = para.role == Role.CAPTION or (
            bool(visible) and (italic or small) and _looks_like_caption(para.text)
        )


def _within_legacy_repertoire(text: str) -> bool:
    """Legacy text holds only what 8-bit fonts can show; Unicode Vietnamese has ạ, ơ, đ, ... too.
    A stray character or two (a pasted symbol) does not count."""
    beyond = sum(1 for char in text if ord(char) > 0xFF and char not in _CP1252_EXTRAS)
    non_ascii = sum(1 for char in text if ord(char) > 0x7F)
    return beyond <= non_ascii * 0.01


def _encoding_of(piece: Piece, fallback: str | None) -> str | None:
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


def _compose(pieces: Sequence[tuple[str, Format]]) -> tuple[str, tuple[Mark, ...]]:
    """The block's final text (whitespace collapsed, NFC) and marks at exact offsets in it."""
    chars: list[str] = []
    formats: list[Format] = []
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


def _nfc_keeping_formats(chars: list[str], formats: list[Format]) -> tuple[list[str], list[Format]]:
    clusters: list[tuple[str, Format]] = []
    for char, fmt in zip(chars, formats, strict=True):
        joins = unicodedata.combining(char) or "\u1160" <= char <= "\u11ff"  # Hangul vowel and final jamo
        if clusters and joins:
            clusters[-1] = (clusters[-1][0] + char, clusters[-1][1])
        else:
            clusters.append((char, fmt))
    out_chars: list[str] = []
    out_formats: list[Format] = []
    for cluster, fmt in clusters:
        composed = unicodedata.normalize("NFC", cluster)
        out_chars.extend(composed)
        out_formats.extend([fmt] * len(composed))
    return out_chars, out_formats


def _marks(text: str, formats: Sequence[Format]) -> tuple[Mark, ...]:
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


def _assemble(raw_items: list[Para | Pic], tally: Tally, name: str) -> ImportedDocument:
    _finish_paragraphs(raw_items, tally)
    items = [item for item in raw_items if isinstance(item, Pic) or item.text]
    if not items:
        raise BadInput(f"{name} has no text or pictures to import")
    claims = _Claims()
    claims.headline = _find_headline(items)
    claims.subheadline = _first(items, lambda para: para.role == Role.SUBTITLE)
    claims.byline = _first(items, lambda para: para.role == Role.BYLINE)
    _claim_captions(items, claims)
    claims.lead = _find_lead(items, claims)
    return _build(items, claims, tally)


def _first(items: Sequence[Para | Pic], test: Any, start: int = 0) -> int | None:
    return next(
        (index for index in range(start, len(items)) if isinstance(items[index], Para) and test(items[index])),
        None,
    )


def _find_headline(items: Sequence[Para | Pic]) -> int | None:
    for test in (
        lambda para: para.role == Role.TITLE,
        lambda para: para.role == Role.HEADING and para.level == 1,
        lambda para: para.role in (Role.BODY, Role.HEADING) and not para.in_table,
    ):
        found = _first(items, test)
        if found is not None:
            return found
    return None


def _find_lead(items: Sequence[Para | Pic], claims: _Claims) -> int | None:
    styled = _first(items, lambda para: para.role == Role.LEAD)
    if styled is not None or claims.headline is None:
        return styled
    right_after = True
    for index in range(claims.headline + 1, len(items)):
        item = items[index]
        # A picture under the headline (with its caption) does not separate the lead from it.
        if index in (claims.subheadline, claims.byline) or isinstance(item, Pic) or item.caption_like:
            continue
        if item.role == Role.BODY and not item.in_table:
            return index if right_after or item.all_bold else None
        right_after = False
    return None


def _claim_captions(items: Sequence[Para | Pic], claims: _Claims) -> None:
    taken = {claims.headline, claims.subheadline, claims.byline}

    def free_caption(index: int) -> bool:
        item = items[index] if 0 <= index < len(items) else None
        return isinstance(item, Para) and item.caption_like and index not in taken

    for index, item in enumerate(items):
        if not isinstance(item, Pic):
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


def _build(items: Sequence[Para | Pic], claims: _Claims, tally: Tally) -> ImportedDocument:
    used = claims.used()
    blocks: list[Block] = []
    images: list[ImportedImage] = []
    for index, item in enumerate(items):
        if index in used:
            continue
        if isinstance(item, Pic):
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


def _image(picture: Pic, items: Sequence[Para | Pic], captions: list[int], credit: int | None) -> ImportedImage:
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


def _para_at(items: Sequence[Para | Pic], index: int) -> Para:
    item = items[index]
    assert isinstance(item, Para)
    return item


def _text_at(items: Sequence[Para | Pic], index: int | None) -> str:
    item = items[index] if index is not None else None
    return item.text if isinstance(item, Para) else ""


def _split_byline(text: str) -> tuple[str, str]:
    """("SEOUL", "Minh Anh") from "SEOUL — Minh Anh"; ("", text) otherwise."""
    parts = _DATELINE_SPLIT.split(text, maxsplit=1)
    if len(parts) == 2 and all(part.strip() for part in parts):
        return parts[0].strip(), parts[1].strip()
    return "", text


def _block_kind(role: str) -> str:
    return {
        Role.HEADING: BlockKind.HEADING,
        Role.TITLE: BlockKind.HEADING,
        Role.QUOTE: BlockKind.QUOTE,
        Role.BULLETED: BlockKind.BULLETED,
        Role.NUMBERED: BlockKind.NUMBERED,
    }.get(role, BlockKind.PARAGRAPH)


def _plural(count: int, noun: str) -> str:
    return f"{count} {noun}" if count == 1 else f"{count} {noun}s"


def _warnings(tally: Tally) -> list[str]:
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
