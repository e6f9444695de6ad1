"""XLIFF 2.1 export and import: schema-valid output, exact round trips, the state mapping, checks against
the translation, and hostile or foreign files refused with a clear message (and nothing written)."""

from __future__ import annotations

import os
import re
from dataclasses import replace
from pathlib import Path

import pytest
from lxml import etree

from workstation.errors import BadInput, EnvironmentFailure, Refused
from workstation.model import SegmentState
from workstation.translation import xliff
from workstation.translation.xliff import (
    XliffDocument,
    XliffSegment,
    address_of,
    check_against,
    parse_xliff,
    read_xliff,
    segment_id,
    write_xliff,
)

SCHEMA_DIR = Path(__file__).resolve().parents[1] / "data" / "xliff-2.1"
NS = {"x": xliff.XLIFF_NS, "ew": xliff.EW_NS}
XML_SPACE = "{http://www.w3.org/XML/1998/namespace}space"
TRANSLATION = "0190a0b2-0000-7000-8000-0000000000aa"
SOURCE = "0190a0b2-0000-7000-8000-0000000000bb"
BLOCK = "0190a0b2-0000-7000-8000-000000000001"
PICTURE = "0190a0b2-0000-7000-8000-000000000002"
BLOCK2 = "0190a0b2-0000-7000-8000-000000000003"
NMTOKEN = re.compile(r"[\w.:-]+")


@pytest.fixture(scope="module")
def schema() -> etree.XMLSchema:
    parser = etree.XMLParser(no_network=True, resolve_entities=False)
    return etree.XMLSchema(etree.parse(str(SCHEMA_DIR / "xliff_core_2.0.xsd"), parser))


def sample() -> list[XliffSegment]:
    """Every state, empty targets, a stale segment, comments, CJK, escapes, spaces, control characters."""
    return [
        XliffSegment("headline#0", "Đà Nẵng quảng bá du lịch tại Hàn Quốc", "Da Nang promotes tourism", "final"),
        XliffSegment("subheadline#0", "Giá <5%> & \"tăng\" 'nhẹ'", "Prices <5%> & \"up\" 'slightly'", "reviewed"),
        XliffSegment("lead#0", "  Câu đầu tiên. ", "", SegmentState.NEW),
        XliffSegment(
            "lead#1",
            "Câu thứ hai.",
            "Second\tsentence  with spaces ",
            SegmentState.DRAFT,
            notes=("Lan (2024-05-01 09:30, accepted): use “promotes”", "Minh (2024-05-02 10:00): ok"),
        ),
        XliffSegment(f"{BLOCK}#0", "Đoạn văn.", "段落。", "translated"),
        XliffSegment(f"{BLOCK}#1", "Dòng\nmới", "改行\nあり", "final"),
        XliffSegment(
            f"caption:{PICTURE}#0",
            "Chú thích mới.",
            "Old caption translation.",
            "translated",
            stale_source="Chú thích cũ <có> & “ngoặc”.",
        ),
        XliffSegment(f"alt:{PICTURE}#0", "Ảnh\x0bcó ký tự điều khiển\x01", "", SegmentState.NEW),
        XliffSegment(f"{BLOCK2}#0", "Câu trống.", "", "final"),
    ]


def export(path: Path, segments: list[XliffSegment] | None = None, **overrides: str) -> Path:
    arguments = {
        "translation_id": TRANSLATION,
        "source_id": SOURCE,
        "source_language": "vi",
        "target_language": "en",
        "title": "Đà Nẵng quảng bá du lịch",
    } | overrides
    write_xliff(path, segments=sample() if segments is None else segments, **arguments)
    return path


def tree(path: Path) -> etree._Element:
    return etree.parse(str(path), etree.XMLParser(no_network=True, resolve_entities=False)).getroot()


def one(root: etree._Element, xpath: str) -> etree._Element:
    (element,) = root.xpath(xpath, namespaces=NS)
    return element


# --- export ---------------------------------------------------------------------------------------


def test_export_validates_against_the_xliff_2_core_schema(tmp_path: Path, schema: etree.XMLSchema) -> None:
    root = tree(export(tmp_path / "t.xlf"))
    assert schema.validate(root), schema.error_log


def test_schema_is_strict_enough_to_catch_mistakes(tmp_path: Path, schema: etree.XMLSchema) -> None:
    root = tree(export(tmp_path / "t.xlf"))
    one(root, "//x:segment[@id='headline_0']").set("state", "approved")
    assert not schema.validate(root)


def test_export_says_what_it_is(tmp_path: Path) -> None:
    root = tree(export(tmp_path / "t.xlf"))
    assert root.tag == f"{{{xliff.XLIFF_NS}}}xliff"
    assert (root.get("version"), root.get("srcLang"), root.get("trgLang")) == ("2.1", "vi", "en")
    file = one(root, "x:file")
    assert file.get("id") == "f1"
    assert file.get("original") == f"urn:uuid:{TRANSLATION}"
    assert file.get(f"{{{xliff.EW_NS}}}sourceId") == SOURCE
    assert file.get("canResegment") == "no"
    assert one(file, "x:notes/x:note[@category='title']").text == "Đà Nẵng quảng bá du lịch"


def test_one_unit_per_part_in_reading_order_one_segment_per_sentence(tmp_path: Path) -> None:
    root = tree(export(tmp_path / "t.xlf"))
    units = root.xpath("//x:unit", namespaces=NS)
    assert [(unit.get("id"), unit.get("name")) for unit in units] == [
        ("headline", "headline"),
        ("subheadline", "subheadline"),
        ("lead", "lead"),
        (BLOCK, "block 1"),
        (f"caption:{PICTURE}", "caption 1"),
        (f"alt:{PICTURE}", "alt text 1"),
        (BLOCK2, "block 2"),
    ]
    ids = [segment.get("id") for segment in root.xpath("//x:segment", namespaces=NS)]
    assert ids == [segment_id(s.address) for s in sample()]
    assert ids[:4] == ["headline_0", "subheadline_0", "lead_0", "lead_1"]
    assert ids[4:7] == [f"{BLOCK}_0", f"{BLOCK}_1", f"caption:{PICTURE}_0"]
    assert len(set(ids)) == len(ids)
    assert all(NMTOKEN.fullmatch(value) for value in ids)


def test_parts_that_come_back_later_are_refused_as_out_of_order(tmp_path: Path) -> None:
    segments = [*sample(), XliffSegment(f"{BLOCK}#2", "Lại khối đầu.")]
    with pytest.raises(ValueError, match=f"the sentences of {BLOCK} are not together in reading order"):
        export(tmp_path / "t.xlf", segments)


def test_labels_can_be_given_by_the_caller(tmp_path: Path) -> None:
    write_xliff(
        tmp_path / "t.xlf",
        translation_id=TRANSLATION,
        source_id=SOURCE,
        source_language="vi",
        target_language="en",
        segments=sample(),
        part_labels={BLOCK: "paragraph 1", BLOCK2: "quote 1"},
    )
    root = tree(tmp_path / "t.xlf")
    assert one(root, f"//x:unit[@id='{BLOCK}']").get("name") == "paragraph 1"
    assert one(root, f"//x:unit[@id='{BLOCK2}']").get("name") == "quote 1"


@pytest.fixture
def exported(tmp_path: Path) -> Path:
    return export(tmp_path / "t.xlf")


def test_round_trip_gives_identical_segments(exported: Path) -> None:
    document = read_xliff(exported)
    assert document == XliffDocument(
        translation_id=TRANSLATION,
        source_id=SOURCE,
        source_language="vi",
        target_language="en",
        segments=tuple(sample()),
        title="Đà Nẵng quảng bá du lịch",
    )


def test_export_validates_with_every_feature(exported: Path, schema: etree.XMLSchema) -> None:
    assert schema.validate(tree(exported)), schema.error_log


@pytest.mark.parametrize(
    ("state", "target", "xliff_state", "sub_state"),
    [
        ("new", "", "initial", "ew:new"),
        ("draft", "Bản nháp", "initial", "ew:draft"),
        ("draft", "", "initial", "ew:draft"),
        ("translated", "Done", "translated", None),
        ("reviewed", "Done", "reviewed", None),
        ("final", "Done", "final", None),
    ],
)
def test_each_state_maps_both_ways(
    tmp_path: Path, schema: etree.XMLSchema, state: str, target: str, xliff_state: str, sub_state: str | None
) -> None:
    segment = XliffSegment("lead#0", "Câu.", target, state)
    root = tree(export(tmp_path / "t.xlf", [segment]))
    element = one(root, "//x:segment")
    assert (element.get("state"), element.get("subState")) == (xliff_state, sub_state)
    assert schema.validate(root), schema.error_log
    assert read_xliff(tmp_path / "t.xlf").segments == (segment,)


@pytest.mark.parametrize(
    ("attributes", "target", "state"),
    [
        ('state="initial"', "", "new"),
        ('state="initial"', "Typed elsewhere.", "draft"),
        ("", "Typed elsewhere.", "draft"),  # state defaults to initial
        ('state="initial" subState="ew:new"', "Typed elsewhere.", "draft"),
        ('state="initial" subState="ew:draft"', "", "draft"),
        ('state="initial" subState="memoq:fuzzy"', "", "new"),
        ('state="translated" subState="ew:draft"', "Done.", "translated"),
        ('state="reviewed"', "Done.", "reviewed"),
        ('state="final"', "Done.", "final"),
    ],
)
def test_states_written_by_other_tools_map_back(attributes: str, target: str, state: str) -> None:
    data = minimal(target).replace(b'state="translated"', attributes.encode())
    (segment,) = parse_xliff(data).segments
    assert (segment.state, segment.target, segment.stale) == (state, target, False)


def test_empty_targets_are_left_out_while_initial_and_present_otherwise(exported: Path) -> None:
    root = tree(exported)
    assert root.xpath("//x:segment[@id='lead_0']/x:target", namespaces=NS) == []
    final_empty = one(root, f"//x:segment[@id='{BLOCK2}_0']")
    assert final_empty.get("state") == "final"
    assert one(final_empty, "x:target").text is None


def test_stale_segment_is_initial_with_the_previous_source_in_a_note(exported: Path) -> None:
    root = tree(exported)
    sid = f"caption:{PICTURE}_0"
    segment = one(root, f"//x:segment[@id='{sid}']")
    assert (segment.get("state"), segment.get("subState")) == ("initial", "ew:stale")
    assert one(segment, "x:target").text == "Old caption translation."
    note = one(root, f"//x:unit[@id='caption:{PICTURE}']/x:notes/x:note")
    assert note.get("category") == "ew:stale"
    assert note.get(f"{{{xliff.EW_NS}}}segment") == sid
    assert note.text == "Source before the last edit: Chú thích cũ <có> & “ngoặc”."


def test_stale_segment_confirmed_in_the_other_tool_is_no_longer_stale(exported: Path) -> None:
    text = exported.read_text(encoding="utf-8")
    text = text.replace('state="initial" subState="ew:stale"', 'state="translated"')
    text = text.replace("Old caption translation.", "New caption translation.")
    (segment,) = [s for s in parse_xliff(text.encode()).segments if s.address == f"caption:{PICTURE}#0"]
    assert segment == XliffSegment(f"caption:{PICTURE}#0", "Chú thích mới.", "New caption translation.", "translated")


def test_stale_segment_whose_note_was_dropped_stays_stale(exported: Path) -> None:
    text = exported.read_text(encoding="utf-8")
    text = re.sub(r"<note [^>]*category=\"ew:stale\".*?</note>", "<note>kept by the tool</note>", text, flags=re.S)
    (segment,) = [s for s in parse_xliff(text.encode()).segments if s.address == f"caption:{PICTURE}#0"]
    assert segment.stale and segment.stale_source == ""
    assert segment.state == SegmentState.DRAFT


def test_comments_are_unit_notes_pointing_at_their_segment(exported: Path) -> None:
    root = tree(exported)
    notes = root.xpath("//x:unit[@id='lead']/x:notes/x:note", namespaces=NS)
    assert [(n.get("id"), n.get("category"), n.get(f"{{{xliff.EW_NS}}}segment")) for n in notes] == [
        ("n1", "comment", "lead_1"),
        ("n2", "comment", "lead_1"),
    ]
    assert notes[0].text == "Lan (2024-05-01 09:30, accepted): use “promotes”"


def test_characters_xml_cannot_hold_become_cp_and_come_back(exported: Path) -> None:
    root = tree(exported)
    source = one(root, f"//x:segment[@id='alt:{PICTURE}_0']/x:source")
    assert [cp.get("hex") for cp in source.xpath("x:cp", namespaces=NS)] == ["000B", "0001"]
    assert source.text == "Ảnh"
    (segment,) = [s for s in read_xliff(exported).segments if s.address == f"alt:{PICTURE}#0"]
    assert segment.source == "Ảnh\x0bcó ký tự điều khiển\x01"


def test_control_characters_in_notes_become_replacement_characters(tmp_path: Path, schema: etree.XMLSchema) -> None:
    segment = XliffSegment("lead#0", "a\x00b", "c\x1fd", "draft", notes=("bad\x07bell",), stale_source="x\x08y")
    root = tree(export(tmp_path / "t.xlf", [segment]))
    assert schema.validate(root), schema.error_log
    (back,) = read_xliff(tmp_path / "t.xlf").segments
    assert (back.source, back.target) == ("a\x00b", "c\x1fd")
    assert back.notes == ("bad\ufffdbell",)
    assert back.stale_source == "x\ufffdy"


def test_whitespace_is_preserved_where_it_matters(exported: Path) -> None:
    root = tree(exported)
    assert one(root, "//x:segment[@id='lead_0']/x:source").get(XML_SPACE) == "preserve"
    assert one(root, "//x:segment[@id='lead_1']/x:target").get(XML_SPACE) == "preserve"
    assert one(root, f"//x:segment[@id='{BLOCK}_1']/x:source").get(XML_SPACE) == "preserve"
    assert one(root, "//x:segment[@id='headline_0']/x:source").get(XML_SPACE) is None
    assert one(root, "//x:segment[@id='lead_0']/x:source").text == "  Câu đầu tiên. "


def test_carriage_returns_survive(tmp_path: Path) -> None:
    segment = XliffSegment("lead#0", "a\r\nb\rc", "d\re", "draft")
    export(tmp_path / "t.xlf", [segment])
    assert read_xliff(tmp_path / "t.xlf").segments == (segment,)


def test_ids_decode_back_to_any_address(tmp_path: Path, schema: etree.XMLSchema) -> None:
    odd = ["headline#0", "odd part_with #hash/ and ñ#12", "x.y#3", "caption:a:b#0", "a#b#0"]
    for address in odd:
        assert NMTOKEN.fullmatch(segment_id(address)), address
        assert address_of(segment_id(address)) == address
    segments = [XliffSegment(address, f"source {n}") for n, address in enumerate(odd)]
    root = tree(export(tmp_path / "t.xlf", segments))
    assert schema.validate(root), schema.error_log
    assert [s.address for s in read_xliff(tmp_path / "t.xlf").segments] == odd


def test_ids_from_other_tools_stay_as_they_are() -> None:
    assert address_of("tu1.2") == "tu1.2"
    assert address_of("1") == "1"


def test_cjk_target_languages(tmp_path: Path, schema: etree.XMLSchema) -> None:
    for language, target in (
        ("zh", "岘港在韩国推广旅游"),
        ("ja", "ダナン、韓国で観光をPR"),
        ("ko", "다낭, 한국서 관광 홍보"),
    ):
        segment = XliffSegment("headline#0", "Đà Nẵng quảng bá du lịch tại Hàn Quốc", target, "translated")
        path = export(tmp_path / f"{language}.xlf", [segment], target_language=language)
        assert schema.validate(tree(path)), schema.error_log
        document = read_xliff(path)
        assert (document.target_language, document.segments) == (language, (segment,))


# --- writing safely -------------------------------------------------------------------------------


def test_write_replaces_the_file_and_leaves_no_temporary_files(tmp_path: Path) -> None:
    out = tmp_path / "t.xlf"
    out.write_text("old", encoding="utf-8")
    export(out, sample())
    assert read_xliff(out).segments == tuple(sample())
    assert sorted(path.name for path in tmp_path.iterdir()) == ["t.xlf"]


def test_failed_write_keeps_the_old_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    out = tmp_path / "t.xlf"
    out.write_text("old", encoding="utf-8")

    def broken_replace(source: str, target: str) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "replace", broken_replace)
    with pytest.raises(EnvironmentFailure, match=r"cannot write .*t\.xlf: No space left on device"):
        export(out, sample())
    assert out.read_text(encoding="utf-8") == "old"
    assert sorted(path.name for path in tmp_path.iterdir()) == ["t.xlf"]


def test_write_to_a_missing_folder_is_refused(tmp_path: Path) -> None:
    with pytest.raises(BadInput, match="does not exist"):
        export(tmp_path / "nowhere" / "t.xlf", sample())


@pytest.mark.parametrize(
    ("segments", "message"),
    [
        ([XliffSegment("lead#0", "a"), XliffSegment("lead#0", "b")], "appears twice"),
        ([XliffSegment("lead", "a")], "is not <part>#<n>"),
        ([XliffSegment("lead#0", "a", state="approved")], "unknown state"),
    ],
)
def test_impossible_inputs_are_programming_errors(tmp_path: Path, segments: list[XliffSegment], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        export(tmp_path / "t.xlf", segments)
    assert not (tmp_path / "t.xlf").exists()


def test_nothing_to_export_is_refused(tmp_path: Path) -> None:
    with pytest.raises(Refused, match="no sentences to export"):
        export(tmp_path / "t.xlf", [])


def test_bad_language_tag_is_refused(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="not a language tag"):
        export(tmp_path / "t.xlf", sample(), target_language="en us")


# --- checking against the translation -------------------------------------------------------------


def check(document: XliffDocument, current: list[XliffSegment], **overrides: str) -> list[str]:
    arguments = {"translation_id": TRANSLATION, "source_language": "vi", "target_language": "en"} | overrides
    return check_against(document, current, **arguments)


def test_a_file_that_fits_has_no_problems(exported: Path) -> None:
    assert check(read_xliff(exported), sample()) == []


def test_languages_compare_case_insensitively(exported: Path) -> None:
    assert check(read_xliff(exported), sample(), source_language="VI", target_language="EN") == []


def test_changed_source_is_reported_quoting_both(exported: Path) -> None:
    current = [replace(s, source="Câu thứ hai đã sửa.") if s.address == "lead#1" else s for s in sample()]
    assert check(read_xliff(exported), current) == [
        "segment lead_1 (sentence 2 of the lead): the source text differs from character 12: "
        "the file has “Câu thứ hai.”, the translation has “Câu thứ hai đã sửa.”"
    ]


def test_long_changed_sources_are_shortened_around_the_difference(tmp_path: Path) -> None:
    before = "Một câu rất dài " * 10 + "kết thúc ở đây."
    after = "Một câu rất dài " * 10 + "kết thúc ở chỗ khác."
    export(tmp_path / "t.xlf", [XliffSegment("lead#0", before)])
    (problem,) = check(read_xliff(tmp_path / "t.xlf"), [XliffSegment("lead#0", after)])
    assert problem.startswith("segment lead_0 (sentence 1 of the lead): the source text differs from character 172")
    assert "…" in problem and "kết thúc ở đây." in problem and "kết thúc ở chỗ khác." in problem
    assert len(problem) < 260


def test_unicode_normal_forms_do_not_count_as_changes(exported: Path) -> None:
    import unicodedata

    current = [replace(s, source=unicodedata.normalize("NFD", s.source)) for s in sample()]
    assert check(read_xliff(exported), current) == []


def test_unknown_and_missing_segments_are_reported(exported: Path) -> None:
    current = [s for s in sample() if s.address != "lead#1"] + [XliffSegment(f"{BLOCK}#9", "Câu mới thêm.")]
    assert check(read_xliff(exported), current) == [
        "segment lead_1 (sentence 2 of the lead) (“Câu thứ hai.”) is not in this translation",
        f"segment {BLOCK}_9 (sentence 10 of a body block) (“Câu mới thêm.”) is missing from the file",
    ]
    labelled = check_against(
        read_xliff(exported),
        current,
        translation_id=TRANSLATION,
        source_language="vi",
        target_language="en",
        part_labels={BLOCK: "paragraph 1"},
    )
    assert labelled[-1] == f"segment {BLOCK}_9 (sentence 10 of paragraph 1) (“Câu mới thêm.”) is missing from the file"


def test_ids_from_other_tools_are_reported_as_they_are() -> None:
    data = minimal().replace(b'id="lead_0"', b'id="tu1.2"')
    problems = check(parse_xliff(data), [XliffSegment("lead#0", "Câu.")])
    assert problems == [
        "segment tu1.2 (“Câu.”) is not in this translation",
        "segment lead_0 (sentence 1 of the lead) (“Câu.”) is missing from the file",
    ]


def test_another_translation_and_other_languages_are_reported(exported: Path) -> None:
    problems = check(read_xliff(exported), sample(), translation_id="other-id", target_language="zh")
    assert problems == [
        f"the file belongs to another translation ({TRANSLATION}), not this one (other-id)",
        "the file translates vi → en, this translation is vi → zh",
    ]


def test_a_file_without_translation_id_is_reported(exported: Path) -> None:
    text = exported.read_text(encoding="utf-8").replace(f' original="urn:uuid:{TRANSLATION}"', "")
    assert check(parse_xliff(text.encode()), sample()) == [
        'the file does not say which translation it belongs to (no original="urn:uuid:…")'
    ]


def test_every_mismatch_is_listed_at_once(exported: Path) -> None:
    current = [replace(s, source=s.source + "!") for s in sample()[:2]] + [XliffSegment("lead#5", "x")]
    problems = check(read_xliff(exported), current, translation_id="x", source_language="en")
    assert len(problems) == 2 + 2 + (len(sample()) - 2) + 1


# --- hostile, broken and foreign files ------------------------------------------------------------

MINIMAL = """<xliff xmlns="urn:oasis:names:tc:xliff:document:2.0" version="2.1" srcLang="vi" trgLang="en">
<file id="f1" original="urn:uuid:{id}"><unit id="lead"><segment id="lead_0" state="translated">
<source>Câu.</source><target>{target}</target></segment></unit></file></xliff>"""


def minimal(target: str = "Sentence.", prolog: str = "") -> bytes:
    return (prolog + MINIMAL.format(id=TRANSLATION, target=target)).encode("utf-8")


BILLION_LAUGHS = """<?xml version="1.0"?>
<!DOCTYPE xliff [
 <!ENTITY lol "lol">
 <!ENTITY lol1 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol2 "&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
 <!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
 <!ENTITY lol5 "&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;">
 <!ENTITY lol6 "&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;">
 <!ENTITY lol7 "&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;">
 <!ENTITY lol8 "&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;">
 <!ENTITY lol9 "&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;">
]>
"""

HOSTILE = {
    "billion laughs": (
        minimal("&lol9;", BILLION_LAUGHS),
        r"^laughs\.xlf declares entities \(<!ENTITY lol …>\), which is not allowed",
    ),
    "external entity": (
        minimal("&xxe;", '<!DOCTYPE xliff [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>'),
        r"^xxe\.xlf declares entities \(<!ENTITY xxe …>\), which is not allowed",
    ),
    "external parameter entity": (
        minimal(prolog='<!DOCTYPE xliff [<!ENTITY % dtd SYSTEM "http://example.invalid/x.dtd"> %dtd;]>'),
        r"^pe\.xlf declares entities \(<!ENTITY dtd …>\)",
    ),
    "internal subset without entities": (
        minimal(prolog='<!DOCTYPE xliff [<!ATTLIST segment state CDATA "final">]>'),
        r"^subset\.xlf has a DOCTYPE with an internal subset \(declarations inside \[ \]\), which is not allowed",
    ),
    "undefined entity": (minimal("&nbsp;"), r"^undefined\.xlf is not well-formed XML \(undefined entity"),
    "truncated": (minimal()[:-40], r"^truncated\.xlf is not well-formed XML \(.*\); it may be truncated or damaged$"),
    "not XML": (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", r"^png\.xlf is not an XML file, so it is not XLIFF$"),
    "plain text": ("Đây là văn bản thường.".encode(), r"^text\.xlf is not an XML file, so it is not XLIFF$"),
    "empty": (b"  \n", r"^empty\.xlf is empty; it is not an XLIFF file$"),
    "XLIFF 1.2": (
        b'<?xml version="1.0"?><xliff version="1.2" xmlns="urn:oasis:names:tc:xliff:document:1.2">'
        b'<file original="a" source-language="vi" target-language="en" datatype="plaintext"><body>'
        b'<trans-unit id="1"><source>a</source></trans-unit></body></file></xliff>',
        r"^old\.xlf is XLIFF 1\.2; version 1\.2 is not supported: export XLIFF 2 \(2\.1 or 2\.0\) from your CAT tool$",
    ),
    "XLIFF 2.2": (
        minimal().replace(b"document:2.0", b"document:2.2").replace(b'version="2.1"', b'version="2.2"'),
        r"^new\.xlf is XLIFF 2\.2, which is not supported yet",
    ),
    "wrong root": (
        b'<?xml version="1.0"?><!DOCTYPE tmx SYSTEM "tmx14.dtd"><tmx version="1.4"><header/><body/></tmx>',
        r"^memory\.xlf is not an XLIFF file: its root element is <tmx>, not <xliff>$",
    ),
    "wrong namespace": (
        minimal().replace(b"urn:oasis:names:tc:xliff:document:2.0", b"urn:example:xliff"),
        r"^ns\.xlf is not an XLIFF 2 file: its <xliff> element is in urn:example:xliff",
    ),
    "wrong version": (minimal().replace(b'version="2.1"', b'version="3.0"'), r"only 2\.0 and 2\.1 can be read$"),
    "no target language": (minimal().replace(b' trgLang="en"', b""), r"does not give its target language \(trgLang\)"),
    "no source language": (minimal().replace(b' srcLang="vi"', b""), r"does not give its source language \(srcLang\)"),
    "two files": (
        minimal().replace(b"</file>", b'</file><file id="f2"><unit id="u"><segment><source/></segment></unit></file>'),
        r"holds 2 <file> elements; the XLIFF of one translation holds exactly one$",
    ),
    "duplicate segment ids": (
        minimal().replace(b"</unit>", b'</unit><unit id="lead2"><segment id="lead_0"><source/></segment></unit>'),
        r"the segment id 'lead_0' appears twice \(units 'lead' and 'lead2'\)$",
    ),
    "duplicate unit ids": (
        minimal().replace(b"</unit>", b'</unit><unit id="lead"><segment id="lead_1"><source/></segment></unit>'),
        r"the unit id 'lead' appears twice$",
    ),
    "segment without id": (
        minimal().replace(b'<segment id="lead_0"', b"<segment"),
        r"segment 1 of unit 'lead' has no id, so it cannot be matched to a sentence",
    ),
    "invalid id": (
        minimal().replace(b'id="lead_0"', b'id="lead#0"'),
        r"the segment id 'lead#0' is not a valid XLIFF id$",
    ),
    "bad state": (minimal().replace(b'state="translated"', b'state="signed-off"'), r"unknown state 'signed-off'$"),
    "bad code point": (minimal('a<cp hex="zz"/>'), r"has <cp hex='zz'>, which is not a code point$"),
    "deep nesting": (
        minimal("<mrk id='m'>" * 70 + "x" + "</mrk>" * 70),
        r"has elements nested more than 64 deep, too many for the XLIFF of one article$",
    ),
    "unreadable encoding": (
        b'<?xml version="1.0" encoding="Shift_JIS"?>' + minimal(),
        r"uses an encoding that cannot be read .*; save it as UTF-8$",
    ),
}
FILE_NAMES = {
    "billion laughs": "laughs.xlf",
    "external entity": "xxe.xlf",
    "external parameter entity": "pe.xlf",
    "internal subset without entities": "subset.xlf",
    "undefined entity": "undefined.xlf",
    "truncated": "truncated.xlf",
    "not XML": "png.xlf",
    "plain text": "text.xlf",
    "empty": "empty.xlf",
    "XLIFF 1.2": "old.xlf",
    "XLIFF 2.2": "new.xlf",
    "wrong root": "memory.xlf",
    "wrong namespace": "ns.xlf",
}


@pytest.mark.parametrize("case", sorted(HOSTILE))
def test_hostile_and_broken_files_are_refused_with_a_clear_message(tmp_path: Path, case: str) -> None:
    data, message = HOSTILE[case]
    path = tmp_path / FILE_NAMES.get(case, "file.xlf")
    path.write_bytes(data)
    before = {entry.name: entry.stat().st_mtime_ns for entry in tmp_path.iterdir()}
    with pytest.raises(BadInput) as caught:
        read_xliff(path)
    assert re.search(message, str(caught.value)), str(caught.value)
    assert path.name in str(caught.value)
    assert {entry.name: entry.stat().st_mtime_ns for entry in tmp_path.iterdir()} == before


def test_external_dtd_alone_is_accepted_and_never_loaded(tmp_path: Path) -> None:
    # Were the DTD loaded, its default would turn the segment final and add an attribute.
    dtd = tmp_path / "evil.dtd"
    dtd.write_text('<!ATTLIST segment subState CDATA "ew:stale">', encoding="utf-8")
    path = tmp_path / "t.xlf"
    for system in (dtd.as_uri(), "http://example.invalid/xliff.dtd", "file:///etc/passwd"):
        path.write_bytes(minimal(prolog=f'<!DOCTYPE xliff SYSTEM "{system}">'))
        (segment,) = read_xliff(path).segments
        assert segment == XliffSegment("lead#0", "Câu.", "Sentence.", "translated")


def test_files_over_the_size_limit_are_refused_before_reading(tmp_path: Path) -> None:
    path = tmp_path / "huge.xlf"
    with path.open("wb") as stream:
        stream.truncate(xliff.MAX_FILE_BYTES + 1)  # sparse: no disk used, never read
    with pytest.raises(BadInput, match=r"^huge\.xlf is larger than 50 MB, too large for the XLIFF of one article"):
        read_xliff(path)


def test_the_size_limit_applies_to_bytes_too(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(xliff, "MAX_FILE_BYTES", 100)
    with pytest.raises(BadInput, match=r"^big\.xlf is larger than 0 MB"):
        parse_xliff(minimal(), "big.xlf")


def test_too_many_elements_are_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(xliff, "MAX_ELEMENTS", 5)
    with pytest.raises(BadInput, match="has more than 5 elements, too many"):
        parse_xliff(minimal(), "many.xlf")


def test_folders_and_missing_files_are_refused(tmp_path: Path) -> None:
    with pytest.raises(BadInput, match="is a folder, not an XLIFF file"):
        read_xliff(tmp_path)
    with pytest.raises(BadInput, match="the file does not exist"):
        read_xliff(tmp_path / "missing.xlf")


OKAPI_STYLE = f"""<?xml version="1.0" encoding="UTF-8"?>
<x:xliff xmlns:x="urn:oasis:names:tc:xliff:document:2.0" xmlns:mda="urn:oasis:names:tc:xliff:metadata:2.0"
    xmlns:okp="okapi-framework:xliff-extensions" version="2.0" srcLang="vi" trgLang="en-US">
  <x:file id="1" original="urn:uuid:{TRANSLATION}" okp:tool="Okapi">
    <x:notes><x:note id="1">Processed with Rainbow</x:note></x:notes>
    <x:group id="g1" name="article">
      <x:unit id="headline" name="headline" okp:extra="kept">
        <mda:metadata><mda:metaGroup><mda:meta type="tool">OmegaT</mda:meta></mda:metaGroup></mda:metadata>
        <x:notes>
          <x:note category="tool" priority="2">Check the place name</x:note>
        </x:notes>
        <x:segment id="headline_0" state="translated">
          <x:source>Đà Nẵng quảng bá du lịch tại Hàn Quốc</x:source>
          <x:target xml:lang="en-US">Da Nang promotes tourism in Korea</x:target>
        </x:segment>
      </x:unit>
      <x:unit id="lead">
        <x:segment id="lead_0">
          <x:source>Câu đầu tiên.</x:source>
          <x:target>First sentence.</x:target>
        </x:segment>
        <x:ignorable><x:source> </x:source></x:ignorable>
        <x:segment id="lead_1" state="initial" subState="okp:fuzzy">
          <x:source>Câu thứ hai.</x:source>
        </x:segment>
      </x:unit>
    </x:group>
  </x:file>
</x:xliff>
"""


HEADLINE = "Đà Nẵng quảng bá du lịch tại Hàn Quốc"


def test_a_file_from_another_tool_reads(tmp_path: Path) -> None:
    path = tmp_path / "okapi.xlf"
    path.write_text(OKAPI_STYLE, encoding="utf-8")
    document = read_xliff(path)
    assert (document.translation_id, document.source_id, document.title) == (TRANSLATION, "", "")
    assert (document.source_language, document.target_language) == ("vi", "en-US")
    assert document.segments == (
        XliffSegment(
            "headline#0", "Đà Nẵng quảng bá du lịch tại Hàn Quốc", "Da Nang promotes tourism in Korea", "translated"
        ),
        XliffSegment("lead#0", "Câu đầu tiên.", "First sentence.", "draft"),
        XliffSegment("lead#1", "Câu thứ hai.", "", "new"),
    )
    current = [
        XliffSegment("headline#0", "Đà Nẵng quảng bá du lịch tại Hàn Quốc"),
        XliffSegment("lead#0", "Câu đầu tiên."),
        XliffSegment("lead#1", "Câu thứ hai."),
    ]
    assert check(document, current) == ["the file translates vi → en-US, this translation is vi → en"]
    assert check(document, current, target_language="en-us") == []


def test_inline_markup_from_other_tools_is_flattened_to_text() -> None:
    target = (
        'Da <mrk id="m1" type="term">Nang</mrk> <pc id="1">promotes</pc><ph id="2"/> tourism'
        '<cp hex="0001"/><sc id="3"/>!<ec startRef="3"/>'
    )
    (segment,) = parse_xliff(minimal(target)).segments
    assert segment.target == "Da Nang promotes tourism\x01!"


def test_a_utf16_file_reads() -> None:
    data = ('<?xml version="1.0" encoding="UTF-16"?>' + minimal().decode()).encode("utf-16")
    (segment,) = parse_xliff(data).segments
    assert segment.target == "Sentence."
