"""A throwaway PostgreSQL server for bench_portal.py, started as tests/support/postgres.py starts one,
but durable (`fsync=on`, the default): the portal on SQLite runs `synchronous=FULL`, so PostgreSQL
must pay for its flushes too for the figures to compare."""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from tests.support import postgres as test_postgres


@contextmanager
def durable_postgres() -> Iterator[str]:
    """Yield the URL of a fresh database on a new server on 127.0.0.1; SystemExit when not installed."""
    binaries = test_postgres.postgres_binaries()
    if binaries is None:
        raise SystemExit("PostgreSQL is not installed (no initdb/pg_ctl); apt-get install postgresql")
    as_user, owner = test_postgres._unprivileged_user()
    base = Path(tempfile.mkdtemp(prefix="bench-postgres-"))
    base.chmod(0o755)
    data_dir, log = base / "data", base / "server.log"
    if owner is not None:
        os.chown(base, owner.pw_uid, owner.pw_gid)
    port = test_postgres._free_port()
    server = test_postgres.PostgresServer(port, data_dir)
    try:
        test_postgres._run(
            [*as_user, str(binaries / "initdb"), "-D", str(data_dir), "-U", test_postgres.SUPERUSER,
             "--auth=trust", "--encoding=UTF8", "--no-locale"],
        )  # fmt: skip
        options = f"-c listen_addresses=127.0.0.1 -p {port} -c unix_socket_directories='' -c max_connections=200"
        test_postgres._run([*as_user, str(binaries / "pg_ctl"), "-D", str(data_dir), "-l", str(log), "-o", options,
                            "-w", "start"])  # fmt: skip
        try:
            yield server.create_database()
        finally:
            test_postgres._run([*as_user, str(binaries / "pg_ctl"), "-D", str(data_dir), "-m", "fast", "-w", "stop"])
    except subprocess.CalledProcessError as error:
        raise SystemExit(f"PostgreSQL did not start: {error.stderr}") from error
    finally:
        shutil.rmtree(base, ignore_errors=True)
