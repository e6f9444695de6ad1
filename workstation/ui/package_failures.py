"""The completeness rules a package fails, grouped by article, errors first; each one opens its fix."""

from __future__ import annotations

import re
from collections.abc import Sequence

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QHeaderView, QLabel, QTreeWidget, QTreeWidgetItem, QVBoxLayout, QWidget

from workstation.model import LANGUAGES, RuleFailure
from workstation.ui.fonts import font_for_language
from workstation.ui.i18n import N_, _, format_number, ngettext
from workstation.ui.segment_model import ERROR_COLOUR, WARNING_COLOUR, marker_icon

FAILURE_ROLE = Qt.ItemDataRole.UserRole + 1
"""The `RuleFailure` of a failure row (group rows have none)."""
LANGUAGE, FIELD, MESSAGE = 0, 1, 2
LEADING_LANGUAGE = re.compile(r"^\s*\([^)]*\)")

# The fields the rules name, as the person fixing them knows them; others show as the rules name them.
FIELD_LABELS = {
    "headline": N_("Headline"),
    "lead": N_("Lead"),
    "body": N_("Body"),
    # TRANSLATORS: a field a package's rule names: the workflow state of an article or translation.
    "state": N_("State"),
    "embargo": N_("Embargo"),
    "caption": N_("Caption"),
    "alt_text": N_("Alt text"),
    "credit": N_("Credit"),
    # TRANSLATORS: a field a package's rule names: the quality checks of a translation.
    "qa": N_("Quality checks"),
    # TRANSLATORS: a field a package's rule names: the sentences of a translation.
    "segments": N_("Sentences"),
}


def field_label(field: str) -> str:
    """ "Headline"; "Picture · Caption" for "picture:<id>:caption"; "Sentence headline#1" for "segment:<address>"."""
    kind, _sep, rest = field.partition(":")
    if kind == "picture" and rest:
        return _("Picture · {field}").format(field=field_label(rest.rpartition(":")[2]))
    if kind == "segment" and rest:
        return _("Sentence {address}").format(address=rest)
    label = FIELD_LABELS.get(field)
    return _(label) if label else field


def short_message(failure: RuleFailure, headline: str) -> str:
    """The message without the leading “headline” and (language) the rules' templates start with: the
    group row shows the headline, the first column the language. Other messages are shown whole."""
    quoted = f"“{headline}”"
    if not headline or not failure.message.startswith(quoted):
        return failure.message
    rest = LEADING_LANGUAGE.sub("", failure.message.removeprefix(quoted)).lstrip(": ")
    return rest[:1].upper() + rest[1:] if rest else failure.message


class _FailureTree(QTreeWidget):
    """Enter on a failure opens its fix, as a double-click does (itemActivated is platform-dependent)."""

    def keyPressEvent(self, event: QKeyEvent) -> None:
        item = self.currentItem()
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and item is not None:
            self.itemActivated.emit(item, self.currentColumn())
            return
        super().keyPressEvent(event)


class RuleFailuresPanel(QWidget):
    """Every failure of the last check. Double-click or Enter on one emits `fix_requested(failure)`."""

    fix_requested = Signal(object)  # RuleFailure

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.failures: list[RuleFailure] = []
        self.summary = QLabel(_("Not checked yet."))
        self.summary.setObjectName("failureSummary")
        self.summary.setWordWrap(True)
        self.tree = _FailureTree()
        self.tree.setObjectName("failureTree")
        self.tree.setColumnCount(3)
        self.tree.setHeaderLabels([_("Language"), _("Field"), _("What to fix")])
        self.tree.setRootIsDecorated(True)
        self.tree.setUniformRowHeights(False)
        self.tree.setAlternatingRowColors(True)
        self.tree.setWordWrap(True)
        header = self.tree.header()
        header.setStretchLastSection(True)
        header.setSectionResizeMode(LANGUAGE, QHeaderView.ResizeMode.ResizeToContents)
        header.resizeSection(FIELD, 130)
        self.tree.itemActivated.connect(self._activated)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 4, 0, 0)
        layout.addWidget(self.summary)
        layout.addWidget(self.tree, 1)

    def show_checking(self) -> None:
        if not self.failures:
            self.summary.setText(_("Checking the package…"))

    def show_failures(self, failures: Sequence[RuleFailure], headlines: dict[str, tuple[str, str]]) -> None:
        """List `failures`, grouped by article; `headlines` gives each article id its (headline, language)."""
        collapsed = self._collapsed_groups()
        self.failures = sorted(failures, key=lambda failure: not failure.is_error)
        self.tree.clear()
        groups: dict[str, list[RuleFailure]] = {}
        for failure in self.failures:
            groups.setdefault(failure.article_id or "", []).append(failure)
        # Articles with errors first, then in the package's order (the order of `headlines`).
        order = list(headlines)

        def group_rank(article_id: str) -> tuple[bool, int]:
            has_error = any(failure.is_error for failure in groups[article_id])
            return (not has_error, order.index(article_id) if article_id in order else len(order))

        for article_id in sorted(groups, key=group_rank):
            self._add_group(article_id, groups[article_id], headlines, article_id not in collapsed)
        self._show_summary()

    def _add_group(
        self, article_id: str, failures: list[RuleFailure], headlines: dict[str, tuple[str, str]], expand: bool
    ) -> None:
        headline, language = headlines.get(article_id, ("", ""))
        title = (headline or _("(no headline)")) if article_id else _("The package")
        count = ngettext("{n} problem", "{n} problems", len(failures)).format(n=format_number(len(failures)))
        group = QTreeWidgetItem([f"{title} — {count}"])
        group.setData(LANGUAGE, Qt.ItemDataRole.UserRole, article_id)
        font = font_for_language(language, self.tree.font())
        font.setBold(True)
        group.setFont(LANGUAGE, font)
        group.setFlags(Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable)
        self.tree.addTopLevelItem(group)
        group.setFirstColumnSpanned(True)  # only takes once the item is in the tree
        for failure in failures:
            message = short_message(failure, headline)
            row = QTreeWidgetItem([failure.language or "", field_label(failure.field or ""), message])
            row.setIcon(LANGUAGE, marker_icon(failure.severity, ERROR_COLOUR if failure.is_error else WARNING_COLOUR))
            row.setData(LANGUAGE, FAILURE_ROLE, failure)
            language_name = LANGUAGES.get(failure.language or "", failure.language or "")
            row.setToolTip(LANGUAGE, language_name)
            row.setToolTip(MESSAGE, failure.message)
            group.addChild(row)
        group.setExpanded(expand)

    def _collapsed_groups(self) -> set[str]:
        """The groups the person folded, kept folded across re-checks."""
        collapsed = set()
        for number in range(self.tree.topLevelItemCount()):
            item = self.tree.topLevelItem(number)
            if not item.isExpanded():
                collapsed.add(item.data(LANGUAGE, Qt.ItemDataRole.UserRole))
        return collapsed

    def _show_summary(self) -> None:
        errors = sum(1 for failure in self.failures if failure.is_error)
        warnings = len(self.failures) - errors
        if not self.failures:
            self.summary.setText("✓ " + _("Every rule passes: the package is complete and can be sealed."))
            self.summary.setStyleSheet("color:#2e7d32;font-weight:bold;")
            return
        parts = []
        if errors:
            parts.append(
                ngettext("{n} problem stops sealing", "{n} problems stop sealing", errors).format(
                    n=format_number(errors)
                )
            )
        if warnings:
            parts.append(ngettext("{n} warning", "{n} warnings", warnings).format(n=format_number(warnings)))
        hint = _("Double-click a problem, or press Enter, to open what needs fixing.")
        self.summary.setText(f"<b>{' · '.join(parts)}</b> — {hint}")
        self.summary.setStyleSheet(f"color:{ERROR_COLOUR if errors else '#8a5a00'};")

    def failure_rows(self) -> list[QTreeWidgetItem]:
        """The failure rows, in the order shown (for keyboard users and tests)."""
        rows = []
        for number in range(self.tree.topLevelItemCount()):
            group = self.tree.topLevelItem(number)
            rows += [group.child(child) for child in range(group.childCount())]
        return rows

    def _activated(self, item: QTreeWidgetItem, _column: int) -> None:
        failure = item.data(LANGUAGE, FAILURE_ROLE)
        if failure is not None:
            self.fix_requested.emit(failure)
        else:
            item.setExpanded(not item.isExpanded())
