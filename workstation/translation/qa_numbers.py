"""Numbers, dates, times and document numbers of a sentence and its translation, compared as values.

The `numbers` check of translation/qa.py. Each side is read with its own language's conventions:

* Vietnamese groups thousands with "." and writes decimals with ",": "3.000" is 3000, "12,5" is 12.5.
  English, Chinese, Japanese and Korean group with "," and write decimals with ".". A target number
  that reads differently in the target language than the source meant ("3.000 visitors" is three
  in English) or that is not a number of the target language at all ("12,5" in English) is a format
  error naming the form to write. A source number that is not well formed in its own language is
  read the other way (the source is not what QA judges).
* Full-width digits and separators (１２．５％) are read as ASCII ones. Multipliers are values:
  "3,5 triệu" = "3.5 million" = "350万" = "350만"; "3万5千" adds up; a range "3-5 triệu" gives the
  multiplier to both ends.
* Percentages ("12,5%", "12.5 percent", "12,5 phần trăm", "百分之12.5") must stay percentages.
* Dates are compared as dates: "12/10/2023" (Vietnamese: day first), "ngày 12 tháng 10 năm 2023",
  "12 October 2023", "October 12, 2023", "the 12th of October", "2023-10-12", "2023年10月12日",
  "2023년 10월 12일", day ranges ("10-12/10", "October 10-12"), and month-year forms
  ("tháng 10/2023", "October 2023", "2023年10月"). A numeric date in an English, Chinese, Japanese or
  Korean text may be day- or month-first, so "12/10/2023" there matches either reading. A target
  may add the year a source leaves out, not drop it. A month name alone ("in October") answers a
  source's "tháng 10" but is never required.
* Times: "20h30", "20 giờ 30", "20:30", "8:30 p.m.", "20点30分", "20時30分", "20시 30분"; a time without
  a.m./p.m. matches both halves of the day.
* Document numbers ("57-KL/TW", "24/2023/NĐ-CP", "123/QĐ-TTg") must be copied as written (only "Đ"
  may become "D", as English texts write "ND-CP"). Other letter-and-digit names (H5N1, COVID-19, G20,
  5G) should be kept; a translation may name them otherwise, so that is a warning.
* When a number is missing, its parts may still all be in the target in a form not recognised above
  ("20 giờ 30" against "20.30 hrs"), and then it is not flagged; but a date is never matched by the
  parts of another single date ("12/10" against "December 10" is flagged).
* Numbers written as words on the other side excuse a missing one: in Chinese, Japanese and Korean
  any whole number in Han or Sino-Korean numerals (三, 两千, 二十五万, 이십오) and Korean native
  numbers to ten; in Vietnamese and English up to 99 and round hundreds, thousands, millions and
  billions of those ("3 ngày" ↔ "three days", "2 triệu" ↔ "two million"); fractions ("2/3" ↔
  "two-thirds", "hai phần ba", "三分之二", "3분의 2"). Number words are not otherwise read: a
  number written only in words on both sides is not checked.
* Roman numerals ("quý III", "khóa XIII") answer the same number on the other side ("第3四半期",
  "13th") but are never required. In "trong 2 ngày 8-9/5" the count of days is said by the range,
  so a translation may leave it out.
* A Vietnamese "2/3" is a date only after a word such as "ngày", "sáng", "từ", or in a day range;
  otherwise it is a fraction (or, in its parts, a date the target spells out).
"""

from __future__ import annotations

import itertools
import re
import unicodedata
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

LANGUAGE_NAMES = {"vi": "Vietnamese", "en": "English", "zh": "Chinese", "ja": "Japanese", "ko": "Korean"}
CJK = frozenset({"zh", "ja", "ko"})

_L = "A-Za-z\u00c0-\u024f\u1e00-\u1eff"  # Latin letters, Vietnamese included
_NUM = r"[0-9]+(?:[.,][0-9]+)*"
_START = rf"(?<![{_L}0-9_])(?<![0-9][.,])"  # a number does not continue a word or another number
_MASK = "\x00"

NUMBER, PERCENT, FRACTION, TIME, DATE, MONTH = "number", "percent", "fraction", "time", "date", "month"
REFERENCE, NAME = "reference", "name"
DATE_KINDS = frozenset({DATE, MONTH})

_MONTHS_EN = {
    "january": 1, "february": 2, "march": 3, "april": 4, "may": 5, "june": 6, "july": 7, "august": 8,
    "september": 9, "october": 10, "november": 11, "december": 12,
    "jan": 1, "feb": 2, "mar": 3, "apr": 4, "jun": 6, "jul": 7, "aug": 8, "sep": 9, "sept": 9, "oct": 10,
    "nov": 11, "dec": 12,
}  # fmt: skip
_MONTH_NAMES = ["", "January", "February", "March", "April", "May", "June", "July", "August", "September",
                "October", "November", "December"]  # fmt: skip
# Capitalised only: "may" and "march" are also words.
_MON = (
    r"(?P<mon>(?:January|February|March|April|May|June|July|August|September|October|November|December"
    r"|Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sept|Sep|Oct|Nov|Dec)\b\.?)"
)
_ORD = r"(?:st|nd|rd|th)?"

_MULTIPLIERS = {
    "nghìn": 10**3, "ngàn": 10**3, "triệu": 10**6, "tỷ": 10**9, "tỉ": 10**9,
    "thousand": 10**3, "million": 10**6, "billion": 10**9, "trillion": 10**12, "bn": 10**9,
    "千": 10**3, "万": 10**4, "萬": 10**4, "亿": 10**8, "億": 10**8,
    "천": 10**3, "만": 10**4, "억": 10**8, "조": 10**12,
}  # fmt: skip
_MULTIPLIER = (
    r"(?:\s*(?P<mult>(?:nghìn|ngàn|triệu|tỷ|tỉ|thousand|million|billion|trillion|bn)(?![{L}])|[千万萬亿億천만억조]))"
).replace("{L}", _L)
_PERCENT_SIGN = r"(?:\s*(?P<pct>%|percent(?![{L}])|per cent(?![{L}])|phần trăm|퍼센트|パーセント))".replace("{L}", _L)
_RANGE_JOIN = re.compile(r"\s*(?:[-–~～]|to|đến|tới|至|到)\s*$")

_FULLWIDTH_DIGITS = str.maketrans({chr(0xFF10 + i): str(i) for i in range(10)} | {"％": "%"})
_FULLWIDTH_SEPARATORS = re.compile(r"(?<=[0-9０-９])[，．：／－](?=[0-9０-９])")
_SEPARATOR_ASCII = {"，": ",", "．": ".", "：": ":", "／": "/", "－": "-"}


@dataclass
class Item:
    """One figure of a text: what it says (`keys`, any shared key is a match) and how it was written."""

    kind: str
    text: str
    start: int
    keys: frozenset = frozenset()
    parts: tuple[Decimal, ...] = ()
    """The plain numbers it is made of, for matching forms not recognised as a whole."""
    optional: bool = False
    """A month name alone: may answer a number of the other side, never required or extra."""
    token: str = ""
    """The number as written, for a format error (e.g. "3.000" of "3.000 visitors")."""
    value: Decimal | None = None
    """The number read with the text's language (None: not well formed in it)."""
    other_value: Decimal | None = None
    """The number read with the other convention (decimal comma ↔ decimal point)."""
    multiplier: int = 1
    reading: str = ""
    """How a date was read, for messages: "12 October 2023"."""
    alt_keys: frozenset = frozenset()
    """The keys the target's number would have written the other convention's way."""
    ambiguous: bool = False


@dataclass(frozen=True)
class NumberFindings:
    """What differs between a source's and a target's figures; each list holds human phrases."""

    missing_numbers: list[str] = field(default_factory=list)
    missing_dates: list[str] = field(default_factory=list)
    extra: list[str] = field(default_factory=list)
    """Target figures the source does not have."""
    unused: list[str] = field(default_factory=list)
    """Every target figure left unmatched, month names and Roman numerals included (for messages)."""
    formats: list[str] = field(default_factory=list)
    references: list[str] = field(default_factory=list)
    other_references: list[str] = field(default_factory=list)
    """Document numbers of the target that the source does not have (often the miscopied one)."""
    names: list[str] = field(default_factory=list)


# --- reading ---------------------------------------------------------------------------------------


def prepare(text: str) -> str:
    """NFC with full-width digits, "％" and separators between digits made ASCII (offsets kept)."""
    text = unicodedata.normalize("NFC", text)
    text = _FULLWIDTH_SEPARATORS.sub(lambda m: _SEPARATOR_ASCII[m.group(0)], text)
    return text.translate(_FULLWIDTH_DIGITS)


def read_number(token: str, decimal_comma: bool) -> Decimal | None:
    """`token` ("3.000", "12,5", "1,234.5") as a value, or None when not a number of that convention."""
    group, point = (".", ",") if decimal_comma else (",", ".")
    integer, _, fraction = token.partition(point)
    if group in fraction or point in fraction:
        return None
    if group in integer:
        groups = integer.split(group)
        if not 1 <= len(groups[0]) <= 3 or (groups[0].startswith("0")) or any(len(g) != 3 for g in groups[1:]):
            return None
        integer = "".join(groups)
    try:
        return Decimal(integer + ("." + fraction if fraction else ""))
    except InvalidOperation:
        return None


def canonical(value: Decimal) -> str:
    text = format(value.normalize(), "f")
    return text


def items_of(text: str, lang: str, side: str) -> list[Item]:
    """Every figure of `text` (tags already stripped) in order; `side` is "source" or "target"."""
    text = prepare(text)
    masked = list(text)
    found: list[Item] = []
    decimal_comma = lang == "vi"

    def claim(pattern: re.Pattern[str], make: Callable[[re.Match[str]], Iterable[Item] | None]) -> None:
        current = "".join(masked)
        for match in pattern.finditer(current):
            made = make(match)
            if made is None:
                continue
            found.extend(made)
            for offset in range(match.start(), match.end()):
                masked[offset] = _MASK

    claim(_URL, lambda m: [])
    claim(_REFERENCE_PATTERN, lambda m: _reference(m))
    claim(_NAME_PATTERN, lambda m: _name(m))
    for pattern in _DATE_PATTERNS:
        claim(pattern, lambda m: _date(m, lang, side))
    for pattern in _TIME_PATTERNS:
        claim(pattern, _time)
    claim(_FIGURE_PATTERN, lambda m: [_figure(m, decimal_comma, side)])
    claim(_MONTH_ALONE, _month_alone)
    claim(_ROMAN, _roman)
    found.sort(key=lambda item: item.start)
    _spread_units_over_ranges(text, found)
    _day_counts_of_ranges(text, found)
    return _merged_multipliers(text, found)


# --- patterns and their items ---------------------------------------------------------------------

_URL = re.compile(r"(?:https?://|www\.)\S+|[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
# Document numbers: digits, then letter groups holding a capital, joined by "-" or "/": 57-KL/TW, 24/2023/NĐ-CP.
_REFERENCE_PATTERN = re.compile(rf"{_START}[0-9]+(?:/[0-9]+)*[-/][{_L}]+(?:[-/][{_L}0-9]+)*")
_NAME_PATTERN = re.compile(rf"(?<![{_L}0-9_])[{_L}0-9]+(?:-[{_L}0-9]+)*")


def _fold_code(text: str) -> str:
    return "".join(c for c in unicodedata.normalize("NFD", text.replace("Đ", "D").replace("đ", "d")) if ord(c) < 0x300)


def _reference(match: re.Match[str]) -> list[Item] | None:
    text = match.group(0)
    if not any(char.isupper() for char in text):
        return None  # "5-year", "3-người"
    return [Item(REFERENCE, text, match.start(), frozenset({("ref", _fold_code(text))}))]


def _name(match: re.Match[str]) -> list[Item] | None:
    text = match.group(0)
    has_digit = any(char.isdigit() for char in text)
    has_capital = any(char.isupper() for char in text)
    if not (has_digit and has_capital and any(char.isalpha() for char in text)):
        return None
    return [Item(NAME, text, match.start(), frozenset({("name", _fold_code(text).casefold())}))]


def _dmy(day: int, month: int, year: int | None) -> bool:
    return 1 <= month <= 12 and 1 <= day <= 31 and (year is None or 1000 <= year <= 2999)


def _date_keys(day: int, month: int, year: int | None, side: str) -> set[tuple]:
    keys = {("date", year, month, day)}
    if side == "target" and year is not None:
        keys.add(("date", None, month, day))  # a translation may add the year the source leaves out
    return keys


def _reading(day: int | None, month: int, year: int | None) -> str:
    return " ".join(str(part) for part in (day, _MONTH_NAMES[month], year) if part is not None)


def _date_item(match: re.Match[str], orders: list[tuple[int, int, int | None]], side: str, offset: int = 0) -> Item:
    """A date read in each order of `orders` (day, month, year) that makes a valid date."""
    keys: set[tuple] = set()
    for day, month, year in orders:
        keys |= _date_keys(day, month, year, side)
    day, month, year = orders[0]
    parts = tuple(Decimal(p) for p in (day, month, year) if p is not None)
    readings = " or ".join(dict.fromkeys(_reading(*order) for order in orders))
    return Item(DATE, match.group(0), match.start() + offset, frozenset(keys), parts, reading=readings)


def _numeric_orders(a: int, b: int, year: int | None, lang: str) -> list[tuple[int, int, int | None]]:
    """Vietnamese writes the day first; elsewhere "12/10" may be either (British or American)."""
    orders = [(a, b, year)] if lang == "vi" else [(a, b, year), (b, a, year)]
    return list(dict.fromkeys(order for order in orders if _dmy(*order)))


# Words before a Vietnamese "12/10" that make it a date rather than a fraction ("chiếm 2/3").
_DATE_CUE = re.compile(
    r"(?:\b(?:ngày|hôm|sáng|trưa|chiều|tối|đêm|rạng sáng|từ|đến|tới|vào|qua|thứ\s+\w+|chủ nhật)|[(\[,–-])\s*$",
    re.IGNORECASE,
)


def _date(match: re.Match[str], lang: str, side: str) -> list[Item] | None:
    groups = {k: v for k, v in match.groupdict().items() if v is not None}
    year = int(groups.get("y") or groups.get("y2") or 0) or None
    first = [int(groups["d0"])] if "d0" in groups else []
    if "a" in groups:  # numeric day and month, in the language's order
        a, b = int(groups["a"]), int(groups["b"])
        orders = _numeric_orders(a, b, year, lang)
        cued = lang != "vi" or bool(first) or bool(_DATE_CUE.search(match.string[: match.start()]))
        if year is None and not (orders and cued):
            return [_fraction(match, a, b)]
        if not orders:
            return None
        items = []
        for day in first:  # "10-12/10": the first day of the range, in the same month
            valid = [(day, month, y) for _d, month, y in orders if _dmy(day, month, y)]
            if valid:
                items.append(_date_item(match, valid, side))
        return [*items, _date_item(match, orders, side, offset=1 if items else 0)]
    month = _MONTHS_EN[groups["mon"].rstrip(".").lower()] if "mon" in groups else int(groups["m"])
    if "d" not in groups:
        if year is None or not _dmy(1, month, year):
            return None
        return [_month_item(match, month, year)]
    days = [*first, int(groups["d"])] + ([int(groups["d2"])] if "d2" in groups else [])
    if any(not _dmy(day, month, year) for day in days):
        return None
    return [_date_item(match, [(day, month, year)], side, offset=index) for index, day in enumerate(days)]


def _fraction(match: re.Match[str], numerator: int, denominator: int) -> Item:
    return Item(
        FRACTION,
        match.group(0),
        match.start(),
        frozenset({("fraction", numerator, denominator)}),
        (Decimal(numerator), Decimal(denominator)),
    )


def _month_item(match: re.Match[str], month: int, year: int) -> Item:
    return Item(
        MONTH,
        match.group(0),
        match.start(),
        frozenset({("month", year, month)}),
        (Decimal(month), Decimal(year)),
        reading=_reading(None, month, year),
    )


_DAY_RANGE = r"(?:(?P<d0>[0-9]{1,2})\s*(?:[-–]|đến|tới|to)\s*)?"
_DATE_PATTERNS = [
    # 2023-10-12, 2023/10/12, 2023.10.12
    re.compile(rf"{_START}(?P<y>[0-9]{{4}})(?P<sep>[-/.])(?P<m>[0-9]{{1,2}})(?P=sep)(?P<d>[0-9]{{1,2}})(?![0-9])"),
    # 12/10/2023, 12-10-2023, 12.10.2023, 10-12/10/2023
    re.compile(
        rf"{_START}{_DAY_RANGE}(?P<a>[0-9]{{1,2}})(?P<sep>[/.-])(?P<b>[0-9]{{1,2}})(?P=sep)(?P<y>[0-9]{{4}})(?![0-9])"
    ),
    # ngày 12 tháng 10 năm 2023, 12 tháng 10, 10-12 tháng 10
    re.compile(
        rf"{_START}{_DAY_RANGE}(?P<d>[0-9]{{1,2}})\s+tháng\s+(?P<m>[0-9]{{1,2}})(?:\s*(?:năm\s+|/|,\s*)(?P<y>[0-9]{{4}}))?",
        re.IGNORECASE,
    ),
    # tháng 10/2023, tháng 10 năm 2023
    re.compile(r"tháng\s+(?P<m>[0-9]{1,2})\s*(?:năm\s+|/)(?P<y>[0-9]{4})(?![0-9])", re.IGNORECASE),
    # 2023年10月12日, 10月12日, 10月10日至12日, 10月10-12日, 2023년 10월 12일, 2023年10月
    re.compile(
        rf"{_START}(?:(?P<y>[0-9]{{4}})\s*[年년]\s*)?(?P<m>[0-9]{{1,2}})\s*[月월]\s*"
        r"(?:(?:(?P<d0>[0-9]{1,2})\s*[日일号號]?\s*[-–~～至到]\s*)?(?P<d>[0-9]{1,2})\s*[日일号號])?"
    ),
    # 12 October 2023, 12th of October, 10-12 October 2023
    re.compile(
        rf"{_START}(?:the\s+)?(?:(?P<d0>[0-9]{{1,2}}){_ORD}\s*[-–]\s*)?(?P<d>[0-9]{{1,2}}){_ORD}\s+(?:of\s+)?{_MON}"
        rf"(?:,?\s+(?P<y>[0-9]{{4}})(?![0-9]))?"
    ),
    # October 12, 2023; October 10-12; October 2023
    re.compile(
        rf"{_MON}\s+(?:(?P<d>[0-9]{{1,2}}){_ORD}(?![0-9])(?:\s*(?:[-–]|to)\s*(?P<d2>[0-9]{{1,2}}){_ORD}(?![0-9]))?"
        rf"(?:,?\s+(?P<y>[0-9]{{4}})(?![0-9]))?|,?\s*(?P<y2>[0-9]{{4}})(?![0-9]))"
    ),
    # 12/10, 10-12/10 (day and month, no year); 10/2023 (month and year)
    re.compile(rf"{_START}{_DAY_RANGE}(?P<a>[0-9]{{1,2}})/(?P<b>[0-9]{{1,2}})(?![0-9/]|[.,][0-9])"),
    re.compile(rf"{_START}(?P<m>[0-9]{{1,2}})/(?P<y>[0-9]{{4}})(?![0-9/])"),
]

_TIME_PATTERNS = [
    re.compile(rf"{_START}(?P<h>[0-9]{{1,2}}):(?P<mi>[0-9]{{2}})(?![0-9])(?:\s*(?P<ap>[aApP])\.?\s?[mM]\b\.?)?"),
    re.compile(rf"{_START}(?P<h>[0-9]{{1,2}})\s*(?P<ap>[ap])\.?m\b\.?"),
    re.compile(
        rf"{_START}(?P<h>[0-9]{{1,2}})\s*(?:h(?![{_L}])|giờ(?![{_L}]))\s*(?:(?P<mi>[0-9]{{1,2}})(?![0-9])(?:\s*phút)?)?"
    ),
    re.compile(rf"{_START}(?P<h>[0-9]{{1,2}})\s*[点點时時](?![间間])\s*(?:(?P<mi>[0-9]{{1,2}})\s*分)?"),
    re.compile(rf"{_START}(?P<h>[0-9]{{1,2}})\s*시(?!간)\s*(?:(?P<mi>[0-9]{{1,2}})\s*분)?"),
]
_FIGURE_PATTERN = re.compile(rf"(?:(?P<pre>百分之)\s*)?{_START}(?P<num>{_NUM})(?:{_PERCENT_SIGN}|{_MULTIPLIER})?")
_MONTH_ALONE = re.compile(
    r"\b(?P<mon>January|February|March|April|May|June|July|August|September|October|November|December)\b"
)


def _time(match: re.Match[str]) -> list[Item] | None:
    hour = int(match.group("h"))
    minute = int(match.group("mi")) if "mi" in match.groupdict() and match.group("mi") else 0
    if hour > 24 or minute > 59:
        return None
    ap = match.groupdict().get("ap")
    keys: set[tuple] = set()
    if ap:
        if not 1 <= hour <= 12:
            return None
        keys.add(("time", hour % 12 + (12 if ap.lower() == "p" else 0), minute))
    else:
        keys.add(("time", hour % 24, minute))
        if hour <= 12:
            keys.add(("time", hour + 12, minute))
        elif hour > 12:
            keys.add(("time", hour - 12, minute))
    if minute == 0:
        keys.add(("n", canonical(Decimal(hour))))  # "3 giờ" may be three hours; "3点" three points
    parts = (Decimal(hour), Decimal(minute)) if minute else (Decimal(hour),)
    return [Item(TIME, match.group(0).strip(), match.start(), frozenset(keys), parts)]


def _figure(match: re.Match[str], decimal_comma: bool, side: str) -> Item:
    token = match.group("num")
    value = read_number(token, decimal_comma)
    other = read_number(token, not decimal_comma)
    percent = bool(match.group("pct") or match.group("pre"))
    word = match.group("mult") or ""
    multiplier = _MULTIPLIERS.get(word.lower(), 1)
    if word == "조" and match.string[: match.start()].endswith("제"):
        multiplier = 1  # 제3조: Article 3
    item = Item(
        PERCENT if percent else NUMBER,
        match.group(0).strip(),
        match.start(),
        token=token,
        value=value,
        other_value=other,
        multiplier=multiplier,
    )
    if side == "source":
        if value is None:
            item.value = other  # not well formed in the source's language: read it the other way
        elif other is not None and _OTHER_GROUPING[decimal_comma].fullmatch(token):
            item.ambiguous = True  # "3,000" in a Vietnamese source: 3 by the rules, 3000 as often meant
    _set_keys(item)
    if value is None and other is None:
        item.keys = frozenset({("raw", token)})  # 1.2.3: neither convention; copied, it matches
    return item


# Thousands grouped the other convention's way: "3,000" for a decimal-comma language, "3.000" otherwise.
_OTHER_GROUPING = {True: re.compile(r"[0-9]{1,3}(?:,[0-9]{3})+"), False: re.compile(r"[0-9]{1,3}(?:\.[0-9]{3})+")}


def _set_keys(item: Item) -> None:
    tag = "%" if item.kind == PERCENT else "n"

    def keys(*values: Decimal | None) -> frozenset:
        return frozenset((tag, canonical(value * item.multiplier)) for value in values if value is not None)

    item.keys = keys(item.value, item.other_value if item.ambiguous else None)
    item.alt_keys = keys(item.other_value)
    item.parts = (item.value * item.multiplier,) if item.value is not None else ()


def _month_alone(match: re.Match[str]) -> list[Item]:
    month = _MONTHS_EN[match.group("mon").lower()]
    return [
        Item(MONTH, match.group(0), match.start(), frozenset({("n", str(month))}), (Decimal(month),), optional=True)
    ]


_ROMAN = re.compile(r"(?<![A-Za-z0-9])(?:XC|XL|L?X{0,3})(?:IX|IV|V?I{0,3})(?![A-Za-z0-9])")


def _roman(match: re.Match[str]) -> list[Item] | None:
    """ "quý III", "khóa XIII": Roman numerals up to 89, which may answer "3", "13th" or "第3" on the
    other side; never required ("I" is also a pronoun)."""
    text = match.group(0)
    if not text:
        return None
    value, previous = 0, 0
    for char in reversed(text):
        digit = {"I": 1, "V": 5, "X": 10, "L": 50}[char]
        value += -digit if digit < previous else digit
        previous = max(previous, digit)
    return [Item(NUMBER, text, match.start(), frozenset({("n", str(value))}), (Decimal(value),), optional=True)]


def _day_counts_of_ranges(text: str, items: list[Item]) -> None:
    """ "Trong 2 ngày 8-9/5": the count of days before a day range is said by the range itself."""
    for index, item in enumerate(items[:-2]):
        first, last = items[index + 1], items[index + 2]
        if item.kind != NUMBER or first.kind != DATE or last.kind != DATE or first.text != last.text:
            continue
        if not re.fullmatch(r"\s*ngày\s*", text[item.start + len(item.text) : first.start]):
            continue
        if item.value is not None and item.value == last.parts[0] - first.parts[0] + 1:
            item.optional = True


def _spread_units_over_ranges(text: str, items: list[Item]) -> None:
    """ "10-12%" and "3-5 triệu": the first number of a range takes the unit of the second."""
    for first, second in itertools.pairwise(items):
        if first.kind != NUMBER or first.multiplier != 1 or second.kind not in (NUMBER, PERCENT):
            continue
        if second.kind == NUMBER and second.multiplier == 1:
            continue
        between = text[first.start + len(first.text) : second.start]
        if _RANGE_JOIN.fullmatch(between) or _RANGE_JOIN.match(between):
            first.kind = second.kind
            first.multiplier = second.multiplier
            _set_keys(first)


def _merged_multipliers(text: str, items: list[Item]) -> list[Item]:
    """ "3万5千", "1 tỷ 200 triệu", "3万5000": one value when the multipliers fall and nothing is between."""
    merged: list[Item] = []
    for item in items:
        previous = merged[-1] if merged else None
        if (
            previous is not None
            and previous.kind == NUMBER
            and item.kind == NUMBER
            and previous.multiplier > 1
            and previous.multiplier > item.multiplier
            and (item.multiplier > 1 or _is_cjk_char(text[item.start - 1 : item.start]))
            and previous.value is not None
            and item.value is not None
            and not text[previous.start + len(previous.text) : item.start].strip()
        ):
            total = previous.value * previous.multiplier + item.value * item.multiplier
            combined = Item(
                NUMBER,
                text[previous.start : item.start + len(item.text)],
                previous.start,
                token=previous.token,
                value=total,
                other_value=None,
            )
            _set_keys(combined)
            merged[-1] = combined
            continue
        merged.append(item)
    return merged


def _is_cjk_char(char: str) -> bool:
    return bool(char) and char in "千万萬亿億천만억조"


# --- numbers written as words (leniency only) -------------------------------------------------------

_EN_UNITS = ("zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen "
             "sixteen seventeen eighteen nineteen").split()  # fmt: skip
_EN_TENS = "_ _ twenty thirty forty fifty sixty seventy eighty ninety".split()
_EN_ORDINALS = ("_ first second third fourth fifth sixth seventh eighth ninth tenth eleventh twelfth thirteenth "
                "fourteenth fifteenth sixteenth seventeenth eighteenth nineteenth twentieth").split()  # fmt: skip
_VI_UNITS = "không một hai ba bốn năm sáu bảy tám chín".split()
_SCALES = {
    "en": {100: ["hundred"], 1000: ["thousand"], 10**6: ["million"], 10**9: ["billion"]},
    "vi": {100: ["trăm"], 1000: ["nghìn", "ngàn"], 10**6: ["triệu"], 10**9: ["tỷ", "tỉ"]},
}
_SINO = {
    "zh": ("零一二三四五六七八九", "十百千", "万亿"),
    "ja": ("〇一二三四五六七八九", "十百千", "万億"),
    "ko": ("영일이삼사오육칠팔구", "십백천", "만억"),
}
_KO_NATIVE = {1: ["하나", "한"], 2: ["둘", "두"], 3: ["셋", "세"], 4: ["넷", "네"], 5: ["다섯"], 6: ["여섯"],
              7: ["일곱"], 8: ["여덟"], 9: ["아홉"], 10: ["열"], 20: ["스물", "스무"]}  # fmt: skip


def _en_words(n: int) -> list[str]:
    if n < 20:
        return [_EN_UNITS[n]] + ([_EN_ORDINALS[n]] if 1 <= n < len(_EN_ORDINALS) else [])
    if n < 100:
        tens, unit = divmod(n, 10)
        if not unit:
            return [_EN_TENS[tens], "twentieth"] if n == 20 else [_EN_TENS[tens]]
        return [f"{_EN_TENS[tens]}-{_EN_UNITS[unit]}", f"{_EN_TENS[tens]} {_EN_UNITS[unit]}"]
    return []


def _vi_words(n: int) -> list[str]:
    if n < 10:
        words = [_VI_UNITS[n]]
        return words + {1: ["nhất"], 4: ["tư"], 7: ["bẩy"]}.get(n, [])
    if n < 100:
        tens, unit = divmod(n, 10)
        head = "mười" if tens == 1 else f"{_VI_UNITS[tens]} mươi"
        if not unit:
            return [head]
        tails = {1: ["một"] if tens == 1 else ["mốt", "một"], 4: ["bốn", "tư"], 5: ["lăm"]}.get(unit, [_VI_UNITS[unit]])
        return [f"{head} {tail}" for tail in tails]
    return []


def _sino(n: int, lang: str) -> list[str]:
    """Chinese, Japanese (kanji) or Sino-Korean numerals for 1 ≤ n < 10¹²: 二十五, 两千, 이십오."""
    digits, small, big = _SINO[lang]
    drop_one = lang != "zh"  # 十, 百, 千 without 一 in Japanese and Korean; Chinese keeps 一百, 一千

    def below_10000(value: int) -> str:
        text, zero = "", False
        for power, unit in ((1000, small[2]), (100, small[1]), (10, small[0]), (1, "")):
            digit, value = divmod(value, power)
            if digit:
                text += (
                    (digits[0] if zero and lang == "zh" else "")
                    + ("" if digit == 1 and unit and drop_one else digits[digit])
                    + unit
                )
                zero = False
            elif text:
                zero = True
        return text

    if not 1 <= n < 10**12:
        return []
    text = ""
    for power, unit in ((10**8, big[1]), (10**4, big[0]), (1, "")):
        chunk, n = divmod(n, power)
        if chunk:
            text += below_10000(chunk) + unit
    found = [text]
    if lang == "zh":
        if text.startswith("一十"):
            found.append(text[1:])  # 十二
        if text == "二" or text[:2] in ("二百", "二千", "二万", "二亿"):
            found.append("两" + text[1:])  # 两国, 两千
    return found


_ORDINAL_WORDS = frozenset(_EN_ORDINALS) | {"nhất", "tư"}


def spellings(value: Decimal, lang: str) -> list[str]:
    """Ways `lang` writes `value` in words (small and round numbers only; empty when not covered)."""
    if value != value.to_integral_value() or value <= 0:
        return []
    n = int(value)
    if lang in _SINO:
        return _sino(n, lang) + (_KO_NATIVE.get(n, []) if lang == "ko" else [])
    words = {"en": _en_words, "vi": _vi_words}.get(lang)
    if words is None:
        return []
    found = list(words(n))
    for scale, names in _SCALES[lang].items():
        count, rest = divmod(n, scale)
        if not rest and 1 <= count < 100:
            heads = [head for head in words(count) if head not in _ORDINAL_WORDS]
            found += [f"{head} {name}" for head in heads for name in names]
    return found


_EN_FRACTIONS = {(1, 2): ["half"], (1, 3): ["a third", "one third", "one-third"], (1, 4): ["a quarter", "one quarter"],
                 (3, 4): ["three quarters", "three-quarters"]}  # fmt: skip


def fraction_spellings(numerator: int, denominator: int, lang: str) -> list[str]:
    """ "2/3" in words: two-thirds, hai phần ba, 三分之二, 3분의 2 (and with digits: 3分之2)."""
    if lang in _SINO:
        tops = [*_sino(numerator, lang), str(numerator)]
        bottoms = [*_sino(denominator, lang), str(denominator)]
        pattern = "{b}분의 {t}" if lang == "ko" else "{b}分之{t}"
        return [pattern.format(b=b, t=t) for b in bottoms for t in tops]
    if lang == "vi":
        found = [f"{top} phần {bottom}" for top in _vi_words(numerator)[:1] for bottom in _vi_words(denominator)[:1]]
        return found + (["nửa"] if (numerator, denominator) == (1, 2) else [])
    if lang == "en":
        found = list(_EN_FRACTIONS.get((numerator, denominator), []))
        if 2 <= denominator < len(_EN_ORDINALS) and numerator < 20:
            ordinal = _EN_ORDINALS[denominator] + ("s" if numerator > 1 else "")
            found += [f"{_EN_UNITS[numerator]}-{ordinal}", f"{_EN_UNITS[numerator]} {ordinal}"]
        return found
    return []


def _in_words(item: Item, lang: str, text: str) -> bool:
    """Whether `text` (in `lang`) writes `item`'s number in words."""
    if item.kind == NUMBER and item.value is not None:
        found = spellings(item.value * item.multiplier, lang)
    elif item.kind == FRACTION:
        found = fraction_spellings(int(item.parts[0]), int(item.parts[1]), lang)
    else:
        return False
    for spelling in found:
        if lang in CJK:
            if spelling in text:
                return True
        elif re.search(rf"(?<![{_L}]){re.escape(spelling)}(?![{_L}])", text, re.IGNORECASE):
            return True
    return False


# --- comparing ----------------------------------------------------------------------------------------


def _matching(sources: list[Item], targets: list[Item], usable: Callable[[Item, Item], bool]) -> dict[int, int]:
    """A maximum matching source index → target index over pairs that are `usable` (Kuhn's algorithm)."""
    owner: dict[int, int] = {}

    def place(s: int, seen: set[int]) -> bool:
        for t, target in enumerate(targets):
            if t in seen or not usable(sources[s], target):
                continue
            seen.add(t)
            if t not in owner or place(owner[t], seen):
                owner[t] = s
                return True
        return False

    for s in range(len(sources)):
        place(s, set())
    return {s: t for t, s in owner.items()}


def _covered_by_parts(item: Item, pool: list[tuple[int, Decimal]], targets: list[Item]) -> set[int] | None:
    """Indexes into `pool` that supply every part of `item`, or None. A date may not be supplied by
    the parts of one other date (that is a different date: "12/10" is not "December 10")."""
    if not item.parts:
        return None
    counts = Counter(item.parts)
    excluded = set()
    if item.kind in DATE_KINDS:
        for index, target in enumerate(targets):
            if target.kind in DATE_KINDS and not counts - Counter(target.parts):
                excluded.add(index)
    taken: set[int] = set()
    for part in item.parts:
        for position, (owner, value) in enumerate(pool):
            if position not in taken and owner not in excluded and value == part:
                taken.add(position)
                break
        else:
            return None
    return taken


def compare(source_text: str, target_text: str, source_lang: str, target_lang: str) -> NumberFindings:
    """The figures of the source missing from the target, written wrongly there, or added there."""
    sources = items_of(source_text, source_lang, "source")
    targets = items_of(target_text, target_lang, "target")
    findings = NumberFindings()

    # Document numbers exactly (up to Đ/D), names up to case; neither takes part in the rest.
    for kind, out, others in (
        (REFERENCE, findings.references, findings.other_references),
        (NAME, findings.names, []),
    ):
        wanted = Counter(key for item in sources if item.kind == kind for key in item.keys)
        have = Counter(key for item in targets if item.kind == kind for key in item.keys)
        for side, surplus, listed in ((sources, wanted - have, out), (targets, have - wanted, others)):
            for item in side:
                key = next(iter(item.keys)) if item.kind == kind else None
                if key is not None and surplus[key] > 0:
                    surplus[key] -= 1
                    listed.append(item.text)
    sources = [item for item in sources if item.kind not in (REFERENCE, NAME)]
    targets = [item for item in targets if item.kind not in (REFERENCE, NAME)]

    matched = _matching(sources, targets, lambda s, t: bool(s.keys & t.keys))
    open_sources = [i for i in range(len(sources)) if i not in matched]
    used_targets = set(matched.values())
    open_targets = [i for i in range(len(targets)) if i not in used_targets]

    # Parts: a form not recognised as a whole may still carry every part.
    pool = [(t, part) for t in open_targets for part in targets[t].parts]
    consumed: set[int] = set()
    still_open = []
    for s in open_sources:
        item = sources[s]
        if item.kind == PERCENT or item.optional:
            still_open.append(s)
            continue
        available = [entry if index not in consumed else (-1, Decimal(-1)) for index, entry in enumerate(pool)]
        taken = _covered_by_parts(item, available, targets)
        if taken is None:
            still_open.append(s)
        else:
            consumed |= taken
    touched = {pool[index][0] for index in consumed}
    open_targets = [t for t in open_targets if t not in touched]
    open_sources = still_open

    # Numbers written as words on the other side.
    open_sources = [s for s in open_sources if not _in_words(sources[s], target_lang, target_text)]
    open_targets = [t for t in open_targets if not _in_words(targets[t], source_lang, source_text)]

    # Written in the wrong convention: the target's number read the other way is the source's.
    wrong = _matching(
        [sources[s] for s in open_sources],
        [targets[t] for t in open_targets],
        lambda s, t: bool(s.keys & t.alt_keys) and t.token != "",
    )
    misformatted = {open_targets[t] for t in wrong.values()}
    for t in sorted(misformatted):
        findings.formats.append(_format_message(targets[t], target_lang))
    open_sources = [s for index, s in enumerate(open_sources) if index not in wrong]
    open_targets = [t for t in open_targets if t not in misformatted]
    for t in list(open_targets):
        target = targets[t]
        if target.token and target.value is None and target.other_value is not None:
            findings.formats.append(_format_message(target, target_lang))
            open_targets.remove(t)

    for s in open_sources:
        item = sources[s]
        if item.optional:
            continue
        if item.kind in DATE_KINDS:
            findings.missing_dates.append(f"{item.text} ({item.reading})" if item.reading else item.text)
        else:
            findings.missing_numbers.append(_describe(item))
    findings.extra.extend(_describe(targets[t]) for t in open_targets if not targets[t].optional)
    findings.unused.extend(_describe(targets[t]) for t in open_targets)
    return findings


def _describe(item: Item) -> str:
    return f"the time {item.text}" if item.kind == TIME else item.text


def _format_message(item: Item, lang: str) -> str:
    name = LANGUAGE_NAMES.get(lang, lang)
    assert item.other_value is not None
    written = item.text.replace(item.token, format_number(item.other_value, lang), 1)
    if item.value is None:
        return f"“{item.text}” is not how {name} writes numbers: write {written}"
    return f"“{item.text}” reads as {format_number(item.value, lang)} in {name}: write {written}"


def format_number(value: Decimal, lang: str) -> str:
    """`value` as `lang` writes it ("3.000" in Vietnamese, "3,000" in English)."""
    from babel.numbers import format_decimal

    locale = {"vi": "vi", "en": "en", "zh": "zh", "ja": "ja", "ko": "ko"}.get(lang, "en")
    return format_decimal(value, locale=locale, decimal_quantization=False)
