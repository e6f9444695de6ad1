"""Articles and translations as IPTC ninjs 3.1 items (the mapping table of ARCHITECTURE.md)."""

from __future__ import annotations

import json
from functools import cache
from typing import TYPE_CHECKING, Any

from workstation.editorial.body_html import body_html as blocks_html
from workstation.language.counting import count
from workstation.model import Article, ArticleState
from workstation.resources import resource_path

if TYPE_CHECKING:
    from jsonschema import Draft202012Validator

_PUB_STATUS = {ArticleState.RETURNED: "withheld"}


def item_uri(article_id: str) -> str:
    return f"urn:uuid:{article_id}"


def body_html(article: Article) -> str:
    return blocks_html(article.blocks)


def to_ninjs(article: Article, station_id: str, station_name: str) -> dict[str, Any]:
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
    if article.translated_from:
        item["associations"] = [{"name": "source", "rel": "translationOf", "uri": item_uri(article.translated_from)}]
    if article.translation_id:
        item["altIds"] = [{"role": "translationFamily", "value": item_uri(article.translation_id)}]
    return item


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
