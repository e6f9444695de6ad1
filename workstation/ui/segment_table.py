"""The table of segments: rows measured from their text, filters as hidden rows, commands by key.

Row heights are computed from the source and target text with the fonts' metrics (no delegate
calls, no per-row widgets), once per load and again only for a row that changed or when the text
columns are resized. The editor's commands are actions added to this table; their keys are taken
here and in the target editor before the shortcut map sees them, so they work in the cell editor
(where a text editor would otherwise claim Ctrl+U) and whichever window is active.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QEvent, QRect, Qt, QTimer
from PySide6.QtGui import QAction, QFontMetrics, QKeyEvent
from PySide6.QtWidgets import QHeaderView, QTableView, QWidget

from workstation.language.spelling import SpellChecker
from workstation.model import Segment, SegmentState
from workstation.ui.i18n import _, state_label
from workstation.ui.segment_delegate import CELL_PADDING, SegmentDelegate, TargetDelegate, command_for
from workstation.ui.segment_model import SegmentFilter, SegmentModel

Measures = tuple[QFontMetrics, int, QFontMetrics, int, int]


class SegmentTable(QTableView):
    def __init__(
        self,
        model: SegmentModel,
        checker_for_target: Callable[[], SpellChecker | None],
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.segments = model
        self.setModel(model)
        self.setWordWrap(True)
        self.verticalHeader().hide()
        self.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        self.verticalHeader().setMinimumSectionSize(8)
        self.setSelectionBehavior(QTableView.SelectionBehavior.SelectRows)
        self.setSelectionMode(QTableView.SelectionMode.SingleSelection)
        self.setVerticalScrollMode(QTableView.ScrollMode.ScrollPerPixel)
        self.setEditTriggers(
            QTableView.EditTrigger.DoubleClicked
            | QTableView.EditTrigger.EditKeyPressed
            | QTableView.EditTrigger.AnyKeyPressed
        )
        header = self.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setSectionResizeMode(SegmentModel.SOURCE, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(SegmentModel.TARGET, QHeaderView.ResizeMode.Stretch)
        metrics = self.fontMetrics()
        header.resizeSection(SegmentModel.NUMBER, metrics.horizontalAdvance("9999") + 16)
        widest_state = max((state_label(state) for state in SegmentState), key=len)
        header.resizeSection(SegmentModel.STATE, metrics.horizontalAdvance(widest_state) + 40)
        header.resizeSection(SegmentModel.ORIGIN, metrics.horizontalAdvance(_("XLIFF") + "MMMMM") + 16)

        self.setItemDelegate(SegmentDelegate(self))
        self.delegate = TargetDelegate(self, checker_for_target, self.command_for)
        self.setItemDelegateForColumn(SegmentModel.TARGET, self.delegate)
        self.delegate.text_edited.connect(lambda row, text: self.fit_row(row, text))

        self._refit_timer = QTimer(self, singleShot=True, interval=40)
        self._refit_timer.timeout.connect(lambda: self.fit_rows())
        header.sectionResized.connect(self._column_resized)

    # --- keys ---------------------------------------------------------------------------------

    def command_for(self, event: QKeyEvent) -> QAction | None:
        return command_for(event, self.actions())

    def event(self, event: QEvent) -> bool:
        if event.type() == QEvent.Type.ShortcutOverride:
            assert isinstance(event, QKeyEvent)
            if self.command_for(event) is not None:
                event.accept()  # the key press comes here, to keyPressEvent
                return True
        return super().event(event)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        action = self.command_for(event)
        if action is not None:
            action.trigger()
            return
        super().keyPressEvent(event)

    # --- rows ---------------------------------------------------------------------------------

    def current_row(self) -> int:
        return self.currentIndex().row()

    def current_segment(self) -> Segment | None:
        row = self.current_row()
        return self.segments.segment(row) if 0 <= row < self.segments.rowCount() else None

    def visible_rows(self, after: int = -1, wrap: bool = False) -> list[int]:
        """The rows the filter shows after `after` (all from the top by default), wrapping if asked."""
        count = self.segments.rowCount()
        rows = list(range(after + 1, count))
        if wrap:
            rows += range(0, min(after + 1, count))
        return [row for row in rows if not self.isRowHidden(row)]

    def go_to_row(self, row: int, edit: bool = True) -> None:
        index = self.segments.index(row, SegmentModel.TARGET)
        self.setCurrentIndex(index)
        self.scrollTo(index)
        if edit:
            self.edit(index)

    def show_only(self, spec: SegmentFilter) -> int:
        """Hide the rows the filter leaves out; returns how many are shown."""
        model = self.segments
        total = model.rowCount()
        if not spec.is_active:
            for row in range(total):
                if self.isRowHidden(row):
                    self.setRowHidden(row, False)
            return total
        shown = 0
        for row in range(total):
            keep = model.matches(row, spec)
            shown += keep
            self.setRowHidden(row, not keep)
        return shown

    # --- row heights --------------------------------------------------------------------------

    def _column_resized(self, column: int, _old: int, _new: int) -> None:
        if column in (SegmentModel.SOURCE, SegmentModel.TARGET):
            self._refit_timer.start()

    def fit_rows(self) -> None:
        """Every row's height from its source and target text."""
        model = self.segments
        if not model.rowCount():
            return
        measures = self._measures()
        vertical = self.verticalHeader()
        for row in range(model.rowCount()):
            item = model.segment(row)
            vertical.resizeSection(row, self._row_height(row, item.source_text, item.target_text, measures))

    def fit_row(self, row: int, target: str | None = None) -> None:
        """One row's height; `target` is the text being typed, when it is not yet saved."""
        if 0 <= row < self.segments.rowCount():
            item = self.segments.segment(row)
            text = item.target_text if target is None else target
            self.verticalHeader().resizeSection(row, self._row_height(row, item.source_text, text, self._measures()))

    def _measures(self) -> Measures:
        source_metrics = QFontMetrics(self.segments.font(SegmentModel.SOURCE))
        target_metrics = QFontMetrics(self.segments.font(SegmentModel.TARGET))
        margin = 12  # the item's text margins, both sides
        return (
            source_metrics,
            max(40, self.columnWidth(SegmentModel.SOURCE) - margin),
            target_metrics,
            max(40, self.columnWidth(SegmentModel.TARGET) - margin - 8),  # the editor's frame
            max(source_metrics.height(), target_metrics.height()),
        )

    def _row_height(self, row: int, source: str, target: str, measures: Measures) -> int:
        source_metrics, source_width, target_metrics, target_width, line = measures
        flags = Qt.TextFlag.TextWordWrap
        height = max(
            line,
            source_metrics.boundingRect(QRect(0, 0, source_width, 100_000), flags, source).height(),
            target_metrics.boundingRect(QRect(0, 0, target_width, 100_000), flags, target).height() if target else 0,
        )
        band = self.delegate.band if self.segments.is_group_start(row) else 0
        return height + CELL_PADDING + 4 + band
