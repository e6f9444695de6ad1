"""The portal's store on SQLite and on a real PostgreSQL: migrations, quotas, revocation, the feed."""

from __future__ import annotations

import threading

import pytest

from portal.feed import read_feed
from portal.store import MIGRATIONS, BundleItemRef, PortalStore, Station, Upload, open_portal_store
from tests.portal.conftest import run_sql

NOW = "2026-11-27T10:00:00.000Z"
A = "01900000-0000-7000-8000-00000000000a"
B = "01900000-0000-7000-8000-00000000000b"
PACKAGE = "01900000-0000-7000-8000-0000000000f1"


@pytest.fixture
def store(tmp_path, database_url):
    opened = open_portal_store(tmp_path / "portal.db", database_url)
    yield opened
    opened.close()


def _stations(store: PortalStore, *station_ids: str) -> None:
    for number, station_id in enumerate(station_ids):
        store.enrol_station(Station(station_id, f"station {number}", "key"), f"digest-{station_id}", NOW)


def _upload(store: PortalStore, upload_id: str, station_id: str, length: int, received: int = 0) -> None:
    store.add_upload(Upload(upload_id, station_id, length, received, {"k": "v"}, NOW, "2026-11-29T10:00:00.000Z", None))


def _accept(store: PortalStore, station_id: str, package_id: str, size: int) -> int:
    with store.transaction():
        receipt_id = store.add_receipt(station_id, package_id, 1, "ab" * 32, "accepted", {"payload": {}}, NOW)
        store.add_bundle(
            package_id, 1, station_id, "ab" * 32, size, f"{package_id}-v1.zip", receipt_id, NOW,
            [BundleItemRef("01900000-0000-7000-8000-0000000000e1", "vi")],
        )  # fmt: skip
    return receipt_id


def test_reopening_migrates_nothing_twice_and_keeps_the_data(tmp_path, database_url, store):
    _stations(store, A)
    store.close()
    reopened = open_portal_store(tmp_path / "portal.db", database_url)
    try:
        assert reopened.station(A) == Station(A, "station 0", "key")
    finally:
        reopened.close()
    version_sql = "PRAGMA user_version" if database_url is None else "SELECT version FROM portal_schema"
    assert run_sql(tmp_path, database_url, version_sql) == [(len(MIGRATIONS),)]


def test_an_enrolment_code_is_used_once_even_by_racing_stations(store):
    store.add_enrolment_code("digest", NOW, "2026-11-30T00:00:00.000Z")
    assert store.use_enrolment_code("digest", A, NOW) is True
    assert store.use_enrolment_code("digest", B, NOW) is False
    assert store.enrolment_code("digest").used_at == NOW


def test_station_usage_counts_accepted_bundles_and_unfinished_uploads(store):
    _stations(store, A, B)
    assert store.station_usage(A) == 0
    receipt_id = _accept(store, A, PACKAGE, 1000)
    _upload(store, "u1", A, 300, received=100)
    _upload(store, "u2", A, 50, received=50)
    store.attach_receipt("u2", receipt_id)  # finished: its bytes are the bundle's now
    _upload(store, "u3", B, 7)
    assert store.station_usage(A) == 1300
    assert store.station_usage(B) == 7


def test_large_sizes_fit(store):
    _stations(store, A)
    _accept(store, A, PACKAGE, 5 * 1024**3)  # beyond 32-bit integers
    assert store.station_usage(A) == 5 * 1024**3
    assert store.stations()[0].bytes == 5 * 1024**3


def test_revoking_marks_the_station_once_and_drops_its_unfinished_uploads(store):
    _stations(store, A, B)
    receipt_id = _accept(store, A, PACKAGE, 10)
    _upload(store, "done", A, 10, received=10)
    store.attach_receipt("done", receipt_id)
    _upload(store, "open-1", A, 10)
    _upload(store, "open-2", A, 10)
    _upload(store, "other", B, 10)

    assert store.revoke_station(A, NOW) == ["open-1", "open-2"]
    assert store.revoke_station(A, "2026-12-01T00:00:00.000Z") == []
    assert store.station_by_token(f"digest-{A}").revoked_at == NOW
    assert store.upload("done", A) is not None and store.upload("open-1", A) is None
    assert store.upload("other", B) is not None and store.station(B).revoked_at is None

    store.enrol_station(Station(A, "again", "key2"), "new-digest", NOW)  # re-enrolment lifts it
    assert store.station(A).revoked_at is None


def test_stations_list_counts_bundles_and_bytes(store):
    _stations(store, A, B)
    _accept(store, A, PACKAGE, 1234)
    summaries = {summary.station_id: summary for summary in store.stations()}
    assert (summaries[A].bundles, summaries[A].bytes) == (1, 1234)
    assert (summaries[B].bundles, summaries[B].bytes) == (0, 0)


def test_the_feed_keeps_stations_apart_and_shares_broadcasts(store):
    _stations(store, A, B)
    own_a = store.add_feed_entry("receipt", {"payload": {"n": 1}, "signature": "s"}, NOW, [A])
    everyone = store.add_feed_entry("glossary", {"payload": {"n": 2}, "signature": "s"}, NOW, None)
    own_b = store.add_feed_entry("decision", {"payload": {"n": 3}, "signature": "s"}, NOW, [B])
    both = store.add_feed_entry("memory", {"payload": {"n": 4}, "signature": "s"}, NOW, [A, B])
    assert own_a < everyone < own_b < both

    assert [row.cursor for row in store.feed(A, 0, 100)] == [own_a, everyone, both]
    assert [row.cursor for row in store.feed(B, 0, 100)] == [everyone, own_b, both]
    assert [row.document["payload"]["n"] for row in store.feed(B, everyone, 100)] == [3, 4]


def test_feed_pages_end_with_their_last_cursor_and_say_when_more_follow(store):
    _stations(store, A)
    cursors = [store.add_feed_entry("receipt", {"payload": {"n": n}, "signature": "s"}, NOW, [A]) for n in range(5)]

    first = read_feed(store, A, 0, 2)
    assert ([row.cursor for row in first.entries], first.next_cursor, first.more) == (cursors[:2], cursors[1], True)
    last = read_feed(store, A, cursors[3], 2)
    assert ([row.cursor for row in last.entries], last.next_cursor, last.more) == ([cursors[4]], cursors[4], False)
    empty = read_feed(store, A, cursors[4], 2)
    assert (empty.entries, empty.next_cursor, empty.more) == ([], cursors[4], False)
    assert read_feed(store, A, 0, 2) == first  # re-reading gives the same entries


def test_feed_entries_added_from_many_threads_get_distinct_increasing_cursors(store):
    _stations(store, A)
    errors: list[BaseException] = []

    def add(number: int) -> None:
        try:
            for step in range(10):
                store.add_feed_entry("receipt", {"payload": {"n": number * 100 + step}, "signature": "s"}, NOW, [A])
        except BaseException as error:  # reported below; a thread's exception is otherwise lost
            errors.append(error)

    threads = [threading.Thread(target=add, args=(number,)) for number in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    rows = store.feed(A, 0, 500)
    assert len(rows) == 80
    assert [row.cursor for row in rows] == sorted({row.cursor for row in rows})


def test_a_bundle_identity_holds_one_receipt_per_file_and_station(store):
    _stations(store, A)
    _accept(store, A, PACKAGE, 10)
    with pytest.raises(Exception, match=r"(?i)unique|duplicate"):
        store.add_receipt(A, PACKAGE, 1, "ab" * 32, "accepted", {"payload": {}}, NOW)
    assert store.receipt(A, PACKAGE, 1).state == "accepted"
    assert store.bundle_items(PACKAGE, 1) == [BundleItemRef("01900000-0000-7000-8000-0000000000e1", "vi")]
