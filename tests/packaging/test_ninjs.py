"""Articles, translations and pictures as ninjs 3.1 items, validated against the vendored schema."""

from __future__ import annotations

import hashlib
import io
from pathlib import Path

import pytest

from workstation.errors import BadInput
from workstation.ids import new_id
from workstation.model import Article, Block, BlockKind, Picture
from workstation.packaging.ninjs import (
    MediaFacts,
    media_facts,
    ninjs_problems,
    picture_association,
    picture_renditions,
    to_ninjs,
)

STATION_ID = "01a21f53-0000-7000-8000-000000000001"


def picture_file(folder: Path, image_format: str, size: tuple[int, int] = (640, 427)) -> Path:
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", size, (30, 90, 160)).save(buffer, image_format)
    path = folder / f"photo.{image_format.lower()}"
    path.write_bytes(buffer.getvalue())
    return path


def article(language: str = "vi", **fields: object) -> Article:
    defaults: dict[str, object] = {
        "headline": "Đà Nẵng quảng bá du lịch tại Hàn Quốc",
        "lead": "Hơn 200 doanh nghiệp tham dự.",
        "blocks": [Block(id=new_id(), text="Đoàn công tác gặp gỡ các hãng lữ hành lớn.")],
        "created_at": "2026-11-27T10:00:00Z",
        "updated_at": "2026-11-27T10:05:00Z",
    }
    return Article(id=new_id(), station_id=STATION_ID, language=language, **{**defaults, **fields})


def picture(**fields: object) -> Picture:
    defaults: dict[str, object] = {
        "captions": {"vi": "Đoàn công tác tại Seoul", "en": "The delegation in Seoul", "zh": "代表团在首尔"},
        "alt_texts": {"vi": "Năm người đứng trước sân khấu", "en": "Five people in front of a stage", "zh": "五人"},
        "credits": {"vi": "Ảnh: Minh Anh", "en": "Photo: Minh Anh", "zh": "摄影：明英"},
        "copyright_holder": "Sở Du lịch Đà Nẵng",
        "original_name": "seoul.jpg",
    }
    return Picture(
        id=new_id(), article_id=new_id(), media_sha256="a" * 64, rendition_sha256="b" * 64,
        content_type="image/jpeg", width=640, height=427, **{**defaults, **fields},
    )  # fmt: skip


FACTS = MediaFacts(sha256="c" * 64, extension="jpg", content_type="image/jpeg", width=2048, height=1365, size=812_345)


@pytest.mark.parametrize(
    ("image_format", "extension", "content_type"),
    [("JPEG", "jpg", "image/jpeg"), ("PNG", "png", "image/png"), ("WEBP", "webp", "image/webp")],
)
def test_media_facts_read_the_file(tmp_path: Path, image_format: str, extension: str, content_type: str) -> None:
    path = picture_file(tmp_path, image_format, (641, 427))
    facts = media_facts(path)
    data = path.read_bytes()
    assert facts == MediaFacts(hashlib.sha256(data).hexdigest(), extension, content_type, 641, 427, len(data))
    assert facts.uri == f"urn:sha256:{facts.sha256}"
    assert facts.bag_path == f"data/media/{facts.sha256}.{extension}"


def test_media_facts_hash_a_file_larger_than_one_chunk(tmp_path: Path) -> None:
    path = picture_file(tmp_path, "PNG", (16, 16))
    with path.open("ab") as handle:  # trailing bytes after IEND: still a PNG, now three chunks long
        handle.write(bytes(range(256)) * 10_000)
    assert media_facts(path).sha256 == hashlib.sha256(path.read_bytes()).hexdigest()
    assert media_facts(path).size == path.stat().st_size > 2 * 1024 * 1024


def test_media_facts_refuse_what_is_not_a_picture(tmp_path: Path) -> None:
    text = tmp_path / "notes.jpg"
    text.write_text("not a picture", encoding="utf-8")
    with pytest.raises(BadInput, match=r"notes\.jpg is not a JPEG, PNG or WebP picture"):
        media_facts(text)
    gif = tmp_path / "anim.gif"
    from PIL import Image

    Image.new("RGB", (4, 4)).save(gif, "GIF")
    with pytest.raises(BadInput, match=r"anim\.gif is not a JPEG, PNG or WebP"):
        media_facts(gif)
    with pytest.raises(BadInput, match="does not exist"):
        media_facts(tmp_path / "absent.png")


def test_picture_association_follows_the_mapping_table() -> None:
    shown = picture()
    assert picture_association(shown, FACTS, "en") == {
        "name": shown.id,
        "type": "picture",
        "rel": "picture",
        "uri": "urn:sha256:" + "c" * 64,
        "language": "en",
        "renditions": [
            {
                "name": "web",
                "href": "urn:sha256:" + "c" * 64,
                "contentType": "image/jpeg",
                "width": 2048,
                "height": 1365,
                "sizeInBytes": 812_345,
            }
        ],
        "descriptions": [
            {"role": "caption", "value": "The delegation in Seoul"},
            {"role": "alt", "value": "Five people in front of a stage"},
        ],
        "by": "Photo: Minh Anh",
        "copyrightHolder": "Sở Du lịch Đà Nẵng",
    }


def test_a_text_missing_in_the_items_language_is_left_out_not_borrowed() -> None:
    association = picture_association(picture(alt_texts={"vi": "Mô tả"}, credits={}, copyright_holder=""), FACTS, "en")
    assert association["descriptions"] == [{"role": "caption", "value": "The delegation in Seoul"}]
    assert "by" not in association and "copyrightHolder" not in association
    item = to_ninjs(article("en"), STATION_ID, "Đại sứ quán", [(picture(captions={}, alt_texts={}), FACTS)])
    assert "descriptions" not in item["associations"][0]
    assert ninjs_problems(item) == []


def test_item_with_pictures_validates_and_names_them_as_the_body_does() -> None:
    shown = picture()
    source = article(blocks=[Block(id=new_id(), text="Mở đầu."), Block(id=new_id(), text="", kind=BlockKind.PICTURE,
                                                                       picture_id=shown.id)])  # fmt: skip
    other = MediaFacts("d" * 64, "png", "image/png", 800, 600, 1234)
    item = to_ninjs(source, STATION_ID, "Đại sứ quán", [(shown, FACTS), (picture(), other)])
    assert ninjs_problems(item) == []
    assert [association["uri"] for association in item["associations"]] == [FACTS.uri, other.uri]
    assert f'<figure data-picture="{item["associations"][0]["name"]}">' in item["bodies"][0]["value"]
    assert item["associations"][0]["descriptions"][0] == {"role": "caption", "value": "Đoàn công tác tại Seoul"}
    assert picture_renditions(item)[1]["href"] == other.uri


def test_translation_keeps_its_source_link_beside_pictures_in_its_language() -> None:
    source = article("vi")
    translation = article("zh", headline="岘港在韩国推介旅游", lead="两百多家企业参加。",
                          blocks=[Block(id=new_id(), text="代表团会见了大型旅行社。")])  # fmt: skip
    translation.translated_from, translation.translation_id = source.id, source.id
    item = to_ninjs(translation, STATION_ID, "Đại sứ quán", [(picture(), FACTS)])
    assert ninjs_problems(item) == []
    source_link, shown = item["associations"]
    assert source_link == {"name": "source", "rel": "translationOf", "uri": f"urn:uuid:{source.id}"}
    assert shown["language"] == "zh" and shown["by"] == "摄影：明英"
    assert shown["descriptions"] == [{"role": "caption", "value": "代表团在首尔"}, {"role": "alt", "value": "五人"}]
    assert item["altIds"] == [{"role": "translationFamily", "value": f"urn:uuid:{source.id}"}]


@pytest.mark.parametrize(
    ("language", "headline", "body", "characters"),
    [
        ("zh", "岘港在韩国推介旅游", "代表团会见了大型旅行社。", 12),
        ("ja", "ダナンが韓国で観光をPR", "代表団は大手旅行会社と会った。", 15),
        ("ko", "다낭, 한국에서 관광 홍보", "대표단은 대형 여행사들과 만났다.", 15),
    ],
)
def test_cjk_items_validate_and_count_characters(language: str, headline: str, body: str, characters: int) -> None:
    item = to_ninjs(article(language, headline=headline, blocks=[Block(id=new_id(), text=body)]), STATION_ID, "S")
    assert ninjs_problems(item) == []
    assert item["headlines"][0]["value"] == headline
    assert item["bodies"][0]["charCount"] == characters


def test_without_pictures_a_source_item_has_no_associations() -> None:
    item = to_ninjs(article(), STATION_ID, "Đại sứ quán")
    assert "associations" not in item
    assert ninjs_problems(item) == []


def test_schema_catches_a_broken_picture_association() -> None:
    item = to_ninjs(article(), STATION_ID, "S", [(picture(), FACTS)])
    del item["associations"][0]["name"]
    item["associations"][0]["renditions"][0]["sizeInBytes"] = "812 KB"
    problems = "\n".join(ninjs_problems(item))
    assert "'name' is a required property" in problems
    assert "associations/0/renditions/0/sizeInBytes: '812 KB' is not of type 'integer'" in problems


@pytest.mark.parametrize(
    ("hostile", "renditions"),
    [
        (None, []),
        ([], []),
        ({"associations": "x"}, []),
        ({"associations": [1, {"type": "picture"}]}, []),
        ({"associations": [{"type": "picture", "renditions": [3, {"href": 4}]}]}, [{"href": 4}]),
        ({"associations": [{"type": "text", "renditions": [{"href": "urn:x"}]}]}, []),
    ],
)
def test_picture_renditions_of_hostile_items_never_fail(hostile: object, renditions: list) -> None:
    assert picture_renditions(hostile) == renditions


def test_subjects_keywords_embargo_and_notes_follow_the_mapping_table() -> None:
    item = to_ninjs(
        article(
            subjects=["Văn hoá", "Ngoại giao"],
            keywords=["Seoul"],
            embargo="2026-12-01T08:00:00+07:00",
            notes="Ảnh do Đại sứ quán cung cấp.",
        ),
        STATION_ID,
        "Đại sứ quán",
    )

    assert item["subjects"] == [
        {"name": "Văn hoá", "rel": "about"},
        {"name": "Ngoại giao", "rel": "about"},
        {"name": "Seoul", "rel": "keyword"},
    ]
    assert item["embargoedUntil"] == "2026-12-01T01:00:00Z"
    assert item["edNote"] == "Ảnh do Đại sứ quán cung cấp."
    assert ninjs_problems(item) == []


def test_an_article_without_subjects_embargo_or_notes_carries_none_of_them() -> None:
    item = to_ninjs(article(), STATION_ID, "Đại sứ quán")

    assert not {"subjects", "embargoedUntil", "edNote"} & item.keys()
