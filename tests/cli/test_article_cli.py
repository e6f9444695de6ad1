"""Drafting headless: update, pictures, history, diff, restore, workflow with roles, profiles, filters."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest
from PIL import Image


@pytest.fixture
def article_id(cli, tmp_path: Path) -> str:
    source = tmp_path / "tin.txt"
    source.write_text("Đà Nẵng quảng bá du lịch\n\nSapo của bài.\n\nĐoạn một.\n", encoding="utf-8")
    code, out, _ = cli("article", "import", str(source))
    assert code == 0
    return out.strip()


def test_update_makes_a_revision_that_history_diff_and_restore_see(cli, article_id: str) -> None:
    code, out, _ = cli("article", "update", article_id, "--headline", "Đà Nẵng đón khách Hàn Quốc", "--byline", "Lan")
    assert (code, out) == (0, "version 2\n")
    code, out, _ = cli("article", "update", article_id, "--subject", "Du lịch", "--subject", "Hàn Quốc")
    assert code == 0

    code, out, _ = cli("article", "history", article_id)
    lines = out.splitlines()
    assert lines[0] == "Revisions:"
    assert [line.split("\t")[0] for line in lines[1:4]] == ["3", "2", "1"]
    assert lines[3].split("\t")[3] == "import"

    code, out, _ = cli("article", "diff", article_id, "1", "2")
    assert "Headline (changed): Đà Nẵng [-quảng bá du lịch-]{+đón khách Hàn Quốc+}" in out
    assert "Byline (changed): {+Lan+}" in out

    code, out, _ = cli("article", "restore", article_id, "1")
    assert (code, out) == (0, "restored revision 1 as version 4\n")
    code, out, _ = cli("article", "show", article_id, "--json")
    shown = json.loads(out)
    assert shown["headline"] == "Đà Nẵng quảng bá du lịch" and shown["subjects"] == []

    code, _, err = cli("article", "restore", article_id, "42")
    assert code == 1 and "no revision 42" in err


def test_update_with_nothing_or_a_bad_value_exits_1(cli, article_id: str) -> None:
    assert cli("article", "update", article_id)[0] == 1
    code, _, err = cli("article", "update", "no-such-id", "--headline", "x")
    assert code == 1 and "no article" in err


def test_set_state_checks_the_role_of_the_acting_profile(cli, article_id: str) -> None:
    assert cli("profile", "create", "Lan", "--role", "drafter")[0] == 0
    code, out, _ = cli("--as", "Lan", "article", "set-state", article_id, "--state", "in_review")
    assert (code, out) == (0, "in_review\n")
    code, out, _ = cli("--as", "Lan", "article", "set-state", article_id, "--state", "approved")
    assert code == 1 and "Lan is not a head of mission" in out
    code, out, _ = cli("article", "set-state", article_id, "--state", "sent")
    assert code == 1 and "cannot go to sent" in out
    code, out, _ = cli("article", "set-state", article_id, "--state", "approved", "--comment", "Đồng ý")
    assert (code, out) == (0, "approved\n")

    code, _, err = cli("article", "update", article_id, "--lead", "Sửa sau khi duyệt")
    assert code == 1 and "locked" in err

    code, out, _ = cli("article", "history", article_id, "--json")
    states = json.loads(out)["states"]
    assert [(s["from"], s["to"]) for s in states] == [("in_review", "approved"), ("draft", "in_review")]
    assert states[0]["comment"] == "Đồng ý" and states[1]["profile"] == "Lan"

    code, _, err = cli("--as", "Nobody", "article", "list")
    assert code == 1 and "no profile named 'Nobody'" in err


def test_profiles_are_listed_and_switched(cli) -> None:
    code, out, _ = cli("profile", "list")
    assert code == 0 and out.startswith("* ") and "head_of_mission" in out
    cli("profile", "create", "Minh", "--role", "translator")
    assert cli("profile", "use", "Minh") == (0, "Minh\n", "")
    code, out, _ = cli("profile", "list")
    assert "* Minh\ttranslator" in out


def test_add_picture_with_captions_per_language(cli, article_id: str, tmp_path: Path) -> None:
    photo = tmp_path / "photo.jpg"
    Image.new("RGB", (800, 600), (120, 40, 40)).save(photo, "JPEG")
    code, out, _ = cli(
        "article", "add-picture", article_id, str(photo),
        "--caption", "vi=Lễ khai mạc", "--caption", "en=The opening", "--alt", "vi=Sân khấu", "--credit", "TTXVN",
    )  # fmt: skip
    assert code == 0
    picture_id = out.strip()
    code, out, _ = cli("article", "show", article_id, "--json")
    blocks = json.loads(out)["blocks"]
    assert blocks[-1]["kind"] == "picture" and blocks[-1]["picture_id"] == picture_id

    not_a_photo = tmp_path / "notes.jpg"
    not_a_photo.write_bytes(b"GIF89a" + io.BytesIO(b"x" * 100).read())
    code, _, err = cli("article", "add-picture", article_id, str(not_a_photo))
    assert code == 1 and "notes.jpg" in err


def test_list_filters(cli, article_id: str) -> None:
    cli("article", "update", article_id, "--genre", "feature", "--subject", "Du lịch")
    _code, out, _ = cli("article", "list", "--genre", "feature", "--json")
    assert [row["id"] for row in json.loads(out)] == [article_id]
    assert json.loads(cli("article", "list", "--genre", "interview", "--json")[1]) == []
    assert json.loads(cli("article", "list", "--subject", "du lich", "--json")[1])[0]["id"] == article_id
    assert json.loads(cli("article", "list", "--state", "approved", "--json")[1]) == []
