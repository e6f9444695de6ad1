"""`PortalClient`: everything the station asks of the portal, over httpx.

Tests and the app pass real servers; `transport` exists for embedding (e.g. an ASGI app in-process).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType
from typing import Any
from urllib.parse import quote

import httpx

from workstation.signing import load_public_key
from workstation.sync.errors import EnrolmentRefused, FeedUnsupported
from workstation.sync.feedback import FeedEntry, FeedPage
from workstation.sync.http import DEFAULT_TIMEOUT, PortalHttp, detail_of
from workstation.sync.tus import DEFAULT_CHUNK_SIZE, Acknowledged, Progress, TusUploader, UploadCallbacks

FEED_PAGE_SIZE = 100


@dataclass(frozen=True)
class Enrolment:
    station_id: str
    token: str
    portal_public_key: str


class PortalClient:
    def __init__(
        self,
        base_url: str,
        token: str | None = None,
        *,
        chunk_size: int = DEFAULT_CHUNK_SIZE,
        timeout: httpx.Timeout | float = DEFAULT_TIMEOUT,
        transport: httpx.BaseTransport | None = None,
    ) -> None:
        self._http = PortalHttp(base_url, token, timeout, transport)
        self._tus = TusUploader(self._http, chunk_size=chunk_size)

    @property
    def base_url(self) -> str:
        return self._http.base_url

    @property
    def chunk_size(self) -> int:
        """Bytes per upload request unless `upload` is given another size."""
        return self._tus.chunk_size

    def close(self) -> None:
        self._http.close()

    def __enter__(self) -> PortalClient:
        return self

    def __exit__(
        self, kind: type[BaseException] | None, error: BaseException | None, traceback: TracebackType | None
    ) -> None:
        self.close()

    def portal_key(self) -> str:
        """The base64 Ed25519 key the portal signs receipts with."""
        response = self._http.request("GET", self._http.url("/api/v1/portal-key"), expected={200}, authenticated=False)
        return self._public_key(self._http.json_object(response, {"public_key"})["public_key"])

    def enrol(self, code: str, station_id: str, name: str, public_key: str) -> Enrolment:
        """Exchange a one-time code for a station token; EnrolmentRefused when the portal says no."""
        response = self._http.request(
            "POST",
            self._http.url("/api/v1/enrol"),
            expected={201, 403, 422},
            authenticated=False,
            json={"code": code, "station_id": station_id, "name": name, "public_key": public_key},
        )
        if response.status_code != 201:
            raise EnrolmentRefused(f"the portal at {self.base_url} refused the enrolment: {detail_of(response)}")
        body = self._http.json_object(response, {"station_id", "token", "portal_public_key"})
        if body["station_id"] != station_id or not isinstance(body["token"], str) or not body["token"]:
            raise self._http.not_the_protocol("the enrolment answer names another station or has no token")
        return Enrolment(station_id, body["token"], self._public_key(body["portal_public_key"]))

    def upload(
        self,
        path: Path,
        metadata: Mapping[str, str],
        *,
        resume_url: str | None = None,
        acknowledged: Acknowledged | None = None,
        progress: Progress | None = None,
        cancelled: Callable[[], bool] | None = None,
        chunk_size: int | None = None,
    ) -> str:
        """Upload the file with tus, resuming `resume_url` where the portal last acknowledged.

        `acknowledged(url, offset)` runs after each chunk the portal holds durably (persist both to
        resume after a crash); `cancelled()` is checked between chunks. Returns the upload URL.
        """
        callbacks = UploadCallbacks(
            acknowledged=acknowledged or UploadCallbacks.acknowledged,
            progress=progress or UploadCallbacks.progress,
            cancelled=cancelled or UploadCallbacks.cancelled,
        )
        return self._tus.upload(path, metadata, resume_url, callbacks, chunk_size)

    def upload_offset(self, upload_url: str) -> int:
        return self._tus.offset(self._http.same_origin(upload_url))

    def terminate(self, upload_url: str) -> None:
        """Abandon an upload (tus termination); the portal forgets its bytes."""
        self._tus.terminate(upload_url)

    def receipt(self, package_id: str, version: int, sha256: str | None = None) -> dict[str, Any] | None:
        """The portal's signed receipt for the bundle, None while it has none. Not yet verified:
        the caller checks the signature against the portal key it trusts."""
        path = f"/api/v1/receipts/{quote(package_id, safe='')}/{int(version)}"
        response = self._http.request(
            "GET", self._http.url(path), expected={200, 404}, params={"sha256": sha256} if sha256 else None
        )
        if response.status_code == 404:
            self._http.json_object(response, {"detail"})  # a 404 from something else is not "no receipt"
            return None
        return self._http.json_object(response, {"payload", "signature"})

    def ping(self, timeout: float) -> None:
        """Ask the portal for its key within `timeout` seconds; PortalUnavailable when it does not answer."""
        response = self._http.request(
            "GET", self._http.url("/api/v1/portal-key"), expected={200}, authenticated=False, timeout=timeout
        )
        self._http.json_object(response, {"public_key"})

    def feed(self, after: int, limit: int = FEED_PAGE_SIZE) -> FeedPage:
        """One page of this station's feed after `after`. Documents are not verified here: the caller
        checks each against the portal key it trusts. FeedUnsupported when the portal has no feed."""
        response = self._http.request(
            "GET", self._http.url("/api/v1/feed"), expected={200, 404}, params={"after": after, "limit": limit}
        )
        if response.status_code == 404:
            self._http.json_object(response, {"detail"})  # FastAPI's own "Not Found", not a web page
            raise FeedUnsupported(f"the portal at {self.base_url} has no feed")
        body = self._http.json_object(response, {"entries", "next_cursor", "more"})
        entries = body["entries"]
        if not isinstance(entries, list) or not isinstance(body["next_cursor"], int):
            raise self._http.not_the_protocol("the feed page has no list of entries or no next cursor")
        parsed: list[FeedEntry] = []
        previous = after
        for raw in entries:
            entry = _feed_entry(raw)
            if entry is None or entry.cursor <= previous:
                raise self._http.not_the_protocol(f"feed entry after cursor {previous} is malformed or out of order")
            parsed.append(entry)
            previous = entry.cursor
        return FeedPage(parsed, max(previous, after), bool(body["more"]) and bool(parsed))

    def _public_key(self, value: Any) -> str:
        try:
            load_public_key(value)
        except (ValueError, TypeError) as error:
            raise self._http.not_the_protocol("its public key is not a base64 Ed25519 key") from error
        return value


def _feed_entry(raw: Any) -> FeedEntry | None:
    if not isinstance(raw, dict):
        return None
    cursor, kind, at, document = raw.get("cursor"), raw.get("kind"), raw.get("at"), raw.get("document")
    if not isinstance(cursor, int) or isinstance(cursor, bool) or cursor <= 0:
        return None
    if not isinstance(kind, str) or not isinstance(document, dict):
        return None
    return FeedEntry(cursor, kind, at if isinstance(at, str) else "", document)
