"""Readable differences between two versions of an article: field by field, block by block, word by word."""

from __future__ import annotations

import html
import re
from collections.abc import Callable
from dataclasses import dataclass
from difflib import SequenceMatcher

from workstation.model import Article, Block, BlockKind, Mark

# Words, runs of space, single punctuation marks, and CJK one character at a time (no spaces there).
_TOKEN = re.compile(r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af\uf900-\ufaff]|\w+|\s+|[^\w\s]", re.UNICODE)

_FIELDS = (
    ("headline", "Headline"),
    ("subheadline", "Subheadline"),
    ("lead", "Lead"),
    ("byline", "Byline"),
    ("dateline", "Dateline"),
    ("genre", "Genre"),
    ("language", "Language"),
    ("embargo", "Embargo"),
    ("notes", "Notes to editors"),
)
_LIST_FIELDS = (("subjects", "Subjects"), ("keywords", "Keywords"))

EQUAL, INSERT, DELETE = "equal", "insert", "delete"


@dataclass(frozen=True)
class Piece:
    op: str
    text: str


@dataclass(frozen=True)
class FieldDiff:
    """One field or block that differs; `pieces` interleave what stayed, what went and what came."""

    label: str  # "Headline", "Paragraph 3"
    change: str  # "changed", "added", "removed", "moved" or "formatting changed"
    pieces: tuple[Piece, ...]
    kind_label: str = ""  # a block's label without its number ("Paragraph"); empty for a field
    position: int | None = None  # a block's number in the article, counted from 1

    @property
    def name(self) -> str:
        """The label's words without the number: what a UI translates ("Paragraph", "Headline")."""
        return self.kind_label or self.label


def diff_text(old: str, new: str) -> tuple[Piece, ...]:
    """Word by word; two changes separated only by a space read as one ("[-đầu tiên-]{+thứ hai+}")."""
    old_tokens, new_tokens = _TOKEN.findall(old), _TOKEN.findall(new)
    matcher = SequenceMatcher(a=old_tokens, b=new_tokens, autojunk=False)
    opcodes = matcher.get_opcodes()
    pieces: list[Piece] = []
    deleted, inserted = "", ""
    for index, (tag, a1, a2, b1, b2) in enumerate(opcodes):
        same = "".join(old_tokens[a1:a2])
        between_changes = 0 < index < len(opcodes) - 1 and opcodes[index + 1][0] != "equal"
        if tag == "equal" and not (same.isspace() and (deleted or inserted) and between_changes):
            pieces.extend(_change_pieces(deleted, inserted))
            deleted, inserted = "", ""
            pieces.append(Piece(EQUAL, same))
            continue
        deleted += "".join(old_tokens[a1:a2])
        inserted += "".join(new_tokens[b1:b2])
    pieces.extend(_change_pieces(deleted, inserted))
    return tuple(pieces)


def _change_pieces(deleted: str, inserted: str) -> list[Piece]:
    return [piece for piece in (Piece(DELETE, deleted), Piece(INSERT, inserted)) if piece.text]


PictureDescriber = Callable[[str], str]


def diff_articles(old: Article, new: Article, describe_picture: PictureDescriber | None = None) -> list[FieldDiff]:
    """What changed from `old` to `new`, in reading order; an empty list when nothing did.

    `describe_picture` names a picture block (its caption, say) instead of its id.
    """
    diffs: list[FieldDiff] = []
    for name, label in _FIELDS:
        before, after = getattr(old, name) or "", getattr(new, name) or ""
        if before != after:
            diffs.append(FieldDiff(label, "changed", diff_text(before, after)))
    for name, label in _LIST_FIELDS:
        before, after = ", ".join(getattr(old, name)), ", ".join(getattr(new, name))
        if before != after:
            diffs.append(FieldDiff(label, "changed", diff_text(before, after)))
    diffs.extend(_block_diffs(old.blocks, new.blocks, describe_picture or _picture_id))
    return diffs


def _picture_id(picture_id: str) -> str:
    return f"picture {picture_id}"


def _block_diffs(old_blocks: list[Block], new_blocks: list[Block], describe: PictureDescriber) -> list[FieldDiff]:
    # Blocks keep their ids across edits, so they are matched by id: an edit shows as a changed
    # paragraph, not as one removed and one added.
    old_by_id = {block.id: (n, block) for n, block in enumerate(old_blocks)}
    new_ids = {block.id for block in new_blocks}
    diffs: list[FieldDiff] = []
    old_order = [block.id for block in old_blocks if block.id in new_ids]
    new_order = [block.id for block in new_blocks if block.id in old_by_id]
    moved = _moved_ids(old_order, new_order)
    for position, block in enumerate(new_blocks, start=1):
        kind = _kind_label(block)
        label = f"{kind} {position}"
        text = _block_text(block, describe)
        if block.id not in old_by_id:
            diffs.append(FieldDiff(label, "added", (Piece(INSERT, text),), kind, position))
            continue
        _, before = old_by_id[block.id]
        before_text = _block_text(before, describe)
        if before_text != text or before.kind != block.kind:
            pieces = diff_text(before_text, text)
            if before.kind != block.kind:
                pieces = (Piece(DELETE, f"[{before.kind}] "), Piece(INSERT, f"[{block.kind}] "), *pieces)
            diffs.append(FieldDiff(label, "changed", pieces, kind, position))
        elif before.marks != block.marks:
            diffs.append(FieldDiff(label, "formatting changed", _formatting_pieces(before, block), kind, position))
        elif block.id in moved:
            diffs.append(FieldDiff(label, "moved", (Piece(EQUAL, text),), kind, position))
    for block in old_blocks:
        if block.id not in new_ids:
            position = old_by_id[block.id][0] + 1
            kind = _kind_label(block)
            removed = (Piece(DELETE, _block_text(block, describe)),)
            diffs.append(FieldDiff(f"{kind} {position}", "removed", removed, kind, position))
    return diffs


def _formatting_pieces(before: Block, after: Block) -> tuple[Piece, ...]:
    """The words whose bold, italic or link changed, shown as what came and went."""
    gained = set(after.marks) - set(before.marks)
    lost = set(before.marks) - set(after.marks)
    pieces = [Piece(INSERT, _marked(after, mark)) for mark in sorted(gained, key=_start)]
    pieces += [Piece(DELETE, _marked(before, mark)) for mark in sorted(lost, key=_start)]
    return tuple(pieces)


def _marked(block: Block, mark: Mark) -> str:
    return f"{mark.kind}: {block.text[mark.start : mark.end]} "


def _start(mark: Mark) -> int:
    return mark.start


def _moved_ids(old_order: list[str], new_order: list[str]) -> set[str]:
    matcher = SequenceMatcher(a=old_order, b=new_order, autojunk=False)
    kept = {block_id for a, _b, size in matcher.get_matching_blocks() for block_id in old_order[a : a + size]}
    return set(new_order) - kept


def _kind_label(block: Block) -> str:
    return {
        BlockKind.HEADING: "Heading",
        BlockKind.QUOTE: "Quote",
        BlockKind.BULLETED: "List item",
        BlockKind.NUMBERED: "List item",
        BlockKind.PICTURE: "Picture",
    }.get(block.kind, "Paragraph")


def _block_text(block: Block, describe: PictureDescriber) -> str:
    if block.kind == BlockKind.PICTURE:
        return f"({describe(block.picture_id or '')})"
    return block.text


def as_text(diffs: list[FieldDiff]) -> str:
    """For the terminal: removed text in [-…-], added text in {+…+}, as `git diff --word-diff` does."""
    lines = []
    for diff in diffs:
        body = "".join(
            piece.text if piece.op == EQUAL else f"[-{piece.text}-]" if piece.op == DELETE else f"{{+{piece.text}+}}"
            for piece in diff.pieces
        )
        lines.append(f"{diff.label} ({diff.change}): {body}")
    return "\n".join(lines)


def as_html(diffs: list[FieldDiff], translate: Callable[[str], str] | None = None) -> str:
    """For the revision viewer: removed text struck through in red, added text underlined in green.

    `translate` turns the English words shown around the texts into the UI's language: a label's
    name ("Headline", "Paragraph"; a block's number follows it), the change ("changed", "moved"…)
    and "No differences.". Without it everything shows in English.
    """
    tr = translate or _untranslated
    if not diffs:
        return f"<p><i>{html.escape(tr('No differences.'))}</i></p>"
    parts = []
    for diff in diffs:
        label = tr(diff.name) if diff.position is None else f"{tr(diff.name)} {diff.position}"
        body = "".join(_html_piece(piece) for piece in diff.pieces)
        parts.append(f"<p><b>{html.escape(label)}</b> <small>({html.escape(tr(diff.change))})</small><br>{body}</p>")
    return "\n".join(parts)


def _untranslated(text: str) -> str:
    return text


def _html_piece(piece: Piece) -> str:
    text = html.escape(piece.text)
    if piece.op == DELETE:
        return f'<span style="background:#fbd5d5;color:#8b1a1a;text-decoration:line-through">{text}</span>'
    if piece.op == INSERT:
        return f'<span style="background:#d4f4d4;color:#145214;text-decoration:underline">{text}</span>'
    return text
