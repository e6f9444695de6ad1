"""The Qt-free sync worker: backoff with full jitter, the reachability probe, passes that never raise."""

from __future__ import annotations

from tests.support.portal_process import enrol_code
from workstation.sync.service import PORTAL_TOKEN, PORTAL_URL
from workstation.sync.worker import IDLE_SECONDS, Backoff, SyncWorker


class FakeMonotonic:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_backoff_is_full_jitter_under_an_exponential_ceiling_capped():
    draws = iter([1.0, 1.0, 1.0, 0.5, 0.0, 1.0])
    backoff = Backoff(base=2.0, cap=10.0, random=lambda: next(draws))
    assert [backoff.delay(n) for n in (1, 2, 3, 3, 3, 60)] == [4.0, 8.0, 10.0, 5.0, 0.0, 10.0]


def test_a_pass_against_an_unreachable_portal_records_the_error_and_backs_off(station, closed_port_url):
    station.store.set_setting(PORTAL_URL, closed_port_url)
    entry = station.seal()
    clock = FakeMonotonic()
    worker = SyncWorker(station.service(), Backoff(base=2.0, cap=100.0, random=lambda: 1.0), monotonic=clock)

    first = worker.run_once()
    second = worker.run_once()

    assert (first.ok, first.refused, second.ok) == (False, False, False)
    assert "could not be reached" in first.error
    assert (first.retry_in, second.retry_in) == (4.0, 8.0)
    assert worker.failures == 2 and worker.seconds_until_due() == 8.0
    clock.now += 8.0
    assert worker.due()
    assert not worker.reachable(timeout=0.5)
    assert station.outbox.get(entry.package_id, 1).state == "queued"


def test_success_resets_the_backoff(portal, station, closed_port_url):
    station.seal()
    station.store.set_setting(PORTAL_URL, closed_port_url)
    worker = SyncWorker(station.service(), Backoff(base=2.0, cap=100.0, random=lambda: 1.0), FakeMonotonic())
    worker.run_once()
    station.store.set_setting(PORTAL_URL, portal.url)

    assert worker.reachable()
    done = worker.run_once()

    assert done.ok and done.result.all_accepted and done.retry_in == IDLE_SECONDS
    assert worker.failures == 0 and station.service().waiting_count() == 0


def test_a_revoked_or_unenrolled_station_is_refused_without_raising(portal, station, new_station):
    station.identity.secrets.set(PORTAL_TOKEN, "not-a-token")
    station.seal()
    refused = SyncWorker(station.service()).run_once()
    never_enrolled = SyncWorker(new_station("b").service()).run_once()

    assert refused.refused and "refused this station's token" in refused.error
    assert never_enrolled.refused and "not enrolled" in never_enrolled.error


def test_cancel_stops_at_the_next_chunk_and_keeps_the_acknowledged_bytes(portal, new_station):
    station = new_station("a")
    station.enrol(portal.url, enrol_code(portal.data_dir))
    entry = station.seal()
    chunk = 2048
    reports: list[int] = []

    def after_two_chunks() -> bool:
        return station.outbox.get(entry.package_id, 1).acknowledged_offset >= 2 * chunk

    cancelled = SyncWorker(station.service(chunk_size=chunk)).run_once(
        progress=lambda done, _total: reports.append(done), cancelled=after_two_chunks
    )

    assert cancelled.ok and [o.state for o in cancelled.result.bundles] == ["cancelled"]
    saved = station.outbox.get(entry.package_id, 1)
    assert (saved.state, saved.acknowledged_offset) == ("uploading", 2 * chunk)
    assert cancelled.acknowledged_bytes == 2 * chunk and reports[-1] == 2 * chunk
