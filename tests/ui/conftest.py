from __future__ import annotations

import contextlib
from collections.abc import Iterator
from pathlib import Path

import pytest


@pytest.fixture
def open_window(qtbot):
    """Open a MainWindow on a store path; every window and store opened is closed at teardown."""
    from workstation.app import open_services
    from workstation.ui.main_window import MainWindow

    opened: list = []

    def opener(store_path: Path) -> MainWindow:
        services = open_services(store_path)
        window = MainWindow(services)
        qtbot.addWidget(window)
        window.show()
        opened.append((window, services))
        return window

    yield opener
    for window, services in opened:
        with contextlib.suppress(RuntimeError):  # already closed and deleted by the test
            close_window(window, services)


def close_window(window, services) -> None:
    """Close like the app does: the window goes first, then its store."""
    from PySide6.QtWidgets import QApplication

    if not window.isHidden():
        window.close()
    window.deleteLater()
    QApplication.processEvents()
    services.close()


@pytest.fixture
def window(open_window, store_path: Path) -> Iterator:
    return open_window(store_path)


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
