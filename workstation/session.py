"""The app's session marker: an app that did not close cleanly is noticed on the next start.

Autosave keeps the store at most a couple of seconds behind the typing, so after a crash or a kill
there is nothing to replay; what the drafter needs is to be told, and to land on the article they
were writing, showing the text as last saved.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass

from workstation.storage.store import Store

SESSION_SETTING = "session_open"
LAST_ARTICLE_SETTING = "last_open_article"


@dataclass(frozen=True)
class Recovery:
    message: str
    article_id: str | None


def begin_session(store: Store) -> Recovery | None:
    """Mark the session open; a Recovery when the previous one ended without closing."""
    previous = store.get_setting(SESSION_SETTING)
    recovery = None
    if previous is not None and not _still_running(previous):
        recovery = _recovery(store)
    store.set_setting(SESSION_SETTING, json.dumps({"pid": os.getpid()}))
    return recovery


def end_session(store: Store) -> None:
    with store.transaction() as connection:
        connection.execute("DELETE FROM settings WHERE key = ?", (SESSION_SETTING,))


def remember_open_article(store: Store, article_id: str) -> None:
    if store.get_setting(LAST_ARTICLE_SETTING) != article_id:
        store.set_setting(LAST_ARTICLE_SETTING, article_id)


def _still_running(marker: str) -> bool:
    """Another window on the same store is not a crash."""
    try:
        pid = int(json.loads(marker)["pid"])
    except (ValueError, KeyError, TypeError):
        return False
    if pid == os.getpid():
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # alive, another user's
        return True
    except OSError:
        return False
    return True


def _recovery(store: Store) -> Recovery:
    article_id = store.get_setting(LAST_ARTICLE_SETTING)
    row = None
    if article_id:
        row = store.query_one("SELECT headline, version, updated_at FROM articles WHERE id = ?", (article_id,))
    if row is None:
        return Recovery("The workstation was not closed properly last time. Everything saved is here.", None)
    saved_at = row["updated_at"][11:19]
    headline = row["headline"] or "(no headline)"
    return Recovery(
        f"The workstation was not closed properly last time. “{headline}” was reopened as autosaved at "
        f"{saved_at} UTC (version {row['version']}); at most the last couple of seconds of typing are missing.",
        article_id,
    )
