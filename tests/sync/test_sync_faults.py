"""Bad connections and bad servers: a fault-injecting proxy between the station and a real portal.

Whatever the link does, each bundle arrives exactly once and byte-identical (the portal stores one
bundle row and a file with the sealed sha256) and its signed receipt reaches the station. A portal
that answers malformed or wrongly signed receipts or feed entries is not trusted.
"""

from __future__ import annotations

import hashlib
import itertools
import json
import random
from collections.abc import Iterator
from urllib.parse import urlsplit

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from tests.support import stations
from tests.support.faulty_proxy import FaultyProxy
from tests.support.portal_process import PortalProcess, enrol_code, running_portal, stop
from tests.support.stations import Station
from workstation.clock import utc_now
from workstation.model import DeliveryState, OutboxEntry
from workstation.signing import sign_payload
from workstation.sync.client import PortalClient
from workstation.sync.service import SyncService
from workstation.sync.worker import Backoff, SyncPass, SyncWorker

CHUNK = 64 * 1024
PICTURE = 1024 * 1024  # about 1 MB bundles: 17 chunks, room for cuts inside them


@pytest.fixture
def proxy(portal: PortalProcess) -> Iterator[FaultyProxy]:
    with FaultyProxy(portal.url) as faulty:
        yield faulty


@pytest.fixture
def remote(proxy: FaultyProxy, portal: PortalProcess, new_station, monkeypatch: pytest.MonkeyPatch) -> Station:
    """A station enrolled with the portal through the proxy, sealing ~1 MB bundles."""
    monkeypatch.setattr(stations, "PICTURE_BYTES", PICTURE)
    station = new_station("remote")
    station.enrol(proxy.url, enrol_code(portal.data_dir))
    return station


def service(station: Station, timeout: float = 10.0) -> SyncService:
    return SyncService(
        station.store,
        station.identity,
        lambda url, token: PortalClient(url, token, chunk_size=CHUNK, timeout=timeout),
        utc_now,
    )


def deliver(sync: SyncService, max_passes: int = 60) -> list[SyncPass]:
    """Run passes as the background worker would (without waiting between them) until all is answered."""
    worker = SyncWorker(sync, Backoff(base=0.0, cap=0.0))
    passes = []
    for _ in range(max_passes):
        passes.append(worker.run_once())
        if passes[-1].ok and sync.waiting_count() == 0:
            return passes
    raise AssertionError(f"not delivered after {max_passes} passes: {[p.error for p in passes]}")


def assert_delivered_once(portal: PortalProcess, station: Station, entry: OutboxEntry) -> None:
    rows = portal.sql(
        "SELECT sha256, file_name FROM bundles WHERE package_id = ? AND version = ?",
        (entry.package_id, entry.package_version),
    )
    assert len(rows) == 1, rows
    [(sha256, file_name)] = rows
    stored = portal.data_dir / "bundles" / str(file_name)
    assert sha256 == entry.sha256 == hashlib.sha256(stored.read_bytes()).hexdigest()
    [(receipts,)] = portal.sql("SELECT count(*) FROM receipts WHERE package_id = ?", (entry.package_id,))
    assert receipts == 1
    saved = station.outbox.get(entry.package_id, entry.package_version)
    assert saved.state == DeliveryState.ACCEPTED and saved.last_error == ""
    [delivery] = [d for d in service(station).deliveries() if d.package_id == entry.package_id]
    assert delivery.receipt_verified and delivery.acknowledged == entry.size


@pytest.mark.parametrize("reset", [False, True], ids=["cut", "reset"])
def test_connections_cut_at_random_offsets(portal, proxy, remote, reset):
    entries = [remote.seal(), remote.seal()]
    total = sum(entry.size for entry in entries)
    rng = random.Random(20261127 + reset)
    proxy.cut_at(*sorted(rng.randrange(1, total) for _ in range(8)), reset=reset)

    passes = deliver(service(remote))

    assert proxy.cuts_done == 8
    assert sum(1 for p in passes if not p.ok) >= 1
    for entry in entries:
        assert_delivered_once(portal, remote, entry)
    assert all(entry.attempts >= 1 for entry in remote.outbox.all())


def test_a_stalled_link_times_out_and_the_next_pass_resumes(portal, proxy, remote):
    entry = remote.seal()
    proxy.stall_at(proxy.upstream_bytes + 3 * CHUNK + 100, seconds=2.5)

    passes = deliver(service(remote, timeout=1.0))

    assert "no answer in time" in passes[0].error
    assert_delivered_once(portal, remote, entry)


def test_a_slow_link_delivers_with_steady_progress(portal, proxy, remote):
    entry = remote.seal()
    proxy.throttle(4 * 1024 * 1024)
    reports: list[tuple[int, int]] = []

    result = service(remote).sync(progress=lambda done, total: reports.append((done, total)))

    assert [o.state for o in result.bundles] == ["accepted"]
    assert [done for done, _ in reports] == sorted(done for done, _ in reports)
    assert reports[-1] == (entry.size, entry.size)
    assert_delivered_once(portal, remote, entry)


@pytest.mark.parametrize(
    ("status", "method"), [(503, "PATCH"), (500, "PATCH"), (503, "HEAD"), (500, "POST"), (503, "GET")]
)
def test_server_errors_are_retried_later(portal, proxy, remote, status, method):
    entry = remote.seal()
    if method == "HEAD":
        service(remote).sync(cancelled=lambda: remote.outbox.get(entry.package_id, 1).acknowledged_offset > CHUNK)
    proxy.answer(status, method=method, times=2)

    passes = deliver(service(remote))

    assert f"HTTP {status}" in passes[0].error
    assert (method, status) in {(m, s) for m, _, s in proxy.requests}
    assert_delivered_once(portal, remote, entry)


@pytest.mark.parametrize("delta", [CHUNK, -CHUNK, 10**9], ids=["ahead", "behind", "past-the-end"])
def test_a_portal_lying_about_the_offset_does_not_make_bytes_go_missing(portal, proxy, remote, delta):
    entry = remote.seal()
    service(remote).sync(cancelled=lambda: remote.outbox.get(entry.package_id, 1).acknowledged_offset >= 3 * CHUNK)
    proxy.lie_about_offset(delta, method="HEAD")
    proxy.lie_about_offset(delta, method="PATCH")

    deliver(service(remote))

    assert_delivered_once(portal, remote, entry)


def test_the_portal_restarted_mid_upload(tmp_path, new_station, monkeypatch):
    monkeypatch.setattr(stations, "PICTURE_BYTES", PICTURE)
    station = new_station("a")
    entry = station.seal()
    with running_portal(tmp_path / "portal") as first, FaultyProxy(first.url) as proxy:
        station.enrol(proxy.url, enrol_code(first.data_dir))
        port = urlsplit(first.url).port

        def portal_dies_midway() -> bool:
            if station.outbox.get(entry.package_id, 1).acknowledged_offset >= 5 * CHUNK:
                stop(first.process)
            return False

        passes = [SyncWorker(service(station), Backoff(0, 0)).run_once(cancelled=portal_dies_midway)]
        assert not passes[0].ok and passes[0].acknowledged_bytes >= 5 * CHUNK
        interrupted = station.outbox.get(entry.package_id, 1)
        assert interrupted.state == DeliveryState.UPLOADING

        with running_portal(tmp_path / "portal", port=port) as second:
            deliver(service(station))
            assert_delivered_once(second, station, entry)


def test_malformed_receipts_are_not_trusted_and_leave_the_bundle_verifying(portal, proxy, remote):
    entry = remote.seal()
    proxy.rewrite("/api/v1/receipts/", lambda _body: b'{"payload": "accepted", "signature": 42}', times=2)

    first = service(remote).push()

    [outcome] = first.bundles
    assert outcome.state == "failed" and "not trusted" in outcome.error
    saved = remote.outbox.get(entry.package_id, 1)
    assert (saved.state, saved.receipt, saved.acknowledged_offset) == (DeliveryState.VERIFYING, None, entry.size)
    assert "not trusted" in saved.last_error

    deliver(service(remote))  # the genuine receipt, asked for again: nothing is uploaded twice
    assert_delivered_once(portal, remote, entry)
    [(uploads,)] = portal.sql("SELECT count(*) FROM uploads WHERE station_id = ?", (remote.station_id,))
    assert uploads == 1


def test_receipts_and_feed_entries_signed_by_another_key_are_not_trusted(portal, proxy, remote):
    entry = remote.seal()
    impostor = Ed25519PrivateKey.generate()

    def resign(body: bytes) -> bytes:
        document = json.loads(body)
        return json.dumps(sign_payload(impostor, document["payload"])).encode()

    def resign_feed(body: bytes) -> bytes:
        page = json.loads(body)
        for feed_entry in page["entries"]:
            feed_entry["document"] = sign_payload(impostor, feed_entry["document"]["payload"])
        return json.dumps(page).encode()

    proxy.rewrite("/api/v1/receipts/", resign, times=10)
    proxy.rewrite("/api/v1/feed", resign_feed, times=10)
    sync = service(remote)
    cursor = sync.feedback.cursor()

    result = sync.sync()

    assert [o.state for o in result.bundles] == ["failed"]
    assert "not signed by the portal key recorded at enrolment" in result.bundles[0].error
    assert result.feed.applied == 0 and "not signed by the portal key" in result.feed.untrusted
    assert sync.feedback.cursor() == cursor
    saved = remote.outbox.get(entry.package_id, 1)
    assert (saved.state, saved.receipt) == (DeliveryState.VERIFYING, None)

    proxy.clear()
    deliver(service(remote))
    assert_delivered_once(portal, remote, entry)


def test_after_a_cut_chunks_shrink_until_an_upload_goes_through_whole(portal, proxy, remote, monkeypatch):
    monkeypatch.setattr(stations, "PICTURE_BYTES", 3 * 1024 * 1024)
    first, second = remote.seal(), remote.seal()
    full = 1024 * 1024
    sync = SyncService(
        remote.store,
        remote.identity,
        lambda url, token: PortalClient(url, token, chunk_size=full, timeout=10.0),
        utc_now,
    )
    proxy.cut_at(proxy.upstream_bytes + full + full // 2)
    steps: list[int] = []

    def record(done: int, _total: int) -> None:
        steps.append(done)

    worker = SyncWorker(sync, Backoff(0.0, 0.0))
    assert not worker.run_once(progress=record).ok
    before_cut = list(steps)
    steps.clear()
    assert worker.run_once(progress=record).ok

    assert {b - a for a, b in itertools.pairwise(before_cut)} == {full}
    into_first = [done for done in steps if done <= first.size]
    assert {b - a for a, b in itertools.pairwise(into_first) if b < first.size} == {full // 4}
    into_second = [done - first.size for done in steps if done > first.size]
    assert {b - a for a, b in itertools.pairwise(into_second) if b < second.size} == {full}
    assert_delivered_once(portal, remote, first)
    assert_delivered_once(portal, remote, second)
