"""Where accepted bundles are kept: the data folder's `bundles/`, or an S3-compatible bucket.

Intake hands a fully received, verified upload to `BundleStorage.put`; the bundle is durable when
`put` returns, so the database row that names it can be committed afterwards.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import BinaryIO, Protocol

from portal.config import PortalPaths, PortalSettings
from portal.errors import PortalSetupError
from portal.uploads import fsync_folder


class BundleStorage(Protocol):
    def put(self, source: Path, name: str) -> None:
        """Take the file at `source` (consumed: moved or uploaded, then removed) and keep it as `name`."""
        ...

    def open(self, name: str) -> BinaryIO:
        """Read a kept bundle; FileNotFoundError when there is none of that name."""
        ...

    def exists(self, name: str) -> bool: ...

    def delete(self, name: str) -> None: ...


class FolderBundleStorage:
    """Bundles as files in one folder on the portal's disk (the default)."""

    def __init__(self, folder: Path) -> None:
        self._folder = folder

    def put(self, source: Path, name: str) -> None:
        os.replace(source, self._folder / name)
        fsync_folder(self._folder)

    def open(self, name: str) -> BinaryIO:
        return (self._folder / name).open("rb")

    def exists(self, name: str) -> bool:
        return (self._folder / name).is_file()

    def delete(self, name: str) -> None:
        (self._folder / name).unlink(missing_ok=True)


def open_bundle_storage(settings: PortalSettings, paths: PortalPaths) -> BundleStorage:
    """The storage the settings choose: an S3 bucket when `s3_bucket` is set, else the data folder."""
    if settings.s3_bucket:
        raise PortalSetupError("S3 bundle storage is not available in this build")
    return FolderBundleStorage(paths.bundles)
