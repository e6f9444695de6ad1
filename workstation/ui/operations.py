"""The one wrapper for long work: off the UI thread, with progress, cancel, and results on the UI thread.

Modelled on Anki's QueryOp/CollectionOp: the work function receives an `OperationContext` to report
progress and check for cancellation; success and failure callbacks run on the UI thread; failures
without a handler are shown in a message box. Work that reports bytes (`measures_bytes=True`) also
gets a smoothed rate and time left (`transferred`), and `OperationProgress` shows any operation as a
bar, a line of detail and a Cancel button, so every long job looks and cancels the same way.
"""

from __future__ import annotations

import contextlib
import threading
import traceback
from collections.abc import Callable
from datetime import timedelta
from typing import Any, Generic, TypeVar

from PySide6.QtCore import QObject, QRunnable, QThreadPool, QTimer, Signal, Slot
from PySide6.QtWidgets import QHBoxLayout, QLabel, QMessageBox, QProgressBar, QPushButton, QWidget

from workstation.errors import WorkstationError
from workstation.transfer_meter import TransferEstimate, TransferMeter
from workstation.ui.i18n import _, format_number, ui_locale

T = TypeVar("T")


class OperationCancelled(Exception):
    """Raised inside work functions that stop early at the user's request."""


class OperationContext:
    def __init__(self, signals: _OperationSignals) -> None:
        self._signals = signals
        self._cancel = threading.Event()

    def progress(self, done: int, total: int, label: str = "") -> None:
        try:
            self._signals.progressed.emit(done, total, label)
        except RuntimeError:
            self._cancel.set()  # the window that follows this work was closed: stop at the next check

    def cancelled(self) -> bool:
        return self._cancel.is_set()

    def cancel(self) -> None:
        self._cancel.set()


class _OperationSignals(QObject):
    progressed = Signal("qint64", "qint64", str)  # bytes pass 2 GiB: 64-bit
    succeeded = Signal(object)
    failed = Signal(object)
    finished = Signal()


class _Runner(QRunnable):
    def __init__(self, work: Callable[[OperationContext], Any], context: OperationContext, signals: Any) -> None:
        super().__init__()
        self._work, self._context, self._signals = work, context, signals

    def run(self) -> None:  # runs on a pool thread: never touch widgets here
        try:
            result = self._work(self._context)
        except BaseException as error:
            self._emit(self._signals.failed, error)
        else:
            self._emit(self._signals.succeeded, result)
        finally:
            self._emit(self._signals.finished)

    @staticmethod
    def _emit(signal: Any, *arguments: object) -> None:
        # RuntimeError: the window that asked was closed meanwhile, and there is no one left to tell.
        with contextlib.suppress(RuntimeError):
            signal.emit(*arguments)


STALL_CHECK_MS = 1000  # how often a byte-counting operation re-estimates while no bytes arrive


class Operation(QObject, Generic[T]):
    """A running piece of long work; keep a reference to cancel it or follow its progress.

    With `measures_bytes`, the work's progress is (bytes done, bytes total) and `transferred` carries a
    `TransferEstimate` (rate, time left) after each report and every second while nothing arrives.
    """

    progressed = Signal("qint64", "qint64", str)  # bytes pass 2 GiB: 64-bit
    transferred = Signal(object)  # TransferEstimate
    cancelling = Signal()
    finished = Signal()

    def __init__(
        self,
        parent: QWidget,
        work: Callable[[OperationContext], T],
        on_success: Callable[[T], None] | None = None,
        on_failure: Callable[[BaseException], None] | None = None,
        title: str = "",
        pool: QThreadPool | None = None,
        measures_bytes: bool = False,
    ) -> None:
        super().__init__(parent)
        self._parent = parent
        self._title = title
        self._signals = _OperationSignals()
        self.context = OperationContext(self._signals)
        self._on_success = on_success
        self._on_failure = on_failure
        self.running = True
        self.meter: TransferMeter | None = None
        self._stall_timer: QTimer | None = None
        self._signals.progressed.connect(self.progressed)
        if measures_bytes:
            self.meter = TransferMeter()
            self._signals.progressed.connect(self._measure)
            self._stall_timer = QTimer(self, interval=STALL_CHECK_MS)
            self._stall_timer.timeout.connect(self._re_estimate)
        self._signals.succeeded.connect(self._succeeded)
        self._signals.failed.connect(self._failed)
        self._signals.finished.connect(self._finished)
        (pool or QThreadPool.globalInstance()).start(_Runner(work, self.context, self._signals))

    @property
    def measures_bytes(self) -> bool:
        return self.meter is not None

    def cancel(self) -> None:
        """Ask the work to stop; it does at its next check (for an upload, the next chunk)."""
        if self.running and not self.context.cancelled():
            self.context.cancel()
            self.cancelling.emit()

    @Slot("qint64", "qint64", str)
    def _measure(self, done: int, total: int, _label: str) -> None:
        assert self.meter is not None and self._stall_timer is not None
        self.transferred.emit(self.meter.update(done, total))
        self._stall_timer.start()  # restarted: it fires only after a second without a report

    @Slot()
    def _re_estimate(self) -> None:
        if self.meter is not None and self.running:
            self.transferred.emit(self.meter.estimate())

    @Slot(object)
    def _succeeded(self, result: object) -> None:
        if self._on_success is not None:
            self._on_success(result)  # type: ignore[arg-type]

    @Slot(object)
    def _failed(self, error: BaseException) -> None:
        if isinstance(error, OperationCancelled):
            return
        if self._on_failure is not None:
            self._on_failure(error)
        else:
            show_error(self._parent, self._title or _("The operation failed"), error)

    @Slot()
    def _finished(self) -> None:
        self.running = False
        if self._stall_timer is not None:
            self._stall_timer.stop()
        self.finished.emit()
        self.deleteLater()


class OperationProgress(QWidget):
    """A bar, a line of detail ("42% · 1.2 MB of 3.0 MB · 240 kB/s · about 10 seconds left") and
    Cancel, following one operation at a time; hidden while none runs."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.bar = QProgressBar()
        self.bar.setTextVisible(False)
        self.detail = QLabel("")
        self.detail.setObjectName("operationDetail")
        self.cancel_button = QPushButton(_("Cancel"))
        self.cancel_button.clicked.connect(self.cancel)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.bar, 2)
        layout.addWidget(self.detail, 3)
        layout.addWidget(self.cancel_button)
        self._operation: Operation[Any] | None = None
        self.hide()

    @property
    def operation(self) -> Operation[Any] | None:
        return self._operation

    def follow(self, operation: Operation[Any], starting: str = "") -> None:
        self._operation = operation
        self.bar.setRange(0, 0)  # busy until the first report
        self.detail.setText(starting)
        self.cancel_button.setEnabled(True)
        operation.progressed.connect(self._progressed)
        operation.transferred.connect(self._transferred)
        operation.cancelling.connect(self._cancelling)
        operation.finished.connect(lambda: self._finished(operation))
        self.show()

    def cancel(self) -> None:
        if self._operation is not None:
            self._operation.cancel()

    @Slot("qint64", "qint64", str)
    def _progressed(self, done: int, total: int, label: str) -> None:
        if total > 0:
            self.bar.setRange(0, 1000)
            self.bar.setValue(min(1000, done * 1000 // total))
        if self._operation is not None and not self._operation.measures_bytes and label:
            self.detail.setText(label)

    @Slot(object)
    def _transferred(self, estimate: TransferEstimate) -> None:
        if self.cancel_button.isEnabled():  # once cancelling, that is what the line says
            self.detail.setText(transfer_text(estimate))

    @Slot()
    def _cancelling(self) -> None:
        self.cancel_button.setEnabled(False)
        self.detail.setText(_("Cancelling at the next chunk…"))

    def _finished(self, operation: Operation[Any]) -> None:
        if operation is self._operation:  # not one followed before and replaced since
            self._operation = None
            self.hide()


def format_size(size: int) -> str:
    """A size in the UI locale with decimal units: "512 kB", "1.2 MB" (vi "1,2 MB")."""
    from babel import units

    for unit, scale in (("digital-gigabyte", 10**9), ("digital-megabyte", 10**6), ("digital-kilobyte", 10**3)):
        if size >= scale:
            pattern = "#,##0.0" if size < 100 * scale else "#,##0"
            return units.format_unit(size / scale, unit, length="short", format=pattern, locale=ui_locale())
    # CLDR's short byte unit is the word ("0 byte"); the symbol reads better beside kB and MB.
    # TRANSLATORS: a size in bytes.
    return _("{n} B").format(n=format_number(size))


def format_duration(seconds: float) -> str:
    """A coarse duration in the UI language: "10 seconds", "3 minutes", "2 giờ"."""
    from babel import dates

    return dates.format_timedelta(timedelta(seconds=max(1, round(seconds))), locale=ui_locale())


def format_percent(percent: int) -> str:
    """A whole percent in the UI locale: "41%", vi "41%"."""
    from babel import numbers

    return numbers.format_percent(percent / 100, locale=ui_locale())


def pace_parts(estimate: TransferEstimate) -> list[str]:
    """How fast and how long still ("240 kB/s", "about 10 seconds left"), or why that is not known yet."""
    if estimate.rate is None:
        return [_("measuring the speed…")]
    # TRANSLATORS: a transfer speed, e.g. "240 kB/s".
    parts = [_("{size}/s").format(size=format_size(round(estimate.rate)))]
    if estimate.seconds_left is None:
        # TRANSLATORS: nothing arrives any more; the link may be down for a moment.
        parts.append(_("waiting for the connection"))
    elif estimate.seconds_left > 0:
        # TRANSLATORS: the time a transfer still needs, e.g. "about 3 minutes left".
        parts.append(_("about {duration} left").format(duration=format_duration(estimate.seconds_left)))
    return parts


def transfer_text(estimate: TransferEstimate) -> str:
    """One line about a transfer: how far, how fast, how long still."""
    parts = [
        format_percent(estimate.percent),  # floored: 100% only when all is there
        # TRANSLATORS: bytes of a transfer, e.g. "1.2 MB of 3.0 MB".
        _("{done} of {total}").format(done=format_size(estimate.done), total=format_size(estimate.total)),
    ]
    return " · ".join(parts + pace_parts(estimate))


def describe_error(error: BaseException) -> str:
    if isinstance(error, WorkstationError):
        return str(error)
    return _("An unexpected error occurred: {error}. Nothing that was saved is lost.").format(error=repr(error))


def show_error(parent: QWidget | None, title: str, error: BaseException) -> None:
    box = QMessageBox(QMessageBox.Icon.Critical, title, describe_error(error), QMessageBox.StandardButton.Ok, parent)
    box.button(QMessageBox.StandardButton.Ok).setText(_("OK"))  # Qt ships no Vietnamese catalog
    if not isinstance(error, WorkstationError):
        box.setDetailedText("".join(traceback.format_exception(error)))
    box.open()
