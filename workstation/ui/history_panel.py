"""An article's revisions and state changes, a readable diff between any two revisions, and restore."""

from __future__ import annotations

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
from workstation.ui.operations import show_error

CURRENT = -1


def short_time(timestamp: str) -> str:
    """Timestamp "2026-11-27T18:42:11.399Z" as "11-27 18:42": enough to tell today's edits apart."""
    return timestamp[5:16].replace("T", " ")


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
        self.compare_with.activated.connect(lambda _i: self._show_diff(self.revisions.currentRow()))
        self.diff = QTextBrowser()
        self.diff.setObjectName("revisionDiff")
        self.restore_button = QPushButton("Restore this revision")
        self.restore_button.clicked.connect(self._confirm_restore)

        left = QWidget()
        left_layout = QVBoxLayout(left)
        left_layout.setContentsMargins(0, 0, 0, 0)
        left_layout.addWidget(QLabel("<b>Revisions</b>"))
        left_layout.addWidget(self.revisions, 1)
        left_layout.addWidget(QLabel("<b>Workflow</b>"))
        left_layout.addWidget(self.states)
        right = QWidget()
        right_layout = QVBoxLayout(right)
        right_layout.setContentsMargins(0, 0, 0, 0)
        compare_row = QHBoxLayout()
        compare_row.addWidget(QLabel("Changes from the selected revision to"))
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
            item = QListWidgetItem(f"v{revision.version} · {short_time(revision.saved_at)}{who}\n{revision.reason}")
            item.setData(Qt.ItemDataRole.UserRole, revision.version)
            self.revisions.addItem(item)
        self.revisions.blockSignals(False)
        self.compare_with.clear()
        self.compare_with.addItem("the current text", CURRENT)
        for revision in self._revisions:
            self.compare_with.addItem(f"revision {revision.version}", revision.version)
        changes = editorial.state_changes(article_id)
        self.states.setText(
            "<br>".join(
                f"{short_time(c.at)} · {c.profile_name}: {c.from_state} → {c.to_state}"
                + (f" <i>({c.comment})</i>" if c.comment else "")
                for c in reversed(changes)
            )
            or "<i>Not yet submitted</i>"
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
        target = "the current text" if to_version is None else f"revision {to_version}"
        self.diff.setHtml(f"<h3>Revision {version} → {target}</h3>{as_html(diffs)}")
        self.restore_button.setEnabled(row > 0)

    def _confirm_restore(self) -> None:
        row = self.revisions.currentRow()
        if self._article_id is None or row <= 0:
            return
        version = self._revisions[row].version
        answer = QMessageBox.question(
            self,
            "Restore revision",
            f"Bring back revision {version} as the article's text? The current text stays in the history.",
        )
        if answer == QMessageBox.StandardButton.Yes:
            self.restore(version)

    def restore(self, version: int) -> None:
        assert self._article_id is not None
        try:
            article = self._services.editorial.restore(self._article_id, version)
        except Exception as error:
            show_error(self, "The revision could not be restored", error)
            return
        self.restored.emit(article)
