"""The portal's JSON API: enrolment, the portal's public key, receipts and the feed."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, HTTPException, Query, status
from pydantic import BaseModel, Field, field_validator

from portal.auth import AuthenticatedStation
from portal.clock import iso_timestamp
from portal.context import PortalDependency
from portal.credentials import enrolment_code_digest, new_token, token_digest
from portal.feed import DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE, read_feed
from portal.intake import UUID_TEXT
from portal.store import Station
from workstation.signing import load_public_key

UUID_PATTERN = rf"^{UUID_TEXT}$"
SHA256_PATTERN = r"^[0-9a-f]{64}$"

HTTP_UNPROCESSABLE = 422  # a number: starlette renamed the constant across versions
router = APIRouter(prefix="/api/v1")


class ErrorResponse(BaseModel):
    detail: str = Field(description="one readable sentence saying what is wrong and what to do")


class EnrolRequest(BaseModel):
    code: str = Field(min_length=1, max_length=64)
    station_id: str = Field(pattern=UUID_PATTERN)
    name: str = Field(min_length=1, max_length=200)
    public_key: str = Field(description="base64 of the station's raw 32-byte Ed25519 public key")

    @field_validator("public_key")
    @classmethod
    def _ed25519(cls, value: str) -> str:
        load_public_key(value)  # ValueError becomes a 422 naming the field
        return value


class EnrolResponse(BaseModel):
    station_id: str
    token: str = Field(description="the station's bearer token, shown once; the portal keeps only its sha256")
    portal_public_key: str = Field(description="base64 raw Ed25519 key that signs receipts and feed entries")


class PortalKeyResponse(BaseModel):
    public_key: str = Field(description="base64 raw Ed25519 key that signs receipts and feed entries")


class SignedDocument(BaseModel):
    payload: dict[str, Any]
    signature: str = Field(description="base64 Ed25519 signature, by the portal key, of the payload's canonical JSON")


class FeedEntry(BaseModel):
    cursor: int = Field(description="positive, strictly increasing in feed order")
    kind: Literal["receipt", "decision", "glossary", "memory"]
    at: str = Field(description="when the entry was added (ISO 8601 UTC)")
    document: SignedDocument


class FeedResponse(BaseModel):
    entries: list[FeedEntry]
    next_cursor: int = Field(description="the last entry's cursor, or `after` when there are none: ask with it next")
    more: bool = Field(description="true when more entries follow this page")


UNAUTHORISED_TEXT = "no bearer token, an unknown one, or the token of a revoked station"
_UNAUTHORISED = {status.HTTP_401_UNAUTHORIZED: {"model": ErrorResponse, "description": UNAUTHORISED_TEXT}}
_INVALID = {HTTP_UNPROCESSABLE: {"model": ErrorResponse, "description": "a parameter is malformed"}}


@router.post(
    "/enrol",
    status_code=status.HTTP_201_CREATED,
    response_model=EnrolResponse,
    summary="Enrol a station",
    responses={
        status.HTTP_403_FORBIDDEN: {"model": ErrorResponse, "description": "the code is unknown, used or expired"},
        **_INVALID,
    },
)
def enrol(body: EnrolRequest, portal: PortalDependency) -> EnrolResponse:
    """Exchange a one-time enrolment code for a station token, registering the station's key.

    Enrolling a station id again replaces its key and token, and lifts a revocation.
    """
    digest = enrolment_code_digest(body.code)
    now = iso_timestamp(portal.clock())
    token = new_token()
    with portal.store.transaction():
        code = portal.store.enrolment_code(digest)
        if code is None:
            raise _refused("unknown enrolment code; check it, or ask the portal's administrator for a new one")
        used = _refused("this enrolment code was already used; ask the portal's administrator for a new one")
        if code.used_at is not None:
            raise used
        if code.expires_at <= now:
            raise _refused(f"this enrolment code expired at {code.expires_at}; ask for a new one")
        if not portal.store.use_enrolment_code(digest, body.station_id, now):
            raise used  # another station enrolled with it a moment ago
        portal.store.enrol_station(Station(body.station_id, body.name, body.public_key), token_digest(token), now)
    return EnrolResponse(station_id=body.station_id, token=token, portal_public_key=portal.public_key)


@router.get("/portal-key", response_model=PortalKeyResponse, summary="The portal's public key")
def portal_key(portal: PortalDependency) -> PortalKeyResponse:
    """The base64 raw Ed25519 key that signs receipts and feed entries (no authentication)."""
    return PortalKeyResponse(public_key=portal.public_key)


@router.get(
    "/receipts/{package_id}/{version}",
    response_model=SignedDocument,
    summary="The receipt of a bundle this station sent",
    responses={
        **_UNAUTHORISED,
        status.HTTP_404_NOT_FOUND: {"model": ErrorResponse, "description": "no receipt for it from this station"},
        **_INVALID,
    },
)
def receipt(
    package_id: str,
    version: int,
    station: AuthenticatedStation,
    portal: PortalDependency,
    sha256: Annotated[str | None, Query(pattern=SHA256_PATTERN, description="that exact file's receipt")] = None,
) -> dict[str, Any]:
    """The signed receipt for a bundle this station sent: for that exact file when `sha256` is given,
    else the accepted one, else the latest."""
    stored = portal.store.receipt(station.station_id, package_id, version, sha256)
    if stored is None:
        raise HTTPException(status.HTTP_404_NOT_FOUND, detail="no receipt for this bundle from this station")
    return stored.document


@router.get(
    "/feed",
    response_model=FeedResponse,
    summary="What the portal sent back to this station",
    responses={**_UNAUTHORISED, **_INVALID},
)
def feed(
    station: AuthenticatedStation,
    portal: PortalDependency,
    after: Annotated[int, Query(ge=0, description="return entries with a cursor above this one")] = 0,
    limit: Annotated[int, Query(ge=1, le=MAX_PAGE_SIZE, description="at most this many entries")] = DEFAULT_PAGE_SIZE,
) -> FeedResponse:
    """Receipts, editors' decisions, glossary and memory updates for this station (and broadcast to all),
    oldest first. Safe to re-read from any cursor: entries never change."""
    page = read_feed(portal.store, station.station_id, after, limit)
    return FeedResponse(
        entries=[
            FeedEntry(cursor=row.cursor, kind=row.kind, at=row.created_at, document=SignedDocument(**row.document))
            for row in page.entries
        ],
        next_cursor=page.next_cursor,
        more=page.more,
    )


def _refused(detail: str) -> HTTPException:
    return HTTPException(status.HTTP_403_FORBIDDEN, detail=detail)
