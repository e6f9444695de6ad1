"""The translator's assistance in the real window: memory matches (shown, inserted with Ctrl+N, looked up
off the UI thread), concordance, glossary terms (highlighted in the source, listed, inserted with Alt+N),
QA issues (listed, jumped to, acknowledged) and the memory analysis in the statistics."""

from __future__ import annotations

import time

import pytest
from PySide6.QtCore import QRect, Qt
from PySide6.QtGui import QColor

from tests.support.qt import type_text
from workstation.model import SegmentState
from workstation.ui.segment_model import HITS_ROLE, SegmentModel
from workstation.ui.source_text import HIT_BACKGROUND, TAG_BACKGROUND

CTRL = Qt.KeyboardModifier.ControlModifier
ALT = Qt.KeyboardModifier.AltModifier

LEAD = "Ngày 12/10/2023, Đại sứ quán Việt Nam tại Hàn Quốc khai mạc Tuần Văn hoá Việt Nam với hơn 3.000 khách."
SECOND = "Năm nay đánh dấu 31 năm thiết lập quan hệ ngoại giao."


@pytest.fixture
def article(services):
    return services.editorial.create_article(
        "vi",
        "Tuần Văn hoá Việt Nam khai mạc tại Seoul",
        lead=f"{LEAD} {SECOND}",
        paragraphs=["Sự kiện kéo dài bảy ngày.", "Văn hoá là cầu nối bền vững nhất giữa hai dân tộc."],
    )


@pytest.fixture
def seeded(services):
    """Memory units near the article's sentences, and glossary entries for its official names."""
    memory = services.memory
    memory.add("vi", "en", "Năm nay đánh dấu 30 năm thiết lập quan hệ ngoại giao.", "This year marks 30 years of "
               "diplomatic relations.", "tmx:embassy.tmx")  # fmt: skip
    memory.add("vi", "en", "Năm 2022 đánh dấu 30 năm thiết lập quan hệ ngoại giao Việt Nam – Hàn Quốc.",
               "2022 marked 30 years of diplomatic relations between Vietnam and the Republic of Korea.",
               "portal")  # fmt: skip
    memory.add("vi", "en", "Sự kiện kéo dài bảy ngày.", "The event lasts seven days.", "portal")
    glossary = services.glossary
    glossary.add(
        "vi", "Đại sứ quán Việt Nam tại Hàn Quốc", "en", "Embassy of Vietnam in the Republic of Korea",
        ["Vietnamese Embassy in South Korea"], "Official name.",
    )  # fmt: skip
    glossary.add("vi", "Tuần Văn hoá Việt Nam", "en", "Vietnam Culture Week")
    glossary.add("vi", "quan hệ ngoại giao", "en", "diplomatic relations")
    return services


def open_translation(window, article_id: str, language: str = "en"):
    translation = window.services.translations.create(article_id, language)
    window.show_translation(translation.id)
    editor = window.translations.editor
    return editor, translation


def row_of(editor, source_text: str) -> int:
    return next(row for row in range(editor.model.rowCount()) if editor.model.segment(row).source_text == source_text)


def stored(window, translation_id: str, address: str):
    return next(s for s in window.services.translations.segments(translation_id) if s.address == address)


def wait_for_matches(qtbot, editor, row: int) -> None:
    address = editor.model.segment(row).address
    qtbot.waitUntil(lambda: (shown := editor.assist.matches.shown) is not None and shown.address == address)


def wait_for_qa(qtbot, editor, translation) -> None:
    qtbot.waitUntil(lambda: editor.assist.issues_for == translation.id and editor.assist.qa_operation is None)


# --- memory -----------------------------------------------------------------------------------


def test_matches_are_shown_with_differences_and_ctrl_1_inserts_a_draft(qtbot, window, article, seeded) -> None:
    editor, translation = open_translation(window, article.id)
    row = row_of(editor, SECOND)
    editor.go_to_row(row, edit=False)
    wait_for_matches(qtbot, editor, row)
    pane = editor.assist.matches
    assert pane.shown.matches[0].score >= 95
    # The memory's "30" is struck, the current "31" inserted; origin and score colour are shown.
    assert pane.match_plain(1).startswith(f"{pane.shown.matches[0].score} % Năm nay đánh dấu [-30-]{{+31+}} năm")
    assert pane.match_plain(1).endswith("→ This year marks 30 years of diplomatic relations.")
    assert "TMX file embassy.tmx" in pane.view.toPlainText()
    assert "Insert (Ctrl+1)" in pane.view.toPlainText()
    assert "#3f8f2a" in pane.view.toHtml() or "#1b7f3b" in pane.view.toHtml()
    assert editor.side.tabText(editor.side.indexOf(pane)).startswith("Memory (")

    # Ctrl+1 on the table (no editor open): saved as a draft, the origin says where it came from. The
    # window's own Ctrl+1 (the Articles section) does not fire.
    score = pane.shown.matches[0].score
    qtbot.keyClick(editor.table, Qt.Key.Key_1, CTRL)
    segment = stored(window, translation.id, editor.model.segment(row).address)
    assert (segment.target_text, segment.state) == ("This year marks 30 years of diplomatic relations.", "draft")
    assert segment.origin == f"tm {score}%"
    assert editor.model.index(row, SegmentModel.ORIGIN).data() == f"{score} % match"
    assert window.stack.currentWidget() is window.translations


def test_ctrl_2_in_the_open_editor_replaces_the_text_and_confirming_keeps_the_origin(
    qtbot, window, article, seeded
) -> None:
    editor, translation = open_translation(window, article.id)
    row = row_of(editor, SECOND)
    editor.edit_row(row)
    field = editor.delegate.active
    type_text(field, "typed")
    qtbot.keyClick(field, Qt.Key.Key_2, CTRL)  # looked up at once when the worker has not answered yet
    second = editor.assist.current_matches()[1]
    assert field.toPlainText() == second.target
    qtbot.keyClick(field, Qt.Key.Key_Z, CTRL)  # one undo step brings the typing back
    assert field.toPlainText() == "typed"
    qtbot.keyClick(field, Qt.Key.Key_2, CTRL)
    qtbot.keyClick(field, Qt.Key.Key_Return, CTRL)
    segment = stored(window, translation.id, editor.model.segment(row).address)
    assert (segment.target_text, segment.state, segment.origin) == (
        second.target,
        SegmentState.TRANSLATED,
        f"tm {second.score}%",
    )
    # A match number beyond those found says so.
    editor.go_to_row(row, edit=False)
    qtbot.keyClick(editor.table, Qt.Key.Key_5, CTRL)
    assert "There is no match 5" in editor.message.text()


def test_an_exact_match_is_stored_as_exact(qtbot, window, article, seeded) -> None:
    editor, translation = open_translation(window, article.id)
    row = row_of(editor, "Sự kiện kéo dài bảy ngày.")
    editor.go_to_row(row, edit=False)
    wait_for_matches(qtbot, editor, row)
    assert editor.assist.matches.shown.matches[0].score == 100
    qtbot.keyClick(editor.table, Qt.Key.Key_1, CTRL)
    assert stored(window, translation.id, editor.model.segment(row).address).origin == "exact"
    assert editor.model.index(row, SegmentModel.ORIGIN).data() == "exact match"


def test_lookups_run_off_the_ui_thread_and_are_fast(qtbot, window, article, seeded) -> None:
    services = window.services
    for number in range(300):
        services.memory.add(
            "vi", "en", f"Đoàn công tác số {number} thăm tỉnh Quảng Nam và làm việc với lãnh đạo tỉnh.",
            f"Delegation {number} visited Quang Nam province and met its leaders.", "portal",
        )  # fmt: skip
    editor, _translation = open_translation(window, article.id)
    started = time.perf_counter()
    for row in range(editor.model.rowCount()):  # scrolling through: selecting never waits for a lookup
        editor.go_to_row(row, edit=False)
    assert time.perf_counter() - started < 0.5
    last = editor.model.rowCount() - 1
    wait_for_matches(qtbot, editor, last)
    assert editor.assist.lookup_seconds and max(editor.assist.lookup_seconds) < 0.5


def test_concordance_finds_a_phrase_without_its_diacritics(qtbot, window, article, seeded) -> None:
    editor, _translation = open_translation(window, article.id)
    pane = editor.assist.matches
    pane.search.setText("quan he ngoai giao")
    pane.search.returnPressed.emit()
    qtbot.waitUntil(lambda: "2 sentences hold" in pane.results_status.text())
    assert "This year marks 30 years of diplomatic relations." in pane.results.toPlainText()
    assert "#fff0b3" in pane.results.toHtml()  # the phrase found is highlighted


# --- glossary ---------------------------------------------------------------------------------


def _has_colour(image, rect: QRect, colour: QColor) -> bool:
    wanted = colour.rgb()
    return any(
        image.pixel(x, y) == wanted
        for x in range(rect.left(), rect.right(), 2)
        for y in range(rect.top(), rect.bottom(), 2)
    )


def test_glossary_terms_are_highlighted_listed_and_inserted_with_alt_n(qtbot, window, article, seeded) -> None:
    editor, _translation = open_translation(window, article.id)
    row = row_of(editor, LEAD)
    index = editor.model.index(row, SegmentModel.SOURCE)
    hits = index.data(HITS_ROLE)
    assert [(LEAD[hit.start : hit.end], hit.target_terms[0]) for hit in hits] == [
        ("Đại sứ quán Việt Nam tại Hàn Quốc", "Embassy of Vietnam in the Republic of Korea"),
        ("Tuần Văn hoá Việt Nam", "Vietnam Culture Week"),
    ]
    assert "Glossary: Tuần Văn hoá Việt Nam → Vietnam Culture Week" in index.data(Qt.ItemDataRole.ToolTipRole)
    # Painted: the hit's background is in the source cell.
    editor.go_to_row(row + 1, edit=False)
    editor.table.scrollTo(index)
    image = editor.table.viewport().grab().toImage()
    assert _has_colour(image, editor.table.visualRect(index), HIT_BACKGROUND)

    editor.go_to_row(row, edit=False)
    pane = editor.assist.glossary
    assert pane.hit_plain(1) == (
        "Đại sứ quán Việt Nam tại Hàn Quốc → Embassy of Vietnam in the Republic of Korea"
        " ≠ Vietnamese Embassy in South Korea"
    )
    assert "Official name." in pane.view.toPlainText() and "Insert (Alt+2)" in pane.view.toPlainText()
    assert editor.side.tabText(editor.side.indexOf(pane)) == "Glossary (2)"

    editor.edit_row(row)
    field = editor.delegate.active
    type_text(field, "On 12 October 2023, the ")
    qtbot.keyClick(field, Qt.Key.Key_1, ALT)
    type_text(field, " opened ")
    qtbot.keyClick(field, Qt.Key.Key_2, ALT)
    assert field.toPlainText() == (
        "On 12 October 2023, the Embassy of Vietnam in the Republic of Korea opened Vietnam Culture Week"
    )
    # Alt+N with the table focused opens the editor and inserts there.
    editor.delegate.finish(commit=False)
    editor.go_to_row(row_of(editor, SECOND), edit=False)
    qtbot.keyClick(editor.table, Qt.Key.Key_1, ALT)
    assert editor.delegate.active is not None and editor.delegate.active.toPlainText() == "diplomatic relations"


def test_tags_are_painted_as_chips_and_a_new_entry_highlights_at_once(qtbot, window, services) -> None:
    from dataclasses import replace

    from workstation.model import Mark

    article = services.editorial.create_article("vi", "Tin", paragraphs=["Đại sứ dự lễ khai mạc hôm nay."])
    block = article.blocks[0]
    services.editorial.save(replace(article, blocks=[replace(block, marks=(Mark(0, 6, "bold"),))]))
    editor, _translation = open_translation(window, article.id)
    row = row_of(editor, "<b1>Đại sứ</b1> dự lễ khai mạc hôm nay.")
    index = editor.model.index(row, SegmentModel.SOURCE)
    editor.go_to_row(0, edit=False)
    image = editor.table.viewport().grab().toImage()
    assert _has_colour(image, editor.table.visualRect(index), TAG_BACKGROUND)
    assert not index.data(HITS_ROLE)

    window.services.glossary.add("vi", "lễ khai mạc", "en", "opening ceremony")  # the window's own services
    qtbot.waitUntil(lambda: bool(editor.model.index(row, SegmentModel.SOURCE).data(HITS_ROLE)))
    hit = editor.model.index(row, SegmentModel.SOURCE).data(HITS_ROLE)[0]
    assert editor.model.segment(row).source_text[hit.start : hit.end] == "lễ khai mạc"


# --- QA ---------------------------------------------------------------------------------------


def test_qa_lists_issues_errors_first_and_jumps_to_the_segment(qtbot, window, article, seeded) -> None:
    services = window.services
    editor, translation = open_translation(window, article.id)
    lead = editor.model.segment(row_of(editor, LEAD))
    quote = editor.model.segment(row_of(editor, "Văn hoá là cầu nối bền vững nhất giữa hai dân tộc."))
    services.translations.save_segment(translation.id, quote.address, "Culture is the most lasting bridge")
    services.translations.save_segment(
        translation.id, lead.address,
        "On 12 October 2023, the Embassy of Vietnam in the Republic of Korea opened Vietnam Culture Week with "
        "more than 300 visitors.",
    )  # fmt: skip
    editor.reload()
    wait_for_qa(qtbot, editor, translation)
    pane = editor.assist.qa
    listed = [(issue.address, issue.code) for issue in pane.listed()]
    assert listed == [(lead.address, "number-missing"), (quote.address, "end-punctuation")]
    first = pane.list.item(0).text()
    assert first.startswith("#2 Lead · Number missing\n3.000 is not in the target")
    assert editor.side.tabText(editor.side.indexOf(pane)) == "QA (2)"
    assert "1 error · 1 warning" in pane.summary.text() and "untranslated" in pane.summary.text()
    # The rows carry a marker with the issues in its tooltip.
    number = editor.model.index(row_of(editor, LEAD), SegmentModel.NUMBER)
    assert number.data(Qt.ItemDataRole.DecorationRole) is not None
    assert "Number missing: 3.000 is not in the target" in number.data(Qt.ItemDataRole.ToolTipRole)
    # Untranslated segments are listed on request.
    pane.show_untranslated.setChecked(True)
    assert any(issue.code == "untranslated" for issue in pane.listed())
    pane.show_untranslated.setChecked(False)

    # Enter on an issue selects its segment, even one the filter hides.
    editor.set_filter(SegmentState.NEW)
    pane.list.setCurrentRow(1)
    pane.list.setFocus()
    qtbot.keyClick(pane.list, Qt.Key.Key_Return)
    assert editor.current_segment().address == quote.address
    assert not editor.table.isRowHidden(editor.current_row())
    # F8 goes to the next segment with an open issue, wrapping around, its editor open.
    qtbot.keyClick(editor.table, Qt.Key.Key_F8)
    assert editor.current_segment().address == lead.address and editor.delegate.active is not None

    # Fixing the number and saving runs the checks again.
    field = editor.delegate.active
    field.replace_text(field.toPlainText().replace("300", "3,000"))
    qtbot.keyClick(field, Qt.Key.Key_Return, CTRL)
    qtbot.waitUntil(lambda: [issue.code for issue in pane.listed()] == ["end-punctuation"], timeout=5000)
    assert number.data(Qt.ItemDataRole.DecorationRole) is None
    assert editor.side.tabText(editor.side.indexOf(pane)) == "QA (1)"


def test_a_warning_is_acknowledged_with_a_reason_that_is_kept(qtbot, window, article, seeded) -> None:
    services = window.services
    editor, translation = open_translation(window, article.id)
    quote = editor.model.segment(row_of(editor, "Văn hoá là cầu nối bền vững nhất giữa hai dân tộc."))
    services.translations.save_segment(translation.id, quote.address, "Culture is the most lasting bridge")
    editor.reload()
    wait_for_qa(qtbot, editor, translation)
    pane = editor.assist.qa
    assert pane.select(quote.address)
    assert pane.acknowledge_button.isEnabled()
    qtbot.mouseClick(pane.acknowledge_button, Qt.MouseButton.LeftButton)
    dialog = editor.assist.reason_dialog
    assert dialog is not None and dialog.isVisible()
    dialog.setTextValue("A quotation set as a headline-style pull quote.")
    dialog.accept()
    qtbot.waitUntil(lambda: pane.listed() and pane.listed()[0].acknowledged is not None, timeout=5000)
    item = pane.list.item(0)
    assert "Acknowledged: A quotation set as a headline-style pull quote." in item.text()
    assert item.foreground().color().name() == "#8a8a8a"
    assert not pane.acknowledge_button.isEnabled()
    assert editor.side.tabText(editor.side.indexOf(pane)) == "QA"
    assert services.qa.issues(translation.id)[-1].acknowledged == "A quotation set as a headline-style pull quote."

    # Errors cannot be acknowledged: the button stays off for them.
    lead = editor.model.segment(row_of(editor, LEAD))
    services.translations.save_segment(translation.id, lead.address, "Vietnam Culture Week opened.")
    editor.reload()
    qtbot.waitUntil(lambda: any(issue.is_error for issue in pane.listed()), timeout=5000)
    pane.list.setCurrentRow(0)
    assert pane.selected().is_error and not pane.acknowledge_button.isEnabled()


def test_set_all_final_is_refused_while_qa_errors_stand(qtbot, window, article, seeded) -> None:
    services = window.services
    editor, translation = open_translation(window, article.id)
    for segment in services.translations.segments(translation.id):
        services.translations.save_segment(translation.id, segment.address, f"EN {segment.source_text}.")
    editor.reload()
    problems = editor.set_all_final()
    assert any("number" in problem or "glossary" in problem for problem in problems)
    assert editor.problem_box is not None
    editor.problem_box.close()


# --- statistics -------------------------------------------------------------------------------


def test_statistics_show_the_memory_analysis_by_band(qtbot, window, article, seeded) -> None:
    editor, _translation = open_translation(window, article.id)
    statistics = editor.side.statistics
    editor.side.setCurrentWidget(statistics)
    qtbot.waitUntil(lambda: statistics.bands.rowCount() == 8, timeout=5000)
    bands = {statistics.band_cell(row, 0): (statistics.band_cell(row, 1), statistics.band_cell(row, 2))
             for row in range(statistics.bands.rowCount())}  # fmt: skip
    assert list(bands) == [
        "Repetitions", "100 %", "95–99 %", "85–94 %", "75–84 %", "50–74 %", "New (under 50 %)", "total"
    ]  # fmt: skip
    assert bands["100 %"] == ("1", "6")  # "Sự kiện kéo dài bảy ngày."
    assert bands["95–99 %"][0] == "1"  # the 31st anniversary, 30th in the memory
    assert bands["total"][0] == "5"
    assert statistics.bands.horizontalHeaderItem(0).text() == "Match"

    # The translation's own confirmed segments are left out: confirming one changes nothing.
    editor.go_to_row(0, edit=False)
    qtbot.keyClick(editor.table, Qt.Key.Key_1, CTRL)
    operation = editor.assist.analyse(force=True)
    with qtbot.waitSignal(operation.finished, timeout=5000):
        pass
    assert statistics.band_cell(1, 1) == "1"
