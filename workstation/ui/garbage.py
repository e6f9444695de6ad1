"""Python's cyclic garbage collector, run only on the UI thread.

Left automatic, a collection can start on a worker thread (any allocation may trigger one) and
destroy Qt objects that belong to the UI thread, which crashes Qt. Anki hit the same problem and
collects on a timer on the main thread instead; so do we.
"""

from __future__ import annotations

import gc

from PySide6.QtCore import QObject, QTimer

COLLECT_INTERVAL_MS = 1000
_collector: QTimer | None = None


def collect_on_ui_thread(owner: QObject) -> None:
    """Turn off automatic collection and collect every second on the UI thread (idempotent)."""
    global _collector
    if _collector is not None:
        return
    gc.disable()
    _collector = QTimer(owner)
    _collector.setInterval(COLLECT_INTERVAL_MS)
    _collector.timeout.connect(_collect)
    _collector.destroyed.connect(_forget)
    _collector.start()


def _collect() -> None:
    # Young objects every tick; the full collection is left to Python's own thresholds by asking
    # for the generations that are due.
    threshold0, threshold1, threshold2 = gc.get_threshold()
    count0, count1, count2 = gc.get_count()
    if count2 >= threshold2:
        gc.collect(2)
    elif count1 >= threshold1:
        gc.collect(1)
    elif count0 >= threshold0:
        gc.collect(0)


def _forget() -> None:
    global _collector
    _collector = None
    gc.enable()
