"""Fill a workspace with the project's own sample content (resources/samples/), through the services."""

from __future__ import annotations

import io
import json
from dataclasses import replace
from typing import Any

from workstation.app import Services
from workstation.ids import new_id
from workstation.model import Article, Block, BlockKind, Mark, Package, SegmentState
from workstation.resources import resource_path


def load_sample_content(services: Services) -> Package:
    sample = json.loads(resource_path("samples", "workspace.json").read_text("utf-8"))
    article = services.editorial.create_article(**sample["article"])
    if "picture" in sample:
        article = _add_picture(services, article, sample["picture"])
    if "revision" in sample:
        article = _second_revision(services, article, sample["revision"], sample.get("details", {}))
    for language, targets in sample["translations"].items():
        translation = services.translations.create(article.id, language)
        for segment, target in zip(services.translations.segments(translation.id), targets, strict=False):
            services.translations.save_segment(translation.id, segment.address, target, SegmentState.TRANSLATED)
    return services.packaging.create(sample["package"], [article.id])


def _add_picture(services: Services, article: Article, picture: dict[str, Any]) -> Article:
    services.editorial.add_picture(
        article.id,
        _stage_photo(),
        name="khai-mac.jpg",
        captions=picture["captions"],
        alt_texts=picture["alt_texts"],
        credits=picture["credits"],
        position=picture["after_paragraph"],
    )
    return services.editorial.get(article.id)


def _second_revision(services: Services, article: Article, revision: dict[str, Any], details: dict) -> Article:
    """A later edit, so the history has something to show: a changed figure, new blocks, a bold phrase."""
    blocks = list(article.blocks)
    first = blocks[0]
    start = first.text.find(revision["bold"])
    if start >= 0:
        blocks[0] = replace(first, marks=(Mark(start, start + len(revision["bold"]), "bold"),))
    extra = [
        Block(new_id(), revision["heading"], BlockKind.HEADING),
        Block(new_id(), revision["quote"], BlockKind.QUOTE),
        *(Block(new_id(), item, BlockKind.BULLETED) for item in revision["list"]),
    ]
    blocks[-1:-1] = extra
    return services.editorial.save(replace(article, lead=revision["lead"], blocks=blocks, **details))


def _stage_photo() -> bytes:
    """A drawn stand-in for a photo (a stage under lights), so the sample needs no image file."""
    from PIL import Image, ImageDraw, ImageFilter

    width, height = 1200, 800
    image = Image.new("RGB", (width, height))
    draw = ImageDraw.Draw(image)
    for y in range(height):
        shade = int(30 + 60 * y / height)
        draw.line([(0, y), (width, y)], fill=(shade, 12, 40 + shade // 2))
    draw.rectangle([0, 560, width, height], fill=(90, 40, 20))
    for x, colour in ((260, (200, 20, 30)), (520, (220, 170, 30)), (780, (200, 20, 30)), (1000, (40, 120, 200))):
        draw.ellipse([x - 35, 300, x + 35, 370], fill=(230, 190, 160))
        draw.polygon([(x - 70, 560), (x + 70, 560), (x + 40, 370), (x - 40, 370)], fill=colour)
    for x in range(100, width, 220):
        draw.polygon([(x, 0), (x - 120, 560), (x + 120, 560)], fill=(255, 240, 200))
    image = image.filter(ImageFilter.GaussianBlur(2))
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=88)
    return buffer.getvalue()


STALE_SAMPLE_SOURCE = {
    "language": "en",
    "headline": "Vietnamese coffee finds new buyers in Europe",
    "lead": "Exports of Vietnamese coffee to Europe rose by 12 percent in the first half of 2024. "
    "Growers in the Central Highlands credit higher quality standards.",
    "paragraphs": [
        "The Embassy of Vietnam in Belgium hosted a tasting for importers in Brussels on 14 June. "
        "More than 80 companies attended.",
        "Robusta from Dak Lak and arabica from Lam Dong were the most sought-after varieties. "
        "Several buyers signed letters of intent on the spot.",
        "The trade office plans a second tasting in Hamburg in October.",
    ],
    "byline": "Minh Anh",
    "dateline": "Brussels",
}
STALE_SAMPLE_TARGETS = [
    ("Cà phê Việt Nam tìm được khách hàng mới tại châu Âu", SegmentState.TRANSLATED),
    ("Xuất khẩu cà phê Việt Nam sang châu Âu tăng 12% trong sáu tháng đầu năm 2024.", SegmentState.TRANSLATED),
    ("Người trồng cà phê ở Tây Nguyên cho rằng đó là nhờ tiêu chuẩn chất lượng cao hơn.", SegmentState.TRANSLATED),
    (
        "Đại sứ quán Việt Nam tại Bỉ tổ chức buổi giới thiệu cà phê cho các nhà nhập khẩu tại Brussels ngày 14/6.",
        SegmentState.TRANSLATED,
    ),
    ("Hơn 80 doanh nghiệp đã tham dự.", SegmentState.TRANSLATED),
    ("Robusta Đắk Lắk và arabica Lâm Đồng là những loại được quan tâm nhiều nhất.", SegmentState.DRAFT),
]


def load_stale_translation_sample(services: Services) -> Article:
    """An English article translated into Vietnamese, then edited at the source (12 → 15 percent), so
    one segment is stale; a reviewer has left a note on it and rejected another. Returns the translation."""
    from workstation.model import Role

    source = services.editorial.create_article(**STALE_SAMPLE_SOURCE)
    translation = services.translations.create(source.id, "vi")
    segments = services.translations.segments(translation.id)
    for segment, (target, state) in zip(segments, STALE_SAMPLE_TARGETS, strict=False):
        services.translations.save_segment(translation.id, segment.address, target, state)
    services.editorial.save(replace(source, lead=source.lead.replace("rose by 12 percent", "rose by 15 percent")))
    segments = services.translations.segments(translation.id)  # follows the edit: the first lead sentence is stale
    translator = services.people.current()
    reviewer = "Thu Hà"
    if all(profile.name != reviewer for profile in services.people.all()):
        services.people.create(reviewer, frozenset({Role.TRANSLATOR}))
    services.people.act_as(reviewer)
    try:
        stale = next(segment for segment in segments if segment.is_stale)
        services.translations.comment(translation.id, stale.address, "Bản gốc đã sửa số liệu: 15%, không phải 12%.")
        attended = segments[4]
        services.translations.review(
            translation.id, attended.address, False, "“companies” nên dịch là “công ty”, như các bài trước."
        )
    finally:
        services.people.act_as(translator.name)
    return services.translations.get(translation.id)


# Glossary and memory for the translation editor's assistance (the "translation-assist" screenshot):
# official names of the sample article, earlier translations near its sentences, and targets that
# give QA something to show (the lead's 3,000 against the source's 3.500 is an error already).
ASSIST_GLOSSARY = [
    (
        "Đại sứ quán Việt Nam tại Hàn Quốc",
        "Embassy of Vietnam in the Republic of Korea",
        ["Vietnamese Embassy in South Korea"],
        "Official name; later mentions: the Embassy.",
    ),
    ("Tuần Văn hoá Việt Nam", "Vietnam Culture Week", [], "Name of the event, capitalised."),
    ("Đại sứ", "Ambassador", [], ""),
    ("quan hệ ngoại giao", "diplomatic relations", [], ""),
    ("giao lưu nhân dân", "people-to-people exchange", [], ""),
    (
        "nhã nhạc cung đình Huế",
        "Hue royal court music",
        ["Hue palace music"],
        "UNESCO Masterpiece of the Oral and Intangible Heritage of Humanity (2003).",
    ),
    ("lễ khai mạc", "opening ceremony", [], ""),
    ("áo dài", "ao dai", [], "Not italicised; the plural is also ao dai."),
    ("sản phẩm OCOP", "OCOP products", [], "One Commune One Product, the national programme."),
    ("Ban tổ chức", "the organisers", [], ""),
]
ASSIST_MEMORY = [
    (
        "Năm nay đánh dấu 30 năm thiết lập quan hệ ngoại giao.",
        "This year marks 30 years of diplomatic relations.",
        "tmx:dai-su-quan-2022.tmx",
    ),
    (
        "Năm 2022 đánh dấu 30 năm thiết lập quan hệ ngoại giao Việt Nam – Hàn Quốc.",
        "2022 marked 30 years of diplomatic relations between Vietnam and the Republic of Korea.",
        "portal",
    ),
    (
        "Năm nay đánh dấu 25 năm thiết lập quan hệ đối tác.",
        "This year marks 25 years of partnership.",
        "tmx:dai-su-quan-2022.tmx",
    ),
    (
        "Khách tham quan được thưởng thức áo dài và ẩm thực ba miền.",
        "Visitors enjoyed ao dai and food from the three regions.",
        "portal",
    ),
    (
        "Ban tổ chức cho biết tuần lễ sẽ tiếp tục tại Daegu vào tháng 12.",
        "The organisers said the week would continue in Daegu in December.",
        "tmx:dai-su-quan-2022.tmx",
    ),
]
ASSIST_TARGETS = {
    # An open warning: the period at the end is missing.
    "Văn hoá là cầu nối bền vững nhất giữa hai dân tộc.": "Culture is the most lasting bridge between the two peoples",
    # A warning acknowledged below: the glossary's full name is not used in a short list item.
    "Nhã nhạc cung đình Huế": "Hue court music",
    "Giao lưu nhân dân": "People-to-people exchange",
}
ASSIST_ACKNOWLEDGED = ("Nhã nhạc cung đình Huế", "glossary-missing")
ASSIST_SELECTED = "Năm nay đánh dấu"


def load_translation_assist_sample(services: Services, translation_id: str) -> str:
    """Glossary entries and memory units for the sample article's vi → en pair, a few targets with QA
    warnings (one acknowledged); returns the address of the segment to show, which has a fuzzy match."""
    for source, target, forbidden, note in ASSIST_GLOSSARY:
        services.glossary.add("vi", source, "en", target, forbidden, note, origin="import")
    for source, target, origin in ASSIST_MEMORY:
        services.memory.add("vi", "en", source, target, origin)
    segments = services.translations.segments(translation_id)
    for segment in segments:
        target = ASSIST_TARGETS.get(segment.source_text)
        if target:
            services.translations.save_segment(translation_id, segment.address, target, SegmentState.TRANSLATED)
    for issue in services.qa.issues(translation_id):
        source = next(s.source_text for s in segments if s.address == issue.address)
        if (source, issue.code) == ASSIST_ACKNOWLEDGED:
            services.qa.acknowledge(
                translation_id, issue.address, issue.code, "Short form in the list; the caption has the full name."
            )
    return next(s.address for s in segments if s.source_text.startswith(ASSIST_SELECTED))
