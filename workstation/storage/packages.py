"""SQL for packages, the outbox of sealed bundles and the station keys this workspace trusts."""

from __future__ import annotations

import json
import sqlite3
from dataclasses import dataclass
from typing import Any

from workstation.model import OutboxEntry, Package
from workstation.storage.store import Store

_OUTBOX_COLUMNS = (
    "package_id, package_version, file_name, sha256, size, sealed_at, state, upload_url, "
    "acknowledged_offset, attempts, last_error, receipt"
)

# Sealed but not yet answered by the portal.
_PENDING = "state IN ('queued', 'uploading', 'verifying')"


class PackageRepository:
    def __init__(self, store: Store) -> None:
        self._store = store

    def insert(self, package: Package) -> None:
        with self._store.transaction() as connection:
            connection.execute(
                "INSERT INTO packages (id, station_id, created_at, updated_at, version, name, destination, note) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                (package.id, package.station_id, package.created_at, package.updated_at, package.version,
                 package.name, package.destination, package.note),
            )  # fmt: skip
            _insert_items(connection, package)

    def get(self, package_id: str) -> Package | None:
        row = self._store.query_one(
            "SELECT id, station_id, created_at, updated_at, version, name, destination, note "
            "FROM packages WHERE id = ?",
            (package_id,),
        )
        if row is None:
            return None
        items = self._store.query(
            "SELECT article_id FROM package_items WHERE package_id = ? ORDER BY position", (package_id,)
        )
        return Package(**row, article_ids=[item["article_id"] for item in items])

    def list(self) -> list[Package]:
        rows = self._store.query("SELECT id FROM packages ORDER BY created_at DESC, id DESC")
        return [package for row in rows if (package := self.get(row["id"])) is not None]

    def update(self, package: Package) -> None:
        """Name, destination, note and the ordered articles as `package` holds them (positions renumbered)."""
        with self._store.transaction() as connection:
            connection.execute(
                "UPDATE packages SET name = ?, destination = ?, note = ?, updated_at = ? WHERE id = ?",
                (package.name, package.destination, package.note, package.updated_at, package.id),
            )
            connection.execute("DELETE FROM package_items WHERE package_id = ?", (package.id,))
            _insert_items(connection, package)

    def bump_version(self, package_id: str, version: int, now: str) -> None:
        with self._store.transaction() as connection:
            connection.execute(
                "UPDATE packages SET version = ?, updated_at = ? WHERE id = ?", (version, now, package_id)
            )


def _insert_items(connection: sqlite3.Connection, package: Package) -> None:
    """The package's articles in its order; positions count from 0."""
    connection.executemany(
        "INSERT INTO package_items (package_id, article_id, position) VALUES (?, ?, ?)",
        [(package.id, article_id, n) for n, article_id in enumerate(package.article_ids)],
    )


@dataclass(frozen=True)
class StoredVersion:
    """A row of package_versions: the snapshot and changes as JSON-decoded values."""

    package_id: str
    version: int
    sealed_at: str
    content_sha256: str
    snapshot: dict[str, Any]
    changes: list[str]


class PackageVersionRepository:
    """What each sealed version of a package held, for change summaries and refusing unchanged reseals."""

    def __init__(self, store: Store) -> None:
        self._store = store

    def add(self, version: StoredVersion) -> None:
        """Joins the caller's transaction, so the version commits with its outbox entry."""
        with self._store.transaction() as connection:
            connection.execute(
                "INSERT INTO package_versions (package_id, version, sealed_at, content_sha256, snapshot, changes) "
                "VALUES (?, ?, ?, ?, ?, ?)",
                (version.package_id, version.version, version.sealed_at, version.content_sha256,
                 json.dumps(version.snapshot, ensure_ascii=False, sort_keys=True),
                 json.dumps(version.changes, ensure_ascii=False)),
            )  # fmt: skip

    def latest(self, package_id: str) -> StoredVersion | None:
        row = self._store.query_one(
            f"SELECT {_VERSION_COLUMNS} FROM package_versions WHERE package_id = ? ORDER BY version DESC LIMIT 1",
            (package_id,),
        )
        return _stored_version(row) if row else None

    def of_package(self, package_id: str) -> list[StoredVersion]:
        """Oldest first."""
        rows = self._store.query(
            f"SELECT {_VERSION_COLUMNS} FROM package_versions WHERE package_id = ? ORDER BY version", (package_id,)
        )
        return [_stored_version(row) for row in rows]


_VERSION_COLUMNS = "package_id, version, sealed_at, content_sha256, snapshot, changes"


def _stored_version(row: dict[str, Any]) -> StoredVersion:
    return StoredVersion(
        package_id=row["package_id"],
        version=row["version"],
        sealed_at=row["sealed_at"],
        content_sha256=row["content_sha256"],
        snapshot=json.loads(row["snapshot"]),
        changes=list(json.loads(row["changes"])),
    )


class OutboxRepository:
    """Sealed bundles and how far each has got towards the portal; rows are never deleted (history)."""

    def __init__(self, store: Store) -> None:
        self._store = store

    def add(self, entry: OutboxEntry, now: str) -> None:
        with self._store.transaction() as connection:
            connection.execute(
                f"INSERT INTO outbox ({_OUTBOX_COLUMNS}, updated_at) VALUES ({', '.join('?' * 13)})",
                (entry.package_id, entry.package_version, entry.file_name, entry.sha256, entry.size,
                 entry.sealed_at, entry.state, entry.upload_url, entry.acknowledged_offset,
                 entry.attempts, entry.last_error, entry.receipt, now),
            )  # fmt: skip

    def latest_for(self, package_id: str) -> OutboxEntry | None:
        row = self._store.query_one(
            f"SELECT {_OUTBOX_COLUMNS} FROM outbox WHERE package_id = ? ORDER BY package_version DESC LIMIT 1",
            (package_id,),
        )
        return OutboxEntry(**row) if row else None

    def get(self, package_id: str, version: int) -> OutboxEntry | None:
        row = self._store.query_one(
            f"SELECT {_OUTBOX_COLUMNS} FROM outbox WHERE package_id = ? AND package_version = ?",
            (package_id, version),
        )
        return OutboxEntry(**row) if row else None

    def pending(self) -> list[OutboxEntry]:
        """Bundles the portal has not answered about yet, oldest sealed first."""
        rows = self._store.query(
            f"SELECT {_OUTBOX_COLUMNS} FROM outbox WHERE {_PENDING} ORDER BY sealed_at, package_id"
        )
        return [OutboxEntry(**row) for row in rows]

    def pending_count(self) -> int:
        row = self._store.query_one(f"SELECT count(*) AS n FROM outbox WHERE {_PENDING}")
        return row["n"] if row else 0

    def all(self) -> list[OutboxEntry]:
        rows = self._store.query(f"SELECT {_OUTBOX_COLUMNS} FROM outbox ORDER BY sealed_at DESC")
        return [OutboxEntry(**row) for row in rows]

    def save_progress(self, entry: OutboxEntry, now: str) -> None:
        with self._store.transaction() as connection:
            connection.execute(
                "UPDATE outbox SET state = ?, upload_url = ?, acknowledged_offset = ?, attempts = ?, "
                "last_error = ?, receipt = ?, updated_at = ? WHERE package_id = ? AND package_version = ?",
                (entry.state, entry.upload_url, entry.acknowledged_offset, entry.attempts, entry.last_error,
                 entry.receipt, now, entry.package_id, entry.package_version),
            )  # fmt: skip

    def mark_delivered(self, package_id: str, version: int, route: str, now: str) -> None:
        """When and how the portal's verdict arrived; the first arrival is the one kept."""
        with self._store.transaction() as connection:
            connection.execute(
                "UPDATE outbox SET delivered_at = coalesce(delivered_at, ?), route = coalesce(route, ?) "
                "WHERE package_id = ? AND package_version = ?",
                (now, route, package_id, version),
            )

    def history(self) -> list[OutboxRecord]:
        """Every sealed bundle with its package name and times, newest sealed first."""
        rows = self._store.query(
            f"SELECT {_qualified(_OUTBOX_NAMES)}, o.updated_at, o.delivered_at, o.route, "
            "coalesce(p.name, '') AS package_name FROM outbox o LEFT JOIN packages p ON p.id = o.package_id "
            "ORDER BY o.sealed_at DESC, o.package_id, o.package_version DESC"
        )
        return [
            OutboxRecord(
                entry=OutboxEntry(**{name: row[name] for name in _OUTBOX_NAMES}),
                package_name=row["package_name"],
                updated_at=row["updated_at"],
                delivered_at=row["delivered_at"],
                route=row["route"],
            )
            for row in rows
        ]


@dataclass(frozen=True)
class OutboxRecord:
    """An outbox row with what only the history shows."""

    entry: OutboxEntry
    package_name: str
    updated_at: str
    delivered_at: str | None
    route: str | None


_OUTBOX_NAMES = [name.strip() for name in _OUTBOX_COLUMNS.split(",")]


def _qualified(columns: list[str]) -> str:
    return ", ".join(f"o.{name}" for name in columns)


class StationKeyRepository:
    """Public keys of stations whose bundles this workspace can verify (its own included)."""

    def __init__(self, store: Store) -> None:
        self._store = store

    def put(self, station_id: str, public_key_b64: str, label: str, now: str) -> None:
        with self._store.transaction() as connection:
            connection.execute(
                "INSERT INTO known_station_keys (station_id, public_key, label, added_at) VALUES (?, ?, ?, ?) "
                "ON CONFLICT(station_id) DO UPDATE SET public_key = excluded.public_key, label = excluded.label",
                (station_id, public_key_b64, label, now),
            )

    def all(self) -> dict[str, str]:
        rows = self._store.query("SELECT station_id, public_key FROM known_station_keys")
        return {row["station_id"]: row["public_key"] for row in rows}

    def entries(self) -> list[dict[str, str]]:
        """Every imported key with its label and when it was added, oldest first."""
        return self._store.query(
            "SELECT station_id, public_key, label, added_at FROM known_station_keys ORDER BY added_at, station_id"
        )
