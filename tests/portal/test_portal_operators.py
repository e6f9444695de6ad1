"""The operator's commands of `workstation-portal`, run as a real process on a real data folder:
ingest of hand-carried bundles, key, stations, bundles, register, decide, publish-glossary/-memory."""

from __future__ import annotations

import hashlib
import json
import subprocess

import httpx
import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from tests.portal.conftest import configure_data_dir, run_sql
from tests.support.portal_process import REPO_ROOT, portal_command, running_portal
from workstation.signing import fingerprint, verify_signed_payload
from workstation.translation.tmx import TmUnit, render_tmx

UNKNOWN_STATION = "01900000-0000-7000-8000-0000000000ff"
GLOSSARY_HEADER = "source_term,source_language,target_term,target_language,forbidden_variants,note\n"


def _cli(data_dir, *arguments: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        portal_command(data_dir, *arguments), capture_output=True, text=True, cwd=REPO_ROOT, timeout=60
    )


def _ok(data_dir, *arguments: str) -> str:
    completed = _cli(data_dir, *arguments)
    assert completed.returncode == 0, completed.stderr
    return completed.stdout


@pytest.fixture
def data_dir(tmp_path, database_url):
    return configure_data_dir(tmp_path / "portal", database_url)


@pytest.fixture
def registered(data_dir, new_station):
    """A station known to the portal without ever having been online (`register`)."""

    def make(name: str = "station"):
        station = new_station(name)
        _ok(data_dir, "register", station.station_id, "--name", name, "--public-key", station.identity.public_key)
        return station

    return make


def _copy_out(station, entry, folder):
    """The bundle as it arrives on a USB stick."""
    folder.mkdir(exist_ok=True)
    stick = folder / entry.file_name
    stick.write_bytes(station.bundle_path(entry).read_bytes())
    return stick


def test_ingest_writes_the_signed_receipt_beside_the_bundle_and_prints_its_path(data_dir, registered, tmp_path):
    station = registered("seoul")
    entry = station.seal()
    stick = _copy_out(station, entry, tmp_path / "usb")
    original = stick.read_bytes()

    completed = _cli(data_dir, "ingest", str(stick), "--station", station.station_id)
    assert completed.returncode == 0, completed.stderr
    receipt_path = stick.with_name(f"{entry.package_id}-v1.receipt.json")
    assert completed.stdout == f"{receipt_path}\n"
    document = json.loads(receipt_path.read_text("utf-8"))
    payload = verify_signed_payload(document, _ok(data_dir, "key").strip())
    assert payload is not None
    assert (payload["state"], payload["station_id"], payload["sha256"]) == (
        "accepted",
        station.station_id,
        entry.sha256,
    )
    assert stick.read_bytes() == original  # the operator's copy is left as it was
    stored = data_dir / "bundles" / f"{entry.package_id}-v1-{entry.sha256}.zip"
    assert hashlib.sha256(stored.read_bytes()).hexdigest() == entry.sha256
    assert list((data_dir / "uploads").iterdir()) == []


def test_ingesting_twice_gives_the_same_receipt_and_stores_once(data_dir, database_url, registered, tmp_path):
    station = registered()
    entry = station.seal()
    stick = _copy_out(station, entry, tmp_path / "usb")
    _ok(data_dir, "ingest", str(stick), "--station", station.station_id)
    first = stick.with_name(f"{entry.package_id}-v1.receipt.json").read_text("utf-8")
    _ok(data_dir, "ingest", str(stick), "--station", station.station_id)
    assert stick.with_name(f"{entry.package_id}-v1.receipt.json").read_text("utf-8") == first
    assert run_sql(data_dir, database_url, "SELECT COUNT(*) FROM bundles") == [(1,)]
    assert run_sql(data_dir, database_url, "SELECT COUNT(*) FROM receipts") == [(1,)]


def test_a_tampered_bundle_is_rejected_with_its_receipt_written_and_exit_1(data_dir, registered, tmp_path):
    station = registered()
    entry = station.tamper(station.seal())
    stick = _copy_out(station, entry, tmp_path / "usb")
    completed = _cli(data_dir, "ingest", str(stick), "--station", station.station_id)
    assert completed.returncode == 1
    receipt_path = stick.with_name(f"{entry.package_id}-v1.receipt.json")
    assert completed.stdout == f"{receipt_path}\n"
    assert "rejected: " in completed.stderr and completed.stderr.count("\n") == 1
    payload = json.loads(receipt_path.read_text("utf-8"))["payload"]
    assert payload["state"] == "rejected"
    assert "data/package.json does not match its sha256 in the manifest (altered?)" in payload["reasons"]
    assert list((data_dir / "bundles").iterdir()) == []


def test_a_bundle_signed_by_another_key_is_rejected(data_dir, registered, tmp_path):
    station, other = registered("a"), registered("b")
    entry = station.seal(signing_key=other.identity.private_key())
    stick = _copy_out(station, entry, tmp_path / "usb")
    assert _cli(data_dir, "ingest", str(stick), "--station", station.station_id).returncode == 1
    payload = json.loads(stick.with_name(f"{entry.package_id}-v1.receipt.json").read_text("utf-8"))["payload"]
    assert payload["reasons"] == ["the signature does not match tagmanifest-sha256.txt and the station's key"]


def test_ingest_refuses_what_is_not_a_bundle_without_writing_a_receipt(data_dir, registered, tmp_path):
    station = registered()
    junk = tmp_path / "notes.zip"
    junk.write_bytes(b"not a zip at all")
    completed = _cli(data_dir, "ingest", str(junk), "--station", station.station_id)
    assert completed.returncode == 1
    assert "notes.zip is not a sealed bundle" in completed.stderr
    assert not (tmp_path / "notes.receipt.json").exists()
    missing = _cli(data_dir, "ingest", str(tmp_path / "absent.zip"), "--station", station.station_id)
    assert missing.returncode == 1 and "absent.zip" in missing.stderr


def test_ingest_refuses_a_revoked_station(data_dir, registered, tmp_path):
    station = registered()
    _ok(data_dir, "revoke", station.station_id)
    entry = station.seal()
    stick = _copy_out(station, entry, tmp_path / "usb")
    completed = _cli(data_dir, "ingest", str(stick), "--station", station.station_id)
    assert completed.returncode == 1
    assert "revoked" in completed.stderr
    assert not stick.with_name(f"{entry.package_id}-v1.receipt.json").exists()


def test_ingest_refuses_a_bundle_beyond_the_stations_quota(data_dir, registered, tmp_path):
    station = registered()
    entry = station.seal()
    (data_dir / "portal.toml").write_text(
        (data_dir / "portal.toml").read_text("utf-8") if (data_dir / "portal.toml").exists() else "", "utf-8"
    )
    with (data_dir / "portal.toml").open("a", encoding="utf-8") as settings:
        settings.write(f"\n[limits]\nstation_quota = {entry.size - 1}\n")
    completed = _cli(data_dir, "ingest", str(_copy_out(station, entry, tmp_path / "usb")), "--station",
                     station.station_id)  # fmt: skip
    assert completed.returncode == 1
    assert "quota" in completed.stderr
    assert list((data_dir / "bundles").iterdir()) == []


def test_ingest_while_the_server_runs_answers_the_station_with_the_same_receipt(tmp_path, new_station):
    station = new_station("a")
    with running_portal(tmp_path / "portal") as portal:
        from tests.support.portal_process import enrol_code

        station.enrol(portal.url, enrol_code(portal.data_dir))
        entry = station.seal()
        stick = _copy_out(station, entry, tmp_path / "usb")
        _ok(portal.data_dir, "ingest", str(stick), "--station", station.station_id)
        written = json.loads(stick.with_name(f"{entry.package_id}-v1.receipt.json").read_text("utf-8"))
        with station.client(portal.url) as client:
            assert client.receipt(entry.package_id, 1, entry.sha256) == written
            client.upload(
                station.bundle_path(entry),
                {"filename": entry.file_name, "package_id": entry.package_id, "version": "1", "sha256": entry.sha256},
            )  # uploading it afterwards changes nothing
            assert client.receipt(entry.package_id, 1, entry.sha256) == written
        feed = httpx.get(f"{portal.url}/api/v1/feed", headers=station.bearer()).json()
        assert [e["document"] for e in feed["entries"]] == [written]
        assert portal.sql("SELECT COUNT(*) FROM bundles") == [(1,)]


def test_key_prints_the_key_stations_get(tmp_path):
    with running_portal(tmp_path / "portal") as portal:
        served = httpx.get(f"{portal.url}/api/v1/portal-key").json()["public_key"]
        assert _ok(portal.data_dir, "key") == f"{served}\n"


def test_stations_lists_each_station_with_counts_and_fingerprint(data_dir, registered, tmp_path):
    kept, lost = registered("Seoul"), registered("Hà Nội")
    entry = kept.seal()
    _ok(data_dir, "ingest", str(_copy_out(kept, entry, tmp_path / "usb")), "--station", kept.station_id)
    _ok(data_dir, "revoke", lost.station_id)

    rows = {row["station_id"]: row for row in json.loads(_ok(data_dir, "stations", "--json"))}
    assert set(rows[kept.station_id]) == {
        "station_id", "name", "enrolled_at", "revoked_at", "bundles", "bytes", "key_fingerprint",
    }  # fmt: skip
    assert rows[kept.station_id] | {"enrolled_at": None} == {
        "station_id": kept.station_id, "name": "Seoul", "enrolled_at": None, "revoked_at": None, "bundles": 1,
        "bytes": entry.size, "key_fingerprint": fingerprint(kept.identity.public_key),
    }  # fmt: skip
    assert rows[lost.station_id]["revoked_at"].endswith("Z")
    lines = _ok(data_dir, "stations").splitlines()
    assert len(lines) == 2
    columns = dict(line.split("\t")[:2] for line in lines)
    assert columns == {kept.station_id: "Seoul", lost.station_id: "Hà Nội"}


def test_bundles_lists_each_stored_bundle_once_with_its_decided_state(data_dir, registered, tmp_path):
    station = registered()
    entries = [station.seal(), station.seal()]
    for entry in entries:
        stick = _copy_out(station, entry, tmp_path / "usb")
        _ok(data_dir, "ingest", str(stick), "--station", station.station_id)
        _ok(data_dir, "ingest", str(stick), "--station", station.station_id)
    _ok(data_dir, "decide", f"{entries[0].package_id}/v1", "--published")

    rows = {row["package_id"]: row for row in json.loads(_ok(data_dir, "bundles", "--json"))}
    assert len(rows) == 2
    assert rows[entries[0].package_id] | {"received_at": None} == {
        "station_id": station.station_id, "package_id": entries[0].package_id, "version": 1,
        "size": entries[0].size, "sha256": entries[0].sha256, "state": "published", "received_at": None,
    }  # fmt: skip
    assert rows[entries[1].package_id]["state"] == "accepted"
    assert len(_ok(data_dir, "bundles").splitlines()) == 2


def test_decide_without_item_decides_every_item_and_validates_its_arguments(data_dir, registered, tmp_path):
    station = registered()
    entry = station.seal()
    _ok(data_dir, "ingest", str(_copy_out(station, entry, tmp_path / "usb")), "--station", station.station_id)
    bundle = f"{entry.package_id}/v1"

    decision_ids = _ok(data_dir, "decide", bundle, "--returned", "--comment", "a", "--comment", "b").split()
    assert len(decision_ids) == 1  # the bundle holds one article in one language
    assert _cli(data_dir, "decide", bundle, "--published", "--item", UNKNOWN_STATION).returncode == 1
    assert _cli(data_dir, "decide", bundle, "--published", "--language", "zh").returncode == 1
    assert _cli(data_dir, "decide", f"{UNKNOWN_STATION}/v1", "--published").returncode == 1
    assert _cli(data_dir, "decide", "not-a-bundle", "--published").returncode == 2
    assert _cli(data_dir, "decide", bundle).returncode == 2  # --published or --returned is required
    assert _cli(data_dir, "decide", bundle, "--published", "--returned").returncode == 2


def test_publish_glossary_reads_tbx_and_refuses_bad_files_naming_them(data_dir, registered, tmp_path):
    station = registered()
    tbx = tmp_path / "terms.tbx"
    tbx.write_text(
        '<?xml version="1.0"?><martif type="TBX-Basic"><text><body><termEntry>'
        '<langSet xml:lang="vi"><tig><term>Đại sứ quán</term></tig></langSet>'
        '<langSet xml:lang="en"><tig><term>Embassy</term></tig></langSet>'
        "</termEntry></body></text></martif>",
        "utf-8",
    )
    update_id = _ok(data_dir, "publish-glossary", str(tbx), "--station", station.station_id).strip()
    assert len(update_id) == 36

    bad = tmp_path / "bad.csv"
    bad.write_text(GLOSSARY_HEADER + "only,three,columns\n", "utf-8")
    completed = _cli(data_dir, "publish-glossary", str(bad))
    assert completed.returncode == 1 and "bad.csv, line 2" in completed.stderr
    empty = tmp_path / "empty.csv"
    empty.write_text(GLOSSARY_HEADER, "utf-8")
    assert _cli(data_dir, "publish-glossary", str(empty)).returncode == 1
    assert _cli(data_dir, "publish-glossary", str(tmp_path / "terms.txt")).returncode == 1
    unknown = _cli(data_dir, "publish-glossary", str(tbx), "--station", UNKNOWN_STATION)
    assert unknown.returncode == 1 and UNKNOWN_STATION in unknown.stderr
    evil = tmp_path / "evil.tbx"
    evil.write_text('<!DOCTYPE martif [<!ENTITY x "boom">]><martif>&x;</martif>', "utf-8")
    assert _cli(data_dir, "publish-glossary", str(evil)).returncode == 1


def test_publish_memory_sends_the_tmx_units_to_every_station(tmp_path, new_station):
    tmx = tmp_path / "memory.tmx"
    tmx.write_bytes(render_tmx([TmUnit("vi", "en", "Xin chào", "Hello", created_by="Lan")]))
    with running_portal(tmp_path / "portal") as portal:
        from tests.support.portal_process import enrol_code

        station = new_station("a")
        station.enrol(portal.url, enrol_code(portal.data_dir))
        update_id = _ok(portal.data_dir, "publish-memory", str(tmx)).strip()
        (entry,) = httpx.get(f"{portal.url}/api/v1/feed", headers=station.bearer()).json()["entries"]
        key = _ok(portal.data_dir, "key").strip()
    payload = verify_signed_payload(entry["document"], key)
    assert entry["kind"] == "memory" and payload["update_id"] == update_id
    (unit,) = payload["units"]
    assert {k: unit[k] for k in ("source_lang", "target_lang", "source", "target", "created_by")} == {
        "source_lang": "vi", "target_lang": "en", "source": "Xin chào", "target": "Hello", "created_by": "Lan",
    }  # fmt: skip
    assert set(unit) == {"source_lang", "target_lang", "source", "target", "created_at", "changed_at", "created_by"}


def test_register_refuses_bad_keys_and_known_stations(data_dir, registered):
    station = registered()
    again = _cli(data_dir, "register", station.station_id, "--name", "x", "--public-key", station.identity.public_key)
    assert again.returncode == 1 and "already known" in again.stderr
    bad_key = _cli(data_dir, "register", UNKNOWN_STATION, "--name", "x", "--public-key", "bm90IGEga2V5")
    assert bad_key.returncode == 1 and "--public-key" in bad_key.stderr
    key = Ed25519PrivateKey.generate()
    from workstation.signing import public_key_b64

    assert _cli(data_dir, "register", "NOT-A-UUID", "--name", "x", "--public-key", public_key_b64(key)).returncode == 1


def test_an_unreachable_database_is_an_environment_failure_on_one_line(tmp_path):
    data_dir = configure_data_dir(tmp_path / "portal", "postgresql://nobody@127.0.0.1:1/none")
    for command in (["stations"], ["enrol-code"], ["key"]):
        completed = _cli(data_dir, *command)
        assert completed.returncode == 3, completed.stderr
        assert completed.stderr.count("\n") == 1 and completed.stderr.startswith("workstation-portal: ")
        assert completed.stdout == ""
