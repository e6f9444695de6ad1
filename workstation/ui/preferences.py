"""The UI language choice, kept in the workspace's settings.

No choice saved yet: the first of the computer's preferred display languages that the UI speaks
(a Vietnamese Windows or desktop gets Vietnamese), otherwise English.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from workstation.ui.i18n import UI_LANGUAGES, default_ui_language, set_ui_language

if TYPE_CHECKING:
    from workstation.storage.store import Store

UI_LANGUAGE_SETTING = "ui_language"


def saved_ui_language(store: Store) -> str | None:
    """The language saved in the settings, or None when none (or one no longer offered) is."""
    saved = store.get_setting(UI_LANGUAGE_SETTING)
    return saved if saved in UI_LANGUAGES else None


def save_ui_language(store: Store, language: str) -> None:
    if language not in UI_LANGUAGES:
        raise ValueError(f"unsupported UI language {language!r}; expected one of {', '.join(UI_LANGUAGES)}")
    store.set_setting(UI_LANGUAGE_SETTING, language)


def system_ui_languages() -> list[str]:
    """The computer's display languages, most preferred first (Qt reads them right on every OS)."""
    from PySide6.QtCore import QLocale

    return list(QLocale.system().uiLanguages())


def preferred_ui_language(store: Store, system_languages: Sequence[str] | None = None) -> str:
    saved = saved_ui_language(store)
    if saved is not None:
        return saved
    return default_ui_language(system_ui_languages() if system_languages is None else system_languages)


def apply_ui_language(store: Store, system_languages: Sequence[str] | None = None) -> str:
    """Switch the UI to the saved (or default) language before any window is built; returns the
    language in use, English when the chosen one's catalog is missing."""
    return _switch(preferred_ui_language(store, system_languages))


def change_ui_language(store: Store, language: str) -> str:
    """Save a choice made in the settings and switch to it; views built from now on use it."""
    save_ui_language(store, language)
    return _switch(language)


def _switch(language: str) -> str:
    from PySide6.QtCore import QLocale

    in_use = set_ui_language(language)
    # Qt's own widgets (spin boxes, date edits) then format numbers and dates the same way.
    QLocale.setDefault(QLocale(in_use))
    return in_use
