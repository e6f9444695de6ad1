"""The package builder in the real widget tree: languages and states, order, rule failures and their
fixes, sealing, versions, and verifying bundles — on a real store with the sample content."""

from __future__ import annotations

import zipfile
from pathlib import Path

from PySide6.QtCore import QPointF, Qt
from PySide6.QtGui import QDropEvent

from tests.support.stations import ENGLISH
from workstation.model import Picture, SegmentState
from workstation.ui.package_builder import ARTICLE, LANGUAGES, NUMBER, AddArticlesDialog
from workstation.ui.package_failures import FAILURE_ROLE
from workstation.ui.package_parts import CHIPS_ROLE, LanguageChip
from workstation.ui.sample_content import load_sample_content


def complete_article(services, headline: str = "Đại sứ quán gặp mặt cộng đồng", languages: tuple = ("en",)):
    """A cleared article with final translations: everything the rules ask for. Unlike the stations'
    `complete_article`, no picture: a translation added later needs no picture texts to be complete."""
    article = services.editorial.create_article(
        "vi",
        headline,
        lead="Đại sứ quán tổ chức buổi gặp mặt cộng đồng người Việt.",
        paragraphs=["Nhiều gia đình đã tham dự."],
        byline="Minh Anh",
        dateline="Seoul",
    )
    services.editorial.set_state(article.id, "in_review")
    services.editorial.set_state(article.id, "approved")
    for language in languages:
        finish_translation(services, services.translations.create(article.id, language).id)
    return services.editorial.get(article.id)


def finish_translation(services, translation_id: str) -> None:
    for segment in services.translations.segments(translation_id):
        target = ENGLISH.get(segment.source_text, segment.source_text)
        services.translations.save_segment(translation_id, segment.address, target, SegmentState.TRANSLATED)
    assert services.translations.set_state(translation_id, SegmentState.FINAL) == []


def open_packages(qtbot, window, package_id: str):
    window.show_section("Packages")
    view = window.packages
    view.reload()
    assert view.select(package_id)
    wait_checked(qtbot, view)
    return view


def wait_checked(qtbot, view) -> None:
    """Until the live check (off the UI thread) has reported on the selected package."""
    qtbot.waitUntil(lambda: view.failures is not None and view.check_operation is None, timeout=10_000)


def chips_of_row(view, row: int) -> list[LanguageChip]:
    return view.builder.articles.topLevelItem(row).data(LANGUAGES, CHIPS_ROLE)


def failure_row(view, predicate):
    return next(row for row in view.failures_panel.failure_rows() if predicate(row.data(0, FAILURE_ROLE)))


def test_builder_shows_each_language_with_its_state_and_the_total_size(qtbot, window) -> None:
    package = load_sample_content(window.services)
    view = open_packages(qtbot, window, package.id)

    assert view.builder.name.text() == "Tin tuần 41 gửi Cổng thông tin"
    row = view.builder.articles.topLevelItem(0)
    assert row.text(ARTICLE) == "Tuần Văn hoá Việt Nam khai mạc tại Seoul"
    chips = chips_of_row(view, 0)
    # The draft source first, then its three translations, none of them final yet.
    assert (chips[0].language, chips[0].state, chips[0].ready) == ("vi", "draft", False)
    assert sorted(chip.language for chip in chips[1:]) == ["en", "ja", "zh"]
    assert not any(chip.ready for chip in chips)
    assert row.text(LANGUAGES).startswith("vi ✗ draft · ")
    assert "kB" in view.builder.total.text() and view.builder.total.text().startswith("1 article")


def test_reordering_and_removing_articles_persist_through_the_service(qtbot, window) -> None:
    services = window.services
    first, second, third = (complete_article(services, f"Bài số {n}", languages=()) for n in (1, 2, 3))
    package = services.packaging.create("Ba bài", [first.id, second.id, third.id])
    view = open_packages(qtbot, window, package.id)
    builder = view.builder

    builder.articles.setCurrentItem(builder.articles.topLevelItem(0))
    qtbot.mouseClick(builder.down_button, Qt.MouseButton.LeftButton)
    assert services.packaging.get(package.id).article_ids == [second.id, first.id, third.id]
    # The view re-read the package: the moved article stays selected, in its new place.
    qtbot.waitUntil(lambda: builder.articles.topLevelItem(1).data(NUMBER, Qt.ItemDataRole.UserRole) == first.id)
    assert builder.current_article_id() == first.id

    builder.articles.setCurrentItem(builder.articles.topLevelItem(2))
    qtbot.mouseClick(builder.up_button, Qt.MouseButton.LeftButton)
    assert services.packaging.get(package.id).article_ids == [second.id, third.id, first.id]

    builder.articles.setCurrentItem(builder.articles.topLevelItem(0))
    qtbot.mouseClick(builder.remove_button, Qt.MouseButton.LeftButton)
    assert services.packaging.get(package.id).article_ids == [third.id, first.id]
    assert services.editorial.get(second.id).headline == "Bài số 2"  # the article itself stays


def drop(tree, item, y: float) -> None:
    """Drop `item` (the row being dragged) at height `y` of the tree's viewport."""
    tree.setCurrentItem(item)
    mime = tree.model().mimeData([tree.indexFromItem(item)])
    position = QPointF(tree.viewport().width() / 2, y)
    tree.dropEvent(
        QDropEvent(position, Qt.DropAction.MoveAction, mime, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier)
    )


def test_dragging_a_row_reorders_the_articles(qtbot, window) -> None:
    services = window.services
    first, second, third = (complete_article(services, f"Bài số {n}", languages=()) for n in (1, 2, 3))
    package = services.packaging.create("Ba bài", [first.id, second.id, third.id])
    view = open_packages(qtbot, window, package.id)
    tree = view.builder.articles

    below_last = tree.visualItemRect(tree.topLevelItem(2)).bottom() - 2
    drop(tree, tree.topLevelItem(0), below_last)
    assert services.packaging.get(package.id).article_ids == [second.id, third.id, first.id]

    qtbot.waitUntil(lambda: tree.article_ids() == [second.id, third.id, first.id])
    above_first = tree.visualItemRect(tree.topLevelItem(0)).top() + 2
    drop(tree, tree.topLevelItem(1), above_first)
    assert services.packaging.get(package.id).article_ids == [third.id, second.id, first.id]
    assert tree.topLevelItemCount() == 3  # moved, never nested or lost


def test_name_destination_and_note_are_saved(qtbot, window) -> None:
    services = window.services
    package = services.packaging.create("Tạm", [complete_article(services, languages=()).id])
    view = open_packages(qtbot, window, package.id)
    view.builder.name.setText("Tin tuần 42")
    view.builder.destination.setText("portal/culture")
    view.builder.note.setPlainText("Xin đăng trước thứ Sáu.")
    view.builder.save_details()
    stored = services.packaging.get(package.id)
    assert (stored.name, stored.destination, stored.note) == (
        "Tin tuần 42",
        "portal/culture",
        "Xin đăng trước thứ Sáu.",
    )


def test_failures_of_an_incomplete_package_are_listed_and_seal_is_disabled(qtbot, window) -> None:
    package = load_sample_content(window.services)
    view = open_packages(qtbot, window, package.id)

    failures = view.failures
    assert failures and {failure.rule for failure in failures} >= {"article-cleared", "translation-final"}
    assert not view.seal_button.isEnabled()
    errors = sum(1 for failure in failures if failure.is_error)
    assert str(errors) in view.seal_button.toolTip()
    assert len(view.failures_panel.failure_rows()) == len(failures)
    # Errors before warnings, every one with its article, language and field on screen.
    severities = [row.data(0, FAILURE_ROLE).severity for row in view.failures_panel.failure_rows()]
    assert severities == sorted(severities, key=lambda severity: severity != "error")
    group = view.failures_panel.tree.topLevelItem(0)
    assert group.text(0).startswith("Tuần Văn hoá Việt Nam khai mạc tại Seoul")


def test_a_failure_on_the_article_opens_the_editor_on_that_field(qtbot, window) -> None:
    services = window.services
    article = services.editorial.create_article("vi", "Không có sapo", paragraphs=["Nội dung."])
    package = services.packaging.create("Thiếu sapo", [article.id])
    view = open_packages(qtbot, window, package.id)

    row = failure_row(view, lambda failure: failure.field == "lead")
    view.failures_panel.tree.setCurrentItem(row)
    qtbot.keyClick(view.failures_panel.tree, Qt.Key.Key_Return)

    editor = window.articles.editor
    assert window.stack.currentWidget() is window.articles
    assert editor.article.id == article.id
    assert editor.tabs.currentIndex() == 0
    assert window.focusWidget() is editor.lead  # where the typing goes (offscreen windows are never active)


def test_a_failure_on_a_translation_opens_the_translation_editor_on_the_unfinished_sentence(qtbot, window) -> None:
    services = window.services
    article = complete_article(services, languages=())
    translation = services.translations.create(article.id, "en")
    segments = services.translations.segments(translation.id)
    services.translations.save_segment(translation.id, segments[0].address, "The Embassy meets", SegmentState.FINAL)
    package = services.packaging.create("Dịch dở", [article.id])
    view = open_packages(qtbot, window, package.id)

    row = failure_row(view, lambda failure: failure.rule == "translation-final")
    view.failures_panel.tree.itemActivated.emit(row, 0)

    editor = window.translations.editor
    assert window.stack.currentWidget() is window.translations
    assert editor.model.translation.id == translation.id
    assert editor.current_segment().address == segments[1].address  # the first one not final


def test_a_failure_on_a_picture_opens_its_texts_in_the_failing_language(qtbot, window, tmp_path: Path) -> None:
    from tests.support.images import png_bytes

    services = window.services
    article = complete_article(services, languages=("en",))
    photo = tmp_path / "anh.png"
    photo.write_bytes(png_bytes(64, 48))
    picture: Picture = services.pictures.add(article.id, photo, name="anh.png", default_language="vi")
    services.pictures.update_texts(
        picture.id,
        captions={"vi": "Ảnh"},
        alt_texts={"vi": "Ảnh", "en": "Photo"},
        credits={"vi": "ĐSQ", "en": "Embassy"},
    )
    package = services.packaging.create("Thiếu chú thích", [article.id])
    view = open_packages(qtbot, window, package.id)

    row = failure_row(view, lambda failure: failure.target.kind == "picture")
    assert row.data(0, FAILURE_ROLE).language == "en"
    view.failures_panel.tree.itemActivated.emit(row, 0)

    editor = window.articles.editor
    panel = editor.pictures_panel
    assert editor.article.id == article.id and editor.tabs.currentWidget() is panel
    assert panel.language.currentData() == "en"
    assert panel._current().id == picture.id
    assert window.focusWidget() is panel.caption


def test_seal_is_enabled_once_the_package_is_complete_and_sealing_adds_a_version(qtbot, window) -> None:
    services = window.services
    article = complete_article(services, languages=())
    translation = services.translations.create(article.id, "en")
    package = services.packaging.create("Hoàn chỉnh", [article.id])
    view = open_packages(qtbot, window, package.id)
    assert not view.seal_button.isEnabled()
    assert view.versions_panel.tree.topLevelItemCount() == 0

    # Finishing the translation is announced on the bus: the view re-checks on its own.
    finish_translation(services, translation.id)
    qtbot.waitUntil(lambda: view.failures == [] and view.seal_button.isEnabled(), timeout=10_000)
    assert chips_of_row(view, 0)[1] == LanguageChip("en", chips_of_row(view, 0)[1].state, True)

    with qtbot.waitSignal(view.sealed, timeout=20_000) as sealed:
        qtbot.mouseClick(view.seal_button, Qt.MouseButton.LeftButton)
    assert sealed.args[0].entry.package_version == 1
    qtbot.waitUntil(lambda: view.versions_panel.tree.topLevelItemCount() == 1)
    assert view.versions_panel.tree.topLevelItem(0).text(0) == "1"
    assert view.tabs.currentWidget() is view.versions_panel
    assert "1" in view.table.item(view.table.currentRow(), 1).text()


def test_verify_lists_the_problems_of_a_tampered_bundle(qtbot, window, tmp_path: Path) -> None:
    services = window.services
    package = services.packaging.create("Để kiểm tra", [complete_article(services, languages=("en",)).id])
    sealed = services.packaging.seal(package.id)
    view = open_packages(qtbot, window, package.id)

    with qtbot.waitSignal(view.verified, timeout=20_000):
        view.verify_bundle(sealed.path)
    assert view.last_report.valid
    assert view.report_dialog.summary.text().startswith(f"✓ Valid, signed by {services.identity.name} (")
    assert services.identity.fingerprint in view.report_dialog.summary.text()

    tampered = tmp_path / "tampered.zip"
    with zipfile.ZipFile(sealed.path) as source, zipfile.ZipFile(tampered, "w") as target:
        for info in source.infolist():
            data = source.read(info)
            if info.filename.endswith("package.json"):
                changed = data.replace("Để kiểm tra".encode(), b"Something else")
                assert changed != data
                data = changed
            target.writestr(info, data)
    with qtbot.waitSignal(view.verified, timeout=20_000):
        view.verify_bundle(tampered)
    report = view.last_report
    assert not report.valid
    problems = view.report_dialog.problems
    assert problems.count() == len(report.problems) >= 1
    assert any("package.json" in problems.item(n).text() for n in range(problems.count()))


def test_articles_are_added_from_a_list_searched_without_accents(qtbot, window) -> None:
    services = window.services
    first, second, third = (complete_article(services, f"Bài số {n}", languages=()) for n in (1, 2, 3))
    package = services.packaging.create("Một bài", [first.id])
    view = open_packages(qtbot, window, package.id)

    dialog = AddArticlesDialog(services, set(view.builder.articles.article_ids()), view)
    qtbot.addWidget(dialog)
    shown = [dialog.articles.item(n) for n in range(dialog.articles.count())]
    assert all(first.id != item.data(Qt.ItemDataRole.UserRole) for item in shown)  # already in the package
    dialog.search.setText("bai so 3")
    visible = [item for item in shown if not item.isHidden()]
    assert [item.data(Qt.ItemDataRole.UserRole) for item in visible] == [third.id]
    dialog.articles.itemActivated.emit(visible[0])
    view.builder.add_articles(dialog.chosen_ids())

    assert services.packaging.get(package.id).article_ids == [first.id, third.id]
    qtbot.waitUntil(lambda: view.builder.articles.topLevelItemCount() == 2)
    assert second.id not in view.builder.articles.article_ids()


def test_bulletin_is_written_off_the_ui_thread_and_its_place_shown(qtbot, window, tmp_path: Path) -> None:
    services = window.services
    package = services.packaging.create("Bản tin quý", [complete_article(services, languages=("en",)).id])
    view = open_packages(qtbot, window, package.id)

    out = tmp_path / "ban-tin.docx"
    operation = view.render_bulletin(out)
    assert operation is not None and not view.progress.isHidden()
    qtbot.waitUntil(lambda: view.bulletin_path is not None, timeout=30_000)
    assert view.bulletin_path == out and zipfile.is_zipfile(out)
    with zipfile.ZipFile(out) as document:
        assert "Embassy meets the community" in document.read("word/document.xml").decode()
    assert str(out) in view.message.text()
    qtbot.waitUntil(lambda: view.progress.isHidden())


def test_a_qa_error_opens_the_translation_on_its_sentence(qtbot, window) -> None:
    package = load_sample_content(window.services)  # its English lead says 3,000 where the source says 3.500
    view = open_packages(qtbot, window, package.id)

    row = failure_row(view, lambda failure: failure.rule == "qa-errors" and failure.language == "en")
    failure = row.data(0, FAILURE_ROLE)
    assert row.text(1) == f"Sentence {failure.field.removeprefix('segment:')}"
    view.failures_panel.tree.itemActivated.emit(row, 0)

    editor = window.translations.editor
    assert editor.model.translation.id == failure.target.id
    assert editor.current_segment().address == failure.field.removeprefix("segment:")
    assert editor.side.currentWidget() is editor.assist.qa  # beside it, what QA says
