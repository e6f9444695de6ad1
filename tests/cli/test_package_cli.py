"""`workstation package …` and `workstation keys …` on a real store: output, --json shapes and exit codes."""

from __future__ import annotations

import json
from pathlib import Path

from tests.support.images import png_bytes
from tests.support.stations import complete_article


def test_create_update_and_show(cli, services) -> None:
    first, _ = complete_article(services, "Bài một")
    second, _ = complete_article(services, "Bài hai", languages=(), picture=png_bytes(64, 48))
    code, out, _ = cli("package", "create", "--name", "Tuần 41", "--destination", "portal/culture", first.id)
    assert code == 0
    package_id = out.strip()
    assert len(package_id) == 36

    code, out, _ = cli("package", "update", package_id, "--articles", second.id, first.id, "--note", "Xin đăng sớm.")
    assert (code, out.strip()) == (0, package_id)

    code, out, _ = cli("package", "show", package_id, "--json")
    shown = json.loads(out)
    assert (shown["name"], shown["destination"], shown["note"], shown["version"]) == (
        "Tuần 41",
        "portal/culture",
        "Xin đăng sớm.",
        0,
    )
    assert [article["id"] for article in shown["articles"]] == [second.id, first.id]
    assert shown["languages"] == ["vi", "en"]
    assert shown["articles"][1]["pictures"] == 1
    assert [(i["language"], i["state"], i["final"]) for i in shown["articles"][1]["items"]] == [
        ("vi", "approved", True),
        ("en", "draft", True),
    ]
    assert shown["total_size"] == sum(article["size"] for article in shown["articles"])

    code, out, _ = cli("package", "show", package_id)
    lines = out.splitlines()
    assert lines[0] == f"Tuần 41\tto portal/culture\tversion 0\t{shown['total_size']} bytes"
    assert lines[1] == "note: Xin đăng sớm."
    assert lines[3].startswith(f"2\t{first.id}\tBài một\tvi:approved en:draft\t1 pictures\t")


def test_update_with_nothing_to_change_and_unknown_ids_exit_1(cli, services) -> None:
    article, _ = complete_article(services, languages=())
    _, out, _ = cli("package", "create", "--name", "P", article.id)
    code, out, err = cli("package", "update", out.strip())
    assert (code, out) == (1, "") and "nothing to update" in err and err.count("\n") == 1
    code, _, err = cli("package", "update", "missing", "--name", "x")
    assert code == 1 and "no package with id missing" in err


def test_check_lists_every_failure_and_seal_refuses_with_the_same_list(cli, services, tmp_path: Path) -> None:
    draft = services.editorial.create_article("vi", "Bản nháp", paragraphs=["Nội dung."])
    _, out, _ = cli("package", "create", "--name", "P", draft.id)
    package_id = out.strip()

    code, out, _ = cli("package", "check", package_id)
    assert code == 1
    assert out.splitlines() == [
        f"{draft.id} vi state: “Bản nháp” (vi) is draft: the head of mission must clear (approve) it before it is sent",
        f"{draft.id} vi lead: “Bản nháp” (Tiếng Việt) has no lead",
    ]
    code, seal_out, err = cli("package", "seal", package_id, "--out", str(tmp_path / "p.zip"))
    assert (code, seal_out, err) == (1, out, "")
    assert not (tmp_path / "p.zip").exists()

    code, out, _ = cli("package", "check", package_id, "--json")
    report = json.loads(out)
    assert code == 1 and report["complete"] is False
    assert report["failures"][1] == {
        "rule": "headline-and-lead",
        "severity": "error",
        "article_id": draft.id,
        "item_id": draft.id,
        "language": "vi",
        "field": "lead",
        "message": "“Bản nháp” (Tiếng Việt) has no lead",
        "target": {"kind": "article", "id": draft.id, "field": "lead"},
    }


def test_a_complete_package_checks_seals_and_lists_its_versions(cli, services, tmp_path: Path) -> None:
    article, _ = complete_article(services)
    _, out, _ = cli("package", "create", "--name", "P", article.id)
    package_id = out.strip()
    assert cli("package", "check", package_id) == (0, "complete\n", "")
    assert json.loads(cli("package", "check", package_id, "--json")[1]) == {"complete": True, "failures": []}

    bundle = tmp_path / "p.zip"
    code, out, _ = cli("package", "seal", package_id, "--out", str(bundle))
    assert (code, out.strip()) == (0, str(bundle))
    code, out, _ = cli("bundle", "verify", str(bundle))
    assert code == 0 and out.startswith(f"valid: package {package_id} v1, 2 items, 1 media")

    code, out, err = cli("package", "seal", package_id, "--out", str(tmp_path / "again.zip"))
    assert code == 1 and "v1 already holds exactly this content" in err

    code, out, _ = cli("package", "versions", package_id)
    assert code == 0
    version_line, change_line = out.splitlines()
    assert version_line.startswith("v1\t") and "\tqueued\t" in version_line
    assert change_line == "  first version"
    (listed,) = json.loads(cli("package", "versions", package_id, "--json")[1])
    assert (listed["version"], listed["state"], listed["changes"]) == (1, "queued", [])
    assert set(listed) == {"package_id", "version", "sealed_at", "state", "file_name", "size", "changes"}


def test_a_passed_embargo_is_a_warning_and_the_package_is_still_complete(cli, services) -> None:
    article = services.editorial.create_article("vi", "Tin cũ", lead="Sapo.", paragraphs=["Nội dung."])
    services.editorial.update_fields(article.id, embargo="2020-01-01T00:00:00Z")
    services.editorial.set_state(article.id, "in_review")
    services.editorial.set_state(article.id, "approved")
    _, out, _ = cli("package", "create", "--name", "P", article.id)
    code, out, _ = cli("package", "check", out.strip())
    assert code == 0
    warning, summary = out.splitlines()
    assert warning.endswith("has passed, so the portal may publish at once (warning)")
    assert summary == "complete (1 warning)"


def test_keys_export_import_and_list(cli, services, tmp_path: Path) -> None:
    from workstation.app import open_services

    other = open_services(tmp_path / "other" / "w.db")
    try:
        other.packaging.export_station_key(tmp_path / "other.json")
        other_id, other_fingerprint = other.identity.station_id, other.identity.fingerprint
    finally:
        other.close()

    assert cli("keys", "import", str(tmp_path / "other.json")) == (0, f"{other_id}\n", "")
    code, out, _ = cli("keys", "export", str(tmp_path / "mine.json"))
    assert (code, out.strip()) == (0, str(tmp_path / "mine.json"))
    mine = json.loads((tmp_path / "mine.json").read_text("utf-8"))
    assert mine["station_id"] == services.identity.station_id

    code, out, _ = cli("keys", "list")
    own_line, other_line = out.splitlines()
    assert own_line.startswith(f"{services.identity.station_id}\t{services.identity.fingerprint}\t")
    assert own_line.endswith("\t(this station)")
    assert other_line.startswith(f"{other_id}\t{other_fingerprint}\t")
    listed = json.loads(cli("keys", "list", "--json")[1])
    assert [(key["station_id"], key["own"]) for key in listed] == [
        (services.identity.station_id, True),
        (other_id, False),
    ]


def test_keys_import_refuses_a_malformed_file_with_one_line(cli, tmp_path: Path) -> None:
    path = tmp_path / "key.json"
    path.write_text('{"station_id": "01a21f56-3f53-73b7-8116-3588843dcc95", "public_key": "short"}', "utf-8")
    code, out, err = cli("keys", "import", str(path))
    assert (code, out) == (1, "")
    assert err == "workstation: key.json: public_key is not a base64 Ed25519 public key\n"
    assert len(json.loads(cli("keys", "list", "--json")[1])) == 1
