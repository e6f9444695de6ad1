"""Driving the real widget tree in tests: closing windows as the app does, typing any text."""

from __future__ import annotations


def close_window(window, services) -> None:
    """Close like the app does: the window goes first, then its store."""
    from PySide6.QtWidgets import QApplication

    if not window.isHidden():
        window.close()
    QApplication.processEvents()
    services.close()


def type_text(widget, text: str) -> None:
    """Type any Unicode text as key events (QTest.keyClicks only handles ASCII)."""
    from PySide6.QtCore import QEvent, Qt
    from PySide6.QtGui import QKeyEvent
    from PySide6.QtWidgets import QApplication

    for character in text:
        for kind in (QEvent.Type.KeyPress, QEvent.Type.KeyRelease):
            QApplication.sendEvent(
                widget, QKeyEvent(kind, Qt.Key.Key_unknown, Qt.KeyboardModifier.NoModifier, character)
            )
