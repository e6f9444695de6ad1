"""An article's body as the small HTML the portal keeps: paragraphs, headings, quotes, lists,
bold, italic and links. Picture blocks become an empty <figure> naming the picture; the picture
itself travels as an association."""

from __future__ import annotations

import html
from itertools import groupby, pairwise

from workstation.model import Block, BlockKind, Mark

_TAGS = {BlockKind.PARAGRAPH: "p", BlockKind.HEADING: "h2", BlockKind.QUOTE: "blockquote"}
_LISTS = {BlockKind.BULLETED: "ul", BlockKind.NUMBERED: "ol"}
_SAFE_SCHEMES = ("http://", "https://", "mailto:")


def body_html(blocks: list[Block]) -> str:
    parts: list[str] = []
    for kind, group in groupby(blocks, key=lambda block: block.kind):
        members = list(group)
        if kind in _LISTS:
            items = "".join(f"<li>{inline_html(block.text, block.marks)}</li>" for block in members)
            parts.append(f"<{_LISTS[kind]}>{items}</{_LISTS[kind]}>")
        elif kind == BlockKind.PICTURE:
            parts.extend(f'<figure data-picture="{html.escape(block.picture_id or "")}"></figure>' for block in members)
        else:
            tag = _TAGS.get(kind, "p")
            parts.extend(f"<{tag}>{inline_html(block.text, block.marks)}</{tag}>" for block in members)
    return "\n".join(parts)


def inline_html(text: str, marks: tuple[Mark, ...]) -> str:
    """Text with <b>, <i> and <a href> around the marked runs; runs are cut where marks begin or end,
    so overlapping marks nest correctly."""
    cuts = sorted({0, len(text), *(m.start for m in marks), *(m.end for m in marks)})
    out: list[str] = []
    for start, end in pairwise(cuts):
        run = html.escape(text[start:end], quote=False)
        covering = [m for m in marks if m.start <= start and end <= m.end]
        for mark in sorted(covering, key=lambda m: m.kind):
            if mark.kind == "bold":
                run = f"<b>{run}</b>"
            elif mark.kind == "italic":
                run = f"<i>{run}</i>"
            elif mark.kind == "link" and mark.href.startswith(_SAFE_SCHEMES):
                run = f'<a href="{html.escape(mark.href)}">{run}</a>'
        out.append(run)
    return "".join(out)
