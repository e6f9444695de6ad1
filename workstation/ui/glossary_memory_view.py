"""The Glossary & Memory section: the glossary per language pair (add, edit, delete, filter, TBX/CSV in
and out) beside the translation memory (units per pair, concordance search, TMX in and out, and the
auto-propagation switch).

File work and memory queries run through `Operation` (off the UI thread); the glossary's own change
notices (possibly from a worker) arrive through a queued signal.
"""

from __future__ import annotations

import contextlib
import html
import unicodedata
from collections.abc import Callable, Sequence
from pathlib import Path

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt, Signal, SignalInstance
from PySide6.QtGui import QShowEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPlainTextEdit,
    QPushButton,
    QSplitter,
    QTableView,
    QTableWidget,
    QTableWidgetItem,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from workstation.app import Services
from workstation.errors import WorkstationError
from workstation.language.folding import fold
from workstation.model import LANGUAGES
from workstation.translation.glossary import GlossaryEntry
from workstation.translation.glossary import MergeResult as GlossaryMerge
from workstation.translation.memory import ConcordanceHit, TmxImport
from workstation.ui.fonts import font_for_language
from workstation.ui.i18n import N_, _, format_number, ngettext
from workstation.ui.memory_pane import concordance_html
from workstation.ui.operations import Operation, describe_error

ModelIndex = QModelIndex | QPersistentModelIndex
PAIRS = [(first, second) for index, first in enumerate(LANGUAGES) for second in list(LANGUAGES)[index + 1 :]]
FORBIDDEN_SEPARATOR = "|"
WRAPPED_ROWS = 400
"""Up to this many rows shown, each is as tall as its text; more stay one line (measuring costs)."""


def section_heading(text: str) -> QLabel:
    return QLabel(f"<h3 style='margin:0'>{html.escape(text)}</h3>")


def _folded(text: str) -> str:
    return fold(unicodedata.normalize("NFC", text))


def language_combo(any_label: str | None) -> QComboBox:
    """The five languages (and "any" first, when `any_label` is given), the code as each item's data."""
    combo = QComboBox()
    if any_label is not None:
        combo.addItem(any_label, None)
    for code, name in LANGUAGES.items():
        combo.addItem(f"{name} ({code})", code)
    return combo


# --- glossary -------------------------------------------------------------------------------------


class GlossaryTableModel(QAbstractTableModel):
    """The entries of the chosen direction, filtered by a text found in any of their fields."""

    PAIR, SOURCE, TARGET, FORBIDDEN, NOTE = range(5)
    HEADERS = (
        # TRANSLATORS: column of the glossary: source and target language ("vi → en").
        N_("Languages"),
        # TRANSLATORS: column of the glossary: the term in the source language.
        N_("Term"),
        # TRANSLATORS: column of the glossary: the approved translation of the term.
        N_("Translation"),
        # TRANSLATORS: column of the glossary: variants of the translation that must not be used.
        N_("Forbidden variants"),
        # TRANSLATORS: column of the glossary: a note on the term.
        N_("Note"),
    )

    def __init__(self) -> None:
        super().__init__()
        self.entries: list[GlossaryEntry] = []
        self.shown: list[GlossaryEntry] = []
        self._filter = ""
        self._folded: dict[str, str] = {}

    def set_entries(self, entries: Sequence[GlossaryEntry]) -> None:
        self.beginResetModel()
        self.entries = list(entries)
        self._folded = {
            entry.id: _folded(" ".join((entry.source_term, entry.target_term, *entry.forbidden, entry.note)))
            for entry in entries
        }
        self._apply()
        self.endResetModel()

    def set_filter(self, text: str) -> None:
        self.beginResetModel()
        self._filter = _folded(" ".join(text.split()))
        self._apply()
        self.endResetModel()

    def _apply(self) -> None:
        needle = self._filter
        self.shown = [entry for entry in self.entries if not needle or needle in self._folded[entry.id]]

    def entry(self, row: int) -> GlossaryEntry:
        return self.shown[row]

    def row_of(self, entry_id: str) -> int | None:
        return next((row for row, entry in enumerate(self.shown) if entry.id == entry_id), None)

    def rowCount(self, parent: ModelIndex = QModelIndex()) -> int:  # noqa: B008 (Qt's signature)
        return 0 if parent.isValid() else len(self.shown)

    def columnCount(self, parent: ModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.HEADERS)

    def data(self, index: ModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> object:
        if not index.isValid():
            return None
        entry, column = self.shown[index.row()], index.column()
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
            if column == self.PAIR:
                return f"{entry.source_language} → {entry.target_language}"
            if column == self.SOURCE:
                return entry.source_term
            if column == self.TARGET:
                return entry.target_term
            if column == self.FORBIDDEN:
                return f" {FORBIDDEN_SEPARATOR} ".join(entry.forbidden)
            if role == Qt.ItemDataRole.ToolTipRole:
                return entry.note or None
            return " ".join(entry.note.split())
        if role == Qt.ItemDataRole.FontRole:
            if column == self.SOURCE:
                return font_for_language(entry.source_language)
            if column in (self.TARGET, self.FORBIDDEN):
                return font_for_language(entry.target_language)
        if role == Qt.ItemDataRole.ForegroundRole and column == self.FORBIDDEN:
            return Qt.GlobalColor.darkRed
        return None

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole) -> object:
        if role == Qt.ItemDataRole.DisplayRole and orientation == Qt.Orientation.Horizontal:
            return _(self.HEADERS[section])
        return None


class EntryDialog(QDialog):
    """Add or edit one glossary entry; the service checks it, and what is wrong shows here."""

    def __init__(self, parent: QWidget, entry: GlossaryEntry | None = None, pair: tuple[str, str] | None = None):
        super().__init__(parent)
        self.entry = entry
        self.setWindowTitle(_("Edit glossary entry") if entry else _("New glossary entry"))
        self.source_language = language_combo(None)
        self.target_language = language_combo(None)
        source, target = (entry.source_language, entry.target_language) if entry else (pair or ("vi", "en"))
        self.source_language.setCurrentIndex(self.source_language.findData(source))
        self.target_language.setCurrentIndex(self.target_language.findData(target))
        self.source_language.setEnabled(entry is None)  # an entry keeps its pair: delete and add for another
        self.target_language.setEnabled(entry is None)
        self.source_term = QLineEdit(entry.source_term if entry else "")
        self.target_term = QLineEdit(entry.target_term if entry else "")
        self.forbidden = QLineEdit(f" {FORBIDDEN_SEPARATOR} ".join(entry.forbidden) if entry else "")
        self.forbidden.setPlaceholderText(_("Variants not to use, separated by |"))
        self.note = QPlainTextEdit(entry.note if entry else "")
        self.note.setTabChangesFocus(True)
        self.note.setMaximumHeight(90)
        self.error = QLabel()
        self.error.setWordWrap(True)
        self.error.setStyleSheet("color:#b00020;")
        self.error.hide()
        form = QFormLayout()
        form.addRow(_("From"), self.source_language)
        form.addRow(_("To"), self.target_language)
        form.addRow(_("Term"), self.source_term)
        form.addRow(_("Translation"), self.target_term)
        form.addRow(_("Forbidden variants"), self.forbidden)
        form.addRow(_("Note"), self.note)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setText(_("Save"))
        self.buttons.button(QDialogButtonBox.StandardButton.Cancel).setText(_("Cancel"))
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.error)
        layout.addWidget(self.buttons)
        self.resize(480, self.sizeHint().height())

    def values(self) -> dict:
        return {
            "source_lang": str(self.source_language.currentData()),
            "target_lang": str(self.target_language.currentData()),
            "source_term": self.source_term.text(),
            "target_term": self.target_term.text(),
            "forbidden": [part.strip() for part in self.forbidden.text().split(FORBIDDEN_SEPARATOR) if part.strip()],
            "note": self.note.toPlainText(),
        }

    def show_error(self, text: str) -> None:
        self.error.setText(text)
        self.error.show()


class GlossaryBox(QWidget):
    """The glossary table with its pair and text filters, and the entry and file commands."""

    message = Signal(str, bool)  # text, is an error

    def __init__(self, services: Services, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._services = services
        self.dialog: EntryDialog | None = None
        self.confirm_box: QMessageBox | None = None
        # TRANSLATORS: glossary filter: entries of any source (or target) language.
        self.source_language = language_combo(_("Any language"))
        self.target_language = language_combo(_("Any language"))
        self.filter = QLineEdit()
        self.filter.setClearButtonEnabled(True)
        self.filter.setPlaceholderText(_("Filter terms, translations and notes…"))
        self.model = GlossaryTableModel()
        self.table = QTableView()
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setAlternatingRowColors(True)
        self.table.setWordWrap(True)
        self.table.verticalHeader().hide()
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(GlossaryTableModel.PAIR, QHeaderView.ResizeMode.Fixed)
        header.resizeSection(GlossaryTableModel.PAIR, self.fontMetrics().horizontalAdvance("vi → en") + 24)
        self.table.setTextElideMode(Qt.TextElideMode.ElideMiddle)  # rows past WRAPPED_ROWS keep one line
        header.sectionResized.connect(lambda *_args: self._fit_rows())
        self.table.doubleClicked.connect(lambda _index: self.open_edit_dialog())
        self.count_label = QLabel()
        self.count_label.setStyleSheet("color:#555;")

        self.add_button = QPushButton(_("Add…"))
        self.add_button.setToolTip(_("Add a term and its approved translation"))
        self.edit_button = QPushButton(_("Edit…"))
        self.delete_button = QPushButton(_("Delete"))
        self.import_button = QPushButton(_("Import…"))
        self.import_button.setToolTip(_("Add the entries of a TBX or CSV file (entries already known are kept)"))
        self.export_button = QPushButton(_("Export…"))
        self.export_button.setToolTip(_("Write the entries of the chosen languages as TBX or CSV"))
        self.add_button.clicked.connect(self.open_add_dialog)
        self.edit_button.clicked.connect(self.open_edit_dialog)
        self.delete_button.clicked.connect(self.ask_delete)
        self.import_button.clicked.connect(self._choose_import_file)
        self.export_button.clicked.connect(self._choose_export_file)

        self.source_language.currentIndexChanged.connect(lambda _index: self.reload())
        self.target_language.currentIndexChanged.connect(lambda _index: self.reload())
        self.filter.textChanged.connect(self._filter_changed)
        self.table.selectionModel().currentRowChanged.connect(lambda *_args: self._update_buttons())
        self.model.modelReset.connect(self._update_buttons)

        filters = QHBoxLayout()
        filters.addWidget(QLabel(_("From")))
        filters.addWidget(self.source_language)
        filters.addWidget(QLabel(_("To")))
        filters.addWidget(self.target_language)
        filters.addWidget(self.filter, 1)
        buttons = QHBoxLayout()
        for button in (self.add_button, self.edit_button, self.delete_button):
            buttons.addWidget(button)
        buttons.addStretch(1)
        buttons.addWidget(self.import_button)
        buttons.addWidget(self.export_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(section_heading(_("Glossary")))
        layout.addLayout(filters)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.count_label)
        layout.addLayout(buttons)

    # --- reading ------------------------------------------------------------------------------

    def pair(self) -> tuple[str | None, str | None]:
        return self.source_language.currentData(), self.target_language.currentData()

    def reload(self) -> None:
        selected = self.selected()
        source, target = self.pair()
        try:
            entries = self._services.glossary.entries(source, target)
        except WorkstationError as error:
            self.message.emit(describe_error(error), True)
            return
        self.model.set_entries(
            sorted(
                entries,
                key=lambda entry: (
                    entry.source_language,
                    entry.target_language,
                    _folded(entry.source_term),
                    entry.source_term,
                ),
            )
        )
        # The languages column says nothing when both are chosen.
        self.table.setColumnHidden(GlossaryTableModel.PAIR, source is not None and target is not None)
        self._show_count()
        self._fit_rows()
        if selected is not None:
            self.select(selected.id)

    def _filter_changed(self, text: str) -> None:
        self.model.set_filter(text)
        self._show_count()
        self._fit_rows()

    def _fit_rows(self) -> None:
        """Long terms and notes wrap, while there are few enough rows to measure them all."""
        if 0 < self.model.rowCount() <= WRAPPED_ROWS:
            self.table.resizeRowsToContents()

    def _show_count(self) -> None:
        total, shown = len(self.model.entries), len(self.model.shown)
        text = ngettext("{n} entry", "{n} entries", total).format(n=format_number(total))
        if shown != total:
            text += " · " + ngettext("{n} shown", "{n} shown", shown).format(n=format_number(shown))
        self.count_label.setText(text)

    def selected(self) -> GlossaryEntry | None:
        index = self.table.currentIndex()
        return self.model.entry(index.row()) if index.isValid() and index.row() < self.model.rowCount() else None

    def select(self, entry_id: str) -> bool:
        row = self.model.row_of(entry_id)
        if row is None:
            return False
        self.table.selectRow(row)
        self.table.scrollTo(self.model.index(row, 0))
        return True

    def _update_buttons(self) -> None:
        chosen = self.selected() is not None
        self.edit_button.setEnabled(chosen)
        self.delete_button.setEnabled(chosen)

    # --- entries ------------------------------------------------------------------------------

    def open_add_dialog(self) -> EntryDialog:
        source, target = self.pair()
        pair = (source or "vi", target or ("en" if source != "en" else "vi"))
        return self._open_dialog(EntryDialog(self, None, pair))

    def open_edit_dialog(self) -> EntryDialog | None:
        entry = self.selected()
        return self._open_dialog(EntryDialog(self, entry)) if entry is not None else None

    def _open_dialog(self, dialog: EntryDialog) -> EntryDialog:
        dialog.buttons.accepted.disconnect()
        dialog.buttons.accepted.connect(lambda: self._save(dialog))
        self.dialog = dialog
        dialog.open()
        return dialog

    def _save(self, dialog: EntryDialog) -> None:
        values = dialog.values()
        glossary = self._services.glossary
        try:
            if dialog.entry is None:
                saved = glossary.add(
                    values["source_lang"],
                    values["source_term"],
                    values["target_lang"],
                    values["target_term"],
                    values["forbidden"],
                    values["note"],
                )
            else:
                saved = glossary.update(
                    dialog.entry.id,
                    source_term=values["source_term"],
                    target_term=values["target_term"],
                    forbidden=values["forbidden"],
                    note=values["note"],
                )
        except WorkstationError as error:
            dialog.show_error(describe_error(error))
            return
        dialog.accept()
        self.reload()
        if not self.select(saved.id):  # hidden by the filters: show everything of its pair
            self.filter.clear()
            self.select(saved.id)
        saved_text = _("Saved “{term}” → “{translation}”.")
        self.message.emit(saved_text.format(term=saved.source_term, translation=saved.target_term), False)

    def ask_delete(self) -> QMessageBox | None:
        entry = self.selected()
        if entry is None:
            return None
        box = QMessageBox(
            QMessageBox.Icon.Question,
            _("Delete glossary entry"),
            _("Delete “{term}” → “{translation}” from the glossary?").format(
                term=entry.source_term, translation=entry.target_term
            ),
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
            self,
        )
        box.button(QMessageBox.StandardButton.Yes).setText(_("Delete"))
        box.button(QMessageBox.StandardButton.No).setText(_("Cancel"))
        box.accepted.connect(lambda: self.delete(entry.id))
        self.confirm_box = box
        box.open()
        return box

    def delete(self, entry_id: str) -> bool:
        try:
            self._services.glossary.delete(entry_id)
        except WorkstationError as error:
            self.message.emit(describe_error(error), True)
            return False
        self.reload()
        self.message.emit(_("Entry deleted."), False)
        return True

    # --- files --------------------------------------------------------------------------------

    def _choose_import_file(self) -> None:
        name, _filter = QFileDialog.getOpenFileName(
            self, _("Import glossary"), "", _("Glossary files (*.tbx *.csv);;All files (*)")
        )
        if name:
            self.import_file(Path(name))

    def _choose_export_file(self) -> None:
        source, target = self.pair()
        stem = f"glossary-{source}-{target}" if source and target else "glossary"
        name, _filter = QFileDialog.getSaveFileName(
            self, _("Export glossary"), f"{stem}.tbx", _("TBX files (*.tbx);;CSV files (*.csv)")
        )
        if name:
            self.export_file(Path(name))

    def import_file(self, path: Path) -> Operation:
        glossary = self._services.glossary
        self.message.emit(_("Importing…"), False)
        return Operation(
            self,
            lambda _context: glossary.import_file(path),
            on_success=lambda result: self._imported(path, result),
            on_failure=lambda error: self.message.emit(describe_error(error), True),
        )

    def _imported(self, path: Path, result: GlossaryMerge) -> None:
        self.reload()
        self.message.emit(
            ngettext(
                "{name}: {added} entry added, {known} already in the glossary.",
                "{name}: {added} entries added, {known} already in the glossary.",
                result.added,
            ).format(name=path.name, added=format_number(result.added), known=format_number(result.known)),
            False,
        )

    def export_file(self, path: Path) -> Operation:
        glossary = self._services.glossary
        source, target = self.pair()
        return _export(
            self,
            self.message,
            lambda: glossary.export_file(path, source, target),
            lambda written: ngettext("{n} entry written to {name}.", "{n} entries written to {name}.", written),
            path,
        )


# --- memory ---------------------------------------------------------------------------------------


class MemoryBox(QWidget):
    """Units per language pair, concordance search, TMX import and export, auto-propagation."""

    message = Signal(str, bool)

    def __init__(self, services: Services, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._services = services
        self.counts_operation: Operation | None = None
        self._counts_wanted = False
        self.hits: list[ConcordanceHit] = []
        self.counts = QTableWidget(0, 2)
        self.counts.verticalHeader().hide()
        self.counts.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.counts.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
        # TRANSLATORS: columns of the memory's counts: a language pair, and how many sentence pairs it holds.
        self.counts.setHorizontalHeaderLabels([_("Languages"), _("Units")])
        header = self.counts.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.ResizeToContents)
        self.autopropagate = QCheckBox(_("Fill repeated sentences automatically"))
        self.autopropagate.setToolTip(
            _("When a segment is confirmed, its translation also fills the untranslated segments with the same source")
        )
        self.autopropagate.toggled.connect(self._autopropagate_toggled)

        self.search_language = language_combo(None)
        self.search = QLineEdit()
        self.search.setClearButtonEnabled(True)
        self.search.setPlaceholderText(_("Search the memory for words or a phrase…"))
        self.search.returnPressed.connect(self.run_search)
        self.search_button = QPushButton(_("Search"))
        self.search_button.clicked.connect(self.run_search)
        self.results_status = QLabel()
        self.results_status.setStyleSheet("color:#555;")
        self.results = QTextBrowser()
        self.results.setOpenLinks(False)

        self.export_pair = QComboBox()
        # TRANSLATORS: what "Export TMX" writes: every language pair of the memory.
        self.export_pair.addItem(_("Whole memory"), None)
        for first, second in PAIRS:  # the data is "vi-en": a string, which findData compares reliably
            self.export_pair.addItem(f"{first} → {second}", f"{first}-{second}")
            self.export_pair.addItem(f"{second} → {first}", f"{second}-{first}")
        self.import_button = QPushButton(_("Import TMX…"))
        self.import_button.setToolTip(_("Add the units of a TMX file; units already in the memory are kept"))
        self.export_button = QPushButton(_("Export TMX…"))
        self.export_button.setToolTip(_("Write the memory, or one language pair of it, as TMX 1.4b"))
        self.import_button.clicked.connect(self._choose_import_file)
        self.export_button.clicked.connect(self._choose_export_file)

        search = QHBoxLayout()
        search.addWidget(self.search_language)
        search.addWidget(self.search, 1)
        search.addWidget(self.search_button)
        files = QHBoxLayout()
        files.addWidget(self.import_button)
        files.addStretch(1)
        files.addWidget(self.export_pair)
        files.addWidget(self.export_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(section_heading(_("Translation memory")))
        layout.addWidget(self.counts)
        layout.addWidget(self.autopropagate)
        layout.addLayout(files)
        # TRANSLATORS: heading of the search through the translation memory (concordance, as CAT tools say).
        heading = _("Concordance")
        layout.addWidget(QLabel(f"<b>{html.escape(heading)}</b>"))
        layout.addLayout(search)
        layout.addWidget(self.results_status)
        layout.addWidget(self.results, 1)

    # --- counts and settings ------------------------------------------------------------------

    def reload(self) -> Operation | None:
        """Count the units per pair on a worker; one count at a time."""
        self.autopropagate.blockSignals(True)
        self.autopropagate.setChecked(self._services.memory.autopropagate)
        self.autopropagate.blockSignals(False)
        if self.counts_operation is not None:
            self._counts_wanted = True
            return self.counts_operation
        memory = self._services.memory

        def work(_context: object) -> list[tuple[str, str, int]]:
            return [(first, second, memory.count(first, second)) for first, second in PAIRS]

        operation = Operation(
            self, work, on_success=self._show_counts, on_failure=lambda e: self.message.emit(describe_error(e), True)
        )
        operation.finished.connect(self._counts_finished)
        self.counts_operation = operation
        return operation

    def _counts_finished(self) -> None:
        self.counts_operation = None
        if self._counts_wanted:
            self._counts_wanted = False
            self.reload()

    def _show_counts(self, counted: list[tuple[str, str, int]]) -> None:
        rows = [(f"{LANGUAGES[first]} – {LANGUAGES[second]}", n) for first, second, n in counted if n]
        # TRANSLATORS: the last row of the memory's counts: all language pairs together.
        rows.append((_("All pairs"), sum(n for _first, _second, n in counted)))
        self.counts.setRowCount(len(rows))
        for number, (label, count) in enumerate(rows):
            name = QTableWidgetItem(label)
            value = QTableWidgetItem(format_number(count))
            value.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            if number == len(rows) - 1:
                font = name.font()
                font.setBold(True)
                name.setFont(font)
                value.setFont(font)
            self.counts.setItem(number, 0, name)
            self.counts.setItem(number, 1, value)
        height = self.counts.horizontalHeader().height() + sum(self.counts.rowHeight(r) for r in range(len(rows)))
        self.counts.setFixedHeight(min(height + 4, 260))

    def count_cells(self) -> dict[str, str]:
        return {
            self.counts.item(row, 0).text(): self.counts.item(row, 1).text() for row in range(self.counts.rowCount())
        }

    def _autopropagate_toggled(self, on: bool) -> None:
        try:
            self._services.memory.set_autopropagate(on)
        except WorkstationError as error:
            self.message.emit(describe_error(error), True)
            return
        self.message.emit(
            _("Repeated sentences are filled automatically.") if on else _("Repeated sentences are left to you."),
            False,
        )

    # --- concordance --------------------------------------------------------------------------

    def run_search(self) -> Operation | None:
        text = self.search.text().strip()
        if not text:
            return None
        memory, language = self._services.memory, str(self.search_language.currentData())
        self.results_status.setText(_("Searching…"))
        return Operation(
            self,
            lambda _context: memory.concordance(language, text, limit=50),
            on_success=lambda hits: self._show_results(hits, text),
            on_failure=lambda error: self.results_status.setText(describe_error(error)),
        )

    def _show_results(self, hits: Sequence[ConcordanceHit], text: str) -> None:
        self.hits = list(hits)
        if not hits:
            self.results.clear()
            self.results_status.setText(_("Nothing in the memory holds “{query}”.").format(query=text))
            return
        self.results_status.setText(
            ngettext("{n} sentence holds “{query}”.", "{n} sentences hold “{query}” (newest first).", len(hits)).format(
                n=format_number(len(hits)), query=text
            )
        )
        self.results.setHtml("<hr>".join(concordance_html(hit) for hit in hits))

    # --- files --------------------------------------------------------------------------------

    def _choose_import_file(self) -> None:
        name, _filter = QFileDialog.getOpenFileName(self, _("Import TMX"), "", _("TMX files (*.tmx);;All files (*)"))
        if name:
            self.import_tmx(Path(name))

    def _choose_export_file(self) -> None:
        pair = self.export_pair.currentData()
        stem = f"memory-{pair}" if pair else "memory"
        name, _filter = QFileDialog.getSaveFileName(self, _("Export TMX"), f"{stem}.tmx", _("TMX files (*.tmx)"))
        if name:
            self.export_tmx(Path(name))

    def import_tmx(self, path: Path) -> Operation:
        memory = self._services.memory
        self.message.emit(_("Importing…"), False)
        return Operation(
            self,
            lambda _context: memory.import_tmx(path),
            on_success=lambda result: self._imported(path, result),
            on_failure=lambda error: self.message.emit(describe_error(error), True),
        )

    def _imported(self, path: Path, result: TmxImport) -> None:
        self.reload()
        text = ngettext(
            "{name}: {added} unit added, {known} already in the memory",
            "{name}: {added} units added, {known} already in the memory",
            result.added,
        ).format(name=path.name, added=format_number(result.added), known=format_number(result.known))
        if result.skipped:
            text += "; " + ngettext("{n} skipped", "{n} skipped", result.skipped).format(
                n=format_number(result.skipped)
            )
        self.message.emit(text + ".", False)

    def export_tmx(self, path: Path) -> Operation:
        memory = self._services.memory
        pair = self.export_pair.currentData()
        source, target = pair.split("-") if pair else (None, None)
        return _export(
            self,
            self.message,
            lambda: memory.export_tmx(path, source, target),
            lambda written: ngettext("{n} unit written to {name}.", "{n} units written to {name}.", written),
            path,
        )


def _export(
    owner: QWidget,
    message: SignalInstance,
    work: Callable[[], int],
    written_text: Callable[[int], str],
    path: Path,
) -> Operation:
    """Write a file in the background, saying how many records went into it or why it failed."""
    message.emit(_("Exporting…"), False)
    return Operation(
        owner,
        lambda _context: work(),
        on_success=lambda written: message.emit(
            written_text(written).format(n=format_number(written), name=path.name), False
        ),
        on_failure=lambda error: message.emit(describe_error(error), True),
    )


# --- the section ----------------------------------------------------------------------------------


class GlossaryMemoryView(QWidget):
    """The glossary (left) and the translation memory (right) of the workspace."""

    _glossary_changed = Signal()

    def __init__(self, services: Services, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._services = services
        self._dirty = False
        self.glossary = GlossaryBox(services)
        self.memory = MemoryBox(services)
        self.message = QLabel()
        self.message.setWordWrap(True)
        self.message.setObjectName("glossaryMemoryMessage")
        self.glossary.message.connect(self.show_message)
        self.memory.message.connect(self.show_message)
        splitter = QSplitter()
        splitter.addWidget(self.glossary)
        splitter.addWidget(self.memory)
        splitter.setStretchFactor(0, 3)
        splitter.setStretchFactor(1, 2)
        splitter.setSizes([640, 420])
        splitter.setChildrenCollapsible(False)
        layout = QVBoxLayout(self)
        layout.addWidget(splitter, 1)
        layout.addWidget(self.message)
        self._glossary_changed.connect(self.glossary.reload, Qt.ConnectionType.QueuedConnection)
        unsubscribe = services.glossary.subscribe(self._notify_glossary_changed)
        self.destroyed.connect(lambda *_args: unsubscribe())
        self.reload()

    def _notify_glossary_changed(self, _change: object) -> None:
        """Called by the glossary, possibly on a worker thread: only a queued signal crosses over."""
        with contextlib.suppress(RuntimeError):  # this object is being destroyed (the app closing)
            self._glossary_changed.emit()

    def reload(self) -> None:
        """Read the glossary and count the memory again (when shown; else when next shown)."""
        if not self.isVisible() and self.glossary.model.entries:
            self._dirty = True
            return
        self._dirty = False
        self.glossary.reload()
        self.memory.reload()

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        if self._dirty:
            self.reload()

    def show_message(self, text: str, error: bool = False) -> None:
        self.message.setStyleSheet("color:#b00020;" if error else "color:#1b5e20;")
        self.message.setText(text)
