"""The workspace lock: an advisory lock on `<store file>.lock`, held while a workspace is open.

A running app holds it (exclusive, or shared with headless commands) so that a restore, which takes
it exclusively, can refuse to pull the workspace from under it. The OS releases it if the process dies.
"""

from __future__ import annotations

import contextlib
import os
import sys
from pathlib import Path

from workstation.errors import EnvironmentFailure, Refused


def workspace_lock_path(store_path: Path) -> Path:
    return store_path.with_name(store_path.name + ".lock")


class WorkspaceLock:
    """An advisory lock on `<store file>.lock`, held while a workspace is open; released by the OS if the process dies.

    The lock file itself stays: removing it would let a new holder lock a fresh file while an old one
    still holds the unlinked one.
    """

    def __init__(self, path: Path, descriptor: int, shared: bool) -> None:
        self.path = path
        self.shared = shared
        self._descriptor: int | None = descriptor

    @property
    def held(self) -> bool:
        return self._descriptor is not None

    def release(self) -> None:
        if self._descriptor is None:
            return
        descriptor, self._descriptor = self._descriptor, None
        try:
            if not self.shared:
                os.ftruncate(descriptor, 0)
            _unlock(descriptor)
        except OSError:
            pass  # closing the descriptor releases the lock anyway
        finally:
            os.close(descriptor)

    def __enter__(self) -> WorkspaceLock:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.release()


def hold_workspace_lock(store_path: Path, *, shared: bool = False) -> WorkspaceLock:
    """Take the workspace's lock without waiting; Refused when another holder excludes us.

    Exclusive (the default) is what the GUI takes while a workspace is open, and what a restore
    takes. `shared=True` lets several readers (the GUI and headless commands) coexist while still
    keeping a restore out; on Windows, where msvcrt has no shared locks, it is exclusive too.
    """
    store_path = Path(store_path).expanduser().absolute()
    path = workspace_lock_path(store_path)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        descriptor = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
    except OSError as error:
        raise EnvironmentFailure(f"cannot create the workspace lock {path}: {error.strerror or error}") from error
    try:
        _lock(descriptor, shared)
    except OSError as error:
        holder = _lock_holder(path)
        os.close(descriptor)
        raise Refused(
            f"the workspace {store_path} is in use{holder} (the workstation app is open on it, or a restore "
            "is running); close it and try again"
        ) from error
    _record_holder(descriptor, shared)
    return WorkspaceLock(path, descriptor, shared)


if sys.platform == "win32":
    import msvcrt

    # Lock a byte far past the process id written at the start, which other processes may then still read.
    _WINDOWS_LOCK_OFFSET = 1 << 30

    def _lock(descriptor: int, shared: bool) -> None:
        os.lseek(descriptor, _WINDOWS_LOCK_OFFSET, os.SEEK_SET)
        msvcrt.locking(descriptor, msvcrt.LK_NBLCK, 1)

    def _unlock(descriptor: int) -> None:
        os.lseek(descriptor, _WINDOWS_LOCK_OFFSET, os.SEEK_SET)
        msvcrt.locking(descriptor, msvcrt.LK_UNLCK, 1)

else:
    import fcntl

    def _lock(descriptor: int, shared: bool) -> None:
        fcntl.flock(descriptor, (fcntl.LOCK_SH if shared else fcntl.LOCK_EX) | fcntl.LOCK_NB)

    def _unlock(descriptor: int) -> None:
        fcntl.flock(descriptor, fcntl.LOCK_UN)


def _record_holder(descriptor: int, shared: bool) -> None:
    # Only to name an exclusive holder in a refusal; the lock does not depend on it. Any holder clears
    # a process id left by one that died.
    with contextlib.suppress(OSError):
        os.ftruncate(descriptor, 0)
        if not shared:
            os.lseek(descriptor, 0, os.SEEK_SET)
            os.write(descriptor, f"{os.getpid()}\n".encode())


def _lock_holder(path: Path) -> str:
    try:
        text = path.read_text(encoding="ascii").strip()
    except (OSError, UnicodeDecodeError):
        return ""
    return f" by process {text}" if text.isdigit() else ""
