"""The main window: navigation on the left, one view per task, store and sync state below."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QCloseEvent, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QListWidget,
    QMainWindow,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from workstation.app import Services
from workstation.model import Changes, DeliveryState
from workstation.ui.articles_view import ArticlesView
from workstation.ui.bridge import ChangeSignals
from workstation.ui.packages_view import PackagesView
from workstation.ui.sync_view import SyncView
from workstation.ui.translations_view import TranslationsView


class GlossaryMemoryView(QWidget):
    """Counts of the station's shared language resources."""

    def __init__(self, services: Services, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._services = services
        self.summary = QLabel()
        self.summary.setWordWrap(True)
        self.summary.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel("<h2>Glossary &amp; Memory</h2>"))
        layout.addWidget(self.summary, 1)
        self.reload()

    def reload(self) -> None:
        translations = self._services.editorial.summaries(translations=True)
        self.summary.setText(
            f"{len(translations)} translations in this workspace.<br>"
            "Confirmed segments feed the translation memory; official names and terms live in the "
            "glossary, per language pair."
        )


class MainWindow(QMainWindow):
    SECTIONS = ("Articles", "Translations", "Packages", "Sync", "Glossary & Memory")

    def __init__(self, services: Services) -> None:
        super().__init__()
        self.services = services
        self.setWindowTitle(f"Editorial Workstation — {services.store.path.name}")
        self.resize(1280, 800)
        self.changes = ChangeSignals(services.bus, self)

        self.articles = ArticlesView(services)
        self.translations = TranslationsView(services)
        self.packages = PackagesView(services)
        self.sync = SyncView(services)
        self.glossary = GlossaryMemoryView(services)
        self.stack = QStackedWidget()
        for view in (self.articles, self.translations, self.packages, self.sync, self.glossary):
            self.stack.addWidget(view)
        self.navigation = QListWidget()
        self.navigation.addItems(self.SECTIONS)
        self.navigation.setFixedWidth(170)
        self.navigation.currentRowChanged.connect(self._show_row)
        self.navigation.setCurrentRow(0)
        for number in range(len(self.SECTIONS)):
            shortcut = QShortcut(QKeySequence(f"Ctrl+{number + 1}"), self)
            shortcut.activated.connect(lambda row=number: self.navigation.setCurrentRow(row))

        central = QWidget()
        layout = QHBoxLayout(central)
        layout.addWidget(self.navigation)
        layout.addWidget(self.stack, 1)
        self.setCentralWidget(central)

        self.store_label = QLabel()
        self.connection_label = QLabel()
        self.outbox_label = QLabel()
        for label in (self.store_label, self.connection_label, self.outbox_label):
            self.statusBar().addPermanentWidget(label)
        self.articles.translation_started.connect(self.show_translation)
        self.changes.changed.connect(self._on_changes)
        self.sync.synced.connect(lambda _result: self._refresh_status())
        self.sync.enrolled.connect(self._refresh_status)
        self._refresh_status()

    def show_section(self, name: str) -> None:
        self.navigation.setCurrentRow(self.SECTIONS.index(name))

    def show_translation(self, translation_id: str) -> None:
        self.show_section("Translations")
        self.translations.open(translation_id)

    def _show_row(self, row: int) -> None:
        # Leaving the editor writes what autosave has not yet, so other views see the latest text.
        self.articles.flush()
        self.stack.setCurrentIndex(row)

    def closeEvent(self, event: QCloseEvent) -> None:
        self.articles.flush()
        super().closeEvent(event)

    def _on_changes(self, changes: Changes) -> None:
        for view in (self.articles, self.translations, self.packages, self.sync):
            view.on_changes(changes)
        if changes.translations:
            self.glossary.reload()
        self._refresh_status()

    def _refresh_status(self) -> None:
        self.store_label.setText(f"Store: {self.services.store.path}")
        portal = self.services.sync.portal_url()
        self.connection_label.setText(f"Portal: {portal}" if portal else "Portal: not enrolled")
        waiting = sum(
            1
            for entry in self.services.packaging.outbox()
            if entry.state in (DeliveryState.QUEUED, DeliveryState.UPLOADING)
        )
        self.outbox_label.setText(f"Outbox: {waiting} waiting")
