"""The bytes of unfinished uploads, one file per upload under `uploads/`.

The database's `received` count is the acknowledged offset. A file may hold more bytes than that
(the portal stopped between writing and recording); they are cut off before the next append, so
only acknowledged bytes ever count.
"""

from __future__ import annotations

import os
import re
import threading
import uuid
from pathlib import Path
from typing import Any

from workstation.user_files import fsync_folder

_UPLOAD_ID = re.compile(r"[0-9a-f]{32}")


def new_upload_id() -> str:
    return uuid.uuid4().hex


def is_upload_id(value: str) -> bool:
    """Whether `value` has the form of the ids this portal hands out (32 lower-case hex digits)."""
    return _UPLOAD_ID.fullmatch(value) is not None


class UploadArea:
    def __init__(self, folder: Path) -> None:
        self._folder = folder

    def path(self, upload_id: str) -> Path:
        # The id names a file: anything but our own id form (`..`, `/`, NUL) never reaches the disk.
        if not is_upload_id(upload_id):
            raise ValueError(f"{upload_id!r} is not an upload id")
        return self._folder / upload_id

    def create(self, upload_id: str) -> None:
        descriptor = os.open(self.path(upload_id), os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        os.close(descriptor)
        fsync_folder(self._folder)

    def append_at(self, upload_id: str, offset: int, checksum: Any | None = None) -> ChunkWriter:
        return ChunkWriter(self.path(upload_id), offset, checksum)

    def discard(self, upload_id: str) -> None:
        self.path(upload_id).unlink(missing_ok=True)

    def ids_on_disk(self) -> list[str]:
        """The uploads that have a file here (other names, never ours, are left alone)."""
        return sorted(entry.name for entry in self._folder.iterdir() if is_upload_id(entry.name))


class ChunkWriter:
    """Appends one PATCH body at the acknowledged offset; nothing counts until `commit` has fsynced it.

    `checksum` is a hashlib object fed with the body, for the tus checksum extension.
    """

    def __init__(self, path: Path, offset: int, checksum: Any | None) -> None:
        self._offset = offset
        # Unbuffered: the caller already hands over large pieces, and each goes straight to the OS.
        self._handle = path.open("r+b", buffering=0)
        self._handle.truncate(offset)
        self._handle.seek(offset)
        self.checksum = checksum
        self.written = 0

    def write(self, data: bytes | bytearray) -> None:
        remaining = memoryview(data)
        while remaining:  # a raw write may take fewer bytes than offered
            remaining = remaining[self._handle.write(remaining) :]
        if self.checksum is not None:
            self.checksum.update(data)
        self.written += len(data)

    def commit(self) -> int:
        """Make the bytes durable and return the new offset (acknowledge it only after this returns)."""
        os.fsync(self._handle.fileno())
        self._handle.close()
        return self._offset + self.written

    def roll_back(self) -> None:
        self._handle.truncate(self._offset)
        self._handle.close()


class UploadLocks:
    """One request at a time per upload: a second PATCH or DELETE while one runs gets 423 Locked."""

    def __init__(self) -> None:
        self._busy: set[str] = set()
        self._guard = threading.Lock()

    def try_acquire(self, upload_id: str) -> bool:
        with self._guard:
            if upload_id in self._busy:
                return False
            self._busy.add(upload_id)
            return True

    def release(self, upload_id: str) -> None:
        with self._guard:
            self._busy.discard(upload_id)
