"""What the portal sends back, applied at the station: receipts, editors' decisions, glossary and memory.

Each feed entry is verified against the portal key recorded at enrolment, then applied in one
transaction together with its record in the ledger and the new cursor, so a crash never applies an
entry twice nor skips one. Entries are also remembered by their own id (decision id, update id,
bundle and sha256), so re-reading the feed from any cursor changes nothing.

An entry that does not verify stops the pull before it (the cursor stays, nothing after it is applied)
and is reported: it may be damage on the way, or a portal that is not the one enrolled with. An entry
that verifies but cannot be used (a receipt for a bundle never sealed here, a glossary entry without
terms) is recorded as not applied, with why, and the pull moves on: the portal's word will not change.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from workstation.clock import Clock, timestamp
from workstation.errors import BadInput
from workstation.events import ChangeBus
from workstation.model import Changes, DeliveryRoute, ItemDecision
from workstation.signing import verify_signed_payload
from workstation.storage.store import Store
from workstation.storage.sync_state import DecisionRepository, FeedLedger
from workstation.sync.items import ACCEPTED, RETURNED, PortalActor
from workstation.sync.receipts import VERDICT_CHANGES, ReceiptBook, ReceiptProblem

if TYPE_CHECKING:
    from workstation.translation.glossary import Glossary
    from workstation.translation.memory import TranslationMemory

log = logging.getLogger(__name__)

RECEIPT = "receipt"
DECISION = "decision"
GLOSSARY = "glossary"
MEMORY = "memory"
PUBLISHED = "published"

_OUTCOME_STATES = {PUBLISHED: ACCEPTED, RETURNED: RETURNED}


@dataclass(frozen=True)
class FeedEntry:
    cursor: int
    kind: str
    at: str
    document: dict[str, Any]


@dataclass(frozen=True)
class FeedPage:
    entries: list[FeedEntry]
    next_cursor: int
    more: bool


@dataclass
class FeedResult:
    """What one pull of the feed did."""

    applied: int = 0
    skipped: int = 0
    """Entries that changed nothing: handled before (same cursor or same id), or a receipt whose verdict
    the upload had brought already."""
    refused: list[str] = field(default_factory=list)
    """Entries that verified but could not be applied, with why (recorded; the pull went on)."""
    untrusted: str = ""
    """Why the pull stopped at an entry that did not verify; empty when it did not stop."""
    cursor: int = 0
    changes: Changes = field(default_factory=Changes)

    @property
    def problems(self) -> list[str]:
        return [*self.refused, *([self.untrusted] if self.untrusted else [])]


class _NotApplicable(Exception):
    """A verified entry this station cannot use; the message says why."""


class FeedbackService:
    """Applies feed entries and answers what the portal's editors said about an item."""

    def __init__(
        self,
        store: Store,
        station_id: str,
        clock: Clock,
        bus: ChangeBus,
        glossary: Callable[[], Glossary],
        memory: Callable[[], TranslationMemory],
    ) -> None:
        self._store = store
        self._station_id = station_id
        self._clock = clock
        self._bus = bus
        self._glossary = glossary
        self._memory = memory
        self._actor = PortalActor(store, clock)
        self.receipts = ReceiptBook(store, station_id, clock, self._actor)
        self._ledger = FeedLedger(store)
        self._decisions = DecisionRepository(store)

    # --- reading ----------------------------------------------------------------------------------

    def feedback_for(self, item_id: str) -> list[ItemDecision]:
        """The editors' decisions on an article or translation, oldest first, with their comments per
        language: what the article editor shows beside the text."""
        return self._decisions.for_item(item_id)

    def decisions_for_bundle(self, package_id: str, version: int) -> list[ItemDecision]:
        return self._decisions.for_bundle(package_id, version)

    def decisions_by_bundle(self) -> dict[tuple[str, int], list[ItemDecision]]:
        """Every decision, grouped by (package id, version): one query for the whole delivery history."""
        return self._decisions.by_bundle()

    def cursor(self) -> int:
        """The last feed cursor handled."""
        return self._ledger.cursor()

    def feed_problems(self) -> list[dict[str, Any]]:
        """Feed entries the portal signed that could not be applied: cursor, kind, entry_key, problem, at."""
        return self._ledger.problems()

    def restart_feed(self) -> None:
        """Read the feed from the start again (after enrolling anew); applied entries are not applied twice."""
        self._ledger.reset_cursor()

    # --- applying ---------------------------------------------------------------------------------

    def apply(self, entries: Iterable[FeedEntry], portal_key: str, result: FeedResult | None = None) -> FeedResult:
        """Apply the entries in cursor order until one does not verify."""
        result = result or FeedResult(cursor=self._ledger.cursor())
        for entry in entries:
            if entry.cursor <= result.cursor or self._ledger.seen(entry.cursor):
                result.skipped += 1
                result.cursor = max(result.cursor, entry.cursor)
                continue
            payload = verify_signed_payload(entry.document, portal_key)
            if payload is None:
                result.untrusted = (
                    f"feed entry {entry.cursor} ({entry.kind}) is not signed by the portal key recorded at "
                    "enrolment; it and the entries after it were not applied"
                )
                log.warning(result.untrusted)
                break
            self._apply_one(entry, payload, portal_key, result)
            result.cursor = entry.cursor
        if result.changes != Changes():
            self._bus.publish(result.changes)
        return result

    def _apply_one(self, entry: FeedEntry, payload: dict[str, Any], portal_key: str, result: FeedResult) -> None:
        now = timestamp(self._clock())
        try:
            key = _entry_key(entry.kind, payload)
            with self._store.transaction():
                if self._ledger.applied(entry.kind, key):
                    self._ledger.record(entry.cursor, entry.kind, key, True, "applied before", entry.at, now)
                    result.skipped += 1
                    return
                changes = self._dispatch(entry, payload, portal_key, now)
                self._ledger.record(entry.cursor, entry.kind, key, True, "", entry.at, now)
        except (_NotApplicable, ReceiptProblem, BadInput) as error:
            problem = f"feed entry {entry.cursor} ({entry.kind}): {error}"
            self._ledger.record(entry.cursor, entry.kind, _safe_key(entry.kind, payload), False, problem, entry.at, now)
            result.refused.append(problem)
            return
        if changes is None:
            result.skipped += 1
            return
        result.applied += 1
        result.changes = result.changes | changes

    def _dispatch(self, entry: FeedEntry, payload: dict[str, Any], portal_key: str, now: str) -> Changes | None:
        """Apply one verified entry; None when it brought nothing new."""
        if entry.kind == RECEIPT:
            receipt = self.receipts.check(entry.document, portal_key)
            if not self.receipts.record(receipt, DeliveryRoute.FEED):
                return None  # the upload's answer brought this verdict already
            return VERDICT_CHANGES
        if entry.kind == DECISION:
            return self._decide(payload, now)
        if entry.kind == GLOSSARY:
            entries = payload.get("entries")
            if not isinstance(entries, list) or not all(isinstance(item, dict) for item in entries):
                raise _NotApplicable("its entries are not a list of glossary entries")
            self._glossary().merge(entries, origin="portal")
            return Changes()  # the glossary publishes its own change record
        if entry.kind == MEMORY:
            self._memory().merge(_tm_units(payload.get("units")))
            return Changes()
        raise _NotApplicable(f"this station does not know feed entries of kind {entry.kind!r}")

    def _decide(self, payload: dict[str, Any], now: str) -> Changes:
        if payload.get("station_id") != self._station_id:
            raise _NotApplicable(f"the decision is for station {payload.get('station_id')!r}, not this one")
        outcome = payload.get("outcome")
        if outcome not in _OUTCOME_STATES:
            raise _NotApplicable(f"unknown outcome {outcome!r}")
        comments = payload.get("comments", [])
        if not isinstance(comments, list) or not all(isinstance(comment, str) for comment in comments):
            raise _NotApplicable("its comments are not a list of text")
        fields = {name: payload.get(name) for name in ("decision_id", "item_id", "language", "package_id")}
        if not all(isinstance(value, str) and value for value in fields.values()):
            raise _NotApplicable("it lacks a decision id, item id, language or package id")
        version = payload.get("version")
        if not isinstance(version, int) or isinstance(version, bool):
            raise _NotApplicable("its bundle version is not a number")
        editor = str(payload.get("editor") or "")
        decision = ItemDecision(
            decision_id=fields["decision_id"],
            item_id=fields["item_id"],
            language=fields["language"],
            outcome=outcome,
            comments=tuple(comments),
            editor=editor,
            decided_at=str(payload.get("decided_at") or now),
            package_id=fields["package_id"],
            package_version=version,
            received_at=now,
        )
        self._decisions.add(decision)
        note = f"{outcome} by {editor or 'the portal'}" + (": " + " · ".join(comments) if comments else "")
        self._actor.move(decision.item_id, _OUTCOME_STATES[outcome], note)
        return Changes(articles=True, translations=True, packages=True, outbox=True)


def _entry_key(kind: str, payload: dict[str, Any]) -> str:
    """The entry's own id, so the same entry at another cursor is recognised."""
    if kind == RECEIPT:
        return f"{payload.get('package_id')}/v{payload.get('version')}@{payload.get('sha256')}"
    identifier = payload.get("decision_id" if kind == DECISION else "update_id")
    if not isinstance(identifier, str) or not identifier:
        raise _NotApplicable(f"a {kind} entry without its id")
    return identifier


def _safe_key(kind: str, payload: dict[str, Any]) -> str:
    try:
        return _entry_key(kind, payload)
    except _NotApplicable:
        return ""


def _tm_units(units: Any) -> list[Any]:
    from workstation.translation.tmx import TmUnit

    if not isinstance(units, list):
        raise _NotApplicable("its units are not a list")
    parsed = []
    for number, unit in enumerate(units, start=1):
        if not isinstance(unit, dict):
            raise _NotApplicable(f"unit {number} is not an object")
        try:
            parsed.append(
                TmUnit(
                    source_lang=str(unit["source_lang"]),
                    target_lang=str(unit["target_lang"]),
                    source=str(unit["source"]),
                    target=str(unit["target"]),
                    created_at=str(unit.get("created_at") or ""),
                    changed_at=str(unit.get("changed_at") or ""),
                    created_by=str(unit.get("created_by") or ""),
                )
            )
        except KeyError as error:
            raise _NotApplicable(f"unit {number} lacks {error.args[0]}") from error
    return parsed
