"""The portal's app factory: `create_app(data_dir)` builds everything from the data folder."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.openapi.utils import get_openapi
from fastapi.responses import JSONResponse

from portal import api, bench_sink, tus
from portal.api import ErrorResponse
from portal.clock import Clock, utc_now
from portal.config import PortalLimits, PortalPaths, PortalSettings
from portal.context import Portal
from portal.intake import BundleIntake
from portal.keys import load_or_create_portal_key
from portal.storage import open_bundle_storage
from portal.store import open_portal_store
from portal.uploads import UploadArea, UploadLocks
from workstation.signing import public_key_b64


def build_portal(data_dir: Path, limits: PortalLimits | None = None, clock: Clock = utc_now) -> Portal:
    """Open the data folder (creating it, the database and the key on first start) and the database and
    bundle storage its settings (`portal.toml`, `PORTAL_*` variables) choose."""
    paths = PortalPaths(Path(data_dir))
    paths.create()
    settings = PortalSettings.load(paths.data_dir)
    key = load_or_create_portal_key(paths.key)
    bundles = open_bundle_storage(settings, paths)
    store = open_portal_store(paths.database, settings.database_url)
    uploads = UploadArea(paths.uploads)
    return Portal(
        paths=paths,
        limits=limits or settings.limits,
        store=store,
        key=key,
        public_key=public_key_b64(key),
        clock=clock,
        uploads=uploads,
        locks=UploadLocks(),
        intake=BundleIntake(store, uploads, bundles, key, clock, paths.incoming),
        bundles=bundles,
        settings=settings,
    )


def create_app(data_dir: Path, limits: PortalLimits | None = None, clock: Clock = utc_now) -> FastAPI:
    portal = build_portal(data_dir, limits, clock)

    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        portal.intake.recover()
        tus.purge_expired_uploads(portal, portal.clock())
        tus.discard_orphan_upload_files(portal)
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
    bench_sink.mount_if_enabled(app)  # only with PORTAL_BENCH_SINK=1, for the upload benchmark
    app.add_middleware(tus.TusResumableHeader)
    app.add_exception_handler(RequestValidationError, _readable_validation_error)
    app.openapi = lambda: _openapi_with_readable_errors(app)  # type: ignore[method-assign]
    return app


def _openapi_with_readable_errors(app: FastAPI) -> dict[str, Any]:
    """FastAPI's document, with every 422 described as what `_readable_validation_error` sends."""
    if app.openapi_schema is None:
        document = get_openapi(
            title=app.title,
            version=app.version,
            openapi_version=app.openapi_version,
            summary=app.summary,
            description=app.description,
            routes=app.routes,
        )
        schemas = document.setdefault("components", {}).setdefault("schemas", {})
        schemas.setdefault("ErrorResponse", ErrorResponse.model_json_schema())
        readable = {"application/json": {"schema": {"$ref": "#/components/schemas/ErrorResponse"}}}
        for operations in document.get("paths", {}).values():
            for operation in operations.values():
                invalid = operation.get("responses", {}).get("422")
                if invalid is not None:
                    invalid["content"] = readable
        for unused in ("HTTPValidationError", "ValidationError"):
            schemas.pop(unused, None)
        app.openapi_schema = document
    return app.openapi_schema


async def _readable_validation_error(_request: Request, error: Exception) -> JSONResponse:
    """422 with `detail` as one sentence, like every other error of this API."""
    assert isinstance(error, RequestValidationError)
    return JSONResponse(status_code=422, content={"detail": "; ".join(map(_problem_text, error.errors()))})


def _problem_text(problem: dict[str, Any]) -> str:
    if problem.get("type") == "json_invalid":
        return "the request body is not valid JSON"
    where = ".".join(str(part) for part in problem["loc"] if part != "body") or "the request body"
    return f"{where}: {problem['msg']}"
