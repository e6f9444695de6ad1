"""The main window: navigation on the left, one view per task, store and sync state below."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtGui import QCloseEvent, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QMainWindow,
    QProgressDialog,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from workstation.app import Services
from workstation.model import Changes, JumpTarget
from workstation.session import begin_session, end_session, remember_open_article
from workstation.ui.articles_view import ArticlesView
from workstation.ui.bridge import ChangeSignals
from workstation.ui.i18n import N_, _, format_number
from workstation.ui.operations import Operation, OperationContext, transfer_text
from workstation.ui.sync_background import SyncRunner, connection_text

if TYPE_CHECKING:
    from workstation.storage.backup import BackupSummary
    from workstation.transfer_meter import TransferEstimate
    from workstation.ui.glossary_memory_view import GlossaryMemoryView
    from workstation.ui.packages_view import PackagesView
    from workstation.ui.settings_dialog import SettingsDialog
    from workstation.ui.sync_view import SyncView
    from workstation.ui.translations_view import TranslationsView

# The titles the navigation shows for MainWindow.SECTIONS (whose English names stay identifiers).
# The catalog extraction knows no msgctxt, and "Articles" alone is also a column of counts elsewhere
# ("number of articles"), so these msgids carry their context before a "|": `section_title` drops it
# when no catalog translates them.
SECTION_TITLES = {
    # TRANSLATORS: a section of the main window's navigation; translate only the text after the "|".
    "Articles": N_("navigation|Articles"),
    # TRANSLATORS: a section of the main window's navigation; translate only the text after the "|".
    "Translations": N_("navigation|Translations"),
    # TRANSLATORS: a section of the main window's navigation; translate only the text after the "|".
    "Packages": N_("navigation|Packages"),
    # TRANSLATORS: a section of the main window's navigation; translate only the text after the "|".
    "Sync": N_("navigation|Sync"),
    # TRANSLATORS: a section of the main window's navigation: the glossary and the translation memory;
    # translate only the text after the "|".
    "Glossary & Memory": N_("navigation|Glossary & Memory"),
}


def section_title(name: str) -> str:
    """The displayed title of one of MainWindow.SECTIONS, in the UI language."""
    message = SECTION_TITLES.get(name)
    if message is None:
        return name
    translated = _(message)
    return message.split("|", 1)[1] if translated == message else translated


class MainWindow(QMainWindow):
    SECTIONS = ("Articles", "Translations", "Packages", "Sync", "Glossary & Memory")

    def __init__(self, services: Services) -> None:
        super().__init__()
        self.services = services
        self._waiting_at_start = 0  # the outbox when the running sync pass began
        self.setWindowTitle(_("Editorial Workstation — {name}").format(name=services.store.path.name))
        self.resize(1280, 800)
        self.changes = ChangeSignals(services.bus, self)

        # Only the first view is built at start-up; the others on first visit, so opening is fast.
        self.stack = QStackedWidget()
        self._views: dict[int, QWidget] = {}
        for _section in self.SECTIONS:
            self.stack.addWidget(QWidget())
        self.articles = self._view(0)
        assert isinstance(self.articles, ArticlesView)
        self.counts_label = QLabel()
        self.counts_label.setObjectName("counts")
        self.navigation = QListWidget()
        self.navigation.addItems([section_title(name) for name in self.SECTIONS])
        self.navigation.setFixedWidth(170)
        self.navigation.currentRowChanged.connect(self._show_row)
        self.navigation.setCurrentRow(0)
        for number in range(len(self.SECTIONS)):
            shortcut = QShortcut(QKeySequence(f"Ctrl+{number + 1}"), self)
            shortcut.activated.connect(lambda row=number: self.navigation.setCurrentRow(row))

        self.recovery_banner = QLabel()
        self.recovery_banner.setObjectName("recoveryBanner")
        self.recovery_banner.setWordWrap(True)
        self.recovery_banner.setStyleSheet("background:#fff4ce;border:1px solid #e0c060;padding:6px;")
        self.recovery_banner.hide()
        central = QWidget()
        outer = QVBoxLayout(central)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.addWidget(self.recovery_banner)
        layout = QHBoxLayout()
        layout.addWidget(self.navigation)
        layout.addWidget(self.stack, 1)
        outer.addLayout(layout, 1)
        self.setCentralWidget(central)

        self.profile_label = QLabel()
        self.profile_label.setObjectName("profile")
        # TRANSLATORS: the menu of the application; "&" marks the letter of the Alt shortcut.
        settings_menu = self.menuBar().addMenu(_("&Workstation"))
        settings_menu.addAction(_("&Settings…"), QKeySequence.StandardKey.Preferences, self.open_settings)
        settings_menu.addAction(_("&Back up the workspace…"), self._choose_backup_file)
        settings_menu.addAction(_("&Quit"), QKeySequence.StandardKey.Quit, self.close)
        self.store_label = QLabel()
        self.connection_label = QLabel()
        self.connection_label.setObjectName("connection")
        self.outbox_label = QLabel()
        self.outbox_label.setObjectName("outbox")
        # Syncs, asked for in the Sync view or due in the background, run through this one runner.
        self.sync_runner = SyncRunner(services, self)
        self.sync_runner.started.connect(self._sync_started)
        self.sync_runner.succeeded.connect(lambda _result: self._refresh_status())
        self.sync_runner.failed.connect(lambda _error: self._refresh_status())
        self.sync_runner.schedule_changed.connect(self._refresh_status)
        for label in (self.profile_label, self.store_label, self.connection_label, self.outbox_label):
            self.statusBar().addPermanentWidget(label)
        self.statusBar().addWidget(self.counts_label)
        self.articles.translation_started.connect(self.show_translation)
        self.articles.translation_opened.connect(self.show_translation)
        self.articles.editor.counts_changed.connect(self.counts_label.setText)
        self.changes.changed.connect(self._on_changes)
        self._refresh_status()
        self.recovery = begin_session(services.store)
        if self.recovery is not None:
            self.recovery_banner.setText(self.recovery.message)
            self.recovery_banner.show()
            if self.recovery.article_id:
                self.articles.select(self.recovery.article_id)
        self.articles.editor.saved.connect(lambda article: remember_open_article(services.store, article.id))

    @property
    def translations(self) -> TranslationsView:
        return self._view(1)  # type: ignore[return-value]

    @property
    def packages(self) -> PackagesView:
        return self._view(2)  # type: ignore[return-value]

    @property
    def sync(self) -> SyncView:
        return self._view(3)  # type: ignore[return-value]

    @property
    def glossary(self) -> GlossaryMemoryView:
        return self._view(4)  # type: ignore[return-value]

    def _view(self, row: int) -> QWidget:
        if row not in self._views:
            view = self._build_view(row)
            placeholder = self.stack.widget(row)
            self.stack.insertWidget(row, view)
            self.stack.removeWidget(placeholder)
            placeholder.deleteLater()
            self._views[row] = view
        return self._views[row]

    def _build_view(self, row: int) -> QWidget:
        # Views other than the first are imported on first visit, like they are built.
        if row == 0:
            return ArticlesView(self.services)
        if row == 1:
            from workstation.ui.translations_view import TranslationsView

            return TranslationsView(self.services)
        if row == 2:
            from workstation.ui.packages_view import PackagesView

            packages = PackagesView(self.services)
            packages.fix_requested.connect(lambda failure: self.open_fix(failure.target, failure.language))
            packages.article_requested.connect(lambda article_id: self.open_fix(JumpTarget("article", article_id, "")))
            return packages
        if row == 3:
            from workstation.ui.sync_view import SyncView

            view = SyncView(self.services, runner=self.sync_runner)
            view.synced.connect(lambda _result: self._refresh_status())
            view.enrolled.connect(self._refresh_status)
            return view
        from workstation.ui.glossary_memory_view import GlossaryMemoryView

        return GlossaryMemoryView(self.services)

    def show_section(self, name: str) -> None:
        self.navigation.setCurrentRow(self.SECTIONS.index(name))

    def show_translation(self, translation_id: str) -> None:
        self.show_section("Translations")
        self.translations.open(translation_id)

    def open_fix(self, target: JumpTarget, language: str = "") -> None:
        """Open what a package's rule failure names: the article editor on the field, the translation
        editor on the sentence, or the article's Pictures tab on the picture's text in `language`."""
        if target.kind == "translation":
            self.show_section("Translations")
            address = target.field.removeprefix("segment:")  # a QA error names its sentence
            self.translations.open_at(target.id, address, show_qa=address != target.field)
            return
        editor = self.articles.editor
        if target.kind == "picture":
            article_id = self.services.pictures.get(target.id).article_id
            self.show_section("Articles")
            self.articles.select(article_id)
            editor.focus_field("pictures")
            editor.pictures_panel.focus_picture(target.id, language, target.field)
            return
        self.show_section("Articles")
        self.articles.select(target.id)
        editor.focus_field(target.field)

    def _show_row(self, row: int) -> None:
        # Leaving the editor writes what autosave has not yet, so other views see the latest text.
        self.articles.flush()
        self._view(row)
        self.stack.setCurrentIndex(row)
        self.counts_label.setVisible(row == 0)  # the counts are the open article's

    def closeEvent(self, event: QCloseEvent) -> None:
        self.sync_runner.shut_down()
        self.articles.flush()
        end_session(self.services.store)
        super().closeEvent(event)

    def _on_changes(self, changes: Changes) -> None:
        glossary_row = self.SECTIONS.index("Glossary & Memory")
        for row, view in self._views.items():
            if row == glossary_row:
                if changes.translations:  # confirmed segments join the memory
                    view.reload()  # type: ignore[attr-defined]
            else:
                view.on_changes(changes)  # type: ignore[attr-defined]
        self._refresh_status()

    def open_settings(self) -> SettingsDialog:
        from workstation.ui.settings_dialog import SettingsDialog

        dialog = SettingsDialog(self.services, self)
        dialog.accepted.connect(self._settings_changed)
        dialog.open()
        return dialog

    def _choose_backup_file(self) -> None:
        name, _filter = QFileDialog.getSaveFileName(
            self, _("Back up the workspace"), "workspace-backup.zip", _("Workspace backups (*.zip)")
        )
        if name:
            self.back_up(Path(name))

    def back_up(self, out_path: Path) -> Operation:
        """Back up in the background; the app stays usable and the copy is consistent."""
        services = self.services
        progress = QProgressDialog(_("Backing up the workspace…"), _("Cancel"), 0, 100, self)
        progress.setMinimumDuration(500)

        def work(context: OperationContext) -> BackupSummary:
            return services.backup(
                out_path,
                progress=lambda done, total: context.progress(done, total),
                cancelled=context.cancelled,
            )

        def done(summary: BackupSummary) -> None:
            progress.close()
            self.statusBar().showMessage(
                _("Backed up to {name}: {articles} articles, {media_files} media files").format(
                    name=summary.path.name,
                    articles=format_number(summary.articles),
                    media_files=format_number(summary.media_files),
                ),
                10_000,
            )

        operation = Operation(self, work, on_success=done, title=_("The workspace could not be backed up"))
        operation.progressed.connect(lambda done_, total, _label: progress.setValue(done_ * 100 // max(1, total)))
        operation.finished.connect(progress.close)
        progress.canceled.connect(operation.cancel)
        return operation

    def _settings_changed(self) -> None:
        self.articles.editor.reload_workflow()
        self._refresh_status()

    def _refresh_status(self) -> None:
        self.profile_label.setText(_("Working as {name}").format(name=self.services.people.current().name))
        # TRANSLATORS: status bar: the file of the workspace's database.
        self.store_label.setText(_("Store: {path}").format(path=self.services.store.path))
        self.connection_label.setText(connection_text(self.sync_runner, self.services.sync.portal_url()))
        waiting = self.services.sync.waiting_count()
        # TRANSLATORS: status bar: how many sealed packages wait in the outbox to be sent.
        self.outbox_label.setText(_("Outbox: {n} waiting").format(n=format_number(waiting)))

    def _sync_started(self, operation: Operation) -> None:
        self._refresh_status()
        # Counted once per pass: progress arrives several times a second.
        self._waiting_at_start = self.services.sync.waiting_count()
        operation.transferred.connect(self._show_sync_progress)

    def _show_sync_progress(self, estimate: TransferEstimate) -> None:
        waiting = self._waiting_at_start
        # TRANSLATORS: status bar while a sync sends bundles: the outbox and how far the upload is.
        self.outbox_label.setText(
            _("Outbox: {n} waiting · sending {progress}").format(
                n=format_number(waiting), progress=transfer_text(estimate)
            )
        )
