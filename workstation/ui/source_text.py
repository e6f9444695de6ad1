"""Painting a source segment: glossary terms highlighted, inline tags (``<b1>…</b1>``) as small grey chips.

One `QTextLayout` per painted cell (only the rows on screen), wrapped as the table measures its rows:
the tags' smaller type only ever makes a line shorter, so the measured height still fits.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol

from PySide6.QtCore import QPointF, QRect
from PySide6.QtGui import QColor, QFont, QPainter, QTextCharFormat, QTextLayout, QTextOption

from workstation.translation.tags import TAG

HIT_BACKGROUND = QColor("#fff0b3")
HIT_UNDERLINE = QColor("#b7791f")
HIT_TEXT = QColor("#241c00")
TAG_BACKGROUND = QColor("#e3e7ee")
TAG_TEXT = QColor("#5b6472")


class Span(Protocol):
    """What is highlighted: a glossary hit's offsets in the tagged text."""

    @property
    def start(self) -> int: ...

    @property
    def end(self) -> int: ...


def needs_painting(text: str, hits: Sequence[Span]) -> bool:
    """Whether the text shows anything but plain type (else the default painting is used)."""
    return bool(hits) or TAG.search(text) is not None


def _utf16(text: str) -> list[int] | None:
    """Offsets of each character in UTF-16 (Qt's), when a character outside the BMP shifts them."""
    if all(ord(char) < 0x10000 for char in text):
        return None
    offsets, position = [], 0
    for char in text:
        offsets.append(position)
        position += 2 if ord(char) >= 0x10000 else 1
    offsets.append(position)
    return offsets


def text_formats(text: str, font: QFont, hits: Sequence[Span]) -> list[QTextLayout.FormatRange]:
    """Formats for the hits (background, underline) and the tags (smaller grey type on grey)."""
    offsets = _utf16(text)

    def span(start: int, end: int, char_format: QTextCharFormat) -> QTextLayout.FormatRange:
        piece = QTextLayout.FormatRange()
        first, last = (offsets[start], offsets[end]) if offsets else (start, end)
        piece.start, piece.length, piece.format = first, last - first, char_format
        return piece

    ranges = []
    hit_format = QTextCharFormat()
    hit_format.setBackground(HIT_BACKGROUND)
    hit_format.setForeground(HIT_TEXT)
    hit_format.setFontUnderline(True)
    hit_format.setUnderlineColor(HIT_UNDERLINE)
    for hit in hits:
        if 0 <= hit.start < hit.end <= len(text):
            ranges.append(span(hit.start, hit.end, hit_format))
    tag_format = QTextCharFormat()
    tag_format.setBackground(TAG_BACKGROUND)
    tag_format.setForeground(TAG_TEXT)
    tag_format.setFontPointSize(max(6.0, (font.pointSizeF() if font.pointSizeF() > 0 else 9.0) * 0.78))
    tag_format.setFontUnderline(False)
    for match in TAG.finditer(text):
        ranges.append(span(match.start(), match.end(), tag_format))
    return ranges


def _unbreakable_tags(text: str) -> str:
    """The text with each closing tag's "/" as a division slash (same length, so offsets hold): line
    breaking allows a break after "/", which would split "</b1>" across two lines."""
    return TAG.sub(lambda match: match.group(0).replace("/", "\u2215"), text)


def laid_out(text: str, font: QFont, width: int, hits: Sequence[Span]) -> tuple[QTextLayout, float]:
    """The text wrapped at words into `width`; returns the layout and its height."""
    layout = QTextLayout(_unbreakable_tags(text), font)
    option = QTextOption()
    option.setWrapMode(QTextOption.WrapMode.WrapAtWordBoundaryOrAnywhere)
    layout.setTextOption(option)
    layout.setFormats(text_formats(text, font, hits))
    layout.beginLayout()
    height = 0.0
    while True:
        line = layout.createLine()
        if not line.isValid():
            break
        line.setLineWidth(max(1, width))
        line.setPosition(QPointF(0, height))
        height += line.height()
    layout.endLayout()
    return layout, height


def draw_source(painter: QPainter, rect: QRect, text: str, font: QFont, hits: Sequence[Span], colour: QColor) -> None:
    """Draw `text` in `rect`, vertically centred as the table's other cells are."""
    layout, height = laid_out(text, font, rect.width(), hits)
    painter.save()
    painter.setClipRect(rect)
    painter.setPen(colour)
    top = rect.top() + max(0.0, (rect.height() - height) / 2)
    layout.draw(painter, QPointF(rect.left(), top))
    painter.restore()
