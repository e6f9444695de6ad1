"""Garbage at the tus endpoint: each request gets the right status and a JSON reason, and nothing is
stored — the uploads folder, the bundles folder and the database rows are as they were."""

from __future__ import annotations

import base64
import hashlib
import os
from collections.abc import Iterator
from contextlib import contextmanager

import httpx
import pytest

from workstation.ids import new_id
from workstation.sync.tus import encode_metadata

TUS = {"Tus-Resumable": "1.0.0"}
OFFSET_STREAM = {"Content-Type": "application/offset+octet-stream"}
LENGTH = 10_000
RECEIVED = 4_000


def _snapshot(portal) -> dict[str, object]:
    def files(folder: str) -> dict[str, int]:
        return {path.name: path.stat().st_size for path in (portal.data_dir / folder).iterdir()}

    return {
        "uploads/": files("uploads"),
        "bundles/": files("bundles"),
        **{table: portal.sql(f"SELECT * FROM {table} ORDER BY 1") for table in ("uploads", "receipts", "bundles")},
    }


@contextmanager
def _nothing_stored(portal) -> Iterator[None]:
    before = _snapshot(portal)
    yield
    assert _snapshot(portal) == before


def _assert_refused(response: httpx.Response, status: int, detail: str | None = None) -> None:
    assert response.status_code == status, response.text
    assert response.headers["Tus-Resumable"] == "1.0.0"
    if response.request.method != "HEAD":
        body = response.json()
        assert isinstance(body["detail"], str) and body["detail"]
        if detail is not None:
            assert detail in body["detail"]


def _metadata(**overrides: str) -> str:
    values = {"filename": "b.zip", "package_id": new_id(), "version": "1", "sha256": "0" * 64, **overrides}
    return encode_metadata(values)


@pytest.fixture
def station(enrolled_station):
    return enrolled_station("a")


@pytest.fixture
def partial_upload(portal, station) -> str:
    """An upload of LENGTH bytes with RECEIVED acknowledged: garbage must not move it."""
    created = httpx.post(
        f"{portal.url}/files/",
        headers={**TUS, **station.bearer(), "Upload-Length": str(LENGTH), "Upload-Metadata": _metadata()},
    )
    url = created.headers["Location"]
    headers = {**TUS, **station.bearer(), **OFFSET_STREAM, "Upload-Offset": "0"}
    assert httpx.patch(url, headers=headers, content=os.urandom(RECEIVED)).status_code == 204
    return url


# --- creation -------------------------------------------------------------------------------------

BAD_CREATIONS = {
    "no Upload-Length": ({"Upload-Metadata": _metadata()}, 400, "Upload-Length is missing"),
    "negative length": ({"Upload-Length": "-1", "Upload-Metadata": _metadata()}, 400, "non-negative integer"),
    "length not a number": ({"Upload-Length": "ten", "Upload-Metadata": _metadata()}, 400, "non-negative integer"),
    "length in exponent form": ({"Upload-Length": "1e6", "Upload-Metadata": _metadata()}, 400, None),
    "length of a superscript digit": ({"Upload-Length": b"\xb2", "Upload-Metadata": _metadata()}, 400, None),
    "length of 5000 digits": ({"Upload-Length": "9" * 5000, "Upload-Metadata": _metadata()}, 400, None),
    "zero length": ({"Upload-Length": "0", "Upload-Metadata": _metadata()}, 400, "an empty file is not a bundle"),
    "deferred length": ({"Upload-Defer-Length": "1", "Upload-Metadata": _metadata()}, 400, "not supported"),
    "no metadata": ({"Upload-Length": "100"}, 400, "Upload-Metadata is missing"),
    "metadata without the bundle keys": (
        {"Upload-Length": "100", "Upload-Metadata": encode_metadata({"filename": "b.zip"})},
        400,
        "package_id is missing; version is missing; sha256 is missing",
    ),
    "metadata value not base64": ({"Upload-Length": "100", "Upload-Metadata": "filename ***"}, 400, "not base64"),
    "metadata value not UTF-8": (
        {"Upload-Length": "100", "Upload-Metadata": "filename " + base64.b64encode(b"\xff\xfe.zip").decode()},
        400,
        "not base64 UTF-8",
    ),
    "metadata key repeated": (
        {"Upload-Length": "100", "Upload-Metadata": _metadata() + ",filename eC56aXA="},
        400,
        "repeats the key 'filename'",
    ),
    "metadata key empty": ({"Upload-Length": "100", "Upload-Metadata": ",filename eC56aXA="}, 400, "key ''"),
    "metadata key not ASCII": (
        {"Upload-Length": "100", "Upload-Metadata": b"t\xean eA==," + _metadata().encode()},
        400,
        "not printable ASCII",
    ),
    "huge metadata": (
        {"Upload-Length": "100", "Upload-Metadata": _metadata(filetype="x" * 6000)},
        400,
        "at most 4096",
    ),
    "package id not a UUID": (
        {"Upload-Length": "100", "Upload-Metadata": _metadata(package_id="../../portal")},
        400,
        "package_id is not a lower-case UUID",
    ),
    "version not a number": (
        {"Upload-Length": "100", "Upload-Metadata": _metadata(version="1; DROP TABLE uploads")},
        400,
        "version is not a positive integer",
    ),
    "old protocol version": ({"Tus-Resumable": "0.2.2", "Upload-Length": "100"}, 412, "Tus-Resumable: 1.0.0"),
}


@pytest.mark.parametrize("headers, status, detail", BAD_CREATIONS.values(), ids=BAD_CREATIONS.keys())
def test_a_bad_creation_is_refused_and_creates_nothing(portal, station, headers, status, detail):
    with _nothing_stored(portal):
        response = httpx.post(f"{portal.url}/files/", headers={**TUS, **station.bearer(), **headers})
    _assert_refused(response, status, detail)
    if status == 412:
        assert response.headers["Tus-Version"] == "1.0.0"


def test_a_request_without_tus_resumable_is_412(portal, station):
    with _nothing_stored(portal):
        response = httpx.post(f"{portal.url}/files/", headers={**station.bearer(), "Upload-Length": "100"})
    _assert_refused(response, 412)


def test_an_upload_larger_than_the_portal_takes_is_413_before_any_byte(portal, station):
    maximum = int(httpx.options(f"{portal.url}/files/").headers["Tus-Max-Size"])
    with _nothing_stored(portal):
        response = httpx.post(
            f"{portal.url}/files/",
            headers={**TUS, **station.bearer(), "Upload-Length": str(maximum + 1), "Upload-Metadata": _metadata()},
        )
    _assert_refused(response, 413, f"more than the {maximum} bytes")


# --- authentication -------------------------------------------------------------------------------

BAD_CREDENTIALS = {
    "none": {},
    "unknown token": {"Authorization": "Bearer 6YkB2Kq0p3d-not-a-token"},
    "basic scheme": {"Authorization": "Basic YWRtaW46YWRtaW4="},
    "bearer without a token": {"Authorization": "Bearer"},
    "non-UTF-8 token": {"Authorization": b"Bearer \xff\xfe\xfd"},
}


@pytest.mark.parametrize("credentials", BAD_CREDENTIALS.values(), ids=BAD_CREDENTIALS.keys())
def test_unauthenticated_requests_are_401_whatever_they_ask(portal, partial_upload, credentials):
    with _nothing_stored(portal):
        responses = [
            httpx.post(
                f"{portal.url}/files/",
                headers={**TUS, **credentials, "Upload-Length": "100", "Upload-Metadata": _metadata()},
            ),
            httpx.head(partial_upload, headers={**TUS, **credentials}),
            httpx.patch(
                partial_upload,
                headers={**TUS, **credentials, **OFFSET_STREAM, "Upload-Offset": str(RECEIVED)},
                content=b"x" * 100,
            ),
            httpx.delete(partial_upload, headers={**TUS, **credentials}),
        ]
    for response in responses:
        _assert_refused(response, 401)
        assert response.headers["WWW-Authenticate"] == "Bearer"


# --- appending ------------------------------------------------------------------------------------


def _sha(algorithm: str, data: bytes) -> str:
    return f"{algorithm} " + base64.b64encode(hashlib.new(algorithm, data).digest()).decode()


CHUNK = os.urandom(1000)
BAD_PATCHES = {
    "no content type": ({"Upload-Offset": str(RECEIVED)}, CHUNK, 415, "application/offset+octet-stream"),
    "JSON content type": (
        {"Content-Type": "application/json", "Upload-Offset": str(RECEIVED)},
        CHUNK,
        415,
        None,
    ),
    "no offset": (OFFSET_STREAM, CHUNK, 400, "Upload-Offset is missing"),
    "negative offset": ({**OFFSET_STREAM, "Upload-Offset": "-4000"}, CHUNK, 400, "non-negative integer"),
    "offset not a number": ({**OFFSET_STREAM, "Upload-Offset": "4k"}, CHUNK, 400, None),
    "offset of superscript digits": ({**OFFSET_STREAM, "Upload-Offset": b"\xb2\xb3"}, CHUNK, 400, None),
    "offset behind": ({**OFFSET_STREAM, "Upload-Offset": "0"}, CHUNK, 409, f"the upload's offset {RECEIVED}"),
    "offset ahead": ({**OFFSET_STREAM, "Upload-Offset": str(RECEIVED + 1000)}, CHUNK, 409, None),
    "unknown checksum algorithm": (
        {**OFFSET_STREAM, "Upload-Offset": str(RECEIVED), "Upload-Checksum": _sha("md5", CHUNK)},
        CHUNK,
        400,
        "'md5' is not one of sha256, sha1",
    ),
    "checksum not base64": (
        {**OFFSET_STREAM, "Upload-Offset": str(RECEIVED), "Upload-Checksum": "sha256 ***"},
        CHUNK,
        400,
        "not base64",
    ),
    "checksum of the wrong size": (
        {
            **OFFSET_STREAM,
            "Upload-Offset": str(RECEIVED),
            "Upload-Checksum": "sha256 " + _sha("sha1", CHUNK).split()[1],
        },
        CHUNK,
        400,
        "a sha256 digest has 32",
    ),
    "checksum mismatch": (
        {**OFFSET_STREAM, "Upload-Offset": str(RECEIVED), "Upload-Checksum": _sha("sha256", CHUNK[:-1])},
        CHUNK,
        460,
        "resend it",
    ),
    "body past the declared length": (
        {**OFFSET_STREAM, "Upload-Offset": str(RECEIVED)},
        os.urandom(LENGTH - RECEIVED + 1),
        413,
        f"only {LENGTH - RECEIVED} bytes remain",
    ),
    "streamed body past the declared length": (
        {**OFFSET_STREAM, "Upload-Offset": str(RECEIVED)},
        iter([os.urandom(4000), os.urandom(4000)]),  # chunked: no Content-Length to judge in advance
        413,
        "past the declared Upload-Length",
    ),
    "old protocol version": (
        {**OFFSET_STREAM, "Upload-Offset": str(RECEIVED), "Tus-Resumable": "0.2.2"},
        CHUNK,
        412,
        None,
    ),
}


@pytest.mark.parametrize("headers, body, status, detail", BAD_PATCHES.values(), ids=BAD_PATCHES.keys())
def test_a_bad_patch_is_refused_and_appends_nothing(portal, station, partial_upload, headers, body, status, detail):
    with _nothing_stored(portal):
        response = httpx.patch(partial_upload, headers={**TUS, **station.bearer(), **headers}, content=body)
    _assert_refused(response, status, detail)
    head = httpx.head(partial_upload, headers={**TUS, **station.bearer()})
    assert head.headers["Upload-Offset"] == str(RECEIVED)


# --- upload ids -----------------------------------------------------------------------------------

BOGUS_IDS = {
    "unknown id": "0123456789abcdef0123456789abcdef",
    "upper-case id": "0123456789ABCDEF0123456789ABCDEF",
    "encoded parent folder": "%2e%2e",  # httpx would resolve a literal ".." itself
    "a file beside the uploads": "portal.db",
    "encoded traversal": "..%2F..%2Fportal.db",
    "NUL": "abc%00def",
    "not UTF-8": "%ff%fe",
    "very long": "a" * 4000,
}


@pytest.mark.parametrize("upload_id", BOGUS_IDS.values(), ids=BOGUS_IDS.keys())
def test_a_bogus_upload_id_is_404_for_every_method(portal, station, upload_id):
    url = f"{portal.url}/files/{upload_id}"
    with _nothing_stored(portal):
        responses = [
            httpx.head(url, headers={**TUS, **station.bearer()}),
            httpx.patch(url, headers={**TUS, **station.bearer(), **OFFSET_STREAM, "Upload-Offset": "0"}, content=CHUNK),
            httpx.delete(url, headers={**TUS, **station.bearer()}),
        ]
    for response in responses:
        _assert_refused(response, 404)
    assert (portal.data_dir / "portal.db").is_file()


def test_another_stations_upload_is_404_and_stays_whole(portal, partial_upload, enrolled_station):
    intruder = enrolled_station("intruder")
    with _nothing_stored(portal):
        responses = [
            httpx.head(partial_upload, headers={**TUS, **intruder.bearer()}),
            httpx.patch(
                partial_upload,
                headers={**TUS, **intruder.bearer(), **OFFSET_STREAM, "Upload-Offset": str(RECEIVED)},
                content=CHUNK,
            ),
            httpx.delete(partial_upload, headers={**TUS, **intruder.bearer()}),
        ]
    for response in responses:
        _assert_refused(response, 404)


def test_a_method_tus_does_not_define_is_405(portal, station, partial_upload):
    with _nothing_stored(portal):
        response = httpx.get(partial_upload, headers={**TUS, **station.bearer()})
    _assert_refused(response, 405)
