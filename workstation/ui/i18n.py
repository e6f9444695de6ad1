"""The UI language: gettext catalogs for the texts, babel for dates and numbers.

English is the source language: every msgid is the English text, so English needs no catalog and any
text missing from a catalog shows in English. Catalogs live in `resources/locale/<lang>/LC_MESSAGES/`
as `workstation.po` with its compiled `workstation.mo` beside it (both committed; `tools/update_catalogs.py`
extracts, updates and compiles them, and tests/ui/test_i18n.py checks the .mo matches the .po).

Qt-free, so it can be tested and used anywhere; `preferences.py` stores the choice and picks the default.
Views build their texts when they are created, so a language chosen in the settings applies to windows
opened afterwards (the app applies the saved choice at start, before the main window is built).

Usage: `_("Sync now")`; `ngettext("{n} package", "{n} packages", n).format(n=n)`; `N_("State")` in
module-level tables, translated with `_()` where shown. Never `_(f"...")`: the msgid must be constant.
"""

from __future__ import annotations

import gettext as _gettext
import struct
from collections.abc import Iterable
from datetime import UTC, date, datetime, timedelta, tzinfo
from decimal import Decimal
from functools import cache
from typing import TYPE_CHECKING, Literal

from workstation.resources import resource_path

if TYPE_CHECKING:
    from babel import Locale

DOMAIN = "workstation"
SOURCE_LANGUAGE = "en"
UI_LANGUAGES: dict[str, str] = {"en": "English", "vi": "Tiếng Việt"}
"""The languages the UI can be shown in, named in themselves (as a language menu lists them)."""

# How the date and the time of one moment are joined. CLDR's Vietnamese pattern puts the time first;
# Vietnamese newsrooms and the portal write the date first ("27 thg 11, 2026 18:42").
_DATETIME_PATTERNS = {"en": "{date}, {time}", "vi": "{date} {time}"}

_language = SOURCE_LANGUAGE
_translations: _gettext.NullTranslations = _gettext.NullTranslations()


def N_(message: str) -> str:
    """Marks a text for extraction without translating it yet (module-level tables); `_()` it where shown."""
    return message


def _(message: str) -> str:
    return _translations.gettext(message)


def ngettext(singular: str, plural: str, n: int) -> str:
    return _translations.ngettext(singular, plural, n)


def locale_dir() -> str:
    return str(resource_path("locale"))


def load_catalog(language: str) -> _gettext.NullTranslations | None:
    """The compiled catalog of `language`, or None when it is missing or unreadable."""
    if language == SOURCE_LANGUAGE:
        return _gettext.NullTranslations()
    try:
        return _gettext.translation(DOMAIN, locale_dir(), languages=[language])
    except (OSError, ValueError, struct.error):
        return None


def set_ui_language(language: str) -> str:
    """Switch the texts and formats to `language` ("vi" or "en"); returns the language now in use.

    A missing or broken catalog falls back to English silently, texts and formats alike, so a screen
    never mixes English words with Vietnamese dates.
    """
    global _language, _translations
    if language not in UI_LANGUAGES:
        raise ValueError(f"unsupported UI language {language!r}; expected one of {', '.join(UI_LANGUAGES)}")
    catalog = load_catalog(language)
    if catalog is None:
        language, catalog = SOURCE_LANGUAGE, _gettext.NullTranslations()
    _language, _translations = language, catalog
    return language


def ui_language() -> str:
    return _language


def default_ui_language(system_languages: Iterable[str]) -> str:
    """The first of the user's preferred system languages (BCP 47 or POSIX names, most preferred
    first) that the UI speaks; English when none is."""
    for name in system_languages:
        code = name.replace("_", "-").split("-")[0].split(".")[0].lower()
        if code in UI_LANGUAGES:
            return code
    return SOURCE_LANGUAGE


# Display names of the workflow states the views show; the store keeps the English identifiers.
# English shows the identifier itself (tests and scripts read these cells).
STATE_LABELS: dict[str, str] = {
    # TRANSLATORS: workflow state of an article or of a translated sentence.
    "draft": N_("draft"),
    # TRANSLATORS: workflow state of an article: waiting for approval.
    "in_review": N_("in review"),
    "approved": N_("approved"),
    # TRANSLATORS: workflow state of an article: put in a package.
    "packaged": N_("packaged"),
    "sent": N_("sent"),
    # TRANSLATORS: state of an article or a package: the portal accepted it.
    "accepted": N_("accepted"),
    # TRANSLATORS: state of an article or a package: the portal sent it back with comments.
    "returned": N_("returned"),
    # TRANSLATORS: state of a sentence of a translation: nothing translated yet.
    "new": N_("new"),
    "translated": N_("translated"),
    "reviewed": N_("reviewed"),
    # TRANSLATORS: state of a sentence of a translation: approved as final.
    "final": N_("final"),
    # TRANSLATORS: state of a package: not sealed yet.
    "open": N_("open"),
    # TRANSLATORS: state of a sealed package: waiting in the outbox to be sent.
    "queued": N_("queued"),
    # TRANSLATORS: state of a sealed package: being sent to the portal.
    "uploading": N_("uploading"),
    # TRANSLATORS: state of a package: the portal refused it.
    "rejected": N_("rejected"),
}


def state_label(state: str) -> str:
    """The display name of a stored workflow state; an unknown state shows as stored."""
    label = STATE_LABELS.get(str(state))
    return _(label) if label else str(state)


# Formatting. babel is imported where used: it adds ~20 ms to a cold start that shows no dates yet.


def ui_locale() -> Locale:
    return _babel_locale(_language)


@cache
def _babel_locale(language: str) -> Locale:
    from babel import Locale

    return Locale.parse(language)


def parse_timestamp(timestamp: str) -> datetime:
    """A store timestamp ("2026-11-27T18:42:11.399Z", UTC) as an aware datetime."""
    moment = datetime.fromisoformat(timestamp)
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def _moment(value: str | datetime) -> datetime | None:
    # Naive datetimes are UTC, as everything the store keeps.
    if isinstance(value, datetime):
        return value if value.tzinfo else value.replace(tzinfo=UTC)
    try:
        return parse_timestamp(value)
    except ValueError:
        return None


def format_datetime_local(
    timestamp_utc: str | datetime,
    length: Literal["short", "medium", "long"] = "medium",
    tz: tzinfo | None = None,
) -> str:
    """A UTC moment in the computer's local time (or `tz`), e.g. vi "27 thg 11, 2026 18:42",
    en "Nov 27, 2026, 6:42 PM"; `length` is that of the date, the time is always hours and minutes.

    An unreadable timestamp is shown as it is stored rather than breaking a list."""
    from babel import dates

    moment = _moment(timestamp_utc)
    if moment is None:
        return str(timestamp_utc)
    local = moment.astimezone(tz)
    locale = ui_locale()
    day = dates.format_date(local.date(), length, locale=locale)
    time = dates.format_time(local, "short", tzinfo=local.tzinfo, locale=locale)
    return _DATETIME_PATTERNS.get(_language, "{date} {time}").format(date=day, time=time)


def format_date(
    value: date | datetime | str,
    length: Literal["short", "medium", "long", "full"] = "medium",
    tz: tzinfo | None = None,
) -> str:
    """A calendar date; a store timestamp or an aware datetime is first put in local time (or `tz`)."""
    from babel import dates

    if isinstance(value, str | datetime):
        moment = _moment(value)
        if moment is None:
            return str(value)
        value = moment.astimezone(tz).date()
    return dates.format_date(value, length, locale=ui_locale())


def format_number(value: int) -> str:
    """A whole number with the locale's grouping: vi 1.234.567, en 1,234,567."""
    from babel import numbers

    return numbers.format_decimal(value, locale=ui_locale())


def format_decimal(value: float | Decimal, decimals: int | None = None) -> str:
    """A decimal number: vi 12,5, en 12.5; `decimals` fixes the digits after the separator."""
    from babel import numbers

    if decimals is None:
        return numbers.format_decimal(value, locale=ui_locale())
    pattern = "#,##0." + "0" * decimals if decimals > 0 else "#,##0"
    return numbers.format_decimal(value, format=pattern, locale=ui_locale())


def format_relative(timestamp: str | datetime, now: datetime | None = None) -> str:
    """How long ago (or how soon) a moment is: "2 minutes ago", "2 phút trước"."""
    from babel import dates

    moment = _moment(timestamp)
    if moment is None:
        return str(timestamp)
    delta: timedelta = moment - (now or datetime.now(UTC))
    if abs(delta) < timedelta(seconds=10):
        return _("just now")
    return dates.format_timedelta(delta, add_direction=True, locale=ui_locale())
