"""Packages: choose articles, seal them into the outbox, follow where each package stands."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QProgressBar,
    QPushButton,
    QSplitter,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from workstation.app import Services
from workstation.model import Changes, Package
from workstation.packaging.service import SealResult
from workstation.ui.fonts import font_for_language
from workstation.ui.i18n import N_, _, format_number, state_label
from workstation.ui.operations import Operation, OperationContext, show_error

PACKAGE_HEADERS = (N_("Package"), N_("Articles"), N_("Version"), N_("State"))


class NewPackageDialog(QDialog):
    def __init__(self, services: Services, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(_("New package"))
        self.name = QLineEdit(placeholderText=_("Package name, e.g. News for the portal, week 42"))
        self.articles = QListWidget()
        for summary in services.editorial.summaries(translations=False):
            item = QListWidgetItem(f"[{summary.language}] {summary.headline or _('(no headline)')}")
            item.setData(Qt.ItemDataRole.UserRole, summary.id)
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            item.setCheckState(Qt.CheckState.Unchecked)
            item.setFont(font_for_language(summary.language))
            self.articles.addItem(item)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        # Qt ships no Vietnamese catalog for its standard buttons.
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText(_("OK"))
        buttons.button(QDialogButtonBox.StandardButton.Cancel).setText(_("Cancel"))
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel(_("Name")))
        layout.addWidget(self.name)
        layout.addWidget(QLabel(_("Articles (each comes with all its translations)")))
        layout.addWidget(self.articles)
        layout.addWidget(buttons)
        self.resize(560, 420)

    def chosen_ids(self) -> list[str]:
        return [
            self.articles.item(row).data(Qt.ItemDataRole.UserRole)
            for row in range(self.articles.count())
            if self.articles.item(row).checkState() == Qt.CheckState.Checked
        ]


class PackagesView(QWidget):
    sealed = Signal(object)

    def __init__(self, services: Services, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._services = services
        self._operation: Operation[SealResult] | None = None
        self.table = QTableWidget(0, 4)
        self.table.setHorizontalHeaderLabels([_(header) for header in PACKAGE_HEADERS])
        self.table.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        self.table.setSelectionBehavior(QTableWidget.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QTableWidget.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().hide()
        self.table.currentCellChanged.connect(lambda *_: self._show_contents())
        self.contents = QListWidget()
        self.new_button = QPushButton(_("New package…"))
        self.new_button.clicked.connect(self._new_package)
        self.seal_button = QPushButton(_("Seal and queue for the portal"))
        self.seal_button.clicked.connect(self.seal_selected)
        self.progress = QProgressBar()
        self.progress.hide()
        buttons = QHBoxLayout()
        buttons.addWidget(self.new_button)
        buttons.addWidget(self.seal_button)
        buttons.addWidget(self.progress, 1)
        splitter = QSplitter(Qt.Orientation.Vertical)
        splitter.addWidget(self.table)
        contents_box = QWidget()
        contents_layout = QVBoxLayout(contents_box)
        contents_layout.setContentsMargins(0, 0, 0, 0)
        contents_layout.addWidget(QLabel(_("Contents of the selected package")))
        contents_layout.addWidget(self.contents)
        splitter.addWidget(contents_box)
        layout = QVBoxLayout(self)
        layout.addLayout(buttons)
        layout.addWidget(splitter)
        self.reload()

    def reload(self) -> None:
        current = self.selected_package_id()
        packages = self._services.packaging.list()
        self.table.setRowCount(len(packages))
        for row, package in enumerate(packages):
            state = state_label(self._services.packaging.status(package.id).value)
            cells = [package.name, format_number(len(package.article_ids)), str(package.version or "–"), state]
            for column, text in enumerate(cells):
                cell = QTableWidgetItem(text)
                cell.setData(Qt.ItemDataRole.UserRole, package.id)
                self.table.setItem(row, column, cell)
            if package.id == current:
                self.table.selectRow(row)
        if current is None and packages:
            self.table.selectRow(0)
        self._show_contents()

    def on_changes(self, changes: Changes) -> None:
        if changes.packages or changes.outbox or changes.articles:
            self.reload()

    def selected_package_id(self) -> str | None:
        item = self.table.item(self.table.currentRow(), 0)
        return item.data(Qt.ItemDataRole.UserRole) if item else None

    def create_package(self, name: str, article_ids: list[str]) -> Package:
        package = self._services.packaging.create(name, article_ids)
        self.reload()
        return package

    def seal_selected(self) -> Operation[SealResult] | None:
        package_id = self.selected_package_id()
        if package_id is None or (self._operation is not None and self._operation.running):
            return None
        packaging = self._services.packaging

        def work(context: OperationContext) -> SealResult:
            return packaging.seal(package_id, progress=context.progress, cancelled=context.cancelled)

        self.progress.setRange(0, 0)
        self.progress.show()
        self.seal_button.setEnabled(False)
        self._operation = Operation(self, work, on_success=self.sealed.emit, title=_("Sealing failed"))
        self._operation.progressed.connect(self._on_progress)
        self._operation.finished.connect(self._on_finished)
        return self._operation

    def _on_progress(self, done: int, total: int, _label: str) -> None:
        self.progress.setRange(0, max(total, 1))
        self.progress.setValue(done)

    def _on_finished(self) -> None:
        self.progress.hide()
        self.seal_button.setEnabled(True)
        self.reload()

    def _new_package(self) -> None:
        dialog = NewPackageDialog(self._services, self)
        if dialog.exec() != QDialog.DialogCode.Accepted:
            return
        try:
            self.create_package(dialog.name.text(), dialog.chosen_ids())
        except Exception as error:
            show_error(self, _("The package could not be created"), error)

    def _show_contents(self) -> None:
        self.contents.clear()
        package_id = self.selected_package_id()
        if package_id is None:
            return
        package = self._services.packaging.get(package_id)
        for article in self._services.packaging.contents(package):
            if article.is_translation:
                headline = article.headline or _("(not translated yet)")
                text = "    ↳ " + _("translation [{language}] {headline}").format(
                    language=article.language, headline=headline
                )
            else:
                headline = article.headline or _("(no headline)")
                text = _("Article [{language}] {headline}").format(language=article.language, headline=headline)
            item = QListWidgetItem(text)
            item.setFont(font_for_language(article.language))
            self.contents.addItem(item)
