"""`workstation enrol` and `workstation sync`: output, --json shape and exit codes."""

from __future__ import annotations

import json

from tests.support.portal_process import enrol_code
from workstation.cli import main
from workstation.signing import fingerprint
from workstation.sync.service import PORTAL_PUBLIC_KEY, PORTAL_URL


def run(station, *argv: str) -> int:
    """`workstation --store <station's store> ARGV...`, in-process."""
    return main(["--store", str(station.store.path), *argv])


def test_enrol_prints_the_station_id_and_the_portal_key_fingerprint(portal, new_station, capsys):
    station = new_station("a")
    assert run(station, "enrol", "--portal", portal.url, "--code", enrol_code(portal.data_dir)) == 0
    portal_key = station.store.get_setting(PORTAL_PUBLIC_KEY)
    assert capsys.readouterr().out == f"{station.station_id}\nportal key fingerprint: {fingerprint(portal_key)}\n"


def test_enrol_json(portal, new_station, capsys):
    station = new_station("a")
    assert run(station, "enrol", "--portal", portal.url, "--code", enrol_code(portal.data_dir), "--json") == 0
    assert json.loads(capsys.readouterr().out) == {
        "station_id": station.station_id,
        "portal_url": portal.url,
        "portal_public_key": station.store.get_setting(PORTAL_PUBLIC_KEY),
        "portal_key_fingerprint": fingerprint(station.store.get_setting(PORTAL_PUBLIC_KEY)),
    }


def test_enrol_with_a_refused_code_exits_1(portal, new_station, capsys):
    station = new_station("a")
    assert run(station, "enrol", "--portal", portal.url, "--code", "AAAA-BBBB-CCCC-DDDD") == 1
    captured = capsys.readouterr()
    assert captured.out == ""
    assert captured.err.startswith("workstation: the portal at ") and "unknown enrolment code" in captured.err


def test_enrol_with_an_unreachable_portal_exits_3_with_one_line(new_station, closed_port_url, capsys):
    station = new_station("a")
    assert run(station, "enrol", "--portal", closed_port_url, "--code", "AAAA-BBBB-CCCC-DDDD") == 3
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "could not be reached" in err


def test_sync_prints_one_line_per_bundle_and_exits_0_when_all_are_accepted(portal, station, capsys):
    first, second = station.seal(), station.seal()
    assert run(station, "sync") == 0
    assert capsys.readouterr().out.splitlines() == [
        f"{first.package_id} v1 accepted",
        f"{second.package_id} v1 accepted",
    ]


def test_sync_exits_1_and_lists_the_reasons_when_a_bundle_is_rejected(portal, station, capsys):
    good = station.seal()
    forged = station.tamper(station.seal())
    assert run(station, "sync") == 1
    lines = capsys.readouterr().out.splitlines()
    assert lines[0] == f"{good.package_id} v1 accepted"
    assert lines[1].startswith(f"{forged.package_id} v1 rejected: ")
    assert "data/package.json does not match its sha256 in the manifest (altered?)" in lines[1]


def test_sync_json(portal, station, capsys):
    forged = station.tamper(station.seal())
    assert run(station, "sync", "--json") == 1
    [bundle] = json.loads(capsys.readouterr().out)["bundles"]
    assert set(bundle) == {"package_id", "version", "state", "reasons", "error"}
    assert (bundle["package_id"], bundle["version"], bundle["state"], bundle["error"]) == (
        forged.package_id,
        1,
        "rejected",
        "",
    )
    assert "data/package.json does not match its sha256 in the manifest (altered?)" in bundle["reasons"]


def test_sync_with_the_portal_unreachable_exits_3_with_one_line(portal, station, closed_port_url, capsys):
    station.seal()
    station.store.set_setting(PORTAL_URL, closed_port_url)
    assert run(station, "sync") == 3
    captured = capsys.readouterr()
    assert captured.out == ""
    assert captured.err.count("\n") == 1
    assert captured.err.startswith(f"workstation: the portal at {closed_port_url} could not be reached")


def test_sync_exits_1_with_a_failed_line_when_a_receipt_is_not_trusted(portal, station, capsys):
    entry = station.seal()
    station.store.set_setting(PORTAL_PUBLIC_KEY, "ZmFrZSBrZXkgZmFrZSBrZXkgZmFrZSBrZXkgZmFrZSE=")
    assert run(station, "sync") == 1
    [line] = capsys.readouterr().out.splitlines()
    assert line.startswith(f"{entry.package_id} v1 failed: the portal's receipt is not signed by the portal key")
