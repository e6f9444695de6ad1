"""Guards against a Qt binding release that breaks the app in ways no feature test would pin down."""

from __future__ import annotations

import sys

from PySide6.QtWidgets import QTextEdit


def test_functions_returning_nothing_keep_none_alive(qtbot) -> None:
    # PySide6 6.12.0 dropped a reference to None on every call returning a null object; the
    # editor asks for the current list on each keystroke, and the app died after a few pages.
    editor = QTextEdit()
    qtbot.addWidget(editor)
    editor.setPlainText("một đoạn văn")
    before = sys.getrefcount(None)
    for _ in range(2000):
        assert editor.textCursor().currentList() is None
    assert sys.getrefcount(None) >= before - 100
