"""The main window driven as a user would: typing, clicking, waiting for background work."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox

from tests.support.qt import close_window, type_text
from workstation.model import DeliveryState, SegmentState
from workstation.ui.articles_view import AUTOSAVE_DELAY_MS
from workstation.ui.translations_view import SegmentModel


def type_article(qtbot, window) -> str:
    view = window.articles
    qtbot.mouseClick(view.new_button, Qt.MouseButton.LeftButton)
    editor = view.editor
    type_text(editor.headline, "Tuần Văn hoá Việt Nam tại Seoul")
    type_text(editor.lead, "Ngày 12/10/2023, Đại sứ quán khai mạc tuần lễ. Hơn 3.000 khách tham dự.")
    type_text(editor.body, "Đoạn thứ nhất của bài.")
    qtbot.keyClick(editor.body, Qt.Key.Key_Return)
    qtbot.keyClick(editor.body, Qt.Key.Key_Return)
    type_text(editor.body, "Đoạn thứ hai.")
    type_text(editor.byline, "Minh Anh")
    type_text(editor.dateline, "Seoul")
    return editor.article.id


def test_article_typed_in_the_gui_survives_closing_and_reopening(qtbot, open_window, store_path: Path) -> None:
    window = open_window(store_path)
    article_id = type_article(qtbot, window)
    close_window(window, window.services)  # closing saves what autosave has not written yet

    reopened = open_window(store_path)
    reopened.articles.select(article_id)
    editor = reopened.articles.editor
    assert editor.headline.text() == "Tuần Văn hoá Việt Nam tại Seoul"
    assert editor.lead.toPlainText().startswith("Ngày 12/10/2023")
    assert [b.text for b in editor.article.blocks] == ["Đoạn thứ nhất của bài.", "Đoạn thứ hai."]
    assert (editor.byline.text(), editor.dateline.text()) == ("Minh Anh", "Seoul")


def test_autosave_writes_shortly_after_typing_stops(qtbot, window) -> None:
    article_id = type_article(qtbot, window)
    qtbot.waitUntil(
        lambda: window.services.editorial.get(article_id).dateline == "Seoul", timeout=AUTOSAVE_DELAY_MS + 2000
    )
    assert window.services.editorial.get(article_id).blocks[1].text == "Đoạn thứ hai."


def test_translation_side_by_side_one_row_per_sentence(qtbot, window) -> None:
    article_id = type_article(qtbot, window)
    editor = window.articles.editor
    editor.translate_to.setCurrentIndex(editor.translate_to.findData("en"))
    qtbot.mouseClick(editor.translate_button, Qt.MouseButton.LeftButton)

    assert window.stack.currentWidget() is window.translations
    model = window.translations.editor.model
    sources = [model.index(row, SegmentModel.SOURCE).data() for row in range(model.rowCount())]
    assert sources[:3] == [
        "Tuần Văn hoá Việt Nam tại Seoul",
        "Ngày 12/10/2023, Đại sứ quán khai mạc tuần lễ.",
        "Hơn 3.000 khách tham dự.",
    ]
    # Type a target through the real editor delegate; Ctrl+Enter confirms and opens the next row.
    table = window.translations.editor.table
    window.translations.editor.edit_row(0)
    target_editor = table.focusWidget()
    type_text(target_editor, "Vietnam Culture Week in Seoul")
    qtbot.keyClick(target_editor, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    assert model.index(0, SegmentModel.STATE).data() == SegmentState.TRANSLATED
    assert table.currentIndex().row() == 1
    translation = window.services.translations.translations_of(article_id)[0]
    assert window.services.translations.get(translation.id).headline == "Vietnam Culture Week in Seoul"
    assert "1 of" in window.translations.editor.progress.text()


ENGLISH = {
    "Tuần Văn hoá Việt Nam tại Seoul": "Vietnam Culture Week in Seoul",
    "Ngày 12/10/2023, Đại sứ quán khai mạc tuần lễ.": "On 12/10/2023, the Embassy opened the week.",
    "Hơn 3.000 khách tham dự.": "More than 3,000 guests attended.",
    "Đoạn thứ nhất của bài.": "The first paragraph of the article.",
    "Đoạn thứ hai.": "The second paragraph.",
}


def clear_and_translate(window, article_id: str, language: str) -> None:
    """What the rules ask before sealing, done through the services as people would: the article
    sent for review and approved by the head of mission, its translation confirmed sentence by sentence
    and then made final (no pictures here, so no captions are owed)."""
    services = window.services
    window.articles.flush()  # the typed text is in the store before it is reviewed
    translation = services.translations.create(article_id, language)
    for segment in services.translations.segments(translation.id):
        target = ENGLISH.get(segment.source_text, segment.source_text)
        services.translations.save_segment(translation.id, segment.address, target, SegmentState.TRANSLATED)
    assert services.translations.set_state(translation.id, SegmentState.FINAL) == []
    services.editorial.set_state(article_id, "in_review")
    services.editorial.set_state(article_id, "approved")


def test_package_sealed_in_the_background_lands_in_the_outbox(qtbot, window) -> None:
    article_id = type_article(qtbot, window)
    clear_and_translate(window, article_id, "en")
    window.show_section("Packages")
    view = window.packages
    package = view.create_package("Tin tuần 41", [article_id])
    # The live check (off the UI thread) finds nothing missing, so sealing is allowed.
    qtbot.waitUntil(lambda: view.failures is not None and view.check_operation is None, timeout=10_000)
    assert view.failures == [] and view.seal_button.isEnabled()
    builder = view.builder.articles
    assert builder.topLevelItemCount() == 1  # the translation is a language of its article, not a row
    row = builder.topLevelItem(0)
    assert row.text(1).startswith("Tuần Văn hoá")
    assert row.text(2) == "vi ✓ approved · en ✓ final"

    operation = view.seal_selected()
    assert operation is not None
    with qtbot.waitSignal(operation.finished, timeout=10_000):
        pass
    assert window.services.packaging.status(package.id) == DeliveryState.QUEUED
    qtbot.waitUntil(lambda: view.table.item(0, 3).text() == "queued")
    assert "Outbox: 1 waiting" in window.outbox_label.text()
    row = view.builder.articles.topLevelItem(0)
    assert row.text(1).startswith("Tuần Văn hoá") and row.text(2).startswith("vi ✓")
    assert "en ✓ final" in row.text(2)


def test_corrupt_store_gets_a_message_box_and_exit_code_3(qtbot, monkeypatch, tmp_path: Path) -> None:
    from workstation.ui import application

    shown: list[str] = []
    monkeypatch.setattr(QMessageBox, "critical", lambda _parent, _title, text: shown.append(text))
    broken = tmp_path / "broken.db"
    broken.write_bytes(b"\x00garbage" * 500)
    assert application.run(broken) == 3
    assert shown and "damaged" in shown[0]
    assert broken.read_bytes() == b"\x00garbage" * 500


def test_spell_checking_underlines_without_counting_as_an_edit(qtbot, window) -> None:
    article = window.services.editorial.create_article("vi", "Tin", lead="Các lỗi: nghành và quyêt định.")
    window.articles.model.reload()
    window.articles.select(article.id)
    highlighter = window.articles.editor._highlighters[window.articles.editor.lead]
    qtbot.waitUntil(lambda: highlighter.misspellings(window.articles.editor.lead.toPlainText()) is not None)
    found = highlighter.misspellings(window.articles.editor.lead.toPlainText())
    assert [m.word for m in found] == ["nghành", "quyêt"]
    qtbot.wait(AUTOSAVE_DELAY_MS + 300)
    assert window.services.editorial.get(article.id).version == article.version
    assert not window.articles.editor.has_unsaved_changes()
