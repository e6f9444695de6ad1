"""Enrolling a station: the token goes to the secret store, the portal's URL and key to settings."""

from __future__ import annotations

import httpx
import pytest

from tests.support.portal_process import enrol_code
from workstation.errors import PortalUnavailable
from workstation.signing import fingerprint
from workstation.sync.errors import EnrolmentRefused, NotEnrolled
from workstation.sync.service import PORTAL_PUBLIC_KEY, PORTAL_TOKEN, PORTAL_URL


def _nothing_stored(station) -> bool:
    settings = (station.store.get_setting(PORTAL_URL), station.store.get_setting(PORTAL_PUBLIC_KEY))
    return settings == (None, None) and station.identity.secrets.get(PORTAL_TOKEN) is None


def test_enrolment_stores_the_portal_url_key_and_token(portal, new_station):
    station = new_station("a")
    service = station.service()
    assert not service.is_enrolled() and service.portal_url() is None

    result = service.enrol(portal.url + "/", enrol_code(portal.data_dir))

    portal_key = httpx.get(f"{portal.url}/api/v1/portal-key").json()["public_key"]
    assert (result.station_id, result.portal_url, result.portal_public_key) == (
        station.station_id,
        portal.url,
        portal_key,
    )
    assert result.portal_key_fingerprint == fingerprint(portal_key)
    assert result.changes.enrolment
    assert station.store.get_setting(PORTAL_URL) == portal.url
    assert station.store.get_setting(PORTAL_PUBLIC_KEY) == portal_key
    token = station.identity.secrets.get(PORTAL_TOKEN)
    assert token and token not in station.store.path.read_bytes().decode("latin-1")
    assert service.is_enrolled() and service.portal_url() == portal.url


def test_a_used_code_is_refused_and_nothing_is_stored(portal, new_station):
    code = enrol_code(portal.data_dir)
    new_station("first").enrol(portal.url, code)
    second = new_station("second")
    with pytest.raises(EnrolmentRefused, match="already used") as refused:
        second.service().enrol(portal.url, code)
    assert refused.value.exit_code == 1
    assert _nothing_stored(second)


def test_an_unreachable_portal_is_reported_and_nothing_is_stored(new_station, closed_port_url):
    station = new_station("a")
    with pytest.raises(PortalUnavailable, match=f"the portal at {closed_port_url} could not be reached") as failure:
        station.service().enrol(closed_port_url, "AAAA-BBBB-CCCC-DDDD")
    assert failure.value.exit_code == 3
    assert _nothing_stored(station)


def test_a_server_that_is_not_the_portal_is_reported(new_station, garbage_server):
    station = new_station("a")
    with pytest.raises(PortalUnavailable, match="answered something that is not the portal protocol"):
        station.service().enrol(garbage_server, "AAAA-BBBB-CCCC-DDDD")
    assert _nothing_stored(station)


def test_sync_before_enrolment_says_how_to_enrol(new_station):
    station = new_station("a")
    station.seal()
    with pytest.raises(NotEnrolled, match="workstation enrol --portal URL --code CODE"):
        station.service().sync()
