"""Drafting in the real widget tree: formatting, details, workflow, history, pictures, counts, settings."""

from __future__ import annotations

from pathlib import Path

from PIL import Image
from PySide6.QtCore import QMimeData, Qt, QUrl
from PySide6.QtGui import QTextCursor
from PySide6.QtWidgets import QPushButton

from tests.support.qt import type_text
from workstation.model import BlockKind, Mark, Role


def open_article(window, **fields):
    article = window.services.editorial.create_article("vi", **fields)
    window.articles.model.reload()
    window.articles.select(article.id)
    return window.articles.editor


def wait_saved(qtbot, window, article_id: str, check) -> None:
    window.articles.editor.save_now()
    qtbot.waitUntil(lambda: check(window.services.editorial.get(article_id)), timeout=5000)


def select_word(editor, word: str) -> None:
    document_text = editor.body.toPlainText()
    start = document_text.index(word)
    cursor = editor.body.textCursor()
    cursor.setPosition(start)
    cursor.setPosition(start + len(word), QTextCursor.MoveMode.KeepAnchor)
    editor.body.setTextCursor(cursor)


def test_bold_link_heading_and_list_are_kept_as_marks_and_blocks(qtbot, window, monkeypatch) -> None:
    editor = open_article(window, headline="Tin", paragraphs=["Đại sứ quán tổ chức sự kiện.", "Tiêu đề nhỏ", "Mục"])
    select_word(editor, "Đại sứ quán")
    editor.body.toggle_bold()
    select_word(editor, "sự kiện")
    editor.body.set_link("https://vietnam.vn")
    cursor = editor.body.textCursor()
    cursor.setPosition(editor.body.toPlainText().index("Tiêu đề nhỏ"))
    editor.body.setTextCursor(cursor)
    editor.body.set_kind(BlockKind.HEADING)
    cursor.setPosition(editor.body.toPlainText().index("Mục"))
    editor.body.setTextCursor(cursor)
    editor.body.set_kind(BlockKind.BULLETED)
    assert editor.has_unsaved_changes()

    article_id = editor.article.id
    wait_saved(qtbot, window, article_id, lambda a: a.version > 1)
    blocks = window.services.editorial.get(article_id).blocks
    assert blocks[0].marks == (Mark(0, 11, "bold"), Mark(20, 27, "link", "https://vietnam.vn"))
    assert [b.kind for b in blocks] == ["paragraph", "heading", "bulleted"]

    # Reloading shows the same structure again (no marks lost, no block ids changed).
    window.articles.editor.load(window.services.editorial.get(article_id))
    assert editor.body.blocks(blocks) == blocks


def test_details_tab_saves_genre_subjects_keywords_embargo_and_notes(qtbot, window) -> None:
    editor = open_article(window, headline="Phóng sự")
    editor.tabs.setCurrentIndex(1)
    editor.genre.setCurrentIndex(editor.genre.findData("feature"))
    editor.genre.activated.emit(editor.genre.currentIndex())
    type_text(editor.subjects, "Du lịch, Ngoại giao văn hoá")
    type_text(editor.keywords, "Seoul")
    editor.embargoed.click()
    type_text(editor.notes, "Chờ xác nhận số liệu")
    article_id = editor.article.id
    wait_saved(qtbot, window, article_id, lambda a: a.notes == "Chờ xác nhận số liệu")
    saved = window.services.editorial.get(article_id)
    assert saved.genre == "feature"
    assert saved.subjects == ["Du lịch", "Ngoại giao văn hoá"] and saved.keywords == ["Seoul"]
    assert saved.embargo is not None and saved.embargo.endswith("Z")


def test_counts_appear_in_the_status_bar(qtbot, window) -> None:
    open_article(window, headline="Một hai ba", lead="Bốn năm.", paragraphs=["Sáu bảy tám chín mười."])
    assert window.counts_label.text() == "10 words · 42 characters"


def test_workflow_buttons_follow_roles_and_lock_a_cleared_article(qtbot, window) -> None:
    editor = open_article(window, headline="Cần duyệt")
    services = window.services
    submit = editor.findChild(QPushButton, "step_in_review")
    qtbot.mouseClick(submit, Qt.MouseButton.LeftButton)
    assert services.editorial.get(editor.article.id).state == "in_review"

    services.people.create("Lan", frozenset({Role.DRAFTER}))
    services.people.switch_to("Lan")
    editor.reload_workflow()
    clear = editor.findChild(QPushButton, "step_approved")
    assert not clear.isEnabled() and "head of mission" in clear.toolTip()

    services.people.switch_to(services.people.all()[0].name)
    editor.reload_workflow()
    qtbot.mouseClick(editor.findChild(QPushButton, "step_approved"), Qt.MouseButton.LeftButton)
    assert editor.headline.isReadOnly() and editor.body.isReadOnly()
    assert editor.state_label.text() == "<b>Cleared</b>"
    history = [(c.from_state, c.to_state) for c in services.editorial.state_changes(editor.article.id)]
    assert history == [("draft", "in_review"), ("in_review", "approved")]


def test_history_shows_a_readable_diff_and_restores(qtbot, window) -> None:
    editor = open_article(window, headline="Bản đầu tiên", paragraphs=["Đoạn gốc."])
    article_id = editor.article.id
    editor.headline.selectAll()
    type_text(editor.headline, "Bản thứ hai")
    wait_saved(qtbot, window, article_id, lambda a: a.headline == "Bản thứ hai")

    editor.tabs.setCurrentIndex(3)
    panel = editor.history_panel
    assert panel.revisions.count() == 2
    panel.select_revisions(1)
    shown = panel.diff.toPlainText()
    assert "Headline" in shown and "Bản đầu tiênthứ hai" in shown
    assert "line-through" in panel.diff.toHtml() or "text-decoration" in panel.diff.toHtml()

    panel.restore(1)
    assert editor.headline.text() == "Bản đầu tiên"
    assert window.services.editorial.get(article_id).headline == "Bản đầu tiên"
    assert panel.revisions.count() == 3


def _photo(path: Path, colour: tuple[int, int, int] = (200, 30, 30)) -> Path:
    Image.new("RGB", (640, 480), colour).save(path, "JPEG")
    return path


def test_pictures_added_by_dialog_or_drop_land_in_the_text_with_captions(qtbot, window, tmp_path: Path) -> None:
    editor = open_article(window, headline="Ảnh", paragraphs=["Đoạn một."])
    article_id = editor.article.id
    operation = editor.add_pictures([_photo(tmp_path / "a.jpg")])
    with qtbot.waitSignal(operation.finished, timeout=10_000):
        pass
    # Dropping a file on the body goes the same way.
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(_photo(tmp_path / "b.jpg", (20, 90, 200))))])
    with qtbot.waitSignal(editor.body.pictures_dropped):
        editor.body.insertFromMimeData(mime)
    qtbot.waitUntil(lambda: len(editor.body.blocks(editor.article.blocks)) == 3, timeout=10_000)
    wait_saved(qtbot, window, article_id, lambda a: len(a.picture_ids) == 2)

    editor.tabs.setCurrentIndex(2)
    panel = editor.pictures_panel
    assert panel.list.count() == 2
    panel.list.setCurrentRow(0)
    panel.caption.setPlainText("Lễ khai mạc tại Seoul")
    panel.credit.setText("Ảnh: Đại sứ quán")
    panel.save_texts()
    picture = window.services.pictures.pictures_of(article_id)[0]
    assert picture.captions["vi"] == "Lễ khai mạc tại Seoul" and picture.credits["vi"] == "Ảnh: Đại sứ quán"


def test_a_picture_that_is_not_an_image_gets_a_message_and_changes_nothing(qtbot, window, tmp_path, monkeypatch):
    from workstation.ui import article_editor

    shown: list[str] = []
    monkeypatch.setattr(article_editor, "show_error", lambda _parent, _title, error: shown.append(str(error)))
    monkeypatch.setattr("workstation.ui.operations.show_error", lambda _parent, _title, error: shown.append(str(error)))
    editor = open_article(window, headline="Ảnh hỏng")
    fake = tmp_path / "not-a-photo.jpg"
    fake.write_text("hello")
    operation = editor.add_pictures([fake])
    with qtbot.waitSignal(operation.finished, timeout=10_000):
        pass
    assert shown == ["not-a-photo.jpg is not a picture the workstation can use; pictures must be JPEG, PNG or WebP"]
    assert window.services.pictures.pictures_of(editor.article.id) == []


def test_settings_switch_profile(qtbot, window) -> None:
    window.services.people.create("Minh", frozenset({Role.TRANSLATOR}))
    dialog = window.open_settings()
    dialog.profile.setCurrentIndex(dialog.profile.findData("Minh"))
    dialog.accept()
    assert window.services.people.current().name == "Minh"
    assert window.profile_label.text() == "Working as Minh"


def test_pasting_from_word_keeps_structure_and_emphasis_but_not_fonts(qtbot, window) -> None:
    editor = open_article(window, headline="Dán")
    mime = QMimeData()
    mime.setHtml(
        '<p style="font-family:Times New Roman;font-size:14pt;color:#c00">Hội nghị <b>xúc tiến</b> '
        '<a href="https://vietnam.vn">du lịch</a></p>'
        "<h2>Triển vọng</h2><ul><li>Đường bay mới</li><li><i>Visa</i> điện tử</li></ul>"
    )
    mime.setText("plain fallback")
    editor.body.insertFromMimeData(mime)
    article_id = editor.article.id
    wait_saved(qtbot, window, article_id, lambda a: len(a.blocks) == 4)
    blocks = window.services.editorial.get(article_id).blocks
    assert [(b.kind, b.text) for b in blocks] == [
        ("paragraph", "Hội nghị xúc tiến du lịch"),
        ("heading", "Triển vọng"),
        ("bulleted", "Đường bay mới"),
        ("bulleted", "Visa điện tử"),
    ]
    assert blocks[0].marks == (Mark(9, 17, "bold"), Mark(18, 25, "link", "https://vietnam.vn"))
    assert blocks[3].marks == (Mark(0, 4, "italic"),)
