"""tus 1.0.0 as the protocol says: an independent client (tuspy) uploading and resuming after a cut,
both checksum algorithms, termination, expiration on the portal's clock, one writer per upload."""

from __future__ import annotations

import base64
import hashlib
import os
import socket
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from email.utils import parsedate_to_datetime
from pathlib import Path
from urllib.parse import urlsplit

import httpx
import pytest
import uvicorn
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from tusclient import client as tus_client
from tusclient.uploader import Uploader

from portal.app import create_app
from portal.config import PortalLimits
from portal.uploads import new_upload_id
from tests.support.portal_process import enrol_code, running_portal
from workstation.ids import new_id
from workstation.signing import public_key_b64, verify_signed_payload
from workstation.sync.errors import UploadRefused
from workstation.sync.tus import bundle_metadata, encode_metadata

TUS = {"Tus-Resumable": "1.0.0"}
LIFETIME = timedelta(hours=1)
QUOTA = 100_000


class Sha256Uploader(Uploader):
    """tuspy sends sha1 checksums; the same client with the other algorithm the portal offers."""

    CHECKSUM_ALGORITHM_PAIR = ("sha256", hashlib.sha256)


def _headers(station, more: dict[str, str] | None = None) -> dict[str, str]:
    return {**TUS, **station.bearer(), **(more or {})}


def _metadata(entry) -> str:
    return encode_metadata(bundle_metadata(entry))


def _create(portal, station, entry) -> str:
    response = httpx.post(
        f"{portal.url}/files/",
        headers=_headers(station, {"Upload-Length": str(entry.size), "Upload-Metadata": _metadata(entry)}),
    )
    assert response.status_code == 201, response.text
    return response.headers["Location"]


def _patch(url: str, station, offset: int, data: bytes) -> httpx.Response:
    headers = _headers(station, {"Content-Type": "application/offset+octet-stream", "Upload-Offset": str(offset)})
    return httpx.patch(url, headers=headers, content=data)


def _offset(url: str, station) -> int:
    response = httpx.head(url, headers=_headers(station))
    assert response.status_code == 200, response.status_code
    return int(response.headers["Upload-Offset"])


def _receipt_payload(portal, station, entry) -> dict:
    with station.client(portal.url) as client:
        receipt = client.receipt(entry.package_id, entry.package_version, entry.sha256)
    portal_key = httpx.get(f"{portal.url}/api/v1/portal-key").json()["public_key"]
    payload = verify_signed_payload(receipt, portal_key)
    assert payload is not None, "the receipt's signature does not verify"
    return payload


def _stored_sha256(portal, entry) -> str:
    stored = portal.data_dir / "bundles" / f"{entry.package_id}-v{entry.package_version}-{entry.sha256}.zip"
    return hashlib.sha256(stored.read_bytes()).hexdigest()


def _wait_until(condition: Callable[[], bool], seconds: float = 5.0) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.02)


def _open_patch(url: str, station, offset: int, length: int, checksum: str | None = None) -> socket.socket:
    """Start a PATCH of `length` bytes on a raw connection and send only its headers."""
    parts = urlsplit(url)
    lines = [
        f"PATCH {parts.path} HTTP/1.1",
        f"Host: {parts.netloc}",
        "Tus-Resumable: 1.0.0",
        f"Authorization: {station.bearer()['Authorization']}",
        "Content-Type: application/offset+octet-stream",
        f"Upload-Offset: {offset}",
        f"Content-Length: {length}",
    ]
    if checksum is not None:
        lines.append(f"Upload-Checksum: {checksum}")
    connection = socket.create_connection((parts.hostname, parts.port))
    connection.sendall(("\r\n".join(lines) + "\r\n\r\n").encode())
    return connection


def _upload_file(portal, url: str) -> Path:
    return portal.data_dir / "uploads" / urlsplit(url).path.rsplit("/", 1)[1]


@pytest.fixture
def station(enrolled_station):
    return enrolled_station("a")


# --- an independent client ------------------------------------------------------------------------


@pytest.mark.parametrize("uploader_class", [Uploader, Sha256Uploader], ids=["sha1", "sha256"])
def test_tuspy_delivers_a_bundle_with_either_checksum(portal, station, uploader_class):
    entry = station.seal()
    with station.bundle_path(entry).open("rb") as stream:
        uploader = uploader_class(
            file_stream=stream,
            client=tus_client.TusClient(f"{portal.url}/files/", headers=station.bearer()),
            chunk_size=3000,
            upload_checksum=True,
            metadata=bundle_metadata(entry),
        )
        assert uploader.checksum_algorithm_name == uploader_class.CHECKSUM_ALGORITHM_PAIR[0]
        uploader.upload()
    assert uploader.offset == entry.size
    payload = _receipt_payload(portal, station, entry)
    assert payload["state"] == "accepted", payload["reasons"]
    assert _stored_sha256(portal, entry) == entry.sha256


def test_tuspy_resumes_after_a_cut_connection_where_the_portal_left_off(portal, station):
    entry = station.seal()
    data = station.bundle_path(entry).read_bytes()
    client = tus_client.TusClient(f"{portal.url}/files/", headers=station.bearer())
    with station.bundle_path(entry).open("rb") as stream:
        first = client.uploader(file_stream=stream, chunk_size=2500, metadata=bundle_metadata(entry))
        first.upload(stop_at=5000)  # two chunks acknowledged, then the laptop goes to sleep
    url = first.url
    assert _offset(url, station) == 5000

    # The next chunk's connection drops after 3000 of its bytes (no checksum: tus keeps them).
    with _open_patch(url, station, 5000, len(data) - 5000) as cut:
        cut.sendall(data[5000:8000])
        _wait_until(lambda: _upload_file(portal, url).stat().st_size == 8000)
    _wait_until(lambda: _offset(url, station) == 8000)

    with station.bundle_path(entry).open("rb") as stream:
        resumed = client.uploader(file_stream=stream, url=url, chunk_size=2500, upload_checksum=True)
        assert resumed.offset == 8000, "tuspy asked the portal (HEAD) where to go on"
        resumed.upload()
    assert resumed.offset == entry.size
    assert _receipt_payload(portal, station, entry)["state"] == "accepted"
    assert _stored_sha256(portal, entry) == entry.sha256


def test_a_cut_chunk_with_a_checksum_is_dropped_and_resent_whole(portal, station):
    entry = station.seal()
    data = station.bundle_path(entry).read_bytes()
    client = tus_client.TusClient(f"{portal.url}/files/", headers=station.bearer())
    with station.bundle_path(entry).open("rb") as stream:
        first = client.uploader(file_stream=stream, chunk_size=4000, metadata=bundle_metadata(entry))
        first.upload(stop_at=4000)
    url = first.url
    sha1 = "sha1 " + base64.b64encode(hashlib.sha1(data[4000:8000]).digest()).decode()

    with _open_patch(url, station, 4000, 4000, checksum=sha1) as cut:
        cut.sendall(data[4000:7000])
        _wait_until(lambda: _upload_file(portal, url).stat().st_size == 7000)
    # A partial body cannot be checked against its checksum, so none of it counts.
    _wait_until(lambda: _upload_file(portal, url).stat().st_size == 4000)
    assert _offset(url, station) == 4000

    with station.bundle_path(entry).open("rb") as stream:
        resumed = client.uploader(file_stream=stream, url=url, chunk_size=4000, upload_checksum=True)
        resumed.upload()
    assert _receipt_payload(portal, station, entry)["state"] == "accepted"


# --- protocol details on the real server ----------------------------------------------------------


def test_an_unsupported_protocol_version_is_412_naming_the_supported_one(portal, station):
    response = httpx.post(
        f"{portal.url}/files/", headers={**station.bearer(), "Tus-Resumable": "0.2.2", "Upload-Length": "10"}
    )
    assert response.status_code == 412
    assert response.headers["Tus-Version"] == "1.0.0"
    assert response.headers["Tus-Resumable"] == "1.0.0"
    assert "Tus-Resumable: 1.0.0" in response.json()["detail"]


def test_x_http_method_override_stands_for_the_method(portal, station):
    """tus core: for networks whose proxies pass only GET and POST."""
    entry = station.seal()
    data = station.bundle_path(entry).read_bytes()
    url = _create(portal, station, entry)
    patched = httpx.post(
        url,
        headers=_headers(
            station,
            {
                "X-HTTP-Method-Override": "PATCH",
                "Content-Type": "application/offset+octet-stream",
                "Upload-Offset": "0",
            },
        ),
        content=data[:1000],
    )
    assert patched.status_code == 204
    assert patched.headers["Upload-Offset"] == "1000"
    deleted = httpx.post(url, headers=_headers(station, {"X-HTTP-Method-Override": "DELETE"}))
    assert deleted.status_code == 204
    assert httpx.head(url, headers=_headers(station)).status_code == 404


def test_termination_frees_the_bytes_and_every_later_request_is_404(portal, station):
    entry = station.seal()
    data = station.bundle_path(entry).read_bytes()
    url = _create(portal, station, entry)
    assert _patch(url, station, 0, data[:6000]).status_code == 204
    assert _upload_file(portal, url).stat().st_size == 6000
    upload_id = urlsplit(url).path.rsplit("/", 1)[1]

    response = httpx.delete(url, headers=_headers(station))

    assert response.status_code == 204
    assert response.headers["Tus-Resumable"] == "1.0.0"
    assert not _upload_file(portal, url).exists()
    assert portal.sql("SELECT count(*) FROM uploads WHERE upload_id = ?", (upload_id,)) == [(0,)]
    assert httpx.head(url, headers=_headers(station)).status_code == 404
    assert _patch(url, station, 6000, data[6000:7000]).status_code == 404
    assert httpx.delete(url, headers=_headers(station)).status_code == 404


def test_a_second_writer_on_the_same_upload_is_refused_while_the_first_writes(portal, station):
    entry = station.seal()
    data = station.bundle_path(entry).read_bytes()
    url = _create(portal, station, entry)
    with _open_patch(url, station, 0, 8000) as first:
        first.sendall(data[:3000])
        _wait_until(lambda: _upload_file(portal, url).stat().st_size == 3000)  # the portal is mid-body

        racing = _patch(url, station, 0, data[:8000])
        terminating = httpx.delete(url, headers=_headers(station))
        assert (racing.status_code, terminating.status_code) == (423, 423)
        assert "retry" in racing.json()["detail"]

        first.sendall(data[3000:8000])
        answer = first.recv(4096).decode()
    assert answer.startswith("HTTP/1.1 204")
    assert "upload-offset: 8000" in answer.lower()
    assert _offset(url, station) == 8000
    # Once the first writer is done, a stale offset is a conflict, not a lock.
    assert _patch(url, station, 0, data[:1000]).status_code == 409


# --- expiration on the portal's own clock (the app served in this process) -----------------------------------------


class MovableClock:
    def __init__(self) -> None:
        self.now = datetime(2026, 6, 1, 8, 0, tzinfo=UTC)

    def __call__(self) -> datetime:
        return self.now

    def advance(self, by: timedelta) -> None:
        self.now += by


class InProcessPortal:
    def __init__(self, client: httpx.Client, data_dir: Path, clock: MovableClock, token: str) -> None:
        self.client = client
        self.data_dir = data_dir
        self.clock = clock
        self.auth = {**TUS, "Authorization": f"Bearer {token}"}

    def post(self, length: int) -> httpx.Response:
        metadata = {"filename": "b.zip", "package_id": new_id(), "version": "1", "sha256": "0" * 64}
        return self.client.post(
            "/files/",
            headers={**self.auth, "Upload-Length": str(length), "Upload-Metadata": encode_metadata(metadata)},
        )

    def create(self, length: int = 10_000) -> str:
        response = self.post(length)
        assert response.status_code == 201, response.text
        return urlsplit(response.headers["Location"]).path

    def patch(self, path: str, offset: int, data: bytes) -> httpx.Response:
        headers = {**self.auth, "Content-Type": "application/offset+octet-stream", "Upload-Offset": str(offset)}
        return self.client.patch(path, headers=headers, content=data)

    def head(self, path: str) -> httpx.Response:
        return self.client.head(path, headers=self.auth)

    def upload_file(self, path: str) -> Path:
        return self.data_dir / "uploads" / path.rsplit("/", 1)[1]


@contextmanager
def _serving_in_a_thread(app: object) -> Iterator[str]:
    """uvicorn on 127.0.0.1 in this process, so the test keeps the app's clock in hand."""
    listener = socket.create_server(("127.0.0.1", 0))
    server = uvicorn.Server(uvicorn.Config(app, log_level="warning"))
    thread = threading.Thread(target=server.run, kwargs={"sockets": [listener]}, daemon=True)
    thread.start()
    try:
        _wait_until(lambda: server.started)
        yield f"http://127.0.0.1:{listener.getsockname()[1]}"
    finally:
        server.should_exit = True
        thread.join()
        listener.close()


@pytest.fixture
def in_process(tmp_path: Path) -> Iterator[InProcessPortal]:
    data_dir = tmp_path / "portal"
    clock = MovableClock()
    app = create_app(data_dir, PortalLimits(upload_lifetime=LIFETIME, station_quota=QUOTA), clock)
    with _serving_in_a_thread(app) as url, httpx.Client(base_url=url) as client:
        enrolled = client.post(
            "/api/v1/enrol",
            json={
                "code": enrol_code(data_dir),
                "station_id": new_id(),
                "name": "Embassy",
                "public_key": public_key_b64(Ed25519PrivateKey.generate()),
            },
        )
        assert enrolled.status_code == 201, enrolled.text
        yield InProcessPortal(client, data_dir, clock, enrolled.json()["token"])


def _expiry(response: httpx.Response) -> datetime:
    return parsedate_to_datetime(response.headers["Upload-Expires"])


def test_upload_expires_is_announced_at_creation_and_pushed_back_by_each_chunk(in_process):
    started = in_process.clock.now
    created = in_process.client.post(
        "/files/",
        headers={
            **in_process.auth,
            "Upload-Length": "10000",
            "Upload-Metadata": encode_metadata(
                {"filename": "b.zip", "package_id": new_id(), "version": "1", "sha256": "0" * 64}
            ),
        },
    )
    assert _expiry(created) == started + LIFETIME
    path = urlsplit(created.headers["Location"]).path

    in_process.clock.advance(timedelta(minutes=50))
    patched = in_process.patch(path, 0, os.urandom(4000))
    assert patched.status_code == 204
    assert _expiry(patched) == in_process.clock.now + LIFETIME
    assert _expiry(in_process.head(path)) == in_process.clock.now + LIFETIME

    in_process.clock.advance(timedelta(minutes=50))  # 100 minutes after creation, 50 after the chunk
    assert in_process.patch(path, 4000, os.urandom(1000)).status_code == 204


def test_an_expired_upload_is_410_once_with_its_bytes_removed_then_404(in_process):
    path = in_process.create()
    assert in_process.patch(path, 0, os.urandom(4000)).status_code == 204
    assert in_process.upload_file(path).stat().st_size == 4000

    in_process.clock.advance(LIFETIME + timedelta(seconds=1))

    gone = in_process.patch(path, 4000, os.urandom(1000))
    assert gone.status_code == 410
    assert "expired" in gone.json()["detail"]
    assert not in_process.upload_file(path).exists()
    assert in_process.head(path).status_code == 404
    assert in_process.patch(path, 4000, b"x").status_code == 404


def test_expired_uploads_nobody_touches_again_are_purged_by_the_next_creation(in_process):
    abandoned = [in_process.create() for _ in range(3)]
    for path in abandoned:
        assert in_process.patch(path, 0, os.urandom(2000)).status_code == 204
    in_process.clock.advance(LIFETIME / 2)
    kept = in_process.create()

    in_process.clock.advance(LIFETIME / 2 + timedelta(seconds=1))
    in_process.create()

    assert [in_process.upload_file(path).exists() for path in abandoned] == [False, False, False]
    assert in_process.upload_file(kept).exists()
    assert in_process.head(kept).status_code == 200


# --- the per-station quota --------------------------------------------------------------------------


def test_an_upload_past_the_stations_quota_is_413_naming_the_bytes_and_creates_nothing(in_process):
    first = in_process.create(40_000)
    in_process.create(40_000)
    uploads_before = sorted(path.name for path in (in_process.data_dir / "uploads").iterdir())

    refused = in_process.post(40_000)

    assert refused.status_code == 413
    assert "holds 80000 of its 100000 bytes" in refused.json()["detail"]
    assert sorted(path.name for path in (in_process.data_dir / "uploads").iterdir()) == uploads_before
    # Terminating an unfinished upload gives its room back.
    assert in_process.client.delete(first, headers=in_process.auth).status_code == 204
    assert in_process.post(40_000).status_code == 201


def test_a_full_station_gets_its_delivered_bundle_acknowledged_again_but_no_new_one(tmp_path, new_station):
    station = new_station("a")
    delivered, refused = station.seal(), station.seal()
    data_dir = tmp_path / "portal"
    data_dir.mkdir()
    (data_dir / "portal.toml").write_text(f"[limits]\nstation_quota = {delivered.size + 1000}\n", "utf-8")
    with running_portal(data_dir) as portal:
        station.enrol(portal.url, enrol_code(portal.data_dir))
        with station.client(portal.url) as client:
            client.upload(station.bundle_path(delivered), bundle_metadata(delivered))
            client.upload(station.bundle_path(delivered), bundle_metadata(delivered))  # the quota is full now
            with pytest.raises(UploadRefused, match=f"it holds {delivered.size} of its {delivered.size + 1000} bytes"):
                client.upload(station.bundle_path(refused), bundle_metadata(refused))
        assert _receipt_payload(portal, station, delivered)["state"] == "accepted"
        assert portal.sql("SELECT package_id FROM bundles") == [(delivered.package_id,)]
        assert list((data_dir / "uploads").iterdir()) == []


def test_upload_files_no_row_names_are_removed_when_the_portal_starts(tmp_path, new_station):
    """The portal stopped between creating an upload's file and committing its row: the file goes."""
    station = new_station("a")
    entry = station.seal()
    data_dir = tmp_path / "portal"
    with running_portal(data_dir) as portal:
        station.enrol(portal.url, enrol_code(portal.data_dir))
        with station.client(portal.url) as client:
            client.upload(station.bundle_path(entry), bundle_metadata(entry))
    orphan = data_dir / "uploads" / new_upload_id()
    orphan.write_bytes(b"half a bundle")
    not_ours = data_dir / "uploads" / "README.txt"
    not_ours.write_text("an operator's note", "utf-8")

    with running_portal(data_dir) as portal:
        # Uvicorn answers only once start-up (where the clean-up runs) is over.
        assert httpx.get(f"{portal.url}/api/v1/portal-key", timeout=10).status_code == 200
        assert not orphan.exists()
        assert not_ours.exists(), "only files named like our uploads are ours to remove"
        assert portal.sql("SELECT package_id FROM bundles") == [(entry.package_id,)]
