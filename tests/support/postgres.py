"""A throwaway PostgreSQL server for tests, from Debian's binaries (`postgresql` package).

`postgres_server` (session) runs `initdb` and `pg_ctl` in a temporary folder, listening on 127.0.0.1
on a free port with trust authentication, and stops it at the end; `postgres_url` gives each test a
fresh, empty database. Both skip the test cleanly when the binaries are absent. PostgreSQL refuses to
run as root, so as root the server runs as the `postgres` OS user (or `nobody`) on a folder it owns.

Use them from a conftest: `from tests.support.postgres import postgres_server, postgres_url  # noqa: F401`.
"""

from __future__ import annotations

import contextlib
import glob
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

SUPERUSER = "portal_test"
START_TIMEOUT_SECONDS = 60


@dataclass(frozen=True)
class PostgresServer:
    port: int
    data_dir: Path

    def url(self, database: str = "postgres") -> str:
        return f"postgresql://{SUPERUSER}@127.0.0.1:{self.port}/{database}"

    def create_database(self) -> str:
        """A new empty database; its URL."""
        import psycopg

        name = f"test_{uuid.uuid4().hex[:16]}"
        with psycopg.connect(self.url(), autocommit=True) as connection:
            connection.execute(f'CREATE DATABASE "{name}"')
        return self.url(name)


def postgres_binaries() -> Path | None:
    """The newest installed `/usr/lib/postgresql/<version>/bin` holding initdb and pg_ctl, if any."""
    candidates = sorted(
        (Path(folder) for folder in glob.glob("/usr/lib/postgresql/*/bin")),
        key=lambda folder: int(folder.parent.name) if folder.parent.name.isdigit() else 0,
    )
    for folder in reversed(candidates):
        if (folder / "initdb").is_file() and (folder / "pg_ctl").is_file():
            return folder
    found = shutil.which("initdb"), shutil.which("pg_ctl")
    return Path(found[0]).parent if all(found) else None


@contextlib.contextmanager
def running_postgres(durable: bool = False, max_connections: int | None = None) -> Iterator[PostgresServer]:
    """A new server, stopped and removed at the end; RuntimeError when it does not start.

    Tests run it without fsync; `durable` keeps PostgreSQL's default flushes, for benchmarks that
    compare it with the portal's SQLite (`synchronous=FULL`).
    """
    binaries = postgres_binaries()
    if binaries is None:
        pytest.skip("PostgreSQL is not installed (no initdb/pg_ctl); apt-get install postgresql")
    as_user, owner = _unprivileged_user()
    base = Path(tempfile.mkdtemp(prefix="portal-postgres-"))
    base.chmod(0o755)  # the server's user must reach its folder inside
    data_dir, log = base / "data", base / "server.log"
    if owner is not None:
        os.chown(base, owner.pw_uid, owner.pw_gid)
    port = _free_port()
    try:
        _run(
            [*as_user, str(binaries / "initdb"), "-D", str(data_dir), "-U", SUPERUSER, "--auth=trust",
             "--encoding=UTF8", "--no-locale", *([] if durable else ["--no-sync"])],
        )  # fmt: skip
        options = f"-c listen_addresses=127.0.0.1 -p {port} -c unix_socket_directories=''"
        if not durable:
            options += " -c fsync=off"
        if max_connections is not None:
            options += f" -c max_connections={max_connections}"
        _run([*as_user, str(binaries / "pg_ctl"), "-D", str(data_dir), "-l", str(log), "-o", options,
              "-t", str(START_TIMEOUT_SECONDS), "-w", "start"])  # fmt: skip
        try:
            yield PostgresServer(port, data_dir)
        finally:
            _run([*as_user, str(binaries / "pg_ctl"), "-D", str(data_dir), "-m", "immediate", "-w", "stop"])
    except subprocess.CalledProcessError as error:
        server_log = log.read_text("utf-8", errors="replace") if log.exists() else ""
        raise RuntimeError(f"PostgreSQL did not start: {error.stderr}\n{server_log}") from error
    finally:
        shutil.rmtree(base, ignore_errors=True)


@pytest.fixture(scope="session")
def postgres_server() -> Iterator[PostgresServer]:
    with running_postgres() as server:
        yield server


@pytest.fixture
def postgres_url(postgres_server: PostgresServer) -> str:
    """A fresh, empty database on the session's server."""
    return postgres_server.create_database()


def _unprivileged_user() -> tuple[list[str], pwd.struct_passwd | None]:
    """The command prefix that drops root, and the user it becomes (None when not root)."""
    if os.geteuid() != 0:
        return [], None
    for name in ("postgres", "nobody"):
        with contextlib.suppress(KeyError):
            user = pwd.getpwnam(name)
            return ["setpriv", f"--reuid={user.pw_uid}", f"--regid={user.pw_gid}", "--clear-groups"], user
    pytest.skip("running as root and neither a postgres nor a nobody user exists to run PostgreSQL")


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _run(command: list[str]) -> None:
    subprocess.run(command, check=True, capture_output=True, text=True, timeout=START_TIMEOUT_SECONDS, cwd="/")
