"""Articles and translations as IPTC ninjs 3.1 items (the mapping table of ARCHITECTURE.md)."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from workstation.editorial.body_html import body_html as blocks_html
from workstation.errors import BadInput, EnvironmentFailure
from workstation.language.counting import count
from workstation.model import Article, ArticleState, Picture
from workstation.packaging.rules import parse_embargo
from workstation.resources import resource_path

if TYPE_CHECKING:
    from jsonschema import Draft202012Validator

_PUB_STATUS = {ArticleState.RETURNED: "withheld"}
_CHUNK = 1024 * 1024
RENDITION_NAME = "web"
"""The one rendition a bundle carries of each picture: the web-sized file the portal publishes."""


@dataclass(frozen=True)
class MediaFacts:
    """What a ninjs rendition says about a picture file, read once from the file itself."""

    sha256: str
    extension: str
    content_type: str
    width: int
    height: int
    size: int

    @property
    def uri(self) -> str:
        """`urn:sha256:<hex>`: the picture's identity, and the href naming `data/media/<hex>.<ext>` in the bag."""
        return media_uri(self.sha256)

    @property
    def bag_path(self) -> str:
        return f"data/media/{self.sha256}.{self.extension}"


def media_uri(sha256: str) -> str:
    return f"urn:sha256:{sha256}"


def media_facts(path: Path) -> MediaFacts:
    """Hash the file in chunks and read its dimensions from the header, without decoding any pixels.

    BadInput when the file is not a JPEG, PNG or WebP picture; EnvironmentFailure when it cannot be read.
    """
    from PIL import Image, UnidentifiedImageError  # Pillow loads with the first picture

    from workstation.editorial.pictures import CONTENT_TYPES, EXTENSIONS

    digest, size = hashlib.sha256(), 0
    try:
        with path.open("rb") as reader:
            while chunk := reader.read(_CHUNK):
                digest.update(chunk)
                size += len(chunk)
            reader.seek(0)
            # Image.open reads the header only; the pixels would be decoded by load(), never called here.
            with Image.open(reader, formats=list(CONTENT_TYPES)) as image:
                picture_format, (width, height) = image.format, image.size
    except (UnidentifiedImageError, Image.DecompressionBombError) as error:
        raise BadInput(f"{path.name} is not a JPEG, PNG or WebP picture that can be sent") from error
    except FileNotFoundError as error:
        raise BadInput(f"cannot read {path}: the file does not exist") from error
    except OSError as error:
        raise EnvironmentFailure(f"cannot read {path}: {error.strerror or error}") from error
    content_type = CONTENT_TYPES[str(picture_format)]
    return MediaFacts(
        sha256=digest.hexdigest(),
        extension=EXTENSIONS[content_type],
        content_type=content_type,
        width=width,
        height=height,
        size=size,
    )


def item_uri(article_id: str) -> str:
    return f"urn:uuid:{article_id}"


def body_html(article: Article) -> str:
    return blocks_html(article.blocks)


def to_ninjs(
    article: Article,
    station_id: str,
    station_name: str,
    pictures: Sequence[tuple[Picture, MediaFacts]] = (),
) -> dict[str, Any]:
    """The article as a ninjs 3.1 item; `pictures` become `picture` associations with texts in its language."""
    counts = count(article.body_text, article.language)
    item: dict[str, Any] = {
        "uri": item_uri(article.id),
        "type": "text",
        "version": str(article.version),
        "language": article.language,
        "firstCreated": article.created_at,
        "versionCreated": article.updated_at,
        "pubStatus": _PUB_STATUS.get(ArticleState(article.state), "usable"),
        "headlines": [{"role": "main", "value": article.headline}],
        "bodies": [
            {
                "role": "main",
                "contentType": "text/html",
                "value": body_html(article),
                "wordCount": counts.length,
                "charCount": counts.characters,
            }
        ],
        "genres": [{"name": article.genre, "literal": article.genre}],
        "infoSources": [{"name": station_name, "role": "originator", "uri": item_uri(station_id)}],
    }
    if article.subheadline:
        item["headlines"].append({"role": "sub", "value": article.subheadline})
    if article.lead:
        item["descriptions"] = [{"role": "summary", "value": article.lead}]
    if article.byline:
        item["by"] = article.byline
    if article.dateline:
        item["located"] = article.dateline
    subjects = [{"name": subject, "rel": "about"} for subject in article.subjects]
    # ninjs 3.1 has no keywords array; keywords are subjects with `rel` keyword (ARCHITECTURE.md).
    subjects += [{"name": keyword, "rel": "keyword"} for keyword in article.keywords]
    if subjects:
        item["subjects"] = subjects
    if article.embargo:
        item["embargoedUntil"] = embargo_utc(article.embargo)
    if article.notes:
        item["edNote"] = article.notes
    associations = [picture_association(picture, media, article.language) for picture, media in pictures]
    if article.translated_from:
        associations.insert(0, {"name": "source", "rel": "translationOf", "uri": item_uri(article.translated_from)})
    if associations:
        item["associations"] = associations
    if article.translation_id:
        item["altIds"] = [{"role": "translationFamily", "value": item_uri(article.translation_id)}]
    return item


def embargo_utc(embargo: str) -> str:
    """The embargo as UTC (`2026-12-01T01:00:00Z`), so every reader compares the same moment.

    The completeness rules refuse an embargo without a UTC offset before sealing; one that does not
    parse is passed on as typed, and the schema check names it.
    """
    moment = parse_embargo(embargo)
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ") if moment else embargo


def picture_association(picture: Picture, media: MediaFacts, language: str) -> dict[str, Any]:
    """A `picture` association: the file by its sha256, and caption, alt text and credit in `language`.

    A text missing in that language is left out rather than borrowed from another language; the
    completeness rules name it before sealing.
    """
    association: dict[str, Any] = {
        # The picture's id, as the body's <figure data-picture="…"> names it (ninjs 1.x keyed
        # associations by this name; 3.x keeps it as `name`), so the portal can place each picture.
        "name": picture.id,
        "type": "picture",
        "rel": "picture",
        "uri": media.uri,
        "language": language,
        "renditions": [
            {
                "name": RENDITION_NAME,
                "href": media.uri,
                "contentType": media.content_type,
                "width": media.width,
                "height": media.height,
                "sizeInBytes": media.size,
            }
        ],
    }
    descriptions = [
        {"role": role, "value": text}
        for role, text in (("caption", picture.captions.get(language)), ("alt", picture.alt_texts.get(language)))
        if text
    ]
    if descriptions:
        association["descriptions"] = descriptions
    if credit := picture.credits.get(language):
        association["by"] = credit
    if picture.copyright_holder:
        association["copyrightHolder"] = picture.copyright_holder
    return association


def picture_renditions(item: Any) -> list[dict[str, Any]]:
    """The renditions of an item's picture associations, as found: the item may be hostile."""
    found: list[dict[str, Any]] = []
    if not isinstance(item, dict):
        return found
    associations = item.get("associations")
    for association in associations if isinstance(associations, list) else ():
        if not isinstance(association, dict) or association.get("type") != "picture":
            continue
        renditions = association.get("renditions")
        for rendition in renditions if isinstance(renditions, list) else ():
            if isinstance(rendition, dict):
                found.append(rendition)
    return found


@cache
def ninjs_validator() -> Draft202012Validator:
    from jsonschema import Draft202012Validator  # heavy; only sealing and verifying need it

    schema = json.loads(resource_path("schemas", "ninjs-schema_3.1.json").read_text("utf-8"))
    return Draft202012Validator(schema)


def ninjs_problems(item: Any) -> list[str]:
    """Every way the item fails the ninjs 3.1 schema, as readable lines."""
    problems = []
    for error in sorted(ninjs_validator().iter_errors(item), key=lambda e: list(e.absolute_path)):
        where = "/".join(str(part) for part in error.absolute_path) or "(item)"
        problems.append(f"{where}: {error.message}")
    return problems
