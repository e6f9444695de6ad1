"""Where the portal keeps its files, and the limits it enforces."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

from portal.errors import PortalSetupError


@dataclass(frozen=True)
class PortalPaths:
    """The data folder's layout: `portal.db`, `portal-key.pem`, `bundles/` and `uploads/`."""

    data_dir: Path

    @property
    def database(self) -> Path:
        return self.data_dir / "portal.db"

    @property
    def key(self) -> Path:
        return self.data_dir / "portal-key.pem"

    @property
    def bundles(self) -> Path:
        return self.data_dir / "bundles"

    @property
    def uploads(self) -> Path:
        return self.data_dir / "uploads"

    def create(self) -> None:
        for folder in (self.data_dir, self.bundles, self.uploads):
            try:
                folder.mkdir(parents=True, exist_ok=True)
            except OSError as error:
                raise PortalSetupError(f"cannot create the folder {folder}: {error.strerror or error}") from error


@dataclass(frozen=True)
class PortalLimits:
    # Sealed bundles are text and a few pictures; 2 GiB leaves room without inviting abuse.
    max_upload_size: int = 2 * 1024**3
    # An unfinished upload is kept this long after its last acknowledged chunk, then purged.
    upload_lifetime: timedelta = timedelta(days=2)
    enrolment_code_lifetime: timedelta = timedelta(days=3)
