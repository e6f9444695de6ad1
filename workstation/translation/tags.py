"""Inline formatting inside segments, as numbered tags a translator moves with the words.

A source sentence "Đại sứ **Nguyễn Văn A** dự [lễ khai mạc](https://…)" becomes the segment text
"Đại sứ <b1>Nguyễn Văn A</b1> dự <a2>lễ khai mạc</a2>", as OmegaT shows it. The target carries
the same tags around its own words; the translation's marks are rebuilt from them (a link's
address comes from the source's mark with the same number).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from workstation.model import Mark

TAG = re.compile(r"<(/?)([bia])(\d+)>")
_KIND_OF = {"b": "bold", "i": "italic", "a": "link"}
_LETTER_OF = {kind: letter for letter, kind in _KIND_OF.items()}


@dataclass(frozen=True)
class TaggedText:
    text: str
    links: dict[int, str]
    """Tag number → address, for the link tags in `text`."""


def strip_tags(text: str) -> str:
    return TAG.sub("", text)


def tags_in(text: str) -> list[str]:
    """The tags in order of appearance, e.g. ["<b1>", "</b1>"]."""
    return [match.group(0) for match in TAG.finditer(text)]


def tag_sentence(text: str, start: int, end: int, marks: Sequence[Mark], first_number: int = 1) -> TaggedText:
    """`text[start:end]` with tags around the parts of `marks` that fall inside it."""
    inside = [m for m in marks if m.start < end and m.end > start and m.kind in _LETTER_OF]
    inside.sort(key=lambda m: (max(m.start, start), -min(m.end, end)))
    numbered = [(number, mark) for number, mark in enumerate(inside, start=first_number)]
    inserts: list[tuple[int, int, str]] = []  # (offset, order, tag): closings before openings at one offset
    for number, mark in numbered:
        letter = _LETTER_OF[mark.kind]
        inserts.append((max(mark.start, start), 1, f"<{letter}{number}>"))
        inserts.append((min(mark.end, end), 0, f"</{letter}{number}>"))
    inserts.sort(key=lambda item: (item[0], item[1]))
    pieces, cursor = [], start
    for offset, _order, tag in inserts:
        pieces.append(text[cursor:offset])
        pieces.append(tag)
        cursor = offset
    pieces.append(text[cursor:end])
    links = {number: mark.href for number, mark in numbered if mark.kind == "link"}
    return TaggedText("".join(pieces), links)


def untag(text: str, links: dict[int, str] | None = None) -> tuple[str, tuple[Mark, ...]]:
    """Plain text and the marks its well-formed tags describe; unmatched tags are dropped as text."""
    links = links or {}
    plain: list[str] = []
    length = 0
    open_at: dict[tuple[str, str], int] = {}
    marks: list[Mark] = []
    cursor = 0
    for match in TAG.finditer(text):
        piece = text[cursor : match.start()]
        plain.append(piece)
        length += len(piece)
        cursor = match.end()
        closing, letter, number = match.group(1), match.group(2), match.group(3)
        key = (letter, number)
        if not closing:
            open_at[key] = length
        elif key in open_at:
            begin = open_at.pop(key)
            if length > begin:
                kind = _KIND_OF[letter]
                marks.append(Mark(begin, length, kind, links.get(int(number), "") if kind == "link" else ""))
    plain.append(text[cursor:])
    return "".join(plain), tuple(sorted(marks, key=lambda m: (m.start, m.end, m.kind)))


def shift_marks(marks: Sequence[Mark], offset: int) -> tuple[Mark, ...]:
    return tuple(Mark(m.start + offset, m.end + offset, m.kind, m.href) for m in marks)
