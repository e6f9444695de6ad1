"""The translation editor's command bar (its actions, their keys, the key help) and its filter bar."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from PySide6.QtCore import QObject, Qt, QTimer, Signal
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QComboBox, QHBoxLayout, QLabel, QLineEdit, QTableView, QToolBar, QWidget

from workstation.model import SegmentState
from workstation.ui.i18n import _, ngettext, state_label
from workstation.ui.segment_model import FILTER_KINDS, SegmentFilter


@dataclass(frozen=True)
class CommandSlots:
    confirm_and_next: Callable[[], None]
    draft_and_next: Callable[[], None]
    copy_source: Callable[[], None]
    next_untranslated: Callable[[], None]
    next_stale: Callable[[], None]
    undo_last_confirm: Callable[[], None]


class SegmentCommands(QObject):
    """The keyboard commands, as actions of the segment table (so they act in the table and in its
    cell editor, not in the side panes), with a toolbar and a one-line key help."""

    def __init__(self, table: QTableView, slots: CommandSlots) -> None:
        super().__init__(table)
        self._table = table
        self.confirm = self._action(
            # TRANSLATORS: translation editor command: mark the segment translated and go to the next one.
            _("Confirm and next"),
            ["Ctrl+Return", "Ctrl+Enter"],
            slots.confirm_and_next,
            _("Confirm the translation (translated) and go to the next segment"),
        )
        self.draft = self._action(
            # TRANSLATORS: translation editor command: keep the segment as a draft and go to the next one.
            _("Draft and next"),
            ["Ctrl+Shift+Return", "Ctrl+Shift+Enter"],
            slots.draft_and_next,
            _("Keep the translation as a draft and go to the next segment"),
        )
        self.copy_source = self._action(
            _("Copy source"), ["Ctrl+Shift+R"], slots.copy_source, _("Replace the target with the source text")
        )
        self.next_untranslated = self._action(
            _("Next untranslated"), ["Ctrl+U"], slots.next_untranslated, _("Go to the next segment not yet confirmed")
        )
        self.next_stale = self._action(
            _("Next stale"), ["Ctrl+Shift+U"], slots.next_stale, _("Go to the next segment whose source changed")
        )
        self.undo = self._action(
            _("Undo last confirm"),
            ["Ctrl+Z"],
            slots.undo_last_confirm,
            _("Bring back the previous target and state of the last segment saved here"),
        )
        self.toolbar = QToolBar()
        self.toolbar.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
        for action in (
            self.confirm,
            self.draft,
            self.copy_source,
            self.next_untranslated,
            self.next_stale,
            self.undo,
        ):
            self.toolbar.addAction(action)

    def _action(self, text: str, keys: list[str], slot: Callable[[], None], tip: str) -> QAction:
        action = QAction(text, self._table)
        action.setShortcuts([QKeySequence(key) for key in keys])
        action.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        action.setToolTip(f"{tip} ({key_text(action)})")
        action.triggered.connect(lambda _checked=False: slot())
        self._table.addAction(action)
        return action

    def help_text(self) -> str:
        items = [
            (key_text(self.confirm), _("confirm and next")),
            (key_text(self.draft), _("draft and next")),
            (key_text(self.copy_source), _("copy source")),
            (key_text(self.next_untranslated), _("next untranslated")),
            (key_text(self.next_stale), _("next stale")),
            (key_text(self.undo), _("undo typing, then the last confirm")),
            # TRANSLATORS: key help of the translation editor: Enter or F2 starts editing the target.
            (_("Enter") + "/F2", _("edit")),
            # TRANSLATORS: key help of the translation editor: Esc leaves the target as it was.
            (_("Esc"), _("cancel")),
        ]
        return " · ".join(f"{shortcut} {what}" for shortcut, what in items)


def key_text(action: QAction) -> str:
    return action.shortcut().toString(QKeySequence.SequenceFormat.NativeText)


class FilterBar(QWidget):
    """Which segments to show: a kind or a state, and a text found in the source or the target."""

    changed = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.kind = QComboBox()
        for kind, label in FILTER_KINDS:
            self.kind.addItem(_(label), kind)
        self.kind.insertSeparator(self.kind.count())
        for state in SegmentState:
            # TRANSLATORS: filter of the translation editor: segments in one state ("State: draft").
            self.kind.addItem(_("State: {state}").format(state=state_label(state)), str(state))
        self.kind.currentIndexChanged.connect(lambda _index: self.changed.emit())
        self.search = QLineEdit()
        self.search.setClearButtonEnabled(True)
        shortcut = QKeySequence(QKeySequence.StandardKey.Find).toString(QKeySequence.SequenceFormat.NativeText)
        self.search.setPlaceholderText(_("Find in source or target ({key})").format(key=shortcut))
        self._typing = QTimer(self, singleShot=True, interval=150)
        self._typing.timeout.connect(self.changed)
        self.search.textChanged.connect(lambda _text: self._typing.start())
        self.shown_label = QLabel()
        focus = QAction(self)
        focus.setShortcut(QKeySequence.StandardKey.Find)
        focus.setShortcutContext(Qt.ShortcutContext.WindowShortcut)
        focus.triggered.connect(lambda: (self.search.setFocus(), self.search.selectAll()))
        self.addAction(focus)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.kind)
        layout.addWidget(self.search, 1)
        layout.addWidget(self.shown_label)

    def spec(self) -> SegmentFilter:
        self._typing.stop()
        return SegmentFilter(str(self.kind.currentData() or "all"), self.search.text())

    def choose(self, kind: str, text: str | None = None) -> None:
        """Set both without announcing them (the caller applies)."""
        self.blockSignals(True)
        if text is not None:
            self.search.setText(text)
        index = self.kind.findData(kind)
        if index >= 0:
            self.kind.setCurrentIndex(index)
        self.blockSignals(False)
        self._typing.stop()

    def show_count(self, shown: int, total: int, active: bool) -> None:
        self.shown_label.setText(
            ngettext("{shown} of {total} shown", "{shown} of {total} shown", total).format(shown=shown, total=total)
            if active
            else ""
        )
