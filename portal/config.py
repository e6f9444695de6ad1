"""Where the portal keeps its files, and the limits it enforces."""

from __future__ import annotations

import os
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from datetime import timedelta
from pathlib import Path

from portal.errors import PortalSetupError


@dataclass(frozen=True)
class PortalPaths:
    """The data folder's layout: `portal.db`, `portal-key.pem`, `portal.toml`, `bundles/`, `uploads/`, `incoming/`."""

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

    @property
    def incoming(self) -> Path:
        """Working copies of hand-carried bundles while `ingest` judges them."""
        return self.data_dir / "incoming"

    def create(self) -> None:
        for folder in (self.data_dir, self.bundles, self.uploads, self.incoming):
            try:
                folder.mkdir(parents=True, exist_ok=True)
            except OSError as error:
                raise PortalSetupError(f"cannot create the folder {folder}: {error.strerror or error}") from error


@dataclass(frozen=True)
class PortalLimits:
    """What one station may send. `max_upload_size` and `station_quota` are set in portal.toml's `[limits]`."""

    # Sealed bundles are text and a few pictures; 2 GiB leaves room without inviting abuse.
    max_upload_size: int = 2 * 1024**3
    # An unfinished upload is kept this long after its last acknowledged chunk, then purged.
    upload_lifetime: timedelta = timedelta(days=2)
    enrolment_code_lifetime: timedelta = timedelta(days=3)
    # Bytes of accepted bundles plus unfinished uploads per station: years of bulletins, yet a
    # runaway or stolen station cannot fill the portal's disk.
    station_quota: int = 50 * 1024**3


@dataclass(frozen=True)
class PortalSettings:
    """Which database and bundle storage the portal uses: SQLite and the data folder unless told otherwise.

    Read from `<data dir>/portal.toml` (`[database] url`, `[storage] s3_bucket`, `s3_prefix`,
    `s3_endpoint_url`, `s3_region`, `[limits] max_upload_size`, `station_quota`), the first five each
    overridden by an environment variable
    (`PORTAL_DATABASE_URL`, `PORTAL_S3_BUCKET`, `PORTAL_S3_PREFIX`, `PORTAL_S3_ENDPOINT_URL`,
    `PORTAL_S3_REGION`). S3 credentials come from boto3's usual sources (environment, profile).
    """

    database_url: str | None = None
    """`postgresql://user:password@host:port/db`; None means `portal.db` in the data folder."""
    s3_bucket: str | None = None
    """None keeps bundles in the data folder's `bundles/`."""
    s3_prefix: str = "bundles/"
    s3_endpoint_url: str | None = None
    s3_region: str | None = None
    limits: PortalLimits = field(default_factory=PortalLimits)
    """`[limits] max_upload_size` and `station_quota`, in bytes."""

    @classmethod
    def load(cls, data_dir: Path, environ: Mapping[str, str] = os.environ) -> PortalSettings:
        path = data_dir / "portal.toml"
        try:
            document = tomllib.loads(path.read_text("utf-8")) if path.is_file() else {}
        except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as error:
            raise PortalSetupError(f"cannot read the settings file {path}: {error}") from error
        database = document.get("database", {})
        storage = document.get("storage", {})
        limits = document.get("limits", {})

        def setting(variable: str, section: Mapping[str, object], key: str) -> str | None:
            value = environ.get(variable) or section.get(key)
            if value is not None and not isinstance(value, str):
                raise PortalSetupError(f"{path}: {key} must be a string")
            return value or None

        return cls(
            database_url=setting("PORTAL_DATABASE_URL", database, "url"),
            s3_bucket=setting("PORTAL_S3_BUCKET", storage, "s3_bucket"),
            s3_prefix=setting("PORTAL_S3_PREFIX", storage, "s3_prefix") or "bundles/",
            s3_endpoint_url=setting("PORTAL_S3_ENDPOINT_URL", storage, "s3_endpoint_url"),
            s3_region=setting("PORTAL_S3_REGION", storage, "s3_region"),
            limits=_limits(limits, path),
        )


def _limits(section: Mapping[str, object], path: Path) -> PortalLimits:
    defaults = PortalLimits()
    known = ("max_upload_size", "station_quota")
    unknown = sorted(set(section) - set(known))
    if unknown:
        raise PortalSetupError(f"{path}: [limits] has no setting {unknown[0]!r} (only {', '.join(known)})")
    values: dict[str, int] = {}
    for key in known:
        value = section.get(key, getattr(defaults, key))
        if not isinstance(value, int) or isinstance(value, bool) or value <= 0:
            raise PortalSetupError(f"{path}: [limits] {key} must be a positive whole number of bytes")
        values[key] = value
    return replace(defaults, **values)
