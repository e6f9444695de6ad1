"""The Glossary & Memory section in the real window: entries added, edited, deleted and filtered through
its dialogs; TBX/CSV import and export and TMX import and export off the UI thread; memory counts,
concordance and the auto-propagation switch."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialogButtonBox

from workstation.translation.tmx import TmUnit, write_tmx
from workstation.ui.glossary_memory_view import GlossaryMemoryView, GlossaryTableModel

MOFA = "Ministry of Foreign Affairs"


@pytest.fixture
def view(window) -> GlossaryMemoryView:
    window.show_section("Glossary & Memory")
    view = window.glossary
    assert isinstance(view, GlossaryMemoryView)
    return view


def cells(view: GlossaryMemoryView, column: int) -> list[str]:
    model = view.glossary.model
    return [model.index(row, column).data() for row in range(model.rowCount())]


def wait(qtbot, operation) -> None:
    with qtbot.waitSignal(operation.finished, timeout=10_000):
        pass


def choose_pair(view: GlossaryMemoryView, source: str | None, target: str | None) -> None:
    box = view.glossary
    box.source_language.setCurrentIndex(box.source_language.findData(source))
    box.target_language.setCurrentIndex(box.target_language.findData(target))


def test_an_entry_is_added_edited_filtered_and_deleted_through_the_dialogs(qtbot, window, view) -> None:
    services = window.services
    box = view.glossary
    choose_pair(view, "vi", "en")
    qtbot.mouseClick(box.add_button, Qt.MouseButton.LeftButton)
    dialog = box.dialog
    assert dialog is not None and dialog.isVisible()
    assert (dialog.source_language.currentData(), dialog.target_language.currentData()) == ("vi", "en")
    dialog.source_term.setText("Bộ Ngoại giao")
    dialog.forbidden.setText("Foreign Ministry | MOFA")
    dialog.buttons.button(QDialogButtonBox.StandardButton.Ok).click()
    # The service refuses an entry without a translation; the dialog stays open and says why.
    assert dialog.isVisible() and "target term" in dialog.error.text()
    dialog.target_term.setText(MOFA)
    dialog.note.setPlainText("Tên chính thức.")
    dialog.buttons.button(QDialogButtonBox.StandardButton.Ok).click()
    assert not dialog.isVisible()
    [entry] = services.glossary.entries("vi", "en")
    assert (entry.source_term, entry.target_term, entry.forbidden, entry.note) == (
        "Bộ Ngoại giao", MOFA, ("Foreign Ministry", "MOFA"), "Tên chính thức."
    )  # fmt: skip
    assert cells(view, GlossaryTableModel.TARGET) == [MOFA]
    assert cells(view, GlossaryTableModel.FORBIDDEN) == ["Foreign Ministry | MOFA"]
    assert box.table.isColumnHidden(GlossaryTableModel.PAIR)  # both languages chosen
    assert "Saved “Bộ Ngoại giao”" in view.message.text()

    services.glossary.add("vi", "Đại sứ quán", "en", "Embassy")
    qtbot.waitUntil(lambda: len(cells(view, GlossaryTableModel.SOURCE)) == 2)  # the glossary's change notice
    assert cells(view, GlossaryTableModel.SOURCE) == ["Bộ Ngoại giao", "Đại sứ quán"]  # ordered as folded
    box.filter.setText("dai su")  # marks and case do not matter
    assert cells(view, GlossaryTableModel.SOURCE) == ["Đại sứ quán"]
    assert box.count_label.text() == "2 entries · 1 shown"
    box.filter.clear()

    # Edit: the languages stay, the terms change.
    assert box.select(entry.id)
    dialog = box.open_edit_dialog()
    assert not dialog.source_language.isEnabled()
    dialog.target_term.setText("Ministry of Foreign Affairs of Viet Nam")
    dialog.buttons.button(QDialogButtonBox.StandardButton.Ok).click()
    assert services.glossary.entry(entry.id).target_term == "Ministry of Foreign Affairs of Viet Nam"

    # Delete, after a question.
    assert box.select(entry.id)
    qtbot.mouseClick(box.delete_button, Qt.MouseButton.LeftButton)
    question = box.confirm_box
    assert question is not None and "Delete “Bộ Ngoại giao”" in question.text()
    question.button(question.StandardButton.Yes).click()
    assert [e.source_term for e in services.glossary.entries()] == ["Đại sứ quán"]
    assert cells(view, GlossaryTableModel.SOURCE) == ["Đại sứ quán"]

    # Any language: the pair column shows.
    choose_pair(view, None, None)
    assert not box.table.isColumnHidden(GlossaryTableModel.PAIR)
    assert cells(view, GlossaryTableModel.PAIR) == ["vi → en"]


def test_glossary_files_are_imported_and_exported_off_the_ui_thread(qtbot, window, view, tmp_path: Path) -> None:
    services = window.services
    csv = tmp_path / "terms.csv"
    csv.write_text(
        "source_term,source_language,target_term,target_language,forbidden_variants,note\n"
        f"Bộ Ngoại giao,vi,{MOFA},en,Foreign Ministry,Official name\n"
        "Tuần Văn hoá Việt Nam,vi,Vietnam Culture Week,en,,\n"
        "越南,zh,Việt Nam,vi,,\n",
        encoding="utf-8",
    )
    wait(qtbot, view.glossary.import_file(csv))
    assert view.message.text() == "terms.csv: 3 entries added, 0 already in the glossary."
    assert len(cells(view, GlossaryTableModel.SOURCE)) == 3
    wait(qtbot, view.glossary.import_file(csv))  # again: nothing new
    assert view.message.text() == "terms.csv: 0 entries added, 3 already in the glossary."

    choose_pair(view, "vi", "en")
    out = tmp_path / "vi-en.tbx"
    wait(qtbot, view.glossary.export_file(out))
    assert view.message.text() == "2 entries written to vi-en.tbx."
    text = out.read_text("utf-8")
    assert MOFA in text and "Vietnam Culture Week" in text and "越南" not in text

    # The exported TBX comes back into another workspace's glossary unchanged.
    services.glossary.delete(services.glossary.entries("vi", "en")[0].id)
    wait(qtbot, view.glossary.import_file(out))
    assert view.message.text() == "vi-en.tbx: 1 entry added, 1 already in the glossary."

    # An unusable file is refused with the reason, nothing imported.
    bad = tmp_path / "bad.csv"
    bad.write_text("source_term,source_language,target_term,target_language\nX,fr,Y,en\n", encoding="utf-8")
    wait(qtbot, view.glossary.import_file(bad))
    assert "nothing was imported" in view.message.text() and len(services.glossary.entries()) == 3


def test_tmx_import_counts_export_and_concordance(qtbot, window, view, tmp_path: Path) -> None:
    services = window.services
    memory = view.memory
    tmx = tmp_path / "embassy.tmx"
    write_tmx(
        tmx,
        [
            TmUnit("vi", "en", "Năm nay đánh dấu 30 năm thiết lập quan hệ ngoại giao.",
                   "This year marks 30 years of diplomatic relations.", "2026-03-01T08:00:00.000Z",
                   "2026-03-01T08:00:00.000Z", "Lan"),
            TmUnit("vi", "en", "Sự kiện kéo dài bảy ngày.", "The event lasts seven days.", "", "", ""),
            TmUnit("vi", "zh", "Việt Nam và Trung Quốc hợp tác.", "越南和中国合作。", "", "", ""),
        ],
    )  # fmt: skip
    wait(qtbot, memory.import_tmx(tmx))
    assert view.message.text() == "embassy.tmx: 3 units added, 0 already in the memory."
    assert services.memory.count() == 3
    qtbot.waitUntil(lambda: memory.counts_operation is None and memory.counts.rowCount() == 3)
    assert memory.count_cells() == {"Tiếng Việt – English": "2", "Tiếng Việt – 中文": "1", "All pairs": "3"}

    memory.search_language.setCurrentIndex(memory.search_language.findData("vi"))
    memory.search.setText("quan he ngoai giao")
    wait(qtbot, memory.run_search())
    assert memory.results_status.text() == "1 sentence holds “quan he ngoai giao”."
    assert "This year marks 30 years of diplomatic relations." in memory.results.toPlainText()

    memory.export_pair.setCurrentIndex(memory.export_pair.findData("en-vi"))
    out = tmp_path / "en-vi.tmx"
    wait(qtbot, memory.export_tmx(out))
    assert view.message.text() == "2 units written to en-vi.tmx."
    assert 'srclang="en"' in out.read_text("utf-8")

    # A confirmed segment elsewhere joins the memory; the view counts again when told of changes.
    article = services.editorial.create_article("vi", "Tin", lead="Một câu mới hoàn toàn.")
    translation = services.translations.create(article.id, "en")
    services.translations.save_segment(translation.id, "headline#0", "News")
    qtbot.waitUntil(lambda: memory.count_cells().get("All pairs") == "4", timeout=5000)


def test_the_auto_propagation_switch_is_the_memory_setting(qtbot, window, view) -> None:
    services = window.services
    switch = view.memory.autopropagate
    assert switch.isChecked() and services.memory.autopropagate
    switch.setChecked(False)
    assert not services.memory.autopropagate
    assert view.message.text() == "Repeated sentences are left to you."
    switch.setChecked(True)
    assert services.memory.autopropagate
