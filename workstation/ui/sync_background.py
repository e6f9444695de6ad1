"""Every sync pass of the app, asked for or in the background, runs through one `SyncRunner`.

One runner means one pass at a time, one backoff schedule (the Qt-free `SyncWorker`'s) and one
place that knows the last sync and the next attempt. In the background (a setting), a single-shot
QTimer wakes when the worker says the next pass is due; the pass first probes that the portal
answers, then pushes the outbox and pulls the feed, all off the UI thread through the long-work
wrapper. A probe that finds no portal counts as a failed pass for the backoff.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from enum import StrEnum

from PySide6.QtCore import QObject, QThreadPool, QTimer, Signal
from PySide6.QtWidgets import QWidget

from workstation.app import Services
from workstation.sync.worker import IDLE_SECONDS, Backoff, SyncPass, SyncWorker
from workstation.ui.i18n import _, format_relative
from workstation.ui.operations import Operation, OperationContext, describe_error

BACKGROUND_SYNC_SETTING = "background_sync"


class Connection(StrEnum):
    """What the last pass learnt about the link to the portal."""

    UNKNOWN = "unknown"
    REACHABLE = "reachable"
    UNREACHABLE = "unreachable"
    REFUSED = "refused"  # the portal refuses the station's token: revoked, or the portal was reset


@dataclass(frozen=True)
class PassFailure:
    """A pass that did not get through, and why (the service's sentence)."""

    message: str
    connection: Connection


class SyncRunner(QObject):
    started = Signal(object)  # the Operation of the pass
    succeeded = Signal(object)  # the pass's SyncResult
    failed = Signal(object)  # a PassFailure
    schedule_changed = Signal()

    def __init__(
        self,
        services: Services,
        parent: QWidget,
        now: Callable[[], datetime] = lambda: datetime.now(UTC),
        backoff: Backoff | None = None,
    ) -> None:
        super().__init__(parent)
        self._services = services
        self._widget = parent
        self._now = now
        self._backoff = backoff or Backoff()
        self._worker: SyncWorker | None = None  # built at the first pass, on the sync service of that moment
        self._unanswered_probes = 0
        self._running = False
        self.operation: Operation[SyncPass | None] | None = None
        self.last_sync_at: datetime | None = None
        self.last_attempt_at: datetime | None = None
        self.next_attempt_at: datetime | None = None
        self.connection = Connection.UNKNOWN
        self._pool = QThreadPool(self)  # its own thread, so closing the window waits for this pass alone
        self._pool.setMaxThreadCount(1)
        self._timer = QTimer(self, singleShot=True)
        self._timer.timeout.connect(self._wake)
        if self.enabled:
            self._schedule(0.0)

    @property
    def worker(self) -> SyncWorker:
        if self._worker is None:
            self._worker = SyncWorker(self._services.sync, self._backoff)
        return self._worker

    @property
    def failures(self) -> int:
        """Passes in a row that did not get through, probes that found no portal included."""
        return (self._worker.failures if self._worker else 0) + self._unanswered_probes

    # --- the setting -----------------------------------------------------------------------------

    @property
    def enabled(self) -> bool:
        return self._services.store.get_setting(BACKGROUND_SYNC_SETTING) == "on"

    def set_enabled(self, enabled: bool) -> None:
        if enabled == self.enabled:
            return
        with self._services.store.transaction():
            self._services.store.set_setting(BACKGROUND_SYNC_SETTING, "on" if enabled else "off")
        if enabled:
            self._schedule(0.0)
        else:
            self._timer.stop()
            self.next_attempt_at = None
            self.schedule_changed.emit()

    # --- running ---------------------------------------------------------------------------------

    @property
    def running(self) -> bool:
        """True from the start of a pass until its outcome is known (signals sent after see it done)."""
        return self._running

    def run_now(self) -> Operation[SyncPass | None] | None:
        """A pass the coordinator asked for: no probe first, and a failure is said, not just retried."""
        return self._start(probe=False)

    def cancel(self) -> None:
        if self.operation is not None and self.running:
            self.operation.cancel()

    def shut_down(self, wait_ms: int = 15_000) -> None:
        """The app is closing: no more passes; a running one stops at its next chunk, its progress kept."""
        self._timer.stop()
        self.cancel()
        self._pool.waitForDone(wait_ms)

    def _wake(self) -> None:
        if not self.enabled or not self._services.sync.is_enrolled():
            self.next_attempt_at = None
            self.schedule_changed.emit()
            return
        if self._start(probe=True) is None:  # a pass is running: look again after the usual pause
            self._schedule(IDLE_SECONDS)

    def _start(self, probe: bool) -> Operation[SyncPass | None] | None:
        if self.running:
            return None
        worker = self.worker

        def work(context: OperationContext) -> SyncPass | None:
            if probe and not worker.reachable():
                return None  # nothing sent; the backoff decides when to look again
            return worker.run_once(progress=context.progress, cancelled=context.cancelled)

        self._timer.stop()
        self._running = True
        self.last_attempt_at = self._now()
        self.operation = Operation(
            self._widget,
            work,
            on_success=self._passed,
            on_failure=self._broke,
            pool=self._pool,
            measures_bytes=True,
        )
        self.operation.finished.connect(self._finished)
        self.started.emit(self.operation)
        return self.operation

    def _passed(self, outcome: SyncPass | None) -> None:
        self._running = False
        if outcome is None:
            self._unanswered_probes += 1
            self.connection = Connection.UNREACHABLE
            self._schedule(self._backoff.delay(self.failures))
            portal = self._services.sync.portal_url() or ""
            reason = _("the portal at {portal} does not answer").format(portal=portal)
            self.failed.emit(PassFailure(reason, self.connection))
            return
        self._unanswered_probes = 0
        if outcome.result is not None:
            self.connection = Connection.REACHABLE
            self.last_sync_at = self._now()
        else:
            refused = outcome.refused and self._services.sync.is_enrolled()
            self.connection = Connection.REFUSED if refused else Connection.UNREACHABLE
        self._schedule(self.worker.seconds_until_due())  # listeners then see the state above
        if outcome.result is not None:
            self.succeeded.emit(outcome.result)
        else:
            self.failed.emit(PassFailure(outcome.error, self.connection))

    def _broke(self, error: BaseException) -> None:
        """Not network trouble (the worker reports that): a bug or a broken store, said as such."""
        self._running = False
        self._schedule(IDLE_SECONDS)
        self.failed.emit(PassFailure(describe_error(error), self.connection))

    def _finished(self) -> None:
        if self._running:  # ended without an outcome (the window is closing)
            self._running = False
            self.schedule_changed.emit()

    def _schedule(self, seconds: float) -> None:
        if not self.enabled:
            self.next_attempt_at = None
            self.schedule_changed.emit()
            return
        self.next_attempt_at = self._now() + timedelta(seconds=seconds)
        self._timer.start(max(0, int(seconds * 1000)))
        self.schedule_changed.emit()


def next_attempt_text(moment: datetime, now: datetime | None = None) -> str:
    """When the next pass is due: "in 3 minutes"; "in a few seconds" rather than "just now"."""
    if moment - (now or datetime.now(UTC)) < timedelta(seconds=10):
        # TRANSLATORS: when the next sync attempt is due.
        return _("in a few seconds")
    return format_relative(moment, now)


def connection_text(runner: SyncRunner, portal_url: str | None) -> str:
    """The status bar's word on the portal: where, and whether the last pass got through."""
    if not portal_url:
        return _("Portal: not enrolled")
    if runner.running:
        return _("Portal: {portal} · syncing…").format(portal=portal_url)
    if runner.connection is Connection.REFUSED:
        return _("Portal: {portal} · this station was refused; enrol again").format(portal=portal_url)
    if runner.connection is Connection.UNREACHABLE:
        if runner.enabled and runner.next_attempt_at is not None:
            return _("Portal: {portal} · unreachable, next attempt {when}").format(
                portal=portal_url, when=next_attempt_text(runner.next_attempt_at)
            )
        return _("Portal: {portal} · unreachable").format(portal=portal_url)
    if runner.connection is Connection.REACHABLE:
        return _("Portal: {portal} · connected").format(portal=portal_url)
    return _("Portal: {portal}").format(portal=portal_url)
