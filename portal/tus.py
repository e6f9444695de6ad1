"""tus 1.0.0 resumable uploads at `/files/` (extensions: creation, checksum, termination, expiration).

An upload belongs to the station that created it; to any other station it does not exist (404).
A chunk is acknowledged (204 + Upload-Offset) only after it is fsynced and recorded, so a client
resuming from the offset the portal last acknowledged never loses or duplicates a byte. A refused
request (every 4xx) changes nothing: no byte appended, no row written.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import re
from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Depends, Header, HTTPException, Request, Response, status
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import Headers
from starlette.requests import ClientDisconnect
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from portal.api import HTTP_UNPROCESSABLE, SHA256_PATTERN, UNAUTHORISED_TEXT, UUID_PATTERN, ErrorResponse
from portal.auth import AuthenticatedStation
from portal.clock import http_date, iso_timestamp
from portal.context import Portal, PortalDependency
from portal.intake import VERSION_TEXT, DeclaredBundle, DeclaredDigestMismatch
from portal.store import Station, Upload
from portal.uploads import ChunkWriter, is_upload_id, new_upload_id

TUS_VERSION = "1.0.0"
TUS_EXTENSIONS = "creation,checksum,termination,expiration"
CHECKSUM_ALGORITHMS = ("sha256", "sha1")
_DIGEST_SIZES = {"sha256": 32, "sha1": 20}
REQUIRED_METADATA = ("filename", "package_id", "version", "sha256")
OFFSET_STREAM = "application/offset+octet-stream"
PREFIX = "/files"
# Our metadata is four short values; anything much bigger is abuse, refused before the database.
MAX_METADATA_LENGTH = 4096
# tus: a metadata key is non-empty, without spaces or commas; we also keep keys short, printable ASCII.
_METADATA_KEY = re.compile(r"[\x21-\x2b\x2d-\x7e]{1,64}")
# 19 digits hold any 64-bit size, and keep int() far from its 4300-digit limit; only ASCII digits
# count (str.isdigit would let "²" through to a crash).
_DECIMAL = re.compile(r"[0-9]{1,19}")
# What a client may name in X-HTTP-Method-Override (tus core), for proxies that pass only GET/POST.
_OVERRIDABLE_METHODS = frozenset({"HEAD", "PATCH", "DELETE", "OPTIONS", "POST"})

# Numbers rather than starlette's names, which were renamed across versions (422 is portal.api's).
HTTP_CONTENT_TOO_LARGE = 413
HTTP_LOCKED = 423
HTTP_CHECKSUM_MISMATCH = 460  # tus checksum extension


def _errors(**described: str) -> dict[int | str, dict[str, object]]:
    """OpenAPI `responses` for the tus routes: each status with our `{"detail": ...}` body."""
    return {
        int(code.removeprefix("status_")): {"model": ErrorResponse, "description": text}
        for code, text in described.items()
    }


_VERSION = "Tus-Resumable is missing or not 1.0.0 (the answer names Tus-Version)"


def require_tus_version(tus_resumable: Annotated[str | None, Header()] = None) -> None:
    if tus_resumable != TUS_VERSION:
        raise HTTPException(
            status.HTTP_412_PRECONDITION_FAILED,
            detail=f"this server speaks tus {TUS_VERSION}; send Tus-Resumable: {TUS_VERSION}",
            headers={"Tus-Version": TUS_VERSION},
        )


router = APIRouter(prefix=PREFIX)
tus_request = APIRouter(prefix=PREFIX, dependencies=[Depends(require_tus_version)])


@router.options(
    "/",
    status_code=status.HTTP_204_NO_CONTENT,
    summary="What this tus server supports (Tus-Version, -Extension, -Max-Size)",
)
@router.options("/{upload_id}", status_code=status.HTTP_204_NO_CONTENT, summary="The same, asked of an upload's URL")
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


@tus_request.post(
    "/",
    status_code=status.HTTP_201_CREATED,
    summary="Create an upload (tus creation): the bundle's length and metadata; Location names it",
    responses=_errors(
        status_400="Upload-Length or Upload-Metadata missing or malformed",
        status_401=UNAUTHORISED_TEXT,
        status_412=_VERSION,
        status_413="longer than Tus-Max-Size, or over the station's quota",
    ),
)
def create_upload(
    request: Request,
    station: AuthenticatedStation,
    portal: PortalDependency,
    upload_length: Annotated[str | None, Header()] = None,
    upload_defer_length: Annotated[str | None, Header()] = None,
    upload_metadata: Annotated[str | None, Header()] = None,
) -> Response:
    if upload_length is None and upload_defer_length is not None:
        raise HTTPException(
            status.HTTP_400_BAD_REQUEST, detail="Upload-Defer-Length is not supported; send Upload-Length"
        )
    length = _non_negative_int(upload_length, "Upload-Length")
    if length == 0:
        raise HTTPException(status.HTTP_400_BAD_REQUEST, detail="Upload-Length is 0: an empty file is not a bundle")
    if length > portal.limits.max_upload_size:
        raise HTTPException(
            HTTP_CONTENT_TOO_LARGE,
            detail=f"Upload-Length {length} is more than the {portal.limits.max_upload_size} bytes this portal accepts",
        )
    metadata = _bundle_metadata(upload_metadata)
    now = portal.clock()
    purge_expired_uploads(portal, now)
    upload = Upload(
        upload_id=new_upload_id(),
        station_id=station.station_id,
        length=length,
        received=0,
        metadata=metadata,
        created_at=iso_timestamp(now),
        expires_at=iso_timestamp(now + portal.limits.upload_lifetime),
        receipt_id=None,
    )
    _check_quota(portal, station, upload)  # refused before anything is created
    portal.uploads.create(upload.upload_id)
    try:
        with portal.store.transaction():
            # Again under a lock on the station's usage (SQLite's one writer; a lock on PostgreSQL):
            # a twin creation may have won.
            portal.store.lock_station_usage(station.station_id)
            _check_quota(portal, station, upload)
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


@tus_request.head(
    "/{upload_id}",
    name="tus_upload",
    summary="The upload's acknowledged offset (Upload-Offset), to resume from",
    responses=_errors(
        status_401=UNAUTHORISED_TEXT,
        status_404="no such upload of this station",
        status_410="the upload expired",
        status_412=_VERSION,
    ),
)
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


@tus_request.patch(
    "/{upload_id}",
    status_code=status.HTTP_204_NO_CONTENT,
    summary="Append a chunk at Upload-Offset (with Upload-Checksum); the last one returns the receipt's bundle",
    responses=_errors(
        status_400="a header is malformed",
        status_401=UNAUTHORISED_TEXT,
        status_404="no such upload of this station",
        status_409="Upload-Offset is not the upload's offset",
        status_410="the upload expired, or its station was revoked while it ran",
        status_412=_VERSION,
        status_413="the chunk goes past the upload's length",
        status_415="the body is not application/offset+octet-stream",
        status_422="the whole upload does not match the sha256 it declared",
        status_423="another request is writing to this upload",
        status_460="the chunk does not match its Upload-Checksum",
    ),
)
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
    if not is_upload_id(upload_id):
        raise _not_found()
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
            raise HTTPException(HTTP_CONTENT_TOO_LARGE, detail=_past_the_end(upload))
        expires_at = upload.expires_at
        if upload.complete:
            new_offset = upload.length  # a repeated final PATCH: nothing to write
        else:
            try:
                new_offset, expires_at = await _receive_body(request, portal, upload, algorithm, expected_digest)
            except ClientDisconnect:
                # Nobody is left to read this answer; what arrived was kept or dropped above.
                return Response(status_code=status.HTTP_400_BAD_REQUEST)
        if new_offset == upload.length and upload.receipt_id is None:
            await run_in_threadpool(_complete, portal, upload, station)
    finally:
        portal.locks.release(upload_id)
    headers = {"Upload-Offset": str(new_offset)}
    if new_offset < upload.length:
        headers["Upload-Expires"] = _http_expiry(expires_at)
    return Response(status_code=status.HTTP_204_NO_CONTENT, headers=headers)


@tus_request.delete(
    "/{upload_id}",
    status_code=status.HTTP_204_NO_CONTENT,
    summary="Terminate an upload (tus termination): its bytes are freed",
    responses=_errors(
        status_401=UNAUTHORISED_TEXT,
        status_404="no such upload of this station",
        status_412=_VERSION,
        status_423="a chunk is being written to this upload",
    ),
)
def terminate_upload(upload_id: str, station: AuthenticatedStation, portal: PortalDependency) -> Response:
    if not is_upload_id(upload_id) or portal.store.upload(upload_id, station.station_id) is None:
        raise _not_found()
    if not portal.locks.try_acquire(upload_id):
        raise HTTPException(HTTP_LOCKED, detail="a chunk is being written to this upload; retry shortly")
    try:
        portal.discard_upload(upload_id)
    finally:
        portal.locks.release(upload_id)
    return Response(status_code=status.HTTP_204_NO_CONTENT)


def purge_expired_uploads(portal: Portal, now: datetime) -> int:
    """Forget unfinished uploads whose lifetime ended, rows and bytes; return how many went.

    Runs before each creation; also fit for start-up. An upload being written to right now is
    left for the next purge.
    """
    purged = 0
    for upload_id in portal.store.expired_upload_ids(iso_timestamp(now)):
        if portal.locks.try_acquire(upload_id):
            try:
                portal.discard_upload(upload_id)
                purged += 1
            finally:
                portal.locks.release(upload_id)
    return purged


def discard_orphan_upload_files(portal: Portal) -> int:
    """At start-up, before any request: remove upload files no database row names (the portal stopped
    between creating an upload's file and committing its row); return how many went."""
    known = portal.store.upload_ids()
    orphans = [upload_id for upload_id in portal.uploads.ids_on_disk() if upload_id not in known]
    for upload_id in orphans:
        portal.uploads.discard(upload_id)
    return len(orphans)


class TusResumableHeader:
    """ASGI middleware for everything under /files: every response carries Tus-Resumable, errors
    included, and X-HTTP-Method-Override stands for the request's method (tus core)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or not scope["path"].startswith(PREFIX):
            await self.app(scope, receive, send)
            return
        override = Headers(scope=scope).get("x-http-method-override", "").strip().upper()
        if override in _OVERRIDABLE_METHODS:
            scope = {**scope, "method": override}

        async def send_with_header(message: Message) -> None:
            if message["type"] == "http.response.start":
                message["headers"] = [*message.get("headers", []), (b"tus-resumable", TUS_VERSION.encode())]
            await send(message)

        await self.app(scope, receive, send_with_header)


# --- the body of a PATCH --------------------------------------------------------------------------


async def _receive_body(
    request: Request, portal: Portal, upload: Upload, algorithm: str | None, expected_digest: bytes | None
) -> tuple[int, str]:
    """Append the body at the upload's offset; return the new, durable offset and the new expiry."""
    remaining = upload.length - upload.received
    checksum = hashlib.new(algorithm) if algorithm else None
    writer = await run_in_threadpool(portal.uploads.append_at, upload.upload_id, upload.received, checksum)
    try:
        async for data in request.stream():
            if writer.written + len(data) > remaining:
                raise HTTPException(HTTP_CONTENT_TOO_LARGE, detail=_past_the_end(upload))
            if data:  # written at once: what arrived is on disk should the connection drop next
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


def _commit(portal: Portal, upload: Upload, writer: ChunkWriter) -> tuple[int, str]:
    new_offset = writer.commit()
    expires_at = iso_timestamp(portal.clock() + portal.limits.upload_lifetime)
    portal.store.record_received(upload.upload_id, new_offset, expires_at)
    return new_offset, expires_at


def _complete(portal: Portal, upload: Upload, station: Station) -> None:
    finished = portal.store.upload(upload.upload_id, station.station_id)
    if finished is None:
        # The station was revoked (and its unfinished uploads dropped) while this chunk arrived.
        raise HTTPException(status.HTTP_410_GONE, detail="this upload was discarded: the station was revoked")
    try:
        portal.intake.complete(finished, station)
    except DeclaredDigestMismatch as error:
        raise HTTPException(HTTP_UNPROCESSABLE, detail=f"{error}; the upload was discarded, start it again") from error


# --- helpers --------------------------------------------------------------------------------------


def _owned_live_upload(portal: Portal, upload_id: str, station_id: str) -> Upload:
    upload = portal.store.upload(upload_id, station_id) if is_upload_id(upload_id) else None
    if upload is None:
        raise _not_found()
    if upload.receipt_id is None and upload.expires_at <= iso_timestamp(portal.clock()):
        portal.discard_upload(upload_id)
        raise HTTPException(status.HTTP_410_GONE, detail="this upload expired; start it again")
    return upload


def _check_quota(portal: Portal, station: Station, upload: Upload) -> None:
    declared = DeclaredBundle.of(upload)
    if portal.store.receipt(station.station_id, declared.package_id, declared.version, declared.sha256):
        return  # a bundle already delivered is answered with its receipt, whatever the quota
    used = portal.store.station_usage(station.station_id)
    quota = portal.limits.station_quota
    if used + upload.length > quota:
        raise HTTPException(
            HTTP_CONTENT_TOO_LARGE,
            detail=f"an upload of {upload.length} bytes would take station {station.station_id} past its quota: "
            f"it holds {used} of its {quota} bytes (accepted bundles and unfinished uploads)",
        )


def _not_found() -> HTTPException:
    return HTTPException(status.HTTP_404_NOT_FOUND, detail="no such upload")


def _past_the_end(upload: Upload) -> str:
    remaining = upload.length - upload.received
    return f"the body goes past the declared Upload-Length {upload.length}: only {remaining} bytes remain"


def _non_negative_int(value: str | None, header: str) -> int:
    if value is None:
        raise HTTPException(status.HTTP_400_BAD_REQUEST, detail=f"{header} is missing")
    if _DECIMAL.fullmatch(value.strip()) is None:
        raise HTTPException(
            status.HTTP_400_BAD_REQUEST, detail=f"{header} must be a non-negative integer, not {value[:40]!r}"
        )
    return int(value)


def _parse_checksum(value: str | None) -> tuple[str | None, bytes | None]:
    if value is None:
        return None, None
    algorithm, _, encoded = value.strip().partition(" ")
    if algorithm not in CHECKSUM_ALGORITHMS:
        raise HTTPException(
            status.HTTP_400_BAD_REQUEST,
            detail=f"Upload-Checksum algorithm {algorithm[:40]!r} is not one of {', '.join(CHECKSUM_ALGORITHMS)}",
        )
    try:
        digest = base64.b64decode(encoded.strip(), validate=True)
    except binascii.Error as error:
        raise HTTPException(status.HTTP_400_BAD_REQUEST, detail="Upload-Checksum is not base64") from error
    if len(digest) != _DIGEST_SIZES[algorithm]:
        raise HTTPException(
            status.HTTP_400_BAD_REQUEST,
            detail=f"Upload-Checksum holds {len(digest)} bytes; a {algorithm} digest has {_DIGEST_SIZES[algorithm]}",
        )
    return algorithm, digest


def parse_metadata(value: str) -> dict[str, str]:
    """Upload-Metadata: comma-separated `key base64(value)` pairs (the value may be absent)."""
    if len(value) > MAX_METADATA_LENGTH:
        raise ValueError(f"Upload-Metadata is {len(value)} characters long; at most {MAX_METADATA_LENGTH} are accepted")
    pairs: dict[str, str] = {}
    for part in value.split(","):
        key, _, encoded = part.strip().partition(" ")
        if not _METADATA_KEY.fullmatch(key):
            raise ValueError(f"Upload-Metadata key {key[:40]!r} is empty, too long or not printable ASCII")
        if key in pairs:
            raise ValueError(f"Upload-Metadata repeats the key {key!r}")
        try:
            pairs[key] = base64.b64decode(encoded.strip(), validate=True).decode("utf-8")
        except (binascii.Error, UnicodeDecodeError) as error:
            raise ValueError(f"Upload-Metadata value of {key!r} is not base64 UTF-8") from error
    return pairs


def _bundle_metadata(header: str | None) -> dict[str, str]:
    if header is None:
        raise HTTPException(
            status.HTTP_400_BAD_REQUEST, detail=f"Upload-Metadata is missing; it needs {', '.join(REQUIRED_METADATA)}"
        )
    try:
        metadata = parse_metadata(header)
    except ValueError as error:
        raise HTTPException(status.HTTP_400_BAD_REQUEST, detail=str(error)) from error
    problems = [f"{key} is missing" for key in REQUIRED_METADATA if not metadata.get(key)]
    if not problems:
        if not re.fullmatch(UUID_PATTERN, metadata["package_id"]):
            problems.append("package_id is not a lower-case UUID")
        if not re.fullmatch(VERSION_TEXT, metadata["version"]):
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
