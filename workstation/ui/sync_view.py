"""Sync: enrol once, then deliver the outbox and follow every package to the portal's answer.

One row per sealed bundle: queued, uploading n % (with rate and time left), verifying, accepted,
rejected (every reason), returned with comments or published; the history keeps the signed receipts,
each shown as verified against the portal key or flagged. Passes run through the window's
`SyncRunner`, whether the coordinator presses Sync now or the background schedule wakes.
"""

from __future__ import annotations

import html
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QColor, QHideEvent, QShowEvent
from PySide6.QtWidgets import (
    QCheckBox,
    QFileDialog,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QSplitter,
    QTableWidget,
    QTableWidgetItem,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from workstation.app import Services
from workstation.model import Changes, Delivery
from workstation.sync.service import ReceiptImportResult
from workstation.transfer_meter import TransferEstimate
from workstation.ui.enrolment_dialog import EnrolmentDialog, EnrolmentForm, station_identity_html
from workstation.ui.i18n import N_, _, format_datetime_local, format_relative, ngettext, state_label
from workstation.ui.operations import (
    Operation,
    OperationContext,
    OperationProgress,
    format_percent,
    format_size,
    pace_parts,
)
from workstation.ui.sync_background import Connection, PassFailure, SyncRunner, next_attempt_text
from workstation.ui.sync_rows import (
    RETURNED,
    deliveries,
    headline_of,
    latest_decisions,
    portal_key_fingerprint,
    shown_state,
)

T = TypeVar("T")

OUTBOX_HEADERS = (
    N_("Package"),
    N_("Version"),
    N_("Size"),
    N_("State"),
    N_("Portal's answer"),
    # TRANSLATORS: column of the Sync view: the portal's signed receipt and whether its signature checked out.
    N_("Receipt"),
    N_("Sealed"),
)
STATE_COLUMN, ANSWER_COLUMN, RECEIPT_COLUMN = 3, 4, 5
# How many bundles of one sync ended each way, in the order the summary lists them.
OUTCOME_COUNTS = {
    "accepted": N_("{n} accepted"),
    "rejected": N_("{n} rejected"),
    # TRANSLATORS: bundles that could not be sent in this sync (they stay in the outbox).
    "failed": N_("{n} failed"),
    "cancelled": N_("{n} cancelled"),
}
# States the outbox rows may show beyond the stored ones of `state_label`.
DELIVERY_STATES = {
    # TRANSLATORS: state of a package: the portal holds every byte and is checking the bundle.
    "verifying": N_("verifying"),
    # TRANSLATORS: state of a package: the portal's editors sent items back with comments.
    "returned": N_("returned with comments"),
    # TRANSLATORS: state of a package: the portal published it.
    "published": N_("published"),
}
STATE_COLOURS = {"accepted": "#e6f4ea", "published": "#e6f4ea", "rejected": "#fde7e9", "returned": "#fff4ce"}
LIVE_REFRESH_MS = 250  # while bytes flow, the rows follow at most this often


def delivery_state_text(delivery: Delivery, estimate: TransferEstimate | None = None) -> str:
    """The State cell: "uploading 42% · 240 kB/s · about 10 seconds left", "verifying", "rejected"…

    Without a live `estimate`, an upload part-way says it resumes at the next sync. The percent is
    this bundle's (the estimate's covers the whole pass); the pace is the pass's, as the strip says it."""
    state = shown_state(delivery)
    if state != "uploading":
        return delivery_state_label(state)
    percent = format_percent(delivery.acknowledged * 100 // max(1, delivery.size))
    uploading = f"{state_label('uploading')} {percent}"
    if estimate is None:
        # TRANSLATORS: an upload cut or cancelled part-way: the portal keeps what it got.
        return _("{uploading} · resumes at the next sync").format(uploading=uploading)
    return " · ".join([uploading, *pace_parts(estimate)])


def answer_text(delivery: Delivery) -> str:
    """The Portal's answer cell: the reasons of a rejection, the problem of the last attempt."""
    if delivery.reasons:
        return "; ".join(delivery.reasons)
    if delivery.last_error and delivery.in_flight:
        return delivery.last_error
    returned = {decision.item_id for decision in latest_decisions(delivery.decisions) if decision.outcome == RETURNED}
    if returned:
        return ngettext("{n} item returned with comments", "{n} items returned with comments", len(returned)).format(
            n=len(returned)
        )
    return ""


def receipt_text(delivery: Delivery) -> str:
    if delivery.receipt is None:
        return ""
    if delivery.receipt_verified:
        # TRANSLATORS: the receipt's signature checked out against the portal key recorded at enrolment.
        return _("✔ verified")
    # TRANSLATORS: the receipt's signature did not check out: it is not trusted.
    return _("⚠ not verified")


def receipt_verified_text(portal_fingerprint: str | None) -> str:
    """The sentence for a verified receipt, in the details pane and the Receipt cell's tooltip."""
    return _("Signed receipt verified against the portal key {fingerprint}.").format(
        fingerprint=portal_fingerprint or ""
    )


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


def details_html(
    delivery: Delivery,
    portal_fingerprint: str | None,
    headline: Callable[[str], str],
    estimate: TransferEstimate | None = None,
) -> str:
    """Everything about one delivery for the pane beside the table."""
    escape = html.escape
    sizes = _("{done} of {total}").format(done=format_size(delivery.acknowledged), total=format_size(delivery.size))
    attempts = ngettext("{n} attempt", "{n} attempts", delivery.attempts).format(n=delivery.attempts)
    parts = [
        f"<h3>{escape(delivery.package_name)} · v{delivery.version}</h3>",
        f"<p><b>{escape(delivery_state_text(delivery, estimate))}</b> · {escape(sizes)} · {escape(attempts)}</p>",
    ]
    if delivery.sealed_at:
        parts.append(f"<p>{escape(_('Sealed {when}').format(when=format_datetime_local(delivery.sealed_at)))}</p>")
    if delivery.delivered_at:
        answered = _("Answered {when}").format(when=format_datetime_local(delivery.delivered_at))
        parts.append(f"<p>{escape(answered)}</p>")
    if delivery.last_error:
        error = _("Last attempt: {error}").format(error=delivery.last_error)
        parts.append(f"<p style='color:#a00000'>{escape(error)}</p>")
    if delivery.reasons:
        parts.append(f"<p><b>{escape(_('Why the portal rejected it:'))}</b></p><ul>")
        parts.extend(f"<li>{escape(reason)}</li>" for reason in delivery.reasons)
        parts.append("</ul>")
    if delivery.decisions:
        parts.append(f"<p><b>{escape(_('The portal editors decided:'))}</b></p>")
        for decision in delivery.decisions:
            title = f"{escape(headline(decision.item_id))} [{escape(decision.language)}]"
            parts.append(f"<p>{title} · <b>{escape(delivery_state_label(decision.outcome))}</b></p>")
            if decision.comments:
                parts.append("<ul>" + "".join(f"<li>{escape(comment)}</li>" for comment in decision.comments) + "</ul>")
    if delivery.receipt is not None:
        if delivery.receipt_verified:
            parts.append(f"<p style='color:#1e6b32'>✔ {escape(receipt_verified_text(portal_fingerprint))}</p>")
        else:
            text = _("The receipt's signature does not match the portal key recorded at enrolment: it is not trusted.")
            parts.append(f"<p style='color:#a00000'>⚠ {escape(text)}</p>")
    return "".join(parts)


def delivery_state_label(state: str) -> str:
    return _(DELIVERY_STATES[state]) if state in DELIVERY_STATES else state_label(state)


class SyncView(QWidget):
    synced = Signal(object)
    enrolled = Signal()

    def __init__(self, services: Services, runner: SyncRunner | None = None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._services = services
        self.runner = runner or SyncRunner(services, self)
        self._rows: list[Delivery] = []
        self._portal_fingerprint: str | None = None
        self._estimate: TransferEstimate | None = None
        self._file_operation: Operation[Any] | None = None
        self._live_refresh = QTimer(self, singleShot=True, interval=LIVE_REFRESH_MS)
        self._live_refresh.timeout.connect(self._show_deliveries)  # only the rows move while bytes flow

        self.message = QLabel("")
        self.message.setWordWrap(True)
        self.message.setObjectName("syncMessage")
        self._build_portal_group()
        self.revoked = QWidget()
        self.revoked.setObjectName("revokedBanner")
        self.revoked.setStyleSheet("#revokedBanner{background:#fde7e9;border:1px solid #d08080;}")
        self.revoked_text = QLabel()
        self.revoked_text.setWordWrap(True)
        self.revoked_enrol_button = QPushButton(_("Enrol again…"))
        self.revoked_enrol_button.clicked.connect(lambda: self.open_enrolment(self.revoked_text.text()))
        revoked_layout = QHBoxLayout(self.revoked)
        revoked_layout.addWidget(self.revoked_text, 1)
        revoked_layout.addWidget(self.revoked_enrol_button)
        self.revoked.hide()

        self.sync_button = QPushButton(_("Sync now"))
        self.sync_button.clicked.connect(self.sync)
        self.background = QCheckBox(_("Sync in the background whenever the portal can be reached"))
        self.background.setChecked(self.runner.enabled)
        self.background.toggled.connect(self.runner.set_enabled)
        self.export_button = QPushButton(_("Export outbox to a folder…"))
        self.export_button.setToolTip(_("Copy the waiting bundles to a USB stick, to carry them to the portal"))
        self.export_button.clicked.connect(self._choose_export_folder)
        self.import_button = QPushButton(_("Import receipts…"))
        self.import_button.setToolTip(_("Read the receipt files the portal wrote for bundles carried by hand"))
        self.import_button.clicked.connect(self._choose_receipt_files)
        actions = QHBoxLayout()
        actions.addWidget(self.sync_button)
        actions.addWidget(self.background, 1)
        actions.addWidget(self.export_button)
        actions.addWidget(self.import_button)
        self.progress_strip = OperationProgress()
        self.progress = self.progress_strip.bar
        self.cancel_button = self.progress_strip.cancel_button
        self.schedule = QLabel("")
        self.schedule.setObjectName("syncSchedule")
        self.schedule.setStyleSheet("color:#555;")
        self.feed_warning = QLabel("")
        self.feed_warning.setObjectName("feedWarning")
        self.feed_warning.setWordWrap(True)
        self.feed_warning.setStyleSheet("color:#a00000;")
        self.feed_warning.hide()

        self.outbox = QTableWidget(0, len(OUTBOX_HEADERS))
        self.outbox.setHorizontalHeaderLabels([_(header) for header in OUTBOX_HEADERS])
        header = self.outbox.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(ANSWER_COLUMN, QHeaderView.ResizeMode.Stretch)
        self.outbox.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.outbox.setSelectionBehavior(QTableWidget.SelectionBehavior.SelectRows)
        self.outbox.setSelectionMode(QTableWidget.SelectionMode.SingleSelection)
        self.outbox.setWordWrap(False)
        self.outbox.verticalHeader().hide()
        self.outbox.itemSelectionChanged.connect(self._show_details)
        self.details = QTextBrowser()
        self.details.setObjectName("deliveryDetails")
        self.details.setOpenLinks(False)
        splitter = QSplitter()
        splitter.addWidget(self.outbox)
        splitter.addWidget(self.details)
        splitter.setStretchFactor(0, 5)
        splitter.setStretchFactor(1, 2)
        splitter.setSizes([840, 280])
        splitter.setChildrenCollapsible(False)

        layout = QVBoxLayout(self)
        layout.addWidget(self.portal_group)
        layout.addWidget(self.revoked)
        layout.addLayout(actions)
        layout.addWidget(self.progress_strip)
        layout.addWidget(self.message)
        layout.addWidget(self.schedule)
        layout.addWidget(self.feed_warning)
        layout.addWidget(QLabel(_("Outbox and deliveries")))
        layout.addWidget(splitter, 1)

        self.runner.started.connect(self._pass_started)
        self.runner.succeeded.connect(self._synced)
        self.runner.failed.connect(self._failed)
        self.runner.schedule_changed.connect(self._show_schedule)
        if self.runner.running and self.runner.operation is not None:
            self._pass_started(self.runner.operation)
        self._schedule_ticker = QTimer(self, interval=15_000)  # "in 2 minutes" stays true while shown
        self._schedule_ticker.timeout.connect(self._show_schedule)
        self.reload()

    def showEvent(self, event: QShowEvent) -> None:
        self._show_schedule()
        self._schedule_ticker.start()
        super().showEvent(event)

    def hideEvent(self, event: QHideEvent) -> None:
        self._schedule_ticker.stop()
        super().hideEvent(event)

    def _build_portal_group(self) -> None:
        self.station = QLabel()
        self.station.setWordWrap(True)
        self.station.setObjectName("stationIdentity")
        self.station.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.enrolment = EnrolmentForm(self._services)
        self.enrolment.enrolled.connect(self._enrolled)
        self.enrolment.failed.connect(self.message.setText)
        # The form's fields, under the names scripts and tests have always used.
        self.portal_url = self.enrolment.portal_url
        self.code = self.enrolment.code
        self.enrol_button = self.enrolment.enrol_button
        self.enrol_again_button = QPushButton(_("Enrol again…"))
        self.enrol_again_button.clicked.connect(lambda: self.open_enrolment())
        identity_row = QHBoxLayout()
        identity_row.addWidget(self.station, 1)
        identity_row.addWidget(self.enrol_again_button, 0, Qt.AlignmentFlag.AlignTop)
        self.portal_group = QGroupBox(_("Portal"))
        group_layout = QVBoxLayout(self.portal_group)
        group_layout.addLayout(identity_row)
        group_layout.addWidget(self.enrolment)

    # --- showing -----------------------------------------------------------------------------------

    def reload(self) -> None:
        enrolled = self._services.sync.is_enrolled()
        self.station.setText(station_identity_html(self._services))
        self.enrolment.setVisible(not enrolled)
        self.enrol_again_button.setVisible(enrolled)
        self.sync_button.setEnabled(enrolled and not self.runner.running)
        feed_problem = self._services.sync.feed_problem()
        self.feed_warning.setText(
            # TRANSLATORS: the portal's feed (decisions, glossary and memory updates) held an entry not signed right.
            _("⚠ The portal's feed was not trusted from one entry on: {problem}").format(problem=feed_problem)
        )
        self.feed_warning.setVisible(bool(feed_problem))
        self._show_deliveries()
        self._show_schedule()

    def _show_deliveries(self) -> None:
        """The rows and the details pane, the selection kept."""
        selected = self.selected_row()
        self._rows = deliveries(self._services)
        self._portal_fingerprint = portal_key_fingerprint(self._services)
        self.outbox.setRowCount(len(self._rows))
        for number, delivery in enumerate(self._rows):
            cells = [
                delivery.package_name,
                f"v{delivery.version}",
                format_size(delivery.size),
                delivery_state_text(delivery, self._live_estimate(delivery)),
                answer_text(delivery),
                receipt_text(delivery),
                format_datetime_local(delivery.sealed_at, "short") if delivery.sealed_at else "",
            ]
            colour = STATE_COLOURS.get(shown_state(delivery))
            for column, text in enumerate(cells):
                item = QTableWidgetItem(text)
                verified = column == RECEIPT_COLUMN and delivery.receipt_verified
                item.setToolTip(receipt_verified_text(self._portal_fingerprint) if verified else text)
                if colour:
                    item.setBackground(QColor(colour))
                if column == RECEIPT_COLUMN and delivery.receipt is not None and not delivery.receipt_verified:
                    item.setForeground(QColor("#a00000"))
                self.outbox.setItem(number, column, item)
        if selected is not None:
            number = self.row_for(selected.package_id, selected.version)
            if number is not None:
                self.outbox.selectRow(number)
        self._show_details()

    def _live_estimate(self, delivery: Delivery) -> TransferEstimate | None:
        """The running pass's rate and time left, for the bundle being uploaded now."""
        return self._estimate if self.runner.running and delivery.state == "uploading" else None

    def selected_row(self) -> Delivery | None:
        rows = self.outbox.selectionModel().selectedRows() if self.outbox.selectionModel() else []
        if not rows or rows[0].row() >= len(self._rows):
            return None
        return self._rows[rows[0].row()]

    def row_for(self, package_id: str, version: int = 1) -> int | None:
        """The table row of a bundle, for tests and links from elsewhere."""
        keys = [(delivery.package_id, delivery.version) for delivery in self._rows]
        return keys.index((package_id, version)) if (package_id, version) in keys else None

    def _show_details(self) -> None:
        row = self.selected_row()
        if row is None and self._rows:
            row = self._rows[0]
        if row is None:
            self.details.setHtml(f"<p>{html.escape(_('No bundle sealed yet.'))}</p>")
            return
        self.details.setHtml(
            details_html(
                row,
                self._portal_fingerprint,
                lambda item_id: headline_of(self._services, item_id),
                self._live_estimate(row),
            )
        )

    def _show_schedule(self) -> None:
        parts = []
        if self.runner.last_sync_at is not None:
            parts.append(_("Last sync {when}").format(when=format_relative(self.runner.last_sync_at)))
        else:
            parts.append(_("No sync since the app started"))
        if self.runner.enabled and self.runner.next_attempt_at is not None and not self.runner.running:
            when = next_attempt_text(self.runner.next_attempt_at)
            if self.runner.failures:
                parts.append(
                    ngettext(
                        "next attempt {when} (after {n} failed attempt)",
                        "next attempt {when} (after {n} failed attempts)",
                        self.runner.failures,
                    ).format(when=when, n=self.runner.failures)
                )
            else:
                parts.append(_("next background sync {when}").format(when=when))
        elif not self.runner.enabled:
            parts.append(_("background sync is off"))
        self.schedule.setText(" · ".join(parts))

    def on_changes(self, changes: Changes) -> None:
        if changes.outbox or changes.packages or changes.enrolment or changes.articles:
            self.reload()

    # --- enrolment ---------------------------------------------------------------------------------

    def enrol(self) -> Operation[object] | None:
        return self.enrolment.enrol()  # type: ignore[return-value]

    def open_enrolment(self, reason: str = "") -> EnrolmentDialog:
        dialog = EnrolmentDialog(self._services, self, reason=reason)
        dialog.enrolled.connect(self._enrolled)
        dialog.open()
        return dialog

    def _enrolled(self, _result: object) -> None:
        self.revoked.hide()
        self.message.setText(_("This station is enrolled; sealed packages can now be synced."))
        self.reload()
        self.enrolled.emit()

    # --- syncing -----------------------------------------------------------------------------------

    def sync(self) -> Operation[object] | None:
        return self.runner.run_now()

    def _pass_started(self, operation: Operation[object]) -> None:
        self._estimate = None
        self.sync_button.setEnabled(False)
        self.message.setText(_("Syncing…"))
        self.progress_strip.follow(operation, _("Connecting to the portal…"))
        operation.transferred.connect(self._transferred)
        operation.finished.connect(self._pass_finished)

    def _transferred(self, estimate: TransferEstimate) -> None:
        self._estimate = estimate
        if not self._live_refresh.isActive():
            self._live_refresh.start()

    def _synced(self, result: object) -> None:
        self.revoked.hide()
        self.message.setText(sync_summary(result))
        self.synced.emit(result)

    def _failed(self, failure: PassFailure) -> None:
        if failure.connection is Connection.REFUSED:
            text = _(
                "The portal no longer accepts this station (its access was revoked, or the portal was reset). "
                "Nothing in the outbox was lost: ask the portal's administrator for a new code and enrol again."
            )
            self.revoked_text.setText(text)
            self.revoked.show()
            self.message.setText(text)
            return
        self.message.setText(
            _("Sync stopped: {error}. Nothing in the outbox was lost.").format(error=failure.message.rstrip("."))
        )

    def _pass_finished(self) -> None:
        self._estimate = None
        self._live_refresh.stop()
        self.reload()

    # --- hand-carried delivery -----------------------------------------------------------------------

    def _choose_export_folder(self) -> None:
        folder = QFileDialog.getExistingDirectory(self, _("Export the outbox to a folder"))
        if folder:
            self.export_outbox(Path(folder))

    def _choose_receipt_files(self) -> None:
        files, _filter = QFileDialog.getOpenFileNames(
            self, _("Import receipt files"), "", _("Portal receipts (*.json);;All files (*)")
        )
        if files:
            self.import_receipts([Path(name) for name in files])

    def export_outbox(self, folder: Path) -> Operation[list[Path]] | None:
        """Copy the bundles the portal has not answered about to a folder, to carry them by hand."""
        sync = self._services.sync

        def work(context: OperationContext) -> list[Path]:
            return sync.export_outbox(folder, progress=context.progress, cancelled=context.cancelled)

        def done(written: list[Path]) -> None:
            self.message.setText(
                ngettext(
                    "{n} bundle copied to {folder}; carry it to the portal.",
                    "{n} bundles copied to {folder}; carry them to the portal.",
                    len(written),
                ).format(n=len(written), folder=folder)
            )

        return self._run_file_operation(work, done, _("The outbox could not be exported"), measures_bytes=True)

    def import_receipts(self, paths: list[Path]) -> Operation[ReceiptImportResult] | None:
        """Record the verdicts of receipt files the portal wrote for bundles carried by hand."""
        sync = self._services.sync

        def work(_context: OperationContext) -> ReceiptImportResult:
            return sync.import_receipts(paths)

        def done(result: ReceiptImportResult) -> None:
            problems = [f"{receipt.path.name}: {receipt.problem}" for receipt in result.receipts if receipt.problem]
            lines = [sync_summary(result) if result.bundles else _("No receipt could be used.")]
            self.message.setText("\n".join(lines + problems))
            self.reload()

        return self._run_file_operation(work, done, _("The receipts could not be imported"))

    def _run_file_operation(
        self,
        work: Callable[[OperationContext], T],
        done: Callable[[T], None],
        title: str,
        measures_bytes: bool = False,
    ) -> Operation[T] | None:
        if self._file_operation is not None and self._file_operation.running:
            return None
        operation = Operation(self, work, on_success=done, title=title, measures_bytes=measures_bytes)
        self._file_operation = operation
        if not self.runner.running:
            self.progress_strip.follow(operation)
        return operation
