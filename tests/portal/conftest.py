"""The real portal in a subprocess, and real stations to talk to it."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from tests.support.portal_process import PortalProcess, enrol_code, running_portal
from tests.support.stations import Station, make_station


@pytest.fixture(autouse=True)
def _secrets_in_files(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("WORKSTATION_SECRETS", "file")


@pytest.fixture(scope="module")
def portal(tmp_path_factory: pytest.TempPathFactory) -> Iterator[PortalProcess]:
    """One portal per test module; each test enrols its own stations, so tests stay independent."""
    with running_portal(tmp_path_factory.mktemp("portal") / "data") as process:
        yield process


@pytest.fixture
def new_station(tmp_path: Path) -> Iterator[Callable[[str], Station]]:
    stations: list[Station] = []

    def make(name: str = "station") -> Station:
        station = make_station(tmp_path / name)
        stations.append(station)
        return station

    yield make
    for station in stations:
        station.store.close()


@pytest.fixture
def enrolled_station(portal: PortalProcess, new_station: Callable[[str], Station]) -> Callable[[str], Station]:
    def make(name: str = "station") -> Station:
        station = new_station(name)
        station.enrol(portal.url, enrol_code(portal.data_dir))
        return station

    return make
