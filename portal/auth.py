"""Station authentication: `Authorization: Bearer <token>`, checked against the stored digests."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Header, HTTPException, status

from portal.context import Portal, get_portal
from portal.credentials import token_digest
from portal.store import Station


def authenticated_station(
    portal: Annotated[Portal, Depends(get_portal)],
    authorization: Annotated[str | None, Header()] = None,
) -> Station:
    scheme, _, token = (authorization or "").partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise _unauthorised("this endpoint needs Authorization: Bearer <station token>")
    station = portal.store.station_by_token(token_digest(token.strip()))
    if station is None:
        raise _unauthorised("the station token is unknown or revoked; enrol the station again")
    return station


def _unauthorised(detail: str) -> HTTPException:
    return HTTPException(status.HTTP_401_UNAUTHORIZED, detail=detail, headers={"WWW-Authenticate": "Bearer"})


AuthenticatedStation = Annotated[Station, Depends(authenticated_station)]
