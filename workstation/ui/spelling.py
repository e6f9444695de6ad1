"""As-you-type spell checking for QTextEdit and QPlainTextEdit.

    highlighter = attach_spellchecker(editor, SpellChecker("vi", personal=workspace_dictionary))

Each paragraph's text is checked on a worker thread; results come back by signal, are cached by
paragraph text, and the paragraph is repainted with a wavy underline under each misspelt word.
Typing therefore never waits for the checker. Right-clicking a flagged word offers suggestions and
"Add to dictionary" above the editor's usual menu.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable

from PySide6.QtCore import QObject, QPoint, QRunnable, Qt, QThreadPool, Signal, Slot
from PySide6.QtGui import QAction, QColor, QSyntaxHighlighter, QTextCharFormat, QTextCursor, QTextDocument
from PySide6.QtWidgets import QMenu, QPlainTextEdit, QTextEdit, QWidget

from workstation.language.spelling import Misspelling, SpellChecker
from workstation.ui.i18n import _

TextEditor = QTextEdit | QPlainTextEdit
_CACHE_SIZE = 4000  # paragraphs; a long article has a few hundred


def utf16_offset(text: str, index: int) -> int:
    """Qt counts positions in UTF-16 units; Python in code points. They differ past an emoji."""
    return index + sum(1 for char in text[:index] if ord(char) > 0xFFFF)


class _CheckSignals(QObject):
    checked = Signal(str, object)  # paragraph text, tuple[Misspelling, ...]


class _CheckParagraph(QRunnable):
    """Runs on the highlighter's pool; touches only the checker and its own signal object."""

    def __init__(self, checker: SpellChecker, text: str, signals: _CheckSignals) -> None:
        super().__init__()
        self._checker, self._text, self._signals = checker, text, signals

    def run(self) -> None:
        found = tuple(self._checker.check(self._text, with_suggestions=False))
        self._signals.checked.emit(self._text, found)


class SpellHighlighter(QSyntaxHighlighter):
    """Underlines misspelt words; the checking itself happens off the UI thread."""

    def __init__(self, document: QTextDocument, checker: SpellChecker) -> None:
        super().__init__(document)
        self._checker = checker
        self._results: OrderedDict[str, tuple[Misspelling, ...]] = OrderedDict()
        self._pending: set[str] = set()
        self._enabled = True
        # One worker per document keeps checks in order and lets detach() wait for them briefly.
        self._pool = QThreadPool(self)
        self._pool.setMaxThreadCount(1)
        self._signals = _CheckSignals(self)
        self._signals.checked.connect(self._on_checked, Qt.ConnectionType.QueuedConnection)
        self._format = QTextCharFormat()
        self._format.setUnderlineStyle(QTextCharFormat.UnderlineStyle.SpellCheckUnderline)
        self._format.setUnderlineColor(QColor("#d32f2f"))

    @property
    def checker(self) -> SpellChecker:
        return self._checker

    def set_checker(self, checker: SpellChecker) -> None:
        """Switch language or dictionary (the article's language changed)."""
        self._checker = checker
        self._forget_and_recheck()

    def set_enabled(self, enabled: bool) -> None:
        self._enabled = enabled
        self.rehighlight()

    def misspellings(self, paragraph: str) -> tuple[Misspelling, ...] | None:
        """The flagged words of a paragraph if it has been checked, else None."""
        return self._results.get(paragraph)

    def misspelling_at(self, paragraph: str, utf16_position: int) -> Misspelling | None:
        for miss in self._results.get(paragraph) or ():
            start, end = utf16_offset(paragraph, miss.start), utf16_offset(paragraph, miss.end)
            if start <= utf16_position <= end:
                return miss
        return None

    def add_to_dictionary(self, word: str) -> None:
        self._checker.add_to_dictionary(word)
        self._forget_and_recheck()

    def detach(self) -> None:
        """Stop checking and remove the underlines; waits for a running check (milliseconds)."""
        self._pool.clear()
        self._pool.waitForDone()
        self.setDocument(None)

    def highlightBlock(self, text: str) -> None:
        if not self._enabled or not text.strip():
            return
        found = self._results.get(text)
        if found is None:
            self._schedule(text)
            return
        self._results.move_to_end(text)
        for miss in found:
            start = utf16_offset(text, miss.start)
            self.setFormat(start, utf16_offset(text, miss.end) - start, self._format)

    def _schedule(self, text: str) -> None:
        if text in self._pending:
            return
        self._pending.add(text)
        self._pool.start(_CheckParagraph(self._checker, text, self._signals))

    @Slot(str, object)
    def _on_checked(self, text: str, found: tuple[Misspelling, ...]) -> None:
        self._pending.discard(text)
        self._results[text] = found
        while len(self._results) > _CACHE_SIZE:
            self._results.popitem(last=False)
        document = self.document()
        if document is None or not found:
            return  # nothing to paint: an unchecked paragraph already shows no underline
        block = document.begin()
        while block.isValid():
            if block.text() == text:
                self.rehighlightBlock(block)
            block = block.next()

    def _forget_and_recheck(self) -> None:
        self._results.clear()
        self._pending.clear()
        self.rehighlight()


def spelling_actions(
    editor: TextEditor, highlighter: SpellHighlighter, position: QPoint, parent: QObject
) -> list[QAction]:
    """Actions for the word at ``position`` (viewport coordinates): suggestions, then
    "Add to dictionary". Empty when the word there is not flagged."""
    cursor = editor.cursorForPosition(position)
    block = cursor.block()
    paragraph = block.text()
    miss = highlighter.misspelling_at(paragraph, cursor.positionInBlock())
    if miss is None:
        return []
    start = block.position() + utf16_offset(paragraph, miss.start)
    end = block.position() + utf16_offset(paragraph, miss.end)
    actions = []
    suggestions = highlighter.checker.suggest(miss.word)
    for suggestion in suggestions:
        action = QAction(suggestion, parent)
        action.triggered.connect(_replacer(editor, start, end, suggestion))
        actions.append(action)
    if not suggestions:
        # TRANSLATORS: context menu of a misspelt word for which the checker has no suggestion.
        none = QAction(_("(no suggestions)"), parent)
        none.setEnabled(False)
        actions.append(none)
    # TRANSLATORS: context menu of a misspelt word: accept it from now on, in this workspace.
    add = QAction(_("Add “{word}” to dictionary").format(word=miss.word), parent)
    add.triggered.connect(lambda: highlighter.add_to_dictionary(miss.word))
    actions.append(add)
    return actions


def _replacer(editor: TextEditor, start: int, end: int, replacement: str) -> Callable[[], None]:
    def replace() -> None:
        cursor = QTextCursor(editor.document())
        cursor.setPosition(start)
        cursor.setPosition(end, QTextCursor.MoveMode.KeepAnchor)
        cursor.insertText(replacement)  # one undo step

    return replace


def show_spelling_menu(editor: TextEditor, highlighter: SpellHighlighter, position: QPoint) -> None:
    """The editor's standard context menu with the spelling actions on top."""
    menu: QMenu = editor.createStandardContextMenu(position)
    actions = spelling_actions(editor, highlighter, position, menu)
    if actions:
        first = menu.actions()[0] if menu.actions() else None
        menu.insertActions(first, actions)
        menu.insertSeparator(first)
    viewport: QWidget = editor.viewport()
    menu.exec(viewport.mapToGlobal(position))
    menu.deleteLater()


def attach_spellchecker(editor: TextEditor, checker: SpellChecker, *, context_menu: bool = True) -> SpellHighlighter:
    """Check ``editor`` as the user types. With ``context_menu`` the editor's context menu gains
    suggestions and "Add to dictionary" (pass False to build your own with ``spelling_actions``)."""
    highlighter = SpellHighlighter(editor.document(), checker)
    if context_menu:
        editor.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        editor.customContextMenuRequested.connect(lambda position: show_spelling_menu(editor, highlighter, position))
    # No clean-up hook is needed: the pool is the highlighter's child and waits for its worker.
    return highlighter
