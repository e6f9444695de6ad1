"""When the portal is away, answers nonsense, or refuses the station: clear errors, outbox intact."""

from __future__ import annotations

from urllib.parse import urlsplit

import pytest

from tests.support.portal_process import enrol_code, running_portal, stop
from workstation.errors import PortalUnavailable, Refused
from workstation.model import DeliveryState
from workstation.sync.client import PortalClient
from workstation.sync.errors import TokenRefused
from workstation.sync.service import PORTAL_TOKEN, PORTAL_URL, Outcome


def test_a_portal_that_is_down_is_reported_and_the_outbox_left_untouched(tmp_path, new_station):
    station = new_station("a")
    with running_portal(tmp_path / "portal") as portal:
        station.enrol(portal.url, enrol_code(portal.data_dir))
        url = portal.url
    station.seal()
    station.seal()
    before = station.outbox.all()

    with pytest.raises(PortalUnavailable) as failure:
        station.service().sync()

    assert str(failure.value).startswith(f"the portal at {url} could not be reached: ")
    assert failure.value.exit_code == 3
    assert station.outbox.all() == before


def test_a_portal_dying_mid_upload_keeps_the_progress_and_a_restart_resumes_it(tmp_path, new_station):
    station = new_station("a")
    entry = station.seal()
    chunk = 2048
    with running_portal(tmp_path / "portal") as portal:
        station.enrol(portal.url, enrol_code(portal.data_dir))
        port = urlsplit(portal.url).port

        def portal_dies_after_two_chunks() -> bool:
            if station.outbox.get(entry.package_id, 1).acknowledged_offset >= 2 * chunk:
                stop(portal.process)
            return False

        with pytest.raises(PortalUnavailable, match="could not be reached"):
            station.service(chunk_size=chunk).sync(cancelled=portal_dies_after_two_chunks)

    kept = station.outbox.get(entry.package_id, 1)
    assert (kept.state, kept.acknowledged_offset, kept.attempts) == (DeliveryState.UPLOADING, 2 * chunk, 1)
    assert "could not be reached" in kept.last_error

    with running_portal(tmp_path / "portal", port=port):
        reports: list[int] = []
        result = station.service(chunk_size=chunk).sync(progress=lambda sent, _total: reports.append(sent))
    assert [o.state for o in result.bundles] == [Outcome.ACCEPTED]
    assert reports[0] == 2 * chunk  # resumed: the acknowledged bytes survived the portal's restart


def test_a_server_answering_web_pages_is_not_mistaken_for_the_portal(portal, station, garbage_server):
    station.seal()
    station.store.set_setting(PORTAL_URL, garbage_server)
    before = station.outbox.all()

    with pytest.raises(PortalUnavailable, match="answered something that is not the portal protocol") as failure:
        station.service().sync()

    assert "text/html" in str(failure.value)
    assert station.outbox.all() == before


def test_a_refused_token_asks_to_enrol_again(portal, station):
    station.seal()
    station.identity.secrets.set(PORTAL_TOKEN, "revoked-or-forged")
    before = station.outbox.all()

    with pytest.raises(TokenRefused, match="enrol the station again") as refusal:
        station.service().sync()

    assert isinstance(refusal.value, Refused) and refusal.value.exit_code == 1
    assert station.outbox.all() == before


def test_the_client_reports_an_unreachable_portal_in_one_sentence(closed_port_url):
    with PortalClient(closed_port_url) as client, pytest.raises(PortalUnavailable) as failure:
        client.portal_key()
    message = str(failure.value)
    assert message.startswith(f"the portal at {closed_port_url} could not be reached: ")
    assert "\n" not in message


def test_the_client_refuses_an_upload_location_on_another_server(portal, station, garbage_server):
    """The station's token must never follow a Location to a host other than the portal."""
    with station.client(portal.url) as client, pytest.raises(PortalUnavailable, match="another server"):
        client.upload_offset(f"{garbage_server}/files/abc")
