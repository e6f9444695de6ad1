"""The article's pictures: thumbnails, and caption, alt text and credit in each language."""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, QSize, Qt, Signal
from PySide6.QtGui import QIcon, QPixmap
from PySide6.QtWidgets import (
    QComboBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from workstation.app import Services
from workstation.model import LANGUAGES, Article, Picture
from workstation.ui.fonts import font_for_language
from workstation.ui.i18n import _
from workstation.ui.operations import show_error


class PicturesPanel(QWidget):
    place_requested = Signal(str)
    texts_changed = Signal(str)

    def __init__(self, services: Services, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._services = services
        self._article: Article | None = None
        self._pictures: list[Picture] = []
        self._loading = False

        self.list = QListWidget()
        self.list.setObjectName("pictureList")
        self.list.setViewMode(QListWidget.ViewMode.IconMode)
        self.list.setIconSize(QSize(160, 120))
        self.list.setResizeMode(QListWidget.ResizeMode.Adjust)
        self.list.setMinimumHeight(170)
        self.list.currentRowChanged.connect(self._show_picture)
        self.language = QComboBox()
        for code, name in LANGUAGES.items():
            self.language.addItem(name, code)
        self.language.activated.connect(lambda _index: self._show_picture(self.list.currentRow()))
        self.caption = QPlainTextEdit(placeholderText=_("What the picture shows: who, what, where, when"))
        self.caption.setMaximumHeight(70)
        self.alt_text = QLineEdit(placeholderText=_("Alt text: describes the picture for people who cannot see it"))
        # TRANSLATORS: example of a picture credit; the credit itself is written in the picture's language.
        self.credit = QLineEdit(placeholderText=_("e.g. Ảnh: TTXVN / Photo: VNA"))
        self.copyright_holder = QLineEdit()
        self.details = QLabel()
        self.place_button = QPushButton(_("Place in text at cursor"))
        self.place_button.clicked.connect(self._place)

        form = QFormLayout()
        form.addRow(_("Language"), self.language)
        form.addRow(_("Caption"), self.caption)
        # TRANSLATORS: the text that replaces a picture for people who cannot see it (HTML alt attribute).
        form.addRow(_("Alt text"), self.alt_text)
        # TRANSLATORS: who took or supplied the picture, as printed beside it.
        form.addRow(_("Credit"), self.credit)
        form.addRow(_("Copyright holder"), self.copyright_holder)
        buttons = QHBoxLayout()
        buttons.addWidget(self.details, 1)
        buttons.addWidget(self.place_button)
        layout = QVBoxLayout(self)
        layout.addWidget(self.list)
        layout.addLayout(form)
        layout.addLayout(buttons)
        layout.addStretch(1)
        self.caption.installEventFilter(self)
        for line in (self.alt_text, self.credit, self.copyright_holder):
            line.editingFinished.connect(self.save_texts)
        self._enable(False)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self.caption and event.type() == QEvent.Type.FocusOut:
            self.save_texts()
        return super().eventFilter(watched, event)

    def load(self, article: Article) -> None:
        self._article = article
        self._pictures = self._services.pictures.pictures_of(article.id)
        self.language.setCurrentIndex(max(0, self.language.findData(article.language)))
        placed = set(article.picture_ids)
        self.list.clear()
        for picture in self._pictures:
            pixmap = QPixmap(str(self._services.pictures.thumbnail_path(picture)))
            caption = picture.captions.get(article.language, "") or picture.original_name
            label = caption if picture.id in placed else _("(not in text) {caption}").format(caption=caption)
            item = QListWidgetItem(QIcon(pixmap), label[:40])
            item.setToolTip(caption)
            self.list.addItem(item)
        if self._pictures:
            self.list.setCurrentRow(0)
        else:
            self._enable(False)

    def focus_picture(self, picture_id: str, language: str | None = None, field: str = "caption") -> bool:
        """Select the picture, show its texts in `language`, and put the cursor in `field`
        ("caption", "alt_text", "credit" or "copyright_holder"); False if the article has no such picture."""
        row = next((n for n, picture in enumerate(self._pictures) if picture.id == picture_id), None)
        if row is None:
            return False
        self.save_texts()
        if language and self.language.findData(language) >= 0:
            self.language.setCurrentIndex(self.language.findData(language))
        self.list.setCurrentRow(row)
        self._show_picture(row)
        fields = {"alt_text": self.alt_text, "credit": self.credit, "copyright_holder": self.copyright_holder}
        fields.get(field, self.caption).setFocus(Qt.FocusReason.OtherFocusReason)
        return True

    def _enable(self, enabled: bool) -> None:
        for widget in (self.caption, self.alt_text, self.credit, self.copyright_holder, self.place_button):
            widget.setEnabled(enabled)

    def _current(self) -> Picture | None:
        row = self.list.currentRow()
        return self._pictures[row] if 0 <= row < len(self._pictures) else None

    def _show_picture(self, _row: int) -> None:
        picture = self._current()
        self._enable(picture is not None)
        if picture is None:
            return
        self._loading = True
        language = self.language.currentData()
        font = font_for_language(language)
        for widget in (self.caption, self.alt_text, self.credit):
            widget.setFont(font)
        self.caption.setPlainText(picture.captions.get(language, ""))
        self.alt_text.setText(picture.alt_texts.get(language, ""))
        self.credit.setText(picture.credits.get(language, ""))
        self.copyright_holder.setText(picture.copyright_holder)
        self.details.setText(f"{picture.original_name} · {picture.width}×{picture.height} · {picture.content_type}")
        self._loading = False

    def save_texts(self) -> None:
        picture = self._current()
        if picture is None or self._loading:
            return
        language = self.language.currentData()
        captions = {language: self.caption.toPlainText().strip()}
        alt_texts = {language: self.alt_text.text().strip()}
        credits = {language: self.credit.text().strip()}
        holder = self.copyright_holder.text().strip()
        if (
            picture.captions.get(language, "") == captions[language]
            and picture.alt_texts.get(language, "") == alt_texts[language]
            and picture.credits.get(language, "") == credits[language]
            and picture.copyright_holder == holder
        ):
            return
        try:
            updated = self._services.pictures.update_texts(
                picture.id, captions=captions, alt_texts=alt_texts, credits=credits, copyright_holder=holder
            )
        except Exception as error:
            show_error(self, _("The picture's texts could not be saved"), error)
            return
        self._pictures[self.list.currentRow()] = updated
        self.texts_changed.emit(picture.id)

    def _place(self) -> None:
        picture = self._current()
        if picture is not None:
            self.place_requested.emit(picture.id)
