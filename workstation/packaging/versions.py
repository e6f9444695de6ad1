"""Package versions: a snapshot of what each sealed version held, and a readable summary of what changed.

A snapshot is plain JSON, kept per sealed version in the store: the package's name, destination and
note; per source article its items (id, language, headline, subheadline, lead, byline, dateline,
embargo, body digest and word count, workflow state) and its pictures (rendition digest, and a digest
of the caption, alt text and credit in each language of the package). Texts a person reads in a summary
are kept whole; the body and the picture texts as digests, which is all a summary needs to say
"changed".

Workflow states are kept but are not content: sealing moves approved items to packaged, and that
alone must not make the next seal look different (see `content_digest`).
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from typing import Any

from workstation.editorial.body_html import body_html
from workstation.language.counting import count
from workstation.model import Article, Package
from workstation.packaging.rules import PICTURE_TEXT_NAMES, ArticleFacts, picture_text
from workstation.signing import canonical_json

Snapshot = dict[str, Any]

SNAPSHOT_FORMAT = 1
ITEM_TEXT_FIELDS = ("headline", "subheadline", "lead", "byline", "dateline", "embargo")
_NOT_CONTENT = frozenset({"state"})


def snapshot(package: Package, articles: Sequence[ArticleFacts], languages: Sequence[str]) -> Snapshot:
    """What a version of `package` holds; `languages` are the package's (its picture texts are kept in each)."""
    return {
        "format": SNAPSHOT_FORMAT,
        "name": package.name,
        "destination": package.destination,
        "note": package.note,
        "articles": [_article(article, languages) for article in articles],
    }


def content_digest(held: Snapshot) -> str:
    """sha256 of the snapshot's content, workflow states left out: equal digests, nothing to send again."""
    return hashlib.sha256(canonical_json(_without_states(held))).hexdigest()


def _article(article: ArticleFacts, languages: Sequence[str]) -> dict[str, Any]:
    return {
        "id": article.source.id,
        "headline": article.source.headline,
        "items": [_item(item) for item in article.items],
        "pictures": [
            {
                "id": picture.id,
                "name": picture.original_name or picture.id,
                "sha256": picture.rendition_sha256,
                "texts": {
                    language: {text: _digest(picture_text(picture, text, language)) for text in PICTURE_TEXT_NAMES}
                    for language in languages
                },
            }
            for picture in article.pictures
        ],
    }


def _item(item: Article) -> dict[str, Any]:
    counts = count(item.body_text, item.language)
    return {
        "id": item.id,
        "language": item.language,
        **{name: getattr(item, name) or "" for name in ITEM_TEXT_FIELDS},
        "body_sha256": _digest(body_html(item.blocks)),
        "words": counts.length,
        "unit": counts.unit,
        "state": item.state,
    }


def _digest(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest() if text else ""


def _without_states(value: Any) -> Any:
    if isinstance(value, dict):
        return {key: _without_states(inner) for key, inner in value.items() if key not in _NOT_CONTENT}
    if isinstance(value, list):
        return [_without_states(inner) for inner in value]
    return value


# --- change summaries --------------------------------------------------------------------------------


def change_summary(previous: Snapshot | None, current: Snapshot) -> list[str]:
    """What changed from `previous` to `current`, one readable line per change; [] for a first version.

    Articles are named by their headline as now sealed, items by language; a changed body says how
    many words (characters, for Chinese, Japanese and Korean) it gained or lost.
    """
    if previous is None:
        return []
    lines = _package_changes(previous, current)
    before = {article["id"]: article for article in previous["articles"]}
    after = {article["id"]: article for article in current["articles"]}
    for article in current["articles"]:
        if article["id"] not in before:
            languages = ", ".join(item["language"] for item in article["items"])
            lines.append(f"article added: “{_name(article)}” ({languages})")
    for article in previous["articles"]:
        if article["id"] not in after:
            lines.append(f"article removed: “{_name(article)}”")
    kept_before = [article_id for article_id in before if article_id in after]
    kept_after = [article_id for article_id in after if article_id in before]
    if kept_before != kept_after:
        lines.append("articles reordered")
    for article in current["articles"]:
        if article["id"] in before:
            lines += _article_changes(before[article["id"]], article)
    return lines


def _package_changes(previous: Snapshot, current: Snapshot) -> list[str]:
    lines = []
    if previous["name"] != current["name"]:
        lines.append(f"name changed: “{previous['name']}” → “{current['name']}”")
    if previous["destination"] != current["destination"]:
        lines.append(f"destination changed: {previous['destination']} → {current['destination']}")
    if previous["note"] != current["note"]:
        lines.append("note to the portal's editors changed")
    return lines


def _article_changes(previous: dict[str, Any], current: dict[str, Any]) -> list[str]:
    name = _name(current)
    lines = []
    before = {item["language"]: item for item in previous["items"]}
    after = {item["language"]: item for item in current["items"]}
    lines += [f"“{name}”: {language} added" for language in after if language not in before]
    lines += [f"“{name}”: {language} removed" for language in before if language not in after]
    for item in current["items"]:
        old = before.get(item["language"])
        if old is not None:
            changed = _item_changes(old, item)
            if changed:
                lines.append(f"“{name}” ({item['language']}): {', '.join(changed)}")
    lines += _picture_changes(name, previous["pictures"], current["pictures"])
    return lines


def _item_changes(previous: dict[str, Any], current: dict[str, Any]) -> list[str]:
    changed = []
    if previous["id"] != current["id"]:
        changed.append("replaced by another translation")
    for name in ITEM_TEXT_FIELDS:
        if previous.get(name, "") != current.get(name, ""):
            if name == "embargo":
                changed.append(f"embargo {previous[name] or 'none'} → {current[name] or 'none'}")
            else:
                changed.append(f"{name} changed")
    if previous["body_sha256"] != current["body_sha256"]:
        difference = current["words"] - previous["words"]
        unit = "characters" if current.get("unit") == "characters" else "words"
        changed.append(f"body changed ({difference:+d} {unit})" if difference else "body changed (same length)")
    return changed


def _picture_changes(name: str, previous: list[dict[str, Any]], current: list[dict[str, Any]]) -> list[str]:
    lines = []
    before = {picture["id"]: picture for picture in previous}
    after = {picture["id"]: picture for picture in current}
    for picture in current:
        if picture["id"] not in before:
            lines.append(f"“{name}”: picture {picture['name']} added")
    for picture in previous:
        if picture["id"] not in after:
            lines.append(f"“{name}”: picture {picture['name']} removed")
    for picture in current:
        old = before.get(picture["id"])
        if old is None:
            continue
        if old["sha256"] != picture["sha256"]:
            lines.append(f"“{name}”: picture {picture['name']} replaced")
        for language, texts in picture["texts"].items():
            old_texts = old["texts"].get(language)
            if old_texts is None:
                continue  # a language new to the package: its texts are new, not changed
            changed = [label for text, label in PICTURE_TEXT_NAMES.items() if old_texts.get(text) != texts.get(text)]
            if changed:
                lines.append(f"“{name}” ({language}): {' and '.join(changed)} of picture {picture['name']} changed")
    return lines


def _name(article: dict[str, Any]) -> str:
    return article["headline"] or article["id"]
