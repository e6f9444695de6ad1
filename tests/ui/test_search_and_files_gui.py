"""Search, filters, DOCX import and backup in the real widget tree."""

from __future__ import annotations

import zipfile
from pathlib import Path

import docx

from workstation.model import ArticleState
from workstation.ui.article_list import MATCH_CLOSE, MATCH_OPEN


def test_search_without_diacritics_highlights_and_opens_the_hit(qtbot, window) -> None:
    services = window.services
    wanted = services.editorial.create_article(
        "vi", "Ra mắt cổng thông tin đối ngoại", lead="Cổng thông tin đối ngoại tỉnh chính thức hoạt động."
    )
    services.editorial.create_article("vi", "Tin khác", lead="Không liên quan.")
    view = window.articles
    view.list.search.setText("cong thong tin doi ngoai")
    view.list.run_search()
    assert view.list.stack.currentWidget() is view.list.results
    hits = view.list.results_model.hits
    assert [hit.id for hit in hits] == [wanted.id]
    shown = view.list.results_model.index(0).data()
    assert f"{MATCH_OPEN}cổng thông tin đối ngoại{MATCH_CLOSE}" in shown  # the headline's match
    assert f"{MATCH_OPEN}Cổng thông tin đối ngoại{MATCH_CLOSE}" in shown  # the lead's match
    view.list.results.clicked.emit(view.list.results_model.index(0))
    assert view.editor.article.id == wanted.id

    view.list.search.clear()
    view.list.run_search()
    assert view.list.stack.currentWidget() is view.list.table


def test_two_character_chinese_search_finds_the_translation_and_opens_it(qtbot, window) -> None:
    services = window.services
    source = services.editorial.create_article("vi", "Việt Nam", lead="Một câu.")
    translation = services.translations.create(source.id, "zh")
    segment = services.translations.segments(translation.id)[0]
    services.translations.save_segment(translation.id, segment.address, "越南文化周", "translated")
    view = window.articles
    view.list.search.setText("文化")
    view.list.run_search()
    assert [hit.id for hit in view.list.results_model.hits] == [translation.id]
    view.list.results.activated.emit(view.list.results_model.index(0))
    assert window.stack.currentWidget() is window.translations


def test_state_filter_narrows_the_list(qtbot, window) -> None:
    services = window.services
    draft = services.editorial.create_article("vi", "Nháp")
    submitted = services.editorial.create_article("vi", "Đã gửi duyệt")
    services.editorial.set_state(submitted.id, ArticleState.IN_REVIEW)
    articles = window.articles.list
    articles.state.setCurrentIndex(articles.state.findData("in_review"))
    articles.state.activated.emit(articles.state.currentIndex())
    shown = [articles.model.row(n).id for n in range(articles.model.rowCount())]
    assert shown == [submitted.id] and draft.id not in shown


def test_docx_import_from_the_view(qtbot, window, tmp_path: Path) -> None:
    path = tmp_path / "bai.docx"
    document = docx.Document()
    document.add_heading("Hội nghị xúc tiến đầu tư tại Tokyo", level=0)
    document.add_paragraph("Sapo của bài viết.")
    document.add_paragraph("Đoạn thân bài.")
    document.save(path)
    operation = window.articles.import_docx(path)
    with qtbot.waitSignal(operation.finished, timeout=10_000):
        pass
    assert window.articles.editor.article.headline == "Hội nghị xúc tiến đầu tư tại Tokyo"
    assert window.articles.editor.body.toPlainText() == "Đoạn thân bài."


def test_backup_runs_in_the_background_while_the_app_is_open(qtbot, window, tmp_path: Path) -> None:
    window.services.editorial.create_article("vi", "Bài cần sao lưu")
    out = tmp_path / "backup.zip"
    operation = window.back_up(out)
    with qtbot.waitSignal(operation.finished, timeout=20_000):
        pass
    with zipfile.ZipFile(out) as archive:
        assert "workspace.db" in archive.namelist() and "manifest.json" in archive.namelist()
    assert "Backed up to backup.zip" in window.statusBar().currentMessage()
