"""The tus 1.0.0 server at /files/, spoken to directly with httpx, header by header."""

from __future__ import annotations

import base64
import hashlib
import socket
import time
from urllib.parse import urlsplit

import httpx
import pytest

from workstation.sync.tus import encode_metadata

TUS = {"Tus-Resumable": "1.0.0"}


def _metadata(entry) -> str:
    return encode_metadata(
        {
            "filename": entry.file_name,
            "package_id": entry.package_id,
            "version": str(entry.package_version),
            "sha256": entry.sha256,
        }
    )


def _create(portal, station, entry) -> str:
    response = httpx.post(
        f"{portal.url}/files/",
        headers={**TUS, **station.bearer(), "Upload-Length": str(entry.size), "Upload-Metadata": _metadata(entry)},
    )
    assert response.status_code == 201, response.text
    return response.headers["Location"]


def _patch(url, station, offset, data, checksum: str | None = None) -> httpx.Response:
    headers = {
        **TUS,
        **station.bearer(),
        "Content-Type": "application/offset+octet-stream",
        "Upload-Offset": str(offset),
    }
    if checksum is not None:
        headers["Upload-Checksum"] = checksum
    return httpx.patch(url, headers=headers, content=data)


def _offset(url, station) -> int:
    response = httpx.head(url, headers={**TUS, **station.bearer()})
    assert response.status_code == 200
    return int(response.headers["Upload-Offset"])


def _sha256_header(data: bytes) -> str:
    return "sha256 " + base64.b64encode(hashlib.sha256(data).digest()).decode()


@pytest.fixture
def station(enrolled_station):
    return enrolled_station("a")


def test_options_advertises_version_extensions_checksums_and_max_size(portal):
    response = httpx.options(f"{portal.url}/files/")
    assert response.status_code == 204
    assert response.headers["Tus-Resumable"] == "1.0.0"
    assert response.headers["Tus-Version"] == "1.0.0"
    assert set(response.headers["Tus-Extension"].split(",")) == {"creation", "checksum", "termination", "expiration"}
    assert response.headers["Tus-Checksum-Algorithm"] == "sha256,sha1"
    assert int(response.headers["Tus-Max-Size"]) > 0


def test_creation_gives_a_location_an_expiry_and_a_zero_offset(portal, station):
    entry = station.seal()
    response = httpx.post(
        f"{portal.url}/files/",
        headers={**TUS, **station.bearer(), "Upload-Length": str(entry.size), "Upload-Metadata": _metadata(entry)},
    )
    assert response.status_code == 201
    assert response.headers["Tus-Resumable"] == "1.0.0"
    assert response.headers["Upload-Expires"].endswith(" GMT")
    location = response.headers["Location"]
    assert urlsplit(location).path.startswith("/files/")
    head = httpx.head(location, headers={**TUS, **station.bearer()})
    assert head.headers["Upload-Offset"] == "0"
    assert head.headers["Upload-Length"] == str(entry.size)
    assert head.headers["Cache-Control"] == "no-store"
    assert head.headers["Tus-Resumable"] == "1.0.0"


def test_requests_without_a_token_are_unauthorised_and_still_speak_tus(portal):
    response = httpx.post(f"{portal.url}/files/", headers={**TUS, "Upload-Length": "10"})
    assert response.status_code == 401
    assert response.headers["Tus-Resumable"] == "1.0.0"
    assert "Bearer" in response.json()["detail"]


def test_a_request_without_tus_resumable_is_refused_with_412(portal, station):
    response = httpx.post(f"{portal.url}/files/", headers={**station.bearer(), "Upload-Length": "10"})
    assert response.status_code == 412
    assert response.headers["Tus-Version"] == "1.0.0"


def test_creation_needs_the_bundle_metadata(portal, station):
    response = httpx.post(
        f"{portal.url}/files/",
        headers={
            **TUS,
            **station.bearer(),
            "Upload-Length": "10",
            "Upload-Metadata": encode_metadata({"filename": "x"}),
        },
    )
    assert response.status_code == 400
    assert "package_id is missing" in response.json()["detail"]


def test_an_upload_longer_than_the_maximum_is_refused_before_any_byte(portal, station):
    entry = station.seal()
    maximum = int(httpx.options(f"{portal.url}/files/").headers["Tus-Max-Size"])
    response = httpx.post(
        f"{portal.url}/files/",
        headers={**TUS, **station.bearer(), "Upload-Length": str(maximum + 1), "Upload-Metadata": _metadata(entry)},
    )
    assert response.status_code == 413


def test_a_wrong_offset_is_a_conflict_and_appends_nothing(portal, station):
    entry = station.seal()
    data = station.bundle_path(entry).read_bytes()
    url = _create(portal, station, entry)
    first = _patch(url, station, 0, data[:1000])
    assert first.status_code == 204
    assert first.headers["Upload-Offset"] == "1000"
    assert first.headers["Tus-Resumable"] == "1.0.0"
    assert "Upload-Expires" in first.headers

    stale = _patch(url, station, 0, data[:1000])
    ahead = _patch(url, station, 2000, data[2000:3000])
    assert (stale.status_code, ahead.status_code) == (409, 409)
    assert _offset(url, station) == 1000
    assert _patch(url, station, 1000, data[1000:2000]).headers["Upload-Offset"] == "2000"


def test_a_checksum_mismatch_is_460_and_appends_nothing(portal, station):
    entry = station.seal()
    data = station.bundle_path(entry).read_bytes()
    url = _create(portal, station, entry)
    damaged = _patch(url, station, 0, data[:1000], checksum=_sha256_header(data[:999] + b"?"))
    assert damaged.status_code == 460
    assert _offset(url, station) == 0
    sha1 = "sha1 " + base64.b64encode(hashlib.sha1(data[:1000]).digest()).decode()
    assert _patch(url, station, 0, data[:1000], checksum=sha1).status_code == 204
    assert _patch(url, station, 1000, data[1000:2000], checksum=_sha256_header(data[1000:2000])).status_code == 204
    assert _offset(url, station) == 2000


def test_an_unknown_checksum_algorithm_is_a_bad_request(portal, station):
    entry = station.seal()
    url = _create(portal, station, entry)
    assert _patch(url, station, 0, b"abc", checksum="md5 kAFQmDzST7DWlj99KOF/cg==").status_code == 400
    assert _offset(url, station) == 0


def test_more_bytes_than_the_upload_length_are_refused(portal, station):
    entry = station.seal()
    url = _create(portal, station, entry)
    response = _patch(url, station, 0, b"x" * (entry.size + 1))
    assert response.status_code == 413
    assert _offset(url, station) == 0


def test_termination_deletes_the_upload(portal, station):
    entry = station.seal()
    url = _create(portal, station, entry)
    assert _patch(url, station, 0, b"partial").status_code == 204
    assert httpx.delete(url, headers={**TUS, **station.bearer()}).status_code == 204
    assert httpx.head(url, headers={**TUS, **station.bearer()}).status_code == 404
    upload_id = urlsplit(url).path.rsplit("/", 1)[1]
    assert not (portal.data_dir / "uploads" / upload_id).exists()


def test_another_station_cannot_see_touch_or_delete_an_upload(portal, enrolled_station):
    owner, other = enrolled_station("owner"), enrolled_station("other")
    entry = owner.seal()
    data = owner.bundle_path(entry).read_bytes()
    url = _create(portal, owner, entry)
    assert _patch(url, owner, 0, data[:100]).status_code == 204

    assert httpx.head(url, headers={**TUS, **other.bearer()}).status_code == 404
    assert _patch(url, other, 100, data[100:200]).status_code == 404
    assert httpx.delete(url, headers={**TUS, **other.bearer()}).status_code == 404
    assert _offset(url, owner) == 100


def test_a_body_cut_short_keeps_the_bytes_that_arrived(portal, station):
    """Without a checksum, tus asks the server to keep what it received before the connection dropped."""
    entry = station.seal()
    url = _create(portal, station, entry)
    parts = urlsplit(url)
    token_header = station.bearer()["Authorization"]
    request = (
        f"PATCH {parts.path} HTTP/1.1\r\nHost: {parts.netloc}\r\nTus-Resumable: 1.0.0\r\n"
        f"Authorization: {token_header}\r\nContent-Type: application/offset+octet-stream\r\n"
        f"Upload-Offset: 0\r\nContent-Length: {entry.size}\r\n\r\n"
    ).encode()
    partial_file = portal.data_dir / "uploads" / parts.path.rsplit("/", 1)[1]
    with socket.create_connection((parts.hostname, parts.port)) as connection:
        connection.sendall(request + station.bundle_path(entry).read_bytes()[:3000])
        # Cut only once the portal has taken the bytes in (written, not yet acknowledged).
        _wait_until(lambda: partial_file.stat().st_size == 3000)
        assert _offset(url, station) == 0
    _wait_until(lambda: _offset(url, station) == 3000)


def _wait_until(condition, seconds: float = 5.0) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.02)


def test_an_expired_upload_is_gone(portal, station):
    entry = station.seal()
    url = _create(portal, station, entry)
    assert _patch(url, station, 0, b"partial").status_code == 204
    upload_id = urlsplit(url).path.rsplit("/", 1)[1]
    # As if two days had passed without a byte:
    portal.sql("UPDATE uploads SET expires_at = '2000-01-01T00:00:00.000Z' WHERE upload_id = ?", (upload_id,))

    assert httpx.head(url, headers={**TUS, **station.bearer()}).status_code == 410
    assert not (portal.data_dir / "uploads" / upload_id).exists()
    assert httpx.head(url, headers={**TUS, **station.bearer()}).status_code == 404
