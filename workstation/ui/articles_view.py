"""Articles: the filtered, searchable list beside the editor of the chosen article."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import QFileDialog, QHBoxLayout, QPushButton, QSplitter, QVBoxLayout, QWidget

from workstation.app import Services
from workstation.editorial.service import DocxImport
from workstation.model import Article, Changes
from workstation.ui.article_editor import AUTOSAVE_DELAY_MS, ArticleEditor
from workstation.ui.article_list import ArticleList
from workstation.ui.history_panel import short_time
from workstation.ui.i18n import _
from workstation.ui.operations import Operation, show_error
from workstation.ui.paged_model import reload_keeping_selection, select_record

__all__ = ["AUTOSAVE_DELAY_MS", "ArticlesView", "short_time"]


class ArticlesView(QWidget):
    translation_started = Signal(str)
    translation_opened = Signal(str)

    def __init__(self, services: Services, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._services = services
        self.list = ArticleList(services)
        self.model = self.list.model
        self.table = self.list.table
        self.list.article_chosen.connect(self.open_article)
        self.list.translation_chosen.connect(self.translation_opened)
        self.new_button = QPushButton(_("New article"))
        self.new_button.clicked.connect(self.new_article)
        self.import_button = QPushButton(_("Import .docx…"))
        self.import_button.clicked.connect(self._choose_docx)
        self.editor = ArticleEditor(services)
        self.editor.translate_requested.connect(self._start_translation)
        self.editor.saved.connect(lambda _article: self._refresh_keep_selection())
        QShortcut(QKeySequence.StandardKey.Find, self, activated=self.list.search.setFocus)

        left = QWidget()
        left_layout = QVBoxLayout(left)
        left_layout.setContentsMargins(0, 0, 0, 0)
        buttons = QHBoxLayout()
        buttons.addWidget(self.new_button)
        buttons.addWidget(self.import_button)
        left_layout.addLayout(buttons)
        left_layout.addWidget(self.list)
        splitter = QSplitter()
        splitter.addWidget(left)
        splitter.addWidget(self.editor)
        splitter.setSizes([400, 880])
        layout = QVBoxLayout(self)
        layout.addWidget(splitter)

    def on_changes(self, changes: Changes) -> None:
        if changes.articles and not self.editor.has_unsaved_changes():
            self._refresh_keep_selection()
            self._reload_if_moved_elsewhere()

    def _reload_if_moved_elsewhere(self) -> None:
        """An article the portal returned (or someone else moved on) while open: show its new state,
        editability and the editors' comments at once. Only on a change of state, so the editor's own
        autosaves never reload it under the cursor."""
        shown = self.editor.article
        if shown is None:
            return
        current = self._services.editorial.get(shown.id)
        if current.state != shown.state:
            self.editor.load(current)

    def new_article(self) -> Article:
        self.editor.save_now()
        article = self._services.editorial.create_article("vi", "")
        self.list.search.clear()
        self.model.reload()
        self.select(article.id)
        self.editor.tabs.setCurrentIndex(0)
        self.editor.headline.setFocus()
        return article

    def select(self, article_id: str) -> None:
        if not select_record(self.table, article_id):
            self.open_article(article_id)  # filtered out of the list: open it all the same

    def open_article(self, article_id: str) -> None:
        if self.editor.article is None or self.editor.article.id != article_id:
            self.editor.load(self._services.editorial.get(article_id))

    def flush(self) -> None:
        self.editor.save_now()

    def import_docx(self, path: Path) -> Operation:
        editorial = self._services.editorial

        def imported(result: DocxImport) -> None:
            self.list.search.clear()
            self.model.reload()
            self.select(result.article.id)
            if result.warnings:
                self.editor.status.setText("; ".join(result.warnings))

        return Operation(
            self,
            lambda _context: editorial.import_docx(path, "vi"),
            on_success=imported,
            title=_("{name} could not be imported").format(name=path.name),
        )

    def _choose_docx(self) -> None:
        name, _filter = QFileDialog.getOpenFileName(self, _("Import a Word document"), "", _("Word documents (*.docx)"))
        if name:
            self.import_docx(Path(name))

    def _refresh_keep_selection(self) -> None:
        reload_keeping_selection(self.table, self.editor.article.id if self.editor.article else None)

    def _start_translation(self, article_id: str, language: str) -> None:
        try:
            translation = self._services.translations.create(article_id, language)
        except Exception as error:
            show_error(self, _("The translation could not be started"), error)
            return
        self.translation_started.emit(translation.id)
