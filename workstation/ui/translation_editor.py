"""The side-by-side translation editor: source left, target right, one row per segment, keyboard first.

OmegaT's keys where it has them: Ctrl+Enter confirms and goes to the next segment, Ctrl+Shift+R
replaces the target with the source, Ctrl+U goes to the next untranslated segment. The right-hand
tabs (`TranslationSidePanel`) hold the comments and the statistics; `TranslationAssist` adds the
memory, glossary and QA panes (with Ctrl+1…5, Alt+1…9 and F8), which follow `segment_selected`.
"""

from __future__ import annotations

import html
from pathlib import Path

from PySide6.QtCore import QModelIndex, QThreadPool, QTimer, Signal
from PySide6.QtGui import QAction
from PySide6.QtWidgets import (
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QMenu,
    QMessageBox,
    QPushButton,
    QSplitter,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from workstation.app import Services
from workstation.errors import WorkstationError
from workstation.language.normalise import normalise_text
from workstation.language.spelling import SpellChecker, supports_spelling
from workstation.model import LANGUAGES, Segment, SegmentState
from workstation.translation.service import XliffImport
from workstation.ui.fonts import font_for_language
from workstation.ui.i18n import _, ngettext, state_label
from workstation.ui.operations import Operation, describe_error
from workstation.ui.segment_model import (
    CONFIRMED,
    SegmentFilter,
    SegmentModel,
    is_untranslated,
    progress_text,
)
from workstation.ui.segment_table import SegmentTable
from workstation.ui.sync_feedback import ReturnedBanner
from workstation.ui.translation_assist import TranslationAssist
from workstation.ui.translation_bars import CommandSlots, FilterBar, SegmentCommands
from workstation.ui.translation_operations import problem_box, readable_problem, xliff_file_name
from workstation.ui.translation_panels import SourceChangePanel, TranslationSidePanel


class TranslationEditor(QWidget):
    segment_selected = Signal(object)  # Segment | None: for the side panes
    progress_changed = Signal(str, object)  # translation id, Progress
    open_requested = Signal(str)  # a translation id (an XLIFF file of another translation was imported)

    def __init__(self, services: Services, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._services = services
        self._checkers: dict[str, SpellChecker] = {}
        self._warmed: set[str] = set()
        self._filter = SegmentFilter()
        self.last_problems: list[str] = []
        self.problem_box: QMessageBox | None = None
        self.last_import: XliffImport | None = None

        self.title = QLabel(_("Choose a translation on the left, or start one from an article."))
        self.title.setWordWrap(True)
        self.title.setObjectName("translationTitle")
        self.progress = QLabel("")
        self.progress.setObjectName("translationProgress")

        self.model = SegmentModel(services)
        self.table = SegmentTable(self.model, self._target_checker)
        self.delegate = self.table.delegate

        self.commands = SegmentCommands(
            self.table,
            CommandSlots(
                self.confirm_and_next,
                self.draft_and_next,
                self.copy_source,
                self.next_untranslated,
                self.next_stale,
                self.undo_last_confirm,
            ),
        )
        self.toolbar = self.commands.toolbar
        self.source_change = SourceChangePanel()
        self.side = TranslationSidePanel()
        self._build_layout()

        self._statistics_timer = QTimer(self, singleShot=True, interval=400)
        self._statistics_timer.timeout.connect(self.refresh_statistics)
        self._statistics_dirty = True

        self.table.selectionModel().currentChanged.connect(self._current_changed)
        self.table.activated.connect(lambda index: self.edit_row(index.row()))
        self.delegate.save_failed.connect(lambda error: self.show_message(describe_error(error), error=True))
        self.model.saved.connect(self._segment_saved)
        self.model.modelReset.connect(self._after_reset)
        self.side.currentChanged.connect(lambda _index: self._statistics_tab_shown())
        self.side.comments.review_requested.connect(self.review)
        self.side.comments.comment_requested.connect(self.add_comment)
        self.assist = TranslationAssist(self, services)
        self._set_enabled(False)

    # --- building -----------------------------------------------------------------------------

    def _build_layout(self) -> None:
        self.filters = FilterBar()
        self.filters.changed.connect(self.apply_filter)
        self.shown_label = self.filters.shown_label
        self.final_button = QPushButton(_("Set all final"))
        self.final_button.setToolTip(_("Make every segment final, or list what still stands in the way"))
        self.final_button.clicked.connect(self.set_all_final)
        self.export_action = QAction(_("Export XLIFF…"), self)
        self.export_action.setToolTip(_("Write the translation as XLIFF 2.1, to work on it in another CAT tool"))
        self.export_action.triggered.connect(self.choose_export_file)
        self.import_action = QAction(_("Import XLIFF…"), self)
        self.import_action.setToolTip(_("Read targets and states back from an XLIFF file"))
        self.import_action.triggered.connect(self.choose_import_file)
        self.xliff_button = QToolButton()
        # TRANSLATORS: a button with a menu: export to and import from XLIFF files.
        self.xliff_button.setText(_("XLIFF"))
        self.xliff_button.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        menu = QMenu(self.xliff_button)
        menu.addAction(self.export_action)
        menu.addAction(self.import_action)
        self.xliff_button.setMenu(menu)

        commands = QHBoxLayout()
        commands.addWidget(self.toolbar, 1)
        commands.addWidget(self.final_button)
        commands.addWidget(self.xliff_button)
        self.help = QLabel(self.commands.help_text())
        self.help.setWordWrap(True)
        self.help.setStyleSheet("color:#555;")
        self.message = QLabel()
        self.message.setWordWrap(True)
        self.message.setObjectName("translationMessage")

        left = QWidget()
        left_layout = QVBoxLayout(left)
        left_layout.setContentsMargins(0, 0, 0, 0)
        left_layout.addWidget(self.filters)
        left_layout.addWidget(self.table, 1)
        left_layout.addWidget(self.source_change)
        left_layout.addWidget(self.message)
        left_layout.addWidget(self.help)
        splitter = QSplitter()
        splitter.addWidget(left)
        splitter.addWidget(self.side)
        splitter.setStretchFactor(0, 3)
        splitter.setStretchFactor(1, 1)
        splitter.setSizes([700, 300])
        splitter.setChildrenCollapsible(False)

        # The portal's editors' comments on a returned translation, above the segments they are about.
        self.returned_banner = ReturnedBanner(self._services)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addWidget(self.title)
        layout.addWidget(self.returned_banner)
        layout.addWidget(self.progress)
        layout.addLayout(commands)
        layout.addWidget(splitter, 1)

    def _set_enabled(self, enabled: bool) -> None:
        for widget in (self.toolbar, self.filters, self.final_button, self.xliff_button):
            widget.setEnabled(enabled)

    # --- opening ------------------------------------------------------------------------------

    def open(self, translation_id: str) -> None:
        self.delegate.finish(commit=True)
        translation = self._services.translations.get(translation_id)
        source = self._services.translations.source_of(translation)
        self.model.load(translation, source)
        self.returned_banner.load(translation)
        names = (LANGUAGES.get(language, language) for language in (source.language, translation.language))
        pair = " → ".join(names)
        self.title.setText(f"<b>{html.escape(source.headline)}</b><br>{html.escape(pair)}")
        self.title.setFont(font_for_language(source.language))
        self._set_enabled(True)
        self._warm_spelling()
        first = next((row for row in self._visible_rows() if is_untranslated(self.model.segment(row))), 0)
        self.table.scrollToTop()
        if self.model.rowCount():
            self.go_to_row(first, edit=False)

    def reload(self) -> None:
        """Read the segments again, keeping the selected segment, the filter and the scroll position."""
        if self.model.translation is None:
            return
        self.delegate.finish(commit=True)
        current = self.current_segment()
        scroll = self.table.verticalScrollBar().value()
        translation = self._services.translations.get(self.model.translation.id)
        self.model.load(translation, self._services.translations.source_of(translation))
        row = self.model.row_of(current.address) if current else None
        if row is not None:
            self.table.selectionModel().setCurrentIndex(
                self.model.index(row, SegmentModel.TARGET), self.table.selectionModel().SelectionFlag.ClearAndSelect
            )
        self.table.verticalScrollBar().setValue(scroll)

    def check_outside_changes(self) -> None:
        """After a change notice: reload when the translation changed other than through this editor
        (its source was edited, an import); segment saves made here change nothing."""
        translation = self.model.translation
        if translation is None:
            return
        try:
            self._services.translations.follow_source(translation.id)
            stored = self._services.translations.get(translation.id)
        except WorkstationError:
            return
        if stored.version != translation.version:
            self.reload()

    def _after_reset(self) -> None:
        self._filter_active_rows()
        self.table.fit_rows()
        self._update_progress()
        self._statistics_dirty = True
        self._statistics_tab_shown()
        if not self.model.rowCount():
            self._show_segment(None)

    # --- moving -------------------------------------------------------------------------------

    def current_row(self) -> int:
        return self.table.current_row()

    def current_segment(self) -> Segment | None:
        return self.table.current_segment()

    def _visible_rows(self, after: int = -1, wrap: bool = False) -> list[int]:
        return self.table.visible_rows(after, wrap)

    def go_to_row(self, row: int, edit: bool = True) -> None:
        self.table.go_to_row(row, edit)

    def edit_row(self, row: int) -> None:
        self.go_to_row(row, edit=True)

    def edit_next(self) -> None:
        following = self._visible_rows(self.current_row())
        if following:
            self.edit_row(following[0])

    def _current_changed(self, current: QModelIndex, _previous: QModelIndex) -> None:
        if current.isValid() and current.column() != SegmentModel.TARGET:
            # Typing on a selected row edits its target, wherever the row was clicked.
            target = self.model.index(current.row(), SegmentModel.TARGET)
            self.table.selectionModel().setCurrentIndex(target, self.table.selectionModel().SelectionFlag.NoUpdate)
            return
        self._show_segment(self.model.segment(current.row()) if current.isValid() else None)

    def _show_segment(self, segment: Segment | None) -> None:
        self.source_change.show_segment(segment, self.model.font(SegmentModel.SOURCE))
        row = self.current_row() if segment is not None else -1
        label = f"#{row + 1} · {self.model.part_label(row)}" if segment is not None else ""
        can_review, note = self._review_rights(segment)
        self.side.comments.show_segment(segment, label, can_review, note)
        self.side.set_comment_count(len(segment.comments) if segment else 0)
        self.segment_selected.emit(segment)

    def _review_rights(self, segment: Segment | None) -> tuple[bool, str]:
        if segment is None:
            return False, ""
        if not segment.target_text:
            return False, _("Nothing to review yet: the segment is not translated.")
        if segment.updated_by == self._services.people.current().id:
            return False, _("You translated this segment; another person reviews it.")
        if segment.is_stale:
            return True, _("The source changed: the translator confirms the segment again before it can be accepted.")
        return True, ""

    # --- commands -----------------------------------------------------------------------------

    def _take_text(self, row: int) -> str:
        """The target as typed: the open editor's text (closing it unsaved), else the stored one."""
        editor = self.delegate.active
        if editor is not None and editor.row == row:
            text = editor.toPlainText()
            self.delegate.finish(commit=False)
            return text
        self.delegate.finish(commit=True)
        return self.model.segment(row).target_text

    def _write(self, row: int, text: str, state: str) -> bool:
        """Save; on failure the row's editor opens again with the text as typed, and says why."""
        try:
            self.model.save(row, text, state, self.model.typed_origin(row, text))
        except WorkstationError as error:
            self.edit_row(row)
            if self.delegate.active is not None:
                self.delegate.active.setPlainText(text)
            self.show_message(describe_error(error), error=True)
            return False
        self.message.clear()
        return True

    def confirm_and_next(self) -> None:
        """Ctrl+Enter: the target becomes translated (a stale mark goes) and the next segment opens."""
        row = self.current_row()
        if row < 0:
            return
        text = normalise_text(self._take_text(row)).strip()
        item = self.model.segment(row)
        if not text:
            self.edit_row(row)
            self.show_message(_("Type a translation before confirming the segment."), error=True)
            return
        unchanged = text == item.target_text and item.state in CONFIRMED and not item.is_stale
        if unchanged or self._write(row, text, SegmentState.TRANSLATED):
            self._next_after(row)

    def draft_and_next(self) -> None:
        row = self.current_row()
        if row < 0:
            return
        text = normalise_text(self._take_text(row)).strip()
        item = self.model.segment(row)
        state = SegmentState.DRAFT if text else SegmentState.NEW
        if (text, state) == (item.target_text, item.state) or self._write(row, text, state):
            self._next_after(row)

    def _next_after(self, row: int) -> None:
        following = self._visible_rows(row)
        if following:
            self.edit_row(following[0])
            return
        remaining = [r for r in self._visible_rows(row, wrap=True) if is_untranslated(self.model.segment(r))]
        if remaining:
            self.show_message(_("That was the last segment; here is the first one not yet confirmed."))
            self.edit_row(remaining[0])
        else:
            self.show_message(_("That was the last segment, and every segment shown is confirmed."))
            self.go_to_row(row, edit=False)

    def copy_source(self) -> None:
        """Ctrl+Shift+R: the target becomes the source text (one undo step in the editor)."""
        row = self.current_row()
        if row < 0:
            return
        editor = self.delegate.active
        if editor is None or editor.row != row:
            self.edit_row(row)
            editor = self.delegate.active
        if editor is not None:
            editor.replace_text(self.model.segment(row).source_text)

    def _jump(self, wanted, nothing_left: str) -> None:  # noqa: ANN001
        self.delegate.finish(commit=True)
        start = self.current_row()
        for row in self._visible_rows(start, wrap=True):
            if wanted(self.model.segment(row)):
                self.edit_row(row)
                return
        self.show_message(nothing_left)

    def next_untranslated(self) -> None:
        self._jump(is_untranslated, _("Every segment shown is confirmed."))

    def next_stale(self) -> None:
        self._jump(lambda item: item.is_stale, _("No stale segment: every target follows the current source."))

    def undo_last_confirm(self) -> None:
        """Ctrl+Z outside typing: the last segment written here gets its previous target and state back."""
        if not self.model.history:
            self.show_message(_("Nothing to undo."))
            return
        record = self.model.history.pop()
        row = self.model.row_of(record.address)
        if row is None:
            self.show_message(_("The segment to restore is gone: the source changed meanwhile."), error=True)
            return
        self.delegate.finish(commit=False)
        state = record.state if record.target_text or record.state not in CONFIRMED else SegmentState.NEW
        if record.is_stale and state in CONFIRMED:
            state = SegmentState.DRAFT  # the stale mark cannot come back: a draft until confirmed again
        try:
            self.model.save(row, record.target_text, state, record.origin or "human", record=False)
        except WorkstationError as error:
            self.show_message(describe_error(error), error=True)
            return
        self.go_to_row(row, edit=False)
        self.show_message(_("Segment {n} is back as it was ({state}).").format(n=row + 1, state=state_label(state)))

    # --- filters ------------------------------------------------------------------------------

    def set_filter(self, kind: str, text: str | None = None) -> None:
        """Show the segments of one kind ("all", "untranslated", "stale", a state…), optionally with a text."""
        self.filters.choose(kind, text)
        self.apply_filter()

    def apply_filter(self) -> None:
        self.delegate.finish(commit=True)  # an edit in progress is saved, never lost to a filter
        self._filter = self.filters.spec()
        self._filter_active_rows()
        visible = self._visible_rows()
        current = self.current_row()
        if visible and (current < 0 or self.table.isRowHidden(current)):
            self.go_to_row(visible[0], edit=False)
        elif not visible:
            self._show_segment(None)

    def _filter_active_rows(self) -> None:
        shown = self.table.show_only(self._filter)
        self.filters.show_count(shown, self.model.rowCount(), self._filter.is_active)

    def visible_rows(self) -> list[int]:
        return self._visible_rows()

    # --- review -------------------------------------------------------------------------------

    def review(self, accepted: bool, comment: str) -> None:
        segment, row = self.current_segment(), self.current_row()
        translation = self.model.translation
        if segment is None or translation is None:
            return
        comment = comment.strip()
        if not accepted and not comment:
            self.show_message(_("Say why the segment is rejected: the translator reads the comment."), error=True)
            self.side.comments.field.setFocus()
            return
        try:
            updated = self._services.translations.review(translation.id, segment.address, accepted, comment)
        except WorkstationError as error:
            self.show_message(describe_error(error), error=True)
            return
        self.model.replace_segment(row, updated)
        self.side.comments.clear_field()
        self._segment_saved(row)
        self.show_message(
            _("Segment {n} accepted.").format(n=row + 1)
            if accepted
            else _("Segment {n} sent back to the translator.").format(n=row + 1)
        )

    def add_comment(self, text: str) -> None:
        segment, row = self.current_segment(), self.current_row()
        translation = self.model.translation
        if segment is None or translation is None:
            return
        if not text.strip():
            self.show_message(_("Write the comment first."), error=True)
            return
        try:
            updated = self._services.translations.comment(translation.id, segment.address, text)
        except WorkstationError as error:
            self.show_message(describe_error(error), error=True)
            return
        self.model.replace_segment(row, updated)
        self.side.comments.clear_field()
        self._segment_saved(row)

    # --- whole translation --------------------------------------------------------------------

    def set_all_final(self) -> list[str]:
        """Every segment final, or a message listing what stands in the way (and nothing changes)."""
        translation = self.model.translation
        if translation is None:
            return []
        self.delegate.finish(commit=True)
        try:
            problems = self._services.translations.set_state(translation.id, SegmentState.FINAL)
        except WorkstationError as error:
            self.show_message(describe_error(error), error=True)
            return []
        if not problems:
            self.last_problems = []
            self.reload()
            self.show_message(_("Every segment is final."))
            return []
        self.last_problems = [readable_problem(self.model, problem) for problem in problems]
        self.problem_box = problem_box(
            self,
            _("Not every segment can be final yet"),
            ngettext("{n} segment is not ready:", "{n} segments are not ready:", len(problems)).format(n=len(problems)),
            self.last_problems,
        )
        return self.last_problems

    def choose_export_file(self) -> None:
        translation, source = self.model.translation, self.model.source
        if translation is None or source is None:
            return
        name, _filter = QFileDialog.getSaveFileName(
            self, _("Export XLIFF"), xliff_file_name(source, translation), _("XLIFF files (*.xlf *.xliff)")
        )
        if name:
            self.export_xliff(Path(name))

    def choose_import_file(self) -> None:
        name, _filter = QFileDialog.getOpenFileName(
            self, _("Import XLIFF"), "", _("XLIFF files (*.xlf *.xliff);;All files (*)")
        )
        if name:
            self.import_xliff(Path(name))

    def export_xliff(self, path: Path) -> Operation | None:
        translation = self.model.translation
        if translation is None:
            return None
        self.delegate.finish(commit=True)
        service = self._services.translations
        self.show_message(_("Exporting…"))
        return Operation(
            self,
            lambda _context: service.export_xliff(translation.id, path),
            on_success=lambda written: self.show_message(_("Exported to {path}").format(path=written)),
            title=_("The XLIFF file could not be written"),
        )

    def import_xliff(self, path: Path) -> Operation | None:
        if self.model.translation is None:
            return None
        self.delegate.finish(commit=True)
        service = self._services.translations
        self.show_message(_("Importing…"))
        return Operation(
            self,
            lambda _context: service.import_xliff(path),
            on_success=self._imported,
            title=_("The XLIFF file could not be imported"),
        )

    def _imported(self, result: XliffImport) -> None:
        self.last_import = result
        if result.problems:
            self.show_message(_("Nothing was imported."), error=True)
            self.problem_box = problem_box(
                self,
                _("The XLIFF file does not fit this translation"),
                ngettext(
                    "{n} problem; nothing was changed:", "{n} problems; nothing was changed:", len(result.problems)
                ).format(n=len(result.problems)),
                list(result.problems),
            )
            return
        message = ngettext(
            "{n} segment updated from the XLIFF file.", "{n} segments updated from the XLIFF file.", result.updated
        ).format(n=result.updated)
        if self.model.translation is not None and result.translation.id == self.model.translation.id:
            self.reload()
        else:
            self.open_requested.emit(result.translation.id)
        self.show_message(message)

    # --- bookkeeping --------------------------------------------------------------------------

    def show_message(self, text: str, error: bool = False) -> None:
        self.message.setStyleSheet("color:#b00020;" if error else "color:#1b5e20;")
        self.message.setText(text)

    def _segment_saved(self, row: int) -> None:
        self.table.fit_row(row)
        self._update_progress()
        if row == self.current_row():
            self._show_segment(self.model.segment(row))
        self._statistics_dirty = True
        if self.side.currentWidget() is self.side.statistics:
            self._statistics_timer.start()

    def _update_progress(self) -> None:
        progress = self.model.progress()
        self.progress.setText(progress_text(progress))
        if self.model.translation is not None:
            self.progress_changed.emit(self.model.translation.id, progress)

    def _statistics_tab_shown(self) -> None:
        if self._statistics_dirty and self.side.currentWidget() is self.side.statistics:
            self.refresh_statistics()

    def refresh_statistics(self) -> None:
        translation = self.model.translation
        if translation is None:
            self.side.statistics.show_stats(None)
            return
        try:
            stats = self._services.translations.statistics(translation.id)
        except WorkstationError:
            return
        self._statistics_dirty = False
        self.side.statistics.show_stats(stats)

    def _warm_spelling(self) -> None:
        """Load the target language's word lists on a worker now, while the translator reads, rather
        than under the first keystroke (English builds its lexicon once per session, ~60 ms)."""
        checker = self._target_checker()
        if checker is not None and checker.lang not in self._warmed:
            self._warmed.add(checker.lang)
            QThreadPool.globalInstance().start(lambda: checker.check("warm up", with_suggestions=False))

    def _target_checker(self) -> SpellChecker | None:
        translation = self.model.translation
        if translation is None or not supports_spelling(translation.language):
            return None
        checker = self._checkers.get(translation.language)
        if checker is None:
            checker = self._checkers[translation.language] = SpellChecker(
                translation.language, personal=self._services.dictionary
            )
        return checker
