"""DOCX export: a clean document python-docx (and Word) can open, with language, styles, links and
pictures; written atomically; and read back by the importer into the same article parts."""

from __future__ import annotations

import io
from pathlib import Path

import docx
import pytest
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.oxml.ns import qn
from PIL import Image

from workstation.editorial.docx_export import ExportPicture, write_docx
from workstation.editorial.docx_import import read_docx
from workstation.errors import BadInput
from workstation.model import Article, Block, BlockKind, Mark


def image_file(path: Path, size: tuple[int, int] = (400, 300), kind: str = "PNG") -> Path:
    Image.new("RGB", size, "green").save(path, kind)
    return path


def sample_article(language: str = "vi") -> Article:
    text = "Hà Nội là thủ đô, xem trang Bộ Ngoại giao."
    return Article(
        id="a1",
        station_id="s1",
        language=language,
        headline="Đà Nẵng quảng bá du lịch tại Hàn Quốc",
        subheadline="Hội nghị xúc tiến tại Seoul",
        lead="Ngày 12/10, thành phố Đà Nẵng tổ chức hội nghị xúc tiến du lịch.",
        byline="Minh Anh",
        dateline="Seoul",
        keywords=["du lịch", "Hàn Quốc"],
        created_at="2024-10-12T08:00:00.000Z",
        updated_at="2024-10-13T09:30:00.000Z",
        version=3,
        blocks=[
            Block(
                "b1",
                text,
                marks=(
                    Mark(0, 6, "bold"),
                    Mark(10, 16, "italic"),
                    Mark(18, 41, "link", "https://mofa.gov.vn/"),
                    Mark(22, 27, "bold"),
                ),
            ),
            Block("b2", "Kết quả", kind=BlockKind.HEADING),
            Block("b3", "Ký 12 thỏa thuận", kind=BlockKind.BULLETED),
            Block("b4", "Mở đường bay mới", kind=BlockKind.BULLETED, marks=(Mark(3, 16, "italic"),)),
            Block("b5", "Đăng ký", kind=BlockKind.NUMBERED),
            Block("b6", "Tham dự", kind=BlockKind.NUMBERED),
            Block("b7", "“Đà Nẵng là điểm đến an toàn”, ông nói.", kind=BlockKind.QUOTE),
            Block("b8", "", kind=BlockKind.PICTURE, picture_id="p1"),
            Block("b9", "Sự kiện kéo dài ba ngày.", marks=(Mark(8, 24, "bold"),)),
            Block("b10", "Bước cuối", kind=BlockKind.NUMBERED),
        ],
    )


@pytest.fixture
def picture(tmp_path: Path) -> ExportPicture:
    return ExportPicture(
        picture_id="p1",
        image_path=image_file(tmp_path / "photo.png"),
        caption="Toàn cảnh hội nghị",
        credit="TTXVN",
        alt_text="Hội trường đông người",
    )


def test_export_opens_with_python_docx_and_uses_the_right_styles(tmp_path: Path, picture: ExportPicture) -> None:
    out = tmp_path / "article.docx"
    write_docx(sample_article(), [picture], out)
    document = docx.Document(str(out))
    styled = [(paragraph.style.name, paragraph.text) for paragraph in document.paragraphs]
    assert styled[:4] == [
        ("Title", "Đà Nẵng quảng bá du lịch tại Hàn Quốc"),
        ("Subtitle", "Hội nghị xúc tiến tại Seoul"),
        ("Lead", "Ngày 12/10, thành phố Đà Nẵng tổ chức hội nghị xúc tiến du lịch."),
        ("Byline", "Seoul — Minh Anh"),
    ]
    assert document.paragraphs[3].runs[0].font.all_caps is True  # printed SEOUL, kept as typed
    assert document.styles["Lead"].font.bold is True
    names = [name for name, _ in styled]
    assert names[4:] == [
        "Normal",
        "Heading 2",
        "List Bullet",
        "List Bullet",
        "List Number",
        "List Number",
        "Quote",
        "Normal",  # the picture's paragraph
        "Caption",
        "Caption",
        "Normal",
        "List Number",
    ]
    assert styled[-4:-2] == [("Caption", "Toàn cảnh hội nghị"), ("Caption", "Ảnh: TTXVN")]


def test_marks_become_runs_and_real_hyperlinks(tmp_path: Path) -> None:
    out = tmp_path / "links.docx"
    article = sample_article()
    article.blocks[0].marks += (Mark(0, 2, "link", "javascript:alert(1)"),)
    write_docx(article, [], out)
    document = docx.Document(str(out))
    body = document.paragraphs[4]
    runs = [(run.text, run.bold, run.italic) for run in body.iter_inner_content() if hasattr(run, "bold")]
    assert runs[:4] == [("Hà Nội", True, None), (" là ", None, None), ("thủ đô", None, True), (", ", None, None)]
    (link,) = body.hyperlinks
    assert link.address == "https://mofa.gov.vn/"
    assert link.text == "xem trang Bộ Ngoại giao"
    assert [(run.text, run.bold) for run in link.runs] == [("xem ", None), ("trang", True), (" Bộ Ngoại giao", None)]
    assert all(run.style.name == "Hyperlink" for run in link.runs)
    external = [rel for rel in document.part.rels.values() if rel.reltype == RT.HYPERLINK]
    assert [rel.target_ref for rel in external] == ["https://mofa.gov.vn/"]


def test_language_core_properties_and_clean_template(tmp_path: Path) -> None:
    out = tmp_path / "props.docx"
    write_docx(sample_article(), [], out)
    document = docx.Document(str(out))
    lang = document.styles.element.find(f"{qn('w:docDefaults')}/{qn('w:rPrDefault')}/{qn('w:rPr')}/{qn('w:lang')}")
    assert lang.get(qn("w:val")) == "vi-VN"
    properties = document.core_properties
    assert properties.title == "Đà Nẵng quảng bá du lịch tại Hàn Quốc"
    assert properties.author == "Minh Anh"
    assert properties.language == "vi-VN"
    assert properties.keywords == "du lịch, Hàn Quốc"
    assert properties.comments == ""
    assert properties.revision == 3
    assert properties.created.year == 2024
    assert not any(rel.reltype == RT.THUMBNAIL for rel in document.part.package.rels.values())


@pytest.mark.parametrize(
    ("language", "tag", "font"),
    [("zh", "zh-CN", "SimSun"), ("ja", "ja-JP", "MS Mincho"), ("ko", "ko-KR", "Malgun Gothic")],
)
def test_east_asian_language_and_font(tmp_path: Path, language: str, tag: str, font: str) -> None:
    out = tmp_path / f"{language}.docx"
    article = sample_article(language)
    article.headline = "岘港在韩国推介旅游"
    write_docx(article, [], out)
    document = docx.Document(str(out))
    run_defaults = document.styles.element.find(f"{qn('w:docDefaults')}/{qn('w:rPrDefault')}/{qn('w:rPr')}")
    lang = run_defaults.find(qn("w:lang"))
    assert (lang.get(qn("w:val")), lang.get(qn("w:eastAsia"))) == (tag, tag)
    fonts = run_defaults.find(qn("w:rFonts"))
    assert fonts.get(qn("w:eastAsia")) == font
    assert fonts.get(qn("w:hint")) == "eastAsia"
    assert fonts.get(qn("w:eastAsiaTheme")) is None
    theme_language = document.settings.element.find(qn("w:themeFontLang"))
    assert theme_language.get(qn("w:eastAsia")) == tag
    assert document.core_properties.language == tag


def test_english_export_sets_en_us(tmp_path: Path) -> None:
    out = tmp_path / "en.docx"
    write_docx(sample_article("en"), [], out)
    assert '<w:lang w:val="en-US"' in docx.Document(str(out)).styles.element.xml


def test_picture_fits_the_text_width_and_carries_alt_text(tmp_path: Path, picture: ExportPicture) -> None:
    out = tmp_path / "picture.docx"
    write_docx(sample_article(), [picture], out)
    document = docx.Document(str(out))
    (shape,) = document.inline_shapes
    section = document.sections[0]
    assert shape.width == section.page_width - section.left_margin - section.right_margin
    assert abs(shape.height / shape.width - 0.75) < 0.01
    assert shape._inline.docPr.get("descr") == "Hội trường đông người"


def test_tall_picture_is_limited_in_height(tmp_path: Path) -> None:
    tall = ExportPicture("p1", image_file(tmp_path / "tall.jpg", (100, 1000), "JPEG"))
    out = tmp_path / "tall.docx"
    write_docx(sample_article(), [tall], out)
    document = docx.Document(str(out))
    (shape,) = document.inline_shapes
    section = document.sections[0]
    assert shape.height < section.page_height - section.top_margin - section.bottom_margin
    assert abs(shape.width / shape.height - 0.1) < 0.01


def test_each_numbered_list_starts_again_at_one(tmp_path: Path) -> None:
    out = tmp_path / "numbers.docx"
    write_docx(sample_article(), [], out)
    document = docx.Document(str(out))
    numbered = [paragraph for paragraph in document.paragraphs if paragraph.style.name == "List Number"]
    assert [paragraph.text for paragraph in numbered] == ["Đăng ký", "Tham dự", "Bước cuối"]
    assert numbered[0]._p.pPr.numPr is None  # the style's own numbering
    num_id = numbered[2]._p.pPr.numPr.numId.val
    num = document.part.numbering_part.element.num_having_numId(num_id)
    assert num.xpath("./w:lvlOverride/w:startOverride/@w:val") == ["1"]


def test_round_trip_through_the_importer(tmp_path: Path, picture: ExportPicture) -> None:
    article = sample_article()
    out = tmp_path / "round.docx"
    write_docx(article, [picture], out)
    imported = read_docx(out)
    assert (imported.headline, imported.subheadline, imported.lead) == (
        article.headline,
        article.subheadline,
        article.lead,
    )
    assert (imported.byline, imported.dateline) == ("Minh Anh", "Seoul")
    assert [(block.kind, block.text, block.marks) for block in imported.blocks] == [
        (block.kind, block.text, tuple(sorted(block.marks, key=lambda mark: (mark.start, mark.end, mark.kind))))
        for block in article.blocks
    ]
    (image,) = imported.images
    assert image.data == picture.image_path.read_bytes()
    assert (image.caption, image.credit, image.alt_text) == ("Toàn cảnh hội nghị", "TTXVN", "Hội trường đông người")
    assert imported.blocks[7].picture_id == image.key
    assert imported.warnings == []


def test_picture_blocks_without_a_rendition_are_left_out(tmp_path: Path) -> None:
    out = tmp_path / "no-picture.docx"
    write_docx(sample_article(), [], out)
    assert len(docx.Document(str(out)).inline_shapes) == 0
    assert all(block.kind != BlockKind.PICTURE for block in read_docx(out).blocks)


def test_control_characters_are_dropped(tmp_path: Path) -> None:
    article = Article(id="a", station_id="s", language="vi", headline="Tin\x00 mới\x0b", blocks=[Block("b", "A\x01B")])
    out = tmp_path / "control.docx"
    write_docx(article, [], out)
    document = docx.Document(str(out))
    assert [paragraph.text for paragraph in document.paragraphs] == ["Tin mới", "AB"]


def listing(folder: Path) -> list[str]:
    return sorted(path.name for path in folder.iterdir())


def test_existing_file_is_replaced_and_no_temporary_file_remains(tmp_path: Path) -> None:
    out = tmp_path / "article.docx"
    out.write_bytes(b"old")
    write_docx(sample_article(), [], out)
    assert docx.Document(str(out)).paragraphs[0].text == sample_article().headline
    assert listing(tmp_path) == ["article.docx"]


def test_bad_picture_leaves_the_old_file_untouched(tmp_path: Path) -> None:
    out = tmp_path / "article.docx"
    out.write_bytes(b"old")
    bad = tmp_path / "photo.png"
    bad.write_bytes(b"GIF89a not really")
    with pytest.raises(BadInput, match="not a JPEG or PNG"):
        write_docx(sample_article(), [ExportPicture("p1", bad)], out)
    truncated = tmp_path / "cut.png"
    truncated.write_bytes(image_file(tmp_path / "whole.png").read_bytes()[:20])
    with pytest.raises(BadInput, match="cannot be used"):
        write_docx(sample_article(), [ExportPicture("p1", truncated)], out)
    with pytest.raises(BadInput, match="cannot be read"):
        write_docx(sample_article(), [ExportPicture("p1", tmp_path / "absent.png")], out)
    assert out.read_bytes() == b"old"
    assert listing(tmp_path) == ["article.docx", "cut.png", "photo.png", "whole.png"]


def test_missing_folder_or_folder_as_target(tmp_path: Path) -> None:
    with pytest.raises(BadInput, match="does not exist"):
        write_docx(sample_article(), [], tmp_path / "absent" / "article.docx")
    with pytest.raises(BadInput, match="is a folder"):
        write_docx(sample_article(), [], tmp_path)
    assert listing(tmp_path) == []


def test_written_bytes_are_a_zip_word_opens(tmp_path: Path) -> None:
    out = tmp_path / "zip.docx"
    write_docx(sample_article(), [], out)
    assert out.read_bytes()[:4] == b"PK\x03\x04"
    docx.Document(io.BytesIO(out.read_bytes()))
