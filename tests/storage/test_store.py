from __future__ import annotations

import os
import sqlite3
import stat
from pathlib import Path

import pytest

from workstation.errors import StoreUnavailable
from workstation.storage.migrations import MIGRATIONS
from workstation.storage.store import open_store


def test_new_store_is_migrated_in_wal_mode_with_foreign_keys(store_path: Path) -> None:
    store = open_store(store_path)
    assert store.query_one("PRAGMA user_version")["user_version"] == len(MIGRATIONS)
    assert store.query_one("PRAGMA journal_mode")["journal_mode"] == "wal"
    assert store.query_one("PRAGMA foreign_keys")["foreign_keys"] == 1
    store.close()


def test_failed_transaction_leaves_nothing_behind(store_path: Path) -> None:
    store = open_store(store_path)
    with pytest.raises(RuntimeError), store.transaction() as connection:
        connection.execute("INSERT INTO settings(key, value) VALUES ('a', '1')")
        raise RuntimeError("crash in the middle of a change")
    assert store.get_setting("a") is None
    store.close()


def test_nested_transactions_commit_once_with_the_outer(store_path: Path) -> None:
    store = open_store(store_path)
    with pytest.raises(RuntimeError), store.transaction():
        store.set_setting("inner", "x")  # opens a nested transaction
        raise RuntimeError
    assert store.get_setting("inner") is None
    store.close()


def test_corrupt_file_is_refused_and_left_untouched(tmp_path: Path) -> None:
    path = tmp_path / "damaged.db"
    garbage = b"this is not an SQLite database at all" * 200
    path.write_bytes(garbage)
    with pytest.raises(StoreUnavailable, match="not a workstation store or is damaged"):
        open_store(path)
    assert path.read_bytes() == garbage


def test_store_from_a_newer_version_is_refused(store_path: Path) -> None:
    open_store(store_path).close()
    connection = sqlite3.connect(store_path)
    connection.execute("PRAGMA user_version = 999")
    connection.close()
    with pytest.raises(StoreUnavailable, match="newer version"):
        open_store(store_path)


def read_only_location(tmp_path: Path) -> Path:
    """A folder the test process cannot write to: a chmod'ed folder, or /proc when running as root."""
    if os.geteuid() == 0:
        return Path("/proc/editorial-workstation-test")
    folder = tmp_path / "locked"
    folder.mkdir()
    folder.chmod(stat.S_IRUSR | stat.S_IXUSR)
    return folder


def test_read_only_folder_gives_a_clear_message(tmp_path: Path) -> None:
    with pytest.raises(StoreUnavailable, match="cannot"):
        open_store(read_only_location(tmp_path) / "w.db")


def test_read_only_store_file_gives_a_clear_message(store_path: Path) -> None:
    open_store(store_path).close()
    # Simulate a read-only medium (root ignores file modes, so use SQLite's own read-only flag).
    connection = sqlite3.connect(f"file:{store_path}?mode=ro", uri=True, isolation_level=None)
    from workstation.storage.store import Store

    store = Store(store_path, connection)
    with pytest.raises(StoreUnavailable, match="cannot be written"):
        store.set_setting("x", "y")


def test_folder_in_place_of_file_is_refused(tmp_path: Path) -> None:
    with pytest.raises(StoreUnavailable, match="is a folder"):
        open_store(tmp_path)
