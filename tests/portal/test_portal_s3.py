"""Bundles in S3-compatible object storage, against moto's S3 server on 127.0.0.1."""

from __future__ import annotations

import hashlib
import os
import socket

import pytest

from portal.config import PortalPaths, PortalSettings
from portal.errors import PortalSetupError
from portal.storage import FolderBundleStorage, S3BundleStorage, open_bundle_storage
from tests.support.portal_process import enrol_code, running_portal
from tests.support.s3 import REGION, S3Server, s3_server_fixture  # noqa: F401 (the s3_server fixture)

MIB = 1024 * 1024


def _storage(s3: S3Server, **transfer: int) -> S3BundleStorage:
    return S3BundleStorage(s3.client(), s3.bucket, s3.prefix, **transfer)


def _settings(s3: S3Server, bucket: str | None = None, endpoint_url: str | None = None) -> PortalSettings:
    return PortalSettings(
        s3_bucket=bucket or s3.bucket, s3_prefix=s3.prefix, s3_endpoint_url=endpoint_url or s3.endpoint_url,
        s3_region=REGION,
    )  # fmt: skip


def test_a_small_bundle_is_put_read_back_and_deleted(s3_server, tmp_path):
    storage = _storage(s3_server)
    source = tmp_path / "b.zip"
    content = os.urandom(300_000)
    source.write_bytes(content)

    storage.put(source, "p-v1.zip")

    assert source.read_bytes() == content, "put leaves its source to the caller"
    assert s3_server.keys() == ["bundles/p-v1.zip"]
    assert storage.exists("p-v1.zip") and not storage.exists("p-v2.zip")
    with storage.open("p-v1.zip") as stream:
        assert stream.read() == content
    storage.delete("p-v1.zip")
    assert s3_server.keys() == [] and not storage.exists("p-v1.zip")


def test_a_large_bundle_goes_up_in_parts_byte_identical(s3_server, tmp_path):
    storage = _storage(s3_server, multipart_threshold=5 * MIB, part_size=5 * MIB)
    source = tmp_path / "big.zip"
    content = os.urandom(12 * MIB)  # three parts: 5 + 5 + 2 MiB
    source.write_bytes(content)

    storage.put(source, "big-v1.zip")

    head = s3_server.client().head_object(Bucket=s3_server.bucket, Key="bundles/big-v1.zip")
    assert head["ETag"].strip('"').endswith("-3"), "a multipart object's ETag counts its parts"
    assert s3_server.sha256("bundles/big-v1.zip") == hashlib.sha256(content).hexdigest()
    digest = hashlib.sha256()
    with storage.open("big-v1.zip") as stream:
        while chunk := stream.read(MIB):
            digest.update(chunk)
    assert digest.hexdigest() == hashlib.sha256(content).hexdigest()


def test_reading_a_missing_bundle_is_file_not_found(s3_server):
    with pytest.raises(FileNotFoundError, match=r"no bundle nothing-v1\.zip in s3://"):
        _storage(s3_server).open("nothing-v1.zip")


def test_a_name_that_would_leave_the_prefix_is_refused(s3_server, tmp_path):
    source = tmp_path / "b.zip"
    source.write_bytes(b"x")
    with pytest.raises(ValueError, match="not a bundle file name"):
        _storage(s3_server).put(source, "../escape.zip")
    assert source.exists() and s3_server.keys() == []


def test_the_settings_choose_the_bucket_or_the_data_folder(s3_server, tmp_path):
    paths = PortalPaths(tmp_path / "data")
    assert isinstance(open_bundle_storage(_settings(s3_server), paths), S3BundleStorage)
    assert isinstance(open_bundle_storage(PortalSettings(), paths), FolderBundleStorage)


def test_a_missing_bucket_is_a_readable_setup_error(s3_server, tmp_path):
    with pytest.raises(PortalSetupError, match=r"s3://no-such-bucket/bundles/ .*there is no such bucket"):
        open_bundle_storage(_settings(s3_server, bucket="no-such-bucket"), PortalPaths(tmp_path))


def test_an_unreachable_endpoint_is_a_readable_setup_error(s3_server, tmp_path):
    with socket.socket() as unused:  # a port nothing listens on once closed
        unused.bind(("127.0.0.1", 0))
        port = unused.getsockname()[1]
    with pytest.raises(PortalSetupError, match="cannot reach the bundle bucket"):
        open_bundle_storage(_settings(s3_server, endpoint_url=f"http://127.0.0.1:{port}"), PortalPaths(tmp_path))


def _write_storage_settings(data_dir, s3: S3Server) -> None:
    data_dir.mkdir(parents=True)
    (data_dir / "portal.toml").write_text(
        f'[storage]\ns3_bucket = "{s3.bucket}"\ns3_prefix = "{s3.prefix}"\n'
        f's3_endpoint_url = "{s3.endpoint_url}"\ns3_region = "{REGION}"\n',
        "utf-8",
    )


def _upload(portal, station, entry) -> dict:
    with station.client(portal.url) as client:
        client.upload(
            station.bundle_path(entry),
            {"filename": entry.file_name, "package_id": entry.package_id, "version": "1", "sha256": entry.sha256},
        )
        receipt = client.receipt(entry.package_id, 1, entry.sha256)
    assert receipt is not None
    return receipt["payload"]


def test_a_portal_on_s3_keeps_each_accepted_bundle_once_in_the_bucket_only(s3_server, tmp_path, new_station):
    data_dir = tmp_path / "portal"
    _write_storage_settings(data_dir, s3_server)
    station = new_station("a")
    with running_portal(data_dir) as portal:
        station.enrol(portal.url, enrol_code(portal.data_dir))
        accepted = station.seal()
        rejected = station.tamper(station.seal())
        first, second = _upload(portal, station, accepted), _upload(portal, station, rejected)
        again = _upload(portal, station, accepted)
    assert first["state"] == "accepted", first["reasons"]
    assert second["state"] == "rejected"
    assert again == first, "a second upload of the same bundle gets the first receipt"

    assert s3_server.keys() == [f"bundles/{accepted.package_id}-v1-{accepted.sha256}.zip"]
    assert s3_server.sha256(f"bundles/{accepted.package_id}-v1-{accepted.sha256}.zip") == accepted.sha256
    assert list(data_dir.rglob("*.zip")) == []
    assert list((data_dir / "uploads").iterdir()) == []


def test_a_portal_whose_bucket_is_missing_does_not_start(s3_server, tmp_path):
    data_dir = tmp_path / "portal"
    _write_storage_settings(data_dir, S3Server(s3_server.endpoint_url, "no-such-bucket"))
    with pytest.raises(RuntimeError, match="no such bucket"), running_portal(data_dir):
        pass
