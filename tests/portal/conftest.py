"""The real portal in a subprocess, and real stations to talk to it, on SQLite or PostgreSQL."""

from __future__ import annotations

import contextlib
import sqlite3
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.support.portal_process import PortalProcess, enrol_code, running_portal
from tests.support.postgres import postgres_server, postgres_url  # noqa: F401  (fixtures)
from tests.support.stations import Station

BACKENDS = ["sqlite", "postgresql"]


@pytest.fixture
def enrolled_station(portal: PortalProcess, new_station: Callable[[str], Station]) -> Callable[[str], Station]:
    def make(name: str = "station") -> Station:
        station = new_station(name)
        station.enrol(portal.url, enrol_code(portal.data_dir))
        return station

    return make


@dataclass(frozen=True)
class BackendPortal:
    """A running portal and white-box access to its database, whichever database that is."""

    process: PortalProcess
    database_url: str | None

    @property
    def url(self) -> str:
        return self.process.url

    @property
    def data_dir(self) -> Path:
        return self.process.data_dir

    @property
    def backend(self) -> str:
        return "postgresql" if self.database_url else "sqlite"

    def sql(self, statement: str, parameters: tuple[object, ...] = ()) -> list[tuple[object, ...]]:
        return run_sql(self.data_dir, self.database_url, statement, parameters)


def run_sql(
    data_dir: Path, database_url: str | None, statement: str, parameters: tuple[object, ...] = ()
) -> list[tuple[object, ...]]:
    """One committed statement with `?` placeholders on the portal's SQLite file or PostgreSQL database."""
    if database_url is None:
        with contextlib.closing(sqlite3.connect(data_dir / "portal.db")) as db, db:
            return db.execute(statement, parameters).fetchall()
    import psycopg

    with psycopg.connect(database_url, autocommit=True) as connection:
        cursor = connection.execute(statement.replace("?", "%s"), parameters)
        return cursor.fetchall() if cursor.description else []


def configure_data_dir(data_dir: Path, database_url: str | None) -> Path:
    """A data folder whose portal.toml points at `database_url` (SQLite in the folder when None)."""
    data_dir.mkdir(parents=True, exist_ok=True)
    if database_url is not None:
        (data_dir / "portal.toml").write_text(f'[database]\nurl = "{database_url}"\n', "utf-8")
    return data_dir


@pytest.fixture(scope="module", params=BACKENDS)
def any_portal(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[BackendPortal]:
    """One real portal process per test module and database; each test enrols its own stations."""
    database_url = request.getfixturevalue("postgres_server").create_database() if request.param != "sqlite" else None
    data_dir = configure_data_dir(tmp_path_factory.mktemp(f"portal-{request.param}") / "data", database_url)
    with running_portal(data_dir) as process:
        yield BackendPortal(process, database_url)


@pytest.fixture(params=BACKENDS)
def database_url(request: pytest.FixtureRequest) -> str | None:
    """None for SQLite, or a fresh PostgreSQL database's URL."""
    return request.getfixturevalue("postgres_url") if request.param != "sqlite" else None


@pytest.fixture
def enrol(new_station: Callable[[str], Station]) -> Callable[..., Station]:
    """`enrol(portal, name)`: a new real station, enrolled with that portal."""

    def make(portal: BackendPortal | PortalProcess, name: str = "station") -> Station:
        station = new_station(name)
        station.enrol(portal.url, enrol_code(portal.data_dir))
        return station

    return make
