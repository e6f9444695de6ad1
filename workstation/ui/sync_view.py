"""Sync: enrol with the portal once, then deliver the outbox and see what the portal answered."""

from __future__ import annotations

import json

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QProgressBar,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from workstation.app import Services
from workstation.model import Changes, OutboxEntry
from workstation.ui.i18n import N_, _, format_decimal, ngettext, state_label
from workstation.ui.operations import Operation, OperationContext, describe_error

OUTBOX_HEADERS = (N_("Package"), N_("Version"), N_("Size"), N_("State"), N_("Portal's answer"))
# How many bundles of one sync ended each way, in the order the summary lists them.
OUTCOME_COUNTS = {
    "accepted": N_("{n} accepted"),
    "rejected": N_("{n} rejected"),
    # TRANSLATORS: bundles that could not be sent in this sync (they stay in the outbox).
    "failed": N_("{n} failed"),
    "cancelled": N_("{n} cancelled"),
}


def receipt_reasons(entry: OutboxEntry) -> str:
    if entry.last_error:
        return entry.last_error
    if not entry.receipt:
        return ""
    try:
        reasons = json.loads(entry.receipt)["payload"].get("reasons", [])
    except (ValueError, KeyError, TypeError, AttributeError):
        return ""
    return "; ".join(str(reason) for reason in reasons)


def sync_summary(result: object) -> str:
    """One sentence about a sync for the status line, e.g. "2 bundles: 1 accepted, 1 rejected."."""
    bundles = getattr(result, "bundles", None)
    if bundles is None:
        return _("Sync finished.")
    if not bundles:
        return _("Nothing to send.")
    states = [str(outcome.state) for outcome in bundles]
    outcomes = ", ".join(
        _(message).format(n=states.count(state)) for state, message in OUTCOME_COUNTS.items() if state in states
    )
    return ngettext("{count} bundle: {outcomes}.", "{count} bundles: {outcomes}.", len(bundles)).format(
        count=len(bundles), outcomes=outcomes
    )


class SyncView(QWidget):
    synced = Signal(object)
    enrolled = Signal()

    def __init__(self, services: Services, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._services = services
        self._operation: Operation[object] | None = None

        self.portal_url = QLineEdit(placeholderText="https://portal.example.org")
        self.code = QLineEdit(placeholderText=_("one-time enrolment code"))
        self.enrol_button = QPushButton(_("Enrol this station"))
        self.enrol_button.clicked.connect(self.enrol)
        self.station = QLabel()
        self.station.setWordWrap(True)
        enrolment = QGroupBox(_("Portal"))
        form = QFormLayout(enrolment)
        form.addRow(_("Portal address"), self.portal_url)
        form.addRow(_("Enrolment code"), self.code)
        form.addRow("", self.enrol_button)
        form.addRow(_("This station"), self.station)

        self.sync_button = QPushButton(_("Sync now"))
        self.sync_button.clicked.connect(self.sync)
        self.cancel_button = QPushButton(_("Cancel"))
        self.cancel_button.clicked.connect(self._cancel)
        self.cancel_button.hide()
        self.progress = QProgressBar()
        self.progress.hide()
        self.message = QLabel("")
        self.message.setWordWrap(True)
        actions = QHBoxLayout()
        actions.addWidget(self.sync_button)
        actions.addWidget(self.cancel_button)
        actions.addWidget(self.progress, 1)

        self.outbox = QTableWidget(0, 5)
        self.outbox.setHorizontalHeaderLabels([_(header) for header in OUTBOX_HEADERS])
        header = self.outbox.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(4, QHeaderView.ResizeMode.Stretch)
        self.outbox.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.outbox.verticalHeader().hide()

        layout = QVBoxLayout(self)
        layout.addWidget(enrolment)
        layout.addLayout(actions)
        layout.addWidget(self.message)
        layout.addWidget(QLabel(_("Outbox and deliveries")))
        layout.addWidget(self.outbox)
        self.reload()

    def reload(self) -> None:
        identity = self._services.identity
        portal = self._services.sync.portal_url()
        if portal:
            self.portal_url.setText(portal)
        enrolled = _("enrolled with {portal}").format(portal=portal) if portal else _("not enrolled yet")
        fingerprint = _("key fingerprint {fingerprint}").format(fingerprint=identity.fingerprint)
        self.station.setText(f"{identity.name} · {identity.station_id}<br>{fingerprint} · {enrolled}")
        names = {package.id: package.name for package in self._services.packaging.list()}
        entries = self._services.packaging.outbox()
        self.outbox.setRowCount(len(entries))
        for row, entry in enumerate(entries):
            cells = [
                names.get(entry.package_id, entry.package_id),
                f"v{entry.package_version}",
                _("{size} KiB").format(size=format_decimal(entry.size / 1024, decimals=1)),
                state_label(entry.state),
                receipt_reasons(entry),
            ]
            for column, text in enumerate(cells):
                self.outbox.setItem(row, column, QTableWidgetItem(text))

    def on_changes(self, changes: Changes) -> None:
        if changes.outbox or changes.packages or changes.enrolment:
            self.reload()

    def enrol(self) -> None:
        try:
            self._services.sync.enrol(self.portal_url.text().strip(), self.code.text().strip())
        except Exception as error:
            self.message.setText(_("Enrolment failed: {error}").format(error=describe_error(error)))
            return
        self.code.clear()
        self.message.setText(_("This station is enrolled; sealed packages can now be synced."))
        self.reload()
        self.enrolled.emit()

    def sync(self) -> Operation[object] | None:
        if self._operation is not None and self._operation.running:
            return None
        sync_service = self._services.sync

        def work(context: OperationContext) -> object:
            return sync_service.sync(progress=context.progress, cancelled=context.cancelled)

        self.progress.setRange(0, 0)
        self.progress.show()
        self.cancel_button.show()
        self.sync_button.setEnabled(False)
        self.message.setText(_("Syncing…"))
        self._operation = Operation(self, work, on_success=self._synced, on_failure=self._failed)
        self._operation.progressed.connect(self._on_progress)
        self._operation.finished.connect(self._finished)
        return self._operation

    def _on_progress(self, done: int, total: int, _label: str) -> None:
        self.progress.setRange(0, max(total, 1))
        self.progress.setValue(done)

    def _synced(self, result: object) -> None:
        self.message.setText(sync_summary(result))
        self.synced.emit(result)

    def _failed(self, error: BaseException) -> None:
        self.message.setText(
            _("Sync stopped: {error} Nothing in the outbox was lost.").format(error=describe_error(error))
        )

    def _cancel(self) -> None:
        if self._operation is not None:
            self._operation.cancel()

    def _finished(self) -> None:
        self.progress.hide()
        self.cancel_button.hide()
        self.sync_button.setEnabled(True)
        self.reload()
