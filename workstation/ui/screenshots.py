"""`workstation screenshots OUT_DIR`: each main view, with sample content, rendered offscreen to PNG."""

from __future__ import annotations

import os
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from PySide6.QtWidgets import QApplication

    from workstation.ui.main_window import MainWindow


def render_screenshots(out_dir: Path) -> list[Path]:
    if not os.environ.get("DISPLAY") and not os.environ.get("WAYLAND_DISPLAY"):
        os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from workstation.app import open_services
    from workstation.ui.application import make_application
    from workstation.ui.main_window import MainWindow
    from workstation.ui.sample_content import load_sample_content

    app = make_application()
    out_dir.mkdir(parents=True, exist_ok=True)
    written: list[Path] = []
    with tempfile.TemporaryDirectory(prefix="workstation-screens-") as folder:
        services = open_services(Path(folder) / "workspace.db")
        try:
            package = load_sample_content(services)
            services.packaging.seal(package.id)
            window = MainWindow(services)
            window.resize(1280, 760)
            window.show()
            first_article = services.editorial.summaries(translations=False)[0]
            window.articles.select(first_article.id)
            english = next(t for t in services.translations.translations_of(first_article.id) if t.language == "en")
            chinese = next(t for t in services.translations.translations_of(first_article.id) if t.language == "zh")
            shots = [
                ("articles", lambda: window.show_section("Articles")),
                ("editor-picture", lambda: _scroll_to_picture(window)),
                ("revision-diff", lambda: _show_history(window)),
                ("search", lambda: _search(window, "van hoa viet nam")),
                ("search-cjk", lambda: _search(window, "文化")),
                ("translation-vi-en", lambda: window.show_translation(english.id)),
                ("translation-vi-zh", lambda: window.show_translation(chinese.id)),
                ("translation-en-vi-stale", lambda: _show_stale_translation(window)),
                ("packages", lambda: window.show_section("Packages")),
                ("sync", lambda: window.show_section("Sync")),
                ("translation-assist", lambda: _show_translation_assist(window, english.id)),
                ("translation-qa", lambda: _show_translation_qa(window)),
                ("glossary-memory", lambda: _show_glossary_memory(window)),
            ]
            spelling_demo = services.editorial.create_article(
                "vi",
                "Kiểm tra chính tả khi gõ",
                lead="Các lỗi thường gặp: nghành công nghiệp, quyêt định, ngiên cứu.",
                paragraphs=["Cách bỏ dấu hoá và hóa, thuỷ và thủy đều đúng; TTĐN, video và Covid-19 không bị báo lỗi."],
            )
            shots.append(("spelling-vi", lambda: _show_article(window, spelling_demo.id)))
            for name, show in shots:
                show()
                _settle(app)
                path = out_dir / f"{name}.png"
                window.grab().save(str(path))
                written.append(path)
            window.close()
            window.deleteLater()
            app.processEvents()
        finally:
            services.close()
    return written


def _scroll_to_picture(window: MainWindow) -> None:
    editor = window.articles.editor
    editor.tabs.setCurrentIndex(0)
    editor.body.verticalScrollBar().setValue(editor.body.verticalScrollBar().maximum() // 3)


def _show_history(window: MainWindow) -> None:
    editor = window.articles.editor
    editor.tabs.setCurrentIndex(3)
    editor.history_panel.select_revisions(1)


def _search(window: MainWindow, query: str) -> None:
    window.articles.editor.tabs.setCurrentIndex(0)
    window.articles.list.search.setText(query)
    window.articles.list.run_search()


def _show_article(window: MainWindow, article_id: str) -> None:
    window.show_section("Articles")
    window.articles.list.search.clear()
    window.articles.list.run_search()
    window.articles.model.reload()
    window.articles.select(article_id)


def _show_stale_translation(window: MainWindow) -> None:
    """An English article translated into Vietnamese, its stale segment selected (the source diff shows)."""
    from workstation.ui.sample_content import load_stale_translation_sample

    translation = load_stale_translation_sample(window.services)
    window.show_translation(translation.id)
    editor = window.translations.editor
    stale = next(row for row in range(editor.model.rowCount()) if editor.model.segment(row).is_stale)
    editor.go_to_row(stale, edit=False)


def _show_translation_assist(window: MainWindow, translation_id: str) -> None:
    """vi → en with a glossary and memory: the fuzzy matches of a sentence with a bold phrase, its
    glossary terms highlighted in the source, QA markers on the rows with issues."""
    from PySide6.QtWidgets import QSplitter

    from workstation.ui.sample_content import load_translation_assist_sample

    address = load_translation_assist_sample(window.services, translation_id)
    window.resize(1560, 900)  # room for the table and the side panes side by side
    window.show_translation(translation_id)
    view = window.translations
    view.findChild(QSplitter).setSizes([260, 1110])
    editor = view.editor
    editor.reload()
    editor.side.setCurrentWidget(editor.assist.matches)
    editor.findChild(QSplitter).setSizes([640, 470])
    row = editor.model.row_of(address)
    assert row is not None
    editor.go_to_row(row, edit=False)
    assist = editor.assist
    assist.matches.search.setText("quan hệ ngoại giao")
    assist.matches.search.returnPressed.emit()
    _wait_for(
        lambda: (
            assist.matches.shown is not None
            and assist.issues_for == translation_id
            and bool(assist.matches.results.toPlainText())
        )
    )


def _show_translation_qa(window: MainWindow) -> None:
    """The same translation with the QA tab: the planted number error first, warnings, one acknowledged."""
    editor = window.translations.editor
    editor.side.setCurrentWidget(editor.assist.qa)
    if editor.assist.qa.list.count():
        editor.assist.qa.list.setCurrentRow(0)
        editor.assist.jump_to(editor.assist.qa.issues[0].address)


def _show_glossary_memory(window: MainWindow) -> None:
    window.resize(1280, 760)
    window.show_section("Glossary & Memory")
    view = window.glossary
    view.glossary.source_language.setCurrentIndex(view.glossary.source_language.findData("vi"))
    view.glossary.target_language.setCurrentIndex(view.glossary.target_language.findData("en"))
    view.memory.search.setText("quan hệ ngoại giao")
    operation = view.memory.run_search()
    _wait_for(lambda: operation is None or not operation.running)


def _wait_for(condition: Callable[[], bool], seconds: float = 10.0) -> None:
    from PySide6.QtWidgets import QApplication

    deadline = time.monotonic() + seconds
    while not condition() and time.monotonic() < deadline:
        QApplication.processEvents()
        time.sleep(0.02)


def _settle(app: QApplication, seconds: float = 0.6) -> None:
    """Let background work (spell checks) report back before the picture is taken."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        app.processEvents()
        time.sleep(0.02)
