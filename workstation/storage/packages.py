"""SQL for packages, the outbox of sealed bundles and the station keys this workspace trusts."""

from __future__ import annotations

from workstation.model import OutboxEntry, Package
from workstation.storage.store import Store

_OUTBOX_COLUMNS = (
    "package_id, package_version, file_name, sha256, size, sealed_at, state, upload_url, "
    "acknowledged_offset, attempts, last_error, receipt"
)

# Sealed but not yet answered by the portal.
_PENDING = "state IN ('queued', 'uploading')"


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
            connection.executemany(
                "INSERT INTO package_items (package_id, article_id, position) VALUES (?, ?, ?)",
                [(package.id, article_id, n) for n, article_id in enumerate(package.article_ids)],
            )

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

    def bump_version(self, package_id: str, version: int, now: str) -> None:
        with self._store.transaction() as connection:
            connection.execute(
                "UPDATE packages SET version = ?, updated_at = ? WHERE id = ?", (version, now, package_id)
            )


class OutboxRepository:
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
