"""The portal's app factory: `create_app(data_dir)` builds everything from the data folder."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse

from portal import api, tus
from portal.clock import Clock, utc_now
from portal.config import PortalLimits, PortalPaths
from portal.context import Portal
from portal.intake import BundleIntake
from portal.keys import load_or_create_portal_key
from portal.store import open_portal_store
from portal.uploads import UploadArea, UploadLocks
from workstation.signing import public_key_b64


def build_portal(data_dir: Path, limits: PortalLimits | None = None, clock: Clock = utc_now) -> Portal:
    """Open the data folder (creating it, the database and the key on first start)."""
    paths = PortalPaths(Path(data_dir))
    paths.create()
    key = load_or_create_portal_key(paths.key)
    store = open_portal_store(paths.database)
    uploads = UploadArea(paths.uploads)
    return Portal(
        paths=paths,
        limits=limits or PortalLimits(),
        store=store,
        key=key,
        public_key=public_key_b64(key),
        clock=clock,
        uploads=uploads,
        locks=UploadLocks(),
        intake=BundleIntake(store, uploads, paths.bundles, key, clock),
    )


def create_app(data_dir: Path, limits: PortalLimits | None = None, clock: Clock = utc_now) -> FastAPI:
    portal = build_portal(data_dir, limits, clock)

    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        portal.intake.recover()
        yield
        portal.store.close()

    app = FastAPI(
        title="Editorial portal",
        version="1",
        summary="Receives sealed bundles from enrolled stations over tus and answers with signed receipts.",
        lifespan=lifespan,
    )
    app.state.portal = portal
    app.include_router(api.router)
    app.include_router(tus.router)
    app.include_router(tus.tus_request)
    app.add_middleware(tus.TusResumableHeader)
    app.add_exception_handler(RequestValidationError, _readable_validation_error)
    return app


async def _readable_validation_error(_request: Request, error: Exception) -> JSONResponse:
    """422 with `detail` as one sentence, like every other error of this API."""
    assert isinstance(error, RequestValidationError)
    return JSONResponse(status_code=422, content={"detail": "; ".join(map(_problem_text, error.errors()))})


def _problem_text(problem: dict[str, Any]) -> str:
    if problem.get("type") == "json_invalid":
        return "the request body is not valid JSON"
    where = ".".join(str(part) for part in problem["loc"] if part != "body") or "the request body"
    return f"{where}: {problem['msg']}"
