"""Painting and editing the segment table: part labels above each group, and the target cell editor.

No per-row widgets: the group label is painted as a band at the top of the first row of each part,
and only the one target being edited has an editor (a QPlainTextEdit with as-you-type spelling).
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import (
    QAbstractItemModel,
    QEvent,
    QKeyCombination,
    QMimeData,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    QRect,
    Qt,
    Signal,
)
from PySide6.QtGui import QAction, QColor, QFont, QFontMetrics, QKeyEvent, QKeySequence, QPainter, QPen, QTextCursor
from PySide6.QtWidgets import (
    QApplication,
    QFrame,
    QPlainTextEdit,
    QStyle,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QTableView,
    QWidget,
)

from workstation.errors import WorkstationError
from workstation.language.spelling import SpellChecker
from workstation.ui.segment_model import HITS_ROLE, SegmentModel
from workstation.ui.source_text import draw_source, needs_painting
from workstation.ui.spelling import attach_spellchecker

ModelIndex = QModelIndex | QPersistentModelIndex
BAND_COLOUR = QColor("#e9eef5")
BAND_LINE = QColor("#8a9ab0")
BAND_TEXT = QColor("#2b3a4f")
CELL_PADDING = 8  # vertical padding of a row, pixels


def band_height(font: QFont) -> int:
    return QFontMetrics(font).height() + 6


class SegmentDelegate(QStyledItemDelegate):
    """Paints the part label ("Paragraph 3") as a band above the first row of each group, and the
    source with its glossary terms highlighted and its inline tags as grey chips."""

    def __init__(self, parent: QTableView) -> None:
        super().__init__(parent)
        self.label_font = QFont(parent.font())
        self.label_font.setBold(True)
        self.band = band_height(self.label_font)

    def _model(self, index: ModelIndex) -> SegmentModel:
        model = index.model()
        assert isinstance(model, SegmentModel)
        return model

    def paint(self, painter: QPainter, option: QStyleOptionViewItem, index: ModelIndex) -> None:
        model = self._model(index)
        if not model.is_group_start(index.row()):
            self._paint_cell(painter, option, index)
            return
        rect = QRect(option.rect)
        band = QRect(rect.left(), rect.top(), rect.width(), self.band)
        painter.save()
        painter.fillRect(band, BAND_COLOUR)
        painter.setPen(QPen(BAND_LINE, 1))
        painter.drawLine(band.topLeft(), band.topRight())
        if index.column() == SegmentModel.SOURCE:
            text_rect = band.adjusted(6, 0, -4, 0)
            painter.setFont(self.label_font)
            painter.setPen(BAND_TEXT)
            elided = QFontMetrics(self.label_font).elidedText(
                model.part_label(index.row()), Qt.TextElideMode.ElideRight, text_rect.width()
            )
            painter.drawText(text_rect, Qt.AlignmentFlag.AlignVCenter | Qt.AlignmentFlag.AlignLeft, elided)
        painter.restore()
        below = QStyleOptionViewItem(option)
        below.rect = rect.adjusted(0, self.band, 0, 0)
        self._paint_cell(painter, below, index)

    def _paint_cell(self, painter: QPainter, option: QStyleOptionViewItem, index: ModelIndex) -> None:
        if index.column() != SegmentModel.SOURCE:
            super().paint(painter, option, index)
            return
        text = str(index.data() or "")
        hits = index.data(HITS_ROLE) or ()
        if not needs_painting(text, hits):
            super().paint(painter, option, index)
            return
        cell = QStyleOptionViewItem(option)
        self.initStyleOption(cell, index)
        cell.text = ""
        widget = cell.widget
        style = widget.style() if widget is not None else QApplication.style()
        style.drawControl(QStyle.ControlElement.CE_ItemViewItem, cell, painter, widget)  # background, selection
        margin = style.pixelMetric(QStyle.PixelMetric.PM_FocusFrameHMargin, None, widget) + 1
        selected = bool(cell.state & QStyle.StateFlag.State_Selected)
        colour = cell.palette.color(cell.palette.ColorRole.HighlightedText if selected else cell.palette.ColorRole.Text)
        draw_source(painter, cell.rect.adjusted(margin, 0, -margin, 0), text, cell.font, hits, colour)


class SegmentEditor(QPlainTextEdit):
    """The target being edited. Enter finishes (no line breaks in a sentence); Esc cancels."""

    def __init__(self, parent: QWidget, row: int) -> None:
        super().__init__(parent)
        self.row = row
        self.setFrameShape(QFrame.Shape.NoFrame)
        self.setTabChangesFocus(True)
        self.setLineWrapMode(QPlainTextEdit.LineWrapMode.WidgetWidth)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setStyleSheet("QPlainTextEdit{background:#fffef5;border:2px solid #3d7be0;}")

    def insertFromMimeData(self, source: QMimeData) -> None:
        """Pasted line breaks become spaces: a segment is one sentence on one line."""
        if source.hasText():
            self.insertPlainText(" ".join(source.text().split("\n")).replace("\r", "").replace("\u2029", " "))
            return
        super().insertFromMimeData(source)

    def replace_text(self, text: str) -> None:
        """Replace everything as one undoable step (Ctrl+Z brings the previous text back)."""
        cursor = self.textCursor()
        cursor.select(QTextCursor.SelectionType.Document)
        cursor.insertText(text)
        self.setTextCursor(cursor)


class TargetDelegate(SegmentDelegate):
    """Edits the target. The editor's own keys (typing, Ctrl+Z while it can undo) stay with it; the
    editor's commands (Ctrl+Enter, Ctrl+U…) go to the action `command_for` finds for the key."""

    text_edited = Signal(int, str)  # row, text as typed (the row grows with it)
    save_failed = Signal(object)  # the error

    def __init__(
        self,
        parent: QTableView,
        checker_for_target: Callable[[], SpellChecker | None],
        command_for: Callable[[QKeyEvent], QAction | None],
    ) -> None:
        super().__init__(parent)
        self._checker_for_target = checker_for_target
        self._command_for = command_for
        self.active: SegmentEditor | None = None

    def createEditor(self, parent: QWidget, option: QStyleOptionViewItem, index: ModelIndex) -> QWidget:
        model = self._model(index)
        editor = SegmentEditor(parent, index.row())
        editor.setFont(model.font(SegmentModel.TARGET))
        checker = self._checker_for_target()
        if checker is not None:
            attach_spellchecker(editor, checker)
        editor.textChanged.connect(lambda: self.text_edited.emit(editor.row, editor.toPlainText()))
        self.active = editor
        return editor

    def destroyEditor(self, editor: QWidget, index: ModelIndex) -> None:
        if editor is self.active:
            self.active = None
        super().destroyEditor(editor, index)

    def setEditorData(self, editor: QWidget, index: ModelIndex) -> None:
        assert isinstance(editor, SegmentEditor)
        editor.setPlainText(str(index.data(Qt.ItemDataRole.EditRole) or ""))
        editor.moveCursor(QTextCursor.MoveOperation.End)

    def setModelData(self, editor: QWidget, model: QAbstractItemModel, index: ModelIndex) -> None:
        assert isinstance(editor, SegmentEditor)
        try:
            model.setData(index, editor.toPlainText(), Qt.ItemDataRole.EditRole)
        except WorkstationError as error:
            self.save_failed.emit(error)

    def updateEditorGeometry(self, editor: QWidget, option: QStyleOptionViewItem, index: ModelIndex) -> None:
        rect = QRect(option.rect)
        if self._model(index).is_group_start(index.row()):
            rect.setTop(rect.top() + self.band)
        editor.setGeometry(rect)

    def finish(self, commit: bool) -> None:
        """Close the open editor, saving its text as a draft first when `commit`."""
        editor = self.active
        if editor is None:
            return
        self.active = None
        if commit:
            self.commitData.emit(editor)
        self.closeEditor.emit(editor, QStyledItemDelegate.EndEditHint.NoHint)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if isinstance(watched, SegmentEditor) and isinstance(event, QKeyEvent):
            if event.type() in (QEvent.Type.ShortcutOverride, QEvent.Type.KeyPress):
                # Ctrl+Z undoes typing while there is typing to undo; then it undoes the last confirm.
                undoing = watched.document().isUndoAvailable() and event.matches(QKeySequence.StandardKey.Undo)
                action = None if undoing else self._command_for(event)
                if action is not None:
                    # Taken here rather than through the shortcut map, so the keys work whether or not
                    # the window is the active one (tests, a second window).
                    event.accept()
                    if event.type() == QEvent.Type.KeyPress:
                        action.trigger()
                    return True
            if event.type() == QEvent.Type.KeyPress and event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
                modifiers = event.modifiers() & ~Qt.KeyboardModifier.KeypadModifier
                if modifiers in (Qt.KeyboardModifier.NoModifier, Qt.KeyboardModifier.ShiftModifier):
                    self.finish(commit=True)  # Enter finishes editing: a segment is one line
                    return True
        return super().eventFilter(watched, event)


def command_for(event: QKeyEvent, actions: list[QAction]) -> QAction | None:
    """The enabled action one of whose shortcuts is the key pressed (the keypad's Enter as Enter)."""
    modifiers = event.modifiers() & ~Qt.KeyboardModifier.KeypadModifier
    try:
        pressed = QKeySequence(QKeyCombination(modifiers, Qt.Key(event.key())))
    except ValueError:
        return None
    exact = QKeySequence.SequenceMatch.ExactMatch
    for action in actions:
        if action.isEnabled() and any(pressed.matches(key) == exact for key in action.shortcuts()):
            return action
    return None
