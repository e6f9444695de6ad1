"""Pieces shared by the translator's side panes (memory, glossary)."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QUrl
from PySide6.QtWidgets import QLabel, QTextBrowser


def status_and_browser(clicked: Callable[[QUrl], None]) -> tuple[QLabel, QTextBrowser]:
    """A grey status line and a rich-text list whose links are commands (clicked), not addresses."""
    status = QLabel()
    status.setWordWrap(True)
    status.setStyleSheet("color:#555;")
    view = QTextBrowser()
    view.setOpenLinks(False)
    view.anchorClicked.connect(clicked)
    return status, view
