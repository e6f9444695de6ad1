"""The portal's SQLite database: enrolment codes, stations, uploads, receipts and accepted bundles.

All SQL of the portal lives here. Every change runs in one transaction (`PortalStore.transaction`);
methods called inside an open transaction join it, so a caller can group several changes atomically.
"""

from __future__ import annotations

import json
import sqlite3
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from portal.errors import PortalSetupError

BUSY_TIMEOUT_MS = 5000

MIGRATIONS: list[str] = [
    """
    CREATE TABLE enrolment_codes (
        code_digest TEXT PRIMARY KEY,
        created_at TEXT NOT NULL,
        expires_at TEXT NOT NULL,
        used_at TEXT,
        used_by TEXT
    );
    CREATE TABLE stations (
        station_id TEXT PRIMARY KEY,
        name TEXT NOT NULL,
        public_key TEXT NOT NULL,
        token_digest TEXT NOT NULL UNIQUE,
        enrolled_at TEXT NOT NULL,
        revoked_at TEXT
    );
    CREATE TABLE receipts (
        id INTEGER PRIMARY KEY,
        station_id TEXT NOT NULL REFERENCES stations(station_id),
        package_id TEXT NOT NULL,
        version INTEGER NOT NULL,
        sha256 TEXT NOT NULL,
        state TEXT NOT NULL CHECK (state IN ('accepted', 'rejected')),
        document TEXT NOT NULL,
        received_at TEXT NOT NULL,
        UNIQUE (station_id, package_id, version, sha256)
    );
    CREATE TABLE bundles (
        package_id TEXT NOT NULL,
        version INTEGER NOT NULL,
        station_id TEXT NOT NULL REFERENCES stations(station_id),
        sha256 TEXT NOT NULL,
        size INTEGER NOT NULL,
        file_name TEXT NOT NULL,
        receipt_id INTEGER NOT NULL REFERENCES receipts(id),
        accepted_at TEXT NOT NULL,
        PRIMARY KEY (package_id, version)
    );
    CREATE TABLE uploads (
        upload_id TEXT PRIMARY KEY,
        station_id TEXT NOT NULL REFERENCES stations(station_id),
        length INTEGER NOT NULL,
        received INTEGER NOT NULL DEFAULT 0,
        metadata TEXT NOT NULL,
        created_at TEXT NOT NULL,
        expires_at TEXT NOT NULL,
        receipt_id INTEGER REFERENCES receipts(id)
    );
    CREATE INDEX uploads_expiry ON uploads(expires_at) WHERE receipt_id IS NULL;
    """,
]


@dataclass(frozen=True)
class EnrolmentCode:
    expires_at: str
    used_at: str | None


@dataclass(frozen=True)
class Station:
    station_id: str
    name: str
    public_key: str


@dataclass(frozen=True)
class Upload:
    upload_id: str
    station_id: str
    length: int
    received: int
    metadata: dict[str, str]
    created_at: str
    expires_at: str
    receipt_id: int | None

    @property
    def complete(self) -> bool:
        return self.received == self.length


@dataclass(frozen=True)
class StoredReceipt:
    id: int
    state: str
    sha256: str
    document: dict[str, Any]


@dataclass(frozen=True)
class AcceptedBundle:
    station_id: str
    sha256: str
    receipt_id: int


class PortalStore:
    def __init__(self, path: Path, connection: sqlite3.Connection) -> None:
        self.path = path
        self._connection = connection
        # One connection shared by the server's worker threads; the lock keeps transactions whole.
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

    def close(self) -> None:
        with self._lock:
            self._connection.close()

    # --- enrolment --------------------------------------------------------------------------------

    def add_enrolment_code(self, code_digest: str, created_at: str, expires_at: str) -> None:
        self._write(
            "INSERT INTO enrolment_codes (code_digest, created_at, expires_at) VALUES (?, ?, ?)",
            (code_digest, created_at, expires_at),
        )

    def enrolment_code(self, code_digest: str) -> EnrolmentCode | None:
        row = self._one("SELECT expires_at, used_at FROM enrolment_codes WHERE code_digest = ?", (code_digest,))
        return EnrolmentCode(**row) if row else None

    def use_enrolment_code(self, code_digest: str, station_id: str, now: str) -> None:
        self._write(
            "UPDATE enrolment_codes SET used_at = ?, used_by = ? WHERE code_digest = ?", (now, station_id, code_digest)
        )

    def enrol_station(self, station: Station, token_digest: str, now: str) -> None:
        """Register the station, or re-register it with a new key and token (the old token stops working)."""
        self._write(
            "INSERT INTO stations (station_id, name, public_key, token_digest, enrolled_at) VALUES (?, ?, ?, ?, ?) "
            "ON CONFLICT(station_id) DO UPDATE SET name = excluded.name, public_key = excluded.public_key, "
            "token_digest = excluded.token_digest, enrolled_at = excluded.enrolled_at, revoked_at = NULL",
            (station.station_id, station.name, station.public_key, token_digest, now),
        )

    def station(self, station_id: str) -> Station | None:
        row = self._one("SELECT station_id, name, public_key FROM stations WHERE station_id = ?", (station_id,))
        return Station(**row) if row else None

    def station_by_token(self, token_digest: str) -> Station | None:
        row = self._one(
            "SELECT station_id, name, public_key FROM stations WHERE token_digest = ? AND revoked_at IS NULL",
            (token_digest,),
        )
        return Station(**row) if row else None

    # --- uploads ----------------------------------------------------------------------------------

    def add_upload(self, upload: Upload) -> None:
        self._write(
            "INSERT INTO uploads (upload_id, station_id, length, received, metadata, created_at, expires_at) "
            "VALUES (?, ?, ?, ?, ?, ?, ?)",
            (upload.upload_id, upload.station_id, upload.length, upload.received,
             json.dumps(upload.metadata, ensure_ascii=False), upload.created_at, upload.expires_at),
        )  # fmt: skip

    def upload(self, upload_id: str, station_id: str) -> Upload | None:
        """The upload when it belongs to the station; another station's upload is as good as absent."""
        row = self._one(f"{_UPLOAD_SELECT} WHERE upload_id = ? AND station_id = ?", (upload_id, station_id))
        return _upload(row) if row else None

    def record_received(self, upload_id: str, received: int, expires_at: str) -> None:
        self._write(
            "UPDATE uploads SET received = ?, expires_at = ? WHERE upload_id = ?", (received, expires_at, upload_id)
        )

    def attach_receipt(self, upload_id: str, receipt_id: int) -> None:
        self._write("UPDATE uploads SET receipt_id = ? WHERE upload_id = ?", (receipt_id, upload_id))

    def delete_upload(self, upload_id: str) -> None:
        self._write("DELETE FROM uploads WHERE upload_id = ?", (upload_id,))

    def expired_upload_ids(self, now: str) -> list[str]:
        rows = self._all("SELECT upload_id FROM uploads WHERE receipt_id IS NULL AND expires_at <= ?", (now,))
        return [row["upload_id"] for row in rows]

    def uploads_awaiting_intake(self) -> list[Upload]:
        """Uploads whose bytes all arrived but which have no receipt (the portal stopped in between)."""
        rows = self._all(f"{_UPLOAD_SELECT} WHERE receipt_id IS NULL AND received = length")
        return [_upload(row) for row in rows]

    # --- receipts and bundles ---------------------------------------------------------------------

    def add_receipt(
        self, station_id: str, package_id: str, version: int, sha256: str, state: str, document: dict[str, Any],
        received_at: str,
    ) -> int:  # fmt: skip
        with self.transaction():
            cursor = self._connection.execute(
                "INSERT INTO receipts (station_id, package_id, version, sha256, state, document, received_at) "
                "VALUES (?, ?, ?, ?, ?, ?, ?)",
                (station_id, package_id, version, sha256, state, json.dumps(document, ensure_ascii=False),
                 received_at),
            )  # fmt: skip
            assert cursor.lastrowid is not None
            return cursor.lastrowid

    def receipt(
        self, station_id: str, package_id: str, version: int, sha256: str | None = None
    ) -> StoredReceipt | None:
        """The station's receipt for the bundle: for that exact file when `sha256` is given, else the
        accepted one if there is one, else the latest."""
        sql = "SELECT id, state, sha256, document FROM receipts WHERE station_id = ? AND package_id = ? AND version = ?"
        params: tuple[Any, ...] = (station_id, package_id, version)
        if sha256 is not None:
            sql += " AND sha256 = ?"
            params += (sha256,)
        row = self._one(sql + " ORDER BY state = 'accepted' DESC, received_at DESC, id DESC LIMIT 1", params)
        return StoredReceipt(**{**row, "document": json.loads(row["document"])}) if row else None

    def accepted_bundle(self, package_id: str, version: int) -> AcceptedBundle | None:
        row = self._one(
            "SELECT station_id, sha256, receipt_id FROM bundles WHERE package_id = ? AND version = ?",
            (package_id, version),
        )
        return AcceptedBundle(**row) if row else None

    def add_bundle(
        self, package_id: str, version: int, station_id: str, sha256: str, size: int, file_name: str,
        receipt_id: int, accepted_at: str,
    ) -> None:  # fmt: skip
        self._write(
            "INSERT INTO bundles (package_id, version, station_id, sha256, size, file_name, receipt_id, accepted_at) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            (package_id, version, station_id, sha256, size, file_name, receipt_id, accepted_at),
        )

    # --- plumbing ---------------------------------------------------------------------------------

    def _write(self, sql: str, params: tuple[Any, ...]) -> None:
        with self.transaction():
            self._connection.execute(sql, params)

    def _one(self, sql: str, params: tuple[Any, ...] = ()) -> dict[str, Any] | None:
        rows = self._all(sql, params)
        return rows[0] if rows else None

    def _all(self, sql: str, params: tuple[Any, ...] = ()) -> list[dict[str, Any]]:
        with self._lock:
            cursor = self._connection.execute(sql, params)
            names = [column[0] for column in cursor.description]
            return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]


_UPLOAD_SELECT = (
    "SELECT upload_id, station_id, length, received, metadata, created_at, expires_at, receipt_id FROM uploads"
)


def _upload(row: dict[str, Any]) -> Upload:
    return Upload(**{**row, "metadata": json.loads(row["metadata"])})


def open_portal_store(path: Path) -> PortalStore:
    """Open (creating if needed) and migrate the database; PortalSetupError says why it cannot be used."""
    try:
        connection = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
        connection.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        connection.execute("PRAGMA journal_mode = WAL").fetchone()
        connection.execute("PRAGMA foreign_keys = ON")
        # FULL: a receipt, once signed and sent, must survive a power cut.
        connection.execute("PRAGMA synchronous = FULL")
        store = PortalStore(path, connection)
        _migrate(store, connection)
    except sqlite3.DatabaseError as error:
        raise PortalSetupError(f"cannot use the portal database {path}: {error}") from error
    return store


def _migrate(store: PortalStore, connection: sqlite3.Connection) -> None:
    current = connection.execute("PRAGMA user_version").fetchone()[0]
    if current > len(MIGRATIONS):
        raise PortalSetupError(
            f"{store.path} was written by a newer portal (schema {current}); update the portal to use it"
        )
    for number, script in enumerate(MIGRATIONS[current:], start=current + 1):
        with store.transaction():
            # executescript() would commit our transaction first, so run the statements one by one.
            for statement in (part.strip() for part in script.split(";")):
                if statement:
                    connection.execute(statement)
            connection.execute(f"PRAGMA user_version = {number}")
