"""The portal's feed applied at the station: receipts, editors' decisions, glossary and memory updates.

A real portal process; its operator commands (`decide`, `publish-glossary`, `publish-memory`) make the
entries, as they would in production.
"""

from __future__ import annotations

import json
from dataclasses import replace

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from tests.sync.conftest import approved_article, portal_cli, sealed_package
from workstation.model import DeliveryRoute, DeliveryState
from workstation.signing import sign_payload
from workstation.sync.feedback import FeedEntry
from workstation.sync.service import PORTAL_PUBLIC_KEY, Outcome

TMX = """<?xml version="1.0" encoding="UTF-8"?>
<tmx version="1.4">
  <header creationtool="portal" creationtoolversion="1" segtype="sentence" o-tmf="portal" adminlang="en"
          srclang="vi" datatype="plaintext"/>
  <body>
    <tu><tuv xml:lang="vi"><seg>Đại sứ quán Việt Nam tại Hàn Quốc</seg></tuv>
        <tuv xml:lang="en"><seg>The Embassy of Viet Nam in the Republic of Korea</seg></tuv></tu>
  </body>
</tmx>
"""


def _state_history(desk, article_id: str) -> list[tuple[str, str, str]]:
    return [(c.from_state, c.to_state, c.profile_id) for c in desk.editorial.state_changes(article_id)]


def test_an_accepted_bundle_sends_its_items_and_a_returned_item_reopens_with_comments(portal, desk):
    article = approved_article(desk)
    other = approved_article(desk, "Tuần lễ văn hóa Việt Nam tại Busan")
    entry = sealed_package(desk, article, other)

    first = desk.sync.sync()

    assert [o.state for o in first.bundles] == [Outcome.ACCEPTED]
    assert desk.editorial.get(article.id).state == "sent"
    assert ("packaged", "sent", "portal") in _state_history(desk, article.id)

    returned = portal_cli(
        portal,
        "decide", f"{entry.package_id}/v1", "--returned", "--item", article.id, "--language", "vi",
        "--comment", "Tít quá dài", "--comment", "Thiếu nguồn ảnh", "--editor", "Lan",
    )  # fmt: skip
    assert returned.returncode == 0, returned.stderr
    published = portal_cli(portal, "decide", f"{entry.package_id}/v1", "--published", "--item", other.id)
    assert published.returncode == 0, published.stderr

    second = desk.sync.sync()

    # The module's portal may also hold broadcast updates published by other tests: at least these two.
    assert second.bundles == [] and second.feed.applied >= 2 and second.feed.problems == []
    assert desk.editorial.get(article.id).state == "returned"
    assert desk.editorial.get(other.id).state == "accepted"
    [decision] = desk.sync.feedback_for(article.id)
    assert (decision.outcome, decision.language, decision.comments, decision.editor) == (
        "returned", "vi", ("Tít quá dài", "Thiếu nguồn ảnh"), "Lan"
    )  # fmt: skip
    assert (decision.package_id, decision.package_version) == (entry.package_id, 1)
    assert _state_history(desk, article.id)[-1] == ("sent", "returned", "portal")
    # Returned means open for editing again.
    edited = desk.editorial.save(replace(desk.editorial.get(article.id), headline="Đà Nẵng quảng bá du lịch"))
    assert edited.headline == "Đà Nẵng quảng bá du lịch"

    [delivery] = desk.sync.deliveries()
    assert (delivery.state, delivery.route, delivery.receipt_verified) == ("accepted", DeliveryRoute.UPLOAD, True)
    assert {d.item_id: d.outcome for d in delivery.decisions} == {article.id: "returned", other.id: "published"}
    assert delivery.comments == ("Tít quá dài", "Thiếu nguồn ảnh")


def test_applying_the_feed_again_changes_nothing(portal, desk):
    article = approved_article(desk)
    entry = sealed_package(desk, article)
    desk.sync.sync()
    portal_cli(portal, "decide", f"{entry.package_id}/v1", "--returned", "--comment", "Viết lại đoạn đầu")
    desk.sync.sync()
    history = _state_history(desk, article.id)
    decisions = desk.sync.feedback_for(article.id)
    cursor = desk.sync.feedback.cursor()

    again = desk.sync.sync()
    desk.sync.feedback.restart_feed()  # as after enrolling again: every entry is read once more
    from_the_start = desk.sync.sync()

    assert again.feed.applied == 0
    assert from_the_start.feed.applied == 0 and from_the_start.feed.skipped >= 2
    assert from_the_start.feed.cursor == cursor
    assert _state_history(desk, article.id) == history
    assert desk.sync.feedback_for(article.id) == decisions


def test_glossary_and_memory_updates_merge_without_losing_local_entries(portal, desk, tmp_path):
    local = desk.glossary.add("vi", "Bộ Ngoại giao", "en", "Ministry of Foreign Affairs")
    csv = tmp_path / "terms.csv"
    csv.write_text(
        "source_term,source_language,target_term,target_language,forbidden_variants,note\n"
        "Bộ Ngoại giao,vi,MOFA,en,,\n"
        "Tổng lãnh sự quán,vi,Consulate General,en,Consulate-General,Portal style\n",
        encoding="utf-8",
    )
    tmx = tmp_path / "memory.tmx"
    tmx.write_text(TMX, encoding="utf-8")
    assert portal_cli(portal, "publish-glossary", str(csv)).returncode == 0
    assert portal_cli(portal, "publish-memory", str(tmx)).returncode == 0
    units_before = desk.memory.count()

    result = desk.sync.sync()
    desk.sync.sync()

    assert result.feed.applied >= 2 and result.feed.problems == []
    entries = {(e.source_term, e.target_term): e for e in desk.glossary.entries("vi", "en")}
    assert entries[("Bộ Ngoại giao", "Ministry of Foreign Affairs")].id == local.id  # local kept as it was
    assert entries[("Tổng lãnh sự quán", "Consulate General")].origin == "portal"
    assert len(desk.glossary.entries()) == 3
    assert desk.memory.count() == units_before + 1


def test_a_feed_entry_signed_by_another_key_is_not_applied_and_is_reported(portal, desk):
    article = approved_article(desk)
    entry = sealed_package(desk, article)
    desk.sync.sync()
    cursor = desk.sync.feedback.cursor()
    forged = sign_payload(
        Ed25519PrivateKey.generate(),
        {"decision_id": "forged", "bundle": f"urn:uuid:{entry.package_id}/v1", "package_id": entry.package_id,
         "version": 1, "station_id": desk.identity.station_id, "item_id": article.id, "language": "vi",
         "outcome": "returned", "comments": ["forged"], "editor": "?", "decided_at": "2026-11-27T10:00:00.000Z"},
    )  # fmt: skip

    result = desk.sync.feedback.apply(
        [FeedEntry(cursor + 1, "decision", "2026-11-27T10:00:00.000Z", forged)],
        desk.store.get_setting(PORTAL_PUBLIC_KEY),
    )

    assert result.applied == 0 and "not signed by the portal key recorded at enrolment" in result.untrusted
    assert desk.sync.feedback.cursor() == cursor  # read again next time, in case it was damage on the way
    assert desk.editorial.get(article.id).state == "sent"
    assert desk.sync.feedback_for(article.id) == []


def test_a_receipt_reaching_the_station_only_by_the_feed_settles_the_bundle(portal, desk, station):
    article = approved_article(desk)
    entry = sealed_package(desk, article)
    path = desk.store.outbox_folder / entry.file_name
    ingested = portal_cli(portal, "ingest", str(path), "--station", station.station_id)
    assert ingested.returncode == 0, ingested.stderr

    result = desk.sync.pull_feed()

    assert result.applied >= 1 and result.problems == []
    saved = desk.sync.outbox()[0]
    assert saved.state == DeliveryState.ACCEPTED
    [delivery] = desk.sync.deliveries()
    assert delivery.route == DeliveryRoute.FEED and delivery.receipt_verified
    assert desk.editorial.get(article.id).state == "sent"
    # The next sync finds nothing to send: the portal has it.
    assert desk.sync.sync().bundles == []


def test_outbox_list_and_feedback_commands_show_what_the_portal_said(portal, desk, capsys):
    from workstation.cli import main

    article = approved_article(desk)
    entry = sealed_package(desk, article)
    pending = desk.packaging.seal(desk.packaging.create("Bản tin sau", [approved_article(desk).id]).id).entry
    desk.sync.push(cancelled=lambda: desk.sync.outbox()[-1].state != "queued")  # first delivered, second not
    portal_cli(portal, "decide", f"{entry.package_id}/v1", "--returned", "--comment", "Thiếu nguồn", "--editor", "Lan")
    desk.sync.pull_feed()
    capsys.readouterr()

    assert main(["--store", str(desk.store.path), "outbox", "list"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert f"{pending.package_id} v1 queued" in lines
    assert f"{entry.package_id} v1 accepted [1 item(s) returned with comments]" in lines

    assert main(["--store", str(desk.store.path), "outbox", "list", "--json"]) == 0
    listed = {b["package_id"]: b for b in json.loads(capsys.readouterr().out)["bundles"]}
    delivered = listed[entry.package_id]
    assert (delivered["state"], delivered["route"], delivered["receipt_verified"]) == ("accepted", "upload", True)
    assert delivered["acknowledged"] == delivered["size"] == entry.size
    assert [d["comments"] for d in delivered["decisions"]] == [["Thiếu nguồn"]]
    assert (listed[pending.package_id]["receipt"], listed[pending.package_id]["delivered_at"]) == (None, None)

    assert main(["--store", str(desk.store.path), "feedback", article.id]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[0].endswith(" vi returned by Lan") and out[1] == "  Thiếu nguồn"
    assert main(["--store", str(desk.store.path), "feedback", article.id, "--json"]) == 0
    [decision] = json.loads(capsys.readouterr().out)["decisions"]
    assert (decision["item_id"], decision["outcome"], decision["version"]) == (article.id, "returned", 1)
