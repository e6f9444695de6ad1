"""Re-emit the services' change records as a Qt signal on the UI thread."""

from __future__ import annotations

from PySide6.QtCore import QObject, Qt, Signal

from workstation.events import ChangeBus
from workstation.model import Changes


class ChangeSignals(QObject):
    changed = Signal(object)
    _relay = Signal(object)

    def __init__(self, bus: ChangeBus, parent: QObject | None = None) -> None:
        super().__init__(parent)
        # A queued connection delivers on this object's (the UI) thread, whichever thread published.
        self._relay.connect(self.changed, Qt.ConnectionType.QueuedConnection)
        self._unsubscribe = bus.subscribe(self._publish)
        self.destroyed.connect(lambda *_: self._unsubscribe())

    def _publish(self, changes: Changes) -> None:
        self._relay.emit(changes)
