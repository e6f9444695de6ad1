"""What the portal does with a whole bundle: verify it, store it once, and sign a receipt."""

from __future__ import annotations

import hashlib

import httpx
import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from tusclient import client as tus_client

from tests.support.portal_process import enrol_code, running_portal
from workstation.signing import canonical_json, verify, verify_signed_payload
from workstation.sync.errors import UploadCancelled, UploadRefused
from workstation.sync.tus import bundle_metadata

RECEIPT_KEYS = {"bundle", "package_id", "version", "station_id", "state", "reasons", "sha256", "size", "received_at"}


def _portal_key(portal) -> str:
    return httpx.get(f"{portal.url}/api/v1/portal-key").json()["public_key"]


def _upload(portal, station, entry, chunk_size=4096) -> dict:
    """Upload with the station's tus client, then fetch the receipt as the station would."""
    with station.client(portal.url, chunk_size=chunk_size) as client:
        client.upload(
            station.bundle_path(entry),
            bundle_metadata(entry),
        )
        receipt = client.receipt(entry.package_id, entry.package_version, entry.sha256)
    assert receipt is not None
    return receipt


def _stored_bundles(portal, package_id) -> list[tuple]:
    return portal.sql("SELECT version, sha256, file_name FROM bundles WHERE package_id = ?", (package_id,))


def test_an_accepted_bundle_gets_a_receipt_signed_over_canonical_json(portal, enrolled_station):
    station = enrolled_station("a")
    entry = station.seal()
    receipt = _upload(portal, station, entry)

    payload = receipt["payload"]
    assert set(payload) == RECEIPT_KEYS
    assert payload["state"] == "accepted"
    assert payload["reasons"] == []
    assert payload["bundle"] == f"urn:uuid:{entry.package_id}/v1"
    assert payload["package_id"] == entry.package_id
    assert payload["version"] == 1
    assert payload["station_id"] == station.station_id
    assert (payload["sha256"], payload["size"]) == (entry.sha256, entry.size)
    assert payload["received_at"].endswith("Z")
    assert verify(_portal_key(portal), canonical_json(payload), receipt["signature"])

    stored = portal.data_dir / "bundles" / f"{entry.package_id}-v1-{entry.sha256}.zip"
    assert hashlib.sha256(stored.read_bytes()).hexdigest() == entry.sha256
    assert list((portal.data_dir / "uploads").iterdir()) == []


def test_the_same_bundle_twice_is_stored_once_with_the_same_receipt(portal, enrolled_station):
    station = enrolled_station("a")
    entry = station.seal()
    first = _upload(portal, station, entry)
    second = _upload(portal, station, entry, chunk_size=1000)
    assert second == first
    assert _stored_bundles(portal, entry.package_id) == [(1, entry.sha256, f"{entry.package_id}-v1-{entry.sha256}.zip")]


def test_a_tampered_bundle_is_rejected_with_the_reason_and_not_stored(portal, enrolled_station):
    station = enrolled_station("a")
    entry = station.tamper(station.seal())
    receipt = _upload(portal, station, entry)
    payload = verify_signed_payload(receipt, _portal_key(portal))
    assert payload is not None
    assert payload["state"] == "rejected"
    assert "data/package.json does not match its sha256 in the manifest (altered?)" in payload["reasons"]
    assert _stored_bundles(portal, entry.package_id) == []
    with station.client(portal.url) as client:  # the rejection is kept, and answered again
        assert client.receipt(entry.package_id, 1) == receipt


def test_a_bundle_signed_with_another_stations_key_is_rejected(portal, enrolled_station):
    station = enrolled_station("a")
    entry = station.seal(signing_key=Ed25519PrivateKey.generate())
    payload = _upload(portal, station, entry)["payload"]
    assert payload["state"] == "rejected"
    assert payload["reasons"] == ["the signature does not match tagmanifest-sha256.txt and the station's key"]
    assert _stored_bundles(portal, entry.package_id) == []


def test_a_bundle_sealed_by_another_station_is_rejected_when_this_one_uploads_it(portal, enrolled_station):
    uploader, author = enrolled_station("uploader"), enrolled_station("author")
    entry = uploader.seal(signing_key=author.identity.private_key(), claimed_station_id=author.station_id)
    reasons = _upload(portal, uploader, entry)["payload"]["reasons"]
    assert f"the bundle names station {author.station_id} but was uploaded by station {uploader.station_id}" in reasons
    assert "the signature does not match tagmanifest-sha256.txt and the station's key" in reasons


def test_other_content_under_an_accepted_identity_is_rejected(portal, enrolled_station):
    station = enrolled_station("a")
    original = station.seal()
    _upload(portal, station, original)
    rival_station = enrolled_station("b")
    rival = rival_station.seal(package_id=original.package_id, headline="Một bài khác")
    payload = _upload(portal, rival_station, rival)["payload"]
    assert payload["state"] == "rejected"
    assert any("was already accepted with other content" in reason for reason in payload["reasons"])
    kept = f"{original.package_id}-v1-{original.sha256}.zip"
    assert _stored_bundles(portal, original.package_id) == [(1, original.sha256, kept)]
    # The rival passed verification, so it was stored before the identity check refused it: and removed.
    # (Only this package's files: the module's portal keeps the earlier tests' bundles too.)
    stored = (portal.data_dir / "bundles").glob(f"{original.package_id}-*")
    assert sorted(path.name for path in stored) == [kept]


def test_a_station_cannot_read_another_stations_receipt(portal, enrolled_station):
    owner, other = enrolled_station("owner"), enrolled_station("other")
    entry = owner.seal()
    _upload(portal, owner, entry)
    with other.client(portal.url) as client:
        assert client.receipt(entry.package_id, 1) is None
    response = httpx.get(f"{portal.url}/api/v1/receipts/{entry.package_id}/1", headers=other.bearer())
    assert response.status_code == 404


def test_bytes_that_do_not_match_the_declared_sha256_are_discarded(portal, enrolled_station):
    station = enrolled_station("a")
    entry = station.seal()
    with station.client(portal.url) as client:
        with pytest.raises(UploadRefused, match="do not match the sha256 declared"):
            client.upload(
                station.bundle_path(entry),
                {"filename": "x.zip", "package_id": entry.package_id, "version": "1", "sha256": "0" * 64},
            )
        assert client.receipt(entry.package_id, 1) is None
    assert list((portal.data_dir / "uploads").iterdir()) == []


def test_an_independent_tus_client_can_deliver_a_bundle(portal, enrolled_station):
    """tuspy knows nothing of our client: interoperability with the tus protocol itself."""
    station = enrolled_station("a")
    entry = station.seal()
    with station.bundle_path(entry).open("rb") as stream:  # tuspy leaves files it opens itself unclosed
        uploader = tus_client.TusClient(f"{portal.url}/files/", headers=station.bearer()).uploader(
            file_stream=stream,
            chunk_size=5000,
            upload_checksum=True,
            metadata={
                "filename": entry.file_name,
                "package_id": entry.package_id,
                "version": str(entry.package_version),
                "sha256": entry.sha256,
            },
        )
        uploader.upload()
    assert uploader.offset == entry.size
    with station.client(portal.url) as client:
        receipt = client.receipt(entry.package_id, 1)
    assert verify_signed_payload(receipt, _portal_key(portal))["state"] == "accepted"


def test_an_upload_completed_just_before_a_crash_is_judged_at_the_next_start(tmp_path, new_station):
    """The last chunk was durable and recorded, but the portal died before issuing the receipt."""
    station = new_station("a")
    entry = station.seal()
    data = station.bundle_path(entry).read_bytes()
    with running_portal(tmp_path / "portal") as portal:
        station.enrol(portal.url, enrol_code(portal.data_dir))
        with station.client(portal.url) as client, pytest.raises(UploadCancelled):
            client.upload(
                station.bundle_path(entry),
                {"filename": "b.zip", "package_id": entry.package_id, "version": "1", "sha256": entry.sha256},
                cancelled=lambda: True,  # created, no byte sent
            )
    (upload_file,) = (portal.data_dir / "uploads").iterdir()
    upload_file.write_bytes(data)
    portal.sql("UPDATE uploads SET received = length")

    with running_portal(portal.data_dir) as restarted, station.client(restarted.url) as client:
        receipt = client.receipt(entry.package_id, 1)
    assert receipt is not None and receipt["payload"]["state"] == "accepted"
    assert _stored_bundles(portal, entry.package_id) == [(1, entry.sha256, f"{entry.package_id}-v1-{entry.sha256}.zip")]
