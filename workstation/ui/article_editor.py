"""One article: text, details, pictures and history in tabs, saved automatically as the drafter types.

Autosave collects the fields on the UI thread (a few milliseconds even for a long article) and writes
on a single writer thread, so typing never waits for the disk; leaving the article, the view or the
app writes whatever is pending before it goes.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QDateTime, Qt, QThreadPool, QTimer, Signal, Slot
from PySide6.QtGui import QImage
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDateTimeEdit,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QTabWidget,
    QTextEdit,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from workstation.app import Services
from workstation.editorial import workflow
from workstation.language.counting import count
from workstation.model import LANGUAGES, Article, BlockKind, Genre, Picture, Role
from workstation.ui.body_editor import BLOCK_KIND, BodyEditor, format_property
from workstation.ui.fonts import font_for_language
from workstation.ui.i18n import N_, _, format_number, ngettext
from workstation.ui.operations import Operation, OperationContext, show_error
from workstation.ui.sync_feedback import ReturnedBanner

if TYPE_CHECKING:
    from workstation.ui.history_panel import HistoryPanel
    from workstation.ui.pictures_panel import PicturesPanel
    from workstation.ui.spelling import SpellHighlighter

AUTOSAVE_DELAY_MS = 1500

# English names, marked for the catalog; translated with `_()` where shown.
GENRE_NAMES = {
    # TRANSLATORS: genre of an article: a news item.
    Genre.NEWS: N_("News"),
    Genre.FEATURE: N_("Feature"),
    Genre.REPORT: N_("Report"),
    Genre.INTERVIEW: N_("Interview"),
    Genre.PHOTO_STORY: N_("Photo story"),
    Genre.INFOGRAPHIC: N_("Infographic"),
}
# The state badge of the editor and the state column and filter of the articles list.
STATE_NAMES = {
    "draft": N_("Draft"),
    # TRANSLATORS: state of an article: waiting for the head of mission's clearance.
    "in_review": N_("In review"),
    # TRANSLATORS: state of an article: cleared for publication by the head of mission.
    "approved": N_("Cleared"),
    # TRANSLATORS: state of an article: put in a package for the portal.
    "packaged": N_("Packaged"),
    "sent": N_("Sent"),
    # TRANSLATORS: state of an article: the portal accepted it.
    "accepted": N_("Accepted"),
    # TRANSLATORS: state of an article: the portal sent it back with comments.
    "returned": N_("Returned"),
}
# The button that takes an article from one state to another, as the person sees the step.
STEP_NAMES = {
    ("draft", "in_review"): N_("Submit for review"),
    ("in_review", "draft"): N_("Back to draft"),
    ("in_review", "approved"): N_("Clear for publication"),
    ("approved", "draft"): N_("Reopen for changes"),
    ("returned", "draft"): N_("Reopen for changes"),
    ("accepted", "draft"): N_("Reopen for a correction"),
}
_PEOPLE_STEPS = frozenset(STEP_NAMES)  # the other steps belong to packaging and sync
# Why a step's button is disabled: whole sentences, so each language can word them its own way.
ROLE_ONLY = {
    Role.DRAFTER: N_("Only a drafter can do this"),
    Role.TRANSLATOR: N_("Only a translator can do this"),
    Role.COORDINATOR: N_("Only a coordinator can do this"),
    Role.HEAD_OF_MISSION: N_("Only a head of mission can do this"),
}


def state_name(state: str) -> str:
    """The display name of an article's state in the UI language; an unknown state shows as stored."""
    name = STATE_NAMES.get(str(state))
    return _(name) if name else str(state)


def split_terms(text: str) -> list[str]:
    return [term.strip() for term in text.replace(";", ",").split(",") if term.strip()]


class ArticleEditor(QWidget):
    saved = Signal(object)
    translate_requested = Signal(str, str)
    counts_changed = Signal(str)

    def __init__(self, services: Services, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._services = services
        self._article: Article | None = None
        self._loading = False
        self._dirty = False
        self._highlighters: dict[QWidget, SpellHighlighter] = {}
        self._writer = QThreadPool(self)
        self._writer.setMaxThreadCount(1)  # one writer: saves land in the order they were made
        self._autosave = QTimer(self, singleShot=True, interval=AUTOSAVE_DELAY_MS)
        self._autosave.timeout.connect(self._autosave_in_background)
        self._recount = QTimer(self, singleShot=True, interval=300)
        self._recount.timeout.connect(self._emit_counts)

        self.state_label = QLabel()
        self.state_label.setObjectName("stateBadge")
        self.steps = QHBoxLayout()
        self.export_button = QPushButton(_("Export .docx…"))
        self.export_button.clicked.connect(self._export_docx)
        self.status = QLabel("")
        self.status.setObjectName("editorStatus")
        header = QHBoxLayout()
        header.addWidget(self.state_label)
        header.addLayout(self.steps)
        header.addStretch(1)
        header.addWidget(self.status)
        header.addWidget(self.export_button)

        self.tabs = QTabWidget()
        # TRANSLATORS: tab of the article editor: headline, lead and body.
        self.tabs.addTab(self._text_tab(), _("Text"))
        # TRANSLATORS: tab of the article editor: byline, dateline, genre, subjects, embargo, notes.
        self.tabs.addTab(self._details_tab(), _("Details"))
        self.tabs.addTab(QWidget(), _("Pictures"))
        # TRANSLATORS: tab of the article editor: the revisions and the workflow steps of the article.
        self.tabs.addTab(QWidget(), _("History"))
        self._pictures_panel: PicturesPanel | None = None
        self._history_panel: HistoryPanel | None = None
        self.tabs.currentChanged.connect(self._tab_shown)

        self.translate_to = QComboBox()
        self.translate_button = QPushButton(_("Start translation"))
        self.translate_button.clicked.connect(self._request_translation)
        footer = QHBoxLayout()
        footer.addStretch(1)
        footer.addWidget(QLabel(_("Translate into")))
        footer.addWidget(self.translate_to)
        footer.addWidget(self.translate_button)

        # The portal's editors' comments, above the text they are about, while it is being corrected.
        self.returned_banner = ReturnedBanner(services)

        layout = QVBoxLayout(self)
        layout.addLayout(header)
        layout.addWidget(self.returned_banner)
        layout.addWidget(self.tabs, 1)
        layout.addLayout(footer)
        self.setEnabled(False)

    # --- building ---------------------------------------------------------------------------

    def _text_tab(self) -> QWidget:
        self.headline = QLineEdit(placeholderText=_("Headline"))
        self.headline.setObjectName("headline")
        headline_font = self.headline.font()
        headline_font.setPointSizeF(headline_font.pointSizeF() * 1.35)
        headline_font.setBold(True)
        self.headline.setFont(headline_font)
        self.subheadline = QLineEdit(placeholderText=_("Subheadline (optional)"))
        self.lead = QPlainTextEdit(placeholderText=_("Lead: the paragraph that sums up the story"))
        self.lead.setMaximumHeight(80)
        self.lead.setTabChangesFocus(True)
        self.body = BodyEditor()
        self.body.set_thumbnail_source(self._thumbnail)
        self.body.pictures_dropped.connect(self.add_pictures)

        toolbar = QHBoxLayout()
        self.block_kind = QComboBox()
        for kind, label in (
            (BlockKind.PARAGRAPH, _("Paragraph")),
            # TRANSLATORS: a heading inside the body of an article (not its headline).
            (BlockKind.HEADING, _("Heading")),
            (BlockKind.QUOTE, _("Quote")),
            (BlockKind.BULLETED, _("Bulleted list")),
            (BlockKind.NUMBERED, _("Numbered list")),
        ):
            self.block_kind.addItem(label, str(kind))
        self.block_kind.activated.connect(self._set_block_kind)
        toolbar.addWidget(self.block_kind)
        for text, tip, action in (
            # The B and I of the bold and italic buttons are the same in every language.
            ("B", _("Bold (Ctrl+B)"), self.body.toggle_bold),
            ("I", _("Italic (Ctrl+I)"), self.body.toggle_italic),
            # TRANSLATORS: button of the body's toolbar: make the selected text a hyperlink.
            (_("Link"), _("Link the selected text (Ctrl+K)"), self.body.ask_for_link),
        ):
            button = QToolButton(text=text, toolTip=tip)
            button.clicked.connect(lambda _checked=False, act=action: self._format(act))
            toolbar.addWidget(button)
        self.picture_button = QPushButton(_("Add picture…"))
        self.picture_button.clicked.connect(self._choose_pictures)
        toolbar.addWidget(self.picture_button)
        toolbar.addStretch(1)

        tab = QWidget()
        layout = QVBoxLayout(tab)
        layout.addWidget(self.headline)
        layout.addWidget(self.subheadline)
        layout.addWidget(self.lead)
        layout.addLayout(toolbar)
        layout.addWidget(self.body, 1)
        self.headline.textEdited.connect(self._changed)
        self.subheadline.textEdited.connect(self._changed)
        self._watch(self.lead)
        self._watch(self.body)
        self.body.cursorPositionChanged.connect(self._show_block_kind)
        return tab

    def _details_tab(self) -> QWidget:
        self.byline = QLineEdit(placeholderText=_("Who wrote it"))
        self.dateline = QLineEdit(placeholderText=_("Where it was written, e.g. Seoul"))
        self.language = QComboBox()
        for code, name in LANGUAGES.items():
            self.language.addItem(f"{name} ({code})", code)
        self.genre = QComboBox()
        for genre, label in GENRE_NAMES.items():
            self.genre.addItem(_(label), str(genre))
        self.subjects = QLineEdit(placeholderText=_("Comma-separated, e.g. Du lịch, Hợp tác quốc tế"))
        self.keywords = QLineEdit(placeholderText=_("Comma-separated"))
        # TRANSLATORS: check box before the date and time before which the portal must not publish.
        self.embargoed = QCheckBox(_("Embargoed until"))
        self.embargo = QDateTimeEdit(calendarPopup=True)
        self.embargo.setDisplayFormat("yyyy-MM-dd HH:mm")
        self.embargo.setEnabled(False)
        self.notes = QPlainTextEdit(placeholderText=_("Notes to the portal's editors (never published)"))
        embargo_row = QHBoxLayout()
        embargo_row.addWidget(self.embargoed)
        embargo_row.addWidget(self.embargo, 1)

        tab = QWidget()
        form = QFormLayout(tab)
        # TRANSLATORS: the author line of an article.
        form.addRow(_("Byline"), self.byline)
        # TRANSLATORS: the place an article was written, e.g. "Seoul".
        form.addRow(_("Dateline"), self.dateline)
        form.addRow(_("Language"), self.language)
        form.addRow(_("Genre"), self.genre)
        form.addRow(_("Subjects"), self.subjects)
        form.addRow(_("Keywords"), self.keywords)
        # TRANSLATORS: the time before which the portal must not publish the article.
        form.addRow(_("Embargo"), embargo_row)
        form.addRow(_("Notes to editors"), self.notes)
        for line in (self.byline, self.dateline, self.subjects, self.keywords):
            line.textEdited.connect(self._changed)
        self.language.activated.connect(self._language_changed)
        self.genre.activated.connect(self._changed)
        self.embargoed.toggled.connect(self.embargo.setEnabled)
        self.embargoed.clicked.connect(self._changed)
        self.embargo.dateTimeChanged.connect(self._changed)
        self._watch(self.notes)
        return tab

    # --- loading ----------------------------------------------------------------------------

    @property
    def article(self) -> Article | None:
        return self._article

    @property
    def pictures_panel(self) -> PicturesPanel:
        if self._pictures_panel is None:
            from workstation.ui.pictures_panel import PicturesPanel

            self._pictures_panel = PicturesPanel(self._services)
            self._pictures_panel.place_requested.connect(self._place_picture)
            self._pictures_panel.texts_changed.connect(self.body.refresh_picture)
            self._replace_tab(2, self._pictures_panel, _("Pictures"))
            if self._article is not None:
                self._pictures_panel.load(self._article)
        return self._pictures_panel

    @property
    def history_panel(self) -> HistoryPanel:
        if self._history_panel is None:
            from workstation.ui.history_panel import HistoryPanel

            self._history_panel = HistoryPanel(self._services)
            self._history_panel.restored.connect(self._restored)
            self._replace_tab(3, self._history_panel, _("History"))
            if self._article is not None:
                self._history_panel.load(self._article.id)
        return self._history_panel

    def load(self, article: Article) -> None:
        self.save_now()
        self._loading = True
        self._article = article
        self.headline.setText(article.headline)
        self.subheadline.setText(article.subheadline)
        self.lead.setPlainText(article.lead)
        self.body.set_blocks(article.blocks)
        self._watch(self.body)
        self.byline.setText(article.byline)
        self.dateline.setText(article.dateline)
        self.language.setCurrentIndex(max(0, self.language.findData(article.language)))
        self.genre.setCurrentIndex(max(0, self.genre.findData(str(article.genre))))
        self.subjects.setText(", ".join(article.subjects))
        self.keywords.setText(", ".join(article.keywords))
        self.embargoed.setChecked(article.embargo is not None)
        embargo = QDateTime.fromString(article.embargo or "", Qt.DateFormat.ISODateWithMs)
        self.embargo.setDateTime(embargo.toLocalTime() if embargo.isValid() else QDateTime.currentDateTime().addDays(1))
        self.notes.setPlainText(article.notes)
        self._apply_language(article.language)
        self.translate_to.clear()
        for code, name in LANGUAGES.items():
            if code != article.language:
                self.translate_to.addItem(name, code)
        self._show_state(article)
        self.returned_banner.load(article)
        self.status.setText(_("Version {n} · saved").format(n=article.version))
        self._dirty = False
        self._loading = False
        self.setEnabled(True)
        if self._pictures_panel is not None:
            self._pictures_panel.load(article)
        if self._history_panel is not None:
            self._history_panel.load(article.id)
        self._emit_counts()

    def focus_field(self, field: str) -> QWidget:
        """Show the tab holding `field` (as the packaging rules name it) and put the cursor there."""
        if field == "pictures":
            self.tabs.setCurrentWidget(self.pictures_panel)
            return self.pictures_panel
        widgets: dict[str, QWidget] = {
            "headline": self.headline,
            "subheadline": self.subheadline,
            "lead": self.lead,
            "body": self.body,
            "byline": self.byline,
            "dateline": self.dateline,
            "language": self.language,
            "genre": self.genre,
            "subjects": self.subjects,
            "keywords": self.keywords,
            "embargo": self.embargo if self.embargo.isEnabled() else self.embargoed,
            "notes": self.notes,
        }
        steps = [self.steps.itemAt(n).widget() for n in range(self.steps.count())]
        if field == "state" and steps:  # the workflow buttons: clearing is what the rule asks for
            widget: QWidget = steps[-1]
        else:
            widget = widgets.get(field, self.headline)
        details = self.tabs.widget(1)
        self.tabs.setCurrentIndex(1 if details.isAncestorOf(widget) else 0)
        widget.setFocus(Qt.FocusReason.OtherFocusReason)
        return widget

    def _apply_language(self, language: str) -> None:
        font = font_for_language(language)
        for widget in (self.subheadline, self.lead, self.body):
            widget.setFont(font)
        self.headline.setFont(font_for_language(language, self.headline.font()))
        self._check_spelling(language)

    def _check_spelling(self, language: str) -> None:
        """As-you-type checking of the lead and body in the article's language (none for CJK)."""
        from workstation.language.spelling import SpellChecker, supports_spelling
        from workstation.ui.spelling import attach_spellchecker

        enabled = supports_spelling(language)
        for editor in (self.lead, self.body):
            highlighter = self._highlighters.get(editor)
            if highlighter is not None and highlighter.document() is not editor.document():
                highlighter.detach()  # the body's document is replaced on every load
                del self._highlighters[editor]
                highlighter = None
            if enabled:
                checker = SpellChecker(language, personal=self._services.dictionary)
                if highlighter is None:
                    self._highlighters[editor] = attach_spellchecker(editor, checker)  # type: ignore[arg-type]
                else:
                    highlighter.set_checker(checker)
                    highlighter.set_enabled(True)
            elif highlighter is not None:
                highlighter.set_enabled(False)

    def _show_state(self, article: Article) -> None:
        self.state_label.setText(f"<b>{state_name(article.state)}</b>")
        while self.steps.count():
            widget = self.steps.takeAt(0).widget()
            if widget is not None:
                widget.setParent(None)  # gone at once, not at the next turn of the event loop
                widget.deleteLater()
        profile = self._services.people.current()
        for to_state in workflow.next_states(article.state):
            if (article.state, to_state) not in _PEOPLE_STEPS:
                continue
            button = QPushButton(_(STEP_NAMES[(article.state, to_state)]))
            button.setObjectName(f"step_{to_state}")
            role = workflow.required_role(article.state, to_state)
            button.setEnabled(role is not None and profile.can(role))
            if not button.isEnabled() and role is not None:
                button.setToolTip(_(ROLE_ONLY[role]))
            button.clicked.connect(lambda _checked=False, state=to_state: self.move_to(state))
            self.steps.addWidget(button)
        editable = article.state in workflow.EDITABLE_STATES
        for widget in (self.headline, self.subheadline, self.byline, self.dateline, self.subjects, self.keywords):
            widget.setReadOnly(not editable)
        for text in (self.lead, self.body, self.notes):
            text.setReadOnly(not editable)
        for widget in (self.language, self.genre, self.embargoed, self.embargo, self.picture_button, self.block_kind):
            widget.setEnabled(editable and (widget is not self.embargo or self.embargoed.isChecked()))

    # --- editing ----------------------------------------------------------------------------

    def has_unsaved_changes(self) -> bool:
        return self._dirty

    @Slot()
    def _changed(self) -> None:
        if self._loading or self._article is None:
            return
        self._dirty = True
        self.status.setText(_("Editing…"))
        self._autosave.start()
        self._recount.start()

    def _watch(self, editor: QPlainTextEdit | QTextEdit) -> None:
        """Count real edits only: the spell checker's underlines change formats, never the text.

        Typing, pasting and formatting add an undo command; undoing changes the length.
        """
        document = editor.document()
        document.undoCommandAdded.connect(self._changed)
        document.contentsChange.connect(self._contents_change)

    @Slot(int, int, int)
    def _contents_change(self, _position: int, removed: int, added: int) -> None:
        if removed != added:
            self._changed()

    def _language_changed(self) -> None:
        self._apply_language(self.language.currentData())
        self._changed()

    def _format(self, action: Callable[[], None]) -> None:
        action()
        self.body.setFocus()

    def _set_block_kind(self, _index: int) -> None:
        self._format(lambda: self.body.set_kind(self.block_kind.currentData()))

    def _show_block_kind(self) -> None:
        cursor = self.body.textCursor()
        text_list = cursor.currentList()
        if text_list is not None:
            kind = BlockKind.NUMBERED if "Decimal" in str(text_list.format().style()) else BlockKind.BULLETED
        elif cursor.blockFormat().headingLevel():
            kind = BlockKind.HEADING
        else:
            kind = format_property(cursor.blockFormat(), BLOCK_KIND) or BlockKind.PARAGRAPH
            kind = kind if kind in (BlockKind.QUOTE, BlockKind.PARAGRAPH) else BlockKind.PARAGRAPH
        self.block_kind.setCurrentIndex(max(0, self.block_kind.findData(str(kind))))

    def collect(self) -> Article:
        """The article as the fields show it now."""
        assert self._article is not None
        article = self._article
        embargo = None
        if self.embargoed.isChecked():
            embargo = self.embargo.dateTime().toUTC().toString(Qt.DateFormat.ISODate)
        return replace(
            article,
            headline=self.headline.text(),
            subheadline=self.subheadline.text(),
            lead=self.lead.toPlainText(),
            blocks=self.body.blocks(article.blocks),
            byline=self.byline.text(),
            dateline=self.dateline.text(),
            language=self.language.currentData(),
            genre=self.genre.currentData(),
            subjects=split_terms(self.subjects.text()),
            keywords=split_terms(self.keywords.text()),
            embargo=embargo,
            notes=self.notes.toPlainText(),
        )

    def _take_pending(self) -> Article | None:
        """The edits not yet saved, marking them taken so typing from now on counts as new."""
        self._autosave.stop()
        if not self._dirty or self._article is None:
            return None
        self._dirty = False
        return self.collect()

    def _autosave_in_background(self) -> None:
        pending = self._take_pending()
        if pending is None:
            return
        self.status.setText(_("Saving…"))
        editorial = self._services.editorial
        Operation(
            self,
            lambda _context: editorial.save(pending, reason="autosave"),
            on_success=self._saved,
            on_failure=self._not_saved,
            pool=self._writer,
        )

    def save_now(self) -> None:
        """Write pending edits now and wait for writes in flight (switching article, leaving, closing)."""
        pending = self._take_pending()
        self._writer.waitForDone()
        if pending is None:
            return
        try:
            saved = self._services.editorial.save(pending, reason="autosave")
        except Exception as error:
            self._not_saved(error)
            return
        self._saved(saved)

    def _saved(self, saved: Article) -> None:
        if self._article is not None and saved.id == self._article.id:
            # Keep the block ids the store now knows, so the next collect matches them.
            self._article = saved
            if not self._dirty:
                self.status.setText(_("Version {n} · saved").format(n=saved.version))
            if self._history_panel is not None and self.tabs.currentWidget() is self._history_panel:
                self._history_panel.load(saved.id)
        self.saved.emit(saved)

    def _not_saved(self, error: BaseException) -> None:
        self._dirty = True  # keep the edits pending; the next change or flush tries again
        self.status.setText(_("Not saved"))
        show_error(self, _("The article could not be saved"), error)

    def _emit_counts(self) -> None:
        if self._article is None:
            return
        text = "\n".join((self.headline.text(), self.lead.toPlainText(), self.body.toPlainText()))
        counts = count(text, self.language.currentData() or self._article.language)
        if counts.unit == "characters":
            # TRANSLATORS: status bar: the length of a Chinese, Japanese or Korean text.
            self.counts_changed.emit(_("{characters} characters").format(characters=format_number(counts.length)))
        else:
            # TRANSLATORS: status bar: the length of the article; characters count the spaces too.
            self.counts_changed.emit(
                _("{words} words · {characters} characters").format(
                    words=format_number(counts.words), characters=format_number(counts.characters_with_spaces)
                )
            )

    # --- workflow ---------------------------------------------------------------------------

    def move_to(self, state: str, comment: str = "") -> bool:
        if self._article is None:
            return False
        self.save_now()
        try:
            moved = self._services.editorial.set_state(self._article.id, state, comment=comment)
        except Exception as error:
            show_error(self, _("The state could not be changed"), error)
            return False
        self.load(moved)
        self.saved.emit(moved)
        return True

    def reload_workflow(self) -> None:
        """The acting profile changed: show the steps it may take."""
        if self._article is not None:
            self._show_state(self._article)

    def _restored(self, article: Article) -> None:
        self.load(article)
        self.saved.emit(article)

    # --- pictures ---------------------------------------------------------------------------

    def _thumbnail(self, picture_id: str) -> QImage | None:
        try:
            picture = self._services.pictures.get(picture_id)
        except Exception:  # a picture of another workspace pasted in: shown as a placeholder
            return None
        image = QImage(str(self._services.pictures.thumbnail_path(picture)))
        return None if image.isNull() else image

    def _choose_pictures(self) -> None:
        files, _filter = QFileDialog.getOpenFileNames(
            self, _("Add pictures"), "", _("Pictures (*.jpg *.jpeg *.png *.webp)")
        )
        if files:
            self.add_pictures([Path(name) for name in files])

    def add_pictures(self, paths: list[Path]) -> Operation | None:
        """Store photos off the UI thread (large ones take a moment), then place each at the cursor."""
        if self._article is None or not paths:
            return None
        article_id, language = self._article.id, self._article.language
        pictures = self._services.pictures
        self.status.setText(_("Adding pictures…"))

        def work(context: OperationContext) -> list[Picture]:
            added = []
            for number, path in enumerate(paths, start=1):
                if context.cancelled():
                    break
                added.append(pictures.add(article_id, path, name=path.name, default_language=language))
                context.progress(number, len(paths), path.name)
            return added

        def placed(added: list[Picture]) -> None:
            if self._article is None or self._article.id != article_id:
                return
            for picture in added:
                self.body.insert_picture(picture.id)
            self._changed()
            if self._pictures_panel is not None:
                self._pictures_panel.load(self._article)
            self.status.setText(
                ngettext("{n} picture added", "{n} pictures added", len(added)).format(n=format_number(len(added)))
            )

        return Operation(self, work, on_success=placed, title=_("The pictures could not be added"))

    def _place_picture(self, picture_id: str) -> None:
        self.tabs.setCurrentIndex(0)
        self.body.insert_picture(picture_id)
        self._changed()

    # --- other ------------------------------------------------------------------------------

    def _tab_shown(self, index: int) -> None:
        if index == 2:
            _panel = self.pictures_panel  # built on first visit
        elif index == 3:
            self.save_now()
            self.history_panel.load(self._article.id) if self._article else None

    def _replace_tab(self, index: int, widget: QWidget, title: str) -> None:
        current = self.tabs.currentIndex()
        self.tabs.blockSignals(True)
        old = self.tabs.widget(index)
        self.tabs.removeTab(index)
        self.tabs.insertTab(index, widget, title)
        old.deleteLater()
        self.tabs.setCurrentIndex(current)
        self.tabs.blockSignals(False)

    def _export_docx(self) -> None:
        if self._article is None:
            return
        self.save_now()
        name, _filter = QFileDialog.getSaveFileName(
            self, _("Export as Word document"), "", _("Word documents (*.docx)")
        )
        if not name:
            return
        out = Path(name if name.lower().endswith(".docx") else f"{name}.docx")
        article_id = self._article.id
        editorial = self._services.editorial
        Operation(
            self,
            lambda _context: editorial.export_docx(article_id, out),
            on_success=lambda _result: self.status.setText(_("Exported to {name}").format(name=out.name)),
            title=_("The article could not be exported"),
        )

    def _request_translation(self) -> None:
        if self._article is not None and self.translate_to.currentData():
            self.save_now()
            self.translate_requested.emit(self._article.id, self.translate_to.currentData())
