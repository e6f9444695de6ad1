"""Whole flows against a real portal on 127.0.0.1, on SQLite and on PostgreSQL: enrol, upload, receipt,
idempotency, isolation between stations, the feed, revocation."""

from __future__ import annotations

import json
import subprocess
import threading

import httpx
import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from tests.support.portal_process import REPO_ROOT, portal_command
from workstation.signing import verify_signed_payload
from workstation.sync.tus import bundle_metadata, encode_metadata

TUS = {"Tus-Resumable": "1.0.0"}


def _upload(portal, station, entry, chunk_size=4096) -> dict:
    with station.client(portal.url, chunk_size=chunk_size) as client:
        client.upload(station.bundle_path(entry), bundle_metadata(entry))
        receipt = client.receipt(entry.package_id, entry.package_version, entry.sha256)
    assert receipt is not None
    return receipt


def _feed(portal, station, after=0, limit=None) -> httpx.Response:
    params = {"after": after} | ({"limit": limit} if limit is not None else {})
    return httpx.get(f"{portal.url}/api/v1/feed", params=params, headers=station.bearer())


def _entries(portal, station) -> list[dict]:
    response = _feed(portal, station, limit=500)
    assert response.status_code == 200, response.text
    return response.json()["entries"]


def _portal_cli(portal, *arguments: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        portal_command(portal.data_dir, *arguments), capture_output=True, text=True, cwd=REPO_ROOT, timeout=60
    )


def _portal_key(portal) -> str:
    completed = _portal_cli(portal, "key")
    assert completed.returncode == 0, completed.stderr
    return completed.stdout.strip()


def _create_upload(portal, station, entry) -> str:
    response = httpx.post(
        f"{portal.url}/files/",
        headers={
            **TUS,
            **station.bearer(),
            "Upload-Length": str(entry.size),
            "Upload-Metadata": encode_metadata(bundle_metadata(entry)),
        },
    )
    assert response.status_code == 201, response.text
    return response.headers["Location"]


def test_an_accepted_upload_is_receipted_and_announced_in_the_stations_feed(any_portal, enrol):
    station = enrol(any_portal, "a")
    entry = station.seal()
    receipt = _upload(any_portal, station, entry)
    payload = verify_signed_payload(receipt, _portal_key(any_portal))
    assert payload is not None and payload["state"] == "accepted", receipt

    (feed_entry,) = _entries(any_portal, station)
    assert feed_entry["kind"] == "receipt"
    assert feed_entry["document"] == receipt
    assert feed_entry["at"] == payload["received_at"]
    assert isinstance(feed_entry["cursor"], int) and feed_entry["cursor"] > 0


def test_the_same_bundle_uploaded_twice_is_stored_once_with_one_receipt(any_portal, enrol):
    station = enrol(any_portal, "a")
    entry = station.seal()
    first = _upload(any_portal, station, entry)
    second = _upload(any_portal, station, entry, chunk_size=1000)
    assert second == first
    assert any_portal.sql("SELECT sha256 FROM bundles WHERE package_id = ?", (entry.package_id,)) == [(entry.sha256,)]
    assert any_portal.sql("SELECT COUNT(*) FROM receipts WHERE package_id = ?", (entry.package_id,)) == [(1,)]
    assert (any_portal.data_dir / "bundles" / f"{entry.package_id}-v1-{entry.sha256}.zip").is_file()
    assert [feed_entry["kind"] for feed_entry in _entries(any_portal, station)] == ["receipt"]


def test_twin_uploads_racing_get_the_same_receipt_and_one_stored_bundle(any_portal, enrol):
    station = enrol(any_portal, "a")
    entry = station.seal()
    receipts: list[dict] = []
    errors: list[BaseException] = []
    start = threading.Barrier(4)

    def deliver() -> None:
        try:
            start.wait()
            receipts.append(_upload(any_portal, station, entry, chunk_size=8192))
        except BaseException as error:  # reported below
            errors.append(error)

    threads = [threading.Thread(target=deliver) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert len(receipts) == 4 and all(receipt == receipts[0] for receipt in receipts)
    assert receipts[0]["payload"]["state"] == "accepted"
    assert any_portal.sql("SELECT COUNT(*) FROM bundles WHERE package_id = ?", (entry.package_id,)) == [(1,)]
    assert any_portal.sql("SELECT COUNT(*) FROM receipts WHERE package_id = ?", (entry.package_id,)) == [(1,)]
    assert len(_entries(any_portal, station)) == 1


def test_tampered_and_foreign_signed_bundles_are_rejected_with_reasons(any_portal, enrol):
    station = enrol(any_portal, "a")
    tampered = _upload(any_portal, station, station.tamper(station.seal()))["payload"]
    assert tampered["state"] == "rejected"
    assert "data/package.json does not match its sha256 in the manifest (altered?)" in tampered["reasons"]
    foreign = _upload(any_portal, station, station.seal(signing_key=Ed25519PrivateKey.generate()))["payload"]
    assert foreign["state"] == "rejected"
    assert "the signature does not match tagmanifest-sha256.txt and the station's key" in foreign["reasons"]
    kinds_and_states = [(e["kind"], e["document"]["payload"]["state"]) for e in _entries(any_portal, station)]
    assert kinds_and_states == [("receipt", "rejected"), ("receipt", "rejected")]


def test_another_station_cannot_touch_an_upload_nor_see_the_feed(any_portal, enrol):
    owner, other = enrol(any_portal, "owner"), enrol(any_portal, "other")
    _upload(any_portal, owner, owner.seal())
    location = _create_upload(any_portal, owner, owner.seal())
    as_other = {**TUS, **other.bearer()}
    assert httpx.head(location, headers=as_other).status_code == 404
    patch = httpx.patch(
        location,
        headers={**as_other, "Content-Type": "application/offset+octet-stream", "Upload-Offset": "0"},
        content=b"x",
    )
    assert patch.status_code == 404
    assert httpx.delete(location, headers=as_other).status_code == 404
    assert httpx.head(location, headers={**TUS, **owner.bearer()}).headers["Upload-Offset"] == "0"

    assert _entries(any_portal, other) == []
    assert len(_entries(any_portal, owner)) == 1


def test_the_feed_pages_and_rereads_the_same_entries(any_portal, enrol):
    station = enrol(any_portal, "a")
    for _ in range(3):
        _upload(any_portal, station, station.seal())

    first = _feed(any_portal, station, limit=2).json()
    assert len(first["entries"]) == 2 and first["more"] is True
    assert first["next_cursor"] == first["entries"][-1]["cursor"]
    rest = _feed(any_portal, station, after=first["next_cursor"], limit=2).json()
    assert len(rest["entries"]) == 1 and rest["more"] is False
    cursors = [e["cursor"] for e in first["entries"] + rest["entries"]]
    assert cursors == sorted(set(cursors))
    end = _feed(any_portal, station, after=rest["next_cursor"]).json()
    assert end == {"entries": [], "next_cursor": rest["next_cursor"], "more": False}
    assert _feed(any_portal, station, limit=2).json() == first  # safe to re-read

    for bad in ({"limit": 0}, {"limit": 501}, {"after": -1}, {"after": "x"}):
        response = httpx.get(f"{any_portal.url}/api/v1/feed", params=bad, headers=station.bearer())
        assert response.status_code == 422 and isinstance(response.json()["detail"], str)


def test_decisions_and_updates_reach_the_right_feeds_signed_by_the_portal(any_portal, enrol, tmp_path):
    author, bystander = enrol(any_portal, "author"), enrol(any_portal, "bystander")
    entry = author.seal()
    _upload(any_portal, author, entry)
    decided = _portal_cli(
        any_portal, "decide", f"{entry.package_id}/v1", "--returned", "--comment", "Thiếu chú thích ảnh",
        "--editor", "Lan",
    )  # fmt: skip
    assert decided.returncode == 0, decided.stderr
    glossary = tmp_path / "terms.csv"
    glossary.write_text(
        "source_term,source_language,target_term,target_language,forbidden_variants,note\n"
        "Bộ Ngoại giao,vi,Ministry of Foreign Affairs,en,Foreign Ministry,\n",
        "utf-8",
    )
    for_all = _portal_cli(any_portal, "publish-glossary", str(glossary))
    for_author = _portal_cli(any_portal, "publish-glossary", str(glossary), "--station", author.station_id)
    assert for_all.returncode == 0 and for_author.returncode == 0, for_all.stderr + for_author.stderr

    key = _portal_key(any_portal)
    author_entries = _entries(any_portal, author)
    assert [e["kind"] for e in author_entries][-4:] == ["receipt", "decision", "glossary", "glossary"]
    assert all(verify_signed_payload(e["document"], key) is not None for e in author_entries)
    decision = author_entries[-3]["document"]["payload"]
    assert decision["decision_id"] == decided.stdout.strip()
    assert (decision["outcome"], decision["comments"], decision["editor"]) == (
        "returned",
        ["Thiếu chú thích ảnh"],
        "Lan",
    )
    assert decision["station_id"] == author.station_id
    update_ids = [e["document"]["payload"]["update_id"] for e in author_entries[-2:]]
    assert update_ids == [for_all.stdout.strip(), for_author.stdout.strip()]

    bystander_entries = _entries(any_portal, bystander)
    assert [e["document"]["payload"].get("update_id") for e in bystander_entries] == [for_all.stdout.strip()]


def test_a_revoked_station_is_refused_everywhere_and_its_unfinished_uploads_are_gone(any_portal, enrol):
    station = enrol(any_portal, "lost laptop")
    entry = station.seal()
    _upload(any_portal, station, entry)
    location = _create_upload(any_portal, station, station.seal())
    assert len(list((any_portal.data_dir / "uploads").iterdir())) >= 1

    revoked = _portal_cli(any_portal, "revoke", station.station_id)
    assert revoked.returncode == 0, revoked.stderr
    assert "1 unfinished upload(s) discarded" in revoked.stdout
    upload_id = location.rstrip("/").rsplit("/", 1)[1]
    assert not (any_portal.data_dir / "uploads" / upload_id).exists()
    assert any_portal.sql("SELECT COUNT(*) FROM uploads WHERE upload_id = ?", (upload_id,)) == [(0,)]

    auth = {**TUS, **station.bearer()}
    responses = [
        _feed(any_portal, station),
        httpx.get(f"{any_portal.url}/api/v1/receipts/{entry.package_id}/1", headers=auth),
        httpx.post(f"{any_portal.url}/files/", headers={**auth, "Upload-Length": "10", "Upload-Metadata": ""}),
        httpx.head(location, headers=auth),
        httpx.patch(
            location, headers={**auth, "Content-Type": "application/offset+octet-stream", "Upload-Offset": "0"},
            content=b"x",
        ),
        httpx.delete(location, headers=auth),
    ]  # fmt: skip
    assert [response.status_code for response in responses] == [401] * len(responses)
    for response in responses:
        if response.request.method != "HEAD":
            assert "revoked" in response.json()["detail"]


@pytest.mark.parametrize("command", [["revoke"], ["ingest", "missing.zip", "--station"]])
def test_operator_commands_refuse_an_unknown_station(any_portal, command, tmp_path):
    completed = _portal_cli(any_portal, *command, "01900000-0000-7000-8000-0000000000ff")
    assert completed.returncode == 1
    assert "no station 01900000-0000-7000-8000-0000000000ff" in completed.stderr


def test_an_ingest_racing_an_upload_of_the_same_bundle_stores_it_once(any_portal, enrol, tmp_path):
    """The operator's `ingest` (another process) and the station's upload judge the same bundle at once."""
    station = enrol(any_portal, "a")
    entry = station.seal()
    stick = tmp_path / "usb" / entry.file_name
    stick.parent.mkdir()
    stick.write_bytes(station.bundle_path(entry).read_bytes())
    outcomes: dict[str, object] = {}
    start = threading.Barrier(2)

    def ingest() -> None:
        start.wait()
        outcomes["ingest"] = _portal_cli(any_portal, "ingest", str(stick), "--station", station.station_id)

    def upload() -> None:
        start.wait()
        outcomes["upload"] = _upload(any_portal, station, entry, chunk_size=16384)

    threads = [threading.Thread(target=ingest), threading.Thread(target=upload)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    ingested = outcomes["ingest"]
    assert ingested.returncode == 0, ingested.stderr
    written = json.loads(stick.with_name(f"{entry.package_id}-v1.receipt.json").read_text("utf-8"))
    assert written == outcomes["upload"]
    assert any_portal.sql("SELECT COUNT(*) FROM bundles WHERE package_id = ?", (entry.package_id,)) == [(1,)]
    assert any_portal.sql("SELECT COUNT(*) FROM receipts WHERE package_id = ?", (entry.package_id,)) == [(1,)]
    # Only its own receipt: other tests on this module's portal publish broadcast glossary updates.
    receipts = [e["document"] for e in _entries(any_portal, station) if e["kind"] == "receipt"]
    assert receipts == [written]
