"""moto's S3 server on 127.0.0.1, with a bucket, for tests of S3 bundle storage.

from tests.support.s3 import s3_server_fixture  # noqa: F401 (provides the s3_server fixture)

def test_x(s3_server):  # skips cleanly without moto
    client = s3_server.client()
"""

from __future__ import annotations

import hashlib
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

import pytest

# moto accepts any credentials; these keep boto3 from looking for real ones anywhere.
DUMMY_CREDENTIALS = {
    "AWS_ACCESS_KEY_ID": "testing",
    "AWS_SECRET_ACCESS_KEY": "testing",
    "AWS_SESSION_TOKEN": "testing",
    "AWS_DEFAULT_REGION": "us-east-1",
}
REGION = "us-east-1"


@dataclass(frozen=True)
class S3Server:
    endpoint_url: str
    bucket: str
    prefix: str = "bundles/"

    def client(self) -> Any:
        import boto3

        return boto3.client("s3", endpoint_url=self.endpoint_url, region_name=REGION)

    def keys(self) -> list[str]:
        listing = self.client().list_objects_v2(Bucket=self.bucket)
        return sorted(item["Key"] for item in listing.get("Contents", []))

    def sha256(self, key: str) -> str:
        body = self.client().get_object(Bucket=self.bucket, Key=key)["Body"]
        digest = hashlib.sha256()
        for chunk in body.iter_chunks(1024 * 1024):
            digest.update(chunk)
        return digest.hexdigest()

    def environment(self) -> dict[str, str]:
        """The variables that point a portal process at this bucket (credentials included)."""
        return {
            **DUMMY_CREDENTIALS,
            "PORTAL_S3_BUCKET": self.bucket,
            "PORTAL_S3_PREFIX": self.prefix,
            "PORTAL_S3_ENDPOINT_URL": self.endpoint_url,
            "PORTAL_S3_REGION": REGION,
        }


@contextmanager
def running_s3_server() -> Iterator[S3Server]:
    """Start moto's S3 on a free loopback port, create a fresh bucket, stop the server after."""
    from moto.server import ThreadedMotoServer

    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    try:
        host, port = server.get_host_and_port()
        s3 = S3Server(endpoint_url=f"http://{host}:{port}", bucket=f"portal-{uuid.uuid4().hex[:12]}")
        s3.client().create_bucket(Bucket=s3.bucket)
        yield s3
    finally:
        server.stop()


@pytest.fixture(name="s3_server")
def s3_server_fixture(monkeypatch: pytest.MonkeyPatch) -> Iterator[S3Server]:
    """moto's S3 server with an empty bucket; dummy credentials in this test's environment."""
    pytest.importorskip("moto.server", reason="moto is not installed")
    for name, value in DUMMY_CREDENTIALS.items():
        monkeypatch.setenv(name, value)
    with running_s3_server() as server:
        yield server
