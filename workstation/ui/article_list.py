"""The list beside the editor: filters over a paged table, or full-text search results with the match shown."""

from __future__ import annotations

import html
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING

from PySide6.QtCore import QAbstractListModel, QModelIndex, QPersistentModelIndex, QSize, Qt, QTimer, Signal
from PySide6.QtGui import QAbstractTextDocumentLayout, QPainter, QPalette, QTextDocument
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QLineEdit,
    QListView,
    QStackedWidget,
    QStyle,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QVBoxLayout,
    QWidget,
)

from workstation.app import Services
from workstation.editorial.search import highlight
from workstation.model import LANGUAGES, ArticleFilter, ArticleState, ArticleSummary
from workstation.ui.article_editor import GENRE_NAMES, state_name
from workstation.ui.i18n import N_, _, format_datetime_local
from workstation.ui.paged_model import Column, PagedTableModel, record_table

if TYPE_CHECKING:
    from workstation.editorial.search import SearchHit

SEARCH_DELAY_MS = 250
MATCH_OPEN, MATCH_CLOSE = '<span style="background:#ffe680;font-weight:bold">', "</span>"

ARTICLE_COLUMNS: list[Column[ArticleSummary]] = [
    Column(N_("Headline"), lambda row: row.headline or _("(no headline)"), lambda row: row.language),
    # TRANSLATORS: narrow column of the articles list: the article's language code (vi, en…).
    Column(N_("Lang"), lambda row: row.language),
    Column(N_("State"), lambda row: state_name(row.state)),
    Column(N_("Updated"), lambda row: format_datetime_local(row.updated_at, "short")),
]

# Days back from today for the "Changed" filter; None means any time. Labels translated where shown.
PERIODS = {
    # TRANSLATORS: filter of the articles list by when they were last changed.
    N_("Any time"): None,
    N_("Today"): 0,
    N_("Last 7 days"): 6,
    N_("Last 30 days"): 29,
    N_("Last 365 days"): 364,
}


def _column_samples() -> list[str]:
    """Texts as wide as the columns after the first usually get, in the current UI language."""
    widest_state = max((state_name(state) for state in ArticleState), key=len)
    return ["vi", widest_state, format_datetime_local("2026-12-28T23:59:00Z", "short")]


class SearchResultsModel(QAbstractListModel):
    def __init__(self) -> None:
        super().__init__()
        self.hits: list[SearchHit] = []

    def set_hits(self, hits: list[SearchHit]) -> None:
        self.beginResetModel()
        self.hits = hits
        self.endResetModel()

    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.hits)

    def data(self, index: QModelIndex | QPersistentModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> object:
        if not index.isValid():
            return None
        hit = self.hits[index.row()]
        if role == Qt.ItemDataRole.DisplayRole:
            # TRANSLATORS: what a search result is, shown after its language: "[vi] article".
            kind = _("translation") if hit.is_translation else _("article")
            headline = (
                highlight(hit.headline, hit.headline_spans, MATCH_OPEN, MATCH_CLOSE, html.escape)
                if hit.headline
                else html.escape(_("(no headline)"))
            )
            snippet = hit.highlighted(MATCH_OPEN, MATCH_CLOSE, html.escape)
            return f"<b>{headline}</b> <small>[{hit.language}] {kind}</small><br>{snippet}"
        if role == Qt.ItemDataRole.ToolTipRole:
            return hit.headline
        return None


class HtmlDelegate(QStyledItemDelegate):
    """Draws an item's text as rich text, so the search match shows highlighted."""

    def paint(self, painter: QPainter, option: QStyleOptionViewItem, index: QModelIndex) -> None:
        self.initStyleOption(option, index)
        document = self._document(option, index)
        style = option.widget.style() if option.widget else None
        text = option.text
        option.text = ""
        if style is not None:
            style.drawControl(QStyle.ControlElement.CE_ItemViewItem, option, painter, option.widget)
        option.text = text
        painter.save()
        painter.translate(option.rect.topLeft())
        context = QAbstractTextDocumentLayout.PaintContext()
        if option.state & QStyle.StateFlag.State_Selected:
            context.palette.setColor(QPalette.ColorRole.Text, option.palette.highlightedText().color())
        document.documentLayout().draw(painter, context)
        painter.restore()

    def sizeHint(self, option: QStyleOptionViewItem, index: QModelIndex) -> QSize:
        self.initStyleOption(option, index)
        document = self._document(option, index)
        return QSize(int(document.idealWidth()), int(document.size().height()))

    @staticmethod
    def _document(option: QStyleOptionViewItem, index: QModelIndex) -> QTextDocument:
        document = QTextDocument()
        document.setDefaultFont(option.font)
        document.setTextWidth(max(200, option.rect.width()))
        document.setHtml(str(index.data(Qt.ItemDataRole.DisplayRole) or ""))
        return document


class ArticleList(QWidget):
    """Emits the id of the article or translation the user picks."""

    article_chosen = Signal(str)
    translation_chosen = Signal(str)

    def __init__(self, services: Services, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._services = services
        self._filter = ArticleFilter()
        self.model = PagedTableModel(self._page, ARTICLE_COLUMNS, key=lambda row: row.id)
        self.table = record_table(self.model, _column_samples())

        self.search = QLineEdit(placeholderText=_("Search all articles and translations (Ctrl+F)"))
        self.search.setClearButtonEnabled(True)
        self.search.setObjectName("search")
        self._search_timer = QTimer(self, singleShot=True, interval=SEARCH_DELAY_MS)
        self._search_timer.timeout.connect(self.run_search)
        self.search.textChanged.connect(lambda _text: self._search_timer.start())
        self.results_model = SearchResultsModel()
        self.results = QListView()
        self.results.setObjectName("searchResults")
        self.results.setModel(self.results_model)
        self.results.setItemDelegate(HtmlDelegate(self.results))
        self.results.setWordWrap(True)
        self.results.setUniformItemSizes(False)
        self.results.clicked.connect(self._open_hit)
        self.results.activated.connect(self._open_hit)

        self.state = _combo({_("Any state"): None, **{state_name(s): str(s) for s in ArticleState}})
        self.language = _combo(
            {_("Any language"): None, **{f"{name} ({code})": code for code, name in LANGUAGES.items()}}
        )
        self.genre = _combo({_("Any genre"): None, **{_(label): str(genre) for genre, label in GENRE_NAMES.items()}})
        self.period = _combo({_(label): days for label, days in PERIODS.items()})
        # TRANSLATORS: filter of the articles list: one subject (topic) the articles are tagged with.
        self.subject = QLineEdit(placeholderText=_("Subject"))
        for combo in (self.state, self.language, self.genre, self.period):
            combo.activated.connect(self._filters_changed)
        self.subject.editingFinished.connect(self._filters_changed)

        filters = QHBoxLayout()
        for widget in (self.state, self.language, self.genre):
            filters.addWidget(widget)
        more = QHBoxLayout()
        more.addWidget(self.period)
        more.addWidget(self.subject)
        self.stack = QStackedWidget()
        self.stack.addWidget(self.table)
        self.stack.addWidget(self.results)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.search)
        layout.addLayout(filters)
        layout.addLayout(more)
        layout.addWidget(self.stack, 1)
        self.table.selectionModel().currentRowChanged.connect(self._open_row)
        self.model.reload()

    def _page(self, limit: int, offset: int) -> list[ArticleSummary]:
        return self._services.editorial.summaries(limit, offset, filter=self._filter)

    def _filters_changed(self) -> None:
        days = self.period.currentData()
        since = None
        if days is not None:
            since = (datetime.now(UTC) - timedelta(days=days)).strftime("%Y-%m-%d")
        state = self.state.currentData()
        self._filter = ArticleFilter(
            states=frozenset({state}) if state else frozenset(),
            language=self.language.currentData(),
            genre=self.genre.currentData(),
            subject=self.subject.text().strip() or None,
            updated_from=since,
        )
        self.model.reload()

    def run_search(self) -> None:
        query = self.search.text().strip()
        if not query:
            self.stack.setCurrentWidget(self.table)
            return
        hits = self._services.search.search(query, language=self.language.currentData(), as_you_type=True)
        self.results_model.set_hits(hits)
        self.stack.setCurrentWidget(self.results)

    def _open_row(self, current: QModelIndex, _previous: QModelIndex) -> None:
        if current.isValid():
            self.article_chosen.emit(self.model.row(current.row()).id)

    def _open_hit(self, index: QModelIndex) -> None:
        hit = self.results_model.hits[index.row()]
        if hit.is_translation:
            self.translation_chosen.emit(hit.id)
        else:
            self.article_chosen.emit(hit.id)


def _combo(choices: dict[str, object]) -> QComboBox:
    combo = QComboBox()
    for label, value in choices.items():
        combo.addItem(label, value)
    return combo
