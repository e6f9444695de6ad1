"""Packages: build a package, check it against the completeness rules, seal it, follow its versions.

Left, the station's packages; right, the builder of the selected one above its rule failures and its
sealed versions. The rules are re-checked off the UI thread whenever the package or anything in it
changes; "Seal and queue" stays disabled while a failure stands in the way.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QShowEvent
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QSplitter,
    QTableWidget,
    QTableWidgetItem,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from workstation.app import Services
from workstation.model import Changes, Package, RuleFailure, StationKey
from workstation.packaging.bundle import BundleReport
from workstation.packaging.service import SealResult
from workstation.ui.i18n import N_, _, format_number, ngettext, state_label
from workstation.ui.operations import Operation, OperationContext, OperationProgress, show_error
from workstation.ui.package_builder import AddArticlesDialog, PackageBuilder
from workstation.ui.package_failures import RuleFailuresPanel
from workstation.ui.package_verify import BundleReportDialog
from workstation.ui.package_versions import PackageVersionsPanel

if TYPE_CHECKING:
    from workstation.packaging.bulletin import BulletinResult

PACKAGE_HEADERS = (N_("Package"), N_("Articles"), N_("Version"), N_("State"))
CHECK_DELAY_MS = 300  # changes arrive in bursts (autosave, a translator confirming): check once after


class NewPackageDialog(AddArticlesDialog):
    """A name, and the first articles of the package."""

    def __init__(self, services: Services, parent: QWidget | None = None) -> None:
        super().__init__(services, set(), parent)
        self.setWindowTitle(_("New package"))
        self.name = QLineEdit(placeholderText=_("Package name, e.g. News for the portal, week 42"))
        self.body.insertWidget(0, QLabel(_("Name")))
        self.body.insertWidget(1, self.name)
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setText(_("Create"))


class PackagesView(QWidget):
    sealed = Signal(object)  # SealResult
    verified = Signal(object)  # BundleReport
    fix_requested = Signal(object)  # RuleFailure: the main window opens what needs fixing
    article_requested = Signal(str)  # an article id, to open in the article editor

    def __init__(self, services: Services, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._services = services
        self.failures: list[RuleFailure] | None = None  # None: not checked since the last change
        self.long_operation: Operation | None = None  # sealing or the bulletin: the one Cancel stops
        self.check_operation: Operation[list[RuleFailure]] | None = None
        self.last_report: BundleReport | None = None
        self.report_dialog: BundleReportDialog | None = None
        self.bulletin_path: Path | None = None  # where the last bulletin was written
        self._check_again = False
        self._stale: Changes | None = None  # what changed while the view was hidden
        self._check_timer = QTimer(self, singleShot=True, interval=CHECK_DELAY_MS)
        self._check_timer.timeout.connect(self.check_now)

        self.table = QTableWidget(0, len(PACKAGE_HEADERS))
        self.table.setObjectName("packageTable")
        self.table.setHorizontalHeaderLabels([_(header) for header in PACKAGE_HEADERS])
        self.table.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        for column in (1, 2, 3):
            self.table.horizontalHeader().setSectionResizeMode(column, QHeaderView.ResizeMode.ResizeToContents)
        self.table.setSelectionBehavior(QTableWidget.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QTableWidget.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().hide()
        self.table.currentCellChanged.connect(self._selection_changed)

        self.builder = PackageBuilder(services)
        self.builder.article_opened.connect(self.article_requested)
        self.failures_panel = RuleFailuresPanel()
        self.failures_panel.fix_requested.connect(self.fix_requested)
        self.versions_panel = PackageVersionsPanel()
        self.tabs = QTabWidget()
        # TRANSLATORS: tab of the Packages view: the completeness rules the package fails.
        self.tabs.addTab(self.failures_panel, _("Problems"))
        self.tabs.addTab(self.versions_panel, _("Versions"))

        self.new_button = QPushButton(_("New package…"))
        self.new_button.clicked.connect(self._new_package)
        # TRANSLATORS: button: check the selected package against the completeness rules.
        self.check_button = QPushButton(_("Check"))
        self.check_button.setToolTip(_("Check the package against the completeness rules"))
        self.check_button.clicked.connect(self.check_now)
        # TRANSLATORS: button: seal the package into a signed bundle and queue it in the outbox.
        self.seal_button = QPushButton(_("Seal and queue for the portal"))
        self.seal_button.setObjectName("sealButton")
        self.seal_button.clicked.connect(self.seal_selected)
        self.verify_button = QPushButton(_("Verify a bundle…"))
        self.verify_button.clicked.connect(self._choose_bundle)
        self.bulletin_button = QPushButton(_("Bulletin…"))
        self.bulletin_button.setToolTip(_("Render the package as a bilingual English–Vietnamese bulletin (.docx)"))
        self.bulletin_button.clicked.connect(self._choose_bulletin_file)
        # Seal and bulletin progress through the one long-work wrapper: bytes, rate, time left, Cancel.
        self.progress = OperationProgress()
        self.progress.setMaximumWidth(520)
        self.message = QLabel()
        self.message.setObjectName("packagesMessage")
        self.message.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)

        toolbar = QHBoxLayout()
        for button in (self.new_button, self.check_button, self.seal_button):
            toolbar.addWidget(button)
        toolbar.addWidget(self.progress, 1)
        toolbar.addStretch(1)
        toolbar.addWidget(self.verify_button)
        toolbar.addWidget(self.bulletin_button)
        right = QSplitter(Qt.Orientation.Vertical)
        right.addWidget(self.builder)
        right.addWidget(self.tabs)
        right.setSizes([290, 400])  # the articles need a few rows; the failures, room to be read
        right.setChildrenCollapsible(False)
        splitter = QSplitter()
        splitter.addWidget(self.table)
        splitter.addWidget(right)
        splitter.setSizes([370, 900])
        layout = QVBoxLayout(self)
        layout.addLayout(toolbar)
        layout.addWidget(splitter, 1)
        layout.addWidget(self.message)
        self.reload()

    # --- the list -----------------------------------------------------------------------------

    def reload(self) -> None:
        """Re-read the packages, the selected one's overview and versions, and check it again."""
        current = self.selected_package_id()
        packages = self._services.packaging.list()
        self.table.blockSignals(True)
        self.table.setRowCount(len(packages))
        selected_row = 0 if packages else -1
        for row, package in enumerate(packages):
            state = state_label(self._services.packaging.status(package.id).value)
            version = format_number(package.version) if package.version else "–"
            cells = [package.name, format_number(len(package.article_ids)), version, state]
            for column, text in enumerate(cells):
                cell = QTableWidgetItem(text)
                cell.setData(Qt.ItemDataRole.UserRole, package.id)
                cell.setToolTip(package.name)
                if column:
                    cell.setTextAlignment(Qt.AlignmentFlag.AlignCenter)
                self.table.setItem(row, column, cell)
            if package.id == current:
                selected_row = row
        if selected_row >= 0:
            self.table.setCurrentCell(selected_row, 0)
        self.table.blockSignals(False)
        self._show_selected()

    def on_changes(self, changes: Changes) -> None:
        # Autosave announces every pause in typing: a hidden view catches up when it is shown.
        if not self.isVisible():
            self._stale = changes if self._stale is None else self._stale | changes
            return
        if changes.packages or changes.outbox:
            self.reload()
        elif changes.articles or changes.translations:
            self._show_selected()

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        if self._stale is not None:
            changes, self._stale = self._stale, None
            self.on_changes(changes)

    def selected_package_id(self) -> str | None:
        item = self.table.item(self.table.currentRow(), 0)
        return item.data(Qt.ItemDataRole.UserRole) if item else None

    def select(self, package_id: str) -> bool:
        for row in range(self.table.rowCount()):
            if self.table.item(row, 0).data(Qt.ItemDataRole.UserRole) == package_id:
                self.table.setCurrentCell(row, 0)
                return True
        return False

    def _selection_changed(self, row: int, _column: int, previous_row: int, _previous_column: int) -> None:
        if row != previous_row:
            self.builder.save_details()  # what was typed in the package being left
            self.failures_panel.failures = []
            self._show_selected()

    def _show_selected(self) -> None:
        package_id = self.selected_package_id()
        packaging = self._services.packaging
        if package_id is None:
            self.builder.show_package(None, None)
            self.failures_panel.show_failures([], {})
            self.versions_panel.show_versions([])
            self._set_failures(None)
            return
        try:
            package = packaging.get(package_id)
            overview = packaging.overview(package_id)
            versions = packaging.versions(package_id)
        except Exception as error:
            show_error(self, _("The package could not be read"), error)
            return
        self.builder.show_package(package, overview)
        self.versions_panel.show_versions(versions)
        self.tabs.setTabText(1, _("Versions ({n})").format(n=format_number(len(versions))))
        self._set_failures(None)
        self._check_timer.start()

    # --- checking -----------------------------------------------------------------------------

    def check_now(self) -> Operation[list[RuleFailure]] | None:
        """Check the selected package off the UI thread; a check asked for meanwhile runs after."""
        self._check_timer.stop()
        package_id = self.selected_package_id()
        if package_id is None:
            return None
        if self.check_operation is not None:
            self._check_again = True
            return self.check_operation
        self.failures_panel.show_checking()
        packaging = self._services.packaging
        operation: Operation[list[RuleFailure]] = Operation(
            self,
            lambda _context: packaging.check(package_id),
            on_success=lambda failures: self._checked(package_id, failures),
            title=_("The package could not be checked"),
        )
        operation.finished.connect(self._check_finished)
        self.check_operation = operation
        return operation

    def _checked(self, package_id: str, failures: list[RuleFailure]) -> None:
        if package_id != self.selected_package_id() or self._check_again:
            return  # another package is shown, or the package changed since: the next check tells
        overview = self.builder.overview
        headlines = (
            {article.article_id: (article.headline, article.language) for article in overview.articles}
            if overview is not None
            else {}
        )
        self.failures_panel.show_failures(failures, headlines)
        self._set_failures(list(failures))

    def _check_finished(self) -> None:
        self.check_operation = None
        if self._check_again:
            self._check_again = False
            self.check_now()

    def _set_failures(self, failures: list[RuleFailure] | None) -> None:
        self.failures = failures
        busy = self.long_operation is not None
        blocking = [failure for failure in failures or [] if failure.is_error]
        self.seal_button.setEnabled(failures is not None and not blocking and not busy)
        if failures is None:
            self.seal_button.setToolTip(_("Checking the package…"))
        elif blocking:
            self.seal_button.setToolTip(
                ngettext(
                    "{n} problem must be fixed before sealing",
                    "{n} problems must be fixed before sealing",
                    len(blocking),
                ).format(n=format_number(len(blocking)))
            )
        else:
            self.seal_button.setToolTip(_("Seal the next version and put it in the outbox for the portal"))
        count = len(failures or [])
        self.tabs.setTabText(0, _("Problems ({n})").format(n=format_number(count)) if count else _("Problems"))

    # --- long work: sealing and the bulletin ---------------------------------------------------

    def seal_selected(self) -> Operation[SealResult] | None:
        package_id = self.selected_package_id()
        blocked = self.failures is not None and any(failure.is_error for failure in self.failures)
        if package_id is None or blocked or self.long_operation is not None:
            return None  # while the check runs the service decides, and lists what fails if it refuses
        self.builder.save_details()
        packaging = self._services.packaging

        def work(context: OperationContext) -> SealResult:
            return packaging.seal(package_id, progress=context.progress, cancelled=context.cancelled)

        operation: Operation[SealResult] = Operation(
            self,
            work,
            on_success=self._sealed,
            on_failure=self._failed_or_cancelled(_("Sealing failed")),
            measures_bytes=True,
        )
        self._follow(operation, _("Sealing…"))
        # Sealed, failed or cancelled, the package's state and versions may have moved: re-read them.
        operation.finished.connect(self.reload)
        return operation

    def _sealed(self, result: SealResult) -> None:
        self.message.setText(
            _("Version {version} sealed and queued for the portal: {name}").format(
                version=format_number(result.entry.package_version), name=result.path.name
            )
        )
        self.tabs.setCurrentWidget(self.versions_panel)
        self.sealed.emit(result)

    def _choose_bulletin_file(self) -> None:
        package_id = self.selected_package_id()
        if package_id is None:
            return
        name, _filter = QFileDialog.getSaveFileName(
            self, _("Save the bulletin"), "bulletin.docx", _("Word documents (*.docx)")
        )
        if name:
            self.render_bulletin(Path(name if name.lower().endswith(".docx") else f"{name}.docx"))

    def render_bulletin(self, out_path: Path) -> Operation[BulletinResult] | None:
        """Render the selected package as the bilingual bulletin, off the UI thread, with Cancel."""
        package_id = self.selected_package_id()
        if package_id is None or self.long_operation is not None:
            return None
        bulletin = self._services.bulletin

        def work(context: OperationContext) -> BulletinResult:
            return bulletin.render(package_id, out_path, progress=context.progress, cancelled=context.cancelled)

        operation: Operation[BulletinResult] = Operation(
            self,
            work,
            on_success=self._bulletin_written,
            on_failure=self._failed_or_cancelled(_("The bulletin could not be written")),
        )
        self._follow(operation, _("Writing the bulletin…"))
        return operation

    def _bulletin_written(self, result: BulletinResult) -> None:
        self.bulletin_path = result.path
        text = ngettext(
            "Bulletin of {n} article written to {path}", "Bulletin of {n} articles written to {path}", result.articles
        ).format(n=format_number(result.articles), path=result.path)
        if result.left_out:
            text += " · " + ngettext(
                "{n} article left out: not in both English and Vietnamese",
                "{n} articles left out: not in both English and Vietnamese",
                len(result.left_out),
            ).format(n=format_number(len(result.left_out)))
        self.message.setText(text)

    def _follow(self, operation: Operation, label: str) -> None:
        """Show the operation's progress and a Cancel button until it ends."""
        self.long_operation = operation
        self.message.setText(label)
        self.progress.follow(operation)
        self.bulletin_button.setEnabled(False)
        self._set_failures(self.failures)  # Seal waits while any long work runs
        operation.finished.connect(self._long_work_finished)

    def _failed_or_cancelled(self, title: str) -> Callable[[BaseException], None]:
        def failed(error: BaseException) -> None:
            if self.long_operation is not None and self.long_operation.context.cancelled():
                self.message.setText(_("Cancelled; nothing was written."))
                return
            self.message.setText("")
            show_error(self, title, error)

        return failed

    def _long_work_finished(self) -> None:
        self.bulletin_button.setEnabled(True)
        self.long_operation = None
        self._set_failures(self.failures)

    # --- verifying ----------------------------------------------------------------------------

    def _choose_bundle(self) -> None:
        name, _filter = QFileDialog.getOpenFileName(
            self, _("Verify a bundle"), str(self._services.store.outbox_folder), _("Sealed bundles (*.zip)")
        )
        if name:
            self.verify_bundle(Path(name))

    def verify_bundle(self, path: Path) -> Operation[tuple[BundleReport, list[StationKey]]]:
        """Verify off the UI thread, then show every problem (or which known station signed it)."""
        packaging = self._services.packaging
        self.message.setText(_("Verifying {name}…").format(name=path.name))

        def verified(result: tuple[BundleReport, list[StationKey]]) -> None:
            report, keys = result
            self.last_report = report
            self.message.setText("")
            names = {key.station_id: (key.name, key.fingerprint) for key in keys}
            self.report_dialog = BundleReportDialog(path, report, names, self)
            self.report_dialog.open()
            self.verified.emit(report)

        return Operation(
            self,
            lambda _context: (packaging.verify(path), packaging.station_keys()),
            on_success=verified,
            title=_("Verify failed"),
        )

    # --- new package --------------------------------------------------------------------------

    def create_package(self, name: str, article_ids: list[str]) -> Package:
        package = self._services.packaging.create(name, article_ids)
        self.reload()
        self.select(package.id)
        return package

    def _new_package(self) -> None:
        dialog = NewPackageDialog(self._services, self)
        if dialog.exec() != QDialog.DialogCode.Accepted:
            return
        try:
            self.create_package(dialog.name.text(), dialog.chosen_ids())
        except Exception as error:
            show_error(self, _("The package could not be created"), error)
