"""TBX-Basic: exact round trips, files written by hand in the standard's shapes (v2 and v3, DCA and DCT),
other tools reading ours, and hostile or foreign files refused with nothing read or imported."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from lxml import etree

from workstation.errors import BadInput
from workstation.storage.store import open_store
from workstation.translation import tbx
from workstation.translation.glossary import Glossary, TermPair
from workstation.translation.tbx import parse_tbx, read_tbx, render_tbx, write_tbx

MOFA = "Ministry of Foreign Affairs"

ENTRIES = [
    TermPair(
        "vi", "Bộ Ngoại giao", "en", MOFA, ("Foreign Ministry", "MOFA"), "Tên chính thức; dùng trong mọi văn bản",
        "01900000-0000-7000-8000-000000000001",
    ),
    TermPair(
        "vi", "Kết luận số 57-KL/TW", "en", "Conclusion No. 57-KL/TW", (), "", "01900000-0000-7000-8000-000000000002"
    ),
    TermPair(
        "en", "Provincial People's Committee", "vi", "Ủy ban nhân dân tỉnh", ("UBND tỉnh",), 'A & B <c> "d"\nline 2'
    ),
    TermPair("zh", "越南", "vi", "Việt Nam", ("Việt-nam",), "国名"),
    TermPair("ko", "베트남", "vi", "Việt Nam"),
    TermPair("ja", "ベトナム", "vi", "Việt Nam"),
]  # fmt: skip

# The shape of the TBX-Basic (v2) sample file: DOCTYPE, header with the XCS, concept-level subject field
# and definition group, term-level part of speech, term type, admin data, transactions and notes; an
# admitted synonym, a deprecated variant, and a French language set this workstation does not use.
HAND_WRITTEN_V2 = """<?xml version="1.0" encoding="UTF-8"?>
<!DOCTYPE martif SYSTEM "TBXBasiccoreStructV02.dtd">
<martif type="TBX-Basic-V1" xml:lang="en-US">
  <martifHeader>
    <fileDesc>
      <titleStmt><title>Official names</title></titleStmt>
      <sourceDesc><p>Ministry of Foreign Affairs terminology, 2024</p></sourceDesc>
    </fileDesc>
    <encodingDesc><p type="XCSURI">TBXBasicXCSV02.xcs</p></encodingDesc>
  </martifHeader>
  <text>
    <body>
      <termEntry id="c1">
        <descrip type="subjectField">diplomacy</descrip>
        <descripGrp>
          <descrip type="definition">The ministry in charge of foreign relations.</descrip>
          <admin type="source">Decree 81/2022</admin>
        </descripGrp>
        <langSet xml:lang="en-US">
          <tig>
            <term>Ministry of Foreign Affairs</term>
            <termNote type="termType">fullForm</termNote>
            <termNote type="partOfSpeech">noun</termNote>
            <termNote type="administrativeStatus">preferredTerm-admn-sts</termNote>
            <admin type="customerSubset">MOFA</admin>
            <transacGrp>
              <transac type="transactionType">origination</transac>
              <date>2024-05-01</date>
            </transacGrp>
          </tig>
        </langSet>
        <langSet xml:lang="vi-VN">
          <tig>
            <term>Bộ Ngoại giao</term>
            <termNote type="partOfSpeech">noun</termNote>
            <termNote type="administrativeStatus">preferredTerm-admn-sts</termNote>
            <note>Viết hoa chữ Bộ.</note>
          </tig>
          <tig>
            <term>BNG</term>
            <termNote type="termType">acronym</termNote>
            <termNote type="administrativeStatus">admittedTerm-admn-sts</termNote>
          </tig>
          <tig>
            <term>Bộ Ngoại vụ</term>
            <termNote type="administrativeStatus">deprecatedTerm-admn-sts</termNote>
          </tig>
        </langSet>
        <langSet xml:lang="fr">
          <tig><term>ministère des Affaires étrangères</term></tig>
        </langSet>
      </termEntry>
      <termEntry id="c2">
        <langSet xml:lang="en"><tig><term>Party</term></tig></langSet>
        <langSet xml:lang="zh-Hant"><tig><term>越南共產黨</term></tig></langSet>
      </termEntry>
      <termEntry id="c3">
        <langSet xml:lang="vi"><ntig><termGrp><term>Đảng</term></termGrp></ntig></langSet>
        <langSet xml:lang="en">
          <tig><term>Party</term></tig>
          <tig><term>party</term><termNote type="normativeAuthorization">supersededTerm</termNote></tig>
        </langSet>
      </termEntry>
    </body>
  </text>
</martif>
"""

HAND_WRITTEN_V3_DCA = """<?xml version="1.0" encoding="UTF-8"?>
<?xml-model href="TBXcoreStructV03_TBX-Basic_integrated.rng" type="application/xml"
  schematypens="http://relaxng.org/ns/structure/1.0"?>
<tbx type="TBX-Basic" style="dca" xml:lang="vi" xmlns="urn:iso:std:iso:30042:ed-2">
  <tbxHeader><fileDesc><sourceDesc><p>Sample</p></sourceDesc></fileDesc></tbxHeader>
  <text>
    <body>
      <conceptEntry id="c1">
        <descrip type="definition">Cơ quan hành chính nhà nước ở tỉnh.</descrip>
        <langSec xml:lang="vi">
          <termSec>
            <term>Ủy ban nhân dân tỉnh</term>
            <termNote type="administrativeStatus">preferredTerm-admn-sts</termNote>
          </termSec>
        </langSec>
        <langSec xml:lang="en">
          <termSec>
            <term>Provincial People's Committee</term>
            <termNote type="administrativeStatus">preferredTerm-admn-sts</termNote>
          </termSec>
          <termSec>
            <term>Province People Committee</term>
            <termNote type="administrativeStatus">deprecatedTerm-admn-sts</termNote>
          </termSec>
        </langSec>
        <langSec xml:lang="zh-CN">
          <termSec><term>省人民委员会</term></termSec>
        </langSec>
      </conceptEntry>
    </body>
  </text>
</tbx>
"""

HAND_WRITTEN_V3_DCT = """<?xml version="1.0" encoding="UTF-8"?>
<tbx type="TBX-Basic" style="dct" xml:lang="en" xmlns="urn:iso:std:iso:30042:ed-2"
     xmlns:basic="http://www.tbxinfo.net/ns/basic">
  <tbxHeader><fileDesc><sourceDesc><p>Sample</p></sourceDesc></fileDesc></tbxHeader>
  <text>
    <body>
      <conceptEntry id="c7">
        <basic:definition>The country.</basic:definition>
        <langSec xml:lang="ja">
          <termSec><term>ベトナム</term><basic:administrativeStatus>preferredTerm-admn-sts</basic:administrativeStatus></termSec>
        </langSec>
        <langSec xml:lang="vi">
          <termSec><term>Việt Nam</term></termSec>
          <termSec><term>Việt-nam</term><basic:administrativeStatus>deprecatedTerm-admn-sts</basic:administrativeStatus></termSec>
        </langSec>
      </conceptEntry>
    </body>
  </text>
</tbx>
"""


@pytest.fixture
def glossary(store_path: Path) -> Iterator[Glossary]:
    store = open_store(store_path)
    yield Glossary(store, lambda: datetime(2025, 3, 1, tzinfo=UTC))
    store.close()


def test_round_trip_is_exact(tmp_path: Path) -> None:
    path = tmp_path / "glossary.tbx"
    write_tbx(path, ENTRIES)
    assert read_tbx(path) == ENTRIES
    assert path.read_bytes().startswith(b"<?xml version='1.0' encoding='UTF-8'?>\n<!DOCTYPE martif SYSTEM")


def test_written_file_has_the_tbx_basic_shape(tmp_path: Path) -> None:
    root = etree.fromstring(render_tbx(ENTRIES[:1]))
    assert root.tag == "martif" and root.get("type") == "TBX-Basic"
    assert root.get("{http://www.w3.org/XML/1998/namespace}lang") == "vi"  # the commonest source language
    assert root.findtext("martifHeader/encodingDesc/p[@type='XCSURI']") == "TBXBasicXCSV02.xcs"
    [entry] = root.findall("text/body/termEntry")
    assert entry.get("id") == "ew-01900000-0000-7000-8000-000000000001"
    assert [child.tag for child in entry] == ["note", "langSet", "langSet"]
    statuses = [
        (tig.findtext("term"), tig.findtext("termNote[@type='administrativeStatus']")) for tig in entry.iter("tig")
    ]
    assert statuses == [
        ("Bộ Ngoại giao", "preferredTerm-admn-sts"),
        (MOFA, "preferredTerm-admn-sts"),
        ("Foreign Ministry", "deprecatedTerm-admn-sts"),
        ("MOFA", "deprecatedTerm-admn-sts"),
    ]
    assert render_tbx([], language="en").count(b"<termEntry") == 0


def test_the_translate_toolkit_reads_what_we_write() -> None:
    toolkit_tbx = pytest.importorskip("translate.storage.tbx")
    store = toolkit_tbx.tbxfile.parsestring(render_tbx(ENTRIES[:4]))
    assert [(unit.source, unit.target) for unit in store.units] == [
        ("Bộ Ngoại giao", MOFA),
        ("Kết luận số 57-KL/TW", "Conclusion No. 57-KL/TW"),
        ("Provincial People's Committee", "Ủy ban nhân dân tỉnh"),
        ("越南", "Việt Nam"),
    ]


def test_a_hand_written_tbx_basic_v2_file() -> None:
    pairs = parse_tbx(HAND_WRITTEN_V2.encode(), "mofa.tbx")
    definition = "The ministry in charge of foreign relations."
    assert pairs == [
        TermPair("en", MOFA, "vi", "Bộ Ngoại giao", ("Bộ Ngoại vụ",), f"{definition}\nViết hoa chữ Bộ."),
        TermPair("en", MOFA, "vi", "BNG", ("Bộ Ngoại vụ",), definition),
        # c2: Traditional Chinese is not zh, so one language only: nothing
        TermPair("vi", "Đảng", "en", "Party", (), ""),  # "party" only differs in case: matching ignores it
    ]


def test_hand_written_tbx_v3_files_dca_and_dct() -> None:
    assert parse_tbx(HAND_WRITTEN_V3_DCA.encode()) == [
        TermPair(
            "vi",
            "Ủy ban nhân dân tỉnh",
            "en",
            "Provincial People's Committee",
            ("Province People Committee",),
            "Cơ quan hành chính nhà nước ở tỉnh.",
        ),
        TermPair("vi", "Ủy ban nhân dân tỉnh", "zh", "省人民委员会", (), "Cơ quan hành chính nhà nước ở tỉnh."),
    ]
    assert parse_tbx(HAND_WRITTEN_V3_DCT.encode()) == [
        TermPair("ja", "ベトナム", "vi", "Việt Nam", ("Việt-nam",), "The country.")
    ]


def test_utf16_and_nfd_files_are_read_as_nfc() -> None:
    import unicodedata

    text = unicodedata.normalize("NFD", HAND_WRITTEN_V3_DCA).replace('encoding="UTF-8"', 'encoding="UTF-16"')
    pairs = parse_tbx(text.encode("utf-16"))
    assert pairs[0].source_term == "Ủy ban nhân dân tỉnh" and unicodedata.is_normalized("NFC", pairs[0].note)


def test_import_and_export_through_the_glossary(glossary: Glossary, tmp_path: Path) -> None:
    path = tmp_path / "in.tbx"
    path.write_text(HAND_WRITTEN_V2, encoding="utf-8")
    result = glossary.import_file(path)
    assert (result.added, result.known) == (3, 0)
    assert {entry.origin for entry in glossary.entries()} == {"import"}
    hits = glossary.hits("Bộ Ngoại giao và BNG", "vi", "en")
    assert [hit.target_terms for hit in hits] == [[MOFA], [MOFA]]  # reverse use of en→vi entries
    assert glossary.import_file(path).known == 3

    out = tmp_path / "out.tbx"
    assert glossary.export_file(out, "en", "vi") == 2
    assert [(p.source_term, p.target_term) for p in read_tbx(out)] == [(MOFA, "BNG"), (MOFA, "Bộ Ngoại giao")]
    assert {p.id for p in read_tbx(out)} == {entry.id for entry in glossary.entries("en", "vi")}


BILLION_LAUGHS = b"""<?xml version="1.0"?>
<!DOCTYPE martif [
  <!ENTITY a "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa">
  <!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">
  <!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;">
]>
<martif type="TBX-Basic"><text><body><termEntry><note>&c;</note></termEntry></body></text></martif>"""


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (BILLION_LAUGHS, r"declares entities \(<!ENTITY a …>\)"),
        (b'<?xml version="1.0"?><!DOCTYPE martif [<!ELEMENT martif ANY>]><martif/>', "internal subset"),
        (b'<!DOCTYPE martif SYSTEM "x.dtd"><martif><text>&ext;</text></martif>', "refers to the entity &ext;"),
        (b"<martif><text>&undeclared;</text></martif>", "not well-formed"),
        (b"<html><body/></html>", "not a TBX file: its root element is <html>"),
        (b"<martif><text>", "not well-formed"),
        (b"", "is empty"),
        (b"source,target\n", "not well-formed"),
        (b"<a>" * 100 + b"</a>" * 100, "nested more than 64 deep"),
    ],
)
def test_hostile_or_foreign_files_are_refused(data: bytes, message: str) -> None:
    with pytest.raises(BadInput, match=message):
        parse_tbx(data, "evil.tbx")


def test_the_external_dtd_is_never_read(tmp_path: Path) -> None:
    # An undeclared entity in an attribute makes libxml2 go and read the external DTD to look for it,
    # even with load_dtd=False; the parser used here never opens it.
    secret = tmp_path / "secret.dtd"
    secret.write_text('<!ENTITY leak "TOP-SECRET">', encoding="utf-8")
    document = f"""<!DOCTYPE martif SYSTEM "{secret.as_uri()}">
<martif xml:lang="vi"><text><body><termEntry id="&leak;">
<langSet xml:lang="vi"><tig><term>Bộ</term></tig></langSet>
<langSet xml:lang="en"><tig><term>Ministry</term></tig></langSet>
</termEntry></body></text></martif>"""
    assert parse_tbx(document.encode()) == [TermPair("vi", "Bộ", "en", "Ministry")]
    root = tbx._parse(document.encode(), "evil.tbx")
    assert root.find(".//termEntry").get("id") == ""  # never "TOP-SECRET": the DTD was not read


def test_a_bad_entry_names_itself_and_nothing_is_imported(glossary: Glossary, tmp_path: Path) -> None:
    def entry(number: int, term: str) -> str:
        return (
            f'<termEntry id="c{number}"><langSet xml:lang="vi"><tig><term>{term}</term></tig></langSet>'
            f'<langSet xml:lang="en"><tig><term>term {number}</term></tig></langSet></termEntry>'
        )

    path = tmp_path / "bad.tbx"
    body = entry(1, "Bộ") + entry(2, "Đảng") + entry(3, "x" * 400)
    path.write_text(f"<martif><text><body>{body}</body></text></martif>", encoding="utf-8")
    with pytest.raises(BadInput, match=r"bad.tbx, entry 3 \(id c3\): the term “x{40}…” is longer than 300"):
        glossary.import_file(path)
    assert glossary.count() == 0


def test_too_large_files_are_refused_before_reading(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(tbx, "MAX_FILE_BYTES", 100)
    path = tmp_path / "big.tbx"
    path.write_bytes(b"<martif>" + b" " * 200 + b"</martif>")
    with pytest.raises(BadInput, match="larger than"):
        read_tbx(path)


def test_writing_is_atomic(tmp_path: Path) -> None:
    path = tmp_path / "glossary.tbx"
    path.write_text("old", encoding="utf-8")
    write_tbx(path, ENTRIES)
    assert read_tbx(path) == ENTRIES
    assert [p.name for p in tmp_path.iterdir()] == ["glossary.tbx"]  # no temporary file left
    with pytest.raises(BadInput, match="does not exist"):
        write_tbx(tmp_path / "missing" / "g.tbx", ENTRIES)
    with pytest.raises(BadInput, match="is a folder"):
        write_tbx(tmp_path, ENTRIES)
