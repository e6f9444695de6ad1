from __future__ import annotations

import unicodedata
from dataclasses import replace
from pathlib import Path

import pytest

from workstation.app import open_services
from workstation.errors import BadInput, NotFound


def test_article_survives_closing_and_reopening_the_store(store_path: Path) -> None:
    services = open_services(store_path)
    article = services.editorial.create_article(
        "vi", "Hội nghị thông tin đối ngoại", lead="Câu dẫn.", paragraphs=["Đoạn một.", "Đoạn hai."], byline="An"
    )
    services.close()
    reopened = open_services(store_path)
    assert reopened.editorial.get(article.id) == article
    reopened.close()


def test_text_is_stored_in_nfc(services) -> None:
    decomposed = unicodedata.normalize("NFD", "Thừa Thiên Huế")
    article = services.editorial.create_article("vi", decomposed, lead=decomposed)
    stored = services.editorial.get(article.id)
    assert stored.headline == unicodedata.normalize("NFC", decomposed)
    assert unicodedata.is_normalized("NFC", stored.lead)


def test_saving_bumps_the_version_and_keeps_block_ids(services, sample_article) -> None:
    edited = replace(sample_article, headline="Tiêu đề mới")
    saved = services.editorial.save(edited)
    assert saved.version == sample_article.version + 1
    assert [b.id for b in services.editorial.get(saved.id).blocks] == [b.id for b in sample_article.blocks]


def test_unknown_language_is_refused(services) -> None:
    with pytest.raises(BadInput, match="unknown language"):
        services.editorial.create_article("fr", "Titre")


def test_missing_article_is_reported(services) -> None:
    with pytest.raises(NotFound):
        services.editorial.get("no-such-id")


def test_text_file_import_splits_headline_lead_and_paragraphs(services, tmp_path: Path) -> None:
    source = tmp_path / "tin.txt"
    source.write_text(
        "Tiêu đề bài viết\n\nĐây là đoạn dẫn.\n\nĐoạn thân thứ nhất\nvẫn là đoạn đó.\n\n\nĐoạn thân thứ hai.\n",
        encoding="utf-8",
    )
    article = services.editorial.import_text_file(source, "vi")
    assert article.headline == "Tiêu đề bài viết"
    assert article.lead == "Đây là đoạn dẫn."
    assert [b.text for b in article.blocks] == ["Đoạn thân thứ nhất vẫn là đoạn đó.", "Đoạn thân thứ hai."]


def test_import_of_missing_or_empty_file_is_a_clear_error(services, tmp_path: Path) -> None:
    with pytest.raises(BadInput, match="cannot read"):
        services.editorial.import_text_file(tmp_path / "absent.txt")
    empty = tmp_path / "empty.txt"
    empty.write_text("\n\n", encoding="utf-8")
    with pytest.raises(BadInput, match="no headline"):
        services.editorial.import_text_file(empty)
    assert services.editorial.count() == 0
