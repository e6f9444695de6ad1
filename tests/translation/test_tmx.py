"""TMX 1.4b reading and writing: round trips, other tools' files, hostile files, languages."""

from __future__ import annotations

from pathlib import Path

import pytest
from lxml import etree

from workstation.errors import BadInput
from workstation.translation.tmx import (
    TmUnit,
    our_language,
    our_timestamp,
    parse_tmx,
    read_tmx,
    render_tmx,
    write_tmx,
)

UNITS = [
    TmUnit(
        "vi", "en", "Đại sứ <b1>Nguyễn Văn A</b1> dự <a2>lễ khai mạc</a2>.",
        "Ambassador <b1>Nguyen Van A</b1> attended <a2>the opening</a2>.",
        "2026-03-01T08:00:00.000Z", "2026-03-02T09:30:15.000Z", "Minh Anh",
    ),
    TmUnit("vi", "en", "Giá tăng 5% & <lãi suất> giảm.", "Prices rose 5% & <rates> fell.", "2026-03-03T00:00:00.000Z",
           "2026-03-03T00:00:00.000Z", ""),
    TmUnit("vi", "zh", "Việt Nam và Trung Quốc hợp tác.", "越南和中国合作。", "2026-03-04T00:00:00.000Z",
           "2026-03-05T00:00:00.000Z", "Lan"),
    TmUnit("vi", "en", "Một thẻ <i3>chưa đóng.", "An <i3>unclosed tag.", "2026-03-06T00:00:00.000Z",
           "2026-03-06T00:00:00.000Z", ""),
]  # fmt: skip


def _tmx(
    body: str, header: str = 'srclang="en"', doctype: str = '<!DOCTYPE tmx SYSTEM "tmx14.dtd">', tool: str = "t"
) -> bytes:
    return (
        f'<?xml version="1.0" encoding="UTF-8"?>\n{doctype}\n<tmx version="1.4"><header creationtool="{tool}" '
        f'creationtoolversion="1" segtype="sentence" o-tmf="t" adminlang="en" datatype="plaintext" {header}/>'
        f"<body>{body}</body></tmx>"
    ).encode()


def _tu(*tuvs: tuple[str, str], attributes: str = "") -> str:
    inner = "".join(f'<tuv xml:lang="{lang}"><seg>{seg}</seg></tuv>' for lang, seg in tuvs)
    return f"<tu {attributes}>{inner}</tu>"


def test_round_trip_keeps_texts_tags_dates_and_creators() -> None:
    data = render_tmx(UNITS)
    contents = parse_tmx(data)
    assert contents.units == UNITS
    assert contents.skipped == 0 and contents.tu_count == len(UNITS)


def test_written_file_is_tmx_14b_with_the_expected_header_and_codes(tmp_path: Path) -> None:
    out = tmp_path / "memory.tmx"
    assert write_tmx(out, UNITS[:1], source_lang="vi") == 1
    data = out.read_bytes()
    assert data.startswith(b"<?xml version='1.0' encoding='UTF-8'?>\n<!DOCTYPE tmx SYSTEM \"tmx14.dtd\">")
    root = etree.fromstring(data)
    header = root.find("header")
    assert root.get("version") == "1.4"
    assert {key: header.get(key) for key in ("srclang", "segtype", "datatype", "adminlang", "o-tmf")} == {
        "srclang": "vi", "segtype": "sentence", "datatype": "plaintext", "adminlang": "en",
        "o-tmf": "Editorial Workstation",
    }  # fmt: skip
    assert header.get("creationtool") == "Editorial Workstation" and header.get("creationtoolversion")
    tu = root.find("body/tu")
    assert tu.get("creationdate") == "20260301T080000Z"
    assert tu.get("changedate") == "20260302T093015Z"
    assert tu.get("creationid") == "Minh Anh"
    assert tu.get("srclang") is None  # the header's
    seg = tu.find("tuv/seg")
    assert tu.find("tuv").get("{http://www.w3.org/XML/1998/namespace}lang") == "vi"
    codes = [(code.tag, code.get("i"), code.get("type"), code.text) for code in seg]
    assert codes == [
        ("bpt", "1", "bold", "<b1>"), ("ept", "1", None, "</b1>"),
        ("bpt", "2", "link", "<a2>"), ("ept", "2", None, "</a2>"),
    ]  # fmt: skip
    assert list(tmp_path.iterdir()) == [out]  # no temporary file left


def test_mixed_pairs_are_written_with_a_source_language_per_unit() -> None:
    root = etree.fromstring(render_tmx([UNITS[0], TmUnit("en", "vi", "Hello.", "Xin chào.")]))
    assert root.find("header").get("srclang") == "*all*"
    assert [tu.get("srclang") for tu in root.iter("tu")] == ["vi", "en"]


def test_an_unpaired_tag_is_an_isolated_code() -> None:
    root = etree.fromstring(render_tmx(UNITS[3:]))
    code = root.find("body/tu/tuv/seg/it")
    assert (code.get("pos"), code.get("type"), code.text) == ("begin", "italic", "<i3>")


def test_characters_xml_cannot_hold_become_replacement_characters() -> None:
    contents = parse_tmx(render_tmx([TmUnit("vi", "en", "Một\x0bhai", "One\x01two")]))
    assert (contents.units[0].source, contents.units[0].target) == ("Một\ufffdhai", "One\ufffdtwo")


def test_a_failed_write_leaves_the_previous_file_alone(tmp_path: Path) -> None:
    out = tmp_path / "memory.tmx"
    out.write_bytes(b"previous")

    def broken():
        yield UNITS[0]
        raise RuntimeError("the store went away")

    with pytest.raises(RuntimeError):
        write_tmx(out, broken())
    assert out.read_bytes() == b"previous"
    assert list(tmp_path.iterdir()) == [out]


def test_translate_toolkit_reads_our_export_with_tags_as_text() -> None:
    from translate.storage.tmx import tmxfile

    store = tmxfile.parsestring(render_tmx(UNITS[:2], source_lang="vi"))
    assert [(unit.source, unit.target) for unit in store.units] == [(u.source, u.target) for u in UNITS[:2]]


def test_a_tmx_written_by_translate_toolkit_is_read() -> None:
    from translate.storage.tmx import tmxfile

    written = tmxfile(sourcelanguage="vi", targetlanguage="en")
    for source, target in [
        ("Đà Nẵng quảng bá <b1>du lịch</b1> tại Hàn Quốc.", "Da Nang promotes <b1>tourism</b1> in Korea."),
        ("Hội nghị & hợp tác", "Conference & cooperation"),
    ]:
        written.addsourceunit(source).settarget(target)
    contents = parse_tmx(bytes(written), "toolkit.tmx")
    assert [(u.source_lang, u.target_lang, u.source, u.target) for u in contents.units] == [
        ("vi", "en", "Đà Nẵng quảng bá <b1>du lịch</b1> tại Hàn Quốc.", "Da Nang promotes <b1>tourism</b1> in Korea."),
        ("vi", "en", "Hội nghị & hợp tác", "Conference & cooperation"),
    ]
    assert contents.units[0].created_at == ""  # the toolkit writes no dates


def test_omegat_style_file_with_tags_as_text_and_regional_codes() -> None:
    data = _tmx(
        _tu(
            ("EN-US", "The &lt;b0&gt;embassy&lt;/b0&gt; opened."),
            ("vi-VN", "Đại sứ quán &lt;b0&gt;khai trương&lt;/b0&gt;."),
            attributes='changedate="20250110T101112Z" changeid="an" creationdate="20250109T000000Z" creationid="an"',
        ),
        header='srclang="EN-US"',
        tool="OmegaT",
    )  # fmt: skip
    (unit,) = parse_tmx(data).units
    assert (unit.source_lang, unit.target_lang) == ("en", "vi")
    assert unit.source == "The <b0>embassy</b0> opened."
    assert (unit.created_at, unit.changed_at, unit.created_by) == (
        "2025-01-09T00:00:00.000Z", "2025-01-10T10:11:12.000Z", "an"
    )  # fmt: skip


def test_other_tools_codes_are_dropped_and_highlighted_text_kept() -> None:
    seg = (
        'Press <bpt i="1" x="1">{1}</bpt>OK<ept i="1">{/1}</ept><ph x="2">&lt;br/&gt;</ph> '
        '<hi type="x">now</hi><ut>x</ut>'
    )
    (unit,) = parse_tmx(_tmx(_tu(("en", seg), ("vi", "Bấm OK ngay")))).units
    assert unit.source == "Press OK now"
    code_with_sub = "A <ph>&lt;b1&gt;<sub>footnote</sub></ph>b"
    (unit,) = parse_tmx(_tmx(_tu(("en", code_with_sub), ("vi", "x")))).units
    assert unit.source == "A <b1>b"


def test_languages_map_to_ours_and_others_are_skipped_and_counted() -> None:
    assert [our_language(c) for c in ("vi-VN", "EN-US", "en_GB", "zh-CN", "zh-Hans-CN", "ZH", "ko-KR", "ja-JP")] == [
        "vi", "en", "en", "zh", "zh", "zh", "ko", "ja",
    ]  # fmt: skip
    assert [our_language(c) for c in ("zh-TW", "zh-Hant", "zh-HK", "de-DE", "fr", "")] == [None] * 6
    body = (
        _tu(("en-US", "Hello"), ("de-DE", "Hallo"))
        + _tu(("fr", "Bonjour"), ("de", "Hallo"))
        + _tu(("en", "Good morning"), ("vi", "Chào buổi sáng"), ("zh-CN", "早上好"), ("zh-TW", "早安"))
        + _tu(("en", "Empty"), ("vi", ""))
    )
    contents = parse_tmx(_tmx(body))
    assert [(u.source_lang, u.target_lang, u.target) for u in contents.units] == [
        ("en", "vi", "Chào buổi sáng"), ("en", "zh", "早上好"),
    ]  # fmt: skip
    assert contents.skipped == 3
    assert contents.skipped_languages == ("de", "de-de", "fr")


def test_the_source_is_the_units_srclang_else_the_headers_else_the_first() -> None:
    body = _tu(("vi", "Xin chào"), ("en", "Hello"), attributes='srclang="en"') + _tu(("vi", "Cảm ơn"), ("en", "Thanks"))
    units = parse_tmx(_tmx(body, header='srclang="*all*"')).units
    assert [(u.source_lang, u.source) for u in units] == [("en", "Hello"), ("vi", "Cảm ơn")]


def test_utf16_with_a_byte_order_mark_is_read() -> None:
    text = _tmx(_tu(("en", "Hello"), ("vi", "Xin chào"))).decode().replace('encoding="UTF-8"', 'encoding="UTF-16"')
    (unit,) = parse_tmx(text.encode("utf-16")).units
    assert unit.target == "Xin chào"


@pytest.mark.parametrize(
    ("doctype", "message"),
    [
        ('<!DOCTYPE tmx [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">]>', "declares entities"),
        ('<!DOCTYPE tmx [<!ENTITY x SYSTEM "file:///etc/passwd">]>', "declares entities"),
        ('<!DOCTYPE tmx [<!ENTITY % p SYSTEM "http://example.invalid/x.dtd"> %p;]>', "declares entities"),
        ("<!DOCTYPE tmx [<!ELEMENT tmx ANY>]>", "declarations inside"),
    ],
)
def test_internal_subsets_are_refused(doctype: str, message: str) -> None:
    seg = "&b;" if "ENTITY b" in doctype else "&x;" if "ENTITY x" in doctype else "text"
    with pytest.raises(BadInput, match=message):
        parse_tmx(_tmx(_tu(("en", seg), ("vi", "x")), doctype=doctype), "hostile.tmx")


def test_billion_laughs_is_refused_quickly() -> None:
    entities = '<!ENTITY l0 "lollollollol">' + "".join(f'<!ENTITY l{n} "{f"&l{n - 1};" * 10}">' for n in range(1, 10))
    data = _tmx(_tu(("en", "&l9;"), ("vi", "x")), doctype=f"<!DOCTYPE tmx [{entities}]>")
    with pytest.raises(BadInput, match="declares entities"):
        parse_tmx(data, "laughs.tmx")


def test_an_entity_reference_without_declaration_is_refused() -> None:
    with pytest.raises(BadInput, match="entity"):
        parse_tmx(_tmx(_tu(("en", "a &x; b"), ("vi", "x"))), "refs.tmx")


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", "empty|not well-formed"),
        (b"Hello, world", "not well-formed"),
        (b"<tmx version='1.4'><body><tu>", "not well-formed"),
        (b"<xliff version='2.1'/>", "not a TMX file"),
        (b"<tmx version='2.0'><body/></tmx>", "TMX 2.0"),
    ],
)
def test_files_that_are_not_tmx_are_refused(data: bytes, message: str) -> None:
    with pytest.raises(BadInput, match=message):
        parse_tmx(data, "bad.tmx")


def test_deep_nesting_is_refused() -> None:
    seg = "<hi>" * 40 + "x" + "</hi>" * 40
    with pytest.raises(BadInput, match="nested"):
        parse_tmx(_tmx(_tu(("en", seg), ("vi", "x"))))


def test_reading_a_missing_file_or_a_folder(tmp_path: Path) -> None:
    with pytest.raises(BadInput, match="does not exist"):
        read_tmx(tmp_path / "nothing.tmx")
    with pytest.raises(BadInput, match="folder"):
        read_tmx(tmp_path)


def test_tmx_dates() -> None:
    assert our_timestamp("20260102T030405Z") == "2026-01-02T03:04:05.000Z"
    assert our_timestamp("2026-01-02T03:04:05Z") == "2026-01-02T03:04:05.000Z"
    assert our_timestamp("20261302T030405Z") == "" and our_timestamp(None) == "" and our_timestamp("soon") == ""


# The element and attribute declarations of the TMX 1.4b DTD ("tmx14.dtd", LISA OSCAR), enough to
# validate what we write (its comments and the SGML compatibility entities left out).
TMX14_DTD = """
<!ENTITY % segtypes "block|paragraph|sentence|phrase">
<!ELEMENT tmx (header, body)>
<!ATTLIST tmx version CDATA #FIXED "1.4">
<!ELEMENT header (note|prop|ude)*>
<!ATTLIST header creationtool CDATA #REQUIRED creationtoolversion CDATA #REQUIRED segtype (%segtypes;) #REQUIRED
  o-tmf CDATA #REQUIRED adminlang CDATA #REQUIRED srclang CDATA #REQUIRED datatype CDATA #REQUIRED
  o-encoding CDATA #IMPLIED creationdate CDATA #IMPLIED creationid CDATA #IMPLIED changedate CDATA #IMPLIED
  changeid CDATA #IMPLIED>
<!ELEMENT body (tu*)>
<!ELEMENT note (#PCDATA)>
<!ATTLIST note o-encoding CDATA #IMPLIED xml:lang CDATA #IMPLIED lang CDATA #IMPLIED>
<!ELEMENT ude (map+)>
<!ATTLIST ude name CDATA #REQUIRED base CDATA #IMPLIED>
<!ELEMENT map EMPTY>
<!ATTLIST map unicode CDATA #REQUIRED code CDATA #IMPLIED ent CDATA #IMPLIED subst CDATA #IMPLIED>
<!ELEMENT prop (#PCDATA)>
<!ATTLIST prop type CDATA #REQUIRED xml:lang CDATA #IMPLIED o-encoding CDATA #IMPLIED lang CDATA #IMPLIED>
<!ELEMENT tu ((note|prop)*, tuv+)>
<!ATTLIST tu tuid CDATA #IMPLIED o-encoding CDATA #IMPLIED datatype CDATA #IMPLIED usagecount CDATA #IMPLIED
  lastusagedate CDATA #IMPLIED creationtool CDATA #IMPLIED creationtoolversion CDATA #IMPLIED
  creationdate CDATA #IMPLIED creationid CDATA #IMPLIED changedate CDATA #IMPLIED segtype (%segtypes;) #IMPLIED
  changeid CDATA #IMPLIED o-tmf CDATA #IMPLIED srclang CDATA #IMPLIED>
<!ELEMENT tuv ((note|prop)*, seg)>
<!ATTLIST tuv xml:lang CDATA #REQUIRED o-encoding CDATA #IMPLIED datatype CDATA #IMPLIED usagecount CDATA #IMPLIED
  lastusagedate CDATA #IMPLIED creationtool CDATA #IMPLIED creationtoolversion CDATA #IMPLIED
  creationdate CDATA #IMPLIED creationid CDATA #IMPLIED changedate CDATA #IMPLIED o-tmf CDATA #IMPLIED
  changeid CDATA #IMPLIED lang CDATA #IMPLIED>
<!ELEMENT seg (#PCDATA|bpt|ept|ph|it|hi|ut)*>
<!ELEMENT bpt (#PCDATA|sub)*>
<!ATTLIST bpt i CDATA #REQUIRED x CDATA #IMPLIED type CDATA #IMPLIED>
<!ELEMENT ept (#PCDATA|sub)*>
<!ATTLIST ept i CDATA #REQUIRED>
<!ELEMENT sub (#PCDATA|bpt|ept|it|ph|hi|ut)*>
<!ATTLIST sub datatype CDATA #IMPLIED type CDATA #IMPLIED>
<!ELEMENT it (#PCDATA|sub)*>
<!ATTLIST it pos (begin|end) #REQUIRED x CDATA #IMPLIED type CDATA #IMPLIED>
<!ELEMENT ph (#PCDATA|sub)*>
<!ATTLIST ph x CDATA #IMPLIED assoc CDATA #IMPLIED type CDATA #IMPLIED>
<!ELEMENT hi (#PCDATA|bpt|ept|it|ph|hi|ut)*>
<!ATTLIST hi x CDATA #IMPLIED type CDATA #IMPLIED>
<!ELEMENT ut (#PCDATA|sub)*>
<!ATTLIST ut x CDATA #IMPLIED>
"""


@pytest.mark.parametrize("source_lang", ["vi", None])
def test_what_we_write_is_valid_against_the_tmx_14_dtd(source_lang: str | None) -> None:
    import io

    dtd = etree.DTD(io.StringIO(TMX14_DTD))
    units = UNITS if source_lang is None else [u for u in UNITS if u.source_lang == "vi"]
    document = etree.fromstring(render_tmx(units, source_lang))
    assert dtd.validate(document), dtd.error_log.filter_from_errors()
