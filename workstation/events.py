"""A tiny publish/subscribe hub: services announce what they changed, views listen."""

from __future__ import annotations

import threading
from collections.abc import Callable

from workstation.model import Changes

Listener = Callable[[Changes], None]


class ChangeBus:
    def __init__(self) -> None:
        self._listeners: list[Listener] = []
        self._lock = threading.Lock()

    def subscribe(self, listener: Listener) -> Callable[[], None]:
        with self._lock:
            self._listeners.append(listener)

        def unsubscribe() -> None:
            with self._lock:
                if listener in self._listeners:
                    self._listeners.remove(listener)

        return unsubscribe

    def publish(self, changes: Changes) -> None:
        # Listeners may run on a worker thread; the Qt bridge re-emits on the UI thread.
        with self._lock:
            listeners = list(self._listeners)
        for listener in listeners:
            listener(changes)
