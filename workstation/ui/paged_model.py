"""A read-only table model that fetches rows a page at a time as the view scrolls.

Lists of thousands of articles open at once: only the first page is read, the view asks for more
(`canFetchMore`/`fetchMore`) when the user scrolls near the end.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Generic, TypeVar

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtWidgets import QHeaderView, QTableView

from workstation.ui.fonts import font_for_language
from workstation.ui.i18n import _

Row = TypeVar("Row")
ModelIndex = QModelIndex | QPersistentModelIndex
PAGE_SIZE = 200


@dataclass(frozen=True)
class Column(Generic[Row]):
    header: str  # English, marked with N_() where the table is defined; translated when shown
    text: Callable[[Row], str]
    language: Callable[[Row], str] | None = None  # picks the font for CJK text


class PagedTableModel(QAbstractTableModel, Generic[Row]):
    def __init__(
        self,
        fetch_page: Callable[[int, int], list[Row]],
        columns: Sequence[Column[Row]],
        key: Callable[[Row], str],
    ) -> None:
        super().__init__()
        self._fetch_page = fetch_page  # (limit, offset) -> rows
        self._columns = list(columns)
        self._key = key
        self._rows: list[Row] = []
        self._exhausted = False

    def reload(self) -> None:
        self.beginResetModel()
        self._rows, self._exhausted = [], False
        self.endResetModel()
        self.fetchMore(QModelIndex())

    def row(self, number: int) -> Row:
        return self._rows[number]

    def row_of(self, key: str) -> int | None:
        """The row number of the record with that key, fetching further pages until it is found."""
        while True:
            found = next((n for n, row in enumerate(self._rows) if self._key(row) == key), None)
            if found is not None or self._exhausted:
                return found
            self.fetchMore(QModelIndex())

    def rowCount(self, parent: ModelIndex = QModelIndex()) -> int:  # noqa: B008 (Qt's signature)
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: ModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._columns)

    def canFetchMore(self, parent: ModelIndex) -> bool:
        return not parent.isValid() and not self._exhausted

    def fetchMore(self, parent: ModelIndex) -> None:
        if parent.isValid() or self._exhausted:
            return
        page = self._fetch_page(PAGE_SIZE, len(self._rows))
        self._exhausted = len(page) < PAGE_SIZE
        if page:
            self.beginInsertRows(QModelIndex(), len(self._rows), len(self._rows) + len(page) - 1)
            self._rows += page
            self.endInsertRows()

    def data(self, index: ModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> object:
        if not index.isValid():
            return None
        row, column = self._rows[index.row()], self._columns[index.column()]
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
            return column.text(row)
        if role == Qt.ItemDataRole.FontRole and column.language is not None:
            return font_for_language(column.language(row))
        return None

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole) -> object:
        if role == Qt.ItemDataRole.DisplayRole and orientation == Qt.Orientation.Horizontal:
            return _(self._columns[section].header)
        return None


def record_table(model: PagedTableModel, samples: list[str]) -> QTableView:
    """A read-only, single-row-selection table of records: the first column stretches, the others
    are sized for a sample text each (no measuring of every row, so long lists open at once)."""
    table = QTableView()
    table.setModel(model)
    table.setSelectionBehavior(QTableView.SelectionBehavior.SelectRows)
    table.setSelectionMode(QTableView.SelectionMode.SingleSelection)
    table.setEditTriggers(QTableView.EditTrigger.NoEditTriggers)
    table.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
    table.verticalHeader().hide()
    header = table.horizontalHeader()
    header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
    metrics = table.fontMetrics()
    for column, sample in enumerate(samples, start=1):
        header.setSectionResizeMode(column, QHeaderView.ResizeMode.Interactive)
        header.resizeSection(column, max(metrics.horizontalAdvance(sample) + 24, header.sectionSizeHint(column)))
    return table


def select_record(table: QTableView, key: str) -> bool:
    """Select the row of the record with that key (fetching pages as needed); False if absent."""
    model = table.model()
    assert isinstance(model, PagedTableModel)
    row = model.row_of(key)
    if row is None:
        return False
    table.selectRow(row)
    return True


def reload_keeping_selection(table: QTableView, key: str | None) -> None:
    """Re-read the records and select `key` again, without announcing it as a new selection
    (the record stays open in its editor as it is)."""
    model = table.model()
    assert isinstance(model, PagedTableModel)
    table.selectionModel().blockSignals(True)
    model.reload()
    if key is not None:
        select_record(table, key)
    table.selectionModel().blockSignals(False)
