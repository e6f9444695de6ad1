"""The portal's JSON API: enrolment, the portal's public key, receipts."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, HTTPException, Query, status
from pydantic import BaseModel, Field, field_validator

from portal.auth import AuthenticatedStation
from portal.clock import iso_timestamp
from portal.context import Portal, get_portal
from portal.credentials import enrolment_code_digest, new_token, token_digest
from portal.store import Station
from workstation.signing import load_public_key

UUID_PATTERN = r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$"
SHA256_PATTERN = r"^[0-9a-f]{64}$"

router = APIRouter(prefix="/api/v1")
PortalDependency = Annotated[Portal, Depends(get_portal)]


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
    token: str
    portal_public_key: str


class PortalKeyResponse(BaseModel):
    public_key: str


@router.post("/enrol", status_code=status.HTTP_201_CREATED, response_model=EnrolResponse)
def enrol(body: EnrolRequest, portal: PortalDependency) -> EnrolResponse:
    """Exchange a one-time enrolment code for a station token, registering the station's key."""
    digest = enrolment_code_digest(body.code)
    now = iso_timestamp(portal.clock())
    token = new_token()
    with portal.store.transaction():
        code = portal.store.enrolment_code(digest)
        if code is None:
            raise _refused("unknown enrolment code; check it, or ask the portal's administrator for a new one")
        if code.used_at is not None:
            raise _refused("this enrolment code was already used; ask the portal's administrator for a new one")
        if code.expires_at <= now:
            raise _refused(f"this enrolment code expired at {code.expires_at}; ask for a new one")
        portal.store.use_enrolment_code(digest, body.station_id, now)
        portal.store.enrol_station(Station(body.station_id, body.name, body.public_key), token_digest(token), now)
    return EnrolResponse(station_id=body.station_id, token=token, portal_public_key=portal.public_key)


@router.get("/portal-key", response_model=PortalKeyResponse)
def portal_key(portal: PortalDependency) -> PortalKeyResponse:
    """The base64 raw Ed25519 key that signs receipts."""
    return PortalKeyResponse(public_key=portal.public_key)


@router.get("/receipts/{package_id}/{version}")
def receipt(
    package_id: str,
    version: int,
    station: AuthenticatedStation,
    portal: PortalDependency,
    sha256: Annotated[str | None, Query(pattern=SHA256_PATTERN)] = None,
) -> dict[str, Any]:
    """The signed receipt for a bundle this station sent: for that exact file when `sha256` is given."""
    stored = portal.store.receipt(station.station_id, package_id, version, sha256)
    if stored is None:
        raise HTTPException(status.HTTP_404_NOT_FOUND, detail="no receipt for this bundle from this station")
    return stored.document


def _refused(detail: str) -> HTTPException:
    return HTTPException(status.HTTP_403_FORBIDDEN, detail=detail)
