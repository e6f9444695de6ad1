"""DOCX through the editorial service and the CLI: import with pictures, export, round trip, bad files."""

from __future__ import annotations

import io
from dataclasses import replace
from pathlib import Path

import docx
import pytest
from docx.shared import Cm

from tests.support.images import png_bytes
from workstation.cli import main
from workstation.errors import BadInput
from workstation.model import Block, BlockKind, Mark


def _word_document(path: Path) -> Path:
    document = docx.Document()
    document.add_heading("Đà Nẵng quảng bá du lịch tại Seoul", level=0)
    lead = document.add_paragraph()
    lead.add_run("Ngày 12/10, thành phố tổ chức hội nghị xúc tiến du lịch.").bold = True
    paragraph = document.add_paragraph("Hơn ")
    paragraph.add_run("200 doanh nghiệp").bold = True
    paragraph.add_run(" tham dự.")
    document.add_picture(io.BytesIO(png_bytes(320, 200, (10, 120, 60))), width=Cm(8))
    document.add_paragraph("Quang cảnh hội nghị.", style="Caption")
    document.add_heading("Triển vọng hợp tác", level=2)
    document.add_paragraph("Mở đường bay mới", style="List Bullet")
    document.save(path)
    return path


def test_import_creates_an_article_with_its_picture_and_marks(services, tmp_path: Path) -> None:
    result = services.editorial.import_docx(_word_document(tmp_path / "tin.docx"))
    article = result.article
    assert article.language == "vi"  # guessed from the letters
    assert article.headline == "Đà Nẵng quảng bá du lịch tại Seoul"
    assert article.lead.startswith("Ngày 12/10")
    kinds = [block.kind for block in article.blocks]
    assert kinds == ["paragraph", "picture", "heading", "bulleted"]
    assert article.blocks[0].marks == (Mark(4, 20, "bold"),)
    picture = services.pictures.get(article.blocks[1].picture_id)
    assert picture.captions == {"vi": "Quang cảnh hội nghị."}
    assert services.editorial.history(article.id)[0].reason == "import"


def test_export_then_import_gives_the_same_article_back(services, tmp_path: Path) -> None:
    article = services.editorial.create_article("en", "Da Nang courts Korean visitors", lead="Seoul, 12 October.")
    picture = services.editorial.add_picture(
        article.id,
        png_bytes(320, 200, (10, 120, 60)),
        name="hall.png",
        captions={"en": "The hall"},
        credits={"en": "VNA"},
    )
    article = services.editorial.get(article.id)
    body = [
        Block("p1", "Over 200 firms attended.", marks=(Mark(5, 8, "bold"), Mark(9, 14, "italic"))),
        Block("h1", "Outlook", BlockKind.HEADING),
        Block("q1", "We will come back.", BlockKind.QUOTE),
        Block("l1", "New routes", BlockKind.NUMBERED),
        *article.blocks,
    ]
    article = services.editorial.save(replace(article, blocks=body, byline="Minh Anh", dateline="Seoul"))
    out = services.editorial.export_docx(article.id, tmp_path / "out.docx")

    again = services.editorial.import_docx(out).article
    assert (again.headline, again.lead, again.byline, again.dateline) == (
        article.headline,
        article.lead,
        "Minh Anh",
        "Seoul",
    )
    assert [(b.kind, b.text, b.marks) for b in again.blocks if b.kind != "picture"] == [
        (b.kind, b.text, b.marks) for b in article.blocks if b.kind != "picture"
    ]
    imported_picture = services.pictures.get(again.picture_ids[0])
    assert imported_picture.captions["en"] == "The hall" and imported_picture.credits["en"] == "VNA"
    assert picture.id != imported_picture.id


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "not a Word document"),
        (b"plain text pretending", "not a Word document"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 600, "Word 97"),
    ],
)
def test_bad_files_are_refused_and_change_nothing(services, tmp_path: Path, content: bytes, message: str) -> None:
    path = tmp_path / "bad.docx"
    path.write_bytes(content)
    before = services.editorial.count(translations=None)
    with pytest.raises(BadInput, match=message):
        services.editorial.import_docx(path)
    assert services.editorial.count(translations=None) == before


def test_cli_import_and_export(capsys, store_path: Path, tmp_path: Path) -> None:
    source = _word_document(tmp_path / "tin.docx")
    assert main(["--store", str(store_path), "article", "import", str(source)]) == 0
    article_id = capsys.readouterr().out.strip()
    out = tmp_path / "exported.docx"
    assert main(["--store", str(store_path), "article", "export", article_id, "--docx", str(out)]) == 0
    assert capsys.readouterr().out.strip() == str(out)
    exported = docx.Document(str(out))
    assert exported.paragraphs[0].text == "Đà Nẵng quảng bá du lịch tại Seoul"

    broken = tmp_path / "broken.docx"
    broken.write_bytes(b"PK\x03\x04 truncated")
    assert main(["--store", str(store_path), "article", "import", str(broken)]) == 1
    assert "broken.docx" in capsys.readouterr().err
