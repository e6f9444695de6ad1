"""The translation memory: adding, exact and fuzzy lookups both ways, merging, analysis, TMX exchange."""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from workstation.errors import BadInput, NotFound
from workstation.model import Segment, SegmentState
from workstation.translation import memory as memory_module
from workstation.translation.memory import (
    ADDED,
    EQUAL,
    REMOVED,
    MatchKind,
    TranslationMemory,
    band_of,
    match_key,
)
from workstation.translation.tmx import TmUnit, write_tmx

CONFERENCE = "Hội nghị xúc tiến đầu tư và thương mại Việt Nam – Hàn Quốc được tổ chức tại Seoul."
CONFERENCE_EN = "The Vietnam – Korea investment and trade promotion conference was held in Seoul."


class TickingClock:
    def __init__(self) -> None:
        self.now = datetime(2026, 11, 1, 8, 0, tzinfo=UTC)

    def __call__(self) -> datetime:
        self.now += timedelta(seconds=1)
        return self.now


@pytest.fixture
def memory(services) -> TranslationMemory:
    return TranslationMemory(services.store, services.identity.station_id, TickingClock())


def _scores(matches) -> list[tuple[int, str]]:
    return [(match.score, str(match.kind)) for match in matches]


def test_a_confirmed_segment_is_found_again_exactly(memory, services) -> None:
    profile = services.people.current()
    unit_id = memory.add("vi", "en", CONFERENCE, CONFERENCE_EN, "translation-1", profile)
    (match,) = memory.lookup("vi", "en", CONFERENCE)
    assert (match.score, match.kind, match.source, match.target) == (100, MatchKind.EXACT, CONFERENCE, CONFERENCE_EN)
    assert (match.origin, match.created_by, match.unit_id) == ("translation-1", profile.name, unit_id)
    assert match.changed_at.startswith("2026-11-01T08:00:01")
    assert [(piece.op, piece.text) for piece in match.diff] == [(EQUAL, CONFERENCE)]
    assert memory.lookup("vi", "en", f"  {CONFERENCE}  ")[0].score == 100  # spacing does not count
    assert memory.lookup("vi", "zh", CONFERENCE) == []  # another pair


def test_the_same_unit_again_touches_its_date_and_another_target_is_a_second_unit(memory) -> None:
    first = memory.add("vi", "en", "Xin chào.", "Hello.", "t1")
    other = memory.add("vi", "en", "Xin chào.", "Hi.", "t2")
    again = memory.add("vi", "en", "Xin chào.", "Hello.", "t3")
    assert again == first and other != first
    assert memory.count() == 2
    matches = memory.lookup("vi", "en", "Xin chào.")
    assert [(m.target, m.origin) for m in matches] == [("Hello.", "t1"), ("Hi.", "t2")]  # newest first
    assert matches[0].changed_at > matches[1].changed_at
    # A unit the other way round is the same unit.
    assert memory.add("en", "vi", "Hello.", "Xin chào.", "t4") == first
    assert memory.count() == 2


def test_units_keep_their_tags_and_tag_case_or_punctuation_differences_are_99(memory) -> None:
    tagged = "Đại sứ <b1>Nguyễn Văn A</b1> dự lễ khai mạc."
    memory.add("vi", "en", tagged, "Ambassador <b1>Nguyen Van A</b1> attended the opening.", "t1")
    for variant in (
        "Đại sứ Nguyễn Văn A dự lễ khai mạc.",
        "đại sứ <b1>nguyễn văn a</b1> dự lễ khai mạc",
        tagged[:-1] + "!",
    ):
        (match,) = memory.lookup("vi", "en", variant)
        assert (match.score, match.kind) == (99, MatchKind.FORMATTING), variant
        assert match.target == "Ambassador <b1>Nguyen Van A</b1> attended the opening."
    assert memory.lookup("vi", "en", tagged)[0].score == 100


def test_fuzzy_matches_are_ranked_best_first_with_a_minimum_and_a_limit(memory) -> None:
    memory.add("vi", "en", CONFERENCE, CONFERENCE_EN, "t1")
    memory.add("vi", "en", CONFERENCE.replace("Seoul", "Busan"), CONFERENCE_EN.replace("Seoul", "Busan"), "t2")
    memory.add("vi", "en", "Diễn đàn xúc tiến thương mại Việt Nam – Hàn Quốc được tổ chức tại Busan.", "Forum.", "t3")
    memory.add("vi", "en", "Hội thảo về đầu tư Việt Nam – Hàn Quốc diễn ra tại Hà Nội.", "Workshop.", "t4")
    memory.add("vi", "en", "Thời tiết hôm nay rất đẹp.", "The weather is fine today.", "t5")
    query = CONFERENCE.replace("Seoul", "Incheon")
    matches = memory.lookup("vi", "en", query)
    assert [m.origin for m in matches] == ["t1", "t2", "t3", "t4"]
    scores = [m.score for m in matches]
    assert scores == sorted(scores, reverse=True) and all(50 <= s < 100 for s in scores)
    assert all(m.kind == MatchKind.FUZZY for m in matches)
    assert [m.origin for m in memory.lookup("vi", "en", query, limit=2)] == ["t1", "t2"]
    assert all(m.score >= 80 for m in memory.lookup("vi", "en", query, minimum=80))
    assert len(memory.lookup("vi", "en", query, minimum=80)) < len(matches)


def test_the_diff_spells_both_sources(memory) -> None:
    memory.add(
        "vi", "en", "Đoàn công tác <b1>gặp gỡ</b1> các hãng lữ hành lớn.", "The delegation met big agencies.", "t"
    )
    query = "Đoàn công tác đã gặp các hãng lữ hành nhỏ."
    (match,) = memory.lookup("vi", "en", query)
    assert "".join(p.text for p in match.diff if p.op != ADDED) == match.source
    assert "".join(p.text for p in match.diff if p.op != REMOVED) == query
    changed = {(p.op, p.text) for p in match.diff if p.op != EQUAL}
    assert (ADDED, "nhỏ") in changed and (REMOVED, "lớn") in changed and (ADDED, "đã ") in changed


def test_a_unit_serves_both_directions(memory) -> None:
    memory.add("en", "vi", "The embassy opened a photo exhibition.", "Đại sứ quán khai mạc triển lãm ảnh.", "t1")
    (match,) = memory.lookup("vi", "en", "Đại sứ quán khai mạc triển lãm ảnh.")
    assert (match.score, match.source, match.target) == (
        100, "Đại sứ quán khai mạc triển lãm ảnh.", "The embassy opened a photo exhibition."
    )  # fmt: skip
    (fuzzy,) = memory.lookup("vi", "en", "Đại sứ quán khai mạc triển lãm tranh.")
    assert 80 <= fuzzy.score < 100 and fuzzy.target == "The embassy opened a photo exhibition."
    assert memory.lookup("en", "vi", "The embassy opened a photo exhibition.")[0].target.startswith("Đại sứ quán")


def test_a_source_without_diacritics_is_a_high_fuzzy_match_never_100(memory) -> None:
    memory.add("vi", "en", CONFERENCE, CONFERENCE_EN, "t1")
    bare = "Hoi nghi xuc tien dau tu va thuong mai Viet Nam – Han Quoc duoc to chuc tai Seoul."
    (match,) = memory.lookup("vi", "en", bare)
    assert match.kind == MatchKind.FUZZY and 85 <= match.score < 100
    # One wrong tone mark is a different word ("bán" sells, "bạn" is a friend): not 100 either, but close.
    memory.add("vi", "en", "Tôi bán sách cho bạn.", "I sell books to you.", "t2")
    (tone,) = memory.lookup("vi", "en", "Tôi bạn sách cho bạn.")
    assert tone.kind == MatchKind.FUZZY and 95 <= tone.score <= 99
    assert match_key("Đà Nẵng, <b1>HÀ NỘI</b1>!") == "đà nẵng hà nội"


def test_chinese_japanese_and_korean_match_by_character(memory) -> None:
    memory.add("zh", "vi", "越南和中国加强经济合作。", "Việt Nam và Trung Quốc tăng cường hợp tác kinh tế.", "t1")
    memory.add(
        "ja", "vi", "ベトナムと日本は文化交流を深める。", "Việt Nam và Nhật Bản tăng cường giao lưu văn hoá.", "t2"
    )
    (zh,) = memory.lookup("zh", "vi", "越南和日本加强经济合作。")
    assert 75 <= zh.score < 100
    (ja,) = memory.lookup("ja", "vi", "ベトナムと日本は経済交流を深める。")
    assert 75 <= ja.score < 100
    assert memory.lookup("vi", "zh", "Việt Nam và Trung Quốc tăng cường hợp tác kinh tế.")[0].target == (
        "越南和中国加强经济合作。"
    )


def test_a_near_duplicate_is_found_among_many_units(memory) -> None:
    rng = random.Random(3)
    syllables = "anh bao cao dan dong giao hai hoa khai kinh lam linh minh nam ngoai nhan phat quan tam thanh".split()
    units = [
        TmUnit("vi", "en", " ".join(rng.choices(syllables, k=18)).capitalize() + ".", f"Sentence {n}.")
        for n in range(3000)
    ]
    memory.merge(units)
    wanted = units[1234]
    words = wanted.source.rstrip(".").split()
    words[5] = "khác"
    (best, *_rest) = memory.lookup("vi", "en", " ".join(words) + ".")
    assert best.target == "Sentence 1234." and best.score >= 90


def test_common_words_only_still_find_the_unit_holding_all_of_them(memory, monkeypatch) -> None:
    # With a tiny ceiling every word is "common", so no word votes: the fallback finds the unit
    # holding all of the query's word pairs.
    monkeypatch.setattr(memory_module, "DF_CAP", 2)
    for n in range(20):
        memory.add("vi", "en", f"Sự kiện kéo dài ba ngày số {n}.", f"Event {n}.", "t")
    memory.add("vi", "en", "Sự kiện kéo dài ba ngày.", "The event lasts three days.", "t")
    (best, *_rest) = memory.lookup("vi", "en", "Sự kiện kéo dài ba ngày liền!")
    assert (best.kind, best.target) == (MatchKind.FUZZY, "The event lasts three days.")


def test_bad_languages_and_empty_texts_are_refused(memory) -> None:
    with pytest.raises(BadInput, match="unknown language"):
        memory.add("fr", "en", "Bonjour", "Hello", "t")
    with pytest.raises(BadInput, match="itself"):
        memory.lookup("vi", "vi", "Xin chào")
    with pytest.raises(BadInput, match="both sides"):
        memory.add("vi", "en", "Xin chào", "<b1></b1>", "t")
    assert memory.lookup("vi", "en", "…") == []


def test_merge_keeps_local_units_and_is_idempotent(memory) -> None:
    local = memory.add("vi", "en", "Xin chào.", "Hello.", "translation-1")
    incoming = [
        TmUnit("vi", "en", "Xin chào.", "Hello.", "2020-01-01T00:00:00.000Z", "2020-01-01T00:00:00.000Z", "portal"),
        TmUnit("en", "vi", "Hello.", "Xin chào.", "", "", ""),  # the same unit the other way round
        TmUnit("vi", "en", "Xin chào.", "Good day.", "2025-05-05T00:00:00.000Z", "2025-05-06T00:00:00.000Z", "Lan"),
        TmUnit("vi", "ko", "Cảm ơn.", "감사합니다.", "", "", ""),
        TmUnit("vi", "de", "Cảm ơn.", "Danke.", "", "", ""),  # not our language
        TmUnit("vi", "en", "Cảm ơn.", "  ", "", "", ""),  # empty target
    ]
    result = memory.merge(incoming)
    assert (result.added, result.known, result.skipped) == (2, 2, 2)
    again = memory.merge(incoming)
    assert (again.added, again.known, again.skipped) == (0, 4, 2)
    matches = {m.target: m for m in memory.lookup("vi", "en", "Xin chào.")}
    assert matches["Hello."].origin == "translation-1" and matches["Hello."].unit_id == local
    assert matches["Hello."].changed_at.startswith("2026-11-01")  # untouched by the merge
    assert (matches["Good day."].origin, matches["Good day."].changed_at, matches["Good day."].created_by) == (
        "portal", "2025-05-06T00:00:00.000Z", "Lan"
    )  # fmt: skip
    assert memory.count() == 3 and memory.count("vi", "en") == 2 and memory.count("en", "vi") == 2


def test_analysis_bands_on_a_planted_set(memory) -> None:
    memory.add("vi", "en", CONFERENCE, CONFERENCE_EN, "other-translation")
    memory.add("vi", "en", "Bà Lan cho biết chương trình sẽ tiếp tục.", "Ms Lan said so.", "this-translation")
    planted = {
        "100": CONFERENCE,
        "95-99": CONFERENCE.lower().rstrip("."),
        "85-94": CONFERENCE.replace("Seoul", "Busan"),
        "75-84": "Diễn đàn xúc tiến thương mại Việt Nam – Hàn Quốc được tổ chức tại Busan.",
        "50-74": "Hội nghị xúc tiến du lịch Việt Nam – Nhật Bản được tổ chức tại Tokyo.",
        "new": "Thời tiết hôm nay rất đẹp.",
    }
    for band, text in planted.items():  # the plant itself
        found = memory.lookup("vi", "en", text, limit=1)
        assert band_of(found[0].score if found else 0) == band, (band, found)
    sources = [*planted.values(), planted["85-94"], planted["new"], "", "Bà Lan cho biết chương trình sẽ tiếp tục."]
    analysis = memory.analyse(sources, "vi", "en")
    words = {band: len(text.replace("–", "").split()) for band, text in planted.items()}
    expected = {band: (1, words[band]) for band in planted}
    expected["repetitions"] = (2, words["85-94"] + words["new"])
    expected["100"] = (2, words["100"] + 9)
    assert {band: (c.segments, c.words) for band, c in analysis.bands.items()} == expected
    assert list(analysis.bands) == ["repetitions", "100", "95-99", "85-94", "75-84", "50-74", "new"]
    assert (analysis.total.segments, analysis.unit) == (9, "words")
    # Leaving out the translation's own units shows the picture as it was before it started.
    before = memory.analyse(sources, "vi", "en", exclude_origin="this-translation")
    assert before.bands["100"].segments == 1 and before.bands["new"].segments == 2
    assert before.as_json()["bands"]["new"] == {"segments": 2, "words": before.bands["new"].words}


def test_analysis_counts_chinese_by_character(memory) -> None:
    memory.add("zh", "vi", "越南和中国加强经济合作。", "Việt Nam và Trung Quốc tăng cường hợp tác kinh tế.", "t1")
    analysis = memory.analyse(["越南和中国加强经济合作。", "今天天气很好。"], "zh", "vi")
    assert analysis.unit == "characters"
    assert (analysis.bands["100"].words, analysis.bands["new"].words) == (11, 6)


def _segment(address: str, source: str, target: str = "", state: str = SegmentState.NEW) -> Segment:
    return Segment(address=address, position=0, part="lead", source_text=source, source_hash="", target_text=target,
                   state=state)  # fmt: skip


def test_propagation_fills_untranslated_repetitions_unless_switched_off(memory) -> None:
    confirmed = _segment("lead#0", "Sự kiện kéo dài ba ngày.", "The event lasts three days.", SegmentState.TRANSLATED)
    segments = [
        confirmed,
        _segment("b1#0", "Sự kiện kéo dài ba ngày."),
        _segment("b2#0", "Sự kiện  kéo dài ba ngày. "),
        _segment("b3#0", "Sự kiện kéo dài ba ngày.", "Already translated.", SegmentState.DRAFT),
        _segment("b4#0", "Sự kiện kéo dài hai ngày."),
    ]
    assert memory.autopropagate is True
    assert memory.propagate(segments, confirmed) == ["b1#0", "b2#0"]
    memory.set_autopropagate(False)
    assert memory.autopropagate is False and memory.propagate(segments, confirmed) == []
    memory.set_autopropagate(True)
    assert memory.propagate(segments, confirmed) == ["b1#0", "b2#0"]


def test_concordance_finds_a_phrase_in_either_side_folded(memory) -> None:
    memory.add(
        "vi", "en", "Chuyển đổi số là ưu tiên của <b1>Chính phủ</b1>.", "Digital transformation is a priority.", "t1"
    )
    memory.add("en", "vi", "Tourism recovered.", "Du lịch phục hồi, chuyển đổi số tăng tốc.", "t2")
    memory.add("vi", "en", "Số liệu chuyển về sau.", "Figures come later.", "t3")  # the words, not the phrase
    hits = memory.concordance("vi", "chuyen doi so")
    assert [(h.origin, h.other_language) for h in hits] == [("t2", "en"), ("t1", "en")]
    assert hits[1].text == "Chuyển đổi số là ưu tiên của Chính phủ."
    assert [hits[1].text[a:b] for a, b in hits[1].spans] == ["Chuyển đổi số"]
    assert memory.concordance("en", "DIGITAL transformation")[0].other_text.startswith("Chuyển đổi số")
    assert len(memory.concordance("vi", "chuyển đổi số", limit=1)) == 1
    assert memory.concordance("vi", "...") == [] and memory.concordance("ko", "chuyển") == []


def test_remove_a_unit(memory) -> None:
    unit_id = memory.add("vi", "en", "Xin chào.", "Hello.", "t1")
    memory.add("vi", "en", "Xin chào các bạn.", "Hello everyone.", "t1")
    memory.remove(unit_id)
    assert [m.target for m in memory.lookup("vi", "en", "Xin chào.")] == ["Hello everyone."]
    with pytest.raises(NotFound):
        memory.remove(unit_id)


def test_a_tmx_written_by_translate_toolkit_is_imported_and_found_by_fuzzy_lookup(memory, tmp_path: Path) -> None:
    from translate.storage.tmx import tmxfile

    written = tmxfile(sourcelanguage="en-US", targetlanguage="vi-VN")
    written.addsourceunit("The embassy held a <b1>photo exhibition</b1> in Hanoi.").settarget(
        "Đại sứ quán tổ chức <b1>triển lãm ảnh</b1> tại Hà Nội."
    )
    written.addsourceunit("Both sides signed a memorandum of understanding.").settarget(
        "Hai bên đã ký biên bản ghi nhớ."
    )
    path = tmp_path / "from-toolkit.tmx"
    path.write_bytes(bytes(written))
    result = memory.import_tmx(path)
    assert (result.added, result.known, result.skipped) == (2, 0, 0)
    (match,) = memory.lookup("en", "vi", "The embassy held a photo exhibition in Da Nang.")
    assert 70 <= match.score < 100 and match.target == "Đại sứ quán tổ chức <b1>triển lãm ảnh</b1> tại Hà Nội."
    assert match.origin == "tmx:from-toolkit.tmx"
    (reverse,) = memory.lookup("vi", "en", "Hai bên đã ký biên bản ghi nhớ hợp tác.")
    assert reverse.target == "Both sides signed a memorandum of understanding."
    assert memory.import_tmx(path).known == 2


def test_tmx_round_trip_between_two_workspaces(memory, tmp_path: Path, new_station) -> None:
    memory.add("vi", "en", "Đại sứ <b1>Nguyễn Văn A</b1> dự lễ.", "Ambassador <b1>Nguyen Van A</b1> attended.", "t1")
    memory.add("en", "vi", "Thank you.", "Cảm ơn.", "t2")
    memory.add("vi", "zh", "Việt Nam và Trung Quốc hợp tác.", "越南和中国合作。", "t3")
    everything, pair = tmp_path / "all.tmx", tmp_path / "vi-en.tmx"
    assert memory.export_tmx(everything) == 3
    assert memory.export_tmx(pair, "vi", "en") == 2
    other = new_station("other")
    imported = TranslationMemory(other.store, "other-station", TickingClock())
    assert imported.import_tmx(everything).added == 3
    assert imported.import_tmx(pair).known == 2
    (match,) = imported.lookup("vi", "en", "Cảm ơn.")
    assert (match.score, match.target, match.origin) == (100, "Thank you.", "tmx:all.tmx")
    original = memory.lookup("vi", "en", "Đại sứ <b1>Nguyễn Văn A</b1> dự lễ.")[0]
    copied = imported.lookup("vi", "en", "Đại sứ <b1>Nguyễn Văn A</b1> dự lễ.")[0]
    assert (copied.score, copied.target) == (100, original.target)
    assert copied.changed_at[:19] == original.changed_at[:19]  # TMX dates hold seconds
    with pytest.raises(BadInput, match="both languages"):
        memory.export_tmx(tmp_path / "x.tmx", "vi", None)


def test_a_refused_tmx_changes_nothing(memory, tmp_path: Path) -> None:
    path = tmp_path / "hostile.tmx"
    path.write_text(
        '<?xml version="1.0"?><!DOCTYPE tmx [<!ENTITY x SYSTEM "file:///etc/passwd">]><tmx version="1.4">'
        '<header srclang="en"/><body><tu><tuv xml:lang="en"><seg>Hi</seg></tuv><tuv xml:lang="vi"><seg>&x;</seg>'
        "</tuv></tu></body></tmx>"
    )
    with pytest.raises(BadInput, match="entities"):
        memory.import_tmx(path)
    assert memory.count() == 0


def test_services_offer_the_memory(services) -> None:
    assert services.memory is services.memory
    services.memory.add("vi", "en", "Xin chào.", "Hello.", "t1")
    assert services.memory.count() == 1


def test_export_of_a_large_memory_streams(memory, tmp_path: Path) -> None:
    units = [TmUnit("vi", "en", f"Câu số {n} về hợp tác.", f"Sentence {n} on cooperation.") for n in range(5000)]
    assert memory.merge(units).added == 5000
    out = tmp_path / "big.tmx"
    assert memory.export_tmx(out, "en", "vi") == 5000
    write_tmx(tmp_path / "copy.tmx", units)
    assert out.stat().st_size > 100_000


def test_a_tmx_broken_after_some_batches_imports_nothing(memory, tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setattr(memory_module, "MERGE_BATCH", 2)
    good = "".join(
        f'<tu><tuv xml:lang="en"><seg>Sentence {n}.</seg></tuv><tuv xml:lang="vi"><seg>Câu {n}.</seg></tuv></tu>'
        for n in range(7)
    )
    head = '<?xml version="1.0"?><tmx version="1.4"><header srclang="en"/><body>'
    path = tmp_path / "truncated.tmx"
    path.write_text(head + good + "<tu><tuv xml:lang=", encoding="utf-8")
    with pytest.raises(BadInput, match="not well-formed"):
        memory.import_tmx(path)
    assert memory.count() == 0
    path.write_text(head + good + good + "</body></tmx>", encoding="utf-8")  # each unit twice
    result = memory.import_tmx(path)
    assert (result.added, result.known) == (7, 7) and memory.count() == 7
