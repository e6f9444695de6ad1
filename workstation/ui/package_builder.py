"""The builder of one package: its name, destination and note, and its articles in order.

Every edit is saved through the packaging service as it is made (the name and destination when the
field is left, the note shortly after typing stops, the articles at once); the service announces the
change, and the Packages view re-reads the overview and re-checks the rules.
"""

from __future__ import annotations

from PySide6.QtCore import QSignalBlocker, Qt, QTimer, Signal
from PySide6.QtGui import QDropEvent, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QGridLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPlainTextEdit,
    QPushButton,
    QToolButton,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from workstation.app import Services
from workstation.language.folding import fold
from workstation.model import ArticleOverview, Package, PackageOverview, SegmentState
from workstation.ui.fonts import font_for_language
from workstation.ui.i18n import _, format_number, ngettext, state_label
from workstation.ui.operations import format_size, show_error
from workstation.ui.package_parts import CHIPS_ROLE, ChipsDelegate, LanguageChip, chips_text

ID_ROLE = Qt.ItemDataRole.UserRole
NUMBER, ARTICLE, LANGUAGES, PICTURES, SIZE = range(5)
NOTE_SAVE_DELAY_MS = 800


def chips_of(article: ArticleOverview) -> list[LanguageChip]:
    """The source first (its workflow state; ready once cleared), then each translation: "final" once
    every sentence is, else its workflow state (a translation's own state says little of its sentences)."""
    return [
        LanguageChip(
            item.language,
            SegmentState.FINAL if item.final and item.item_id != article.article_id else item.state,
            item.final,
        )
        for item in article.languages
    ]


class ArticleOrderTree(QTreeWidget):
    """The package's articles; rows are dragged to reorder them, never dropped onto one another."""

    reordered = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setDragDropMode(QAbstractItemView.DragDropMode.InternalMove)
        self.setDefaultDropAction(Qt.DropAction.MoveAction)
        self.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.setRootIsDecorated(False)
        self.setAlternatingRowColors(True)
        self.invisibleRootItem().setFlags(Qt.ItemFlag.ItemIsDropEnabled)

    def dropEvent(self, event: QDropEvent) -> None:
        """Move the dragged row above or below the row it is dropped on (at the end below the last).

        The move is done here rather than by Qt's InternalMove, whose drop onto a row's middle nests
        rows; the drop is then reported as ignored, so the drag's source removes nothing."""
        moved = self.currentItem()
        if moved is None or event.source() not in (self, None):
            event.ignore()
            return
        position = event.position().toPoint()
        target = self.itemAt(position)
        if target is None:
            row = self.topLevelItemCount()
        else:
            row = self.indexOfTopLevelItem(target)
            if position.y() > self.visualItemRect(target).center().y():
                row += 1
        origin = self.indexOfTopLevelItem(moved)
        if row > origin:
            row -= 1  # the rows after the origin move up once it is taken out
        event.setDropAction(Qt.DropAction.IgnoreAction)
        event.accept()
        if row != origin:
            self.move_row(origin, row)

    def move_row(self, origin: int, row: int) -> None:
        """Move the article at `origin` to `row`, keep it current, and announce the new order."""
        moved = self.takeTopLevelItem(origin)
        self.insertTopLevelItem(row, moved)
        self.setCurrentItem(moved)
        self.reordered.emit()

    def article_ids(self) -> list[str]:
        return [self.topLevelItem(row).data(NUMBER, ID_ROLE) for row in range(self.topLevelItemCount())]


class AddArticlesDialog(QDialog):
    """The articles not yet in the package, filtered as one types (accents and case ignored)."""

    def __init__(self, services: Services, exclude: set[str], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(_("Add articles to the package"))
        self.search = QLineEdit(placeholderText=_("Search the headlines…"))
        self.search.setClearButtonEnabled(True)
        self.search.textChanged.connect(self._filter)
        self.articles = QListWidget()
        self._folded: list[str] = []
        for summary in services.editorial.summaries(translations=False):
            if summary.id in exclude:
                continue
            headline = summary.headline or _("(no headline)")
            item = QListWidgetItem(f"[{summary.language}] {headline} · {state_label(summary.state)}")
            item.setData(ID_ROLE, summary.id)
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            item.setCheckState(Qt.CheckState.Unchecked)
            item.setFont(font_for_language(summary.language))
            self.articles.addItem(item)
            self._folded.append(fold(headline))
        self.articles.itemActivated.connect(self._toggle)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        # Qt ships no Vietnamese catalog for its standard buttons.
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setText(_("Add"))
        self.buttons.button(QDialogButtonBox.StandardButton.Cancel).setText(_("Cancel"))
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        self.body = QVBoxLayout(self)
        self.body.addWidget(self.search)
        self.body.addWidget(QLabel(_("Each article comes with all its translations.")))
        self.body.addWidget(self.articles, 1)
        self.body.addWidget(self.buttons)
        self.resize(600, 460)

    def _filter(self, text: str) -> None:
        wanted = fold(text.strip())
        for row, folded in enumerate(self._folded):
            self.articles.item(row).setHidden(bool(wanted) and wanted not in folded)

    def _toggle(self, item: QListWidgetItem) -> None:
        checked = item.checkState() == Qt.CheckState.Checked
        item.setCheckState(Qt.CheckState.Unchecked if checked else Qt.CheckState.Checked)

    def chosen_ids(self) -> list[str]:
        return [
            self.articles.item(row).data(ID_ROLE)
            for row in range(self.articles.count())
            if self.articles.item(row).checkState() == Qt.CheckState.Checked
        ]


class PackageBuilder(QWidget):
    """Edits one package; `article_opened(article_id)` asks to open an article (double-click on a row)."""

    article_opened = Signal(str)

    def __init__(self, services: Services, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._services = services
        self.package: Package | None = None
        self.overview: PackageOverview | None = None

        self.name = QLineEdit(placeholderText=_("Package name, e.g. News for the portal, week 42"))
        self.name.setObjectName("packageName")
        name_font = self.name.font()
        name_font.setBold(True)
        self.name.setFont(name_font)
        self.destination = QLineEdit(placeholderText="portal")  # the stored default, an identifier
        self.destination.setToolTip(_("Where the portal should publish the package"))
        self.note = QPlainTextEdit(placeholderText=_("A note to the portal's editors (not published)"))
        self.note.setMaximumHeight(64)
        self.note.setTabChangesFocus(True)
        self._note_timer = QTimer(self, singleShot=True, interval=NOTE_SAVE_DELAY_MS)
        self._note_timer.timeout.connect(self.save_details)
        self.name.editingFinished.connect(self.save_details)
        self.destination.editingFinished.connect(self.save_details)
        self.note.textChanged.connect(self._note_typed)

        self.articles = ArticleOrderTree()
        self.articles.setObjectName("packageArticles")
        self.articles.setHeaderLabels(["#", _("Article"), _("Languages"), _("Pictures"), _("Size")])
        self.articles.setItemDelegateForColumn(LANGUAGES, ChipsDelegate(self.articles))
        header = self.articles.header()
        header.setStretchLastSection(False)
        header.setSectionResizeMode(NUMBER, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(ARTICLE, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(LANGUAGES, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(PICTURES, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(SIZE, QHeaderView.ResizeMode.ResizeToContents)
        self.articles.reordered.connect(self._save_order)
        self.articles.currentItemChanged.connect(lambda *_args: self._enable_row_buttons())
        self.articles.itemDoubleClicked.connect(
            lambda item, _column: self.article_opened.emit(item.data(NUMBER, ID_ROLE))
        )

        self.add_button = QPushButton(_("Add articles…"))
        self.add_button.clicked.connect(self._choose_articles)
        self.up_button = QToolButton(text="↑", toolTip=_("Move up (Alt+Up)"))
        self.up_button.clicked.connect(lambda: self.move_current(-1))
        self.down_button = QToolButton(text="↓", toolTip=_("Move down (Alt+Down)"))
        self.down_button.clicked.connect(lambda: self.move_current(1))
        # TRANSLATORS: button: take the selected article out of the package.
        self.remove_button = QPushButton(_("Remove"))
        self.remove_button.setToolTip(_("Take the article out of the package (the article itself stays)"))
        self.remove_button.clicked.connect(self.remove_current)
        QShortcut(QKeySequence("Alt+Up"), self.articles, activated=lambda: self.move_current(-1))
        QShortcut(QKeySequence("Alt+Down"), self.articles, activated=lambda: self.move_current(1))
        QShortcut(QKeySequence.StandardKey.Delete, self.articles, activated=self.remove_current)
        self.total = QLabel()
        self.total.setObjectName("packageTotal")
        self.total.setStyleSheet("font-weight:bold;")

        details = QGridLayout()
        details.addWidget(QLabel(_("Name")), 0, 0)
        details.addWidget(self.name, 0, 1)
        # TRANSLATORS: where a package goes: the portal, or a section of it.
        details.addWidget(QLabel(_("Destination")), 0, 2)
        details.addWidget(self.destination, 0, 3)
        details.addWidget(QLabel(_("Note to the portal's editors")), 1, 0, 1, 4)
        details.addWidget(self.note, 2, 0, 1, 4)
        details.setColumnStretch(1, 3)
        details.setColumnStretch(3, 1)
        row_buttons = QHBoxLayout()
        row_buttons.addWidget(self.total, 1)
        row_buttons.addWidget(self.add_button)
        row_buttons.addWidget(self.up_button)
        row_buttons.addWidget(self.down_button)
        row_buttons.addWidget(self.remove_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(details)
        layout.addLayout(row_buttons)
        layout.addWidget(self.articles, 1)
        self.setEnabled(False)

    # --- showing ------------------------------------------------------------------------------

    def show_package(self, package: Package | None, overview: PackageOverview | None) -> None:
        """Show `package`; a field being edited keeps what the person typed."""
        same_package = self.package is not None and package is not None and self.package.id == package.id
        self.package, self.overview = package, overview
        self.setEnabled(package is not None)
        if package is None or overview is None:
            for line in (self.name, self.destination):
                line.clear()
            self._show_note("")
            self.articles.clear()
            self.total.clear()
            return
        if not (same_package and self.name.hasFocus()):
            self.name.setText(package.name)
        if not (same_package and self.destination.hasFocus()):
            self.destination.setText(package.destination)
        if not (same_package and (self.note.hasFocus() or self._note_timer.isActive())):
            self._show_note(package.note)
        self._show_articles(overview)

    def _show_note(self, note: str) -> None:
        """Show the stored note without it counting as typing (which would save it back)."""
        with QSignalBlocker(self.note):
            self.note.setPlainText(note)

    def _show_articles(self, overview: PackageOverview) -> None:
        current = self.current_article_id()
        self.articles.clear()
        for number, article in enumerate(overview.articles, start=1):
            chips = chips_of(article)
            row = QTreeWidgetItem(
                [
                    format_number(number),
                    article.headline or _("(no headline)"),
                    chips_text(chips),
                    format_number(article.picture_count),
                    format_size(article.size),
                ]
            )
            row.setData(NUMBER, ID_ROLE, article.article_id)
            row.setData(LANGUAGES, CHIPS_ROLE, chips)
            row.setFont(ARTICLE, font_for_language(article.language, self.articles.font()))
            row.setToolTip(ARTICLE, f"{article.headline}\n{state_label(article.state)}")
            row.setToolTip(LANGUAGES, chips_text(chips))
            row.setTextAlignment(PICTURES, Qt.AlignmentFlag.AlignCenter)
            row.setTextAlignment(SIZE, Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            row.setFlags(
                Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable | Qt.ItemFlag.ItemIsDragEnabled
            )  # no ItemIsDropEnabled: a row dropped on a row goes beside it, not inside it
            self.articles.addTopLevelItem(row)
            if article.article_id == current:
                self.articles.setCurrentItem(row)
        count = len(overview.articles)
        self.total.setText(
            ngettext("{n} article", "{n} articles", count).format(n=format_number(count))
            + " · "
            + _("about {size} in all").format(size=format_size(overview.total_size))
        )
        self._enable_row_buttons()

    def current_article_id(self) -> str | None:
        item = self.articles.currentItem()
        return item.data(NUMBER, ID_ROLE) if item is not None else None

    def _enable_row_buttons(self) -> None:
        row = self.articles.indexOfTopLevelItem(self.articles.currentItem()) if self.articles.currentItem() else -1
        count = self.articles.topLevelItemCount()
        self.up_button.setEnabled(row > 0)
        self.down_button.setEnabled(0 <= row < count - 1)
        self.remove_button.setEnabled(row >= 0 and count > 1)  # a package keeps at least one article

    # --- editing ------------------------------------------------------------------------------

    def _note_typed(self) -> None:
        if self.package is not None:
            self._note_timer.start()

    def save_details(self) -> None:
        """Save the name, destination and note if they differ from the stored package."""
        self._note_timer.stop()
        package = self.package
        if package is None:
            return
        name = self.name.text().strip()
        destination = self.destination.text().strip() or package.destination
        note = self.note.toPlainText().strip()
        if (name, destination, note) == (package.name, package.destination, package.note):
            return
        try:
            self.package = self._services.packaging.update(package.id, name=name, destination=destination, note=note)
        except Exception as error:
            show_error(self, _("The package could not be saved"), error)

    def move_current(self, step: int) -> None:
        item = self.articles.currentItem()
        if item is None:
            return
        row = self.articles.indexOfTopLevelItem(item)
        if 0 <= row + step < self.articles.topLevelItemCount():
            self.articles.move_row(row, row + step)  # its `reordered` saves the order

    def remove_current(self) -> None:
        item = self.articles.currentItem()
        if item is None or self.articles.topLevelItemCount() <= 1:
            return
        self.articles.takeTopLevelItem(self.articles.indexOfTopLevelItem(item))
        self._save_order()

    def add_articles(self, article_ids: list[str]) -> None:
        self.set_article_ids([*self.articles.article_ids(), *article_ids])

    def set_article_ids(self, article_ids: list[str]) -> None:
        """Save the package's articles in this order (the service announces it, and the view reloads)."""
        if self.package is None:
            return
        try:
            self.package = self._services.packaging.update(self.package.id, article_ids=article_ids)
        except Exception as error:
            show_error(self, _("The package could not be saved"), error)
            if self.overview is not None:
                self._show_articles(self.overview)  # back to what the store holds

    def _save_order(self) -> None:
        self._enable_row_buttons()
        ids = self.articles.article_ids()
        if self.package is not None and ids != self.package.article_ids:
            self.set_article_ids(ids)

    def _choose_articles(self) -> None:
        if self.package is None:
            return
        dialog = AddArticlesDialog(self._services, set(self.articles.article_ids()), self)
        if dialog.exec() == QDialog.DialogCode.Accepted and dialog.chosen_ids():
            self.add_articles(dialog.chosen_ids())
