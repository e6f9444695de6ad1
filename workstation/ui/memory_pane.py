"""The translation editor's "Memory" tab: the selected segment's matches, and concordance search.

The pane only shows what it is given (matches found on a worker by `translation_assist.py`) and asks
for insertions and searches by signal; it never queries the memory itself.
"""

from __future__ import annotations

import html
from collections.abc import Sequence
from dataclasses import dataclass, field

from PySide6.QtCore import Qt, QUrl, Signal
from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QSplitter,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from workstation.model import LANGUAGES
from workstation.translation.memory import ADDED, REMOVED, ConcordanceHit, DiffPiece, TmMatch, band_of
from workstation.translation.tags import TAG
from workstation.ui.fonts import font_for_language
from workstation.ui.i18n import _, format_date, format_number, ngettext
from workstation.ui.pane_parts import status_and_browser
from workstation.ui.translation_panels import DELETED_STYLE, INSERTED_STYLE

BAND_COLOURS = {
    "100": "#1b7f3b",
    "95-99": "#3f8f2a",
    "85-94": "#7c7f00",
    "75-84": "#c26a00",
    "50-74": "#b3261e",
    "new": "#777777",
}
TAG_STYLE = "color:#5b6472;background:#e3e7ee;font-size:small;"
FOUND_STYLE = "background:#fff0b3;font-weight:bold;"
INSERT_SCHEME = "insert"


def score_colour(score: int) -> str:
    """The colour of a match's score: green for 100 %, through olive and orange, to red for 50–74 %."""
    return BAND_COLOURS[band_of(score)]


def tagged_html(text: str) -> str:
    """Escaped text with its inline tags as small grey chips."""
    out, cursor = [], 0
    for match in TAG.finditer(text):
        out.append(html.escape(text[cursor : match.start()]))
        out.append(f'<span style="{TAG_STYLE}">{html.escape(match.group(0))}</span>')
        cursor = match.end()
    out.append(html.escape(text[cursor:]))
    return "".join(out)


def language_html(inner: str, language: str) -> str:
    """`inner` in the font of `language` (Han glyphs differ between Chinese and Japanese)."""
    families = font_for_language(language).families()
    if not families or language not in ("zh", "ja", "ko"):
        return f'<span lang="{language}">{inner}</span>'
    names = ",".join(f"'{name}'" for name in families)
    return f'<span lang="{language}" style="font-family:{names}">{inner}</span>'


def in_reading_order(pieces: Sequence[DiffPiece]) -> list[DiffPiece]:
    """The pieces with each replacement read old first: "[-30-]{+31+}", never "{+31+}[-30-]"."""
    ordered = list(pieces)
    for number in range(len(ordered) - 1):
        if ordered[number].op == ADDED and ordered[number + 1].op == REMOVED:
            ordered[number], ordered[number + 1] = ordered[number + 1], ordered[number]
    return ordered


def match_diff_html(pieces: Sequence[DiffPiece]) -> str:
    """The memory's source, what the current source lacks struck through on red and what it has
    instead on green: read as "turn the memory's sentence into the current one"."""
    out = []
    for piece in in_reading_order(pieces):
        text = tagged_html(piece.text)
        if piece.op == REMOVED:
            out.append(f'<span style="{DELETED_STYLE}">{text}</span>')
        elif piece.op == ADDED:
            out.append(f'<span style="{INSERTED_STYLE}">{text}</span>')
        else:
            out.append(text)
    return "".join(out)


def match_diff_plain(pieces: Sequence[DiffPiece]) -> str:
    """The same as text: "Năm nay đánh dấu [-30-]{+31+} năm"."""
    marks = {REMOVED: "[-{}-]", ADDED: "{{+{}+}}"}
    return "".join(
        marks[piece.op].format(piece.text) if piece.op in marks else piece.text for piece in in_reading_order(pieces)
    )


def match_key(number: int) -> str:
    return QKeySequence(f"Ctrl+{number}").toString(QKeySequence.SequenceFormat.NativeText)


@dataclass(frozen=True)
class ShownMatches:
    """What the pane shows: the matches of one segment, with readable origins."""

    address: str
    matches: tuple[TmMatch, ...]
    source_language: str
    target_language: str
    origins: dict[str, str] = field(default_factory=dict)
    """Origin → readable text ("this translation", "TMX file a.tmx", a headline)."""


class MatchesPane(QWidget):
    insert_requested = Signal(int)  # the match's number, from 1
    search_requested = Signal(str, str)  # language, text

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.shown: ShownMatches | None = None
        self.status, self.view = status_and_browser(self._clicked)

        self.search_language = QComboBox()
        self.search_language.setToolTip(_("Search the memory's sentences in this language"))
        self.search = QLineEdit()
        self.search.setClearButtonEnabled(True)
        self.search.setPlaceholderText(_("Search the memory for words or a phrase…"))
        self.search.returnPressed.connect(self._search)
        self.search_button = QPushButton(_("Search"))
        self.search_button.clicked.connect(self._search)
        self.results = QTextBrowser()
        self.results.setOpenLinks(False)
        self.results_status = QLabel()
        self.results_status.setStyleSheet("color:#555;")

        top = QWidget()
        top_layout = QVBoxLayout(top)
        top_layout.setContentsMargins(0, 0, 0, 0)
        top_layout.addWidget(self.status)
        top_layout.addWidget(self.view, 1)
        bottom = QWidget()
        bottom_layout = QVBoxLayout(bottom)
        bottom_layout.setContentsMargins(0, 0, 0, 0)
        # TRANSLATORS: heading of the search through the translation memory (concordance, as CAT tools say).
        heading = _("Concordance")
        bottom_layout.addWidget(QLabel(f"<b>{html.escape(heading)}</b>"))
        row = QHBoxLayout()
        row.addWidget(self.search_language)
        row.addWidget(self.search, 1)
        row.addWidget(self.search_button)
        bottom_layout.addLayout(row)
        bottom_layout.addWidget(self.results_status)
        bottom_layout.addWidget(self.results, 1)
        splitter = QSplitter(Qt.Orientation.Vertical)
        splitter.addWidget(top)
        splitter.addWidget(bottom)
        splitter.setStretchFactor(0, 3)
        splitter.setStretchFactor(1, 1)
        splitter.setChildrenCollapsible(False)
        layout = QVBoxLayout(self)
        layout.addWidget(splitter)
        self.clear()

    # --- matches ------------------------------------------------------------------------------

    def set_languages(self, source: str, target: str) -> None:
        """The languages concordance searches in: the source's first."""
        current = self.search_language.currentData()
        self.search_language.clear()
        for language in (source, target):
            self.search_language.addItem(LANGUAGES.get(language, language), language)
        index = self.search_language.findData(current)
        self.search_language.setCurrentIndex(max(0, index))

    def clear(self, text: str = "") -> None:
        self.shown = None
        self.view.clear()
        self.status.setText(text or _("Select a segment to see its matches in the translation memory."))

    def show_pending(self) -> None:
        self.shown = None
        self.view.clear()
        self.status.setText(_("Looking in the translation memory…"))

    def show_matches(self, shown: ShownMatches) -> None:
        self.shown = shown
        if not shown.matches:
            self.view.clear()
            self.status.setText(_("No memory match reaches 50 %."))
            return
        self.status.setText(
            _("{first} … {last} insert the matches into the target.").format(
                first=match_key(1), last=match_key(len(shown.matches))
            )
            if len(shown.matches) > 1
            else _("{key} inserts the match into the target.").format(key=match_key(1))
        )
        blocks = [self._match_html(number, match, shown) for number, match in enumerate(shown.matches, start=1)]
        self.view.setHtml("<hr>".join(blocks))

    def _match_html(self, number: int, match: TmMatch, shown: ShownMatches) -> str:
        colour = score_colour(match.score)
        badge = f"background:{colour};color:white;font-weight:bold;"
        score = f'<span style="{badge}">&nbsp;{match.score}&nbsp;%&nbsp;</span>'
        insert = _("Insert")
        details = [shown.origins.get(match.origin) or match.origin]
        if match.changed_at:
            details.append(format_date(match.changed_at))
        if match.created_by:
            details.append(match.created_by)
        meta = html.escape(" · ".join(part for part in details if part))
        source = language_html(match_diff_html(match.diff), shown.source_language)
        target = language_html(tagged_html(match.target), shown.target_language)
        return (
            f"<p style='margin:2px 0'>{score} <b>{number}</b> · "
            f'<a href="{INSERT_SCHEME}:{number}">{html.escape(insert)} ({html.escape(match_key(number))})</a>'
            f"<br><span style='color:#666;font-size:small'>{meta}</span></p>"
            f"<p style='margin:2px 0'>{source}</p>"
            f"<p style='margin:2px 0 6px 0;color:#0b3d91'>{target}</p>"
        )

    def _clicked(self, url: QUrl) -> None:
        if url.scheme() == INSERT_SCHEME and url.path().isdigit():
            self.insert_requested.emit(int(url.path()))

    def match_plain(self, number: int) -> str:
        """Match `number` as text: score, the source's differences, the target (tests, screen readers)."""
        if self.shown is None or not 0 < number <= len(self.shown.matches):
            return ""
        match = self.shown.matches[number - 1]
        return f"{match.score} % {match_diff_plain(match.diff)} → {match.target}"

    # --- concordance --------------------------------------------------------------------------

    def _search(self) -> None:
        text = self.search.text().strip()
        if text:
            self.results_status.setText(_("Searching…"))
            self.search_requested.emit(str(self.search_language.currentData() or ""), text)

    def show_concordance(self, hits: Sequence[ConcordanceHit], query: str) -> None:
        if not hits:
            self.results.clear()
            self.results_status.setText(_("Nothing in the memory holds “{query}”.").format(query=query))
            return
        self.results_status.setText(
            ngettext("{n} sentence holds “{query}”.", "{n} sentences hold “{query}” (newest first).", len(hits)).format(
                n=format_number(len(hits)), query=query
            )
        )
        self.results.setHtml("<hr>".join(concordance_html(hit) for hit in hits))

    def show_search_failure(self, text: str) -> None:
        self.results.clear()
        self.results_status.setText(text)


def concordance_html(hit: ConcordanceHit) -> str:
    out, cursor = [], 0
    for start, end in hit.spans:
        out.append(html.escape(hit.text[cursor:start]))
        out.append(f'<span style="{FOUND_STYLE}">{html.escape(hit.text[start:end])}</span>')
        cursor = end
    out.append(html.escape(hit.text[cursor:]))
    found = language_html("".join(out), hit.language)
    other = language_html(html.escape(hit.other_text), hit.other_language)
    when = html.escape(format_date(hit.changed_at)) if hit.changed_at else ""
    return (
        f"<p style='margin:2px 0'>{found}</p>"
        f"<p style='margin:2px 0;color:#0b3d91'>{other}</p>"
        f"<p style='margin:0 0 4px 0;color:#666;font-size:small'>{html.escape(hit.other_language)} · {when}</p>"
    )
