"""As-you-type spell checking: underlines arrive from a worker thread; the context menu corrects."""

from __future__ import annotations

import os
import threading

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import pytest
from PySide6.QtCore import QEvent, Qt
from PySide6.QtGui import QKeyEvent, QTextCharFormat, QTextCursor
from PySide6.QtWidgets import QApplication, QPlainTextEdit, QTextEdit

from workstation.language.spelling import InMemoryPersonalDictionary, SpellChecker
from workstation.ui.spelling import attach_spellchecker, spelling_actions, utf16_offset


class RecordingChecker(SpellChecker):
    """A real checker that notes which thread each check ran on."""

    def __init__(self, lang: str) -> None:
        super().__init__(lang, personal=InMemoryPersonalDictionary())
        self.threads: list[threading.Thread] = []

    def check(self, text: str, *, with_suggestions: bool = True):  # type: ignore[override]
        self.threads.append(threading.current_thread())
        return super().check(text, with_suggestions=with_suggestions)


def type_text(widget: QPlainTextEdit, text: str) -> None:
    """Key events for any Unicode text (QTest.keyClicks handles only ASCII)."""
    for character in text:
        for kind in (QEvent.Type.KeyPress, QEvent.Type.KeyRelease):
            event = QKeyEvent(kind, Qt.Key.Key_unknown, Qt.KeyboardModifier.NoModifier, character)
            QApplication.sendEvent(widget, event)


def underlined(editor: QTextEdit | QPlainTextEdit) -> list[str]:
    """The words painted with the spell-check underline, in document order."""
    words = []
    block = editor.document().begin()
    while block.isValid():
        for fmt_range in block.layout().formats():
            if fmt_range.format.underlineStyle() == QTextCharFormat.UnderlineStyle.SpellCheckUnderline:
                words.append(block.text()[fmt_range.start : fmt_range.start + fmt_range.length])
        block = block.next()
    return words


@pytest.mark.parametrize("editor_class", [QTextEdit, QPlainTextEdit])
def test_misspelt_words_are_underlined_after_a_check_off_the_ui_thread(qtbot, editor_class) -> None:
    editor = editor_class()
    qtbot.addWidget(editor)
    checker = RecordingChecker("vi")
    attach_spellchecker(editor, checker)
    editor.setPlainText("Công tác nghành ngoại giao.\nHóa học và hoá học, quyêt định.")
    qtbot.waitUntil(lambda: underlined(editor) == ["nghành", "quyêt"], timeout=5000)
    assert checker.threads and all(thread is not threading.main_thread() for thread in checker.threads)


def test_typing_updates_the_underlines(qtbot) -> None:
    editor = QPlainTextEdit()
    qtbot.addWidget(editor)
    attach_spellchecker(editor, SpellChecker("vi"))
    type_text(editor, "Ngành ")
    qtbot.wait(50)
    assert underlined(editor) == []
    type_text(editor, "ngiên cứu")
    qtbot.waitUntil(lambda: underlined(editor) == ["ngiên"], timeout=5000)


def test_context_menu_offers_suggestions_and_replaces_the_word(qtbot) -> None:
    editor = QTextEdit()
    qtbot.addWidget(editor)
    editor.resize(500, 200)
    editor.show()
    highlighter = attach_spellchecker(editor, SpellChecker("vi"))
    editor.setPlainText("Công tác nghành ngoại giao.")
    qtbot.waitUntil(lambda: underlined(editor) == ["nghành"], timeout=5000)

    cursor = QTextCursor(editor.document())
    cursor.setPosition(11)  # inside "nghành"
    actions = spelling_actions(editor, highlighter, editor.cursorRect(cursor).center(), editor)
    labels = [action.text() for action in actions]
    assert labels[0] == "ngành" and labels[-1] == "Add “nghành” to dictionary"

    actions[0].trigger()
    assert editor.toPlainText() == "Công tác ngành ngoại giao."
    qtbot.waitUntil(lambda: underlined(editor) == [], timeout=5000)
    editor.document().undo()
    assert editor.toPlainText() == "Công tác nghành ngoại giao."


def test_add_to_dictionary_clears_the_underline_everywhere(qtbot) -> None:
    editor = QPlainTextEdit()
    qtbot.addWidget(editor)
    editor.resize(500, 200)
    editor.show()
    personal = InMemoryPersonalDictionary()
    highlighter = attach_spellchecker(editor, SpellChecker("vi", personal=personal))
    editor.setPlainText("Vnexpresss đưa tin.\nVnexpresss viết.")
    qtbot.waitUntil(lambda: underlined(editor) == ["Vnexpresss", "Vnexpresss"], timeout=5000)

    cursor = QTextCursor(editor.document())
    cursor.setPosition(2)
    actions = spelling_actions(editor, highlighter, editor.cursorRect(cursor).center(), editor)
    actions[-1].trigger()
    assert personal.words("vi") == {"Vnexpresss"}
    qtbot.waitUntil(lambda: underlined(editor) == [], timeout=5000)


def test_no_actions_on_a_correct_word(qtbot) -> None:
    editor = QPlainTextEdit()
    qtbot.addWidget(editor)
    editor.show()
    highlighter = attach_spellchecker(editor, SpellChecker("vi"))
    editor.setPlainText("Ngành ngoại giao.")
    qtbot.wait(100)
    assert spelling_actions(editor, highlighter, editor.cursorRect().center(), editor) == []


def test_positions_after_an_emoji_are_converted_to_utf16() -> None:
    assert utf16_offset("😀 nghành", 2) == 3


def test_detach_removes_underlines(qtbot) -> None:
    editor = QPlainTextEdit()
    qtbot.addWidget(editor)
    highlighter = attach_spellchecker(editor, SpellChecker("en"))
    editor.setPlainText("The embasy opened.")
    qtbot.waitUntil(lambda: underlined(editor) == ["embasy"], timeout=5000)
    highlighter.detach()
    assert underlined(editor) == []
