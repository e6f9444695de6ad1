"""Hand-carried delivery: `outbox export` to a folder, `ingest` at the portal, `receipt import` back.

The station here was never online: the portal's operator registers its key, and the coordinator gives
the portal's key once with --portal-key.
"""

from __future__ import annotations

import hashlib
import json

import pytest

from tests.support.stations import Station
from tests.sync.conftest import portal_cli
from workstation.cli import main
from workstation.model import DeliveryRoute, DeliveryState
from workstation.signing import fingerprint
from workstation.sync.service import PORTAL_PUBLIC_KEY


def run(station: Station, *argv: str) -> int:
    return main(["--store", str(station.store.path), *argv])


@pytest.fixture
def offline_station(portal, new_station) -> Station:
    """A station the portal knows by its key (registered by the operator), never enrolled online."""
    station = new_station("offline")
    registered = portal_cli(
        portal, "register", station.station_id, "--name", "Tổng lãnh sự quán", "--public-key",
        station.identity.public_key,
    )  # fmt: skip
    assert registered.returncode == 0, registered.stderr
    return station


@pytest.fixture
def portal_key(portal) -> str:
    printed = portal_cli(portal, "key")
    assert printed.returncode == 0, printed.stderr
    return printed.stdout.strip()


def _carry(portal, station: Station, folder) -> list:
    """Export the outbox to `folder`, ingest each file at the portal; the receipt files written."""
    assert run(station, "outbox", "export", str(folder)) == 0
    receipts = []
    for bundle in sorted(folder.glob("*.zip")):
        ingested = portal_cli(portal, "ingest", str(bundle), "--station", station.station_id)
        assert ingested.returncode in (0, 1), ingested.stderr
        receipts.append(bundle.with_name(bundle.name.removesuffix(".zip") + ".receipt.json"))
    return receipts


def test_export_copies_every_undelivered_bundle_byte_for_byte(offline_station, tmp_path, capsys):
    first, second = offline_station.seal(), offline_station.seal()
    stick = tmp_path / "usb"
    stick.mkdir()

    assert run(offline_station, "outbox", "export", str(stick), "--json") == 0

    files = json.loads(capsys.readouterr().out)["files"]
    assert sorted(files) == sorted(str(stick / entry.file_name) for entry in (first, second))
    for entry in (first, second):
        assert hashlib.sha256((stick / entry.file_name).read_bytes()).hexdigest() == entry.sha256
    assert [p.name for p in stick.iterdir() if p.name.startswith(".")] == []  # no temporary files left


def test_export_refuses_a_bundle_whose_bytes_changed_and_leaves_no_partial_file(offline_station, tmp_path, capsys):
    entry = offline_station.seal()
    path = offline_station.bundle_path(entry)
    data = bytearray(path.read_bytes())
    data[len(data) // 2] ^= 0xFF
    path.write_bytes(bytes(data))
    stick = tmp_path / "usb"
    stick.mkdir()

    assert run(offline_station, "outbox", "export", str(stick)) == 1

    assert "no longer has the bytes it was sealed with" in capsys.readouterr().err
    assert list(stick.iterdir()) == []


def test_receipts_carried_back_update_the_outbox_as_an_online_sync_would(
    portal, offline_station, portal_key, tmp_path, capsys
):
    entry = offline_station.seal()
    forged = offline_station.tamper(offline_station.seal())
    stick = tmp_path / "usb"
    stick.mkdir()
    receipts = _carry(portal, offline_station, stick)
    capsys.readouterr()

    assert run(offline_station, "receipt", "import", *map(str, receipts), "--portal-key", portal_key) == 1

    lines = capsys.readouterr().out.splitlines()
    assert (
        f"{stick / (entry.file_name.removesuffix('.zip') + '.receipt.json')}: {entry.package_id} v1 accepted" in lines
    )
    assert any(f"{forged.package_id} v1 rejected: " in line for line in lines)
    accepted = offline_station.outbox.get(entry.package_id, 1)
    assert accepted.state == DeliveryState.ACCEPTED and accepted.receipt is not None
    assert offline_station.outbox.get(forged.package_id, 1).state == DeliveryState.REJECTED
    assert offline_station.store.get_setting(PORTAL_PUBLIC_KEY) == portal_key  # remembered for next time
    deliveries = {d.package_id: d for d in offline_station.service().deliveries()}
    assert deliveries[entry.package_id].route == DeliveryRoute.HAND_CARRIED
    assert deliveries[entry.package_id].receipt_verified
    assert deliveries[forged.package_id].reasons  # every reason the portal gave is kept

    # Importing again, now without the key (remembered), changes nothing.
    before = offline_station.outbox.all()
    assert run(offline_station, "receipt", "import", *map(str, receipts), "--json") == 1
    report = json.loads(capsys.readouterr().out)["receipts"]
    assert [r["changed"] for r in report] == [False, False]
    assert offline_station.outbox.all() == before
    [(stored,)] = portal.sql("SELECT count(*) FROM bundles WHERE package_id = ?", (entry.package_id,))
    assert stored == 1


def test_a_receipt_for_a_bundle_never_sealed_here_or_other_bytes_is_refused(
    portal, offline_station, new_station, portal_key, tmp_path, capsys
):
    entry = offline_station.seal()
    stick = tmp_path / "usb"
    stick.mkdir()
    [receipt] = _carry(portal, offline_station, stick)
    stranger = new_station("stranger")
    stranger.store.set_setting(PORTAL_PUBLIC_KEY, portal_key)
    capsys.readouterr()

    assert run(stranger, "receipt", "import", str(receipt)) == 1
    assert "a bundle this station never sealed" in capsys.readouterr().out

    # The same package and version, sealed anew here (other bytes): that receipt is not for them.
    with offline_station.store.transaction() as connection:
        connection.execute("UPDATE outbox SET sha256 = ? WHERE package_id = ?", ("0" * 64, entry.package_id))
    assert run(offline_station, "receipt", "import", str(receipt), "--portal-key", portal_key) == 1
    out = capsys.readouterr().out
    assert "refused: " in out and "is for other bytes of" in out
    assert offline_station.outbox.get(entry.package_id, 1).state == DeliveryState.QUEUED


def test_a_receipt_not_signed_by_the_trusted_key_is_refused(portal, offline_station, portal_key, tmp_path, capsys):
    offline_station.seal()
    stick = tmp_path / "usb"
    stick.mkdir()
    [receipt] = _carry(portal, offline_station, stick)
    document = json.loads(receipt.read_text("utf-8"))
    document["payload"]["reasons"] = ["edited on the way"]
    receipt.write_text(json.dumps(document), encoding="utf-8")
    capsys.readouterr()

    assert run(offline_station, "receipt", "import", str(receipt), "--portal-key", portal_key) == 1

    assert "is not signed by the portal key" in capsys.readouterr().out
    assert offline_station.outbox.pending() != []


def test_an_enrolled_station_does_not_swap_its_portal_key_for_one_given_on_the_command_line(
    station, offline_station, tmp_path, capsys
):
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    from workstation.signing import public_key_b64

    other_key = public_key_b64(Ed25519PrivateKey.generate())
    receipt = tmp_path / "x.receipt.json"
    receipt.write_text("{}", encoding="utf-8")
    trusted = station.store.get_setting(PORTAL_PUBLIC_KEY)

    assert run(station, "receipt", "import", str(receipt), "--portal-key", other_key) == 1

    err = capsys.readouterr().err
    assert f"already trusts the portal key {fingerprint(trusted)}" in err and "enrol the station again" in err
    assert station.store.get_setting(PORTAL_PUBLIC_KEY) == trusted


def test_without_any_portal_key_the_import_says_how_to_give_one(offline_station, tmp_path, capsys):
    receipt = tmp_path / "x.receipt.json"
    receipt.write_text("{}", encoding="utf-8")
    assert run(offline_station, "receipt", "import", str(receipt)) == 1
    assert "workstation-portal key" in capsys.readouterr().err
