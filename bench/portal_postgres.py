"""A throwaway PostgreSQL server for bench_portal.py, started as the tests start one
(tests/support/postgres.py), but durable (`fsync=on`, the default): the portal on SQLite runs
`synchronous=FULL`, so PostgreSQL must pay for its flushes too for the figures to compare."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import ExitStack, contextmanager

from tests.support import postgres as test_postgres

# The portal holds a connection per server thread; 50 stations at once must not exhaust the default 100.
MAX_CONNECTIONS = 200


@contextmanager
def durable_postgres() -> Iterator[str]:
    """Yield the URL of a fresh database on a new server on 127.0.0.1; SystemExit when not installed."""
    if test_postgres.postgres_binaries() is None:
        raise SystemExit("PostgreSQL is not installed (no initdb/pg_ctl); apt-get install postgresql")
    with ExitStack() as stack:
        try:
            server = stack.enter_context(test_postgres.running_postgres(durable=True, max_connections=MAX_CONNECTIONS))
        except RuntimeError as error:  # only the start: the benchmark's own errors pass through the yield
            raise SystemExit(str(error)) from error
        yield server.create_database()
