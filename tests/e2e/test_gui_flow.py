"""The foundation flow in the real GUI against a real portal process on 127.0.0.1:
draft an article, close and reopen, translate side by side, package and seal, enrol, sync, accepted."""

from __future__ import annotations

import json
import socket
from pathlib import Path

import pytest
from PySide6.QtCore import Qt

from tests.support.portal_process import enrol_code, running_portal
from tests.support.qt import close_window, type_text
from workstation.model import DeliveryState, SegmentState
from workstation.ui.translations_view import SegmentModel

pytestmark = pytest.mark.e2e


def test_draft_translate_seal_enrol_sync_accepted(qtbot, open_window, store_path: Path, tmp_path: Path) -> None:
    # 2. Create a Vietnamese article in the GUI, close the app, reopen it: unchanged.
    window = open_window(store_path)
    qtbot.mouseClick(window.articles.new_button, Qt.MouseButton.LeftButton)
    editor = window.articles.editor
    type_text(editor.headline, "Đà Nẵng quảng bá du lịch tại Hàn Quốc")
    type_text(editor.lead, "Ngày 12/10/2023, TP. Đà Nẵng tổ chức hội nghị tại Seoul. Hơn 200 doanh nghiệp dự.")
    type_text(editor.body, "Đoàn công tác gặp các hãng lữ hành.")
    type_text(editor.byline, "Minh Anh")
    type_text(editor.dateline, "Seoul")
    article_id = editor.article.id
    close_window(window, window.services)

    window = open_window(store_path)
    window.articles.select(article_id)
    editor = window.articles.editor
    assert editor.headline.text() == "Đà Nẵng quảng bá du lịch tại Hàn Quốc"
    assert (
        editor.lead.toPlainText() == "Ngày 12/10/2023, TP. Đà Nẵng tổ chức hội nghị tại Seoul. Hơn 200 doanh nghiệp dự."
    )
    assert (editor.byline.text(), editor.dateline.text()) == ("Minh Anh", "Seoul")

    # 3. Start an English translation: one row per sentence; translate every row from the keyboard.
    editor.translate_to.setCurrentIndex(editor.translate_to.findData("en"))
    qtbot.mouseClick(editor.translate_button, Qt.MouseButton.LeftButton)
    translation_editor = window.translations.editor
    model = translation_editor.model
    assert [model.index(row, SegmentModel.SOURCE).data() for row in range(model.rowCount())] == [
        "Đà Nẵng quảng bá du lịch tại Hàn Quốc",
        "Ngày 12/10/2023, TP. Đà Nẵng tổ chức hội nghị tại Seoul.",
        "Hơn 200 doanh nghiệp dự.",
        "Đoàn công tác gặp các hãng lữ hành.",
    ]
    targets = [
        "Da Nang promotes tourism in Korea",
        "On 12 October 2023, Da Nang held a conference in Seoul.",
        "More than 200 businesses attended.",
        "The delegation met travel companies.",
    ]
    translation_editor.edit_row(0)
    for target in targets:
        field = translation_editor.table.focusWidget()
        type_text(field, target)
        qtbot.keyClick(field, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    assert "4 of 4 segments translated" in translation_editor.progress.text()

    # 4. Make the package complete as the rules ask: the translator makes every sentence final,
    # the article goes to review and the head of mission clears (approves) it.
    services = window.services
    translation = services.translations.translations_of(article_id)[0]
    assert services.translations.set_state(translation.id, SegmentState.FINAL) == []
    services.editorial.set_state(article_id, "in_review")
    services.editorial.set_state(article_id, "approved")

    # 5. Package the article with its translation and seal it in the background.
    window.show_section("Packages")
    package = window.packages.create_package("Tin tuần 41", [article_id])
    qtbot.waitUntil(
        lambda: window.packages.failures is not None and window.packages.check_operation is None, timeout=10_000
    )
    assert window.packages.failures == [] and window.packages.seal_button.isEnabled()
    row = window.packages.builder.articles.topLevelItem(0)
    assert row.text(1) == "Đà Nẵng quảng bá du lịch tại Hàn Quốc"
    assert row.text(2) == "vi ✓ approved · en ✓ final"
    with qtbot.waitSignal(window.packages.sealed, timeout=15_000):
        window.packages.seal_selected()
    assert window.services.packaging.status(package.id) == DeliveryState.QUEUED

    # 6. Start the portal, enrol through the Sync view, sync, and see the package accepted.
    with running_portal(tmp_path / "portal") as portal:
        window.show_section("Sync")
        sync_view = window.sync
        sync_view.portal_url.setText(portal.url)
        sync_view.code.setText(enrol_code(portal.data_dir))
        qtbot.mouseClick(sync_view.enrol_button, Qt.MouseButton.LeftButton)
        qtbot.waitUntil(window.services.sync.is_enrolled, timeout=15_000)
        with qtbot.waitSignal(sync_view.synced, timeout=30_000):
            qtbot.mouseClick(sync_view.sync_button, Qt.MouseButton.LeftButton)
        stored = portal.sql("SELECT count(*) FROM bundles")
    assert window.services.packaging.status(package.id) == DeliveryState.ACCEPTED
    assert stored == [(1,)]
    qtbot.waitUntil(lambda: sync_view.outbox.item(0, 3).text() == "accepted")
    receipt = json.loads(window.services.packaging.outbox()[0].receipt)
    assert receipt["payload"]["state"] == "accepted" and receipt["payload"]["package_id"] == package.id
    window.show_section("Packages")
    qtbot.waitUntil(lambda: window.packages.table.item(0, 3).text() == "accepted")
    assert "1 accepted" in sync_view.message.text()


def test_enrolling_with_a_portal_that_is_down_says_so_and_keeps_the_outbox(qtbot, window) -> None:
    services = window.services
    article = services.editorial.create_article("vi", "Tin ngắn", lead="Một câu.")
    services.editorial.set_state(article.id, "in_review")
    services.editorial.set_state(article.id, "approved")  # cleared, so the rules let it be sealed
    package = services.packaging.create("P", [article.id])
    services.packaging.seal(package.id)
    with socket.socket() as probe:  # a port nothing listens on
        probe.bind(("127.0.0.1", 0))
        dead_url = f"http://127.0.0.1:{probe.getsockname()[1]}"
    window.sync.portal_url.setText(dead_url)
    window.sync.code.setText("AAAA-BBBB-CCCC-DDDD")
    qtbot.mouseClick(window.sync.enrol_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: "could not be reached" in window.sync.message.text(), timeout=15_000)
    assert services.packaging.status(package.id) == DeliveryState.QUEUED
