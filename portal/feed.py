"""The feed: what the portal sends back to stations, in cursor order, each entry signed by the portal.

Kinds: `receipt` (the receipt itself, added when a receipt is first made), `decision` (an editor
published or returned an item of a bundle), `glossary` and `memory` (updates for every station or
for some). A station reads only its own entries and broadcast ones; re-reading from any cursor gives
the same entries with the same documents, because entries are never changed nor removed.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from portal.store import FeedRow, PortalStore
from workstation.translation.glossary import TermPair
from workstation.translation.tmx import TmUnit

RECEIPT = "receipt"
DECISION = "decision"
GLOSSARY = "glossary"
MEMORY = "memory"
FEED_KINDS = (RECEIPT, DECISION, GLOSSARY, MEMORY)

PUBLISHED = "published"
RETURNED = "returned"

DEFAULT_PAGE_SIZE = 100
MAX_PAGE_SIZE = 500


@dataclass(frozen=True)
class FeedPage:
    entries: list[FeedRow]
    next_cursor: int
    """The last entry's cursor, or the `after` asked for when the page is empty."""
    more: bool


def read_feed(store: PortalStore, station_id: str, after: int, limit: int) -> FeedPage:
    rows = store.feed(station_id, after, limit + 1)  # one more than asked: is there another page?
    page = rows[:limit]
    return FeedPage(page, page[-1].cursor if page else after, len(rows) > limit)


def decision_payload(
    decision_id: str,
    package_id: str,
    version: int,
    station_id: str,
    item_id: str,
    language: str,
    outcome: str,
    comments: Sequence[str],
    editor: str,
    decided_at: str,
) -> dict[str, Any]:
    return {
        "decision_id": decision_id,
        "bundle": f"urn:uuid:{package_id}/v{version}",
        "package_id": package_id,
        "version": version,
        "station_id": station_id,
        "item_id": item_id,
        "language": language,
        "outcome": outcome,
        "comments": list(comments),
        "editor": editor,
        "decided_at": decided_at,
    }


def glossary_payload(update_id: str, pairs: Iterable[TermPair], published_at: str) -> dict[str, Any]:
    """Entries as `Glossary.merge` takes them at the station; `id` only where the file gave one."""
    entries = []
    for pair in pairs:
        entry: dict[str, Any] = {"id": pair.id} if pair.id else {}
        entry |= {
            "source_language": pair.source_language,
            "source_term": pair.source_term,
            "target_language": pair.target_language,
            "target_term": pair.target_term,
            "forbidden": list(pair.forbidden),
            "note": pair.note,
        }
        entries.append(entry)
    return {"update_id": update_id, "entries": entries, "published_at": published_at}


def memory_payload(update_id: str, units: Iterable[TmUnit], published_at: str) -> dict[str, Any]:
    """Units as `TranslationMemory.merge` takes them at the station."""
    return {
        "update_id": update_id,
        "units": [
            {
                "source_lang": unit.source_lang,
                "target_lang": unit.target_lang,
                "source": unit.source,
                "target": unit.target,
                "created_at": unit.created_at,
                "changed_at": unit.changed_at,
                "created_by": unit.created_by,
            }
            for unit in units
        ],
        "published_at": published_at,
    }
