"""The side-by-side translation editor in the real window: groups, keys, filters, stale segments,
review by another profile, readiness, XLIFF through the view, CJK fonts, the list's progress."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest
from PySide6.QtCore import Qt

from tests.support.images import png_bytes
from tests.support.qt import type_text
from workstation.model import Role, SegmentState
from workstation.ui.segment_model import GROUP_ROLE, SegmentModel, progress_text
from workstation.ui.translation_panels import INSERTED_STYLE

CTRL = Qt.KeyboardModifier.ControlModifier
CTRL_SHIFT = Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier


@pytest.fixture
def article(services):
    article = services.editorial.create_article(
        "vi",
        "Đà Nẵng quảng bá du lịch",
        lead="Câu sapo một. Câu sapo hai.",
        paragraphs=["Đoạn một câu một. Đoạn một câu hai.", "Đoạn hai."],
    )
    services.editorial.add_picture(
        article.id,
        png_bytes(160, 100),
        name="a.png",
        captions={"vi": "Quang cảnh hội nghị."},
        alt_texts={"vi": "Hội trường."},
    )
    return services.editorial.get(article.id)


def open_translation(window, article_id: str, language: str = "en"):
    translation = window.services.translations.create(article_id, language)
    window.show_translation(translation.id)
    editor = window.translations.editor
    assert editor.model.translation is not None and editor.model.translation.id == translation.id
    return editor, translation


def sources(editor) -> list[str]:
    return [editor.model.index(row, SegmentModel.SOURCE).data() for row in range(editor.model.rowCount())]


def row_of(editor, source_text: str) -> int:
    return sources(editor).index(source_text)


def stored(window, translation_id: str, address: str):
    return next(s for s in window.services.translations.segments(translation_id) if s.address == address)


def confirm_typed(qtbot, editor, row: int, text: str) -> None:
    editor.edit_row(row)
    field = editor.delegate.active
    type_text(field, text)
    qtbot.keyClick(field, Qt.Key.Key_Return, CTRL)


# --- rows and groups --------------------------------------------------------------------------


def test_rows_are_grouped_by_part_with_readable_labels(window, article) -> None:
    editor, _translation = open_translation(window, article.id)
    model = editor.model
    groups = [model.index(row, SegmentModel.SOURCE).data(GROUP_ROLE) for row in range(model.rowCount())]
    assert groups == [
        "Headline",
        "Lead",
        "",
        "Paragraph 1",
        "",
        "Paragraph 2",
        "Picture 1 — caption",
        "Picture 1 — alt text",
    ]
    assert model.part_label(2) == "Lead"
    assert sources(editor)[:3] == ["Đà Nẵng quảng bá du lịch", "Câu sapo một.", "Câu sapo hai."]
    # The first row of a group is taller by the band its label is painted in.
    band = editor.delegate.band
    assert editor.table.rowHeight(1) >= editor.table.rowHeight(2) + band - 2
    # Numbers, state and origin columns.
    assert model.index(0, SegmentModel.NUMBER).data() == "1"
    assert model.index(0, SegmentModel.STATE).data() == "new"
    assert model.headerData(SegmentModel.ORIGIN, Qt.Orientation.Horizontal) == "Origin"


# --- keys -------------------------------------------------------------------------------------


def test_ctrl_enter_confirms_and_opens_the_next_segment(qtbot, window, article) -> None:
    editor, translation = open_translation(window, article.id)
    confirm_typed(qtbot, editor, 0, "Da Nang promotes tourism")
    assert editor.model.index(0, SegmentModel.STATE).data() == SegmentState.TRANSLATED
    assert editor.model.index(0, SegmentModel.ORIGIN).data() == "human"
    assert editor.current_row() == 1 and editor.delegate.active is not None and editor.delegate.active.row == 1
    assert stored(window, translation.id, "headline#0").target_text == "Da Nang promotes tourism"
    assert editor.progress.text() == "1 of 8 segments translated (12 %)"
    # Ctrl+Shift+Enter keeps a draft and moves on.
    type_text(editor.delegate.active, "First lead sentence")
    qtbot.keyClick(editor.delegate.active, Qt.Key.Key_Return, CTRL_SHIFT)
    assert stored(window, translation.id, "lead#0").state == SegmentState.DRAFT
    assert editor.current_row() == 2


def test_enter_finishes_editing_without_a_line_break_and_escape_cancels(qtbot, window, article) -> None:
    editor, translation = open_translation(window, article.id)
    editor.edit_row(0)
    type_text(editor.delegate.active, "Da Nang")
    qtbot.keyClick(editor.delegate.active, Qt.Key.Key_Return)
    assert editor.delegate.active is None
    segment = stored(window, translation.id, "headline#0")
    assert (segment.target_text, segment.state) == ("Da Nang", SegmentState.DRAFT)

    editor.edit_row(1)
    type_text(editor.delegate.active, "thrown away")
    qtbot.keyClick(editor.delegate.active, Qt.Key.Key_Escape)
    assert editor.delegate.active is None
    assert stored(window, translation.id, "lead#0").target_text == ""


def test_copy_source_replaces_the_target_as_one_undo_step(qtbot, window, article) -> None:
    editor, translation = open_translation(window, article.id)
    editor.edit_row(3)
    field = editor.delegate.active
    type_text(field, "draft")
    qtbot.keyClick(field, Qt.Key.Key_R, CTRL_SHIFT)
    assert field.toPlainText() == "Đoạn một câu một."
    qtbot.keyClick(field, Qt.Key.Key_Z, CTRL)  # the editor's own undo first
    assert field.toPlainText() == "draft"
    qtbot.keyClick(field, Qt.Key.Key_R, CTRL_SHIFT)
    qtbot.keyClick(field, Qt.Key.Key_Return, CTRL)
    segment = stored(window, translation.id, editor.model.segment(3).address)
    assert (segment.target_text, segment.state) == ("Đoạn một câu một.", SegmentState.TRANSLATED)


def test_ctrl_u_goes_to_the_next_untranslated_segment(qtbot, window, article) -> None:
    services = window.services
    editor, translation = open_translation(window, article.id)
    for segment in services.translations.segments(translation.id)[:4]:
        services.translations.save_segment(translation.id, segment.address, f"EN {segment.source_text}")
    editor.reload()
    editor.go_to_row(0, edit=False)
    qtbot.keyClick(editor.table, Qt.Key.Key_U, CTRL)
    assert editor.current_row() == 4 and editor.delegate.active is not None
    # From the last rows it wraps around to the first one left.
    editor.delegate.finish(commit=False)
    editor.go_to_row(7, edit=False)
    services.translations.save_segment(translation.id, editor.model.segment(7).address, "The hall.")
    editor.reload()
    editor.go_to_row(7, edit=False)
    qtbot.keyClick(editor.table, Qt.Key.Key_U, CTRL)
    assert editor.current_row() == 4


def test_ctrl_z_undoes_typing_then_the_last_confirm(qtbot, window, article) -> None:
    editor, translation = open_translation(window, article.id)
    confirm_typed(qtbot, editor, 0, "Da Nang promotes tourism")
    field = editor.delegate.active
    type_text(field, "x")
    qtbot.keyClick(field, Qt.Key.Key_Z, CTRL)  # typing first
    assert field.toPlainText() == "" and stored(window, translation.id, "headline#0").state == SegmentState.TRANSLATED
    qtbot.keyClick(field, Qt.Key.Key_Z, CTRL)  # nothing left to undo in the editor: the last confirm
    segment = stored(window, translation.id, "headline#0")
    assert (segment.target_text, segment.state) == ("", SegmentState.NEW)
    assert editor.current_row() == 0 and editor.model.segment(0).state == SegmentState.NEW
    assert "0 of 8" in editor.progress.text()
    qtbot.keyClick(editor.table, Qt.Key.Key_Z, CTRL)
    assert editor.message.text() == "Nothing to undo."


# --- source edits, stale segments and filters ----------------------------------------------


def edit_source_lead(window, article, lead: str) -> None:
    window.services.editorial.save(replace(window.services.editorial.get(article.id), lead=lead))


def test_a_source_edit_marks_exactly_the_changed_segment_stale_with_its_diff(qtbot, window, article) -> None:
    services = window.services
    editor, translation = open_translation(window, article.id)
    for segment in services.translations.segments(translation.id):
        services.translations.save_segment(translation.id, segment.address, f"EN {segment.source_text}")
    editor.reload()
    assert "8 of 8" in editor.progress.text()

    edit_source_lead(window, article, "Câu sapo một. Câu sapo hai đã sửa.")
    qtbot.waitUntil(lambda: any(segment.is_stale for segment in editor.model.segments))
    editor.set_filter("stale")
    assert editor.visible_rows() == [2]
    assert editor.current_row() == 2
    assert editor.model.segment(2).source_text == "Câu sapo hai đã sửa."
    assert editor.progress.text() == "7 of 8 segments translated (87 %) · 1 stale"
    assert editor.shown_label.text() == "1 of 8 shown"

    # Selecting it shows how the source changed, word by word.
    assert editor.source_change.isVisible()
    assert editor.source_change.plain_text() == "Câu sapo hai{+ đã sửa+}."
    assert INSERTED_STYLE in editor.source_change.diff.text()

    # Confirming it again (Ctrl+Enter on the row) clears the mark.
    qtbot.keyClick(editor.table, Qt.Key.Key_Return, CTRL)
    assert not stored(window, translation.id, "lead#1").is_stale
    assert editor.progress.text() == "8 of 8 segments translated (100 %)"
    editor.go_to_row(2, edit=False)
    assert not editor.source_change.isVisible()


def test_filters_by_kind_state_and_text_keep_edits(qtbot, window, article) -> None:
    services = window.services
    editor, translation = open_translation(window, article.id)
    services.translations.save_segment(translation.id, "headline#0", "Da Nang promotes tourism")
    services.translations.save_segment(translation.id, "lead#0", "First", SegmentState.DRAFT)
    editor.reload()

    editor.set_filter("untranslated")
    assert editor.visible_rows() == [1, 2, 3, 4, 5, 6, 7]
    editor.set_filter(SegmentState.DRAFT)
    assert editor.visible_rows() == [1]
    editor.set_filter("all", "sapo HAI")  # case and marks do not matter
    assert editor.visible_rows() == [2]
    editor.set_filter("all", "promotes")  # targets too
    assert editor.visible_rows() == [0]

    # An edit in progress survives a change of filter.
    editor.set_filter("all", "")
    editor.edit_row(5)
    type_text(editor.delegate.active, "Paragraph two.")
    editor.set_filter("untranslated")
    assert stored(window, translation.id, editor.model.segment(5).address).target_text == "Paragraph two."
    assert 5 in editor.visible_rows()  # a draft is not yet confirmed


# --- review -----------------------------------------------------------------------------------


def test_another_profile_reviews_and_the_translator_sees_the_comments(qtbot, window, article) -> None:
    services = window.services
    translator = services.people.current().name
    editor, translation = open_translation(window, article.id)
    confirm_typed(qtbot, editor, 0, "Da Nang promotes tourism")
    comments = editor.side.comments
    editor.go_to_row(0, edit=False)
    assert not comments.accept_button.isVisibleTo(editor)
    assert "another person reviews it" in comments.review_note.text()

    services.people.create("Hoa", frozenset({Role.TRANSLATOR}))
    services.people.switch_to("Hoa")
    editor.go_to_row(1, edit=False)
    editor.go_to_row(0, edit=False)
    assert comments.accept_button.isVisibleTo(editor) and comments.reject_button.isVisibleTo(editor)
    qtbot.mouseClick(comments.reject_button, Qt.MouseButton.LeftButton)
    assert "Say why" in editor.message.text()
    assert stored(window, translation.id, "headline#0").state == SegmentState.TRANSLATED
    type_text(comments.field, "Dùng “showcases”.")
    qtbot.mouseClick(comments.reject_button, Qt.MouseButton.LeftButton)
    segment = stored(window, translation.id, "headline#0")
    assert segment.state == SegmentState.DRAFT
    assert [(c.profile_name, c.verdict, c.text) for c in segment.comments] == [("Hoa", "rejected", "Dùng “showcases”.")]
    assert editor.model.segment(0).state == SegmentState.DRAFT
    assert "1 rejected" in editor.progress.text()
    assert editor.side.tabText(0) == "Comments (1)"

    services.people.switch_to(translator)
    editor.go_to_row(1, edit=False)
    editor.go_to_row(0, edit=False)
    text = comments.comments_text()
    assert "Hoa" in text and "rejected" in text and "Dùng “showcases”." in text
    assert not comments.accept_button.isVisibleTo(editor)
    editor.set_filter("rejected")
    assert editor.visible_rows() == [0]
    editor.set_filter("all")

    # The translator corrects it; the reviewer accepts.
    confirm_typed(qtbot, editor, 0, " showcases")
    services.people.switch_to("Hoa")
    editor.go_to_row(0, edit=False)
    type_text(comments.field, "Tốt.")
    qtbot.mouseClick(comments.accept_button, Qt.MouseButton.LeftButton)
    assert stored(window, translation.id, "headline#0").state == SegmentState.REVIEWED
    assert editor.model.index(0, SegmentModel.STATE).data() == "reviewed"
    assert len(editor.model.segment(0).comments) == 2


def test_set_all_final_lists_what_stands_in_the_way(qtbot, window, article) -> None:
    services = window.services
    editor, translation = open_translation(window, article.id)
    services.translations.save_segment(translation.id, "headline#0", "Da Nang promotes tourism")
    editor.reload()
    qtbot.mouseClick(editor.final_button, Qt.MouseButton.LeftButton)
    assert editor.problem_box is not None and editor.problem_box.isVisible()
    assert editor.problem_box.text() == "7 segments are not ready:"
    listing = editor.problem_box.informativeText()
    assert "• #2 Lead: not translated" in listing and "• #8 Picture 1 — alt text: not translated" in listing
    assert stored(window, translation.id, "headline#0").state == SegmentState.TRANSLATED  # nothing changed
    editor.problem_box.close()

    for segment in services.translations.segments(translation.id)[1:]:
        services.translations.save_segment(translation.id, segment.address, f"EN {segment.source_text}")
    editor.reload()
    assert editor.set_all_final() == []
    assert {segment.state for segment in services.translations.segments(translation.id)} == {SegmentState.FINAL}
    assert {editor.model.segment(row).state for row in range(editor.model.rowCount())} == {SegmentState.FINAL}


# --- XLIFF ------------------------------------------------------------------------------------


def test_xliff_export_then_import_through_the_view(qtbot, window, article, tmp_path: Path) -> None:
    services = window.services
    editor, translation = open_translation(window, article.id)
    confirm_typed(qtbot, editor, 0, "Da Nang promotes tourism")
    path = tmp_path / "out.xlf"
    operation = editor.export_xliff(path)
    with qtbot.waitSignal(operation.finished, timeout=10_000):
        pass
    assert path.exists() and "Da Nang promotes tourism" in path.read_text("utf-8")
    assert "Exported to" in editor.message.text()

    services.translations.save_segment(translation.id, "headline#0", "Something else", SegmentState.DRAFT)
    editor.reload()
    operation = editor.import_xliff(path)
    with qtbot.waitSignal(operation.finished, timeout=10_000):
        pass
    assert editor.last_import is not None and editor.last_import.problems == []
    assert editor.last_import.updated == 1
    assert editor.model.segment(0).target_text == "Da Nang promotes tourism"
    assert editor.message.text() == "1 segment updated from the XLIFF file."

    # A file that no longer fits (the source changed since) is refused with its problems listed.
    edit_source_lead(window, article, "Câu sapo một. Câu sapo hai đã sửa.")
    qtbot.waitUntil(lambda: editor.model.segment(2).source_text == "Câu sapo hai đã sửa.")
    operation = editor.import_xliff(path)
    with qtbot.waitSignal(operation.finished, timeout=10_000):
        pass
    assert editor.last_import.problems and editor.problem_box is not None
    assert "nothing was changed" in editor.problem_box.text()


# --- languages and the list -----------------------------------------------------------------


def test_chinese_targets_get_a_chinese_font(qtbot, window, article) -> None:
    editor, _translation = open_translation(window, article.id, "zh")
    target_font = editor.model.index(0, SegmentModel.TARGET).data(Qt.ItemDataRole.FontRole)
    assert target_font.families()[0] == "Noto Sans CJK SC"
    source_font = editor.model.index(0, SegmentModel.SOURCE).data(Qt.ItemDataRole.FontRole)
    assert "Noto Sans CJK SC" not in source_font.families()
    editor.edit_row(0)
    assert editor.delegate.active.font().families()[0] == "Noto Sans CJK SC"
    type_text(editor.delegate.active, "岘港推介旅游")
    qtbot.keyClick(editor.delegate.active, Qt.Key.Key_Return, CTRL)
    assert window.services.translations.get(editor.model.translation.id).headline == "岘港推介旅游"

    editor, _translation = open_translation(window, article.id, "ja")
    assert editor.model.font(SegmentModel.TARGET).families()[0] == "Noto Sans CJK JP"


def test_the_list_shows_progress_and_stale_counts(qtbot, window, article) -> None:
    services = window.services
    editor, translation = open_translation(window, article.id)
    for segment in services.translations.segments(translation.id)[:4]:
        services.translations.save_segment(translation.id, segment.address, f"EN {segment.source_text}")
    editor.reload()
    view = window.translations
    row = view.model.row_of(translation.id)
    direction = view.model.index(row, 1)
    assert direction.data() == "vi → en · 50 %"
    assert direction.data(Qt.ItemDataRole.ToolTipRole) == "4 of 8 segments translated (50 %)"

    edit_source_lead(window, article, "Câu sapo một đã sửa. Câu sapo hai.")
    qtbot.waitUntil(lambda: view.model.index(view.model.row_of(translation.id), 1).data() == "vi → en · 37 % · 1 stale")
    # Another translation's progress arrives from the worker.
    other = services.translations.create(article.id, "ko")
    qtbot.waitUntil(lambda: view.model.row_of(other.id) is not None and view.model.progress.get(other.id) is not None)
    assert view.model.index(view.model.row_of(other.id), 1).data() == "vi → ko · 0 %"


def test_progress_text() -> None:
    from workstation.ui.segment_model import Progress

    assert progress_text(Progress(12, 40, 3)) == "12 of 40 segments translated (30 %) · 3 stale"
    assert progress_text(Progress(1, 1)) == "1 of 1 segment translated (100 %)"
    assert progress_text(Progress()) == ""


def test_the_target_is_spell_checked_as_you_type_and_pastes_stay_on_one_line(qtbot, window, article) -> None:
    from PySide6.QtCore import QMimeData

    from workstation.ui.spelling import SpellHighlighter

    editor, _translation = open_translation(window, article.id)
    editor.edit_row(0)
    field = editor.delegate.active
    type_text(field, "Da Nang promtes tourism")
    highlighter = field.document().findChildren(SpellHighlighter)[0]
    qtbot.waitUntil(lambda: highlighter.misspellings(field.toPlainText()) is not None)
    assert [miss.word for miss in highlighter.misspellings(field.toPlainText())] == ["promtes"]

    pasted = QMimeData()
    pasted.setText(" in\nKorea")
    field.insertFromMimeData(pasted)
    assert field.toPlainText() == "Da Nang promtes tourism in Korea"


def test_statistics_by_state_in_words_and_for_a_cjk_source_in_characters(qtbot, window, article) -> None:
    services = window.services
    editor, _translation = open_translation(window, article.id)
    confirm_typed(qtbot, editor, 0, "Da Nang promotes tourism")
    editor.side.setCurrentWidget(editor.side.statistics)
    statistics = editor.side.statistics
    labels = [statistics.cell(row, 0) for row in range(statistics.table.rowCount())]
    assert labels == ["new", "draft", "translated", "reviewed", "final", "stale", "total"]
    assert statistics.table.horizontalHeaderItem(2).text() == "Words"
    assert (statistics.cell(2, 1), statistics.cell(2, 2)) == ("1", "6")  # "Đà Nẵng quảng bá du lịch": 6 syllables
    assert statistics.cell(6, 1) == "8"
    assert statistics.summary.text().startswith("6 of ")

    chinese = services.editorial.create_article("zh", "越南文化周", lead="活动持续七天。")
    editor, _translation = open_translation(window, chinese.id, "vi")
    editor.side.setCurrentWidget(editor.side.statistics)
    statistics = editor.side.statistics
    assert statistics.table.horizontalHeaderItem(2).text() == "Characters"
    assert statistics.cell(6, 2) == "11"  # 5 + 6 characters, punctuation not counted
