"""The article body as one rich-text editor, kept in step with the article's blocks.

Each paragraph of the QTextDocument is one block: its id and kind ride in the paragraph's format,
so edits keep block ids stable (translations stay linked) and the rich text is limited to what the
portal keeps: headings, quotes, bulleted and numbered lists, bold, italic, links and pictures.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QMimeData, QUrl, Signal
from PySide6.QtGui import (
    QFont,
    QImage,
    QKeyEvent,
    QKeySequence,
    QTextBlock,
    QTextBlockFormat,
    QTextCharFormat,
    QTextCursor,
    QTextDocument,
    QTextFormat,
    QTextImageFormat,
    QTextListFormat,
)
from PySide6.QtWidgets import QInputDialog, QTextEdit, QWidget

from workstation.ids import new_id
from workstation.model import Block, BlockKind, Mark
from workstation.ui.i18n import _

BLOCK_ID = QTextFormat.Property.UserProperty + 1
BLOCK_KIND = QTextFormat.Property.UserProperty + 2
PICTURE_SCHEME = "picture"
OBJECT_CHARACTER = "\ufffc"
PICTURE_WIDTH = 360
IMAGE_SUFFIXES = (".jpg", ".jpeg", ".png", ".webp")

_LIST_STYLES = {
    BlockKind.BULLETED: QTextListFormat.Style.ListDisc,
    BlockKind.NUMBERED: QTextListFormat.Style.ListDecimal,
}


class BodyEditor(QTextEdit):
    """Rich text limited to the portal's vocabulary; image files dropped or pasted become pictures."""

    pictures_dropped = Signal(list)  # [Path], to be stored by the caller and placed with insert_picture

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        # Pasted HTML goes through blocks_from_html: Qt's own rich paste would bring fonts and colours.
        self.setAcceptRichText(False)
        self.setTabChangesFocus(True)
        self.setPlaceholderText(_("Body: write the story; Ctrl+B bold, Ctrl+I italic, Ctrl+K link"))
        self._thumbnail_for: Callable[[str], QImage | None] = lambda _picture_id: None

    def set_thumbnail_source(self, source: Callable[[str], QImage | None]) -> None:
        self._thumbnail_for = source

    # --- loading and collecting -------------------------------------------------------------

    def set_blocks(self, blocks: list[Block]) -> None:
        document = QTextDocument(self)
        document.setDefaultFont(self.font())
        cursor = QTextCursor(document)
        cursor.beginEditBlock()
        current_list = None
        previous_kind = None
        for index, block in enumerate(blocks):
            if index:
                cursor.insertBlock(_block_format(block), QTextCharFormat())
            else:
                cursor.setBlockFormat(_block_format(block))
            if block.kind in _LIST_STYLES:
                if current_list is None or previous_kind != block.kind:
                    current_list = cursor.createList(_list_format(block.kind))
                else:
                    current_list.add(cursor.block())
            else:
                current_list = None
            previous_kind = block.kind
            if block.kind == BlockKind.PICTURE and block.picture_id:
                self._insert_image(document, cursor, block.picture_id)
            else:
                _insert_marked_text(cursor, block)
        cursor.endEditBlock()
        document.setModified(False)
        document.clearUndoRedoStacks()
        self.setDocument(document)  # the previous document, ours too, is deleted by QTextEdit

    def blocks(self, previous: list[Block]) -> list[Block]:
        """The document as blocks; a paragraph keeps its block's id, one split by Enter gets a new one."""
        known = {block.id for block in previous}
        seen: set[str] = set()
        blocks: list[Block] = []
        text_block = self.document().begin()
        while text_block.isValid():
            block = _read_block(text_block)
            if block is not None:
                if block.id not in known or block.id in seen:
                    block = Block(new_id(), block.text, block.kind, block.marks, block.picture_id)
                seen.add(block.id)
                blocks.append(block)
            text_block = text_block.next()
        return blocks

    # --- formatting commands ----------------------------------------------------------------

    def set_kind(self, kind: str) -> None:
        """Make the paragraphs under the cursor headings, quotes, list items or plain paragraphs."""
        cursor = self.textCursor()
        cursor.beginEditBlock()
        block_format = cursor.blockFormat()
        block_format.setProperty(BLOCK_KIND, kind)
        block_format.setHeadingLevel(2 if kind == BlockKind.HEADING else 0)
        block_format.setLeftMargin(24 if kind == BlockKind.QUOTE else 0)
        cursor.setBlockFormat(block_format)
        current_list = cursor.currentList()
        if kind in _LIST_STYLES:
            if current_list is None:
                cursor.createList(_list_format(kind))
            else:
                current_list.setFormat(_list_format(kind))
        elif current_list is not None:
            current_list.remove(cursor.block())
            indented = cursor.blockFormat()
            indented.setIndent(0)
            cursor.setBlockFormat(indented)
        cursor.endEditBlock()

    def toggle_bold(self) -> None:
        bold = self.fontWeight() <= QFont.Weight.Normal
        self.setFontWeight(QFont.Weight.Bold if bold else QFont.Weight.Normal)

    def toggle_italic(self) -> None:
        self.setFontItalic(not self.fontItalic())

    def set_link(self, href: str) -> None:
        """Link the selected text to `href` (an empty href removes the link)."""
        cursor = self.textCursor()
        if not cursor.hasSelection():
            return
        char_format = QTextCharFormat()
        char_format.setAnchor(bool(href))
        char_format.setAnchorHref(href)
        char_format.setFontUnderline(bool(href))
        char_format.setForeground(self.palette().link() if href else self.palette().text())
        cursor.mergeCharFormat(char_format)

    def ask_for_link(self) -> None:
        if not self.textCursor().hasSelection():
            return
        href, accepted = QInputDialog.getText(self, _("Link"), _("Address (https://…), empty to remove:"))
        if accepted:
            self.set_link(href.strip())

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.matches(QKeySequence.StandardKey.Bold):
            self.toggle_bold()
        elif event.matches(QKeySequence.StandardKey.Italic):
            self.toggle_italic()
        elif event.keyCombination().toCombined() == QKeySequence("Ctrl+K")[0].toCombined():
            self.ask_for_link()
        else:
            super().keyPressEvent(event)

    # --- pictures ---------------------------------------------------------------------------

    def insert_picture(self, picture_id: str) -> None:
        """Place a picture as its own paragraph after the one under the cursor."""
        cursor = self.textCursor()
        cursor.beginEditBlock()
        cursor.movePosition(QTextCursor.MoveOperation.EndOfBlock)
        block = Block(new_id(), "", BlockKind.PICTURE, picture_id=picture_id)
        if cursor.block().text() or cursor.block().previous().isValid():
            cursor.insertBlock(_block_format(block), QTextCharFormat())
        else:
            cursor.setBlockFormat(_block_format(block))
        self._insert_image(self.document(), cursor, picture_id)
        cursor.insertBlock(_block_format(Block(new_id(), "")), QTextCharFormat())
        cursor.endEditBlock()
        self.setTextCursor(cursor)

    def refresh_picture(self, picture_id: str) -> None:
        image = self._thumbnail_for(picture_id)
        if image is not None:
            self.document().addResource(QTextDocument.ResourceType.ImageResource, _picture_url(picture_id), image)
            self.viewport().update()

    def _insert_image(self, document: QTextDocument, cursor: QTextCursor, picture_id: str) -> None:
        image = self._thumbnail_for(picture_id)
        image_format = QTextImageFormat()
        image_format.setName(_picture_url(picture_id).toString())
        if image is not None and not image.isNull():
            document.addResource(QTextDocument.ResourceType.ImageResource, _picture_url(picture_id), image)
            image_format.setWidth(min(PICTURE_WIDTH, image.width()))
            image_format.setHeight(image.height() * min(PICTURE_WIDTH, image.width()) / max(1, image.width()))
        cursor.insertImage(image_format)

    def canInsertFromMimeData(self, source: QMimeData) -> bool:
        return bool(_image_paths(source)) or super().canInsertFromMimeData(source)

    def insertFromMimeData(self, source: QMimeData) -> None:
        paths = _image_paths(source)
        if paths:
            self.pictures_dropped.emit(paths)
            return
        if source.hasHtml() and not self.isReadOnly():
            self.paste_blocks(blocks_from_html(source.html()))
            return
        super().insertFromMimeData(source)

    def paste_blocks(self, blocks: list[Block]) -> None:
        """Pasted rich text, kept to the portal's vocabulary: the first piece joins the paragraph at the
        cursor, the others become paragraphs, headings, quotes or list items of their own."""
        if not blocks:
            return
        cursor = self.textCursor()
        cursor.beginEditBlock()
        cursor.removeSelectedText()
        for index, block in enumerate(blocks):
            if index:
                cursor.insertBlock(_block_format(block), QTextCharFormat())
                if block.kind in _LIST_STYLES:
                    cursor.createList(_list_format(block.kind))
            _insert_marked_text(cursor, block)
        cursor.endEditBlock()
        self.setTextCursor(cursor)


def blocks_from_html(markup: str) -> list[Block]:
    """Rich text from the clipboard (Word, a browser) as blocks: fonts, colours, sizes and tables fall
    away; paragraphs, headings, lists, bold, italic and links stay."""
    document = QTextDocument()
    document.setHtml(markup)
    blocks = []
    text_block = document.begin()
    while text_block.isValid():
        block = _read_block(text_block)
        if block is not None and block.kind != BlockKind.PICTURE:
            blocks.append(Block(new_id(), block.text, block.kind, block.marks))
        text_block = text_block.next()
    return blocks


def format_property(text_format: QTextFormat, key: int) -> str | None:
    """A string property of a text format, None when unset.

    Asking PySide for an unset property returns a None whose reference count it gets wrong, which
    crashes the interpreter later; so ask whether it is set first.
    """
    return str(text_format.property(key)) if text_format.hasProperty(key) else None


def _picture_url(picture_id: str) -> QUrl:
    return QUrl(f"{PICTURE_SCHEME}:{picture_id}")


def _image_paths(source: QMimeData) -> list[Path]:
    if not source.hasUrls():
        return []
    return [
        Path(url.toLocalFile())
        for url in source.urls()
        if url.isLocalFile() and url.toLocalFile().lower().endswith(IMAGE_SUFFIXES)
    ]


def _block_format(block: Block) -> QTextBlockFormat:
    block_format = QTextBlockFormat()
    block_format.setProperty(BLOCK_ID, block.id)
    block_format.setProperty(BLOCK_KIND, str(block.kind))
    if block.kind == BlockKind.HEADING:
        block_format.setHeadingLevel(2)
    if block.kind == BlockKind.QUOTE:
        block_format.setLeftMargin(24)
    block_format.setBottomMargin(6)
    return block_format


def _list_format(kind: str) -> QTextListFormat:
    list_format = QTextListFormat()
    list_format.setStyle(_LIST_STYLES[kind])
    list_format.setIndent(1)
    return list_format


def _char_format(kinds: set[str], href: str, heading: bool, quote: bool) -> QTextCharFormat:
    char_format = QTextCharFormat()
    if "bold" in kinds or heading:
        char_format.setFontWeight(QFont.Weight.Bold)
    if "italic" in kinds or quote:
        char_format.setFontItalic(True)
    if heading:
        char_format.setProperty(QTextFormat.Property.FontSizeAdjustment, 1)
    if href:
        char_format.setAnchor(True)
        char_format.setAnchorHref(href)
        char_format.setFontUnderline(True)
    return char_format


def _insert_marked_text(cursor: QTextCursor, block: Block) -> None:
    """Insert the block's text in runs: each run carries the marks covering it."""
    heading, quote = block.kind == BlockKind.HEADING, block.kind == BlockKind.QUOTE
    cuts = sorted({0, len(block.text), *(m.start for m in block.marks), *(m.end for m in block.marks)})
    for start, end in itertools.pairwise(cuts):
        covering = [m for m in block.marks if m.start <= start and end <= m.end]
        href = next((m.href for m in covering if m.kind == "link"), "")
        cursor.insertText(block.text[start:end], _char_format({m.kind for m in covering}, href, heading, quote))
    if not block.text:
        cursor.setCharFormat(_char_format(set(), "", heading, quote))


def _read_block(text_block: QTextBlock) -> Block | None:
    block_format = text_block.blockFormat()
    block_id = format_property(block_format, BLOCK_ID) or new_id()
    text = text_block.text()
    if text.strip() == OBJECT_CHARACTER:
        name = _image_name(text_block)
        if name and name.startswith(f"{PICTURE_SCHEME}:"):
            return Block(block_id, "", BlockKind.PICTURE, picture_id=name.split(":", 1)[1])
    text = text.replace(OBJECT_CHARACTER, "")
    if not text.strip():
        return None
    kind = _kind_of(text_block)
    return Block(block_id, text, kind, _marks_of(text_block, kind))


def _kind_of(text_block: QTextBlock) -> str:
    text_list = text_block.textList()
    if text_list is not None:
        style = text_list.format().style()
        return BlockKind.NUMBERED if style == QTextListFormat.Style.ListDecimal else BlockKind.BULLETED
    kind = format_property(text_block.blockFormat(), BLOCK_KIND)
    if text_block.blockFormat().headingLevel():
        return BlockKind.HEADING
    if kind in (BlockKind.QUOTE, BlockKind.HEADING, BlockKind.PARAGRAPH):
        return kind
    return BlockKind.PARAGRAPH


def _image_name(text_block: QTextBlock) -> str | None:
    iterator = text_block.begin()
    while not iterator.atEnd():
        char_format = iterator.fragment().charFormat()
        if char_format.isImageFormat():
            return char_format.toImageFormat().name()
        iterator += 1
    return None


def _marks_of(text_block: QTextBlock, kind: str) -> tuple[Mark, ...]:
    """Bold, italic and link runs as marks; a heading's own bold and a quote's own italic are not marks."""
    runs: dict[tuple[str, str], list[int]] = {}
    marks: list[Mark] = []
    iterator = text_block.begin()
    base = text_block.position()
    while not iterator.atEnd():
        fragment = iterator.fragment()
        char_format = fragment.charFormat()
        start = fragment.position() - base
        end = start + fragment.length()
        present = set()
        if char_format.fontWeight() > QFont.Weight.Normal and kind != BlockKind.HEADING:
            present.add(("bold", ""))
        if char_format.fontItalic() and kind != BlockKind.QUOTE:
            present.add(("italic", ""))
        if char_format.isAnchor() and char_format.anchorHref():
            present.add(("link", char_format.anchorHref()))
        for key in list(runs):
            if key not in present or runs[key][1] != start:
                marks.append(Mark(runs[key][0], runs[key][1], key[0], key[1]))
                del runs[key]
        for key in present:
            if key in runs:
                runs[key][1] = end
            else:
                runs[key] = [start, end]
        iterator += 1
    marks.extend(Mark(start, end, kind_, href) for (kind_, href), (start, end) in runs.items())
    return tuple(sorted(marks, key=lambda m: (m.start, m.end, m.kind)))
