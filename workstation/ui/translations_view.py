"""The side-by-side translation editor: source sentences left, editable targets right."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import (
    QAbstractItemModel,
    QAbstractTableModel,
    QEvent,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    Qt,
    Signal,
)
from PySide6.QtGui import QColor, QKeyEvent
from PySide6.QtWidgets import (
    QHeaderView,
    QLabel,
    QPlainTextEdit,
    QSplitter,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from workstation.app import Services
from workstation.language.spelling import SpellChecker, supports_spelling
from workstation.model import LANGUAGES, Article, ArticleState, ArticleSummary, Changes, Segment, SegmentState
from workstation.ui.fonts import font_for_language
from workstation.ui.i18n import N_, _, format_datetime_local, ngettext, state_label
from workstation.ui.operations import show_error
from workstation.ui.paged_model import (
    Column,
    PagedTableModel,
    record_table,
    reload_keeping_selection,
    select_record,
)
from workstation.ui.spelling import attach_spellchecker

ModelIndex = QModelIndex | QPersistentModelIndex

PART_NAMES = {
    "headline": N_("Headline"),
    "subheadline": N_("Subheadline"),
    # TRANSLATORS: the lead (standfirst) of an article, the paragraph under the headline.
    "lead": N_("Lead"),
}
STATE_COLOURS = {
    SegmentState.NEW: "#f3f3f3",
    SegmentState.DRAFT: "#fff4d6",
    SegmentState.TRANSLATED: "#e3f4e1",
    SegmentState.REVIEWED: "#d9ecff",
    SegmentState.FINAL: "#d4f0d0",
}


class SegmentModel(QAbstractTableModel):
    PART, SOURCE, TARGET, STATE = range(4)
    HEADERS = (N_("Part"), N_("Source"), N_("Target"), N_("State"))

    saved = Signal()

    def __init__(self, services: Services) -> None:
        super().__init__()
        self._services = services
        self.translation: Article | None = None
        self.source_language = ""
        self.segments: list[Segment] = []
        self._paragraph_numbers: dict[str, int] = {}

    def load(self, translation: Article, source_language: str) -> None:
        self.beginResetModel()
        self.translation = translation
        self.source_language = source_language
        self.segments = self._services.translations.segments(translation.id)
        self._paragraph_numbers = {}
        for item in self.segments:
            if item.part not in PART_NAMES and item.part not in self._paragraph_numbers:
                self._paragraph_numbers[item.part] = len(self._paragraph_numbers) + 1
        self.endResetModel()

    def rowCount(self, parent: ModelIndex = QModelIndex()) -> int:  # noqa: B008 (Qt's signature)
        return 0 if parent.isValid() else len(self.segments)

    def columnCount(self, parent: ModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.HEADERS)

    def flags(self, index: ModelIndex) -> Qt.ItemFlag:
        flags = super().flags(index)
        if index.column() == self.TARGET:
            flags |= Qt.ItemFlag.ItemIsEditable
        return flags

    def part_label(self, item: Segment) -> str:
        name = PART_NAMES.get(item.part)
        return _(name) if name else f"¶ {self._paragraph_numbers.get(item.part, '?')}"

    def data(self, index: ModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> object:
        if not index.isValid() or self.translation is None:
            return None
        item = self.segments[index.row()]
        column = index.column()
        if role == Qt.ItemDataRole.DisplayRole and column == self.STATE:
            return state_label(item.state)
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.EditRole):
            return (self.part_label(item), item.source_text, item.target_text, item.state)[column]
        if role == Qt.ItemDataRole.FontRole and column in (self.SOURCE, self.TARGET):
            return font_for_language(self.source_language if column == self.SOURCE else self.translation.language)
        if role == Qt.ItemDataRole.BackgroundRole and column in (self.TARGET, self.STATE):
            return QColor(STATE_COLOURS.get(SegmentState(item.state), "#ffffff"))
        if role == Qt.ItemDataRole.ToolTipRole:
            return item.address
        return None

    def setData(self, index: ModelIndex, value: object, role: int = Qt.ItemDataRole.EditRole) -> bool:
        if role != Qt.ItemDataRole.EditRole or index.column() != self.TARGET or self.translation is None:
            return False
        item = self.segments[index.row()]
        text = str(value).strip()
        state = SegmentState.TRANSLATED if text else SegmentState.NEW
        try:
            self.translation = self._services.translations.save_segment(self.translation.id, item.address, text, state)
        except Exception as error:
            show_error(None, _("The segment could not be saved"), error)
            return False
        item.target_text, item.state, item.origin = text, state, "human"
        self.dataChanged.emit(self.index(index.row(), self.TARGET), self.index(index.row(), self.STATE))
        self.saved.emit()
        return True

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole) -> object:
        if role == Qt.ItemDataRole.DisplayRole and orientation == Qt.Orientation.Horizontal:
            return _(self.HEADERS[section])
        return None

    def progress(self) -> tuple[int, int]:
        done = sum(1 for item in self.segments if item.state != SegmentState.NEW)
        return done, len(self.segments)


class TargetDelegate(QStyledItemDelegate):
    """A multi-line target editor: Ctrl+Enter confirms and moves to the next segment, Esc cancels."""

    confirm_and_next = Signal(QModelIndex)

    def __init__(self, checker_for_target: Callable[[], SpellChecker | None], parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._checker_for_target = checker_for_target

    def createEditor(self, parent: QWidget, option: QStyleOptionViewItem, index: ModelIndex) -> QWidget:
        editor = QPlainTextEdit(parent)
        editor.setFont(index.data(Qt.ItemDataRole.FontRole) or editor.font())
        checker = self._checker_for_target()
        if checker is not None:
            attach_spellchecker(editor, checker)
        editor.setTabChangesFocus(True)
        editor.installEventFilter(self)
        editor.setProperty("segment_row", index.row())
        return editor

    def setEditorData(self, editor: QWidget, index: ModelIndex) -> None:
        assert isinstance(editor, QPlainTextEdit)
        editor.setPlainText(str(index.data(Qt.ItemDataRole.EditRole) or ""))
        editor.moveCursor(editor.textCursor().MoveOperation.End)

    def setModelData(self, editor: QWidget, model: QAbstractItemModel, index: ModelIndex) -> None:
        assert isinstance(editor, QPlainTextEdit)
        model.setData(index, editor.toPlainText(), Qt.ItemDataRole.EditRole)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if isinstance(watched, QPlainTextEdit) and event.type() == QEvent.Type.KeyPress:
            assert isinstance(event, QKeyEvent)
            if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and (
                event.modifiers() & Qt.KeyboardModifier.ControlModifier
            ):
                self.commitData.emit(watched)
                self.closeEditor.emit(watched, QStyledItemDelegate.EndEditHint.NoHint)
                self.confirm_and_next.emit(QModelIndex())
                return True
        return super().eventFilter(watched, event)


class TranslationEditor(QWidget):
    def __init__(self, services: Services, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._services = services
        self.title = QLabel(_("Choose a translation on the left, or start one from an article."))
        self.title.setWordWrap(True)
        self.title.setObjectName("translationTitle")
        self.progress = QLabel("")
        self.model = SegmentModel(services)
        self.table = QTableView()
        self.table.setModel(self.model)
        self.table.setWordWrap(True)
        self.table.verticalHeader().hide()
        self.table.setSelectionBehavior(QTableView.SelectionBehavior.SelectRows)
        self.table.setEditTriggers(
            QTableView.EditTrigger.DoubleClicked
            | QTableView.EditTrigger.EditKeyPressed
            | QTableView.EditTrigger.AnyKeyPressed
        )
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(SegmentModel.PART, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(SegmentModel.SOURCE, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(SegmentModel.TARGET, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(SegmentModel.STATE, QHeaderView.ResizeMode.ResizeToContents)
        self.delegate = TargetDelegate(self._target_checker, self.table)
        self.table.setItemDelegateForColumn(SegmentModel.TARGET, self.delegate)
        self.delegate.confirm_and_next.connect(lambda _index: self.edit_next())
        self.model.saved.connect(self._update_progress)
        self.model.modelReset.connect(self._after_reset)
        layout = QVBoxLayout(self)
        layout.addWidget(self.title)
        layout.addWidget(self.progress)
        layout.addWidget(self.table)

    def open(self, translation_id: str) -> None:
        translation = self._services.translations.get(translation_id)
        source = self._services.editorial.get(translation.translated_from or "")
        self.model.load(translation, source.language)
        self.title.setText(
            f"<b>{source.headline}</b><br>{LANGUAGES[source.language]} → {LANGUAGES[translation.language]}"
        )
        self.title.setFont(font_for_language(source.language))

    def _target_checker(self) -> SpellChecker | None:
        translation = self.model.translation
        if translation is None or not supports_spelling(translation.language):
            return None
        return SpellChecker(translation.language, personal=self._services.dictionary)

    def edit_row(self, row: int) -> None:
        index = self.model.index(row, SegmentModel.TARGET)
        self.table.setCurrentIndex(index)
        self.table.edit(index)

    def edit_next(self) -> None:
        row = self.table.currentIndex().row() + 1
        if row < self.model.rowCount():
            self.edit_row(row)

    def _after_reset(self) -> None:
        self.table.resizeRowsToContents()
        self._update_progress()

    def _update_progress(self) -> None:
        done, total = self.model.progress()
        self.progress.setText(
            ngettext("{done} of {total} segment translated", "{done} of {total} segments translated", total).format(
                done=done, total=total
            )
            if total
            else ""
        )
        self.table.resizeRowsToContents()


TRANSLATION_COLUMNS: list[Column[ArticleSummary]] = [
    Column(N_("Article"), lambda row: row.source_headline or _("(no headline)"), lambda row: row.source_language or ""),
    # TRANSLATORS: column of the translations list: source language → target language.
    Column(N_("Direction"), lambda row: f"{row.source_language} → {row.language}"),
    Column(N_("State"), lambda row: state_label(row.state)),
    Column(N_("Updated"), lambda row: format_datetime_local(row.updated_at, "short")),
]


def _column_samples() -> list[str]:
    """Texts as wide as the columns after the first usually get, in the current UI language."""
    widest_state = max((state_label(state) for state in ArticleState), key=len)
    return ["vi → en", widest_state, format_datetime_local("2026-12-28T23:59:00Z", "short")]


class TranslationsView(QWidget):
    def __init__(self, services: Services, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._services = services
        self.model = PagedTableModel(
            lambda limit, offset: services.editorial.summaries(limit, offset, translations=True),
            TRANSLATION_COLUMNS,
            key=lambda row: row.id,
        )
        self.list = record_table(self.model, _column_samples())
        self.list.selectionModel().currentRowChanged.connect(self._open_row)
        self.editor = TranslationEditor(services)
        splitter = QSplitter()
        splitter.addWidget(self.list)
        splitter.addWidget(self.editor)
        splitter.setSizes([380, 900])
        layout = QVBoxLayout(self)
        layout.addWidget(splitter)
        self.model.reload()

    def reload(self) -> None:
        translation = self.editor.model.translation
        reload_keeping_selection(self.list, translation.id if translation else None)

    def open(self, translation_id: str) -> None:
        self.reload()
        if not select_record(self.list, translation_id):
            return
        # Selecting opens the translation, unless its row was already the current one.
        opened = self.editor.model.translation
        if opened is None or opened.id != translation_id:
            self._open(translation_id)

    def on_changes(self, changes: Changes) -> None:
        # Segment saves (translations only) come from this view's own editor and leave the list as it is;
        # new translations and edited source headlines (articles) change it.
        if changes.articles:
            self.reload()

    def _open_row(self, current: QModelIndex, _previous: QModelIndex) -> None:
        if current.isValid():
            self._open(self.model.row(current.row()).id)

    def _open(self, translation_id: str) -> None:
        try:
            self.editor.open(translation_id)
        except Exception as error:
            show_error(self, _("The translation could not be opened"), error)
