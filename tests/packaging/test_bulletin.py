"""The bilingual bulletin: real stores, real .docx files read back with python-docx, and (when LibreOffice is
installed) the PDF LibreOffice makes of it, read with pdftotext."""

from __future__ import annotations

import os
import shutil
import subprocess
import zipfile
from datetime import date
from pathlib import Path

import docx
import pytest
from docx.oxml.ns import qn

from workstation.errors import BadInput, Refused
from workstation.ids import new_id
from workstation.model import Article, Block, BlockKind, Mark, Package
from workstation.packaging.bulletin import (
    BilingualArticle,
    BulletinCancelled,
    BulletinCover,
    BulletinService,
    bilingual_families,
    render_bulletin,
)
from workstation.packaging.bulletin_docx import aligned_blocks
from workstation.ui.sample_content import load_sample_content

STATION = "Đại sứ quán Việt Nam tại Hàn Quốc"
ISSUED = date(2026, 11, 27)

# The rest of the sample article's English translation: the sample translates only the start, and its
# lead's figure on purpose wrongly (3,000 for 3.500), for the QA screenshots.
SAMPLE_ENGLISH = {
    "Ngày 12/10/2023, Đại sứ quán Việt Nam tại Hàn Quốc khai mạc Tuần Văn hoá Việt Nam với hơn 3.500 khách tham "
    "dự.": "On 12 October 2023, the Embassy of Vietnam in the Republic of Korea opened Vietnam Culture Week with "
    "more than 3,500 visitors.",
    "Năm nay đánh dấu <b1>31 năm thiết lập quan hệ ngoại giao</b1>.": "This year marks <b1>31 years of diplomatic "
    "relations</b1>.",
    "Biểu diễn nhã nhạc cung đình Huế tại lễ khai mạc.": "Hue royal court music at the opening ceremony.",
    "Nghệ sĩ mặc áo dài đỏ biểu diễn trên sân khấu": "Performers in red ao dai on stage",
    "Khách tham quan được thưởng thức áo dài, nhã nhạc cung đình Huế và ẩm thực ba miền.": "Visitors enjoyed ao "
    "dai, Hue royal court music and food from the three regions.",
    "Nhiều gian hàng giới thiệu sản phẩm OCOP của các tỉnh.": "Many stalls showed OCOP products from the provinces.",
    "Giao lưu nhân dân": "People-to-people exchange",
    "Văn hoá là cầu nối bền vững nhất giữa hai dân tộc.": "Culture is the most lasting bridge between the two peoples.",
    "Trình diễn áo dài": "Ao dai show",
    "Nhã nhạc cung đình Huế": "Hue royal court music",
    "Ẩm thực ba miền": "Food from the three regions",
    "Ban tổ chức cho biết tuần lễ sẽ tiếp tục tại Busan vào tháng 11.": "The organisers said the week would "
    "continue in Busan in November.",
}
COFFEE_HEADLINE_EN = "Vietnamese coffee finds new buyers in Europe"
COFFEE_HEADLINE_VI = "Cà phê Việt Nam tìm được khách hàng mới tại châu Âu"
COFFEE_VIETNAMESE = {
    COFFEE_HEADLINE_EN: COFFEE_HEADLINE_VI,
    "Exports of Vietnamese coffee to Europe rose by 15 percent in the first half of 2024.": "Xuất khẩu cà phê "
    "Việt Nam sang châu Âu tăng 15% trong sáu tháng đầu năm 2024.",
    "The Embassy of Vietnam in Belgium hosted a tasting for importers in Brussels on 14 June.": "Đại sứ quán Việt "
    "Nam tại Bỉ tổ chức buổi giới thiệu cà phê cho các nhà nhập khẩu tại Brussels ngày 14/6.",
    "The most sought-after varieties:": "Những loại được quan tâm nhiều nhất:",
    "Robusta from Dak Lak": "Robusta Đắk Lắk",
    "Arabica from Lam Dong": "Arabica Lâm Đồng",
    "Details are on the <a1>trade office's site</a1>.": "Chi tiết trên <a1>trang của thương vụ</a1>.",
}
VIETNAMESE_ONLY_HEADLINE = "Hội chợ Tết của cộng đồng người Việt tại Busan"


def _complete_sample_translation(services, source_id: str) -> Article:
    english = next(t for t in services.translations.translations_of(source_id) if t.language == "en")
    for segment in services.translations.segments(english.id):
        if segment.source_text in SAMPLE_ENGLISH:
            services.translations.save_segment(english.id, segment.address, SAMPLE_ENGLISH[segment.source_text])
    return services.translations.get(english.id)


def _coffee_article(services) -> Article:
    """An English source with a Vietnamese translation: no picture, a numbered list, a link."""
    link_text = "Details are on the trade office's site."
    start = link_text.index("trade")
    blocks = [
        Block(new_id(), "The Embassy of Vietnam in Belgium hosted a tasting for importers in Brussels on 14 June."),
        Block(new_id(), "The most sought-after varieties:"),
        Block(new_id(), "Robusta from Dak Lak", BlockKind.NUMBERED),
        Block(new_id(), "Arabica from Lam Dong", BlockKind.NUMBERED),
        Block(new_id(), link_text, marks=(Mark(start, len(link_text) - 1, "link", "https://vietnamtrade.example/be"),)),
    ]
    source = services.editorial.create_article(
        "en",
        COFFEE_HEADLINE_EN,
        lead="Exports of Vietnamese coffee to Europe rose by 15 percent in the first half of 2024.",
        byline="Minh Anh",
        dateline="Brussels",
        blocks=blocks,
    )
    translation = services.translations.create(source.id, "vi")
    for segment in services.translations.segments(translation.id):
        services.translations.save_segment(translation.id, segment.address, COFFEE_VIETNAMESE[segment.source_text])
    return source


def _vietnamese_only_article(services) -> Article:
    return services.editorial.create_article(
        "vi",
        VIETNAMESE_ONLY_HEADLINE,
        lead="Hơn 2.000 người đã đến hội chợ.",
        paragraphs=["Hội chợ kéo dài hai ngày."],
        byline="Thu Hà",
        dateline="Busan",
    )


def build_sample_bulletin_package(services) -> Package:
    """The app's sample article (vi, with a photo) fully translated into English, an English article with a
    Vietnamese translation, and a Vietnamese article without English (left out of the bulletin)."""
    sample = load_sample_content(services)
    source_id = sample.article_ids[0]
    _complete_sample_translation(services, source_id)
    coffee = _coffee_article(services)
    vietnamese_only = _vietnamese_only_article(services)
    return services.packaging.create("Bản tin quý IV", [source_id, coffee.id, vietnamese_only.id])


def _bulletin_service(services) -> BulletinService:
    return BulletinService(services.packaging, services.pictures, STATION, services.clock)


@pytest.fixture
def rendered(services, tmp_path: Path):
    package = build_sample_bulletin_package(services)
    out = tmp_path / "bulletin.docx"
    result = _bulletin_service(services).render(package.id, out, issued=ISSUED)
    return result, docx.Document(str(out))


def _texts(document) -> list[str]:
    return [paragraph.text for paragraph in document.paragraphs]


def _cell_text(cell) -> str:
    return "\n".join(paragraph.text for paragraph in cell.paragraphs)


def _run_languages(element) -> set[str]:
    return {lang.get(qn("w:val")) for lang in element.iter(qn("w:lang"))}


def test_cover_names_title_station_and_quarter_in_both_languages(rendered) -> None:
    result, document = rendered
    texts = _texts(document)
    assert result.articles == 2
    assert "Quarterly Bulletin" in texts and "Bản tin hằng quý" in texts
    assert STATION in texts
    assert "4th quarter 2026" in texts and "Quý 4 năm 2026" in texts
    assert any("27 November 2026" in text and "27 tháng 11, 2026" in text for text in texts)
    assert document.core_properties.title == "Quarterly Bulletin"
    assert document.core_properties.subject == "Bản tin quý IV"


def test_contents_lists_each_article_in_both_languages_with_a_page_reference(rendered) -> None:
    _, document = rendered
    entries = [p for p in document.paragraphs if p.style.name == "Contents Entry"]
    translations = [p.text for p in document.paragraphs if p.style.name == "Contents Translation"]
    assert [entry.text.split("\t")[1] for entry in entries] == [
        "Vietnam Culture Week opens in Seoul",
        COFFEE_HEADLINE_EN,
    ]
    assert translations == ["Tuần Văn hoá Việt Nam khai mạc tại Seoul", COFFEE_HEADLINE_VI]
    for number, entry in enumerate(entries, start=1):
        instructions = "".join(text.text for text in entry._p.iter(qn("w:instrText")))
        assert f"PAGEREF _Bulletin_article_{number}" in instructions
        assert entry._p.find(qn("w:hyperlink")).get(qn("w:anchor")) == f"_Bulletin_article_{number}"
    bookmarks = [mark.get(qn("w:name")) for mark in document.element.body.iter(qn("w:bookmarkStart"))]
    assert bookmarks == ["_Bulletin_article_1", "_Bulletin_article_2"]


def test_an_article_missing_english_is_left_out_of_the_document_and_reported(rendered) -> None:
    result, document = rendered
    assert [(item.headline, item.languages) for item in result.left_out] == [(VIETNAMESE_ONLY_HEADLINE, ("vi",))]
    body = "".join(text.text or "" for text in document.element.body.iter(qn("w:t")))
    assert "Tết" not in body and "Busan" in body  # Busan is in the Seoul article's last paragraph


def test_each_article_is_a_two_column_table_english_left_vietnamese_right(rendered) -> None:
    _, document = rendered
    assert len(document.tables) == 2
    for table in document.tables:
        assert len(table.columns) == 2
        assert [_cell_text(cell) for cell in table.rows[0].cells] == ["English", "Tiếng Việt"]
        assert table.rows[0]._tr.trPr.find(qn("w:tblHeader")) is not None  # repeated on continuation pages
        assert table._tbl.tblPr.find(qn("w:tblBorders")) is None  # borderless
    seoul, coffee = document.tables
    assert [_cell_text(cell) for cell in seoul.rows[1].cells] == [
        "Vietnam Culture Week opens in Seoul",
        "Tuần Văn hoá Việt Nam khai mạc tại Seoul",
    ]
    assert seoul.rows[1].cells[0].paragraphs[0].style.name == "Heading 1"
    assert [_cell_text(cell) for cell in coffee.rows[1].cells] == [COFFEE_HEADLINE_EN, COFFEE_HEADLINE_VI]


def test_paragraphs_and_their_translations_share_a_row(rendered) -> None:
    _, document = rendered
    rows = {_cell_text(row.cells[1]): _cell_text(row.cells[0]) for row in document.tables[0].rows}
    assert rows["Văn hoá là cầu nối bền vững nhất giữa hai dân tộc."] == (
        "Culture is the most lasting bridge between the two peoples."
    )
    assert rows["Ban tổ chức cho biết tuần lễ sẽ tiếp tục tại Busan vào tháng 11."] == (
        "The organisers said the week would continue in Busan in November."
    )
    assert rows["Seoul — Minh Anh"] == "Seoul — Minh Anh"  # shown in capitals, stored as typed
    coffee = {_cell_text(row.cells[0]): _cell_text(row.cells[1]) for row in document.tables[1].rows}
    assert coffee["Robusta from Dak Lak"] == "Robusta Đắk Lắk"
    assert coffee["Details are on the trade office's site."] == "Chi tiết trên trang của thương vụ."


def test_picture_spans_both_columns_with_alt_text_and_captions_beneath(rendered) -> None:
    _, document = rendered
    assert len(document.inline_shapes) == 1  # the coffee article has no picture
    descriptions = [pr.get("descr") for pr in document.element.body.iter(qn("wp:docPr"))]
    assert descriptions == ["Performers in red ao dai on stage / Nghệ sĩ mặc áo dài đỏ biểu diễn trên sân khấu"]
    rows = document.tables[0].rows
    picture_row = next(i for i, row in enumerate(rows) if list(row._tr.iter(qn("w:drawing"))))
    assert rows[picture_row]._tr.tc_lst[0].tcPr.find(qn("w:gridSpan")).get(qn("w:val")) == "2"
    english, vietnamese = (_cell_text(cell) for cell in rows[picture_row + 1].cells)
    assert english == "Hue royal court music at the opening ceremony.\nPhoto: Embassy of Vietnam in the ROK"
    assert vietnamese == "Biểu diễn nhã nhạc cung đình Huế tại lễ khai mạc.\nẢnh: Đại sứ quán Việt Nam tại Hàn Quốc"


def test_every_run_is_tagged_with_its_language(rendered) -> None:
    _, document = rendered
    for table in document.tables:
        for row in table.rows:
            cells = row._tr.tc_lst
            if len(cells) == 1:
                continue  # the picture row
            for tc, tag in zip(cells, ("en-GB", "vi-VN"), strict=True):
                runs = list(tc.iter(qn("w:r")))
                assert all(run.find(f"{qn('w:rPr')}/{qn('w:lang')}").get(qn("w:val")) == tag for run in runs)
    assert _run_languages(document.element.body) == {"en-GB", "vi-VN"}


def test_formatting_survives_bold_links_and_lists_restarting_in_each_column(rendered) -> None:
    _, document = rendered
    seoul, coffee = document.tables
    bold = [run.text for row in seoul.rows for cell in row.cells for p in cell.paragraphs for run in p.runs if run.bold]
    assert "31 năm thiết lập quan hệ ngoại giao" in bold and "31 years of diplomatic relations" in bold
    link_row = next(row for row in coffee.rows if "trade office" in _cell_text(row.cells[0]))
    for cell in link_row.cells:
        link = cell._tc.find(f"{qn('w:p')}/{qn('w:hyperlink')}")
        assert document.part.rels[link.get(qn("r:id"))].target_ref == "https://vietnamtrade.example/be"
    numbered = [row for row in coffee.rows if row.cells[0].paragraphs[0].style.name == "List Number"]
    assert len(numbered) == 2
    english_ids = {row.cells[0].paragraphs[0]._p.pPr.numPr.numId.val for row in numbered}
    vietnamese_ids = {row.cells[1].paragraphs[0]._p.pPr.numPr.numId.val for row in numbered}
    assert len(english_ids) == len(vietnamese_ids) == 1 and english_ids != vietnamese_ids


def test_articles_start_on_a_new_page_and_headlines_keep_with_next(rendered) -> None:
    _, document = rendered
    kickers = [p for p in document.paragraphs if p.style.name == "Kicker"]
    assert [p.text for p in kickers] == ["1  ·  Feature  ·  Bài phản ánh", "2  ·  News  ·  Tin"]
    assert all(p.paragraph_format.page_break_before for p in kickers)
    for table in document.tables:
        headline = table.rows[1].cells[0].paragraphs[0]
        assert headline.paragraph_format.keep_with_next or headline.style.paragraph_format.keep_with_next
        assert all(row._tr.trPr.find(qn("w:cantSplit")) is not None for row in table.rows)


def test_footer_numbers_pages_in_both_languages_and_the_cover_has_none(rendered) -> None:
    _, document = rendered
    section = document.sections[0]
    assert section.different_first_page_header_footer
    footer = section.footer.paragraphs[0]
    instructions = [text.text.strip() for text in footer._p.iter(qn("w:instrText"))]
    assert instructions == ["PAGE", "NUMPAGES", "PAGE", "NUMPAGES"]
    assert footer.text.startswith("Page 1 of 1") and "Trang 1 / 1" in footer.text
    assert _run_languages(footer._p) == {"en-GB", "vi-VN"}
    assert round(section.page_width.cm, 1) == 21.0 and round(section.page_height.cm, 1) == 29.7


def test_fonts_have_vietnamese_letters_with_a_fallback(rendered, tmp_path: Path) -> None:
    _, document = rendered
    defaults = document.styles.element.find(f"{qn('w:docDefaults')}/{qn('w:rPrDefault')}/{qn('w:rPr')}")
    fonts = defaults.find(qn("w:rFonts"))
    assert fonts.get(qn("w:ascii")) == fonts.get(qn("w:hAnsi")) == "Noto Serif"
    assert not [f for f in document.styles.element.iter(qn("w:rFonts")) if f.get(qn("w:asciiTheme"))]
    font_table = zipfile.ZipFile(tmp_path / "bulletin.docx").read("word/fontTable.xml").decode()
    assert '<w:font w:name="Noto Serif"><w:altName w:val="Times New Roman"/>' in font_table


def test_one_sided_blocks_are_reported(services, tmp_path: Path) -> None:
    package = load_sample_content(services)  # its English translation covers only the start
    result = _bulletin_service(services).render(package.id, tmp_path / "partial.docx", issued=ISSUED)
    assert len(result.notes) == 1 and "in one language only" in result.notes[0]


def test_a_package_without_any_article_in_both_languages_is_refused(services, tmp_path: Path) -> None:
    package = services.packaging.create("Chỉ tiếng Việt", [_vietnamese_only_article(services).id])
    out = tmp_path / "none.docx"
    with pytest.raises(Refused, match="no article in both English and Vietnamese") as refused:
        _bulletin_service(services).render(package.id, out)
    assert VIETNAMESE_ONLY_HEADLINE in str(refused.value)
    assert not out.exists()


def test_progress_is_reported_and_cancel_leaves_the_old_file(services, tmp_path: Path) -> None:
    package = build_sample_bulletin_package(services)
    (tmp_path / "out").mkdir()
    out = tmp_path / "out" / "bulletin.docx"
    out.write_bytes(b"the earlier bulletin")
    steps: list[tuple[int, int]] = []
    with pytest.raises(BulletinCancelled):
        _bulletin_service(services).render(
            package.id, out, progress=lambda done, total: steps.append((done, total)), cancelled=lambda: bool(steps[1:])
        )
    assert out.read_bytes() == b"the earlier bulletin"
    assert steps == [(0, 3), (1, 3)]
    assert [p.name for p in out.parent.iterdir()] == ["bulletin.docx"]  # no temporary file left
    steps.clear()
    _bulletin_service(services).render(package.id, out, progress=lambda done, total: steps.append((done, total)))
    assert steps == [(0, 3), (1, 3), (2, 3), (3, 3)]
    assert docx.Document(str(out)).tables  # written over the earlier file


def test_a_custom_title_replaces_both_default_titles(services, tmp_path: Path) -> None:
    package = build_sample_bulletin_package(services)
    out = tmp_path / "custom.docx"
    _bulletin_service(services).render(package.id, out, title="Bản tin Seoul – Seoul Bulletin")
    texts = _texts(docx.Document(str(out)))
    assert "Bản tin Seoul – Seoul Bulletin" in texts and "Quarterly Bulletin" not in texts


def test_a_file_name_that_is_not_docx_is_refused(services, tmp_path: Path) -> None:
    package = build_sample_bulletin_package(services)
    with pytest.raises(BadInput, match=r"\.docx"):
        _bulletin_service(services).render(package.id, tmp_path / "bulletin.pdf")


def test_families_pair_english_and_vietnamese_whichever_is_the_source() -> None:
    def article(article_id: str, language: str, source: str | None = None) -> Article:
        return Article(id=article_id, station_id="s", language=language, headline=article_id, translated_from=source)

    contents = [
        article("vi-source", "vi"), article("vi-source.en", "en", "vi-source"),
        article("en-source", "en"), article("en-source.vi", "vi", "en-source"),
        article("zh-source", "zh"), article("zh-source.vi", "vi", "zh-source"),
        article("zh-source.en", "en", "zh-source"),
        article("ko-source", "ko"), article("ko-source.vi", "vi", "ko-source"),
    ]  # fmt: skip
    pairs, left_out = bilingual_families(contents)
    assert [(english.id, vietnamese.id) for english, vietnamese in pairs] == [
        ("vi-source.en", "vi-source"),
        ("en-source", "en-source.vi"),
        ("zh-source.en", "zh-source.vi"),
    ]
    assert [(item.article_id, item.languages) for item in left_out] == [("ko-source", ("ko", "vi"))]


def test_blocks_align_by_id_in_the_source_order() -> None:
    first, second, only_source, only_translation = (Block(name, name) for name in ("a", "b", "c", "d"))
    pairs = aligned_blocks([first, second, only_source], [second, first, only_translation], source_first=True)
    assert [(left and left.id, right and right.id) for left, right in pairs] == [
        ("a", "a"),
        ("b", "b"),
        ("c", None),
        (None, "d"),
    ]


def test_render_bulletin_refuses_an_empty_list(tmp_path: Path) -> None:
    with pytest.raises(Refused):
        render_bulletin(tmp_path / "empty.docx", BulletinCover(), [])
    article = Article(id="a", station_id="s", language="en", headline="Only English")
    translation = Article(id="b", station_id="s", language="vi", headline="Chỉ tiếng Việt", translated_from="a")
    render_bulletin(tmp_path / "one.docx", BulletinCover(station="S"), [BilingualArticle(article, translation)])
    assert docx.Document(str(tmp_path / "one.docx")).tables[0].rows[1].cells[1].text == "Chỉ tiếng Việt"


# --- the PDF LibreOffice makes of it ----------------------------------------------------------


def convert_to_pdf(document: Path, profile: Path, timeout: float = 25) -> Path:
    """`soffice --headless --convert-to pdf` with a private profile, so parallel runs do not clash."""
    subprocess.run(
        [
            "soffice",
            f"-env:UserInstallation={profile.as_uri()}",
            "--headless",
            "--convert-to",
            "pdf",
            "--outdir",
            str(document.parent),
            str(document),
        ],
        check=True,
        capture_output=True,
        timeout=timeout,
        env={**os.environ, "HOME": str(profile)},
    )
    return document.with_suffix(".pdf")


@pytest.mark.timeout(30)
@pytest.mark.skipif(not (shutil.which("soffice") and shutil.which("pdftotext")), reason="needs LibreOffice, poppler")
def test_libreoffice_lays_it_out_with_contents_page_numbers(rendered, tmp_path: Path) -> None:
    result, _ = rendered
    pdf = convert_to_pdf(result.path, tmp_path / "libreoffice-profile")
    text = subprocess.run(
        ["pdftotext", "-layout", str(pdf), "-"], check=True, capture_output=True, text=True, timeout=20
    ).stdout
    pages = text.rstrip("\f").split("\f")
    assert len(pages) >= 3
    for headline in (
        "Vietnam Culture Week opens in Seoul",
        "Tuần Văn hoá Việt Nam",
        COFFEE_HEADLINE_EN,
        "Cà phê Việt Nam tìm được khách hàng",
    ):
        assert headline in text
    assert "Đắk Lắk" in text and "Ảnh: Đại sứ quán Việt Nam tại Hàn Quốc" in text
    contents = [line for line in pages[0].splitlines() if "....." in line]
    numbers = [line.split(".")[-1].strip() for line in contents]  # filled in by LibreOffice: not "–"
    assert numbers[0] == "2" and numbers[1].isdigit() and 2 < int(numbers[1]) <= len(pages)
    coffee_page = pages[int(numbers[1]) - 1]  # headlines wrap in their column: look for their first lines
    assert "Vietnamese coffee finds" in coffee_page and "Cà phê Việt Nam tìm được" in coffee_page
    assert f"Page 2 of {len(pages)}" in pages[1] and f"Trang 2 / {len(pages)}" in pages[1]
    assert "Page 1 of" not in pages[0]  # the cover has no footer
