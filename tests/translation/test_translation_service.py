from __future__ import annotations

import pytest

from workstation.errors import NotFound, Refused
from workstation.model import SegmentState


def test_translation_is_its_own_item_linked_to_its_source(services, sample_article) -> None:
    translation = services.translations.create(sample_article.id, "en")
    assert translation.language == "en"
    assert translation.translated_from == sample_article.id
    assert translation.translation_id == sample_article.id
    assert translation.direction == "forward"
    assert [b.id for b in translation.blocks] == [b.id for b in sample_article.blocks]


def test_one_segment_per_sentence_addressed_by_part(services, sample_article) -> None:
    translation = services.translations.create(sample_article.id, "en")
    segments = services.translations.segments(translation.id)
    addresses = [s.address for s in segments]
    assert addresses[0] == "headline#0"
    assert "lead#0" in addresses and "lead#1" in addresses
    block = sample_article.blocks[0].id
    assert f"{block}#0" in addresses
    assert all(s.state == SegmentState.NEW and s.target_text == "" for s in segments)
    assert [s.position for s in segments] == list(range(len(segments)))


def test_saving_segments_rebuilds_the_translation(services, sample_article) -> None:
    translation = services.translations.create(sample_article.id, "en")
    segments = services.translations.segments(translation.id)
    lead = [s for s in segments if s.part == "lead"]
    services.translations.save_segment(translation.id, "headline#0", "Da Nang promotes tourism in Korea")
    services.translations.save_segment(translation.id, lead[0].address, "First sentence.")
    updated = services.translations.save_segment(translation.id, lead[1].address, "Second sentence.")
    assert updated.headline == "Da Nang promotes tourism in Korea"
    assert updated.lead == "First sentence. Second sentence."
    assert services.editorial.get(translation.id).lead == "First sentence. Second sentence."
    assert updated.version == translation.version + 3


def test_cjk_targets_join_without_spaces(services, sample_article) -> None:
    translation = services.translations.create(sample_article.id, "zh")
    lead = [s for s in services.translations.segments(translation.id) if s.part == "lead"]
    services.translations.save_segment(translation.id, lead[0].address, "第一句。")
    updated = services.translations.save_segment(translation.id, lead[1].address, "第二句。")
    assert updated.lead == "第一句。第二句。"


def test_refusals(services, sample_article) -> None:
    with pytest.raises(Refused, match="already in vi"):
        services.translations.create(sample_article.id, "vi")
    translation = services.translations.create(sample_article.id, "en")
    with pytest.raises(Refused, match="exists already"):
        services.translations.create(sample_article.id, "en")
    with pytest.raises(Refused, match="source article"):
        services.translations.create(translation.id, "zh")
    with pytest.raises(NotFound):
        services.translations.save_segment(translation.id, "nowhere#9", "x")
    with pytest.raises(NotFound):
        services.translations.create("missing", "en")
