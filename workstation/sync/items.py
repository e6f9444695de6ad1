"""The portal as an actor in the editorial workflow: it moves items the way a coordinator would.

Nobody at the keyboard decides that a bundle was accepted or an article returned, so these moves
are made by a system actor, the "portal", holding only the coordinator role; every step it takes
is one the workflow allows a coordinator and is recorded in the item's state history as "portal".
"""

from __future__ import annotations

import json
import zipfile
from collections import deque
from dataclasses import dataclass, replace
from itertools import pairwise
from pathlib import Path

from workstation.clock import Clock, timestamp
from workstation.editorial import workflow
from workstation.model import ArticleState, Profile, Role, StateChange
from workstation.packaging.bundle import PACKAGE_FILE, BundleIdentity
from workstation.storage.articles import ArticleRepository
from workstation.storage.people import StateChangeRepository
from workstation.storage.store import Store

PORTAL_ACTOR = Profile(id="portal", name="portal", roles=frozenset({Role.COORDINATOR}))
"""Who the state history names for moves the portal's answers cause."""


@dataclass(frozen=True)
class BundleItemRef:
    item_id: str
    language: str


@dataclass(frozen=True)
class ItemMove:
    """What moving one item did: the states it went through, or why it stayed."""

    item_id: str
    path: tuple[str, ...] = ()
    problem: str = ""

    @property
    def moved(self) -> bool:
        return len(self.path) > 1


class PortalActor:
    def __init__(self, store: Store, clock: Clock) -> None:
        self._store = store
        self._clock = clock
        self._articles = ArticleRepository(store)

    def move(self, item_id: str, to_state: str, comment: str = "") -> ItemMove:
        """Walk the item to `to_state` through coordinator steps, recording each; joins the caller's
        transaction. An item already there, gone, or out of the portal's reach (reopened as a draft
        meanwhile) stays as it is, and the move says why."""
        with self._store.transaction() as connection:
            article = self._articles.get(item_id)
            if article is None:
                return ItemMove(item_id, problem=f"item {item_id} is not in this workspace")
            path = coordinator_path(article.state, to_state, article.is_translation)
            if path is None:
                return ItemMove(
                    item_id, problem=f"item {item_id} is {article.state}; the portal cannot move it to {to_state}"
                )
            now = timestamp(self._clock())
            for from_state, next_state in pairwise(path):
                article = replace(article, state=next_state, version=article.version + 1, updated_at=now)
                self._articles.update(article)
                StateChangeRepository.record(
                    connection,
                    StateChange(
                        item_id, from_state, next_state, PORTAL_ACTOR.id, PORTAL_ACTOR.name, now, comment.strip()
                    ),
                )
            return ItemMove(item_id, tuple(path))


def coordinator_path(from_state: str, to_state: str, is_translation: bool) -> list[str] | None:
    """The shortest chain of states from one to the other that the portal actor may walk, or None."""
    if from_state == to_state:
        return [from_state]
    previous: dict[str, str] = {}
    queue = deque([from_state])
    while queue:
        state = queue.popleft()
        for candidate in workflow.next_states(state):
            if candidate in previous or candidate == from_state:
                continue
            if workflow.refusal(PORTAL_ACTOR, state, candidate, is_translation) is not None:
                continue
            previous[candidate] = state
            if candidate == to_state:
                path = [candidate]
                while path[-1] != from_state:
                    path.append(previous[path[-1]])
                return path[::-1]
            queue.append(candidate)
    return None


def bundle_items(path: Path, identity: BundleIdentity) -> list[BundleItemRef]:
    """The items a sealed bundle carries, from its data/package.json; empty when the file is gone."""
    try:
        with zipfile.ZipFile(path) as archive:
            package = json.loads(archive.read(f"{identity.folder}/{PACKAGE_FILE}"))
    except (OSError, KeyError, ValueError, zipfile.BadZipFile):
        return []
    items = package.get("items") if isinstance(package, dict) else None
    return [
        BundleItemRef(str(item["id"]), str(item.get("language", "")))
        for item in items or []
        if isinstance(item, dict) and item.get("id")
    ]


SENT = ArticleState.SENT
ACCEPTED = ArticleState.ACCEPTED
RETURNED = ArticleState.RETURNED
