"""Vietnamese syllable structure: onset, rhyme and tone, and whether a written syllable is well formed.

A Vietnamese syllable is written (onset)(rhyme) with at most one tone mark on a vowel of the rhyme.
The rules here are the spelling rules Vietnamese editors apply:

* onset spelling: ``c``/``g``/``ng`` before a, o, u…, but ``k``/``gh``/``ngh`` before e, ê, i
  ("nghành" and "ngiên" are wrong); ``q`` only as ``qu``;
* rhyme: one of the rhymes in ``resources/language/vi/rhymes.txt``;
* stop endings ``p``, ``t``, ``c``, ``ch`` take only the sắc or nặng tone ("quyêt" is wrong);
* tone placement: on the vowel with a hat or horn, else on the last vowel before a final
  consonant, else by the diphthong rules; in ``oa``, ``oe``, ``uy`` without a final consonant both
  the traditional ("hóa", "thủy") and the new ("hoá", "thuỷ") placement are correct.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from enum import IntEnum
from functools import cache, lru_cache

from workstation.resources import resource_path


class Tone(IntEnum):
    LEVEL = 0  # ngang: no mark
    FALLING = 1  # huyền: grave
    RISING = 2  # sắc: acute
    QUESTION = 3  # hỏi: hook above
    TUMBLING = 4  # ngã: tilde
    HEAVY = 5  # nặng: dot below


# Combining marks of the five marked tones (NFD), and of the vowel-quality diacritics.
_TONE_BY_MARK = {"\u0300": Tone.FALLING, "\u0301": Tone.RISING, "\u0309": Tone.QUESTION}
_TONE_BY_MARK |= {"\u0303": Tone.TUMBLING, "\u0323": Tone.HEAVY}
_MARK_BY_TONE = {tone: mark for mark, tone in _TONE_BY_MARK.items()}

VOWELS = frozenset("aăâeêioôơuưy")
HAT_OR_HORN_VOWELS = frozenset("ăâêôơư")
BASE_LETTERS = frozenset("abcdđeghiklmnopqrstuvxyăâêôơư")
STOP_CODAS = frozenset({"p", "t", "c", "ch"})
_CODAS = ("ch", "nh", "ng", "c", "m", "n", "p", "t", "i", "y", "o", "u")

# Longest first, so "ngh" wins over "ng" and "ng" over "n".
ONSETS = ("ngh", "ng", "nh", "ch", "gh", "gi", "kh", "ph", "th", "tr", "qu")
ONSETS += ("b", "c", "d", "đ", "g", "h", "k", "l", "m", "n", "p", "r", "s", "t", "v", "x")

_FRONT_VOWELS = frozenset("eêi")  # k, gh, ngh go before these; c, g, ng never do
_ONSETS_BEFORE_FRONT_VOWELS = frozenset({"k", "gh", "ngh"})
_ONSETS_NEVER_BEFORE_FRONT_VOWELS = frozenset({"c", "g", "ng"})
# "y" alone after a consonant is the older spelling of "i" (lý/lí, kỳ/kì, mỹ/mĩ); only these take it.
_ONSETS_BEFORE_LONE_Y = frozenset({"", "b", "d", "h", "k", "l", "m", "n", "s", "t", "v", "x"})
# Rhymes whose first letter is a labial glide (hoa, khoe, thuê, huy, thuở, khuân).
_GLIDE_PREFIXES = ("oa", "oă", "oe", "uâ", "uê", "uy", "uơ")
# In oa, oe, uy with nothing after, both tone placements are standard (hóa/hoá, thủy/thuỷ).
_TWO_STYLE_PAIRS = frozenset({"oa", "oe", "uy"})


@dataclass(frozen=True)
class Syllable:
    """A lower-case syllable taken apart: onset + rhyme, tone, and which vowel carries the tone."""

    onset: str
    rhyme: str
    tone: Tone
    tone_index: int | None  # index in ``rhyme`` of the vowel carrying the mark, None for level tone

    @property
    def coda(self) -> str:
        return split_rhyme(self.rhyme)[1]


def split_tone(text: str) -> tuple[str, Tone, int | None]:
    """Remove the tone mark: (toneless lower-case text, tone, index of the marked letter).

    Raises ValueError when the text carries more than one tone mark.
    """
    letters: list[str] = []
    tone, tone_index = Tone.LEVEL, None
    for char in text.lower():
        decomposed = unicodedata.normalize("NFD", char)
        marks = [mark for mark in decomposed[1:] if mark in _TONE_BY_MARK]
        if marks:
            if tone is not Tone.LEVEL or len(marks) > 1:
                raise ValueError(f"more than one tone mark in {text!r}")
            tone, tone_index = _TONE_BY_MARK[marks[0]], len(letters)
            decomposed = "".join(mark for mark in decomposed if mark not in _TONE_BY_MARK)
        letters.append(unicodedata.normalize("NFC", decomposed))
    return "".join(letters), tone, tone_index


def put_tone(toneless: str, tone: Tone, index: int) -> str:
    """The letter at ``index`` of ``toneless`` gets the tone mark (NFC)."""
    if tone is Tone.LEVEL:
        return toneless
    marked = unicodedata.normalize("NFC", toneless[index] + _MARK_BY_TONE[tone])
    return toneless[:index] + marked + toneless[index + 1 :]


def split_rhyme(rhyme: str) -> tuple[str, str]:
    """(vowels, final consonant or semivowel) of a toneless rhyme."""
    for coda in _CODAS:
        if rhyme.endswith(coda) and len(rhyme) > len(coda) and rhyme[: -len(coda)][-1:] in VOWELS:
            # A final i/y/o/u after a vowel is a semivowel ending: "ai", "ao", "uy", "oai".
            return rhyme[: -len(coda)], coda
    return rhyme, ""


@cache
def _rhymes() -> frozenset[str]:
    rhymes: set[str] = set()
    for line in resource_path("language", "vi", "rhymes.txt").read_text(encoding="utf-8").splitlines():
        rhymes.update(line.split("#", 1)[0].split())
    return frozenset(unicodedata.normalize("NFC", rhyme) for rhyme in rhymes)


@cache
def _rhymes_after_qu() -> frozenset[str]:
    """After "qu" the u is the glide, so the rhyme is written without it: qua, quân, quyết, quốc."""
    after_qu = {"i", "ôc"}  # quí (older spelling of quý), quốc
    for rhyme in _rhymes():
        if rhyme.startswith(_GLIDE_PREFIXES):
            after_qu.add(rhyme[1:])
    return frozenset(after_qu)


def tone_positions(rhyme: str) -> frozenset[int]:
    """Indices in a toneless rhyme where a tone mark is correct (both styles where both are)."""
    vowels, coda = split_rhyme(rhyme)
    hatted = [index for index, letter in enumerate(vowels) if letter in HAT_OR_HORN_VOWELS]
    if hatted:  # ươ, uô, iê take it on the second: "người", "muốn", "tiếng"
        return frozenset({hatted[-1]})
    if coda and coda not in ("i", "y", "o", "u"):
        return frozenset({len(vowels) - 1})  # "hoàn", "toán", "quýt"
    cluster = vowels + coda  # vowels and a final semivowel form one run: "oai", "ai", "uya"
    if len(cluster) == 1:
        return frozenset({0})
    if len(cluster) == 2:
        # "ai", "ao", "ia", "ua": on the first ("mái", "mía", "mùa"); "oa", "oe", "uy": either.
        return frozenset({0, 1}) if cluster in _TWO_STYLE_PAIRS else frozenset({0})
    if coda in ("i", "y", "o", "u") and len(vowels) == 2 and vowels in _TWO_STYLE_PAIRS:
        return frozenset({1})  # "oai", "oay", "oeo", "uyu": "ngoài", "xoáy", "khuỷu"
    return frozenset({len(cluster) - 2})


def _onset_fits_rhyme(onset: str, rhyme: str) -> bool:
    first = rhyme[0]
    if onset in _ONSETS_BEFORE_FRONT_VOWELS:
        return first in _FRONT_VOWELS or (onset == "k" and first == "y" and rhyme == "y")
    if onset in _ONSETS_NEVER_BEFORE_FRONT_VOWELS and first in _FRONT_VOWELS | {"y"}:
        return False
    if onset == "c" and rhyme.startswith(_GLIDE_PREFIXES):
        return False  # /kw/ is written qu: "quân", never "cuân"
    if first == "y" and rhyme != "y" and not rhyme.startswith("uy"):
        return onset == ""  # "yên", "yêu" stand alone; after a consonant it is "iê": "tiên"
    if rhyme.startswith("iê"):
        return onset != ""
    if rhyme == "y":
        return onset in _ONSETS_BEFORE_LONE_Y
    return True


def _tone_fits(rhyme: str, tone: Tone, tone_index: int | None) -> bool:
    if split_rhyme(rhyme)[1] in STOP_CODAS and tone not in (Tone.RISING, Tone.HEAVY):
        return False
    return tone_index is None or tone_index in tone_positions(rhyme)


def _readings(toneless: str, tone_index: int | None) -> list[tuple[str, str, int | None]]:
    """Possible (onset, rhyme, tone index in rhyme) splits; "gi" + "n" is read gi + "in" ("gìn")."""
    onset = next((candidate for candidate in ONSETS if toneless.startswith(candidate)), "")
    rest = toneless[len(onset) :]

    def shifted(offset: int) -> int | None:
        return None if tone_index is None else tone_index - offset

    readings = [(onset, rest, shifted(len(onset)))] if not (onset == "gi" and rest[:1] == "i") else []
    if onset == "gi" and (not rest or rest[0] not in VOWELS or rest[0] == "ê"):
        readings.append(("gi", "i" + rest, shifted(1)))  # gì, gìn, giếng: the i serves both
    return readings


def _rhyme_fits_onset(onset: str, rhyme: str) -> bool:
    if onset == "qu":
        return rhyme in _rhymes_after_qu()
    return rhyme in _rhymes() and _onset_fits_rhyme(onset, rhyme)


@lru_cache(maxsize=65536)
def parse(word: str) -> Syllable | None:
    """The syllable if ``word`` is a well-formed Vietnamese syllable (any case), else None."""
    try:
        toneless, tone, tone_index = split_tone(unicodedata.normalize("NFC", word))
    except ValueError:
        return None
    if not toneless or any(letter not in BASE_LETTERS for letter in toneless):
        return None
    for onset, rhyme, rhyme_tone_index in _readings(toneless, tone_index):
        if rhyme_tone_index is not None and rhyme_tone_index < 0:
            continue  # the mark sits on a letter of the onset: "gìa", "qúy"
        if _rhyme_fits_onset(onset, rhyme) and _tone_fits(rhyme, tone, rhyme_tone_index):
            return Syllable(onset, rhyme, tone, rhyme_tone_index)
    return None


@lru_cache(maxsize=65536)
def split_syllable(toneless: str) -> tuple[str, str] | None:
    """(onset, rhyme) of a toneless lower-case syllable whose letters are well formed, whatever tone
    it would take: "quyet" -> ("qu", "yêt")-like splits for suggestion building."""
    if not toneless or any(letter not in BASE_LETTERS for letter in toneless):
        return None
    for onset, rhyme, _ in _readings(toneless, None):
        if _rhyme_fits_onset(onset, rhyme):
            return onset, rhyme
    return None


def tones_allowed(rhyme: str) -> tuple[Tone, ...]:
    """The tones a rhyme can carry: all six, or only sắc and nặng after p, t, c, ch."""
    if split_rhyme(rhyme)[1] in STOP_CODAS:
        return (Tone.RISING, Tone.HEAVY)
    return tuple(Tone)


def is_valid_syllable(word: str) -> bool:
    return parse(word) is not None


def with_tone(onset: str, rhyme: str, tone: Tone, *, new_style: bool = False) -> str:
    """Write onset + rhyme with the tone in its standard place (traditional style unless asked)."""
    if tone is Tone.LEVEL:
        return _join(onset, rhyme)
    positions = sorted(tone_positions(rhyme))
    index = positions[-1] if new_style else positions[0]
    return _join(onset, put_tone(rhyme, tone, index))


def _join(onset: str, rhyme: str) -> str:
    """Write onset + rhyme; after "gi" a rhyme's own leading i merges: "gìn", "giếng", not "giìn"."""
    if onset == "gi" and rhyme[:1] in ("i", "ì", "í", "ỉ", "ĩ", "ị"):
        return "g" + rhyme
    return onset + rhyme


def has_vietnamese_only_letters(word: str) -> bool:
    """True if the word has a letter used in Vietnamese but not in the major European languages.

    Distinguishes a misspelt Vietnamese word from a foreign name: "Nguyễng" vs "Müller", "José".
    """
    return any(char in "ăđơưĩũĂĐƠƯĨŨ" or "\u1ea0" <= char <= "\u1ef9" for char in unicodedata.normalize("NFC", word))
