"""Translation documents: every part segmented, source edits tracked exactly, review, statistics, states."""

from __future__ import annotations

from dataclasses import replace

import pytest

from tests.support.images import png_bytes
from workstation.errors import BadInput, Refused
from workstation.model import Block, Role, SegmentState


@pytest.fixture
def article(services):
    article = services.editorial.create_article(
        "vi",
        "Đà Nẵng quảng bá du lịch",
        lead="Câu sapo một. Câu sapo hai.",
        paragraphs=["Đoạn một câu một. Đoạn một câu hai. Đoạn một câu ba.", "Đoạn hai."],
    )
    services.editorial.add_picture(
        article.id, png_bytes(), name="a.png", captions={"vi": "Quang cảnh hội nghị."}, alt_texts={"vi": "Hội trường."}
    )
    return services.editorial.get(article.id)


def _translate_all(services, translation_id: str) -> None:
    for segment in services.translations.segments(translation_id):
        services.translations.save_segment(translation_id, segment.address, f"EN {segment.source_text}")


def test_picture_caption_and_alt_text_are_segments_and_their_targets_reach_the_picture(services, article) -> None:
    translation = services.translations.create(article.id, "en")
    segments = services.translations.segments(translation.id)
    picture_id = article.picture_ids[0]
    assert [s.address for s in segments][-2:] == [f"caption:{picture_id}#0", f"alt:{picture_id}#0"]
    services.translations.save_segment(translation.id, f"caption:{picture_id}#0", "View of the conference.")
    services.translations.save_segment(translation.id, f"alt:{picture_id}#0", "The hall.")
    picture = services.pictures.get(picture_id)
    assert picture.captions == {"vi": "Quang cảnh hội nghị.", "en": "View of the conference."}
    assert picture.alt_texts["en"] == "The hall."
    # The translation keeps the picture block in place.
    assert services.translations.get(translation.id).picture_ids == [picture_id]


def test_a_source_edit_makes_exactly_the_changed_sentences_stale(services, article) -> None:
    translation = services.translations.create(article.id, "en")
    _translate_all(services, translation.id)
    before = {s.address: s for s in services.translations.segments(translation.id)}
    first, second = article.blocks[0], article.blocks[1]

    edited = replace(
        article,
        lead="Câu sapo một. Câu sapo hai đã sửa.",
        blocks=[
            Block(first.id, "Câu chèn thêm. Đoạn một câu một. Đoạn một câu hai. Đoạn một câu ba."),
            second,
            Block("new-block", "Đoạn mới thêm."),
            *article.blocks[2:],
        ],
    )
    services.editorial.save(edited)
    after = {s.address: s for s in services.translations.segments(translation.id)}

    stale = sorted(address for address, s in after.items() if s.is_stale)
    assert stale == ["lead#1"]
    assert after["lead#1"].stale_source == "Câu sapo hai."
    assert after["lead#1"].source_text == "Câu sapo hai đã sửa."
    assert after["lead#1"].target_text == "EN Câu sapo hai."  # kept for the translator to revise
    # A sentence inserted at the start of a paragraph shifts the others, which keep their targets.
    assert after[f"{first.id}#0"].state == SegmentState.NEW and after[f"{first.id}#0"].target_text == ""
    for n in range(3):
        assert after[f"{first.id}#{n + 1}"].target_text == before[f"{first.id}#{n}"].target_text
        assert not after[f"{first.id}#{n + 1}"].is_stale
    assert after["new-block#0"].state == SegmentState.NEW
    unchanged = set(before) - {"lead#1"} - {f"{first.id}#{n}" for n in range(3)}
    for address in unchanged:
        assert after[address].target_text == before[address].target_text
        assert after[address].state == before[address].state

    # Confirming the revised target clears the stale mark.
    services.translations.save_segment(translation.id, "lead#1", "EN second lead sentence, edited.")
    assert not services.translations._segment(translation.id, "lead#1").is_stale


def test_a_caption_edited_in_the_source_makes_its_segment_stale(services, article) -> None:
    translation = services.translations.create(article.id, "en")
    _translate_all(services, translation.id)
    picture_id = article.picture_ids[0]
    services.pictures.update_texts(picture_id, captions={"vi": "Toàn cảnh hội nghị."})
    stale = [s.address for s in services.translations.segments(translation.id) if s.is_stale]
    assert stale == [f"caption:{picture_id}#0"]


def test_translating_a_caption_does_not_make_other_translations_stale(services, article) -> None:
    english = services.translations.create(article.id, "en")
    chinese = services.translations.create(article.id, "zh")
    _translate_all(services, chinese.id)
    _translate_all(services, english.id)
    assert not any(s.is_stale for s in services.translations.segments(chinese.id))


def test_review_by_another_profile_with_comments(services, article) -> None:
    translation = services.translations.create(article.id, "en")
    services.translations.save_segment(translation.id, "headline#0", "Da Nang promotes tourism")
    with pytest.raises(Refused, match="another person reviews it"):
        services.translations.review(translation.id, "headline#0", accepted=True)

    services.people.create("Reviewer", frozenset({Role.TRANSLATOR}))
    services.people.act_as("Reviewer")
    with pytest.raises(BadInput, match="say why"):
        services.translations.review(translation.id, "headline#0", accepted=False)
    rejected = services.translations.review(translation.id, "headline#0", accepted=False, comment="Dùng 'showcases'")
    assert rejected.state == SegmentState.DRAFT
    assert [(c.profile_name, c.verdict, c.text) for c in rejected.comments] == [
        ("Reviewer", "rejected", "Dùng 'showcases'")
    ]
    assert services.translations.readiness_problems(translation.id, "final")[0].startswith("headline#0: rejected")

    services.people.act_as(services.people.all()[0].name)
    services.translations.save_segment(translation.id, "headline#0", "Da Nang showcases tourism")
    services.people.act_as("Reviewer")
    accepted = services.translations.review(translation.id, "headline#0", accepted=True, comment="OK")
    assert accepted.state == SegmentState.REVIEWED and len(accepted.comments) == 2


def test_statistics_count_words_and_cjk_characters_by_state(services, article) -> None:
    translation = services.translations.create(article.id, "en")
    services.translations.save_segment(translation.id, "headline#0", "Da Nang promotes tourism")
    stats = services.translations.statistics(translation.id)
    assert stats.unit == "words"
    assert stats.by_state["translated"].segments == 1 and stats.by_state["translated"].words == 6
    assert stats.total.segments == len(services.translations.segments(translation.id))

    chinese_source = services.editorial.create_article("zh", "越南文化周", lead="在首尔开幕。")
    translation = services.translations.create(chinese_source.id, "vi")
    stats = services.translations.statistics(translation.id)
    assert stats.unit == "characters" and stats.total.words == 5 + 5  # punctuation is not counted


def test_set_state_final_lists_every_reason_and_changes_nothing_until_ready(services, article) -> None:
    translation = services.translations.create(article.id, "en")
    services.translations.save_segment(translation.id, "headline#0", "Da Nang promotes tourism")
    problems = services.translations.set_state(translation.id, "final")
    assert "lead#0: not translated" in problems
    assert services.translations._segment(translation.id, "headline#0").state == SegmentState.TRANSLATED

    _translate_all(services, translation.id)
    assert services.translations.set_state(translation.id, "final") == []
    assert {s.state for s in services.translations.segments(translation.id)} == {SegmentState.FINAL}


def test_confirming_an_empty_target_is_refused(services, article) -> None:
    translation = services.translations.create(article.id, "en")
    with pytest.raises(Refused, match="empty"):
        services.translations.save_segment(translation.id, "headline#0", "   ", SegmentState.TRANSLATED)


def test_segment_saves_are_kept_in_revision_history(services, article) -> None:
    translation = services.translations.create(article.id, "en")
    services.translations.save_segment(translation.id, "headline#0", "One")
    services.translations.save_segment(translation.id, "headline#0", "Two")
    history = services.editorial.history(translation.id)
    assert [r.reason for r in history] == ["autosave", "created"]
    assert history[0].article.headline == "Two"


def test_comments_follow_their_sentence_when_the_paragraph_is_renumbered(services, article) -> None:
    translation = services.translations.create(article.id, "en")
    first = article.blocks[0]
    services.translations.comment(translation.id, f"{first.id}#0", "Kiểm tra tên riêng")
    services.editorial.save(
        replace(article, blocks=[Block(first.id, f"Câu mở đầu mới. {first.text}"), *article.blocks[1:]])
    )
    segments = {s.address: s for s in services.translations.segments(translation.id)}
    assert segments[f"{first.id}#0"].comments == ()
    assert [c.text for c in segments[f"{first.id}#1"].comments] == ["Kiểm tra tên riêng"]


def test_bold_and_links_travel_as_tags_and_come_back_as_marks(services) -> None:
    from workstation.model import Mark

    text = "Đại sứ Nguyễn Văn A dự lễ khai mạc. Câu thứ hai."
    article = services.editorial.create_article("vi", "Tin")
    bold = Mark(text.index("Nguyễn"), text.index(" dự"), "bold")
    link = Mark(text.index("lễ khai mạc"), text.index("."), "link", "https://vietnam.vn")
    article = services.editorial.save(replace(article, blocks=[Block("b", text, marks=(bold, link))]))
    translation = services.translations.create(article.id, "en")
    segments = {s.address: s for s in services.translations.segments(translation.id)}
    assert segments["b#0"].source_text == "Đại sứ <b1>Nguyễn Văn A</b1> dự <a2>lễ khai mạc</a2>."
    assert segments["b#1"].source_text == "Câu thứ hai."

    services.translations.save_segment(
        translation.id, "b#0", "Ambassador <b1>Nguyen Van A</b1> attended <a2>the opening</a2>."
    )
    saved = services.translations.save_segment(translation.id, "b#1", "Second sentence.")
    block = saved.blocks[0]
    assert block.text == "Ambassador Nguyen Van A attended the opening. Second sentence."
    assert block.marks == (
        Mark(11, 23, "bold"),
        Mark(33, 44, "link", "https://vietnam.vn"),
    )
    assert block.text[11:23] == "Nguyen Van A" and block.text[33:44] == "the opening"


def test_tags_in_a_source_sentence_split_across_sentences() -> None:
    from workstation.model import Mark
    from workstation.translation.tags import strip_tags, tag_sentence, untag

    text = "Một hai. Ba bốn."
    mark = Mark(4, 11, "italic")  # "hai. Ba" spans the sentence break
    first = tag_sentence(text, 0, 8, [mark])
    second = tag_sentence(text, 9, 16, [mark])
    assert (first.text, second.text) == ("Một <i1>hai.</i1>", "<i1>Ba</i1> bốn.")
    assert strip_tags(first.text) == "Một hai."
    assert untag("x <i1>y</i1> <b2>z") == ("x y z", (Mark(2, 3, "italic"),))


def test_confirmed_segments_feed_the_memory_and_fill_repetitions(services) -> None:
    article = services.editorial.create_article(
        "vi", "Tin", lead="Xin chào các bạn.", paragraphs=["Nội dung.", "Xin chào các bạn."]
    )
    translation = services.translations.create(article.id, "en")
    services.translations.save_segment(translation.id, "lead#0", "Hello, friends.")
    segments = {s.address: s for s in services.translations.segments(translation.id)}
    repeat = segments[f"{article.blocks[1].id}#0"]
    assert (repeat.target_text, repeat.origin, repeat.state) == ("Hello, friends.", "propagated", "translated")
    matches = services.memory.lookup("vi", "en", "Xin chào các bạn.")
    assert matches[0].score == 100 and matches[0].target == "Hello, friends."
    # A draft is not confirmed: it stays out of the memory.
    services.translations.save_segment(translation.id, "headline#0", "News", SegmentState.DRAFT)
    assert not services.memory.lookup("vi", "en", "Tin", minimum=100)


def test_propagation_can_be_switched_off(services) -> None:
    services.memory.set_autopropagate(False)
    article = services.editorial.create_article("vi", "Tin", lead="Một câu.", paragraphs=["Một câu."])
    translation = services.translations.create(article.id, "en")
    services.translations.save_segment(translation.id, "lead#0", "One sentence.")
    assert services.translations._segment(translation.id, f"{article.blocks[0].id}#0").target_text == ""
