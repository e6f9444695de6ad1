"""What helps a translator in the editor: memory matches, glossary terms, QA issues and the memory
analysis, in the editor's right-hand tabs, with their keys on the segment table.

- Memory: the selected segment's five best matches, looked up on a one-thread worker pool once the
  selection has rested for `LOOKUP_DELAY_MS` (so scrolling never waits), kept per segment until the
  memory changes. Ctrl+1…Ctrl+5 insert match N: into the open cell editor (one undo step), else saved
  as a draft with origin "tm <score>%" ("exact" for 100 %). Concordance searches run on the same pool.
- Glossary: hits are computed per row as rows are painted (highlighted in the source column) and
  listed for the selected segment; Alt+1…Alt+9 insert the approved translation of term N at the
  cursor. (Ctrl+Shift+digit is a symbol on most keyboard layouts, and so reaches Qt as Ctrl+! etc.)
- QA: the translation's issues, checked on a worker when it opens and `QA_DELAY_MS` after each save;
  markers in the number column; F8 goes to the next segment with an open issue.
- Statistics: the fuzzy-band analysis on a worker when the Statistics tab is shown.

Workers never touch widgets: results come back through `Operation`'s signals on the UI thread, and
are dropped when they are for another translation or segment than the one shown by then.
"""

from __future__ import annotations

import contextlib
import time
from collections import OrderedDict
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Qt, QThreadPool, QTimer, Signal
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QInputDialog, QLineEdit

from workstation.app import Services
from workstation.errors import WorkstationError
from workstation.language.normalise import normalise_text
from workstation.model import Segment, SegmentState
from workstation.translation.glossary import GlossaryHit
from workstation.translation.memory import PORTAL, TMX_ORIGIN, AnalysisBands, ConcordanceHit, TmMatch
from workstation.translation.qa import QaIssue
from workstation.ui.glossary_pane import TERM_KEYS, GlossaryPane, term_key
from workstation.ui.i18n import _, format_number
from workstation.ui.memory_pane import MatchesPane, ShownMatches, match_key
from workstation.ui.operations import Operation, describe_error
from workstation.ui.qa_pane import UNTRANSLATED, QaPane, check_name
from workstation.ui.segment_model import ERROR_MARK, WARNING_MARK, IssueMark, tm_origin

if TYPE_CHECKING:
    from workstation.ui.translation_editor import TranslationEditor

MATCH_KEYS = 5
MATCH_MINIMUM = 50
LOOKUP_DELAY_MS = 80
QA_DELAY_MS = 500
CACHED_LOOKUPS = 300
LOOKUP_LIFETIME_SECONDS = 20.0
"""A segment's matches are looked up again after this long: the memory may have grown meanwhile (a TMX
import, a sync, confirmations in another translation), and no notice says so."""
NEXT_ISSUE_KEY = "F8"


@dataclass(frozen=True)
class Lookup:
    """One segment's matches as found on the worker, and how long finding them took."""

    key: tuple[str, str, str]
    """(translation id, segment address, source text)."""
    matches: tuple[TmMatch, ...]
    origins: dict[str, str]
    """Translation ids among the origins → their headlines."""
    seconds: float
    at: float = 0.0
    """When it was found (time.monotonic())."""


class TranslationAssist(QObject):
    _glossary_changed = Signal()

    def __init__(self, editor: TranslationEditor, services: Services) -> None:
        super().__init__(editor)
        self._editor = editor
        self._services = services
        self._model = editor.model
        self.matches = MatchesPane()
        self.glossary = GlossaryPane()
        self.qa = QaPane()
        side = editor.side
        side.add_panel(self.matches, _("Memory"), 1)
        side.add_panel(self.glossary, _("Glossary"), 2)
        side.add_panel(self.qa, _("QA"), 3)

        self._segment: Segment | None = None
        self._lookups: OrderedDict[tuple[str, str, str], Lookup] = OrderedDict()
        self.lookup_seconds: list[float] = []
        """How long each lookup took on the worker (for the bench and the closing notes)."""
        self._inserted: dict[str, tuple[str, str]] = {}  # address → (text inserted in the editor, origin)
        self.issues: list[QaIssue] = []
        self.issues_for: str | None = None
        self.lookup_operation: Operation | None = None
        self.qa_operation: Operation | None = None
        self.analysis_operation: Operation | None = None
        self.search_operation: Operation | None = None
        self.reason_dialog: QInputDialog | None = None
        self._lookup_wanted = self._qa_wanted = False
        self._analysed: str | None = None  # the translation the analysis shown (or failed) is of
        self._pool = QThreadPool(self)
        self._pool.setMaxThreadCount(1)  # one lookup at a time; the newest selection wins

        self._lookup_timer = QTimer(self, singleShot=True, interval=LOOKUP_DELAY_MS)
        self._lookup_timer.timeout.connect(self.look_up)
        self._qa_timer = QTimer(self, singleShot=True, interval=QA_DELAY_MS)
        self._qa_timer.timeout.connect(self.run_qa)

        self._model.hits_provider = lambda text, source, target: services.glossary.hits(text, source, target)
        self._model.origin_hint = self._origin_hint
        self._add_actions()
        editor.help.setText(f"{editor.commands.help_text()} · {self.help_text()}")

        editor.segment_selected.connect(self._segment_selected)
        self._model.modelReset.connect(self._translation_loaded)
        self._model.saved.connect(self._saved)
        side.currentChanged.connect(lambda _index: self._tab_shown())
        side.statistics.analyse_requested.connect(lambda: self.analyse(force=True))
        self.matches.insert_requested.connect(self.insert_match)
        self.matches.search_requested.connect(self.search_memory)
        self.glossary.insert_requested.connect(self.insert_term)
        self.qa.jump_requested.connect(self.jump_to)
        self.qa.acknowledge_requested.connect(lambda address, code: self.ask_acknowledgement(address, code))
        self.qa.rerun_requested.connect(self.run_qa)
        self.qa.shown_changed.connect(self._update_titles)
        self._glossary_changed.connect(self._on_glossary_changed, Qt.ConnectionType.QueuedConnection)
        unsubscribe = services.glossary.subscribe(self._notify_glossary_changed)
        self.destroyed.connect(lambda *_args: unsubscribe())

    def _notify_glossary_changed(self, _change: object) -> None:
        """Called by the glossary, possibly on a worker thread: only a queued signal crosses over."""
        with contextlib.suppress(RuntimeError):  # this object is being destroyed (the app closing)
            self._glossary_changed.emit()

    # --- keys ---------------------------------------------------------------------------------

    def _add_actions(self) -> None:
        table = self._editor.table
        self.match_actions = [
            self._action(
                _("Insert match {n}").format(n=n),
                f"Ctrl+{n}",
                lambda n=n: self.insert_match(n),
                _("Insert memory match {n} into the target").format(n=n),
            )
            for n in range(1, MATCH_KEYS + 1)
        ]
        self.term_actions = [
            self._action(
                _("Insert glossary term {n}").format(n=n),
                f"Alt+{n}",
                lambda n=n: self.insert_term(n),
                _("Insert the approved translation of glossary term {n} at the cursor").format(n=n),
            )
            for n in range(1, TERM_KEYS + 1)
        ]
        self.next_issue_action = self._action(
            _("Next QA issue"), NEXT_ISSUE_KEY, self.next_issue, _("Go to the next segment with an open QA issue")
        )
        for action in (*self.match_actions, *self.term_actions, self.next_issue_action):
            table.addAction(action)

    def _action(self, text: str, key: str, slot: Callable[[], object], tip: str) -> QAction:
        action = QAction(text, self._editor.table)
        action.setShortcut(QKeySequence(key))
        action.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        shortcut = action.shortcut().toString(QKeySequence.SequenceFormat.NativeText)
        action.setToolTip(f"{tip} ({shortcut})")
        action.triggered.connect(lambda _checked=False: slot())
        return action

    def help_text(self) -> str:
        next_issue = QKeySequence(NEXT_ISSUE_KEY).toString(QKeySequence.SequenceFormat.NativeText)
        items = [
            (f"{match_key(1)}…{MATCH_KEYS}", _("insert match")),
            (f"{term_key(1)}…{TERM_KEYS}", _("insert glossary term")),
            (next_issue, _("next QA issue")),
        ]
        return " · ".join(f"{keys} {what}" for keys, what in items)

    # --- following the editor -----------------------------------------------------------------

    def _translation_loaded(self) -> None:
        translation, source = self._model.translation, self._model.source
        if translation is None or source is None:
            self.matches.clear()
            self.glossary.show_hits([], "", "")
            self.qa.clear()
            self._model.set_issue_marks({})
            return
        self.matches.set_languages(source.language, translation.language)
        if self.issues_for != translation.id:
            self.issues, self.issues_for = [], None
            self.qa.clear()
            self._model.set_issue_marks({})
            self._inserted.clear()
        self._analysed = None
        self._lookups.clear()  # reloaded: the source, or the memory (an import), may have changed
        self.qa.show_running()
        self.run_qa()
        self._tab_shown()

    def _segment_selected(self, segment: Segment | None) -> None:
        self._segment = segment
        row = self._editor.current_row()
        translation = self._model.translation
        if segment is None or translation is None or row < 0:
            self.glossary.show_hits([], "", "")
            self.matches.clear()
            self._update_titles()
            return
        self.glossary.show_hits(self._model.hits(row), self._model.source_language, translation.language)
        self.qa.select(segment.address)
        cached = self._cached(self._key(segment))
        if cached is not None:
            self._show_lookup(cached)
        else:
            shown = self.matches.shown
            if shown is None or shown.address != segment.address:
                self.matches.show_pending()
            self._lookup_timer.start()
        self._update_titles()

    def _saved(self, _row: int) -> None:
        self._lookups.clear()  # a confirmed segment joined the memory: other segments may match it now
        self._qa_timer.start()

    def _tab_shown(self) -> None:
        if self._editor.side.currentWidget() is self._editor.side.statistics:
            self.analyse()

    def _update_titles(self) -> None:
        side = self._editor.side
        shown = self.matches.shown
        count = len(shown.matches) if shown is not None else 0
        side.setTabText(side.indexOf(self.matches), _("Memory ({n})").format(n=count) if count else _("Memory"))
        hits = len(self.glossary.hits)
        side.setTabText(side.indexOf(self.glossary), _("Glossary ({n})").format(n=hits) if hits else _("Glossary"))
        issues = self.qa.open_count()
        side.setTabText(side.indexOf(self.qa), _("QA ({n})").format(n=format_number(issues)) if issues else _("QA"))

    # --- memory -------------------------------------------------------------------------------

    def _key(self, segment: Segment) -> tuple[str, str, str]:
        translation = self._model.translation
        return (translation.id if translation else "", segment.address, segment.source_text)

    def look_up(self) -> Operation | None:
        """Find the selected segment's matches on the worker (one lookup at a time)."""
        segment, translation = self._segment, self._model.translation
        if segment is None or translation is None:
            return None
        if self.lookup_operation is not None:
            self._lookup_wanted = True
            return self.lookup_operation
        key = self._key(segment)
        cached = self._cached(key)
        if cached is not None:
            self._show_lookup(cached)
            return None
        work = self._lookup_work(key, self._model.source_language, translation.language)
        operation = Operation(
            self._editor,
            lambda _context: work(),
            on_success=self._looked_up,
            on_failure=lambda error: self.matches.clear(describe_error(error)),
            pool=self._pool,
        )
        operation.finished.connect(self._lookup_finished)
        self.lookup_operation = operation
        return operation

    def _cached(self, key: tuple[str, str, str]) -> Lookup | None:
        found = self._lookups.get(key)
        if found is not None and time.monotonic() - found.at > LOOKUP_LIFETIME_SECONDS:
            del self._lookups[key]
            return None
        return found

    def _lookup_work(self, key: tuple[str, str, str], source_lang: str, target_lang: str) -> Callable[[], Lookup]:
        memory, translations = self._services.memory, self._services.translations

        def work() -> Lookup:
            started = time.perf_counter()
            found = memory.lookup(source_lang, target_lang, key[2], limit=MATCH_KEYS, minimum=MATCH_MINIMUM)
            seconds = time.perf_counter() - started
            origins: dict[str, str] = {}
            for match in found:
                if match.origin in origins or match.origin == PORTAL or match.origin.startswith(TMX_ORIGIN):
                    continue
                try:
                    origins[match.origin] = translations.get(match.origin).headline
                except (WorkstationError, AssertionError):
                    continue
            return Lookup(key, tuple(found), origins, seconds, time.monotonic())

        return work

    def _looked_up(self, lookup: Lookup) -> None:
        self.lookup_seconds.append(lookup.seconds)
        self._lookups[lookup.key] = lookup
        while len(self._lookups) > CACHED_LOOKUPS:
            self._lookups.popitem(last=False)
        if self._segment is not None and self._key(self._segment) == lookup.key:
            self._show_lookup(lookup)

    def _lookup_finished(self) -> None:
        self.lookup_operation = None
        if self._lookup_wanted:
            self._lookup_wanted = False
            self.look_up()

    def _show_lookup(self, lookup: Lookup) -> None:
        translation = self._model.translation
        if translation is None:
            return
        origins = {}
        for match in lookup.matches:
            origins[match.origin] = self._origin_text(match.origin, lookup.origins, translation.id)
        self.matches.show_matches(
            ShownMatches(lookup.key[1], lookup.matches, self._model.source_language, translation.language, origins)
        )
        self._update_titles()

    @staticmethod
    def _origin_text(origin: str, headlines: dict[str, str], translation_id: str) -> str:
        if origin == translation_id:
            # TRANSLATORS: origin of a memory match: a segment confirmed earlier in the open translation.
            return _("this translation")
        if origin == PORTAL:
            # TRANSLATORS: origin of a memory match: sent by the central portal.
            return _("from the portal")
        if origin.startswith(TMX_ORIGIN):
            return _("TMX file {name}").format(name=origin.removeprefix(TMX_ORIGIN))
        if origin in headlines:
            return _("translation of “{headline}”").format(headline=headlines[origin])
        return origin

    def current_matches(self) -> list[TmMatch]:
        """The selected segment's matches: those shown, else looked up now (the translator asked)."""
        segment, translation = self._segment, self._model.translation
        if segment is None or translation is None:
            return []
        key = self._key(segment)
        cached = self._cached(key)
        if cached is None:
            self._lookup_timer.stop()
            try:
                cached = self._lookup_work(key, self._model.source_language, translation.language)()
            except WorkstationError as error:
                self._editor.show_message(describe_error(error), error=True)
                return []
            self._looked_up(cached)
        return list(cached.matches)

    def insert_match(self, number: int) -> bool:
        """Ctrl+N: match N into the open editor, else saved as the segment's draft."""
        editor = self._editor
        row, segment = editor.current_row(), self._segment
        if row < 0 or segment is None:
            return False
        found = self.current_matches()
        if not 0 < number <= len(found):
            editor.show_message(_("There is no match {n} for this segment.").format(n=number), error=True)
            return False
        match = found[number - 1]
        origin = tm_origin(match.score)
        text = normalise_text(match.target).strip()
        field = editor.delegate.active
        if field is not None and field.row == row:
            field.replace_text(text)
            self._inserted[segment.address] = (text, origin)
        else:
            try:
                self._model.save(row, text, SegmentState.DRAFT, origin)
            except WorkstationError as error:
                editor.show_message(describe_error(error), error=True)
                return False
        editor.show_message(_("Match {n} ({score} %) inserted.").format(n=number, score=match.score))
        return True

    def _origin_hint(self, address: str, text: str) -> str | None:
        inserted = self._inserted.get(address)
        return inserted[1] if inserted is not None and inserted[0] == text else None

    def search_memory(self, language: str, text: str) -> Operation | None:
        """Concordance: units holding `text` in `language`, on the worker."""
        if not language or not text.strip():
            return None
        memory = self._services.memory
        operation = Operation(
            self._editor,
            lambda _context: memory.concordance(language, text, limit=30),
            on_success=lambda hits: self._searched(hits, text),
            on_failure=lambda error: self.matches.show_search_failure(describe_error(error)),
            pool=self._pool,
        )
        self.search_operation = operation
        return operation

    def _searched(self, hits: Sequence[ConcordanceHit], text: str) -> None:
        self.matches.show_concordance(hits, text)

    # --- glossary -----------------------------------------------------------------------------

    def insert_term(self, number: int) -> bool:
        """Alt+N: the approved translation of term N at the cursor of the open editor (opened if needed)."""
        editor = self._editor
        row = editor.current_row()
        if row < 0:
            return False
        hits: Sequence[GlossaryHit] = self._model.hits(row)
        if not 0 < number <= len(hits) or not hits[number - 1].target_terms:
            editor.show_message(_("There is no glossary term {n} in this segment.").format(n=number), error=True)
            return False
        field = editor.delegate.active
        if field is None or field.row != row:
            editor.edit_row(row)
            field = editor.delegate.active
        if field is None:
            return False
        field.insertPlainText(hits[number - 1].target_terms[0])
        field.setFocus()
        return True

    def _on_glossary_changed(self) -> None:
        self._model.refresh_hits()
        self._segment_selected(self._segment if self._editor.current_segment() is not None else None)
        self._qa_timer.start()

    # --- QA -----------------------------------------------------------------------------------

    def run_qa(self) -> Operation | None:
        """Check the open translation on a worker; one run at a time, a wanted one follows."""
        translation = self._model.translation
        if translation is None:
            return None
        self._qa_timer.stop()
        if self.qa_operation is not None:
            self._qa_wanted = True
            return self.qa_operation
        qa, translation_id = self._services.qa, translation.id
        operation = Operation(
            self._editor,
            lambda _context: qa.issues(translation_id),
            on_success=lambda issues: self._checked(translation_id, issues),
            on_failure=lambda error: self.qa.summary.setText(describe_error(error)),
        )
        operation.finished.connect(self._qa_finished)
        self.qa_operation = operation
        return operation

    def _qa_finished(self) -> None:
        self.qa_operation = None
        if self._qa_wanted:
            self._qa_wanted = False
            self.run_qa()

    def _checked(self, translation_id: str, issues: list[QaIssue]) -> None:
        translation = self._model.translation
        if translation is None or translation.id != translation_id:
            return
        self.issues, self.issues_for = issues, translation_id
        self.qa.show_issues(issues, self._where, self._model.row_of)
        marks: dict[str, list[QaIssue]] = {}
        for issue in issues:
            if issue.is_open and issue.code != UNTRANSLATED:
                marks.setdefault(issue.address, []).append(issue)
        self._model.set_issue_marks(
            {
                address: IssueMark(
                    ERROR_MARK if any(i.is_error for i in found) else WARNING_MARK,
                    tuple(f"{check_name(i.code)}: {i.message}" for i in found),
                )
                for address, found in marks.items()
            }
        )
        if self._segment is not None:
            self.qa.select(self._segment.address)
        self._update_titles()

    def _where(self, address: str) -> str:
        row = self._model.row_of(address)
        return f"#{row + 1} {self._model.part_label(row)}" if row is not None else address

    def jump_to(self, address: str) -> bool:
        """Select a segment (from the QA list): shown even when the filter hid it, the table focused."""
        editor = self._editor
        row = self._model.row_of(address)
        if row is None:
            return False
        editor.delegate.finish(commit=True)
        if editor.table.isRowHidden(row):
            editor.set_filter("all", "")
        editor.go_to_row(row, edit=False)
        editor.table.setFocus()
        return True

    def next_issue(self) -> bool:
        """F8: the next segment (wrapping) with an error or a warning not acknowledged; its editor opens."""
        editor = self._editor
        marked = {issue.address for issue in self.issues if issue.is_open and issue.code != UNTRANSLATED}
        for row in editor.table.visible_rows(editor.current_row(), wrap=True):
            if self._model.segment(row).address in marked:
                editor.delegate.finish(commit=True)
                editor.edit_row(row)
                self.qa.select(self._model.segment(row).address)
                return True
        editor.show_message(_("No open QA issue in the segments shown."))
        return False

    def ask_acknowledgement(self, address: str, code: str) -> QInputDialog:
        """Ask why a warning can stand (non-modal); the answer acknowledges it."""
        dialog = QInputDialog(self._editor)
        dialog.setWindowTitle(_("Acknowledge a warning"))
        dialog.setLabelText(
            _("{where} · {check}\nWhy can this stand? The reason is kept with the warning.").format(
                where=self._where(address), check=check_name(code)
            )
        )
        dialog.setTextEchoMode(QLineEdit.EchoMode.Normal)
        dialog.setOkButtonText(_("Acknowledge"))
        dialog.setCancelButtonText(_("Cancel"))
        dialog.textValueSelected.connect(lambda reason: self.acknowledge(address, code, reason))
        self.reason_dialog = dialog
        dialog.open()
        return dialog

    def acknowledge(self, address: str, code: str, reason: str) -> Operation | None:
        translation = self._model.translation
        if translation is None:
            return None
        if not reason.strip():
            self._editor.show_message(_("Say why the warning can stand: the reason is kept with it."), error=True)
            return None
        qa, translation_id = self._services.qa, translation.id
        operation = Operation(
            self._editor,
            lambda _context: qa.acknowledge(translation_id, address, code, reason),
            on_success=lambda _issue: self.run_qa(),
            title=_("The warning could not be acknowledged"),
        )
        return operation

    # --- statistics ---------------------------------------------------------------------------

    def analyse(self, force: bool = False) -> Operation | None:
        """The memory analysis of the open translation's sources, on a worker (when not done yet)."""
        translation = self._model.translation
        statistics = self._editor.side.statistics
        if translation is None:
            statistics.show_bands(None)
            return None
        if self.analysis_operation is not None or (self._analysed == translation.id and not force):
            return self.analysis_operation
        memory = self._services.memory
        sources = [segment.source_text for segment in self._model.segments]
        source_lang, target_lang, translation_id = self._model.source_language, translation.language, translation.id
        statistics.show_analysing()
        operation = Operation(
            self._editor,
            lambda _context: memory.analyse(sources, source_lang, target_lang, exclude_origin=translation_id),
            on_success=lambda bands: self._analysed_bands(translation_id, bands),
            on_failure=lambda error: statistics.show_bands(None, describe_error(error)),
        )
        self._analysed = translation_id  # also when it fails: "Analyse again" retries
        operation.finished.connect(self._analysis_finished)
        self.analysis_operation = operation
        return operation

    def _analysed_bands(self, translation_id: str, bands: AnalysisBands) -> None:
        translation = self._model.translation
        if translation is None or translation.id != translation_id:
            return
        self._editor.side.statistics.show_bands(bands)

    def _analysis_finished(self) -> None:
        self.analysis_operation = None
        translation = self._model.translation
        if translation is not None and self._analysed != translation.id:
            self._tab_shown()  # another translation opened meanwhile
