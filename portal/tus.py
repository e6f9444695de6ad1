"""tus 1.0.0 resumable uploads at `/files/` (extensions: creation, checksum, termination, expiration).

An upload belongs to the station that created it; to any other station it does not exist (404).
A chunk is acknowledged (204 + Upload-Offset) only after it is fsynced and recorded, so a client
resuming from the offset the portal last acknowledged never loses or duplicates a byte.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import re
import uuid
from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Depends, Header, HTTPException, Request, Response, status
from starlette.concurrency import run_in_threadpool
from starlette.requests import ClientDisconnect
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from portal.api import SHA256_PATTERN, UUID_PATTERN
from portal.auth import AuthenticatedStation
from portal.clock import http_date, iso_timestamp
from portal.context import Portal, get_portal
from portal.intake import DeclaredDigestMismatch
from portal.store import Station, Upload
from portal.uploads import ChunkWriter

TUS_VERSION = "1.0.0"
TUS_EXTENSIONS = "creation,checksum,termination,expiration"
CHECKSUM_ALGORITHMS = ("sha256", "sha1")
REQUIRED_METADATA = ("filename", "package_id", "version", "sha256")
OFFSET_STREAM = "application/offset+octet-stream"
PREFIX = "/files"

# Numbers rather than starlette names, which were renamed across versions (413, 422).
HTTP_CONTENT_TOO_LARGE = 413
HTTP_UNPROCESSABLE = 422
HTTP_LOCKED = 423
HTTP_CHECKSUM_MISMATCH = 460  # tus checksum extension

PortalDependency = Annotated[Portal, Depends(get_portal)]


def require_tus_version(tus_resumable: Annotated[str | None, Header()] = None) -> None:
    if tus_resumable != TUS_VERSION:
        raise HTTPException(
            status.HTTP_412_PRECONDITION_FAILED,
            detail=f"this server speaks tus {TUS_VERSION}; send Tus-Resumable: {TUS_VERSION}",
            headers={"Tus-Version": TUS_VERSION},
        )


router = APIRouter(prefix=PREFIX)
tus_request = APIRouter(prefix=PREFIX, dependencies=[Depends(require_tus_version)])


@router.options("/", status_code=status.HTTP_204_NO_CONTENT)
@router.options("/{upload_id}", status_code=status.HTTP_204_NO_CONTENT)
def discover(portal: PortalDependency) -> Response:
    """What this tus server supports (no authentication: clients ask before they upload)."""
    return Response(
        status_code=status.HTTP_204_NO_CONTENT,
        headers={
            "Tus-Version": TUS_VERSION,
            "Tus-Extension": TUS_EXTENSIONS,
            "Tus-Checksum-Algorithm": ",".join(CHECKSUM_ALGORITHMS),
            "Tus-Max-Size": str(portal.limits.max_upload_size),
        },
    )


@tus_request.post("/", status_code=status.HTTP_201_CREATED)
def create_upload(
    request: Request,
    station: AuthenticatedStation,
    portal: PortalDependency,
    upload_length: Annotated[str | None, Header()] = None,
    upload_metadata: Annotated[str | None, Header()] = None,
) -> Response:
    length = _non_negative_int(upload_length, "Upload-Length")
    if length == 0:
        raise HTTPException(status.HTTP_400_BAD_REQUEST, detail="an empty file is not a bundle")
    if length > portal.limits.max_upload_size:
        raise HTTPException(
            HTTP_CONTENT_TOO_LARGE,
            detail=f"{length} bytes is more than the {portal.limits.max_upload_size} this portal accepts",
        )
    metadata = _bundle_metadata(upload_metadata)
    now = portal.clock()
    _purge_expired(portal, now)
    upload = Upload(
        upload_id=uuid.uuid4().hex,
        station_id=station.station_id,
        length=length,
        received=0,
        metadata=metadata,
        created_at=iso_timestamp(now),
        expires_at=iso_timestamp(now + portal.limits.upload_lifetime),
        receipt_id=None,
    )
    portal.uploads.create(upload.upload_id)
    try:
        portal.store.add_upload(upload)
    except BaseException:
        portal.uploads.discard(upload.upload_id)
        raise
    return Response(
        status_code=status.HTTP_201_CREATED,
        headers={
            "Location": str(request.url_for("tus_upload", upload_id=upload.upload_id)),
            "Upload-Expires": _http_expiry(upload.expires_at),
        },
    )


@tus_request.head("/{upload_id}", name="tus_upload")
def upload_status(upload_id: str, station: AuthenticatedStation, portal: PortalDependency) -> Response:
    upload = _owned_live_upload(portal, upload_id, station.station_id)
    headers = {
        "Upload-Offset": str(upload.received),
        "Upload-Length": str(upload.length),
        "Cache-Control": "no-store",
    }
    if not upload.complete:
        headers["Upload-Expires"] = _http_expiry(upload.expires_at)
    return Response(status_code=status.HTTP_200_OK, headers=headers)


@tus_request.patch("/{upload_id}", status_code=status.HTTP_204_NO_CONTENT)
async def append_chunk(
    upload_id: str,
    request: Request,
    station: AuthenticatedStation,
    portal: PortalDependency,
    content_type: Annotated[str | None, Header()] = None,
    upload_offset: Annotated[str | None, Header()] = None,
    upload_checksum: Annotated[str | None, Header()] = None,
    content_length: Annotated[str | None, Header()] = None,
) -> Response:
    if (content_type or "").split(";")[0].strip().lower() != OFFSET_STREAM:
        raise HTTPException(status.HTTP_415_UNSUPPORTED_MEDIA_TYPE, detail=f"PATCH bodies are {OFFSET_STREAM}")
    offset = _non_negative_int(upload_offset, "Upload-Offset")
    algorithm, expected_digest = _parse_checksum(upload_checksum)
    if not portal.locks.try_acquire(upload_id):
        raise HTTPException(HTTP_LOCKED, detail="another request is writing to this upload; retry shortly")
    try:
        upload = await run_in_threadpool(_owned_live_upload, portal, upload_id, station.station_id)
        if offset != upload.received:
            raise HTTPException(
                status.HTTP_409_CONFLICT,
                detail=f"Upload-Offset {offset} does not match the upload's offset {upload.received}",
            )
        remaining = upload.length - upload.received
        if content_length is not None and _non_negative_int(content_length, "Content-Length") > remaining:
            raise HTTPException(HTTP_CONTENT_TOO_LARGE, detail=f"only {remaining} bytes remain in this upload")
        if upload.complete:
            new_offset = upload.length  # a repeated final PATCH: nothing to write
        else:
            try:
                new_offset = await _receive_body(request, portal, upload, algorithm, expected_digest)
            except ClientDisconnect:
                # Nobody is left to read this answer; what arrived was kept or dropped above.
                return Response(status_code=status.HTTP_400_BAD_REQUEST)
        if new_offset == upload.length and upload.receipt_id is None:
            await run_in_threadpool(_complete, portal, upload, station)
    finally:
        portal.locks.release(upload_id)
    headers = {"Upload-Offset": str(new_offset)}
    if new_offset < upload.length:
        headers["Upload-Expires"] = _http_expiry(iso_timestamp(portal.clock() + portal.limits.upload_lifetime))
    return Response(status_code=status.HTTP_204_NO_CONTENT, headers=headers)


@tus_request.delete("/{upload_id}", status_code=status.HTTP_204_NO_CONTENT)
def terminate_upload(upload_id: str, station: AuthenticatedStation, portal: PortalDependency) -> Response:
    if portal.store.upload(upload_id, station.station_id) is None:
        raise _not_found()
    if not portal.locks.try_acquire(upload_id):
        raise HTTPException(HTTP_LOCKED, detail="a chunk is being written to this upload; retry shortly")
    try:
        portal.store.delete_upload(upload_id)
        portal.uploads.discard(upload_id)
    finally:
        portal.locks.release(upload_id)
    return Response(status_code=status.HTTP_204_NO_CONTENT)


class TusResumableHeader:
    """ASGI middleware: every response under /files carries Tus-Resumable, errors included."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or not scope["path"].startswith(PREFIX):
            await self.app(scope, receive, send)
            return

        async def send_with_header(message: Message) -> None:
            if message["type"] == "http.response.start":
                message["headers"] = [*message.get("headers", []), (b"tus-resumable", TUS_VERSION.encode())]
            await send(message)

        await self.app(scope, receive, send_with_header)


# --- the body of a PATCH --------------------------------------------------------------------------


async def _receive_body(
    request: Request, portal: Portal, upload: Upload, algorithm: str | None, expected_digest: bytes | None
) -> int:
    """Append the body at the upload's offset; return the new, durable offset."""
    remaining = upload.length - upload.received
    checksum = hashlib.new(algorithm) if algorithm else None
    writer = await run_in_threadpool(portal.uploads.append_at, upload.upload_id, upload.received, checksum)
    try:
        async for data in request.stream():
            if writer.written + len(data) > remaining:
                raise HTTPException(HTTP_CONTENT_TOO_LARGE, detail=f"only {remaining} bytes remain in this upload")
            if data:
                await run_in_threadpool(writer.write, data)
    except ClientDisconnect:
        # tus asks servers to keep what arrived; with a checksum, a partial body cannot be trusted.
        if checksum is not None:
            await run_in_threadpool(writer.roll_back)
            raise
        await run_in_threadpool(_commit, portal, upload, writer)
        raise
    except BaseException:
        await run_in_threadpool(writer.roll_back)
        raise
    if checksum is not None and checksum.digest() != expected_digest:
        await run_in_threadpool(writer.roll_back)
        raise HTTPException(
            HTTP_CHECKSUM_MISMATCH, detail=f"the chunk does not match its Upload-Checksum ({algorithm}); resend it"
        )
    return await run_in_threadpool(_commit, portal, upload, writer)


def _commit(portal: Portal, upload: Upload, writer: ChunkWriter) -> int:
    new_offset = writer.commit()
    expires_at = iso_timestamp(portal.clock() + portal.limits.upload_lifetime)
    portal.store.record_received(upload.upload_id, new_offset, expires_at)
    return new_offset


def _complete(portal: Portal, upload: Upload, station: Station) -> None:
    finished = portal.store.upload(upload.upload_id, station.station_id)
    assert finished is not None
    try:
        portal.intake.complete(finished, station)
    except DeclaredDigestMismatch as error:
        portal.store.delete_upload(upload.upload_id)
        portal.uploads.discard(upload.upload_id)
        raise HTTPException(HTTP_UNPROCESSABLE, detail=f"{error}; the upload was discarded, start it again") from error


# --- helpers --------------------------------------------------------------------------------------


def _owned_live_upload(portal: Portal, upload_id: str, station_id: str) -> Upload:
    upload = portal.store.upload(upload_id, station_id)
    if upload is None:
        raise _not_found()
    if upload.receipt_id is None and upload.expires_at <= iso_timestamp(portal.clock()):
        portal.store.delete_upload(upload_id)
        portal.uploads.discard(upload_id)
        raise HTTPException(status.HTTP_410_GONE, detail="this upload expired; start it again")
    return upload


def _purge_expired(portal: Portal, now: datetime) -> None:
    for upload_id in portal.store.expired_upload_ids(iso_timestamp(now)):
        if portal.locks.try_acquire(upload_id):
            try:
                portal.store.delete_upload(upload_id)
                portal.uploads.discard(upload_id)
            finally:
                portal.locks.release(upload_id)


def _not_found() -> HTTPException:
    return HTTPException(status.HTTP_404_NOT_FOUND, detail="no such upload")


def _non_negative_int(value: str | None, header: str) -> int:
    if value is None or not value.isdigit():
        raise HTTPException(status.HTTP_400_BAD_REQUEST, detail=f"{header} must be a non-negative integer")
    return int(value)


def _parse_checksum(value: str | None) -> tuple[str | None, bytes | None]:
    if value is None:
        return None, None
    algorithm, _, encoded = value.strip().partition(" ")
    if algorithm not in CHECKSUM_ALGORITHMS:
        raise HTTPException(
            status.HTTP_400_BAD_REQUEST,
            detail=f"Upload-Checksum algorithm {algorithm!r} is not one of {', '.join(CHECKSUM_ALGORITHMS)}",
        )
    try:
        return algorithm, base64.b64decode(encoded.strip(), validate=True)
    except binascii.Error as error:
        raise HTTPException(status.HTTP_400_BAD_REQUEST, detail="Upload-Checksum is not base64") from error


def parse_metadata(value: str) -> dict[str, str]:
    """Upload-Metadata: comma-separated `key base64(value)` pairs (the value may be absent)."""
    pairs: dict[str, str] = {}
    for part in value.split(","):
        key, _, encoded = part.strip().partition(" ")
        if not key or key in pairs:
            raise ValueError("Upload-Metadata has an empty or repeated key")
        try:
            pairs[key] = base64.b64decode(encoded.strip(), validate=True).decode("utf-8")
        except (binascii.Error, UnicodeDecodeError) as error:
            raise ValueError(f"Upload-Metadata value of {key!r} is not base64 UTF-8") from error
    return pairs


def _bundle_metadata(header: str | None) -> dict[str, str]:
    try:
        metadata = parse_metadata(header or "")
    except ValueError as error:
        raise HTTPException(status.HTTP_400_BAD_REQUEST, detail=str(error)) from error
    problems = [f"{key} is missing" for key in REQUIRED_METADATA if not metadata.get(key)]
    if not problems:
        if not re.fullmatch(UUID_PATTERN, metadata["package_id"]):
            problems.append("package_id is not a lower-case UUID")
        if not re.fullmatch(r"[1-9][0-9]{0,8}", metadata["version"]):
            problems.append("version is not a positive integer")
        if not re.fullmatch(SHA256_PATTERN, metadata["sha256"]):
            problems.append("sha256 is not 64 lower-case hex digits")
    if problems:
        raise HTTPException(
            status.HTTP_400_BAD_REQUEST,
            detail=f"Upload-Metadata needs {', '.join(REQUIRED_METADATA)}: " + "; ".join(problems),
        )
    return metadata


def _http_expiry(expires_at: str) -> str:
    return http_date(datetime.fromisoformat(expires_at))
