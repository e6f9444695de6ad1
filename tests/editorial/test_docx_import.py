"""DOCX import: structure, marks at exact offsets, pictures and captions, legacy Vietnamese, and
hostile files refused before python-docx reads them. Every input is built here with python-docx."""

from __future__ import annotations

import io
import struct
import zipfile
from pathlib import Path

import docx
import pytest
from docx.enum.style import WD_STYLE_TYPE
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Pt
from PIL import Image

from tests.language.test_legacy_encodings import TCVN3_BYTES, UNICODE, VNI_BYTES
from workstation.editorial import docx_import
from workstation.editorial.docx_import import read_docx
from workstation.errors import BadInput
from workstation.model import BlockKind, Mark

MACRO_MAIN = "application/vnd.ms-word.document.macroEnabled.main+xml"
WORD_MAIN = "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"


def png_bytes(size: tuple[int, int] = (8, 6), color: str = "red") -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", size, color).save(buffer, "PNG")
    return buffer.getvalue()


def gif_bytes() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (4, 4), "blue").save(buffer, "GIF")
    return buffer.getvalue()


def save(document, path: Path) -> Path:
    document.save(str(path))
    return path


def add_hyperlink(paragraph, text: str, url: str, bold: bool = False) -> None:
    link = OxmlElement("w:hyperlink")
    link.set(qn("r:id"), paragraph.part.relate_to(url, RT.HYPERLINK, is_external=True))
    run = paragraph.add_run(text)
    run.bold = bold or None
    link.append(run._r)
    paragraph._p.append(link)


def add_run(paragraph, text: str, font: str | None = None, bold: bool = False, italic: bool = False):
    run = paragraph.add_run(text)
    run.bold = bold or None
    run.italic = italic or None
    if font:
        run.font.name = font
    return run


def rewrite(source: Path, target: Path, replace: dict[str, bytes | None] | None = None, add=None) -> Path:
    """A copy of the zip with parts replaced (None removes one) and parts added."""
    replace = replace or {}
    with zipfile.ZipFile(source) as old, zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as new:
        for info in old.infolist():
            if info.filename in replace:
                if replace[info.filename] is not None:
                    new.writestr(info.filename, replace[info.filename])
            else:
                new.writestr(info.filename, old.read(info))
        for name, data in (add or {}).items():
            new.writestr(zipfile.ZipInfo(name), data)
    return target


@pytest.fixture
def plain_docx(tmp_path: Path) -> Path:
    document = docx.Document()
    document.add_paragraph("Tiêu đề", style="Title")
    document.add_paragraph("Nội dung.")
    return save(document, tmp_path / "plain.docx")


# --- structure --------------------------------------------------------------------------------


def test_headline_subheadline_lead_and_block_kinds(tmp_path: Path) -> None:
    document = docx.Document()
    document.add_paragraph("Đà Nẵng quảng bá du lịch tại Hàn Quốc", style="Title")
    document.add_paragraph("Hội nghị xúc tiến tại Seoul", style="Subtitle")
    document.add_paragraph("Ngày 12/10, thành phố tổ chức hội nghị.")
    document.add_heading("Kết quả", level=2)
    document.add_paragraph("Đoạn thân bài.")
    document.add_paragraph("Mục một", style="List Bullet")
    document.add_paragraph("Mục hai", style="List Bullet")
    document.add_paragraph("Bước một", style="List Number")
    document.add_paragraph("Bước hai", style="List Number")
    document.add_paragraph("Câu trích dẫn.", style="Quote")
    document.add_paragraph("Câu nhấn mạnh.", style="Intense Quote")
    document.add_heading("Chi tiết", level=3)
    document.add_paragraph("")  # empty paragraphs are dropped
    imported = read_docx(save(document, tmp_path / "article.docx"))

    assert imported.headline == "Đà Nẵng quảng bá du lịch tại Hàn Quốc"
    assert imported.subheadline == "Hội nghị xúc tiến tại Seoul"
    assert imported.lead == "Ngày 12/10, thành phố tổ chức hội nghị."
    assert imported.byline == ""
    assert [(block.kind, block.text) for block in imported.blocks] == [
        (BlockKind.HEADING, "Kết quả"),
        (BlockKind.PARAGRAPH, "Đoạn thân bài."),
        (BlockKind.BULLETED, "Mục một"),
        (BlockKind.BULLETED, "Mục hai"),
        (BlockKind.NUMBERED, "Bước một"),
        (BlockKind.NUMBERED, "Bước hai"),
        (BlockKind.QUOTE, "Câu trích dẫn."),
        (BlockKind.QUOTE, "Câu nhấn mạnh."),
        (BlockKind.HEADING, "Chi tiết"),
    ]
    assert len({block.id for block in imported.blocks}) == len(imported.blocks)
    assert imported.images == [] and imported.warnings == []


def test_first_heading_1_is_the_headline_without_a_title(tmp_path: Path) -> None:
    document = docx.Document()
    document.add_paragraph("TIN BÀI")
    document.add_heading("Tiêu đề bài", level=1)
    document.add_paragraph("Câu dẫn.")
    imported = read_docx(save(document, tmp_path / "h1.docx"))
    assert imported.headline == "Tiêu đề bài"
    assert imported.lead == "Câu dẫn."
    assert [block.text for block in imported.blocks] == ["TIN BÀI"]


def test_without_headings_the_first_paragraph_is_the_headline(tmp_path: Path) -> None:
    document = docx.Document()
    for text in ("Dòng tiêu đề", "Câu dẫn.", "Đoạn một."):
        document.add_paragraph(text)
    imported = read_docx(save(document, tmp_path / "plain.docx"))
    assert (imported.headline, imported.lead) == ("Dòng tiêu đề", "Câu dẫn.")
    assert [block.text for block in imported.blocks] == ["Đoạn một."]


def test_lead_after_a_heading_only_when_bold(tmp_path: Path) -> None:
    def build(bold: bool) -> Path:
        document = docx.Document()
        document.add_paragraph("Tiêu đề", style="Title")
        document.add_heading("Bối cảnh", level=2)
        add_run(document.add_paragraph(), "Đoạn đầu.", bold=bold)
        return save(document, tmp_path / f"lead-{bold}.docx")

    assert read_docx(build(bold=True)).lead == "Đoạn đầu."
    not_bold = read_docx(build(bold=False))
    assert not_bold.lead == ""
    assert [block.text for block in not_bold.blocks] == ["Bối cảnh", "Đoạn đầu."]


def test_a_picture_under_the_headline_does_not_hide_the_lead(tmp_path: Path) -> None:
    image = tmp_path / "photo.png"
    image.write_bytes(png_bytes())
    document = docx.Document()
    document.add_paragraph("Tiêu đề", style="Title")
    document.add_picture(str(image))
    document.add_paragraph("Quang cảnh buổi lễ.", style="Caption")
    document.add_paragraph("Câu dẫn sau ảnh.")
    document.add_paragraph("Đoạn một.")
    imported = read_docx(save(document, tmp_path / "hero.docx"))
    assert imported.lead == "Câu dẫn sau ảnh."
    assert imported.images[0].caption == "Quang cảnh buổi lễ."
    assert [block.kind for block in imported.blocks] == [BlockKind.PICTURE, BlockKind.PARAGRAPH]


def test_byline_only_from_a_byline_style(tmp_path: Path) -> None:
    document = docx.Document()
    document.styles.add_style("Byline", WD_STYLE_TYPE.PARAGRAPH)
    document.add_paragraph("Tiêu đề", style="Title")
    document.add_paragraph("Câu dẫn.")
    document.add_paragraph("Minh Anh (từ Seoul)")
    document.add_paragraph("SEOUL — Minh Anh", style="Byline")
    imported = read_docx(save(document, tmp_path / "byline.docx"))
    assert (imported.dateline, imported.byline) == ("SEOUL", "Minh Anh")
    assert [block.text for block in imported.blocks] == ["Minh Anh (từ Seoul)"]

    unstyled = docx.Document()
    unstyled.add_paragraph("Tiêu đề", style="Title")
    unstyled.add_paragraph("Minh Anh (từ Seoul)")
    unstyled.add_paragraph("Đoạn.")
    assert read_docx(save(unstyled, tmp_path / "unstyled.docx")).byline == ""


def test_lists_follow_the_numbering_definition_not_the_style_name(tmp_path: Path) -> None:
    document = docx.Document()
    document.add_paragraph("Tiêu đề", style="Title")
    document.add_paragraph("Câu dẫn.")
    bullet_num = document.styles["List Bullet"].element.pPr.numPr.numId.val
    number_num = document.styles["List Number"].element.pPr.numPr.numId.val
    for text, num_id in (("chấm", bullet_num), ("số", number_num), ("bỏ số", 0)):
        paragraph = document.add_paragraph(text, style="List Paragraph")
        num_pr = paragraph._p.get_or_add_pPr().get_or_add_numPr()
        num_pr.get_or_add_ilvl().val = 0
        num_pr.get_or_add_numId().val = num_id
    imported = read_docx(save(document, tmp_path / "lists.docx"))
    assert [(block.kind, block.text) for block in imported.blocks] == [
        (BlockKind.BULLETED, "chấm"),
        (BlockKind.NUMBERED, "số"),
        (BlockKind.PARAGRAPH, "bỏ số"),
    ]


# --- marks --------------------------------------------------------------------------------------


def body_block(imported, index: int = 0):
    return [block for block in imported.blocks if block.kind != BlockKind.PICTURE][index]


def test_bold_and_italic_marks_at_exact_offsets(tmp_path: Path) -> None:
    document = docx.Document()
    document.add_paragraph("Tiêu đề", style="Title")
    document.add_paragraph("Câu dẫn.")
    paragraph = document.add_paragraph()
    add_run(paragraph, "Hà Nội ")
    add_run(paragraph, "rất đẹp", bold=True)
    add_run(paragraph, " vào ")
    add_run(paragraph, "mùa thu", italic=True)
    add_run(paragraph, " và ")
    add_run(paragraph, "mùa xuân", bold=True, italic=True)
    add_run(paragraph, ".")
    block = body_block(read_docx(save(document, tmp_path / "marks.docx")))
    assert block.text == "Hà Nội rất đẹp vào mùa thu và mùa xuân."
    assert block.marks == (
        Mark(7, 14, "bold"),
        Mark(19, 26, "italic"),
        Mark(30, 38, "bold"),
        Mark(30, 38, "italic"),
    )
    assert block.text[7:14] == "rất đẹp" and block.text[19:26] == "mùa thu"


def test_marks_survive_whitespace_collapsing_and_nfc(tmp_path: Path) -> None:
    document = docx.Document()
    document.add_paragraph("Tiêu đề", style="Title")
    document.add_paragraph("Câu dẫn.")
    paragraph = document.add_paragraph()
    add_run(paragraph, "  Xin \t  chào ", bold=True)
    add_run(paragraph, "  Vie\u0323\u0302t  Nam\u00a0", italic=True)  # decomposed "Việt", a no-break space
    add_run(paragraph, "  hôm nay  ")
    block = body_block(read_docx(save(document, tmp_path / "spaces.docx")))
    assert block.text == "Xin chào Việt Nam hôm nay"
    assert block.marks == (Mark(0, 8, "bold"), Mark(9, 17, "italic"))


def test_hyperlinks_become_link_marks_for_web_addresses_only(tmp_path: Path) -> None:
    document = docx.Document()
    document.add_paragraph("Tiêu đề", style="Title")
    document.add_paragraph("Câu dẫn.")
    paragraph = document.add_paragraph()
    add_run(paragraph, "Xem ")
    add_hyperlink(paragraph, "trang Bộ", "https://mofa.gov.vn/tin", bold=True)
    add_run(paragraph, ", gửi ")
    add_hyperlink(paragraph, "thư", "mailto:ttdn@example.vn")
    add_run(paragraph, " và ")
    add_hyperlink(paragraph, "đừng bấm", "javascript:alert(1)")
    add_run(paragraph, ".")
    block = body_block(read_docx(save(document, tmp_path / "links.docx")))
    assert block.text == "Xem trang Bộ, gửi thư và đừng bấm."
    assert block.marks == (
        Mark(4, 12, "bold"),
        Mark(4, 12, "link", "https://mofa.gov.vn/tin"),
        Mark(18, 21, "link", "mailto:ttdn@example.vn"),
    )


def test_hyperlink_fields_become_link_marks(tmp_path: Path) -> None:
    document = docx.Document()
    document.add_paragraph("Tiêu đề", style="Title")
    document.add_paragraph("Câu dẫn.")
    paragraph = document.add_paragraph()
    add_run(paragraph, "Nguồn: ")
    for kind in ("begin", None, "separate"):
        run = paragraph.add_run()
        if kind is None:
            instruction = OxmlElement("w:instrText")
            instruction.text = ' HYPERLINK "https://baoquocte.vn/" \\o "tip" '
            run._r.append(instruction)
        else:
            char = OxmlElement("w:fldChar")
            char.set(qn("w:fldCharType"), kind)
            run._r.append(char)
    add_run(paragraph, "Báo Quốc tế")
    end = OxmlElement("w:fldChar")
    end.set(qn("w:fldCharType"), "end")
    paragraph.add_run()._r.append(end)
    block = body_block(read_docx(save(document, tmp_path / "field.docx")))
    assert block.text == "Nguồn: Báo Quốc tế"
    assert block.marks == (Mark(7, 18, "link", "https://baoquocte.vn/"),)


# --- pictures, captions, tables ----------------------------------------------------------------


def test_picture_with_caption_and_credit(tmp_path: Path) -> None:
    image = tmp_path / "photo.png"
    image.write_bytes(png_bytes())
    document = docx.Document()
    document.add_paragraph("Tiêu đề", style="Title")
    document.add_paragraph("Câu dẫn.")
    document.add_paragraph("Trước ảnh.")
    document.add_picture(str(image))
    document.add_paragraph("Toàn cảnh hội nghị (Ảnh: TTXVN)", style="Caption")
    document.add_paragraph("Sau ảnh.")
    imported = read_docx(save(document, tmp_path / "picture.docx"))

    assert [block.kind for block in imported.blocks] == [BlockKind.PARAGRAPH, BlockKind.PICTURE, BlockKind.PARAGRAPH]
    picture = imported.blocks[1]
    assert picture.text == "" and picture.marks == ()
    (only,) = imported.images
    assert picture.picture_id == only.key
    assert only.data == image.read_bytes()
    assert only.content_type == "image/png" and only.filename.endswith(".png")
    assert (only.caption, only.credit) == ("Toàn cảnh hội nghị", "TTXVN")


def test_caption_recognised_from_italic_text_before_the_picture(tmp_path: Path) -> None:
    image = tmp_path / "photo.png"
    image.write_bytes(png_bytes())
    document = docx.Document()
    document.add_paragraph("Tiêu đề", style="Title")
    document.add_paragraph("Câu dẫn.")
    add_run(document.add_paragraph(), "Ảnh: Đoàn công tác tại Seoul.", italic=True)
    document.add_picture(str(image))
    add_run(document.add_paragraph(), "Ảnh: không nghiêng nên là đoạn văn.")
    imported = read_docx(save(document, tmp_path / "before.docx"))
    assert imported.images[0].caption == "Ảnh: Đoàn công tác tại Seoul."
    assert [block.kind for block in imported.blocks] == [BlockKind.PICTURE, BlockKind.PARAGRAPH]


def test_small_caption_paragraph_after_the_picture(tmp_path: Path) -> None:
    image = tmp_path / "photo.png"
    image.write_bytes(png_bytes())
    document = docx.Document()
    document.add_paragraph("Tiêu đề", style="Title")
    document.add_paragraph("Câu dẫn.")
    document.add_picture(str(image))
    run = add_run(document.add_paragraph(), "Photo: The delegation in Seoul.")
    run.font.size = Pt(9)
    imported = read_docx(save(document, tmp_path / "small.docx"))
    assert imported.images[0].caption == "Photo: The delegation in Seoul."
    assert [block.kind for block in imported.blocks] == [BlockKind.PICTURE]


def test_picture_inside_a_paragraph_keeps_its_place(tmp_path: Path) -> None:
    image = tmp_path / "photo.png"
    image.write_bytes(png_bytes())
    document = docx.Document()
    document.add_paragraph("Tiêu đề", style="Title")
    document.add_paragraph("Câu dẫn.")
    paragraph = document.add_paragraph()
    add_run(paragraph, "Trước ")
    paragraph.add_run().add_picture(str(image))
    add_run(paragraph, " sau", bold=True)
    imported = read_docx(save(document, tmp_path / "inline.docx"))
    assert [(block.kind, block.text, block.marks) for block in imported.blocks] == [
        (BlockKind.PARAGRAPH, "Trước", ()),
        (BlockKind.PICTURE, "", ()),
        (BlockKind.PARAGRAPH, "sau", (Mark(0, 3, "bold"),)),
    ]


def test_unsupported_and_oversized_pictures_are_skipped_with_warnings(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    gif = tmp_path / "anim.gif"
    gif.write_bytes(gif_bytes())
    png = tmp_path / "big.png"
    png.write_bytes(png_bytes((200, 200)))
    document = docx.Document()
    document.add_paragraph("Tiêu đề", style="Title")
    document.add_paragraph("Câu dẫn.")
    document.add_picture(str(gif))
    document.add_paragraph("Chú thích ảnh GIF", style="Caption")
    document.add_picture(str(png))
    monkeypatch.setattr(docx_import, "MAX_IMAGE_BYTES", len(png.read_bytes()) - 1)
    imported = read_docx(save(document, tmp_path / "skipped.docx"))
    assert imported.images == []
    assert [block.text for block in imported.blocks] == ["Chú thích ảnh GIF"]
    assert "1 picture in an unsupported format (GIF) was skipped" in imported.warnings
    assert any(warning.startswith("1 picture larger than") for warning in imported.warnings)


def test_tables_become_paragraphs_with_a_warning(tmp_path: Path) -> None:
    document = docx.Document()
    document.add_paragraph("Tiêu đề", style="Title")
    document.add_paragraph("Câu dẫn.")
    for rows in (2, 1):
        table = document.add_table(rows=rows, cols=2)
        for row_index, row in enumerate(table.rows):
            for column, cell in enumerate(row.cells):
                cell.text = f"ô {row_index}{column}"
    imported = read_docx(save(document, tmp_path / "tables.docx"))
    assert [block.text for block in imported.blocks] == ["ô 00", "ô 01", "ô 10", "ô 11", "ô 00", "ô 01"]
    assert all(block.kind == BlockKind.PARAGRAPH for block in imported.blocks)
    assert "2 tables were imported as plain paragraphs" in imported.warnings


def test_tracked_changes_read_as_accepted(tmp_path: Path) -> None:
    document = docx.Document()
    document.add_paragraph("Tiêu đề", style="Title")
    document.add_paragraph("Câu dẫn.")
    paragraph = document.add_paragraph()
    add_run(paragraph, "giữ ")
    for tag, text_tag, text in (("w:del", "w:delText", "bỏ "), ("w:ins", "w:t", "thêm")):
        change = OxmlElement(tag)
        change.set(qn("w:id"), "1")
        change.set(qn("w:author"), "An")
        run = OxmlElement("w:r")
        text_element = OxmlElement(text_tag)
        text_element.text = text
        text_element.set("{http://www.w3.org/XML/1998/namespace}space", "preserve")
        run.append(text_element)
        change.append(run)
        paragraph._p.append(change)
    imported = read_docx(save(document, tmp_path / "tracked.docx"))
    assert [block.text for block in imported.blocks] == ["giữ thêm"]
    assert "the document has tracked changes; they were imported as if accepted" in imported.warnings


# --- legacy Vietnamese -------------------------------------------------------------------------


def test_tcvn3_run_in_vntime_is_converted_and_unicode_runs_are_not(tmp_path: Path) -> None:
    document = docx.Document()
    document.add_paragraph("Tiêu đề", style="Title")
    document.add_paragraph("Câu dẫn.")
    paragraph = document.add_paragraph()
    add_run(paragraph, "Thông tin: ", font="Times New Roman")
    add_run(paragraph, TCVN3_BYTES.decode("cp1252"), font=".VnTime")
    add_run(document.add_paragraph(), "Việt Nam đã gõ Unicode.", font=".VnTime")
    imported = read_docx(save(document, tmp_path / "tcvn3.docx"))
    assert [block.text for block in imported.blocks] == ["Thông tin: " + UNICODE, "Việt Nam đã gõ Unicode."]
    assert "text in the old TCVN3 (.VnTime) encoding was converted to Unicode" in imported.warnings


def test_tcvn3_capitals_font_and_a_font_set_by_the_style(tmp_path: Path) -> None:
    document = docx.Document()
    legacy_style = document.styles.add_style("Cu", WD_STYLE_TYPE.PARAGRAPH)
    legacy_style.font.name = ".VnTime"
    document.add_paragraph("Tiêu đề", style="Title")
    document.add_paragraph("Câu dẫn.")
    add_run(document.add_paragraph(), "H\xb5NG HO\xb8 xuÊt khÈu", font=".VnTimeH")
    document.add_paragraph("Vi\xd6t Nam", style="Cu")
    imported = read_docx(save(document, tmp_path / "caps.docx"))
    assert [block.text for block in imported.blocks] == ["HÀNG HOÁ XUẤT KHẨU", "Việt Nam"]


def test_vni_modifier_split_across_runs(tmp_path: Path) -> None:
    document = docx.Document()
    document.add_paragraph("Tiêu đề", style="Title")
    document.add_paragraph("Câu dẫn.")
    paragraph = document.add_paragraph()
    add_run(paragraph, "Ha", font="VNI-Times")
    add_run(paragraph, "\xf8 No\xe4i", font="VNI-Times", bold=True)
    add_run(document.add_paragraph(), VNI_BYTES.decode("cp1252"), font="VNI-Times")
    imported = read_docx(save(document, tmp_path / "vni.docx"))
    assert imported.blocks[0].text == "Hà Nội"
    assert imported.blocks[0].marks == (Mark(3, 6, "bold"),)
    assert imported.blocks[1].text == UNICODE


def test_legacy_text_without_legacy_fonts_is_detected(tmp_path: Path) -> None:
    document = docx.Document()
    document.add_paragraph("Th\xabng tin \xae\xe8i ngo\xb9i", style="Title")
    document.add_paragraph(TCVN3_BYTES.decode("cp1252"))
    imported = read_docx(save(document, tmp_path / "detected.docx"))
    assert imported.headline == "Thông tin đối ngoại"
    assert imported.lead == UNICODE


def test_empty_document_is_refused(tmp_path: Path) -> None:
    document = docx.Document()
    document.add_paragraph("   ")
    with pytest.raises(BadInput, match="no text or pictures"):
        read_docx(save(document, tmp_path / "empty-text.docx"))


# --- hostile and broken files ----------------------------------------------------------------


def refused(path: Path, message: str) -> None:
    before = sorted(path.parent.iterdir())
    with pytest.raises(BadInput, match=message):
        read_docx(path)
    assert sorted(path.parent.iterdir()) == before  # nothing left behind


def test_text_file_renamed_to_docx(tmp_path: Path) -> None:
    path = tmp_path / "notes.docx"
    path.write_text("Đây là một tệp văn bản.", encoding="utf-8")
    refused(path, r"notes\.docx is not a Word document \(\.docx\)")


def test_empty_file(tmp_path: Path) -> None:
    path = tmp_path / "empty.docx"
    path.write_bytes(b"")
    refused(path, "is empty")


def test_missing_file_and_folder(tmp_path: Path) -> None:
    with pytest.raises(BadInput, match="does not exist"):
        read_docx(tmp_path / "absent.docx")
    with pytest.raises(BadInput, match="is a folder"):
        read_docx(tmp_path)


def test_truncated_zip(tmp_path: Path, plain_docx: Path) -> None:
    data = plain_docx.read_bytes()
    path = tmp_path / "truncated.docx"
    path.write_bytes(data[: len(data) // 2])
    refused(path, "is damaged")


def test_old_doc_and_password_protected_docx(tmp_path: Path) -> None:
    magic = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
    old = tmp_path / "old.docx"
    old.write_bytes(magic + b"\x00junk" * 100 + "WordDocument".encode("utf-16-le"))
    refused(old, r"old Word 97–2003 \.doc; save it as \.docx")
    locked = tmp_path / "locked.docx"
    locked.write_bytes(magic + b"\x00" * 200 + "EncryptedPackage".encode("utf-16-le") + b"\x00" * 50)
    refused(locked, "protected with a password")


def test_rtf_saved_with_a_docx_name(tmp_path: Path) -> None:
    path = tmp_path / "rtf.docx"
    path.write_bytes(b"{\\rtf1\\ansi Xin chao}")
    refused(path, "RTF")


def test_macro_enabled_documents(tmp_path: Path, plain_docx: Path) -> None:
    content_types = zipfile.ZipFile(plain_docx).read("[Content_Types].xml")
    macro_types = content_types.replace(WORD_MAIN.encode(), MACRO_MAIN.encode())
    assert macro_types != content_types
    by_type = rewrite(plain_docx, tmp_path / "macro-type.docx", replace={"[Content_Types].xml": macro_types})
    refused(by_type, "contains macros; save it as a plain")
    by_part = rewrite(plain_docx, tmp_path / "macro-part.docx", add={"word/vbaProject.bin": b"\x00" * 64})
    refused(by_part, "contains macros")


BILLION_LAUGHS = b"""<?xml version="1.0"?>
<!DOCTYPE w:document [
 <!ENTITY lol "lol">
 <!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
 <!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
]>
<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">
<w:body><w:p><w:r><w:t>&lol4;</w:t></w:r></w:p></w:body></w:document>"""

EXTERNAL_ENTITY = b"""<?xml version="1.0"?>
<!DOCTYPE w:document [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>
<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">
<w:body><w:p><w:r><w:t>&xxe;</w:t></w:r></w:p></w:body></w:document>"""

DOCTYPE_ONLY = b"""<?xml version="1.0"?>
<!DOCTYPE w:document SYSTEM "http://example.com/word.dtd">
<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">
<w:body><w:p><w:r><w:t>x</w:t></w:r></w:p></w:body></w:document>"""


@pytest.mark.parametrize(
    ("part", "xml", "message"),
    [
        ("word/document.xml", BILLION_LAUGHS, "contains XML with entity declarations, which is not allowed"),
        ("word/document.xml", EXTERNAL_ENTITY, "contains XML with entity declarations, which is not allowed"),
        ("word/styles.xml", EXTERNAL_ENTITY, "contains XML with entity declarations"),
        ("word/document.xml", DOCTYPE_ONLY, r"document type declaration \(DTD\), which is not allowed"),
        ("word/document.xml", b"<w:document><w:body>", "is damaged: word/document.xml is not well-formed XML"),
    ],
)
def test_hostile_or_broken_xml(tmp_path: Path, plain_docx: Path, part: str, xml: bytes, message: str) -> None:
    refused(rewrite(plain_docx, tmp_path / "hostile.docx", replace={part: xml}), message)


def test_word_template_is_refused(tmp_path: Path, plain_docx: Path) -> None:
    content_types = zipfile.ZipFile(plain_docx).read("[Content_Types].xml")
    template = content_types.replace(WORD_MAIN.encode(), WORD_MAIN.replace(".document.", ".template.").encode())
    path = rewrite(plain_docx, tmp_path / "template.docx", replace={"[Content_Types].xml": template})
    refused(path, r"Word template \(\.dotx\)")


def test_svg_picture_with_a_doctype_does_not_refuse_the_document(tmp_path: Path, plain_docx: Path) -> None:
    content_types = zipfile.ZipFile(plain_docx).read("[Content_Types].xml")
    with_svg = content_types.replace(
        b"<Default ", b'<Default Extension="svg" ContentType="image/svg+xml"/><Default ', 1
    )
    svg = b'<?xml version="1.0"?><!DOCTYPE svg PUBLIC "-//W3C//DTD SVG 1.1//EN" "svg11.dtd"><svg/>'
    path = rewrite(
        plain_docx,
        tmp_path / "svg.docx",
        replace={"[Content_Types].xml": with_svg},
        add={"word/media/drawing.svg": svg},
    )
    assert read_docx(path).headline == "Tiêu đề"


def test_entry_with_a_parent_folder_name(tmp_path: Path, plain_docx: Path) -> None:
    path = rewrite(plain_docx, tmp_path / "traversal.docx", add={"../evil.xml": b"<x/>"})
    assert "../evil.xml" in zipfile.ZipFile(path).namelist()
    refused(path, r"unsafe name \(\.\./evil\.xml\)")


def declare_size(data: bytes, name: str, size: int) -> bytes:
    """Make the zip claim `name` expands to `size` bytes, in both headers, without the bytes."""
    patched = bytearray(data)
    encoded = name.encode()
    for signature, size_offset, name_offset in ((b"PK\x03\x04", 22, 30), (b"PK\x01\x02", 24, 46)):
        start = 0
        while (start := patched.find(signature, start)) != -1:
            if patched[start + name_offset : start + name_offset + len(encoded)] == encoded:
                struct.pack_into("<I", patched, start + size_offset, size)
            start += 4
    return bytes(patched)


def test_zip_bomb_declared_sizes_are_refused_before_reading(tmp_path: Path, plain_docx: Path) -> None:
    path = tmp_path / "bomb.docx"
    path.write_bytes(declare_size(plain_docx.read_bytes(), "word/document.xml", 600 * 1024 * 1024))
    assert zipfile.ZipFile(path).getinfo("word/document.xml").file_size == 600 * 1024 * 1024
    refused(path, "would expand to more than 512 MB")


def test_highly_compressed_xml_part_is_refused(tmp_path: Path, plain_docx: Path) -> None:
    document_xml = zipfile.ZipFile(plain_docx).read("word/document.xml")
    padded = document_xml.replace(b"<w:body>", b"<w:body>" + b" " * (20 * 1024 * 1024))
    refused(rewrite(plain_docx, tmp_path / "ratio.docx", replace={"word/document.xml": padded}), "expands suspiciously")


def test_too_many_entries(tmp_path: Path, plain_docx: Path) -> None:
    extra = {f"customXml/filler{index}.bin": b"" for index in range(5001)}
    refused(rewrite(plain_docx, tmp_path / "many.docx", add=extra), "too many parts")


def test_missing_main_document_part(tmp_path: Path, plain_docx: Path) -> None:
    path = rewrite(plain_docx, tmp_path / "hollow.docx", replace={"word/document.xml": None})
    refused(path, "is not a Word document")


def test_other_zip_is_not_a_word_document(tmp_path: Path) -> None:
    path = tmp_path / "archive.docx"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("readme.txt", "hello")
    refused(path, r"is not a Word document \(\.docx\)")
