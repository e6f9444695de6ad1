"""Articles: a lazily paged list beside a form editor that autosaves."""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING

from PySide6.QtCore import QModelIndex, QTimer, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from workstation.app import Services
from workstation.ids import new_id
from workstation.model import LANGUAGES, Article, ArticleSummary, Block, Changes
from workstation.ui.fonts import font_for_language
from workstation.ui.operations import show_error
from workstation.ui.paged_model import (
    Column,
    PagedTableModel,
    record_table,
    reload_keeping_selection,
    select_record,
)

if TYPE_CHECKING:
    from workstation.ui.spelling import SpellHighlighter

AUTOSAVE_DELAY_MS = 1500


def short_time(timestamp: str) -> str:
    """Timestamp "2026-11-27T18:42:11.399Z" as "11-27 18:42": enough to tell today's edits apart."""
    return timestamp[5:16].replace("T", " ")


ARTICLE_COLUMNS: list[Column[ArticleSummary]] = [
    Column("Headline", lambda row: row.headline or "(no headline)", lambda row: row.language),
    Column("Lang", lambda row: row.language),
    Column("State", lambda row: row.state),
    Column("Updated", lambda row: short_time(row.updated_at)),
]


class ArticleEditor(QWidget):
    """The fields of one article; edits are saved automatically shortly after typing stops."""

    saved = Signal(object)
    translate_requested = Signal(str, str)

    def __init__(self, services: Services, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._services = services
        self._article: Article | None = None
        self._loading = False
        self._dirty = False
        self._highlighters: dict[QPlainTextEdit, SpellHighlighter] = {}  # attached on first load
        self._autosave = QTimer(self, singleShot=True, interval=AUTOSAVE_DELAY_MS)
        self._autosave.timeout.connect(self.save_now)

        self.headline = QLineEdit(placeholderText="Headline")
        self.subheadline = QLineEdit(placeholderText="Subheadline (optional)")
        self.lead = QPlainTextEdit(placeholderText="Lead: the paragraph that sums up the story")
        self.lead.setMaximumHeight(90)
        self.body = QPlainTextEdit(placeholderText="Body: paragraphs separated by a blank line")
        self.byline = QLineEdit(placeholderText="Byline")
        self.dateline = QLineEdit(placeholderText="Dateline (place)")
        self.language = QComboBox()
        for code, name in LANGUAGES.items():
            self.language.addItem(f"{name} ({code})", code)
        self.status = QLabel("")
        self.status.setObjectName("editorStatus")

        form = QFormLayout()
        form.addRow("Headline", self.headline)
        form.addRow("Subheadline", self.subheadline)
        form.addRow("Lead", self.lead)
        form.addRow("Body", self.body)
        byline_row = QHBoxLayout()
        byline_row.addWidget(self.byline)
        byline_row.addWidget(QLabel("Dateline"))
        byline_row.addWidget(self.dateline)
        byline_row.addWidget(QLabel("Language"))
        byline_row.addWidget(self.language)
        form.addRow("Byline", byline_row)

        self.translate_to = QComboBox()
        self.translate_button = QPushButton("Start translation")
        self.translate_button.clicked.connect(self._request_translation)
        actions = QHBoxLayout()
        actions.addWidget(self.status, 1)
        actions.addWidget(QLabel("Translate into"))
        actions.addWidget(self.translate_to)
        actions.addWidget(self.translate_button)

        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addLayout(actions)

        for line in (self.headline, self.subheadline, self.byline, self.dateline):
            line.textEdited.connect(self._changed)
        for text in (self.lead, self.body):
            text.textChanged.connect(self._changed)
        self.language.currentIndexChanged.connect(self._changed)
        self.language.currentIndexChanged.connect(lambda _index: self._check_spelling(self.language.currentData()))
        self.setEnabled(False)

    @property
    def article(self) -> Article | None:
        return self._article

    def load(self, article: Article) -> None:
        self.save_now()
        self._loading = True
        self._article = article
        self.headline.setText(article.headline)
        self.subheadline.setText(article.subheadline)
        self.lead.setPlainText(article.lead)
        self.body.setPlainText("\n\n".join(block.text for block in article.blocks))
        self.byline.setText(article.byline)
        self.dateline.setText(article.dateline)
        self.language.setCurrentIndex(max(0, self.language.findData(article.language)))
        font = font_for_language(article.language)
        for widget in (self.headline, self.subheadline, self.lead, self.body):
            widget.setFont(font)
        self.translate_to.clear()
        for code, name in LANGUAGES.items():
            if code != article.language:
                self.translate_to.addItem(name, code)
        self._check_spelling(article.language)
        self.status.setText(f"Version {article.version} · saved")
        self._loading = False
        self.setEnabled(True)

    def _check_spelling(self, language: str) -> None:
        """As-you-type checking of the lead and body in the article's language (none for CJK)."""
        # Imported on first use: the word lists stay off the app's start-up path.
        from workstation.language.spelling import SpellChecker, supports_spelling
        from workstation.ui.spelling import attach_spellchecker

        enabled = supports_spelling(language)
        for editor in (self.lead, self.body):
            highlighter = self._highlighters.get(editor)
            if enabled:
                checker = SpellChecker(language, personal=self._services.dictionary)
                if highlighter is None:
                    self._highlighters[editor] = attach_spellchecker(editor, checker)
                else:
                    highlighter.set_checker(checker)
                    highlighter.set_enabled(True)
            elif highlighter is not None:
                highlighter.set_enabled(False)

    def has_unsaved_changes(self) -> bool:
        return self._dirty

    def save_now(self) -> None:
        """Write pending edits now (on autosave, switching article, and closing)."""
        self._autosave.stop()
        if not self._dirty or self._article is None:
            return
        self._dirty = False
        try:
            saved = self._services.editorial.save(self._collect(self._article))
        except Exception as error:
            self.status.setText("Not saved")
            show_error(self, "The article could not be saved", error)
            return
        self._article = saved
        self.status.setText(f"Version {saved.version} · saved")
        self.saved.emit(saved)

    def _changed(self) -> None:
        if self._loading or self._article is None:
            return
        # textChanged also fires when the spell checker repaints underlines; only real edits count.
        if not self._dirty and self._collect(self._article) == self._article:
            return
        self._dirty = True
        self.status.setText("Editing…")
        self._autosave.start()

    def _collect(self, article: Article) -> Article:
        paragraphs = [" ".join(chunk.split()) for chunk in self.body.toPlainText().split("\n\n") if chunk.strip()]
        # Paragraphs keep the block id of the block at the same position, so translations stay linked.
        blocks = [
            Block(id=article.blocks[n].id if n < len(article.blocks) else new_id(), text=text)
            for n, text in enumerate(paragraphs)
        ]
        return replace(
            article,
            headline=self.headline.text(),
            subheadline=self.subheadline.text(),
            lead=self.lead.toPlainText(),
            byline=self.byline.text(),
            dateline=self.dateline.text(),
            language=self.language.currentData(),
            blocks=blocks,
        )

    def _request_translation(self) -> None:
        if self._article is not None and self.translate_to.currentData():
            self.save_now()
            self.translate_requested.emit(self._article.id, self.translate_to.currentData())


class ArticlesView(QWidget):
    translation_started = Signal(str)

    def __init__(self, services: Services, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._services = services
        self.model = PagedTableModel(
            lambda limit, offset: services.editorial.summaries(limit, offset, translations=False),
            ARTICLE_COLUMNS,
            key=lambda row: row.id,
        )
        self.table = record_table(self.model, ["vi", "in_review", "11-27 18:42"])
        self.table.selectionModel().currentRowChanged.connect(self._open_row)
        self.new_button = QPushButton("New article")
        self.new_button.clicked.connect(self.new_article)
        self.editor = ArticleEditor(services)
        self.editor.translate_requested.connect(self._start_translation)
        self.editor.saved.connect(lambda _article: self._refresh_keep_selection())

        left = QWidget()
        left_layout = QVBoxLayout(left)
        left_layout.setContentsMargins(0, 0, 0, 0)
        left_layout.addWidget(self.new_button)
        left_layout.addWidget(self.table)
        splitter = QSplitter()
        splitter.addWidget(left)
        splitter.addWidget(self.editor)
        splitter.setSizes([380, 820])
        layout = QVBoxLayout(self)
        layout.addWidget(splitter)
        self.model.reload()

    def on_changes(self, changes: Changes) -> None:
        if changes.articles and not self.editor.has_unsaved_changes():
            self._refresh_keep_selection()

    def new_article(self) -> Article:
        self.editor.save_now()
        article = self._services.editorial.create_article("vi", "")
        self.model.reload()
        self.select(article.id)
        self.editor.headline.setFocus()
        return article

    def select(self, article_id: str) -> None:
        select_record(self.table, article_id)

    def flush(self) -> None:
        self.editor.save_now()

    def _open_row(self, current: QModelIndex, _previous: QModelIndex) -> None:
        if current.isValid():
            summary = self.model.row(current.row())
            if self.editor.article is None or self.editor.article.id != summary.id:
                self.editor.load(self._services.editorial.get(summary.id))

    def _refresh_keep_selection(self) -> None:
        reload_keeping_selection(self.table, self.editor.article.id if self.editor.article else None)

    def _start_translation(self, article_id: str, language: str) -> None:
        try:
            translation = self._services.translations.create(article_id, language)
        except Exception as error:
            show_error(self, "The translation could not be started", error)
            return
        self.translation_started.emit(translation.id)
