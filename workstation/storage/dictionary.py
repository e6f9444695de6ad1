"""The workspace's personal dictionary: words its people added, per language."""

from __future__ import annotations

import threading

from workstation.clock import Clock, timestamp
from workstation.storage.store import Store


class StorePersonalDictionary:
    """Implements the language tools' PersonalDictionary; words are cached, since every check asks."""

    def __init__(self, store: Store, clock: Clock) -> None:
        self._store = store
        self._clock = clock
        self._cache: dict[str, set[str]] = {}
        self._lock = threading.Lock()  # the highlighter checks on its own thread

    def words(self, lang: str) -> set[str]:
        with self._lock:
            if lang not in self._cache:
                rows = self._store.query("SELECT word FROM personal_words WHERE language = ?", (lang,))
                self._cache[lang] = {row["word"] for row in rows}
            return self._cache[lang]

    def add(self, lang: str, word: str) -> None:
        word = word.strip()
        if not word:
            return
        with self._store.transaction() as connection:
            connection.execute(
                "INSERT OR IGNORE INTO personal_words (language, word, added_at) VALUES (?, ?, ?)",
                (lang, word, timestamp(self._clock())),
            )
        with self._lock:
            self._cache.pop(lang, None)
