"""Word and character counts (placeholder; the language-tools work replaces it)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Counts:
    words: int
    characters: int


def count(text: str, lang: str) -> Counts:
    characters = sum(1 for ch in text if not ch.isspace())
    if lang in {"zh", "ja", "ko"}:
        return Counts(words=characters, characters=characters)
    return Counts(words=len(text.split()), characters=characters)
