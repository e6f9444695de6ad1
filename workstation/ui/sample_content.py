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
