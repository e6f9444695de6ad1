"""One small adapter over the portal's two databases: SQLite (the default) and PostgreSQL (psycopg 3).

The store writes portable SQL with `?` placeholders; the adapter gives both databases the same
surface: `transaction()` (nested calls join the open one), `execute()` returning rows as dicts (so
`RETURNING` reads the same), `changed` counts, and `lock(name)` — an exclusive lock held to the end
of the transaction. SQLite needs no such lock (`BEGIN IMMEDIATE` already admits one writer at a
time); PostgreSQL takes a transaction-scoped advisory lock, so checks-then-writes stay whole there too.
"""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Iterator, Sequence
from contextlib import AbstractContextManager, contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal, Protocol

from portal.errors import PortalSetupError

BUSY_TIMEOUT_MS = 5000
Dialect = Literal["sqlite", "postgresql"]


@dataclass(frozen=True)
class Result:
    rows: list[dict[str, Any]]
    changed: int
    """Rows inserted, updated or deleted by the statement."""


class Database(Protocol):
    dialect: Dialect
    where: str
    """Where the data lives, for messages (a path, or the PostgreSQL URL without its password)."""

    def transaction(self) -> AbstractContextManager[None]:
        """One transaction; nested uses join the outer one."""
        ...

    def execute(self, sql: str, params: Sequence[Any] = ()) -> Result: ...

    def lock(self, name: str) -> None:
        """Hold an exclusive lock called `name` until the current transaction ends."""
        ...

    def schema_version(self) -> int: ...

    def set_schema_version(self, version: int) -> None: ...

    def close(self) -> None: ...


class SqliteDatabase:
    """One connection shared by the server's threads; the lock keeps each transaction whole.

    WAL and a busy timeout let operator commands (another process) write while the server runs.
    """

    dialect: Dialect = "sqlite"

    def __init__(self, path: Path) -> None:
        self.where = str(path)
        try:
            self._connection = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
            self._connection.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
            self._connection.execute("PRAGMA journal_mode = WAL").fetchone()
            self._connection.execute("PRAGMA foreign_keys = ON")
            # FULL: a receipt, once signed and sent, must survive a power cut.
            self._connection.execute("PRAGMA synchronous = FULL")
        except sqlite3.DatabaseError as error:
            raise PortalSetupError(f"cannot use the portal database {path}: {error}") from error
        self._lock = threading.RLock()
        self._depth = 0

    @contextmanager
    def transaction(self) -> Iterator[None]:
        with self._lock:
            if self._depth:
                self._depth += 1
                try:
                    yield
                finally:
                    self._depth -= 1
                return
            # IMMEDIATE: take the write lock now, so a read-then-write cannot be overtaken by another writer.
            self._connection.execute("BEGIN IMMEDIATE")
            self._depth = 1
            try:
                yield
            except BaseException:
                self._connection.execute("ROLLBACK")
                raise
            else:
                self._connection.execute("COMMIT")
            finally:
                self._depth = 0

    def execute(self, sql: str, params: Sequence[Any] = ()) -> Result:
        with self._lock:
            cursor = self._connection.execute(sql, tuple(params))
            rows = _dict_rows(cursor.description, cursor.fetchall())
            return Result(rows, max(cursor.rowcount, 0))

    def lock(self, name: str) -> None:
        """Nothing to do: a transaction here already excludes every other writer."""

    def schema_version(self) -> int:
        return int(self.execute("PRAGMA user_version").rows[0]["user_version"])

    def set_schema_version(self, version: int) -> None:
        self.execute(f"PRAGMA user_version = {int(version)}")

    def close(self) -> None:
        with self._lock:
            self._connection.close()


class PostgresDatabase:
    """A connection per thread (the server runs requests on a thread pool), autocommit outside transactions.

    Isolation is PostgreSQL's default READ COMMITTED; the store takes `lock(...)` wherever SQLite's
    single writer used to make a check-then-write safe.
    """

    dialect: Dialect = "postgresql"

    def __init__(self, url: str) -> None:
        import psycopg

        self._psycopg = psycopg
        self._url = url
        self.where = _without_password(url)
        self._local = threading.local()
        self._connections: list[Any] = []
        self._guard = threading.Lock()
        self._connection()  # fail now, at start-up, when the server cannot be reached

    def _connection(self) -> Any:
        connection = getattr(self._local, "connection", None)
        if connection is None or connection.closed or connection.broken:
            try:
                connection = self._psycopg.connect(self._url, autocommit=True)
            except self._psycopg.Error as error:
                raise PortalSetupError(f"cannot use the portal database {self.where}: {_first_line(error)}") from error
            self._local.connection = connection
            self._local.depth = 0
            with self._guard:
                self._connections.append(connection)
        return connection

    @contextmanager
    def transaction(self) -> Iterator[None]:
        connection = self._connection()
        if self._local.depth:
            self._local.depth += 1
            try:
                yield
            finally:
                self._local.depth -= 1
            return
        self._local.depth = 1
        try:
            with connection.transaction():
                yield
        finally:
            self._local.depth = 0

    def execute(self, sql: str, params: Sequence[Any] = ()) -> Result:
        cursor = self._connection().execute(_pyformat(sql), tuple(params))
        rows = _dict_rows(cursor.description, cursor.fetchall()) if cursor.description else []
        return Result(rows, max(cursor.rowcount, 0))

    def lock(self, name: str) -> None:
        self.execute("SELECT pg_advisory_xact_lock(hashtextextended(?, 0))", (name,))

    def schema_version(self) -> int:
        self.execute("CREATE TABLE IF NOT EXISTS portal_schema (version INTEGER NOT NULL)")
        rows = self.execute("SELECT version FROM portal_schema").rows
        return int(rows[0]["version"]) if rows else 0

    def set_schema_version(self, version: int) -> None:
        self.execute("DELETE FROM portal_schema")
        self.execute("INSERT INTO portal_schema (version) VALUES (?)", (version,))

    def close(self) -> None:
        with self._guard:
            for connection in self._connections:
                connection.close()
            self._connections.clear()


def open_database(database_url: str | None, sqlite_path: Path) -> Database:
    """PostgreSQL when a `postgresql://` URL is set, else the SQLite file at `sqlite_path`."""
    if database_url is None:
        return SqliteDatabase(sqlite_path)
    if not database_url.startswith(("postgresql://", "postgres://")):
        raise PortalSetupError(
            f"the database url {_without_password(database_url)} is not a postgresql:// URL; "
            "leave it unset to use portal.db in the data folder"
        )
    try:
        return PostgresDatabase(database_url)
    except ImportError as error:
        raise PortalSetupError("PostgreSQL needs psycopg: pip install 'editorial-workstation[portal]'") from error


def database_errors() -> tuple[type[Exception], ...]:
    """The exceptions a database failure raises (psycopg's only when it is installed)."""
    try:
        import psycopg
    except ImportError:
        return (sqlite3.Error,)
    return (sqlite3.Error, psycopg.Error)


def _pyformat(sql: str) -> str:
    """`?` placeholders as psycopg's `%s` (the store's SQL holds no other `?` nor `%`)."""
    return sql.replace("%", "%%").replace("?", "%s")


def _dict_rows(description: Any, rows: list[Sequence[Any]]) -> list[dict[str, Any]]:
    if not description:
        return []
    names = [column[0] for column in description]
    return [dict(zip(names, row, strict=True)) for row in rows]


def _without_password(url: str) -> str:
    scheme, separator, rest = url.partition("://")
    credentials, at, host = rest.rpartition("@")
    if not separator or not at or ":" not in credentials:
        return url
    return f"{scheme}://{credentials.split(':', 1)[0]}:***@{host}"


def _first_line(error: Exception) -> str:
    return (str(error).strip().splitlines() or [type(error).__name__])[0]
