"""Files the user picks or asks for: reading one with clear refusals, and writing one whole or not at all.

Every importer (photos, Word, TBX, CSV, XLIFF) reads through `read_user_file`; every exporter (Word,
XLIFF, TMX, TBX, CSV) writes through `atomic_writer`, so a failure never leaves half a file behind
nor damages the one that was there.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import stat
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import BinaryIO

from workstation.errors import BadInput, EnvironmentFailure

_MIB = 1024 * 1024


def read_user_file(path: Path, max_bytes: int, what: str) -> bytes:
    """The whole file, refused with a message naming it when it is missing, not a file or over `max_bytes`.

    `what` completes the sentences, e.g. "a Word document (.docx)" or "a picture file".
    """
    try:
        status = path.stat()
        if stat.S_ISDIR(status.st_mode):
            raise BadInput(f"{path.name} is a folder, not {what}")
        if not stat.S_ISREG(status.st_mode):
            raise BadInput(f"{path.name} is not a regular file, not {what}")
        if status.st_size > max_bytes:
            raise BadInput(f"{path.name} is larger than {max_bytes // _MIB} MB, too large to import; reduce it first")
        return path.read_bytes()
    except FileNotFoundError as error:
        raise BadInput(f"cannot read {path}: the file does not exist") from error
    except PermissionError as error:
        raise BadInput(f"cannot read {path}: permission denied") from error
    except OSError as error:
        raise EnvironmentFailure(f"cannot read {path}: {error.strerror or error}") from error


@contextlib.contextmanager
def atomic_writer(out: Path) -> Iterator[BinaryIO]:
    """A stream to a temporary file beside `out`, renamed over it once written and flushed to disk.

    BadInput when `out` is a folder or its folder is missing; EnvironmentFailure for the disk's own
    refusals (full, read-only). On any error the temporary file goes and `out` is untouched.
    """
    out = Path(out)
    folder = out.parent if str(out.parent) else Path(".")
    if out.is_dir():
        raise BadInput(f"cannot write {out}: it is a folder")
    if not folder.is_dir():
        raise BadInput(f"cannot write {out}: the folder {folder} does not exist")
    temporary: str | None = None
    try:
        handle, temporary = tempfile.mkstemp(prefix=f".{out.name}.", suffix=".tmp", dir=folder)
        with os.fdopen(handle, "wb") as stream:
            yield stream
            stream.flush()
            os.fsync(stream.fileno())
        with contextlib.suppress(OSError):
            os.chmod(temporary, 0o644)  # mkstemp's 0600 would hide an export from other users
        os.replace(temporary, out)
        temporary = None
        fsync_folder(folder, best_effort=True)
    except OSError as error:
        raise EnvironmentFailure(f"cannot write {out}: {error.strerror or error}") from error
    finally:
        if temporary is not None:
            with contextlib.suppress(OSError):
                os.unlink(temporary)


def write_atomically(out: Path, data: bytes) -> None:
    with atomic_writer(out) as stream:
        stream.write(data)


def fsync_folder(folder: Path, best_effort: bool = False) -> None:
    """Make a file's creation, rename or removal in `folder` durable (POSIX needs the folder synced).

    Windows cannot open a folder for this and NTFS journals the rename anyway. With `best_effort`
    (folders the user chose: USB sticks, network shares), a file system that refuses is let be.
    """
    if os.name == "nt":
        return
    try:
        descriptor = os.open(folder, os.O_RDONLY)
    except OSError:
        if best_effort:
            return
        raise
    try:
        os.fsync(descriptor)
    except OSError:
        if not best_effort:
            raise
    finally:
        os.close(descriptor)


def file_sha256(path: Path, chunk_size: int = 1024 * 1024) -> tuple[str, int]:
    """The file's sha256 (hex) and size, read in chunks so memory does not grow with the file."""
    digest, size = hashlib.sha256(), 0
    with path.open("rb") as handle:
        while chunk := handle.read(chunk_size):
            digest.update(chunk)
            size += len(chunk)
    return digest.hexdigest(), size
