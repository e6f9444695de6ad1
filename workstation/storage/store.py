"""Opening the workspace store and running transactions on it.

Services read and write with plain SQL inside `Store.transaction()`. sqlite-utils (`Store.db`) serves
bulk work done outside a transaction (generators, imports), because its table helpers commit on
their own; it is imported on first use, which keeps it off the app's start-up path.
"""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

from workstation.errors import StoreUnavailable
from workstation.storage.migrations import MIGRATIONS
from workstation.storage.search import register_functions

if TYPE_CHECKING:
    import sqlite_utils

BUSY_TIMEOUT_MS = 5000


class Store:
    """One SQLite workspace file, with its media and outbox folders beside it."""

    def __init__(self, path: Path, connection: sqlite3.Connection) -> None:
        self.path = path
        self._connection = connection
        self._connection.row_factory = sqlite3.Row
        # One connection shared by the UI thread and the workers: SQLite serialises writers anyway,
        # and one lock keeps a transaction from interleaving with another thread's statements.
        self._lock = threading.RLock()
        self._depth = 0

    @property
    def db(self) -> sqlite_utils.Database:
        import sqlite_utils

        return sqlite_utils.Database(self._connection)

    @property
    def folder(self) -> Path:
        return self.path.parent

    @property
    def outbox_folder(self) -> Path:
        return self.folder / "outbox"

    @property
    def media_folder(self) -> Path:
        return self.folder / "media"

    @contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        """One atomic change; nested calls join the outer transaction."""
        with self._lock:
            if self._depth:
                self._depth += 1
                try:
                    yield self._connection
                finally:
                    self._depth -= 1
                return
            self._execute_guarded("BEGIN IMMEDIATE")
            self._depth = 1
            try:
                yield self._connection
            except sqlite3.OperationalError as error:
                # Read-only medium, full disk, a lock held too long: the store is unusable, not the code wrong.
                self._rollback()
                raise StoreUnavailable(f"the store {self.path} cannot be written: {error}") from error
            except BaseException:
                self._rollback()
                raise
            else:
                self._execute_guarded("COMMIT")
            finally:
                self._depth = 0

    def query(self, sql: str, params: tuple[Any, ...] | dict[str, Any] = ()) -> list[dict[str, Any]]:
        with self._lock:
            try:
                return [dict(row) for row in self._connection.execute(sql, params)]
            except sqlite3.DatabaseError as error:
                raise StoreUnavailable(f"the store {self.path} could not be read: {error}") from error

    def query_one(self, sql: str, params: tuple[Any, ...] | dict[str, Any] = ()) -> dict[str, Any] | None:
        rows = self.query(sql, params)
        return rows[0] if rows else None

    def get_setting(self, key: str) -> str | None:
        row = self.query_one("SELECT value FROM settings WHERE key = ?", (key,))
        return row["value"] if row else None

    def set_setting(self, key: str, value: str) -> None:
        with self.transaction() as connection:
            connection.execute(
                "INSERT INTO settings(key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value",
                (key, value),
            )

    def close(self) -> None:
        with self._lock:
            self._connection.close()

    def _rollback(self) -> None:
        if self._connection.in_transaction:
            self._connection.execute("ROLLBACK")

    def _execute_guarded(self, sql: str) -> None:
        try:
            self._connection.execute(sql)
        except sqlite3.OperationalError as error:
            raise StoreUnavailable(f"the store {self.path} cannot be written: {error}") from error


def open_store(path: Path | str) -> Store:
    """Open (creating if needed) and migrate the store; StoreUnavailable says why it cannot be used."""
    path = Path(path).expanduser().resolve()
    if path.is_dir():
        raise StoreUnavailable(f"{path} is a folder, not a store file")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise StoreUnavailable(f"cannot create the folder for the store {path}: {error.strerror}") from error
    try:
        connection = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
    except sqlite3.Error as error:
        raise StoreUnavailable(f"cannot open the store {path}: {error}") from error
    try:
        connection.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        connection.execute("PRAGMA schema_version").fetchone()
        connection.execute("PRAGMA journal_mode = WAL").fetchone()
        connection.execute("PRAGMA foreign_keys = ON")
        # NORMAL in WAL mode keeps the store consistent after a crash; only the last commits may go.
        connection.execute("PRAGMA synchronous = NORMAL")
        store = Store(path, connection)
        register_functions(connection)  # before migrating: migration 5 indexes existing articles with them
        _migrate(store)
    except sqlite3.DatabaseError as error:
        connection.close()
        message = str(error)
        if "not a database" in message or "malformed" in message:
            raise StoreUnavailable(
                f"{path} is not a workstation store or is damaged ({message}); it was left untouched"
            ) from error
        raise StoreUnavailable(f"cannot use the store {path}: {message}") from error
    return store


def _migrate(store: Store) -> None:
    current = store._connection.execute("PRAGMA user_version").fetchone()[0]
    if current > len(MIGRATIONS):
        raise StoreUnavailable(
            f"{store.path} was written by a newer version of the workstation (schema {current}); "
            "update the app to open it"
        )
    for number, script in enumerate(MIGRATIONS[current:], start=current + 1):
        with store.transaction() as connection:
            for statement in _statements(script):
                connection.execute(statement)
            connection.execute(f"PRAGMA user_version = {number}")


def _statements(script: str) -> list[str]:
    # executescript() would COMMIT our transaction first, so run the statements one by one; a piece
    # ending in ";" is joined to the next until it is a complete statement (a trigger's body has several).
    statements: list[str] = []
    pending = ""
    for piece in script.split(";"):
        pending += piece + ";"
        if sqlite3.complete_statement(pending):
            statements.append(pending.strip())
            pending = ""
    statements.append(pending)  # an incomplete tail fails loudly when run
    return [statement for statement in statements if statement.strip(" \n;")]
