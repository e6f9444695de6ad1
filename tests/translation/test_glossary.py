"""The glossary service: entries in the store, hits in source texts (longest match, case and NFD tolerance,
diacritics respected, CJK substrings, tags, both directions), forbidden variants in targets, merging."""

from __future__ import annotations

import random
import time
import unicodedata
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from workstation.errors import BadInput, NotFound, Refused
from workstation.storage.store import Store, open_store
from workstation.translation import glossary as glossary_module
from workstation.translation.glossary import Glossary, GlossaryChange, TermPair, language_code, term_key
from workstation.translation.tags import strip_tags

MOFA = "Ministry of Foreign Affairs"


class Clock:
    def __init__(self) -> None:
        self.now = datetime(2025, 3, 1, 8, 0, tzinfo=UTC)

    def __call__(self) -> datetime:
        self.now += timedelta(seconds=1)
        return self.now


@pytest.fixture
def store(store_path: Path) -> Iterator[Store]:
    opened = open_store(store_path)
    yield opened
    opened.close()


@pytest.fixture
def glossary(store: Store) -> Glossary:
    return Glossary(store, Clock(), station_id="station-1")


@pytest.fixture
def official(glossary: Glossary) -> Glossary:
    """The issue's examples, plus shorter terms inside longer ones."""
    glossary.add("vi", "Bộ Ngoại giao", "en", MOFA, ["Foreign Ministry", "Foreign Affairs"], "Tên chính thức")
    glossary.add("vi", "Bộ", "en", "Ministry")
    glossary.add("vi", "Kết luận số 57-KL/TW", "en", "Conclusion No. 57-KL/TW")
    glossary.add("vi", "Ủy ban nhân dân tỉnh", "en", "Provincial People's Committee")
    glossary.add("vi", "Ủy ban nhân dân", "en", "People's Committee")
    glossary.add("vi", "Đảng", "en", "Party")
    glossary.add("zh", "越南", "vi", "Việt Nam")
    glossary.add("ko", "베트남", "vi", "Việt Nam")
    glossary.add("ja", "ベトナム", "vi", "Việt Nam")
    return glossary


def found(glossary: Glossary, text: str, source: str = "vi", target: str = "en") -> list[tuple[str, str]]:
    """(text as it appears, first approved translation) of each hit."""
    return [(text[hit.start : hit.end], hit.target_terms[0]) for hit in glossary.hits(text, source, target)]


# --- entries ------------------------------------------------------------------------------------


def test_add_stores_a_clean_entry_and_lists_it(glossary: Glossary) -> None:
    nfd = unicodedata.normalize("NFD", "  Bộ   Ngoại giao ")
    entry = glossary.add(
        "vi-VN", nfd, "EN", MOFA, ["Foreign Ministry", " Foreign Ministry ", ""], " Tên chính thức\r\n"
    )
    assert entry.source_term == "Bộ Ngoại giao" and unicodedata.is_normalized("NFC", entry.source_term)
    assert (entry.source_language, entry.target_language) == ("vi", "en")
    assert entry.forbidden == ("Foreign Ministry",)
    assert entry.note == "Tên chính thức"
    assert entry.origin == "local" and entry.version == 1 and entry.station_id == "station-1"
    assert entry.created_at == entry.updated_at == "2025-03-01T08:00:01.000Z"
    assert glossary.entries() == [entry] == glossary.entries("vi", "en") == glossary.entries(target_lang="en")
    assert glossary.entries("en", "vi") == [] and glossary.entry(entry.id) == entry
    assert len(entry.id) == 36 and entry.id[14] == "7"  # a UUIDv7


def test_the_same_terms_are_refused_in_either_direction_and_any_case(glossary: Glossary) -> None:
    entry = glossary.add("vi", "Bộ Ngoại giao", "en", MOFA)
    for source, term, target, translation in (
        ("vi", "BỘ NGOẠI GIAO", "en", MOFA.lower()),
        ("en", MOFA, "vi", "Bộ Ngoại giao"),
    ):
        with pytest.raises(Refused, match=entry.id):
            glossary.add(source, term, target, translation)
    glossary.add("vi", "Bộ Ngoại giao", "en", "MOFA")  # another translation of the same term is a new entry
    assert glossary.count() == 2


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        (("fr", "Bonjour", "vi", "Xin chào"), "“fr” is not a language"),
        (("zh-TW", "越南", "vi", "Việt Nam"), "“zh-TW” is not a language"),
        (("vi", "Bộ", "vi", "Bộ"), "both vi"),
        (("vi", "  ", "en", "Ministry"), "source term is empty"),
        (("vi", "Bộ", "en", ""), "target term for “Bộ” is empty"),
        (("vi", "Bộ\x07", "en", "Ministry"), "control character"),
        (("vi", "x" * 301, "en", "y"), "longer than 300"),
    ],
)
def test_unusable_entries_are_refused(glossary: Glossary, arguments: tuple[str, ...], message: str) -> None:
    with pytest.raises(BadInput, match=message):
        glossary.add(*arguments)
    assert glossary.count() == 0


def test_a_forbidden_variant_cannot_be_the_target_term(glossary: Glossary) -> None:
    with pytest.raises(BadInput, match="both the target term and a forbidden variant"):
        glossary.add("vi", "Bộ Ngoại giao", "en", MOFA, forbidden=["ministry of foreign affairs"])


def test_update_changes_fields_and_version_delete_removes(glossary: Glossary) -> None:
    entry = glossary.add("vi", "Bộ Ngoại giao", "en", "Foreign Ministry")
    other = glossary.add("vi", "Bộ Quốc phòng", "en", "Ministry of National Defence")
    updated = glossary.update(entry.id, target_term=MOFA, forbidden=["Foreign Ministry"], note="chính thức")
    assert (updated.target_term, updated.forbidden, updated.note) == (MOFA, ("Foreign Ministry",), "chính thức")
    assert updated.version == 2 and updated.updated_at > entry.updated_at and updated.created_at == entry.created_at
    with pytest.raises(Refused, match="already in the glossary"):
        glossary.update(other.id, source_term="Bộ Ngoại giao", target_term=MOFA)
    assert glossary.entry(other.id) == other
    glossary.delete(entry.id)
    assert [e.id for e in glossary.entries()] == [other.id]
    with pytest.raises(NotFound):
        glossary.delete(entry.id)
    with pytest.raises(NotFound):
        glossary.update(entry.id, note="x")


def test_language_codes() -> None:
    assert [language_code(tag) for tag in ("vi-VN", "EN-us", "zh-CN", "zh-Hans", "zh_SG", "ko", "ja-JP")] == [
        "vi",
        "en",
        "zh",
        "zh",
        "zh",
        "ko",
        "ja",
    ]
    assert [language_code(tag) for tag in ("zh-Hant", "zh-TW", "zh-HK", "fr", "", "v", "vi VN")] == [None] * 7


# --- hits ---------------------------------------------------------------------------------------


def test_the_issue_examples_are_found_with_their_translations(official: Glossary) -> None:
    text = "Bộ Ngoại giao phối hợp với Ủy ban nhân dân tỉnh triển khai Kết luận số 57-KL/TW của Bộ Chính trị."
    assert found(official, text) == [
        ("Bộ Ngoại giao", MOFA),
        ("Ủy ban nhân dân tỉnh", "Provincial People's Committee"),
        ("Kết luận số 57-KL/TW", "Conclusion No. 57-KL/TW"),
        ("Bộ", "Ministry"),
    ]
    first = official.hits(text, "vi", "en")[0]
    assert first.source_term == "Bộ Ngoại giao"
    assert first.forbidden == ["Foreign Ministry", "Foreign Affairs"] and first.note == "Tên chính thức"
    assert len(first.entry_ids) == 1 and (first.plain_start, first.plain_end) == (first.start, first.end)


def test_the_longest_match_wins_where_hits_overlap(glossary: Glossary) -> None:
    glossary.add("vi", "Ủy ban nhân dân", "en", "People's Committee")
    glossary.add("vi", "nhân dân tỉnh Hà Nam", "en", "people of Ha Nam province")
    glossary.add("vi", "Hà Nam", "en", "Ha Nam")
    text = "Ủy ban nhân dân tỉnh Hà Nam họp. Ủy ban nhân dân huyện họp."
    assert found(glossary, text) == [
        ("nhân dân tỉnh Hà Nam", "people of Ha Nam province"),
        ("Ủy ban nhân dân", "People's Committee"),
    ]


def test_case_nfd_and_typographic_apostrophes_are_tolerated(official: Glossary) -> None:
    assert found(official, "BỘ NGOẠI GIAO và ủy ban nhân dân tỉnh") == [
        ("BỘ NGOẠI GIAO", MOFA),
        ("ủy ban nhân dân tỉnh", "Provincial People's Committee"),
    ]
    nfd = unicodedata.normalize("NFD", "Hôm nay, Bộ Ngoại giao và Đảng")
    in_nfd = [
        (unicodedata.normalize("NFD", term), translation)
        for term, translation in (("Bộ Ngoại giao", MOFA), ("Đảng", "Party"))
    ]
    assert found(official, nfd) == in_nfd  # offsets in the NFD text
    assert found(official, "The Provincial People’s Committee met", "en", "vi") == [
        ("Provincial People’s Committee", "Ủy ban nhân dân tỉnh")
    ]


def test_vietnamese_diacritics_and_word_boundaries_are_respected(official: Glossary) -> None:
    assert found(official, "Họ đang làm việc, không phải Dang hay Đang.") == []
    assert found(official, "Đảng viên") == [("Đảng", "Party")]
    assert found(official, "Bột mì, Bổ sung, Bọ") == []  # "Bộ" is not a part of a word, nor "Bổ" or "Bọ"
    assert found(official, "Ủy ban nhân dân tỉnhx") == [("Ủy ban nhân dân", "People's Committee")]


def test_cjk_terms_match_as_substrings(official: Glossary) -> None:
    assert found(official, "越南人民和中国人民", "zh", "vi") == [("越南", "Việt Nam")]
    assert found(official, "베트남의 수도는 하노이", "ko", "vi") == [("베트남", "Việt Nam")]
    assert found(official, "ベトナム政府は", "ja", "vi") == [("ベトナム", "Việt Nam")]
    assert found(official, "越南人民", "ja", "vi") == []  # a zh→vi entry is not a Japanese one


def test_latin_terms_in_cjk_text_keep_their_word_boundaries(glossary: Glossary) -> None:
    glossary.add("zh", "APEC峰会", "vi", "Hội nghị cấp cao APEC")
    glossary.add("zh", "APEC", "vi", "APEC")
    assert found(glossary, "在APEC峰会上，APEC成员和APECX", "zh", "vi") == [
        ("APEC峰会", "Hội nghị cấp cao APEC"),
        ("APEC", "APEC"),
    ]


def test_hits_across_inline_tags_give_offsets_with_and_without_tags(official: Glossary) -> None:
    text = "Theo <b1>Bộ</b1> Ngoại giao và <i2>Đảng</i2>."
    hits = official.hits(text, "vi", "en")
    assert [text[hit.start : hit.end] for hit in hits] == ["Bộ</b1> Ngoại giao", "Đảng"]  # first to last character
    plain = strip_tags(text)
    assert [plain[hit.plain_start : hit.plain_end] for hit in hits] == ["Bộ Ngoại giao", "Đảng"]
    assert hits[0].target_terms == [MOFA]
    # NFD inside a tagged text: both offsets still point at the term
    nfd = unicodedata.normalize("NFD", text)
    hit = official.hits(nfd, "vi", "en")[0]
    assert strip_tags(nfd[hit.start : hit.end]) == strip_tags(nfd)[hit.plain_start : hit.plain_end]
    assert unicodedata.normalize("NFC", strip_tags(nfd[hit.start : hit.end])) == "Bộ Ngoại giao"


def test_an_entry_serves_both_directions(glossary: Glossary) -> None:
    glossary.add("en", "Provincial People's Committee", "vi", "Ủy ban nhân dân tỉnh", ["UBND tỉnh"], "official")
    assert found(glossary, "Ủy ban nhân dân tỉnh Quảng Ninh", "vi", "en") == [
        ("Ủy ban nhân dân tỉnh", "Provincial People's Committee")
    ]
    reverse = glossary.hits("Ủy ban nhân dân tỉnh", "vi", "en")[0]
    assert reverse.forbidden == [] and reverse.note == "official"  # the variants are Vietnamese: not for an en target
    forward = glossary.hits("the Provincial People's Committee", "en", "vi")[0]
    assert forward.target_terms == ["Ủy ban nhân dân tỉnh"] and forward.forbidden == ["UBND tỉnh"]


def test_several_entries_for_one_term_give_one_hit_with_every_translation(glossary: Glossary) -> None:
    first = glossary.add("vi", "Bộ Ngoại giao", "en", MOFA, ["Foreign Ministry"])
    second = glossary.add("vi", "bộ ngoại giao", "en", "MOFA", ["MFA"], "viết tắt")
    third = glossary.add("en", "Foreign Office", "vi", "Bộ Ngoại giao")
    [hit] = glossary.hits("Bộ Ngoại giao", "vi", "en")
    assert hit.target_terms == [MOFA, "MOFA", "Foreign Office"]
    assert hit.forbidden == ["Foreign Ministry", "MFA"] and hit.note == "viết tắt"
    assert hit.entry_ids == [first.id, second.id, third.id]


def test_no_hits_for_empty_text_same_languages_or_an_empty_glossary(official: Glossary, store: Store) -> None:
    assert official.hits("", "vi", "en") == []
    assert official.hits("Bộ Ngoại giao", "vi", "vi") == []
    assert Glossary(store, Clock()).hits("Bộ Ngoại giao", "vi", "ko") == []


def test_the_matcher_follows_changes_here_and_from_another_connection(
    official: Glossary, store_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    text = "Bộ Tài chính và Bộ Ngoại giao"
    assert found(official, text) == [("Bộ", "Ministry"), ("Bộ Ngoại giao", MOFA)]
    entry = official.add("vi", "Bộ Tài chính", "en", "Ministry of Finance")
    assert found(official, text)[0] == ("Bộ Tài chính", "Ministry of Finance")
    official.delete(entry.id)
    assert found(official, text)[0] == ("Bộ", "Ministry")

    monkeypatch.setattr(glossary_module, "DATA_VERSION_CHECK_SECONDS", 0.0)
    other_store = open_store(store_path)  # another process, such as the CLI while the app is open
    try:
        Glossary(other_store, Clock()).add("vi", "Bộ Tài chính", "en", "Ministry of Finance")
    finally:
        other_store.close()
    assert found(official, text)[0] == ("Bộ Tài chính", "Ministry of Finance")


def test_listeners_hear_each_change(glossary: Glossary) -> None:
    heard: list[GlossaryChange] = []
    unsubscribe = glossary.subscribe(heard.append)
    entry = glossary.add("vi", "Bộ", "en", "Ministry")
    glossary.update(entry.id, note="x")
    glossary.delete(entry.id)
    unsubscribe()
    glossary.add("vi", "Đảng", "en", "Party")
    assert heard == [
        GlossaryChange(added=(entry.id,)),
        GlossaryChange(updated=(entry.id,)),
        GlossaryChange(deleted=(entry.id,)),
    ]


# --- QA helpers ---------------------------------------------------------------------------------


def test_forbidden_variants_in_a_target_are_found(official: Glossary) -> None:
    hits = official.hits("Bộ Ngoại giao ra thông cáo.", "vi", "en")
    target = "The <b1>Foreign Ministry</b1> said the foreign  ministry and the FOREIGN MINISTRY agreed."
    uses = official.forbidden_in(target, "en", hits)
    assert [target[use.start : use.end] for use in uses] == ["Foreign Ministry", "FOREIGN MINISTRY"]
    assert uses[0].variant == "Foreign Ministry" and uses[0].approved == [MOFA]
    assert uses[0].source_term == "Bộ Ngoại giao"


def test_a_forbidden_variant_inside_an_approved_term_is_not_a_use(official: Glossary) -> None:
    hits = official.hits("Bộ Ngoại giao", "vi", "en")
    assert official.forbidden_in(f"The {MOFA} said", "en", hits) == []
    uses = official.forbidden_in(f"Foreign Affairs and the {MOFA}", "en", hits)
    assert [(use.start, use.end, use.variant) for use in uses] == [(0, 15, "Foreign Affairs")]


def test_a_variant_approved_by_another_hit_is_not_forbidden(glossary: Glossary) -> None:
    glossary.add("vi", "Bộ Ngoại giao", "en", MOFA, ["Ministry"])
    glossary.add("vi", "Bộ", "en", "Ministry")
    hits = glossary.hits("Bộ Ngoại giao và Bộ", "vi", "en")
    assert glossary.forbidden_in(f"The {MOFA} and the Ministry", "en", hits) == []


def test_missing_translations_are_listed(official: Glossary) -> None:
    hits = official.hits("Bộ Ngoại giao và Đảng", "vi", "en")
    missing = official.missing_in(f"The {MOFA.upper()} said", "en", hits)
    assert [hit.source_term for hit in missing] == ["Đảng"]
    assert official.missing_in("", "en", hits) == hits


# --- merge --------------------------------------------------------------------------------------


def test_merge_adds_new_entries_keeps_local_ones_and_is_idempotent(glossary: Glossary) -> None:
    local = glossary.add("vi", "Bộ Ngoại giao", "en", MOFA, ["Foreign Ministry"], "local note")
    portal_id = "01900000-0000-7000-8000-000000000001"
    incoming = [
        TermPair("vi", "bộ ngoại giao", "en", MOFA, ("MFA",), "portal note"),  # the same terms: known
        TermPair("en", MOFA, "vi", "Bộ Ngoại giao"),  # the same terms reversed: known
        TermPair("vi", "Đảng", "en", "Party", id=portal_id),
        {"source_language": "zh", "source_term": "越南", "target_language": "vi", "target_term": "Việt Nam",
         "forbidden": "Việt-nam|Viet Nam", "note": ""},
        TermPair("vi", "Đảng", "en", "Party"),  # twice in one batch
        TermPair("vi", "Bộ Tài chính", "en", "Ministry of Finance", id=local.id),  # a local id: known
    ]  # fmt: skip
    result = glossary.merge(incoming, origin="portal")
    assert (result.added, result.known) == (2, 4)
    assert glossary.entry(local.id) == local  # untouched: its note, variants, version
    party = glossary.entry(portal_id)
    assert party.origin == "portal" and party.target_term == "Party"
    vietnam = glossary.entries("zh", "vi")[0]
    assert vietnam.forbidden == ("Việt-nam", "Viet Nam") and vietnam.id in result.added_ids
    before = glossary.entries()
    again = glossary.merge(incoming, origin="portal")
    assert (again.added, again.known) == (0, 6) and glossary.entries() == before


def test_merge_refuses_a_bad_entry_and_adds_nothing(glossary: Glossary) -> None:
    with pytest.raises(BadInput, match="target term for “Đảng” is empty"):
        glossary.merge([TermPair("vi", "Bộ", "en", "Ministry"), TermPair("vi", "Đảng", "en", "")])
    with pytest.raises(BadInput, match="lacks"):
        glossary.merge([{"source_term": "Bộ"}])
    assert glossary.count() == 0


def test_term_key_keeps_diacritics_and_length() -> None:
    assert term_key(" BỘ  Ngoại\u00a0giao ") == "bộ ngoại giao"
    assert term_key("Đảng") != term_key("đang") and term_key("ĐẢNG") == term_key("đảng")
    assert term_key("ＡＰＥＣ") == "apec"


# --- speed --------------------------------------------------------------------------------------


def test_a_300_segment_translation_against_5000_entries_is_fast(glossary: Glossary) -> None:
    rng = random.Random(5)
    syllables = (
        "bộ ngoại giao ủy ban nhân dân tỉnh thành phố hội đồng sở tài chính kế hoạch đầu tư cục quản lý xuất "
        "nhập khẩu chính phủ quốc hội đảng trung ương văn phòng chủ tịch nghị quyết hợp tác phát triển kinh tế"
    ).split()
    terms: set[str] = set()
    while len(terms) < 5000:
        terms.add(" ".join(rng.choice(syllables) for _ in range(rng.randint(2, 6))))
    result = glossary.merge([TermPair("vi", term, "en", f"term {n}") for n, term in enumerate(sorted(terms))])
    assert result.added == 5000
    segments = [" ".join(rng.choice(syllables) for _ in range(30)) + "." for _ in range(300)]
    started = time.perf_counter()
    total = sum(len(glossary.hits(segment, "vi", "en")) for segment in segments)
    elapsed = time.perf_counter() - started
    assert total > 300
    assert elapsed < 2.0, f"{elapsed:.2f} s for 300 segments (matcher built on the first)"


def test_services_offer_the_glossary(services) -> None:
    assert isinstance(services.glossary, Glossary)
    entry = services.glossary.add("vi", "Bộ", "en", "Ministry")
    assert entry.station_id == services.identity.station_id
