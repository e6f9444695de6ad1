"""Reading a file the user picked (a photo, a Word document): one set of clear refusals for every importer."""

from __future__ import annotations

import stat
from pathlib import Path

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
