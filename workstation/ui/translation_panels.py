"""The translation editor's panels: the source change of a stale segment, and the right-hand tabs.

The right-hand area is a `TranslationSidePanel` (tabs). It holds "Comments" and "Statistics" now;
translation memory, glossary and QA panes join it with `add_panel()`, and they learn the selected
segment from `TranslationEditor.segment_selected`.
"""

from __future__ import annotations

import html

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QFont
from PySide6.QtWidgets import (
    QAbstractItemView,
    QFrame,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QTabWidget,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from workstation.editorial.revisions import DELETE, INSERT, Piece, diff_text
from workstation.model import Segment, SegmentComment, SegmentState
from workstation.translation.memory import AnalysisBands
from workstation.translation.service import TranslationStats
from workstation.ui.i18n import N_, _, format_datetime_local, format_number, ngettext, state_label

DELETED_STYLE = "background:#ffd7d5;color:#82071e;text-decoration:line-through;"
INSERTED_STYLE = "background:#ccf2d4;color:#055d20;"


def diff_html(pieces: tuple[Piece, ...]) -> str:
    """Word-by-word pieces as HTML: what went struck through on red, what came on green."""
    out = []
    for piece in pieces:
        text = html.escape(piece.text)
        if piece.op == DELETE:
            out.append(f'<span style="{DELETED_STYLE}">{text}</span>')
        elif piece.op == INSERT:
            out.append(f'<span style="{INSERTED_STYLE}">{text}</span>')
        else:
            out.append(text)
    return "".join(out)


def diff_plain(pieces: tuple[Piece, ...]) -> str:
    """The same as text: "[-went-]{+came+}"."""
    marks = {DELETE: "[-{}-]", INSERT: "{{+{}+}}"}
    return "".join(marks[piece.op].format(piece.text) if piece.op in marks else piece.text for piece in pieces)


class SourceChangePanel(QFrame):
    """Under the table, for a stale segment: how its source sentence changed since it was translated."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("sourceChange")
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.setStyleSheet("#sourceChange{background:#fff8ee;border:1px solid #f0b060;}")
        self.heading = QLabel(
            _("The source changed after this segment was translated. Check the target, then confirm it again.")
        )
        self.heading.setWordWrap(True)
        self.diff = QLabel()
        self.diff.setWordWrap(True)
        self.diff.setTextFormat(Qt.TextFormat.RichText)
        self.diff.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(8, 6, 8, 6)
        layout.addWidget(self.heading)
        layout.addWidget(self.diff)
        self.hide()

    def show_segment(self, segment: Segment | None, font: QFont | None = None) -> None:
        """The diff is computed here, for the one selected segment, never for the whole table."""
        if segment is None or segment.stale_source is None:
            self.diff.clear()
            self.hide()
            return
        if font is not None:
            self.diff.setFont(font)
        pieces = diff_text(segment.stale_source, segment.source_text)
        self.diff.setText(diff_html(pieces))
        self.diff.setProperty("plain", diff_plain(pieces))
        self.show()

    def plain_text(self) -> str:
        """The diff as "[-went-]{+came+}" text, for tests and screen readers."""
        return self.diff.property("plain") or ""


class CommentsPanel(QWidget):
    """Reviewers' verdicts and notes on the selected segment; Accept / Reject for another profile."""

    review_requested = Signal(bool, str)  # accepted, comment
    comment_requested = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.segment_label = QLabel()
        self.segment_label.setWordWrap(True)
        self.list = QTextBrowser()
        self.list.setOpenLinks(False)
        self.review_note = QLabel()
        self.review_note.setWordWrap(True)
        self.field = QPlainTextEdit()
        self.field.setPlaceholderText(_("Comment for the translator or the reviewer…"))
        self.field.setMaximumHeight(80)
        self.field.setTabChangesFocus(True)
        # TRANSLATORS: button of a reviewer: accept the translated sentence (it becomes "reviewed").
        self.accept_button = QPushButton(_("Accept"))
        self.accept_button.setToolTip(_("Accept the translation of this segment (it becomes reviewed)"))
        # TRANSLATORS: button of a reviewer: send the sentence back to the translator, with the comment.
        self.reject_button = QPushButton(_("Reject"))
        self.reject_button.setToolTip(_("Send the segment back to the translator; the comment says why"))
        self.comment_button = QPushButton(_("Add comment"))
        self.accept_button.clicked.connect(lambda: self.review_requested.emit(True, self.field.toPlainText()))
        self.reject_button.clicked.connect(lambda: self.review_requested.emit(False, self.field.toPlainText()))
        self.comment_button.clicked.connect(lambda: self.comment_requested.emit(self.field.toPlainText()))
        buttons = QHBoxLayout()
        buttons.addWidget(self.accept_button)
        buttons.addWidget(self.reject_button)
        buttons.addStretch(1)
        buttons.addWidget(self.comment_button)
        layout = QVBoxLayout(self)
        layout.addWidget(self.segment_label)
        layout.addWidget(self.list, 1)
        layout.addWidget(self.review_note)
        layout.addWidget(self.field)
        layout.addLayout(buttons)
        self.show_segment(None, "", False, "")

    def show_segment(self, segment: Segment | None, label: str, can_review: bool, note: str) -> None:
        enabled = segment is not None
        self.segment_label.setText(f"<b>{html.escape(label)}</b>" if label else "")
        self.list.setHtml(comments_html(segment.comments) if segment and segment.comments else "")
        if segment is not None and not segment.comments:
            self.list.setPlaceholderText(_("No comments on this segment."))
        self.accept_button.setVisible(can_review)
        self.reject_button.setVisible(can_review)
        self.accept_button.setEnabled(can_review and segment is not None and not segment.is_stale)
        self.review_note.setText(note)
        self.review_note.setVisible(bool(note))
        self.field.setEnabled(enabled)
        self.comment_button.setEnabled(enabled)

    def clear_field(self) -> None:
        self.field.clear()

    def comments_text(self) -> str:
        return self.list.toPlainText()


def comments_html(comments: tuple[SegmentComment, ...]) -> str:
    rows = []
    for comment in comments:
        verdict = ""
        if comment.verdict:
            colour = "#d32f2f" if comment.verdict == "rejected" else "#2e7d32"
            verdict = f' · <b style="color:{colour}">{html.escape(state_label(comment.verdict))}</b>'
        when = html.escape(format_datetime_local(comment.at, "short"))
        text = html.escape(comment.text).replace("\n", "<br>")
        author = html.escape(comment.profile_name or _("(unknown)"))
        rows.append(f'<p><b>{author}</b> <span style="color:#666">· {when}</span>{verdict}<br>{text}</p>')
    return "".join(rows)


# The memory analysis' rows, as CAT tools list them for planning (keys of memory.BANDS).
BAND_LABELS = (
    # TRANSLATORS: memory analysis: segments repeating an earlier segment of the same translation.
    ("repetitions", N_("Repetitions")),
    ("100", "100 %"),
    ("95-99", "95–99 %"),
    ("85-94", "85–94 %"),
    ("75-84", "75–84 %"),
    ("50-74", "50–74 %"),
    # TRANSLATORS: memory analysis: segments with no memory match of 50 % or more.
    ("new", N_("New (under 50 %)")),
)


def _counts_table(columns: int) -> QTableWidget:
    table = QTableWidget(0, columns)
    table.verticalHeader().hide()
    table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    table.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
    header = table.horizontalHeader()
    header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
    header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
    return table


def _fill(table: QTableWidget, rows: list[tuple[str, int, int]]) -> None:
    """Label, segments, words per row; the last row (the total) in bold."""
    table.setRowCount(len(rows))
    for number, (label, segments, words) in enumerate(rows):
        for column, text in enumerate((label, format_number(segments), format_number(words))):
            item = QTableWidgetItem(text)
            if column:
                item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            if number == len(rows) - 1:
                font = item.font()
                font.setBold(True)
                item.setFont(font)
            table.setItem(number, column, item)
    table.setFixedHeight(table.horizontalHeader().height() + sum(table.rowHeight(r) for r in range(len(rows))) + 4)


class StatisticsPanel(QWidget):
    """Segments and source words (characters for a CJK source) by state, and by translation memory
    match band (what the memory covers, for planning)."""

    analyse_requested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.summary = QLabel()
        self.summary.setWordWrap(True)
        self.table = _counts_table(3)
        heading = _("Translation memory analysis")
        self.bands_heading = QLabel(f"<b>{html.escape(heading)}</b>")
        self.bands_note = QLabel(
            _("Matches in the memory as it was before this translation: its own segments are left out.")
        )
        self.bands_note.setWordWrap(True)
        self.bands_note.setStyleSheet("color:#555;")
        self.bands = _counts_table(3)
        self.bands_status = QLabel()
        self.bands_status.setWordWrap(True)
        self.analyse_button = QPushButton(_("Analyse again"))
        self.analyse_button.setToolTip(_("Compare every source segment with the translation memory again"))
        self.analyse_button.clicked.connect(self.analyse_requested)
        status = QHBoxLayout()
        status.addWidget(self.bands_status, 1)
        status.addWidget(self.analyse_button)
        layout = QVBoxLayout(self)
        layout.addWidget(self.summary)
        layout.addWidget(self.table)
        layout.addSpacing(8)
        layout.addWidget(self.bands_heading)
        layout.addWidget(self.bands_note)
        layout.addWidget(self.bands)
        layout.addLayout(status)
        layout.addStretch(1)

    def show_stats(self, stats: TranslationStats | None) -> None:
        if stats is None:
            self.summary.clear()
            self.table.setRowCount(0)
            return
        characters = stats.unit == "characters"
        unit = _("Characters") if characters else _("Words")
        self.table.setHorizontalHeaderLabels([_("State"), _("Segments"), unit])
        rows = [(state_label(state), stats.by_state.get(str(state))) for state in SegmentState]
        # TRANSLATORS: statistics row: segments whose source changed after translation.
        rows.append((_("stale"), stats.stale))
        # TRANSLATORS: statistics row: all segments of the translation.
        rows.append((_("total"), stats.total))
        _fill(
            self.table,
            [(label, counted.segments if counted else 0, counted.words if counted else 0) for label, counted in rows],
        )
        done = sum(
            stats.by_state[str(s)].words for s in (SegmentState.TRANSLATED, SegmentState.REVIEWED, SegmentState.FINAL)
        )
        total = stats.total.words
        if characters:
            # TRANSLATORS: statistics of a translation from Chinese, Japanese or Korean, counted in characters.
            text = ngettext(
                "{done} of {total} source character translated", "{done} of {total} source characters translated", total
            )
        else:
            text = ngettext(
                "{done} of {total} source word translated", "{done} of {total} source words translated", total
            )
        self.summary.setText(text.format(done=format_number(done), total=format_number(total)))

    def cell(self, row: int, column: int) -> str:
        item = self.table.item(row, column)
        return item.text() if item else ""

    def show_analysing(self) -> None:
        self.bands_status.setText(_("Comparing the segments with the translation memory…"))
        self.analyse_button.setEnabled(False)

    def show_bands(self, analysis: AnalysisBands | None, failure: str = "") -> None:
        """The segments and words per match band; None clears (with `failure` saying why, if any)."""
        self.analyse_button.setEnabled(True)
        if analysis is None:
            self.bands.setRowCount(0)
            self.bands_status.setText(failure)
            return
        unit = _("Characters") if analysis.unit == "characters" else _("Words")
        # TRANSLATORS: column of the memory analysis: the match band (100 %, 95–99 %…).
        self.bands.setHorizontalHeaderLabels([_("Match"), _("Segments"), unit])
        rows = []
        for band, label in BAND_LABELS:
            counted = analysis.bands.get(band)
            shown = _(label) if label[0].isalpha() else label  # "95–99 %" needs no translation
            rows.append((shown, counted.segments if counted else 0, counted.words if counted else 0))
        # TRANSLATORS: statistics row: all segments of the translation.
        rows.append((_("total"), analysis.total.segments, analysis.total.words))
        _fill(self.bands, rows)
        self.bands_status.clear()

    def band_cell(self, row: int, column: int) -> str:
        item = self.bands.item(row, column)
        return item.text() if item else ""


class TranslationSidePanel(QTabWidget):
    """The right-hand tabs of the translation editor; more panes join with `add_panel`."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        # Every tab stays in sight in a narrow pane: titles are shortened rather than scrolled away.
        self.setElideMode(Qt.TextElideMode.ElideRight)
        self.setUsesScrollButtons(False)
        self.tabBar().setStyleSheet("QTabBar::tab{padding:4px 8px;}")
        self.comments = CommentsPanel()
        self.statistics = StatisticsPanel()
        self.add_panel(self.comments, _("Comments"))
        self.add_panel(self.statistics, _("Statistics"))

    def add_panel(self, widget: QWidget, title: str, position: int = -1) -> int:
        """Add a pane (translation memory, glossary, QA…); `position` -1 appends. Returns its index."""
        return self.insertTab(position, widget, title)

    def set_comment_count(self, count: int) -> None:
        title = _("Comments") if not count else _("Comments ({n})").format(n=format_number(count))
        self.setTabText(self.indexOf(self.comments), title)
