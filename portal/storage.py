"""Where accepted bundles are kept: the data folder's `bundles/`, or an S3-compatible bucket.

Intake hands a fully received, verified upload to `BundleStorage.put`; the bundle is durable when
`put` returns, so the database row that names it can be committed afterwards.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path
from typing import TYPE_CHECKING, Any, BinaryIO, Protocol, cast

from portal.config import PortalPaths, PortalSettings
from portal.errors import PortalSetupError
from workstation.user_files import fsync_folder

if TYPE_CHECKING:
    from botocore.client import BaseClient


class BundleStorage(Protocol):
    def put(self, source: Path, name: str) -> None:
        """Keep the content of `source` as `name`, durably when this returns; `source` is left in place.

        Names are content-addressed (they carry the bundle's sha256), so a name that is kept already
        holds these bytes, and putting it again changes nothing.
        """
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
        target = self._folder / name
        if target.exists():
            return
        with source.open("rb") as handle:
            os.fsync(handle.fileno())
        try:
            # A second name for the same bytes: instant and atomic, however large the bundle.
            os.link(source, target)
        except FileExistsError:
            return  # a twin stored the same bytes a moment ago
        except OSError:
            # Another file system (or one without hard links): copy, then rename into place.
            partial = target.with_name(f".{name}.partial")
            shutil.copyfile(source, partial)
            with partial.open("rb") as handle:
                os.fsync(handle.fileno())
            os.replace(partial, target)
        fsync_folder(self._folder)

    def open(self, name: str) -> BinaryIO:
        return (self._folder / name).open("rb")

    def exists(self, name: str) -> bool:
        return (self._folder / name).is_file()

    def delete(self, name: str) -> None:
        (self._folder / name).unlink(missing_ok=True)


# boto3's managed transfer: one PUT up to 64 MiB, above that a multipart upload of 16 MiB parts
# sent 4 at a time (a 2 GiB bundle is 128 parts, far below S3's 10,000).
MULTIPART_THRESHOLD = 64 * 1024**2
MULTIPART_PART_SIZE = 16 * 1024**2
MULTIPART_CONCURRENCY = 4
_CONNECT_TIMEOUT_SECONDS = 10
# How S3-compatible servers say "no such object": GET answers NoSuchKey, HEAD (no body) a bare 404.
_MISSING_CODES = ("404", "NoSuchKey", "NotFound")


class S3BundleStorage:
    """Bundles as objects `<prefix><name>` in one S3-compatible bucket (AWS, MinIO, Ceph, moto…).

    Credentials come from boto3's usual sources (environment, shared profile, instance role).
    """

    def __init__(
        self,
        client: BaseClient,
        bucket: str,
        prefix: str = "",
        *,
        multipart_threshold: int = MULTIPART_THRESHOLD,
        part_size: int = MULTIPART_PART_SIZE,
    ) -> None:
        from boto3.s3.transfer import TransferConfig

        self._client = client
        self._bucket = bucket
        self._prefix = prefix
        self._transfer = TransferConfig(
            multipart_threshold=multipart_threshold,
            multipart_chunksize=part_size,
            max_concurrency=MULTIPART_CONCURRENCY,
        )

    @classmethod
    def connect(cls, settings: PortalSettings) -> S3BundleStorage:
        """A storage on the settings' bucket, checked now: PortalSetupError says why it cannot be used."""
        import boto3
        from botocore.config import Config

        assert settings.s3_bucket is not None
        config = Config(
            connect_timeout=_CONNECT_TIMEOUT_SECONDS,
            retries={"max_attempts": 3, "mode": "standard"},
            # Self-hosted S3 (MinIO, moto) is reached by address, where bucket sub-domains cannot work.
            s3={"addressing_style": "path"} if settings.s3_endpoint_url else None,
        )
        client = boto3.client(
            "s3", endpoint_url=settings.s3_endpoint_url, region_name=settings.s3_region, config=config
        )
        storage = cls(client, settings.s3_bucket, settings.s3_prefix)
        storage.check()
        return storage

    @property
    def location(self) -> str:
        """`s3://bucket/prefix`, for messages."""
        return f"s3://{self._bucket}/{self._prefix}"

    def check(self) -> None:
        """Make sure the bucket exists and these credentials reach it."""
        from botocore.exceptions import BotoCoreError, ClientError

        endpoint = self._client.meta.endpoint_url
        try:
            self._client.head_bucket(Bucket=self._bucket)
        except ClientError as error:
            code = _error_code(error)
            if code in ("404", "NoSuchBucket"):
                reason = "there is no such bucket; create it, or correct s3_bucket"
            elif code in ("403", "AccessDenied", "Forbidden"):
                reason = "access is denied; check the S3 credentials and the bucket's policy"
            else:
                reason = str(error)
            raise PortalSetupError(f"cannot use the bundle bucket {self.location} at {endpoint}: {reason}") from error
        except BotoCoreError as error:  # no credentials, endpoint unreachable, bad region…
            raise PortalSetupError(f"cannot reach the bundle bucket {self.location} at {endpoint}: {error}") from error

    def put(self, source: Path, name: str) -> None:
        # upload_file returns once S3 has the whole object (every part acknowledged): durable.
        self._client.upload_file(str(source), self._bucket, self._key(name), Config=self._transfer)

    def open(self, name: str) -> BinaryIO:
        from botocore.exceptions import ClientError

        try:
            response = self._client.get_object(Bucket=self._bucket, Key=self._key(name))
        except ClientError as error:
            if _error_code(error) in _MISSING_CODES:
                raise FileNotFoundError(f"no bundle {name} in {self.location}") from error
            raise
        # botocore's StreamingBody reads the object as it arrives (an io.IOBase with read/close).
        return cast(BinaryIO, response["Body"])

    def exists(self, name: str) -> bool:
        from botocore.exceptions import ClientError

        try:
            self._client.head_object(Bucket=self._bucket, Key=self._key(name))
        except ClientError as error:
            if _error_code(error) in _MISSING_CODES:
                return False
            raise
        return True

    def delete(self, name: str) -> None:
        self._client.delete_object(Bucket=self._bucket, Key=self._key(name))

    def _key(self, name: str) -> str:
        if not name or "/" in name or name in (".", ".."):
            raise ValueError(f"{name!r} is not a bundle file name")
        return f"{self._prefix}{name}"


def _error_code(error: Any) -> str:
    """The S3 error code of a botocore ClientError ("" when the answer names none)."""
    return str(error.response.get("Error", {}).get("Code", ""))


def open_bundle_storage(settings: PortalSettings, paths: PortalPaths) -> BundleStorage:
    """The storage the settings choose: an S3 bucket when `s3_bucket` is set, else the data folder."""
    if settings.s3_bucket:
        return S3BundleStorage.connect(settings)
    return FolderBundleStorage(paths.bundles)
