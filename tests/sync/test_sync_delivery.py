"""Draining the outbox: resumable upload, receipts checked against the enrolled portal key."""

from __future__ import annotations

import json

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from tests.support.stations import make_station
from workstation.model import DeliveryState
from workstation.signing import public_key_b64, verify_signed_payload
from workstation.sync.service import PORTAL_PUBLIC_KEY, Outcome


def _uploads_of(portal, station) -> int:
    [(count,)] = portal.sql("SELECT count(*) FROM uploads WHERE station_id = ?", (station.station_id,))
    return count


def test_a_queued_bundle_is_delivered_and_its_signed_receipt_kept(portal, station):
    entry = station.seal()
    reports: list[tuple[int, int]] = []

    result = station.service().sync(progress=lambda sent, total: reports.append((sent, total)))

    assert [(o.package_id, o.version, o.state, o.reasons, o.error) for o in result.bundles] == [
        (entry.package_id, 1, Outcome.ACCEPTED, (), "")
    ]
    assert result.all_accepted and result.changes.outbox
    saved = station.outbox.get(entry.package_id, 1)
    assert (saved.state, saved.last_error, saved.attempts, saved.acknowledged_offset) == ("accepted", "", 1, entry.size)
    payload = verify_signed_payload(json.loads(saved.receipt), station.store.get_setting(PORTAL_PUBLIC_KEY))
    assert payload is not None and payload["sha256"] == entry.sha256
    assert reports[0] == (0, entry.size) and reports[-1] == (entry.size, entry.size)
    assert [sent for sent, _ in reports] == sorted(sent for sent, _ in reports)
    assert station.outbox.pending() == []


def test_a_rejected_bundle_is_recorded_with_the_portals_reasons(portal, station):
    good = station.seal()
    forged = station.tamper(station.seal())

    result = station.service().sync()

    outcomes = {o.package_id: o for o in result.bundles}
    assert outcomes[good.package_id].state is Outcome.ACCEPTED
    assert outcomes[forged.package_id].state is Outcome.REJECTED
    assert (
        "data/package.json does not match its sha256 in the manifest (altered?)" in outcomes[forged.package_id].reasons
    )
    assert not result.all_accepted
    assert result.summary() == "2 bundles: 1 accepted, 1 rejected."
    assert station.outbox.get(forged.package_id, 1).state == DeliveryState.REJECTED
    assert station.outbox.pending() == []


def test_a_cut_upload_resumes_from_the_acknowledged_offset(portal, station):
    entry = station.seal()
    chunk = 2048

    def cut_after_three_chunks() -> bool:
        saved = station.outbox.get(entry.package_id, 1)
        return saved.acknowledged_offset >= 3 * chunk

    first = station.service(chunk_size=chunk).sync(cancelled=cut_after_three_chunks)

    assert [o.state for o in first.bundles] == [Outcome.CANCELLED]
    interrupted = station.outbox.get(entry.package_id, 1)
    assert interrupted.state == DeliveryState.UPLOADING  # n % done, resumes from there
    assert interrupted.acknowledged_offset == 3 * chunk
    with station.client(portal.url) as client:
        assert client.upload_offset(interrupted.upload_url) == 3 * chunk

    # A new process: its own store connection, identity and client.
    restarted = make_station(station.folder)
    reports: list[int] = []
    second = restarted.service(chunk_size=chunk).sync(progress=lambda sent, _total: reports.append(sent))

    assert [o.state for o in second.bundles] == [Outcome.ACCEPTED]
    assert reports[0] == 3 * chunk  # nothing before the acknowledged offset was sent again
    assert restarted.outbox.get(entry.package_id, 1).upload_url == interrupted.upload_url
    assert _uploads_of(portal, station) == 1
    restarted.store.close()


def test_a_receipt_not_signed_by_the_enrolled_portal_key_is_not_trusted(portal, station):
    entry = station.seal()
    genuine_key = station.store.get_setting(PORTAL_PUBLIC_KEY)
    station.store.set_setting(PORTAL_PUBLIC_KEY, public_key_b64(Ed25519PrivateKey.generate()))

    result = station.service().sync()

    [outcome] = result.bundles
    assert outcome.state is Outcome.FAILED
    assert "not signed by the portal key recorded at enrolment" in outcome.error
    saved = station.outbox.get(entry.package_id, 1)
    assert (saved.state, saved.receipt) == (DeliveryState.VERIFYING, None)  # every byte sent, no trusted verdict
    assert "not signed by the portal key recorded at enrolment" in result.feed.untrusted
    assert station.service().feed_problem() == result.feed.untrusted
    assert "not trusted" in saved.last_error

    # With the genuine key the receipt is fetched, and trusted, without uploading again.
    station.store.set_setting(PORTAL_PUBLIC_KEY, genuine_key)
    assert [o.state for o in station.service().sync().bundles] == [Outcome.ACCEPTED]
    assert station.outbox.get(entry.package_id, 1).last_error == ""
    assert _uploads_of(portal, station) == 1


def test_a_missing_bundle_file_fails_that_bundle_and_the_others_go_on(portal, station):
    lost = station.seal()
    kept = station.seal()
    station.bundle_path(lost).unlink()

    result = station.service().sync()

    outcomes = {o.package_id: o for o in result.bundles}
    assert outcomes[lost.package_id].state is Outcome.FAILED
    assert "cannot be read" in outcomes[lost.package_id].error
    assert outcomes[kept.package_id].state is Outcome.ACCEPTED
    assert [e.package_id for e in station.outbox.pending()] == [lost.package_id]


def test_nothing_queued_means_nothing_to_do(portal, station):
    result = station.service().sync()
    assert result.bundles == [] and result.all_accepted and not result.changes.outbox
    assert result.summary() == "Nothing to send."
