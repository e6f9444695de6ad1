"""A tus 1.0.0 client (creation, checksum, termination): upload a file, or resume it where the
portal last acknowledged, in chunks each carrying `Upload-Checksum: sha256 <base64>`."""

from __future__ import annotations

import base64
import hashlib
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

import httpx

from workstation.model import OutboxEntry
from workstation.sync.errors import PortalUnavailable, UploadCancelled, UploadRefused
from workstation.sync.http import PortalHttp, detail_of

TUS_VERSION = "1.0.0"
DEFAULT_CHUNK_SIZE = 1024 * 1024

Acknowledged = Callable[[str, int], None]
"""Called with (upload URL, acknowledged offset) once the portal holds those bytes durably."""
Progress = Callable[[int, int], None]
"""Called with (bytes the portal holds, total bytes)."""

_CHECKSUM_RETRIES = 2  # a chunk damaged on the way is sent again, but not forever
_LOCKED_RETRIES = 5  # the portal may still be finishing a PATCH whose connection was cut
_LOCKED_WAIT_SECONDS = 0.5
_CONFLICT_RETRIES = 3  # a portal contradicting itself about offsets more often than this is not believed


class _UploadGone(Exception):
    """The upload expired or was terminated at the portal; a new one must be created."""


@dataclass(frozen=True)
class UploadCallbacks:
    acknowledged: Acknowledged = lambda _url, _offset: None
    progress: Progress = lambda _sent, _total: None
    cancelled: Callable[[], bool] = lambda: False


class TusUploader:
    def __init__(self, http: PortalHttp, endpoint: str = "/files/", chunk_size: int = DEFAULT_CHUNK_SIZE) -> None:
        self._http = http
        self._endpoint = endpoint
        self._chunk_size = chunk_size

    @property
    def chunk_size(self) -> int:
        return self._chunk_size

    def upload(
        self,
        path: Path,
        metadata: Mapping[str, str],
        resume_url: str | None,
        callbacks: UploadCallbacks,
        chunk_size: int | None = None,
    ) -> str:
        """Send the file in chunks of `chunk_size` (default: the uploader's), resuming `resume_url` when the
        portal still has it; return the upload URL."""
        chunk_size = chunk_size or self._chunk_size
        size = path.stat().st_size
        with path.open("rb") as source:
            if resume_url is not None:
                try:
                    return self._send(
                        source, size, self._http.same_origin(resume_url), callbacks, chunk_size, resumed=True
                    )
                except _UploadGone:
                    pass  # start again below
            url = self._create(size, metadata)
            callbacks.acknowledged(url, 0)
            try:
                return self._send(source, size, url, callbacks, chunk_size, resumed=False)
            except _UploadGone as error:
                raise PortalUnavailable(
                    f"the portal at {self._http.base_url} lost the upload it had just created; try again later"
                ) from error

    def terminate(self, url: str) -> None:
        self._http.request("DELETE", self._http.same_origin(url), expected={204, 404, 410}, headers=_TUS)

    def offset(self, url: str) -> int:
        """The offset the portal acknowledges for the upload (HEAD)."""
        response = self._http.request("HEAD", url, expected={200, 404, 410}, headers=_TUS)
        _require_tus(self._http, response)
        if response.status_code in (404, 410):
            raise _UploadGone
        return _offset_header(self._http, response, "Upload-Offset")

    def _create(self, size: int, metadata: Mapping[str, str]) -> str:
        response = self._http.request(
            "POST",
            self._http.url(self._endpoint),
            expected={201, 400, 413},
            headers={**_TUS, "Upload-Length": str(size), "Upload-Metadata": encode_metadata(metadata)},
        )
        _require_tus(self._http, response)
        if response.status_code != 201:
            raise UploadRefused(f"the portal refused to start the upload: {detail_of(response)}")
        location = response.headers.get("Location")
        if not location:
            raise self._http.not_the_protocol("the created upload has no Location")
        return self._http.same_origin(location)

    def _send(
        self, source: BinaryIO, size: int, url: str, callbacks: UploadCallbacks, chunk_size: int, resumed: bool
    ) -> str:
        offset = self._checked_offset(url, size) if resumed else 0
        callbacks.acknowledged(url, offset)  # the portal's word, also when it holds less than we thought
        callbacks.progress(offset, size)
        if resumed and offset == size:
            # Already whole: one empty PATCH asks the portal to finish it, should it not have.
            self._patch_checked(url, offset, b"", size)
        conflicts = 0
        while offset < size:
            if callbacks.cancelled():
                raise UploadCancelled
            source.seek(offset)
            chunk = source.read(min(chunk_size, size - offset))
            acknowledged = self._patch_checked(url, offset, chunk, size)
            if acknowledged is None:  # 409: our offset was not the portal's; ask where it stands
                conflicts += 1
                if conflicts > _CONFLICT_RETRIES:
                    raise self._http.not_the_protocol("it keeps contradicting the upload offsets it reports")
                offset = self._checked_offset(url, size)
            else:
                conflicts = 0
                offset = acknowledged
            callbacks.acknowledged(url, offset)
            callbacks.progress(offset, size)
        return url

    def _checked_offset(self, url: str, size: int) -> int:
        offset = self.offset(url)
        if offset > size:
            raise self._http.not_the_protocol(f"it reports offset {offset} for an upload of {size} bytes")
        return offset

    def _patch_checked(self, url: str, offset: int, chunk: bytes, size: int) -> int | None:
        """PATCH one chunk and return the new offset, None on 409 (our offset is not the portal's);
        handles the answers that mean "send it again" (423, 460)."""
        checksum_failures = locked = 0
        while True:
            response = self._patch(url, offset, chunk, size)
            status = response.status_code
            if status == 204:
                return _acknowledged_offset(self._http, response, offset + len(chunk))
            if status == 409:
                return None
            if status == 423 and locked < _LOCKED_RETRIES:
                locked += 1
                time.sleep(_LOCKED_WAIT_SECONDS * locked)
                continue
            if status == 460 and checksum_failures < _CHECKSUM_RETRIES:
                checksum_failures += 1
                continue
            if status in (404, 410):
                raise _UploadGone
            raise UploadRefused(f"the portal refused the upload at byte {offset}: {detail_of(response)}")

    def _patch(self, url: str, offset: int, chunk: bytes, size: int) -> httpx.Response:
        digest = base64.b64encode(hashlib.sha256(chunk).digest()).decode("ascii")
        response = self._http.request(
            "PATCH",
            url,
            expected={204, 400, 404, 409, 410, 413, 415, 422, 423, 460},
            headers={
                **_TUS,
                "Content-Type": "application/offset+octet-stream",
                "Upload-Offset": str(offset),
                "Upload-Checksum": f"sha256 {digest}",
            },
            content=chunk,
        )
        _require_tus(self._http, response)
        return response


_TUS = {"Tus-Resumable": TUS_VERSION}


def bundle_metadata(entry: OutboxEntry) -> dict[str, str]:
    """The `Upload-Metadata` that names a sealed bundle to the portal: which package, version and content."""
    return {
        "filename": entry.file_name,
        "filetype": "application/zip",
        "package_id": entry.package_id,
        "version": str(entry.package_version),
        "sha256": entry.sha256,
    }


def encode_metadata(metadata: Mapping[str, str]) -> str:
    """tus Upload-Metadata: comma-separated `key base64(value)` pairs."""
    return ",".join(f"{key} {base64.b64encode(value.encode()).decode('ascii')}" for key, value in metadata.items())


def _require_tus(http: PortalHttp, response: httpx.Response) -> None:
    if response.headers.get("Tus-Resumable") != TUS_VERSION:
        raise http.not_the_protocol(f"no Tus-Resumable: {TUS_VERSION} header on HTTP {response.status_code}")


def _offset_header(http: PortalHttp, response: httpx.Response, name: str) -> int:
    value = response.headers.get(name, "")
    if not value.isdigit():
        raise http.not_the_protocol(f"{name} {value!r} is not a number")
    return int(value)


def _acknowledged_offset(http: PortalHttp, response: httpx.Response, expected: int) -> int:
    """A chunk is acknowledged whole or not at all (each carries its checksum): any other offset is a
    portal we cannot believe, and believing it could skip bytes."""
    acknowledged = _offset_header(http, response, "Upload-Offset")
    if acknowledged != expected:
        raise http.not_the_protocol(f"it acknowledged offset {acknowledged} where the chunk ended at {expected}")
    return acknowledged
