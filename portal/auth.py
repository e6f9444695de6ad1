"""Station authentication: `Authorization: Bearer <token>`, checked against the stored digests.

A revoked station's token is refused on every endpoint (401, "revoked" in the detail).
"""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, HTTPException, status
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from portal.context import PortalDependency
from portal.credentials import token_digest
from portal.store import Station

# Declared as a security scheme, so the OpenAPI document shows which endpoints need the token; our own
# 401s (auto_error off) keep every refusal in the API's `{"detail": ...}` form.
_bearer = HTTPBearer(auto_error=False, description="the station token received at enrolment")


def authenticated_station(
    portal: PortalDependency,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
) -> Station:
    token = credentials.credentials.strip() if credentials is not None else ""
    if not token:
        raise _unauthorised("this endpoint needs Authorization: Bearer <station token>")
    station = portal.store.station_by_token(token_digest(token))
    if station is None:
        raise _unauthorised("the station token is unknown (replaced by a later enrolment?); enrol the station again")
    if station.revoked_at is not None:
        raise _unauthorised(
            f"this station was revoked at {station.revoked_at}; ask the portal's administrator to enrol it again"
        )
    return station


def _unauthorised(detail: str) -> HTTPException:
    return HTTPException(status.HTTP_401_UNAUTHORIZED, detail=detail, headers={"WWW-Authenticate": "Bearer"})


AuthenticatedStation = Annotated[Station, Depends(authenticated_station)]
