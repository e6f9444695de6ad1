"""The Translations section: the list of translations (left) and the side-by-side editor (right).

The list shows each translation's progress and stale count. They are computed off the UI thread
for the rows the list has loaded, and pushed directly by the editor for the translation it edits,
so neither opening the list nor confirming a segment waits for them.
"""

from __future__ import annotations

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, QRect, Qt, QTimer
from PySide6.QtGui import QColor, QPainter, QShowEvent
from PySide6.QtWidgets import QSplitter, QStyledItemDelegate, QStyleOptionViewItem, QVBoxLayout, QWidget

from workstation.app import Services
from workstation.model import ArticleState, ArticleSummary, Changes, SegmentState
from workstation.ui.i18n import N_, _, format_datetime_local, ngettext, state_label
from workstation.ui.operations import Operation, OperationCancelled, OperationContext, show_error
from workstation.ui.paged_model import (
    Column,
    PagedTableModel,
    record_table,
    reload_keeping_selection,
    select_record,
)
from workstation.ui.segment_model import Progress, SegmentModel, progress_of, progress_text
from workstation.ui.translation_editor import TranslationEditor

__all__ = ["SegmentModel", "TranslationEditor", "TranslationsView"]

ModelIndex = QModelIndex | QPersistentModelIndex
DIRECTION = 1  # the list's column that also shows the progress
STATE, UPDATED = 2, 3
PROGRESS_FILL = QColor("#d7efd3")


def direction_text(row: ArticleSummary, progress: Progress | None) -> str:
    """ "vi → en · 30 %", with " · 3 stale" when the source changed under some segments."""
    text = f"{row.source_language} → {row.language}"
    if progress is None or not progress.total:
        return text
    text += f" · {progress.percent} %"
    if progress.stale:
        text += " · " + ngettext("{n} stale", "{n} stale", progress.stale).format(n=progress.stale)
    return text


class TranslationListModel(PagedTableModel[ArticleSummary]):
    """The paged list of translations, with each one's progress once known."""

    def __init__(self, services: Services) -> None:
        self.progress: dict[str, Progress] = {}
        columns: list[Column[ArticleSummary]] = [
            Column(
                N_("Article"),
                lambda row: row.source_headline or _("(no headline)"),
                lambda row: row.source_language or "",
            ),
            # TRANSLATORS: column of the translations list: source language → target language, and progress.
            Column(N_("Direction"), lambda row: direction_text(row, self.progress.get(row.id))),
            Column(N_("State"), lambda row: state_label(row.state)),
            Column(N_("Updated"), lambda row: format_datetime_local(row.updated_at, "short")),
        ]
        super().__init__(
            lambda limit, offset: services.editorial.summaries(limit, offset, translations=True),
            columns,
            key=lambda row: row.id,
        )

    def ids(self) -> list[str]:
        return [self.row(number).id for number in range(self.rowCount())]

    def set_progress(self, updates: dict[str, Progress]) -> None:
        self.progress.update(updates)
        for number in range(self.rowCount()):
            if self.row(number).id in updates:
                index = self.index(number, DIRECTION)
                self.dataChanged.emit(index, index)

    def data(self, index: ModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> object:
        if index.isValid() and index.column() == 0 and role == Qt.ItemDataRole.ToolTipRole:
            row = self.row(index.row())
            updated = format_datetime_local(row.updated_at, "short")
            return f"{row.source_headline or ''}\n{state_label(row.state)} · {updated}"
        if index.isValid() and index.column() == DIRECTION and role == Qt.ItemDataRole.ToolTipRole:
            progress = self.progress.get(self.row(index.row()).id)
            return progress_text(progress) if progress else None
        if index.isValid() and index.column() == DIRECTION and role == Qt.ItemDataRole.UserRole:
            return self.progress.get(self.row(index.row()).id)
        return super().data(index, role)


class ProgressDelegate(QStyledItemDelegate):
    """The direction cell filled from the left as far as the translation is confirmed."""

    def paint(self, painter: QPainter, option: QStyleOptionViewItem, index: ModelIndex) -> None:
        progress = index.data(Qt.ItemDataRole.UserRole)
        if isinstance(progress, Progress) and progress.total:
            rect = QRect(option.rect)
            rect.setWidth(rect.width() * progress.confirmed // progress.total)
            painter.fillRect(rect.adjusted(0, 2, 0, -2), PROGRESS_FILL)
            if progress.stale:
                painter.fillRect(
                    QRect(option.rect.right() - 3, option.rect.top() + 2, 3, option.rect.height() - 4),
                    QColor("#f08c00"),
                )
        super().paint(painter, option, index)


def _column_samples() -> list[str]:
    """Texts as wide as the columns after the first usually get, in the current UI language."""
    widest_state = max((state_label(state) for state in ArticleState), key=len)
    stale = ngettext("{n} stale", "{n} stale", 12).format(n=12)
    return [f"vi → en · 100 % · {stale}", widest_state, format_datetime_local("2026-12-28T23:59:00Z", "short")]


def _progress_of_all(services: Services, ids: list[str], context: OperationContext) -> dict[str, Progress]:
    """Runs on a worker: each translation's segments (following source edits, as opening it would)."""
    found: dict[str, Progress] = {}
    for translation_id in ids:
        if context.cancelled():
            raise OperationCancelled()
        try:
            found[translation_id] = progress_of(services.translations.segments(translation_id))
        except Exception:  # a translation removed meanwhile: its row goes with the next reload
            continue
    return found


class TranslationsView(QWidget):
    def __init__(self, services: Services, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._services = services
        self.model = TranslationListModel(services)
        self.list = record_table(self.model, _column_samples())
        self.list.setItemDelegateForColumn(DIRECTION, ProgressDelegate(self.list))
        # The list is newest first, and a translation's progress says more than its workflow state
        # (both stay in the article's tooltip): the room goes to the headline and the progress.
        self.list.hideColumn(STATE)
        self.list.hideColumn(UPDATED)
        self.list.selectionModel().currentRowChanged.connect(self._open_row)
        self.editor = TranslationEditor(services)
        self.editor.progress_changed.connect(lambda tid, progress: self.model.set_progress({tid: progress}))
        self.editor.open_requested.connect(self.open)
        splitter = QSplitter()
        splitter.addWidget(self.list)
        splitter.addWidget(self.editor)
        splitter.setSizes([360, 1000])
        layout = QVBoxLayout(self)
        layout.addWidget(splitter)
        self.progress_operation: Operation | None = None
        self._progress_wanted = False
        self._progress_timer = QTimer(self, singleShot=True, interval=300)
        self._progress_timer.timeout.connect(self.refresh_progress)
        self.model.rowsInserted.connect(lambda *_args: self._progress_timer.start())
        self.model.reload()

    def reload(self) -> None:
        translation = self.editor.model.translation
        reload_keeping_selection(self.list, translation.id if translation else None)
        self.editor.check_outside_changes()
        self._progress_timer.start()

    def open(self, translation_id: str) -> None:
        self.reload()
        if not select_record(self.list, translation_id):
            return
        # Selecting opens the translation, unless its row was already the current one.
        opened = self.editor.model.translation
        if opened is None or opened.id != translation_id:
            self._open(translation_id)

    def open_at(self, translation_id: str, field: str = "", show_qa: bool = False) -> int | None:
        """Open the translation on the sentence `field` names: a segment address, an article part
        ("headline", "lead", "caption:<picture id>"…) or, for anything else, the first sentence not
        yet final; `show_qa` brings the QA pane forward. Returns the row selected, None when there is none."""
        self.open(translation_id)
        model = self.editor.model
        if model.translation is None or model.translation.id != translation_id or not model.rowCount():
            return None
        rows = range(model.rowCount())
        row = model.row_of(field) if field else None
        if row is None:
            in_part = [n for n in rows if model.segment(n).part == field]
            not_final = [n for n in (in_part or rows) if model.segment(n).state != SegmentState.FINAL]
            row = (not_final or in_part or [0])[0]
        if show_qa:
            self.editor.side.setCurrentWidget(self.editor.assist.qa)
        self.editor.go_to_row(row, edit=False)
        self.editor.table.setFocus(Qt.FocusReason.OtherFocusReason)
        return row

    def on_changes(self, changes: Changes) -> None:
        # Segment saves come from this view's own editor, which has them already; a source edit
        # (articles) may make segments stale, and new translations join the list.
        if changes.articles:
            self.reload()
        elif changes.translations:
            self.editor.check_outside_changes()

    def refresh_progress(self) -> Operation | None:
        """Compute the progress of every loaded row on a worker; one computation at a time."""
        if not self.isVisible():
            self._progress_wanted = True  # done when the view is shown
            return None
        if self.progress_operation is not None:
            self._progress_wanted = True
            return self.progress_operation
        self._progress_wanted = False
        ids = self.model.ids()
        if not ids:
            return None
        services = self._services
        operation = Operation(
            self,
            lambda context: _progress_of_all(services, ids, context),
            on_success=self.model.set_progress,
            on_failure=lambda _error: None,  # the list simply shows no progress for those rows
        )
        operation.finished.connect(self._progress_finished)
        self.progress_operation = operation
        return operation

    def _progress_finished(self) -> None:
        self.progress_operation = None
        if self._progress_wanted:
            self._progress_timer.start()

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        if self._progress_wanted:
            self._progress_timer.start()

    def _open_row(self, current: QModelIndex, _previous: QModelIndex) -> None:
        if current.isValid():
            self._open(self.model.row(current.row()).id)

    def _open(self, translation_id: str) -> None:
        try:
            self.editor.open(translation_id)
        except Exception as error:
            show_error(self, _("The translation could not be opened"), error)
