"""The translation editor's "QA" tab: the checks' issues, errors first; Enter or a double-click jumps to
the segment; a warning can be acknowledged with a reason, kept and shown greyed with it.

The checks' messages come from the Qt-free core in English; the name of each check is translated here.
"""

from __future__ import annotations

import html
from collections.abc import Callable, Sequence

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QBrush, QColor, QFont
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from workstation.translation.qa import QaIssue
from workstation.ui.i18n import N_, _, ngettext
from workstation.ui.segment_model import ERROR_COLOUR, WARNING_COLOUR, marker_icon

UNTRANSLATED = "untranslated"
ADDRESS_ROLE = Qt.ItemDataRole.UserRole
CODE_ROLE = Qt.ItemDataRole.UserRole + 1

CHECK_NAMES = {
    # TRANSLATORS: name of a QA check of a translation.
    "untranslated": N_("Not translated"),
    # TRANSLATORS: name of a QA check: the target repeats the source.
    "same-as-source": N_("Same as the source"),
    # TRANSLATORS: name of a QA check: a number of the source is not in the target.
    "number-missing": N_("Number missing"),
    # TRANSLATORS: name of a QA check: a date of the source is not in the target.
    "date-missing": N_("Date missing"),
    # TRANSLATORS: name of a QA check: "3.000" in English, "3,000" in Vietnamese.
    "number-format": N_("Number written the wrong way"),
    # TRANSLATORS: name of a QA check: a document number (57-KL/TW) not copied as written.
    "reference-changed": N_("Document number changed"),
    # TRANSLATORS: name of a QA check: a number in the target that the source does not have.
    "number-extra": N_("Extra number"),
    # TRANSLATORS: name of a QA check: a code such as H5N1 or G20 missing from the target.
    "code-missing": N_("Code or name missing"),
    # TRANSLATORS: name of a QA check: the target uses a variant the glossary forbids.
    "glossary-forbidden": N_("Forbidden term"),
    # TRANSLATORS: name of a QA check: the glossary's translation of a source term is not in the target.
    "glossary-missing": N_("Glossary term not used"),
    # TRANSLATORS: name of a QA check: a formatting tag (bold, italic, link) of the source is missing.
    "tag-missing": N_("Formatting tag missing"),
    # TRANSLATORS: name of a QA check: a formatting tag the source does not have.
    "tag-extra": N_("Extra formatting tag"),
    # TRANSLATORS: name of a QA check: a tag pair closed before it opens, or around nothing.
    "tag-unbalanced": N_("Broken formatting tags"),
    # TRANSLATORS: name of a QA check: tags nested differently from the source.
    "tag-nesting": N_("Tags nested differently"),
    # TRANSLATORS: name of a QA check: two spaces in a row.
    "double-space": N_("Double space"),
    # TRANSLATORS: name of a QA check: a space before a comma, period, etc.
    "space-before-punctuation": N_("Space before punctuation"),
    # TRANSLATORS: name of a QA check: the sentence ends with other punctuation than the source.
    "end-punctuation": N_("Different end punctuation"),
    # TRANSLATORS: name of a QA check: brackets or quotation marks do not pair up.
    "unbalanced-brackets": N_("Unpaired brackets or quotes"),
    # TRANSLATORS: name of a QA check: the target is much shorter or longer than usual.
    "length-ratio": N_("Unusual length"),
    # TRANSLATORS: name of a QA check: one source sentence translated differently elsewhere.
    "inconsistent": N_("Inconsistent translation"),
}
ACKNOWLEDGED_COLOUR = QColor("#8a8a8a")


def check_name(code: str) -> str:
    name = CHECK_NAMES.get(code)
    return _(name) if name else code


def ordered(issues: Sequence[QaIssue], row_of: Callable[[str], int | None]) -> list[QaIssue]:
    """Errors first, then open warnings, then acknowledged ones; each in segment order."""

    def key(issue: QaIssue) -> tuple[int, int]:
        rank = 0 if issue.is_error else (1 if issue.is_open else 2)
        row = row_of(issue.address)
        return rank, row if row is not None else 1_000_000

    return sorted(issues, key=key)


class QaPane(QWidget):
    jump_requested = Signal(str)  # segment address
    acknowledge_requested = Signal(str, str)  # address, code
    rerun_requested = Signal()
    shown_changed = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.issues: list[QaIssue] = []
        self._where: Callable[[str], str] = lambda address: address
        self._row_of: Callable[[str], int | None] = lambda _address: None
        self.summary = QLabel()
        self.summary.setWordWrap(True)
        self.list = QListWidget()
        self.list.setWordWrap(True)
        self.list.setResizeMode(QListWidget.ResizeMode.Adjust)
        self.list.setUniformItemSizes(False)
        self.list.setVerticalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
        self.list.setAlternatingRowColors(True)
        self.list.itemActivated.connect(self._activated)
        self.list.currentItemChanged.connect(lambda *_args: self._update_buttons())
        self.show_untranslated = QCheckBox(_("List untranslated segments"))
        self.show_untranslated.setToolTip(_("Untranslated segments also block “final”; the filter finds them too"))
        self.show_untranslated.toggled.connect(lambda _on: self._fill())
        # TRANSLATORS: button of the QA pane: accept a warning, giving a reason that is kept.
        self.acknowledge_button = QPushButton(_("Acknowledge…"))
        self.acknowledge_button.setToolTip(_("Keep this warning as it is, with a reason (errors must be fixed)"))
        self.acknowledge_button.clicked.connect(self._acknowledge)
        # TRANSLATORS: button of the QA pane: run the checks again.
        self.rerun_button = QPushButton(_("Check again"))
        self.rerun_button.clicked.connect(self.rerun_requested)
        buttons = QHBoxLayout()
        buttons.addWidget(self.acknowledge_button)
        buttons.addStretch(1)
        buttons.addWidget(self.rerun_button)
        layout = QVBoxLayout(self)
        layout.addWidget(self.summary)
        layout.addWidget(self.list, 1)
        layout.addWidget(self.show_untranslated)
        layout.addLayout(buttons)
        self._update_buttons()
        self.summary.setText(_("The checks run when a translation opens and after each save."))

    # --- showing ------------------------------------------------------------------------------

    def show_running(self) -> None:
        if not self.issues:
            self.summary.setText(_("Checking the translation…"))

    def show_issues(
        self, issues: Sequence[QaIssue], where: Callable[[str], str], row_of: Callable[[str], int | None]
    ) -> None:
        """`where` names a segment ("#5 Lead"); `row_of` orders the issues as the segments are."""
        self._where, self._row_of = where, row_of
        self.issues = ordered(issues, row_of)
        self._fill()

    def clear(self) -> None:
        self.issues = []
        self.list.clear()
        self.summary.setText("")
        self.shown_changed.emit()

    def listed(self) -> list[QaIssue]:
        """The issues the list shows (untranslated segments only when asked for)."""
        if self.show_untranslated.isChecked():
            return self.issues
        return [issue for issue in self.issues if issue.code != UNTRANSLATED]

    def open_count(self) -> int:
        """Errors and warnings not acknowledged, among those listed: the tab's number."""
        return sum(1 for issue in self.listed() if issue.is_open)

    def _fill(self) -> None:
        selected = self.selected()
        chosen = (selected.address, selected.code) if selected else None
        self.list.clear()
        for issue in self.listed():
            item = QListWidgetItem(self._item_text(issue))
            item.setData(ADDRESS_ROLE, issue.address)
            item.setData(CODE_ROLE, issue.code)
            item.setToolTip(issue.source_excerpt or "")
            if issue.is_error:
                item.setIcon(marker_icon("qa-error", ERROR_COLOUR))
                font = QFont(item.font())
                font.setBold(True)
                item.setFont(font)
            elif issue.is_open:
                item.setIcon(marker_icon("qa-warning", WARNING_COLOUR))
            else:
                item.setIcon(marker_icon("qa-acknowledged", "#c4c4c4"))
                item.setForeground(QBrush(ACKNOWLEDGED_COLOUR))
            self.list.addItem(item)
            if chosen == (issue.address, issue.code):
                self.list.setCurrentItem(item)
        self._summarise()
        self._update_buttons()
        self.shown_changed.emit()

    def _item_text(self, issue: QaIssue) -> str:
        lines = [f"{self._where(issue.address)} · {check_name(issue.code)}", issue.message]
        if issue.acknowledged is not None:
            lines.append(_("Acknowledged: {reason}").format(reason=issue.acknowledged))
        return "\n".join(lines)

    def _summarise(self) -> None:
        errors = sum(1 for issue in self.issues if issue.is_error and issue.code != UNTRANSLATED)
        warnings = sum(1 for issue in self.issues if not issue.is_error and issue.is_open)
        acknowledged = sum(1 for issue in self.issues if not issue.is_open)
        untranslated = sum(1 for issue in self.issues if issue.code == UNTRANSLATED)
        if not (errors or warnings or acknowledged or untranslated):
            self.summary.setText(_("No issues: every check passes."))
            return
        parts = [
            ngettext("{n} error", "{n} errors", errors).format(n=errors),
            ngettext("{n} warning", "{n} warnings", warnings).format(n=warnings),
        ]
        if acknowledged:
            parts.append(ngettext("{n} acknowledged", "{n} acknowledged", acknowledged).format(n=acknowledged))
        if untranslated:
            parts.append(
                ngettext("{n} segment untranslated", "{n} segments untranslated", untranslated).format(n=untranslated)
            )
        text = html.escape(" · ".join(parts))
        if errors:
            text = f'<span style="color:#b00020">{text}</span><br>' + html.escape(
                _("Errors keep the translation from being final.")
            )
        self.summary.setText(text)

    # --- acting -------------------------------------------------------------------------------

    def selected(self) -> QaIssue | None:
        item = self.list.currentItem()
        if item is None:
            return None
        key = (item.data(ADDRESS_ROLE), item.data(CODE_ROLE))
        return next((issue for issue in self.issues if (issue.address, issue.code) == key), None)

    def select(self, address: str) -> bool:
        """Make the first listed issue of a segment current; False when it has none listed."""
        for number in range(self.list.count()):
            item = self.list.item(number)
            if item.data(ADDRESS_ROLE) == address:
                self.list.setCurrentItem(item)
                return True
        return False

    def _update_buttons(self) -> None:
        issue = self.selected()
        self.acknowledge_button.setEnabled(issue is not None and not issue.is_error and issue.is_open)

    def _activated(self, item: QListWidgetItem) -> None:
        self.jump_requested.emit(str(item.data(ADDRESS_ROLE)))

    def _acknowledge(self) -> None:
        issue = self.selected()
        if issue is not None and not issue.is_error:
            self.acknowledge_requested.emit(issue.address, issue.code)
