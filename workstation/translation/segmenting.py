"""An article's translatable sentences, and how a translation's segments follow an edited source.

Pure functions: no store, no Qt.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, replace
from difflib import SequenceMatcher
from itertools import groupby

from workstation.language.segment import segment
from workstation.model import Article, BlockKind, Mark, Segment, SegmentState
from workstation.translation.tags import TaggedText, shift_marks, tag_sentence, untag

CJK = {"zh", "ja", "ko"}
CAPTION, ALT = "caption", "alt"


@dataclass(frozen=True)
class PictureTexts:
    caption: str = ""
    alt_text: str = ""


def source_hash(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def picture_part(kind: str, picture_id: str) -> str:
    return f"{kind}:{picture_id}"


def split_picture_part(part: str) -> tuple[str, str] | None:
    """("caption" | "alt", picture id) for a picture's part, None for other parts."""
    kind, separator, picture_id = part.partition(":")
    return (kind, picture_id) if separator and kind in (CAPTION, ALT) else None


def article_parts(article: Article, pictures: dict[str, PictureTexts]) -> list[tuple[str, str, tuple[Mark, ...]]]:
    """(part, text, marks) in reading order: headline, subheadline, lead, then each block; a picture
    block contributes its caption and alt text in the article's language."""
    parts: list[tuple[str, str, tuple[Mark, ...]]] = [("headline", article.headline, ())]
    if article.subheadline:
        parts.append(("subheadline", article.subheadline, ()))
    parts.append(("lead", article.lead, ()))
    for block in article.blocks:
        if block.kind == BlockKind.PICTURE and block.picture_id:
            texts = pictures.get(block.picture_id, PictureTexts())
            parts.append((picture_part(CAPTION, block.picture_id), texts.caption, ()))
            parts.append((picture_part(ALT, block.picture_id), texts.alt_text, ()))
        else:
            parts.append((block.id, block.text, block.marks))
    return parts


def tagged_sentences(text: str, marks: tuple[Mark, ...], language: str) -> list[TaggedText]:
    """The sentences of one part, each with its bold, italic and link runs as numbered tags."""
    sentences = segment(text, language)
    if not marks:
        return [TaggedText(sentence, {}) for sentence in sentences]
    tagged, cursor = [], 0
    for sentence in sentences:
        start = text.find(sentence, cursor)
        if start < 0:  # the segmenter normalised spacing inside the sentence: no tags for it
            tagged.append(TaggedText(sentence, {}))
            continue
        cursor = start + len(sentence)
        tagged.append(tag_sentence(text, start, cursor, marks))
    return tagged


def segments_of(article: Article, pictures: dict[str, PictureTexts] | None = None) -> list[Segment]:
    """Every translatable sentence of an article, addressed `<part>#<n>`, in reading order."""
    segments: list[Segment] = []
    for part, text, marks in article_parts(article, pictures or {}):
        for n, sentence in enumerate(tagged_sentences(text, marks, article.language)):
            segments.append(
                Segment(
                    address=f"{part}#{n}",
                    position=len(segments),
                    part=part,
                    source_text=sentence.text,
                    source_hash=source_hash(sentence.text),
                )
            )
    return segments


def links_of(article: Article, part: str) -> list[dict[int, str]]:
    """For each sentence of a block, its link tags' addresses (what a target's <aN> tags point to)."""
    block = next((b for b in article.blocks if b.id == part), None)
    if block is None or not any(mark.kind == "link" for mark in block.marks):
        return []
    return [sentence.links for sentence in tagged_sentences(block.text, block.marks, article.language)]


def rebuilt_part(targets: list[str], links: list[dict[int, str]], language: str) -> tuple[str, tuple[Mark, ...]]:
    """A translated part's text and marks, from its target sentences with their tags."""
    separator = "" if language in CJK else " "
    pieces: list[str] = []
    marks: list[Mark] = []
    length = 0
    for index, target in enumerate(targets):
        plain, sentence_marks = untag(target, links[index] if index < len(links) else {})
        if not plain:
            continue
        if pieces:
            pieces.append(separator)
            length += len(separator)
        marks.extend(shift_marks(sentence_marks, length))
        pieces.append(plain)
        length += len(plain)
    return "".join(pieces), tuple(marks)


def join_sentences(sentences: list[str], language: str) -> str:
    return ("" if language in CJK else " ").join(sentence for sentence in sentences if sentence)


def follow_source(current: list[Segment], fresh: list[Segment]) -> tuple[list[Segment], dict[str, str]]:
    """The translation's segments after the source changed to `fresh`, and {old address: new address}.

    Within each part, sentences are aligned on their text: unchanged sentences keep their target
    and state wherever they moved; a changed sentence keeps its target but becomes stale,
    remembering the source it was translated from; new sentences arrive empty; removed ones go.
    Nothing else is touched.
    """
    by_part = {part: list(group) for part, group in groupby(current, key=lambda s: s.part)}
    result: list[Segment] = []
    moves: dict[str, str] = {}
    for part, group in groupby(fresh, key=lambda s: s.part):
        new_part = list(group)
        old_part = by_part.get(part, [])
        matcher = SequenceMatcher(
            a=[s.source_hash for s in old_part], b=[s.source_hash for s in new_part], autojunk=False
        )
        for tag, a1, a2, b1, b2 in matcher.get_opcodes():
            for offset, incoming in enumerate(new_part[b1:b2]):
                previous = old_part[a1 + offset] if tag in ("equal", "replace") and a1 + offset < a2 else None
                merged = _carried(previous, incoming, changed=tag != "equal")
                if previous is not None and previous.address != merged.address:
                    moves[previous.address] = merged.address
                result.append(replace(merged, position=len(result)))
    return result, moves


def _carried(previous: Segment | None, incoming: Segment, changed: bool) -> Segment:
    if previous is None:
        return incoming
    if not changed:
        return replace(
            incoming,
            target_text=previous.target_text,
            state=previous.state,
            origin=previous.origin,
            stale_source=previous.stale_source,
            updated_by=previous.updated_by,
        )
    if not previous.target_text:
        return incoming  # nothing was translated yet: simply the new source
    # The first source it was translated from stays, however many edits came since.
    stale_source = previous.stale_source if previous.stale_source is not None else previous.source_text
    if stale_source == incoming.source_text:
        stale_source = None  # edited back to what was translated
    state = SegmentState.DRAFT if previous.state == SegmentState.NEW else previous.state
    return replace(
        incoming,
        target_text=previous.target_text,
        state=state,
        origin=previous.origin,
        stale_source=stale_source,
        updated_by=previous.updated_by,
    )
