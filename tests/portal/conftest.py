"""The real portal in a subprocess, and real stations to talk to it."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from tests.support.portal_process import PortalProcess, enrol_code
from tests.support.stations import Station


@pytest.fixture
def enrolled_station(portal: PortalProcess, new_station: Callable[[str], Station]) -> Callable[[str], Station]:
    def make(name: str = "station") -> Station:
        station = new_station(name)
        station.enrol(portal.url, enrol_code(portal.data_dir))
        return station

    return make
