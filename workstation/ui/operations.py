"""The one wrapper for long work: off the UI thread, with progress, cancel, and results on the UI thread.

Modelled on Anki's QueryOp/CollectionOp: the work function receives an `OperationContext` to report
progress and check for cancellation; success and failure callbacks run on the UI thread; failures
without a handler are shown in a message box.
"""

from __future__ import annotations

import threading
import traceback
from collections.abc import Callable
from typing import Any, Generic, TypeVar

from PySide6.QtCore import QObject, QRunnable, QThreadPool, Signal, Slot
from PySide6.QtWidgets import QMessageBox, QWidget

from workstation.errors import WorkstationError
from workstation.ui.i18n import _

T = TypeVar("T")


class OperationCancelled(Exception):
    """Raised inside work functions that stop early at the user's request."""


class OperationContext:
    def __init__(self, signals: _OperationSignals) -> None:
        self._signals = signals
        self._cancel = threading.Event()

    def progress(self, done: int, total: int, label: str = "") -> None:
        self._signals.progressed.emit(done, total, label)

    def cancelled(self) -> bool:
        return self._cancel.is_set()

    def cancel(self) -> None:
        self._cancel.set()


class _OperationSignals(QObject):
    progressed = Signal(int, int, str)
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
            self._signals.failed.emit(error)
        else:
            self._signals.succeeded.emit(result)
        finally:
            self._signals.finished.emit()


class Operation(QObject, Generic[T]):
    """A running piece of long work; keep a reference to cancel it or follow its progress."""

    progressed = Signal(int, int, str)
    finished = Signal()

    def __init__(
        self,
        parent: QWidget,
        work: Callable[[OperationContext], T],
        on_success: Callable[[T], None] | None = None,
        on_failure: Callable[[BaseException], None] | None = None,
        title: str = "",
        pool: QThreadPool | None = None,
    ) -> None:
        super().__init__(parent)
        self._parent = parent
        self._title = title
        self._signals = _OperationSignals()
        self.context = OperationContext(self._signals)
        self._on_success = on_success
        self._on_failure = on_failure
        self.running = True
        self._signals.progressed.connect(self.progressed)
        self._signals.succeeded.connect(self._succeeded)
        self._signals.failed.connect(self._failed)
        self._signals.finished.connect(self._finished)
        (pool or QThreadPool.globalInstance()).start(_Runner(work, self.context, self._signals))

    def cancel(self) -> None:
        self.context.cancel()

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
        self.finished.emit()
        self.deleteLater()


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
