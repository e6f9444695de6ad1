"""Enrolment: a one-time code buys a station token; codes and tokens are stored only as digests."""

from __future__ import annotations

import contextlib
import hashlib
import sqlite3
import stat

import httpx
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from tests.support.portal_process import enrol_code
from workstation.signing import public_key_b64


def _enrol(portal, code, station_id="01900000-0000-7000-8000-000000000001", public_key=None):
    return httpx.post(
        f"{portal.url}/api/v1/enrol",
        json={
            "code": code,
            "station_id": station_id,
            "name": "Đại sứ quán tại Seoul",
            "public_key": public_key or public_key_b64(Ed25519PrivateKey.generate()),
        },
    )


def test_a_good_code_returns_a_token_and_the_portal_key(portal):
    code = enrol_code(portal.data_dir)
    response = _enrol(portal, code)
    assert response.status_code == 201
    body = response.json()
    assert body["station_id"] == "01900000-0000-7000-8000-000000000001"
    assert body["portal_public_key"] == httpx.get(f"{portal.url}/api/v1/portal-key").json()["public_key"]
    receipts = f"{portal.url}/api/v1/receipts/01900000-0000-7000-8000-0000000000aa/1"
    assert httpx.get(receipts, headers={"Authorization": f"Bearer {body['token']}"}).status_code == 404
    assert httpx.get(receipts, headers={"Authorization": "Bearer not-the-token"}).status_code == 401


def test_a_used_code_is_refused(portal):
    code = enrol_code(portal.data_dir)
    assert _enrol(portal, code).status_code == 201
    again = _enrol(portal, code, station_id="01900000-0000-7000-8000-000000000002")
    assert again.status_code == 403
    assert "already used" in again.json()["detail"]


def test_an_unknown_code_is_refused(portal):
    response = _enrol(portal, "AAAA-BBBB-CCCC-DDDD")
    assert response.status_code == 403
    assert "unknown enrolment code" in response.json()["detail"]


def test_a_key_that_is_not_ed25519_is_refused_with_a_readable_detail(portal):
    response = _enrol(portal, enrol_code(portal.data_dir), public_key="bm90IGEga2V5")
    assert response.status_code == 422
    assert isinstance(response.json()["detail"], str)
    assert "public_key" in response.json()["detail"]


def test_codes_and_tokens_are_stored_only_as_sha256_digests(portal):
    code = enrol_code(portal.data_dir)
    token = _enrol(portal, code, station_id="01900000-0000-7000-8000-000000000003").json()["token"]
    with contextlib.closing(sqlite3.connect(portal.database)) as db:
        dump = "\n".join(db.iterdump())
    [(stored_token,)] = portal.sql(
        "SELECT token_digest FROM stations WHERE station_id = ?", ("01900000-0000-7000-8000-000000000003",)
    )
    assert token not in dump
    assert code.replace("-", "") not in dump and code not in dump
    assert stored_token == hashlib.sha256(token.encode()).hexdigest()


def test_the_portal_key_file_is_readable_by_its_owner_only(portal):
    assert stat.S_IMODE((portal.data_dir / "portal-key.pem").stat().st_mode) == 0o600
