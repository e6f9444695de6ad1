"""Word and character counts as editors and translators count them.

Vietnamese and English: words are the space-separated runs that hold a letter or digit, so a
Vietnamese text counts syllables ("chuyển đổi số" is three words), as Vietnamese editors count.
Chinese, Japanese, Korean: characters (Han, kana, Hangul). Mixed text reports both, and
``length`` is the one figure a language is measured in (words + CJK characters for a mixed text,
the convention of CAT tools).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

CJK_LANGUAGES = frozenset({"zh", "ja", "ko"})

# Han, kana, Hangul (syllables and jamo), bopomofo, as regex ranges: scripts counted by character and,
# in search and glossary matching, taken one character at a time.
CJK_RANGES = (
    "\u1100-\u11ff"  # Hangul Jamo
    "\u2e80-\u2fdf"  # CJK radicals
    "\u3040-\u30ff"  # Hiragana, Katakana
    "\u3100-\u312f\u3130-\u318f"  # Bopomofo, Hangul compatibility Jamo
    "\u31f0-\u31ff"  # Katakana phonetic extensions
    "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"  # Han
    "\uac00-\ud7af"  # Hangul syllables
    "\uff66-\uff9f"  # half-width Katakana
    "\U00020000-\U0003134f"  # Han extensions B-G
)
_CJK = re.compile(f"[{CJK_RANGES}]")
# A word: a run without spaces or CJK characters that holds at least one letter or digit.
_WORD = re.compile(rf"[^\s{CJK_RANGES}]+")


@dataclass(frozen=True)
class Counts:
    words: int  # words outside CJK text (Vietnamese counted by syllable)
    characters: int  # every character except whitespace
    characters_with_spaces: int
    cjk_characters: int  # Han, kana and Hangul characters
    unit: str  # "words" or "characters": what ``length`` counts for this language

    @property
    def length(self) -> int:
        """The text's size in its language's unit: each CJK character counts as one, beside the words
        (so a Chinese text with a few English words, or a Vietnamese one quoting Chinese, adds up)."""
        return self.words + self.cjk_characters


def count(text: str, lang: str) -> Counts:
    text = unicodedata.normalize("NFC", text)
    words = sum(1 for match in _WORD.finditer(text) if any(char.isalnum() for char in match.group()))
    base = lang.replace("_", "-").split("-", 1)[0].lower()
    return Counts(
        words=words,
        characters=sum(1 for char in text if not char.isspace()),
        characters_with_spaces=len(text),
        cjk_characters=len(_CJK.findall(text)),
        unit="characters" if base in CJK_LANGUAGES else "words",
    )
