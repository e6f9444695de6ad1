"""A benchmark-only route: `PUT /bench/sink` takes a body in one plain HTTP request and discards it.

bench/bench_portal.py compares tus uploads with this, the simplest durable upload the same server
can do: stream the body to a file on the data folder's disk, fsync it once, delete it. Mounted only
when PORTAL_BENCH_SINK=1, never in a real deployment.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Mapping
from typing import BinaryIO

from fastapi import APIRouter, FastAPI, Request
from starlette.concurrency import run_in_threadpool

from portal.context import get_portal

ENABLING_VARIABLE = "PORTAL_BENCH_SINK"
SINK_PATH = "/bench/sink"

router = APIRouter(include_in_schema=False)


@router.put(SINK_PATH)
async def sink(request: Request) -> dict[str, int]:
    portal = get_portal(request)
    # Beside the uploads, so both kinds of upload write to the same disk.
    descriptor, name = tempfile.mkstemp(prefix="bench-sink-", dir=portal.paths.data_dir)
    received = 0
    try:
        with os.fdopen(descriptor, "wb") as handle:
            async for data in request.stream():
                if data:
                    await run_in_threadpool(handle.write, data)
                    received += len(data)
            await run_in_threadpool(_make_durable, handle)
    finally:
        os.unlink(name)
    return {"received": received}


def _make_durable(handle: BinaryIO) -> None:
    handle.flush()
    os.fsync(handle.fileno())


def mount_if_enabled(app: FastAPI, environ: Mapping[str, str] = os.environ) -> bool:
    """Add the sink route when PORTAL_BENCH_SINK=1 (once); return whether the app has it."""
    if environ.get(ENABLING_VARIABLE) != "1":
        return False
    if not any(getattr(route, "path", None) == SINK_PATH for route in app.routes):
        app.include_router(router)
    return True
