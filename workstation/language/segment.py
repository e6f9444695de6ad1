"""Sentence segmentation (placeholder rules; the language-tools work replaces them)."""

from __future__ import annotations

import re

_SENTENCE_END = re.compile(r"(?<=[.!?。！？])\s+")


def segment(text: str, lang: str) -> list[str]:
    """Split text into sentences; never returns empty segments."""
    return [part.strip() for part in _SENTENCE_END.split(text) if part.strip()]
