"""The UI in Vietnamese and English: catalogs complete and compiled, texts switched, formats per locale."""

from __future__ import annotations

import importlib.util
import io
import string
import unicodedata
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path
from types import SimpleNamespace

import pytest
from babel.messages.catalog import Catalog
from babel.messages.mofile import read_mo, write_mo
from babel.messages.pofile import read_po
from PySide6.QtCore import Qt

from workstation.ui import i18n
from workstation.ui.i18n import (
    _,
    format_date,
    format_datetime_local,
    format_decimal,
    format_number,
    format_relative,
    ngettext,
    set_ui_language,
    state_label,
    ui_language,
)

ROOT = Path(__file__).resolve().parents[2]
LOCALE = ROOT / "resources" / "locale"
VIETNAM = timezone(timedelta(hours=7))
STORED = "2026-11-27T18:42:11.399Z"


def load_tool():
    spec = importlib.util.spec_from_file_location("update_catalogs", ROOT / "tools" / "update_catalogs.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def read_catalog(path: Path, language: str | None = None) -> Catalog:
    with path.open("rb") as file:
        return read_po(file, locale=language)


def strings_of(message) -> tuple[str, ...]:
    return tuple(message.string) if isinstance(message.string, tuple | list) else (message.string,)


def ids_of(message) -> tuple[str, ...]:
    return (message.id,) if isinstance(message.id, str) else tuple(message.id)


def placeholders(text: str) -> set[str]:
    return {field for _literal, field, _spec, _conversion in string.Formatter().parse(text) if field is not None}


def po_languages() -> list[str]:
    return sorted(path.parent.parent.name for path in LOCALE.glob("*/LC_MESSAGES/workstation.po"))


@pytest.fixture
def in_language():
    """Switch the UI language for one test; every other test keeps the English texts."""
    yield set_ui_language
    set_ui_language("en")


@pytest.fixture
def vietnamese(in_language) -> None:
    assert in_language("vi") == "vi"


# Catalogs


def test_vietnamese_is_the_only_catalog_and_english_needs_none() -> None:
    assert po_languages() == ["vi"]
    assert ui_language() == "en"
    assert _("Sync now") == "Sync now"


def test_the_template_holds_exactly_the_texts_marked_in_the_sources() -> None:
    extracted = {(ids_of(message), message.context) for message in load_tool().extract_template() if message.id}
    template = {
        (ids_of(message), message.context) for message in read_catalog(LOCALE / "workstation.pot") if message.id
    }
    assert extracted == template, "run tools/update_catalogs.py and translate what it lists"


@pytest.mark.parametrize("language", po_languages())
def test_every_text_of_the_template_is_translated(language: str) -> None:
    catalog = read_catalog(LOCALE / language / "LC_MESSAGES" / "workstation.po", language)
    missing = []
    for message in read_catalog(LOCALE / "workstation.pot"):
        if not message.id:
            continue
        translated = catalog.get(message.id, message.context)
        if translated is None or translated.fuzzy or not all(strings_of(translated)):
            missing.append(message.id)
    assert not missing


@pytest.mark.parametrize("language", po_languages())
def test_translations_keep_the_placeholders_and_are_nfc(language: str) -> None:
    catalog = read_catalog(LOCALE / language / "LC_MESSAGES" / "workstation.po", language)
    wrong = []
    for message in catalog:
        if not message.id:
            continue
        expected = set().union(*(placeholders(text) for text in ids_of(message)))
        for text in strings_of(message):
            if placeholders(text) != expected or unicodedata.normalize("NFC", text) != text:
                wrong.append((message.id, text))
    assert not wrong


@pytest.mark.parametrize("language", po_languages())
def test_the_compiled_catalog_is_up_to_date_with_its_po(language: str) -> None:
    folder = LOCALE / language / "LC_MESSAGES"
    compiled = io.BytesIO()
    write_mo(compiled, read_catalog(folder / "workstation.po", language))
    compiled.seek(0)
    with (folder / "workstation.mo").open("rb") as committed:
        shipped = read_mo(committed)
    expected = {ids_of(message): strings_of(message) for message in read_mo(compiled) if message.id}
    assert {ids_of(message): strings_of(message) for message in shipped if message.id} == expected, (
        "run tools/update_catalogs.py"
    )


def test_the_update_tool_finds_nothing_out_of_date(capsys: pytest.CaptureFixture[str]) -> None:
    assert load_tool().main(["--check"]) == 0, capsys.readouterr().out


# Switching


def test_switching_changes_texts_plurals_and_state_labels(in_language) -> None:
    assert in_language("vi") == "vi"
    assert ui_language() == "vi"
    assert _("Sync now") == "Đồng bộ ngay"
    assert _("a text no catalog holds") == "a text no catalog holds"
    segments = ngettext("{done} of {total} segment translated", "{done} of {total} segments translated", 4)
    assert segments.format(done=1, total=4) == "Đã dịch 1/4 câu"
    assert [state_label(state) for state in ("draft", "in_review", "queued", "something else")] == [
        "Bản nháp",
        "Chờ duyệt",
        "Chờ gửi",
        "something else",
    ]
    in_language("en")
    assert (_("Sync now"), state_label("queued"), state_label("in_review")) == ("Sync now", "queued", "in review")
    assert ngettext("{n} package", "{n} packages", 1) == "{n} package"


def test_a_missing_catalog_falls_back_to_english(in_language, monkeypatch: pytest.MonkeyPatch, tmp_path) -> None:
    monkeypatch.setattr(i18n, "locale_dir", lambda: str(tmp_path))
    assert in_language("vi") == "en"
    assert ui_language() == "en"
    assert _("Sync now") == "Sync now"
    assert format_decimal(12.5) == "12.5"


def test_an_unsupported_language_is_refused() -> None:
    with pytest.raises(ValueError, match="unsupported UI language"):
        set_ui_language("fr")
    assert ui_language() == "en"


def test_a_window_opened_in_vietnamese_shows_vietnamese(vietnamese, window) -> None:
    article = window.services.editorial.create_article("vi", "Tin tuần", lead="Một câu.")
    window.services.translations.create(article.id, "en")
    window.show_section("Packages")
    packages = window.packages
    assert packages.seal_button.text() == "Niêm phong và chờ gửi lên Cổng thông tin"
    assert packages.new_button.text() == "Tạo gói tin…"
    headers = [packages.table.horizontalHeaderItem(column).text() for column in range(packages.table.columnCount())]
    assert headers == ["Gói tin", "Số bài", "Phiên bản", "Trạng thái"]
    packages.create_package("Tin tuần 41", [article.id])
    assert packages.table.item(0, 3).text() == "Chưa niêm phong"
    articles = packages.builder.articles
    assert articles.topLevelItemCount() == 1  # the translation is a language of its article, not a row
    row = articles.topLevelItem(0)
    assert row.text(1) == "Tin tuần"
    # The draft source and its untranslated translation, neither ready, their states in Vietnamese.
    assert row.text(2) == "vi ✗ Bản nháp · en ✗ Bản nháp"

    window.show_section("Sync")
    assert window.sync.sync_button.text() == "Đồng bộ ngay"
    assert "chưa đăng ký" in window.sync.station.text()

    window.show_section("Translations")
    translations = window.translations
    model = translations.model
    headers = [model.headerData(column, Qt.Orientation.Horizontal) for column in range(model.columnCount())]
    assert headers == ["Bài viết", "Chiều dịch", "Trạng thái", "Cập nhật"]
    assert model.index(0, 2).data() == "Bản nháp"
    assert translations.editor.title.text().startswith("Chọn một bản dịch")


def test_the_article_editor_opened_in_vietnamese_shows_vietnamese(vietnamese, window) -> None:
    from dataclasses import replace

    from PySide6.QtWidgets import QPushButton

    services = window.services
    article = services.editorial.create_article(
        "vi", "Một hai ba", lead="Bốn năm.", paragraphs=["Sáu bảy tám chín mười."]
    )
    services.editorial.save(replace(article, headline="Một hai ba bốn"), reason="edit")
    window.articles.model.reload()
    window.articles.select(article.id)
    editor = window.articles.editor
    navigation = [window.navigation.item(row).text() for row in range(window.navigation.count())]
    assert navigation == ["Bài viết", "Bản dịch", "Gói tin", "Đồng bộ", "Thuật ngữ & Bộ nhớ dịch"]
    assert [editor.tabs.tabText(index) for index in range(editor.tabs.count())] == [
        "Văn bản",
        "Thông tin bài",
        "Ảnh",
        "Lịch sử",
    ]
    assert editor.findChild(QPushButton, "step_in_review").text() == "Gửi duyệt"
    assert editor.state_label.text() == "<b>Bản nháp</b>"
    assert editor.status.text() == "Phiên bản 2 · đã lưu"
    assert window.counts_label.text() == "11 từ · 46 ký tự"
    assert window.articles.model.index(0, 2).data() == "Bản nháp"

    editor.tabs.setCurrentIndex(3)
    assert editor.tabs.tabText(3) == "Lịch sử"
    panel = editor.history_panel
    panel.select_revisions(1)
    shown = panel.diff.toPlainText()
    assert "Phiên bản 1 → văn bản hiện tại" in shown
    assert "Tít (đã sửa)" in shown
    assert panel.revisions.item(0).text().endswith("chỉnh sửa")


def test_the_revision_diff_is_english_unless_translated(in_language) -> None:
    from workstation.editorial.revisions import FieldDiff, Piece, as_html, as_text
    from workstation.ui.history_panel import diff_words

    diffs = [
        FieldDiff("Headline", "changed", (Piece("delete", "Cũ"), Piece("insert", "Mới"))),
        FieldDiff("Paragraph 3", "added", (Piece("insert", "Đoạn."),), "Paragraph", 3),
    ]
    english = as_html(diffs)
    assert as_html(diffs, diff_words) == english
    assert (
        "<b>Headline</b> <small>(changed)</small>" in english and "<b>Paragraph 3</b> <small>(added)</small>" in english
    )
    in_language("vi")
    vietnamese = as_html(diffs, diff_words)
    assert "<b>Tít</b> <small>(đã sửa)</small>" in vietnamese
    assert "<b>Đoạn văn 3</b> <small>(thêm mới)</small>" in vietnamese
    assert as_html([], diff_words) == "<p><i>Không có khác biệt.</i></p>"
    assert as_text(diffs).splitlines()[1] == "Paragraph 3 (added): {+Đoạn.+}"


def test_the_same_window_shows_english_by_default(window) -> None:
    window.show_section("Packages")
    assert window.packages.seal_button.text() == "Seal and queue for the portal"


def test_sync_summary_matches_the_service_in_english_and_reads_well_in_vietnamese(in_language) -> None:
    from workstation.sync.service import BundleOutcome, Outcome, SyncResult
    from workstation.ui.sync_view import sync_summary

    result = SyncResult([BundleOutcome("p1", 1, Outcome.ACCEPTED), BundleOutcome("p2", 1, Outcome.REJECTED)])
    single = SyncResult([BundleOutcome("p1", 1, Outcome.ACCEPTED)])
    for example in (result, single, SyncResult()):
        assert sync_summary(example) == example.summary()
    assert sync_summary(SimpleNamespace()) == "Sync finished."
    in_language("vi")
    assert sync_summary(result) == "2 gói tin: 1 được tiếp nhận, 1 bị từ chối."
    assert sync_summary(SyncResult()) == "Không có gì cần gửi."


# Formatting


def test_numbers_follow_the_ui_locale(in_language) -> None:
    assert (format_decimal(12.5), format_number(1234567), format_decimal(12.345, decimals=1)) == (
        "12.5",
        "1,234,567",
        "12.3",
    )
    in_language("vi")
    assert (format_decimal(12.5), format_number(1234567), format_decimal(12.345, decimals=1)) == (
        "12,5",
        "1.234.567",
        "12,3",
    )
    assert format_decimal(3, decimals=0) == "3"


def test_store_timestamps_show_in_local_time_per_locale(in_language) -> None:
    assert format_datetime_local(STORED, tz=UTC) == "Nov 27, 2026, 6:42\u202fPM"
    assert format_datetime_local(STORED, tz=VIETNAM) == "Nov 28, 2026, 1:42\u202fAM"
    assert format_datetime_local(STORED, "short", tz=VIETNAM) == "11/28/26, 1:42\u202fAM"
    assert format_date(STORED, tz=VIETNAM) == "Nov 28, 2026"
    in_language("vi")
    assert format_datetime_local(STORED, tz=UTC) == "27 thg 11, 2026 18:42"
    assert format_datetime_local(STORED, tz=VIETNAM) == "28 thg 11, 2026 01:42"
    assert format_datetime_local(STORED, "short", tz=VIETNAM) == "28/11/26 01:42"
    assert format_date(STORED, "long", tz=VIETNAM) == "28 tháng 11, 2026"
    assert format_date(datetime(2026, 1, 5).date(), "short") == "5/1/26"
    assert format_datetime_local("not a time") == "not a time"
    assert format_datetime_local("") == ""


def test_relative_times_per_locale(in_language) -> None:
    now = datetime(2026, 11, 27, 18, 44, 30, tzinfo=UTC)
    assert format_relative(STORED, now=now) == "2 minutes ago"
    assert format_relative(STORED, now=now + timedelta(days=3)) == "3 days ago"
    assert format_relative(STORED, now=datetime(2026, 11, 27, 18, 42, 15, tzinfo=UTC)) == "just now"
    in_language("vi")
    assert format_relative(STORED, now=now) == "2 phút trước"
    assert format_relative(STORED, now=datetime(2026, 11, 27, 18, 42, 15, tzinfo=UTC)) == "vừa xong"


# Preferences


@pytest.fixture
def restore_qt_locale():
    from PySide6.QtCore import QLocale

    before = QLocale()
    yield
    QLocale.setDefault(before)


def test_default_language_is_the_first_system_language_the_ui_speaks() -> None:
    assert i18n.default_ui_language(["vi-VN", "en-US"]) == "vi"
    assert i18n.default_ui_language(["fr-FR", "vi"]) == "vi"
    assert i18n.default_ui_language(["vi_VN.UTF-8"]) == "vi"
    assert i18n.default_ui_language(["en-GB", "vi-VN"]) == "en"
    assert i18n.default_ui_language(["de-DE"]) == "en"
    assert i18n.default_ui_language([]) == "en"


def test_the_choice_is_saved_in_the_workspace(services, in_language, restore_qt_locale) -> None:
    from PySide6.QtCore import QLocale

    from workstation.ui.preferences import (
        UI_LANGUAGE_SETTING,
        apply_ui_language,
        change_ui_language,
        saved_ui_language,
    )

    store = services.store
    assert saved_ui_language(store) is None
    assert apply_ui_language(store, ["vi-VN"]) == "vi"
    assert QLocale().name() == "vi_VN"
    assert saved_ui_language(store) is None  # a default is not a choice
    assert apply_ui_language(store, ["en-US"]) == "en"

    assert change_ui_language(store, "vi") == "vi"
    assert store.get_setting(UI_LANGUAGE_SETTING) == "vi"
    assert apply_ui_language(store, ["en-US"]) == "vi"
    assert _("Sync now") == "Đồng bộ ngay"

    with pytest.raises(ValueError):
        change_ui_language(store, "fr")
    store.set_setting(UI_LANGUAGE_SETTING, "fr")  # e.g. written by a later version offering more languages
    assert saved_ui_language(store) is None
    assert apply_ui_language(store, ["en-US"]) == "en"
