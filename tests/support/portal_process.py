"""Run the real portal as a subprocess on 127.0.0.1, as tests and end-to-end flows need it.

with running_portal(tmp_path / "portal") as portal:
    code = enrol_code(portal.data_dir)
    ... talk to portal.url ...
"""

from __future__ import annotations

import contextlib
import os
import re
import selectors
import sqlite3
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[2]
STARTUP_TIMEOUT_SECONDS = 30.0
STOP_TIMEOUT_SECONDS = 10.0
_LISTENING = re.compile(r"^portal listening on (?P<url>http://\S+)$")


@dataclass(frozen=True)
class PortalProcess:
    url: str
    data_dir: Path
    log_path: Path
    process: subprocess.Popen[str]

    @property
    def database(self) -> Path:
        return self.data_dir / "portal.db"

    def sql(self, statement: str, parameters: tuple[object, ...] = ()) -> list[tuple[object, ...]]:
        """Run one statement on the portal's database (committed), for white-box checks."""
        with contextlib.closing(sqlite3.connect(self.database)) as db, db:
            return db.execute(statement, parameters).fetchall()

    def log(self) -> str:
        return self.log_path.read_text("utf-8", errors="replace")


def portal_command(data_dir: Path, *arguments: str) -> list[str]:
    return [sys.executable, "-m", "portal.cli", "--data", str(data_dir), *arguments]


@contextmanager
def running_portal(data_dir: Path, port: int = 0) -> Iterator[PortalProcess]:
    """Start `workstation-portal --data DIR --port 0`, wait for its listening line, stop it after."""
    data_dir.mkdir(parents=True, exist_ok=True)
    log_path = data_dir.with_name(f"{data_dir.name}-server.log")
    with log_path.open("w") as log:
        process = subprocess.Popen(
            portal_command(data_dir, "--port", str(port), "--log-level", "warning"),
            stdout=subprocess.PIPE,
            stderr=log,
            text=True,
            cwd=REPO_ROOT,
            env={**os.environ, "PYTHONUNBUFFERED": "1"},
        )
    try:
        url = _wait_for_listening_line(process, log_path)
        yield PortalProcess(url=url, data_dir=data_dir, log_path=log_path, process=process)
    finally:
        stop(process)


def stop(process: subprocess.Popen[str]) -> None:
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(STOP_TIMEOUT_SECONDS)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
    if process.stdout is not None:
        process.stdout.close()


def enrol_code(data_dir: Path) -> str:
    """A fresh one-time enrolment code, made the way an administrator makes one."""
    completed = subprocess.run(
        portal_command(data_dir, "enrol-code"), capture_output=True, text=True, cwd=REPO_ROOT, check=True
    )
    return completed.stdout.strip()


def _wait_for_listening_line(process: subprocess.Popen[str], log_path: Path) -> str:
    assert process.stdout is not None
    deadline = time.monotonic() + STARTUP_TIMEOUT_SECONDS
    with selectors.DefaultSelector() as selector:
        selector.register(process.stdout, selectors.EVENT_READ)
        while (remaining := deadline - time.monotonic()) > 0:
            if not selector.select(remaining):
                break
            line = process.stdout.readline()
            if not line:  # the portal exited before listening
                break
            if match := _LISTENING.match(line.strip()):
                return match["url"]
    stop(process)
    raise RuntimeError(f"the portal did not start (exit {process.returncode}):\n{log_path.read_text('utf-8')}")
