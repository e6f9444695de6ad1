"""The SQLite store: schema, migrations and every SQL statement of the workstation."""

from workstation.storage.store import Store, open_store

__all__ = ["Store", "open_store"]
