"""Small pieces the package views share: sizes in words, and language chips painted in a cell."""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, QRectF, QSize, Qt
from PySide6.QtGui import QColor, QFontMetrics, QPainter, QPen
from PySide6.QtWidgets import QStyle, QStyledItemDelegate, QStyleOptionViewItem

from workstation.ui.i18n import state_label

ModelIndex = QModelIndex | QPersistentModelIndex

CHIPS_ROLE = Qt.ItemDataRole.UserRole + 10
"""A cell's list of `LanguageChip`, painted by `ChipsDelegate` instead of its text."""

READY_COLOURS = ("#e3f4e1", "#2e7d32")  # fill, text
MISSING_COLOURS = ("#fde7e7", "#c62828")


@dataclass(frozen=True)
class LanguageChip:
    """One language of an article in a package: its state, and whether the package can take it as it is."""

    language: str
    state: str
    ready: bool

    def text(self) -> str:
        """ "vi ✓ approved", "zh ✗ translated": the chip's words, also its accessible text."""
        return f"{self.language} {'✓' if self.ready else '✗'} {state_label(self.state)}"


def chips_text(chips: list[LanguageChip]) -> str:
    return " · ".join(chip.text() for chip in chips)


class ChipsDelegate(QStyledItemDelegate):
    """Paints a cell's `LanguageChip`s as rounded badges, green when ready and red when not."""

    PADDING, GAP = 6, 4

    def paint(self, painter: QPainter, option: QStyleOptionViewItem, index: ModelIndex) -> None:
        chips = index.data(CHIPS_ROLE)
        if not chips:
            super().paint(painter, option, index)
            return
        style = option.widget.style() if option.widget else None
        if style is not None and option.state & QStyle.StateFlag.State_Selected:
            style.drawPrimitive(QStyle.PrimitiveElement.PE_PanelItemViewItem, option, painter, option.widget)
        painter.save()
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        metrics = QFontMetrics(option.font)
        height = metrics.height() + 4
        x = option.rect.left() + 4
        y = option.rect.top() + (option.rect.height() - height) / 2
        for chip in chips:
            text = chip.text()
            width = metrics.horizontalAdvance(text) + 2 * self.PADDING
            if x + width > option.rect.right():
                painter.setPen(option.palette.text().color())
                painter.drawText(QRectF(x, y, 20, height), Qt.AlignmentFlag.AlignVCenter, "…")
                break
            fill, ink = READY_COLOURS if chip.ready else MISSING_COLOURS
            rect = QRectF(x, y, width, height)
            painter.setPen(QPen(QColor(ink), 0.8))
            painter.setBrush(QColor(fill))
            painter.drawRoundedRect(rect, height / 2, height / 2)
            painter.setPen(QColor(ink))
            painter.drawText(rect, Qt.AlignmentFlag.AlignCenter, text)
            x += width + self.GAP
        painter.restore()

    def sizeHint(self, option: QStyleOptionViewItem, index: ModelIndex) -> QSize:
        chips = index.data(CHIPS_ROLE)
        if not chips:
            return super().sizeHint(option, index)
        metrics = QFontMetrics(option.font)
        width = sum(metrics.horizontalAdvance(chip.text()) + 2 * self.PADDING + self.GAP for chip in chips) + 8
        return QSize(width, metrics.height() + 10)
