"""An article's revisions and state changes, a readable diff between any two revisions, and restore."""

from __future__ import annotations

import html
import re

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QMessageBox,
    QPushButton,
    QSplitter,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from workstation.app import Services
from workstation.editorial.revisions import as_html
from workstation.model import Revision
from workstation.ui.i18n import N_, _, format_datetime_local, state_label
from workstation.ui.operations import show_error

CURRENT = -1

# The English words of the revision diff (workstation/editorial/revisions.py, which stays Qt- and
# gettext-free), marked here for the catalog and translated by `diff_words` when the diff is shown.
DIFF_WORDS = frozenset(
    {
        # Fields of an article.
        N_("Headline"),
        N_("Subheadline"),
        N_("Lead"),
        N_("Byline"),
        N_("Dateline"),
        N_("Genre"),
        N_("Language"),
        N_("Embargo"),
        N_("Notes to editors"),
        N_("Subjects"),
        N_("Keywords"),
        # Blocks of the body, followed by their number ("Paragraph 3").
        N_("Paragraph"),
        N_("Heading"),
        N_("Quote"),
        # TRANSLATORS: an item of a bulleted or numbered list in an article's body, e.g. "List item 4".
        N_("List item"),
        N_("Picture"),
        # TRANSLATORS: how a field or a block differs between two revisions, e.g. "Headline (changed)".
        N_("changed"),
        # TRANSLATORS: how a block differs between two revisions: it is new.
        N_("added"),
        # TRANSLATORS: how a block differs between two revisions: it was deleted.
        N_("removed"),
        # TRANSLATORS: how a block differs between two revisions: it is at another place in the body.
        N_("moved"),
        # TRANSLATORS: how a block differs between two revisions: its bold, italic or links changed.
        N_("formatting changed"),
        N_("No differences."),
    }
)

# Why a revision was saved, as the store records it (English identifiers); others show as stored.
REVISION_REASONS = {
    # TRANSLATORS: why a revision was saved: the article was created.
    "created": N_("created"),
    # TRANSLATORS: why a revision was saved: an edit.
    "edit": N_("edit"),
    # TRANSLATORS: why a revision was saved: saved automatically while typing.
    "autosave": N_("autosave"),
    # TRANSLATORS: why a revision was saved: imported from a Word document.
    "import": N_("import"),
    # TRANSLATORS: why a revision was saved: a picture was placed in the text.
    "picture added": N_("picture added"),
}
_RESTORE_REASON = re.compile(r"restore of version (\d+)")


def diff_words(text: str) -> str:
    """Translates the words of the revision diff; `as_html(diffs, diff_words)`."""
    return _(text) if text in DIFF_WORDS else text


def revision_reason(reason: str) -> str:
    """Why a revision was saved, in the UI language."""
    restored = _RESTORE_REASON.fullmatch(reason)
    if restored:
        # TRANSLATORS: why a revision was saved: an older revision was brought back.
        return _("restore of version {version}").format(version=restored.group(1))
    known = REVISION_REASONS.get(reason)
    return _(known) if known else reason


def short_time(timestamp: str) -> str:
    """A store timestamp in local time, short ("11/27/26, 6:42 PM", vi "27/11/26 18:42")."""
    return format_datetime_local(timestamp, "short")


class HistoryPanel(QWidget):
    restored = Signal(object)

    def __init__(self, services: Services, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._services = services
        self._article_id: str | None = None
        self._revisions: list[Revision] = []

        self.revisions = QListWidget()
        self.revisions.setObjectName("revisions")
        self.revisions.currentRowChanged.connect(self._show_diff)
        self.states = QLabel()
        self.states.setWordWrap(True)
        self.states.setTextFormat(Qt.TextFormat.RichText)
        self.compare_with = QComboBox()
        self.compare_with.activated.connect(lambda _index: self._show_diff(self.revisions.currentRow()))
        self.diff = QTextBrowser()
        self.diff.setObjectName("revisionDiff")
        self.restore_button = QPushButton(_("Restore this revision"))
        self.restore_button.clicked.connect(self._confirm_restore)

        left = QWidget()
        left_layout = QVBoxLayout(left)
        left_layout.setContentsMargins(0, 0, 0, 0)
        left_layout.addWidget(QLabel("<b>{}</b>".format(_("Revisions"))))
        left_layout.addWidget(self.revisions, 1)
        # TRANSLATORS: heading of the list of the article's state changes (submitted, cleared…).
        left_layout.addWidget(QLabel("<b>{}</b>".format(_("Workflow"))))
        left_layout.addWidget(self.states)
        right = QWidget()
        right_layout = QVBoxLayout(right)
        right_layout.setContentsMargins(0, 0, 0, 0)
        compare_row = QHBoxLayout()
        # TRANSLATORS: followed by a choice: "the current text" or "revision 3".
        compare_row.addWidget(QLabel(_("Changes from the selected revision to")))
        compare_row.addWidget(self.compare_with, 1)
        right_layout.addLayout(compare_row)
        right_layout.addWidget(self.diff, 1)
        right_layout.addWidget(self.restore_button, 0, Qt.AlignmentFlag.AlignRight)
        splitter = QSplitter()
        splitter.addWidget(left)
        splitter.addWidget(right)
        splitter.setSizes([260, 540])
        layout = QVBoxLayout(self)
        layout.addWidget(splitter)

    def load(self, article_id: str) -> None:
        self._article_id = article_id
        editorial = self._services.editorial
        self._revisions = editorial.history(article_id)
        self.revisions.blockSignals(True)
        self.revisions.clear()
        for revision in self._revisions:
            who = f" · {revision.profile_name}" if revision.profile_name else ""
            # TRANSLATORS: short for "version 3" in the list of an article's revisions.
            version = _("v{version}").format(version=revision.version)
            item = QListWidgetItem(
                f"{version} · {short_time(revision.saved_at)}{who}\n{revision_reason(revision.reason)}"
            )
            item.setData(Qt.ItemDataRole.UserRole, revision.version)
            self.revisions.addItem(item)
        self.revisions.blockSignals(False)
        self.compare_with.clear()
        self.compare_with.addItem(_("the current text"), CURRENT)
        for revision in self._revisions:
            self.compare_with.addItem(_("revision {version}").format(version=revision.version), revision.version)
        changes = editorial.state_changes(article_id)
        self.states.setText(
            "<br>".join(
                f"{short_time(c.at)} · {c.profile_name}: {state_label(c.from_state)} → {state_label(c.to_state)}"
                + (f" <i>({c.comment})</i>" if c.comment else "")
                for c in reversed(changes)
            )
            or "<i>{}</i>".format(_("Not yet submitted"))
        )
        self.revisions.setCurrentRow(1 if len(self._revisions) > 1 else 0)

    def select_revisions(self, version: int, compared_with: int = CURRENT) -> None:
        self.compare_with.setCurrentIndex(max(0, self.compare_with.findData(compared_with)))
        for row in range(self.revisions.count()):
            if self.revisions.item(row).data(Qt.ItemDataRole.UserRole) == version:
                self.revisions.setCurrentRow(row)
                self._show_diff(row)

    def _show_diff(self, row: int) -> None:
        if self._article_id is None or not 0 <= row < len(self._revisions):
            self.diff.clear()
            self.restore_button.setEnabled(False)
            return
        version = self._revisions[row].version
        other = self.compare_with.currentData()
        to_version = None if other in (None, CURRENT) else other
        diffs = self._services.editorial.diff(self._article_id, version, to_version)
        target = _("the current text") if to_version is None else _("revision {version}").format(version=to_version)
        # TRANSLATORS: heading of the differences between two revisions: "Revision 1 → the current text".
        heading = _("Revision {version} → {target}").format(version=version, target=target)
        self.diff.setHtml(f"<h3>{html.escape(heading)}</h3>{as_html(diffs, diff_words)}")
        self.restore_button.setEnabled(row > 0)

    def _confirm_restore(self) -> None:
        row = self.revisions.currentRow()
        if self._article_id is None or row <= 0:
            return
        version = self._revisions[row].version
        box = QMessageBox(
            QMessageBox.Icon.Question,
            _("Restore revision"),
            _("Bring back revision {version} as the article's text? The current text stays in the history.").format(
                version=version
            ),
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
            self,
        )
        # Qt ships no Vietnamese catalog for its standard buttons.
        box.button(QMessageBox.StandardButton.Yes).setText(_("Restore"))
        box.button(QMessageBox.StandardButton.No).setText(_("Cancel"))
        box.exec()
        if box.clickedButton() is box.button(QMessageBox.StandardButton.Yes):
            self.restore(version)

    def restore(self, version: int) -> None:
        assert self._article_id is not None
        try:
            article = self._services.editorial.restore(self._article_id, version)
        except Exception as error:
            show_error(self, _("The revision could not be restored"), error)
            return
        self.restored.emit(article)
