"""What the portal's operator does from the command line: ingest hand-carried bundles, list stations and
bundles, revoke a station, record editors' decisions, publish glossary and memory updates.

Each function takes the built `Portal` (database, key, storage) and works the same while a server runs
on the same data folder: SQLite in WAL mode with a busy timeout, or PostgreSQL, takes both. Refusals
raise `workstation.errors` types, whose `exit_code` the CLI returns.
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from portal.clock import iso_timestamp
from portal.context import Portal
from portal.credentials import new_token, token_digest
from portal.feed import DECISION, GLOSSARY, MEMORY, decision_payload, glossary_payload, memory_payload
from portal.intake import UUID_TEXT, VERSION_TEXT
from portal.store import BundleItemRef, Station, StationSummary, StoredBundle, StoredReceipt
from workstation.errors import BadInput, NotFound, Refused
from workstation.ids import new_id
from workstation.signing import fingerprint, load_public_key, sign_payload
from workstation.user_files import write_atomically

_BUNDLE_TEXT = re.compile(rf"(?:urn:uuid:)?(?P<package>{UUID_TEXT})/v(?P<version>{VERSION_TEXT})")
STATION_ID = re.compile(UUID_TEXT)


@dataclass(frozen=True)
class BundleRef:
    package_id: str
    version: int

    @classmethod
    def parse(cls, text: str) -> BundleRef:
        """`<package-id>/v<version>` (a leading `urn:uuid:` is accepted); ValueError otherwise."""
        match = _BUNDLE_TEXT.fullmatch(text.strip().lower())
        if match is None:
            raise ValueError(f"{text!r} is not a bundle: write <package-id>/v<version>, e.g. 0190f3c2-…/v1")
        return cls(match["package"], int(match["version"]))

    def __str__(self) -> str:
        return f"{self.package_id}/v{self.version}"


@dataclass(frozen=True)
class Ingested:
    receipt: StoredReceipt
    receipt_path: Path


@dataclass(frozen=True)
class Revocation:
    station_id: str
    revoked_at: str
    discarded_uploads: int


@dataclass(frozen=True)
class BundleOverview:
    bundle: StoredBundle
    state: str
    """`accepted` until an editor decides; then `published` or `returned` when every decided item
    has that outcome, else `partly published`."""

    def as_json(self) -> dict[str, Any]:
        return {
            "station_id": self.bundle.station_id,
            "package_id": self.bundle.package_id,
            "version": self.bundle.version,
            "size": self.bundle.size,
            "sha256": self.bundle.sha256,
            "state": self.state,
            "received_at": self.bundle.accepted_at,
        }


def receipt_path_for(bundle_path: Path) -> Path:
    """`bundle.zip` → `bundle.receipt.json`, beside it."""
    return bundle_path.with_name(f"{bundle_path.name.removesuffix('.zip')}.receipt.json")


def ingest(portal: Portal, bundle_path: Path, station_id: str) -> Ingested:
    """Judge a hand-carried bundle as if the station had uploaded it, and write its receipt beside it."""
    station = _station(portal, station_id)
    if station.revoked_at is not None:
        raise Refused(f"station {station_id} was revoked at {station.revoked_at}; its bundles are not taken")
    receipt = portal.intake.ingest(bundle_path, station, portal.limits.station_quota)
    path = receipt_path_for(bundle_path)
    write_atomically(path, (json.dumps(receipt.document, ensure_ascii=False, indent=2) + "\n").encode("utf-8"))
    return Ingested(receipt, path)


def revoke(portal: Portal, station_id: str) -> Revocation:
    """Refuse the station's token from now on and discard its unfinished uploads (revoking twice is harmless)."""
    _station(portal, station_id)
    discarded = portal.store.revoke_station(station_id, iso_timestamp(portal.clock()))
    for upload_id in discarded:
        portal.uploads.discard(upload_id)
    station = portal.store.station(station_id)
    assert station is not None and station.revoked_at is not None
    return Revocation(station_id, station.revoked_at, len(discarded))


def register(portal: Portal, station_id: str, name: str, public_key: str) -> Station:
    """Record a station that has never been online, so its hand-carried bundles can be ingested.

    It gets no usable token: to sync online later it enrols with a code as usual.
    """
    if not STATION_ID.fullmatch(station_id):
        raise BadInput(f"{station_id!r} is not a station id (a lower-case UUID)")
    if not name.strip():
        raise BadInput("the station needs a name (--name)")
    try:
        load_public_key(public_key)
    except ValueError as error:
        raise BadInput(f"--public-key: {error} (the station shows its key in its settings)") from error
    station = Station(station_id, name.strip(), public_key)
    with portal.store.transaction():
        if portal.store.station(station_id) is not None:
            raise Refused(f"station {station_id} is already known to this portal")
        # A digest of a token nobody ever sees: the row needs one, and no one can present it.
        portal.store.enrol_station(station, token_digest(new_token()), iso_timestamp(portal.clock()))
    return station


def stations(portal: Portal) -> list[StationSummary]:
    return portal.store.stations()


def station_json(summary: StationSummary) -> dict[str, Any]:
    return {
        "station_id": summary.station_id,
        "name": summary.name,
        "enrolled_at": summary.enrolled_at,
        "revoked_at": summary.revoked_at,
        "bundles": summary.bundles,
        "bytes": summary.bytes,
        "key_fingerprint": fingerprint(summary.public_key),
    }


def bundles(portal: Portal) -> list[BundleOverview]:
    decisions = portal.store.latest_decisions()
    overviews = []
    for bundle in portal.store.stored_bundles():
        outcomes = {decision.outcome for decision in decisions.get((bundle.package_id, bundle.version), [])}
        state = "accepted" if not outcomes else outcomes.pop() if len(outcomes) == 1 else "partly published"
        overviews.append(BundleOverview(bundle, state))
    return overviews


def decide(
    portal: Portal,
    bundle: BundleRef,
    outcome: str,
    item_id: str | None = None,
    language: str | None = None,
    comments: Sequence[str] = (),
    editor: str = "",
) -> list[str]:
    """Record an editor's decision on the bundle's items (all, or those `item_id`/`language` pick), one
    signed feed entry per item and language for the station that sent it; return the decision ids."""
    stored = portal.store.stored_bundle(bundle.package_id, bundle.version)
    if stored is None:
        raise NotFound(f"no accepted bundle {bundle} at this portal; see `workstation-portal bundles`")
    items = portal.store.bundle_items(bundle.package_id, bundle.version)
    chosen = [
        item
        for item in items
        if (item_id is None or item.item_id == item_id) and (language is None or item.language == language)
    ]
    if not chosen:
        if item_id is not None and language is not None and not items:
            chosen = [BundleItemRef(item_id, language)]  # accepted before the portal recorded items
        else:
            known = ", ".join(f"{item.item_id} ({item.language})" for item in items) or "none recorded"
            raise Refused(f"bundle {bundle} has no such item; its items: {known}")
    now = iso_timestamp(portal.clock())
    decision_ids = []
    with portal.store.transaction():
        for item in chosen:
            decision_id = new_id()
            payload = decision_payload(
                decision_id, stored.package_id, stored.version, stored.station_id, item.item_id, item.language,
                outcome, [comment for comment in comments if comment.strip()], editor, now,
            )  # fmt: skip
            cursor = portal.store.add_feed_entry(DECISION, sign_payload(portal.key, payload), now, [stored.station_id])
            portal.store.add_decision(decision_id, stored.package_id, stored.version, item, outcome, now, cursor)
            decision_ids.append(decision_id)
    return decision_ids


def publish_glossary(portal: Portal, path: Path, station_ids: Sequence[str] = ()) -> str:
    """One glossary update from a CSV or TBX file, for the named stations or all; return its update id."""
    from workstation.translation.glossary_csv import read_glossary_csv
    from workstation.translation.tbx import read_tbx

    readers = {".csv": read_glossary_csv, ".tbx": read_tbx}
    reader = readers.get(path.suffix.lower())
    if reader is None:
        raise BadInput(f"{path.name}: a glossary is published from a .csv or .tbx file")
    pairs = reader(path)
    if not pairs:
        raise Refused(f"{path.name} holds no glossary entries; nothing was published")
    return _publish(portal, GLOSSARY, lambda update_id, now: glossary_payload(update_id, pairs, now), station_ids)


def publish_memory(portal: Portal, path: Path, station_ids: Sequence[str] = ()) -> str:
    """One translation-memory update from a TMX file, for the named stations or all; return its update id."""
    from workstation.translation.tmx import read_tmx

    if path.suffix.lower() != ".tmx":
        raise BadInput(f"{path.name}: translation memory is published from a .tmx file")
    units = read_tmx(path).units
    if not units:
        raise Refused(f"{path.name} holds no translation units in our languages; nothing was published")
    return _publish(portal, MEMORY, lambda update_id, now: memory_payload(update_id, units, now), station_ids)


def _publish(portal: Portal, kind: str, payload: Any, station_ids: Sequence[str]) -> str:
    for station_id in station_ids:
        _station(portal, station_id)
    update_id = new_id()
    now = iso_timestamp(portal.clock())
    document = sign_payload(portal.key, payload(update_id, now))
    portal.store.add_feed_entry(kind, document, now, list(station_ids) or None)
    return update_id


def _station(portal: Portal, station_id: str) -> Station:
    station = portal.store.station(station_id)
    if station is None:
        raise NotFound(f"no station {station_id} at this portal; see `workstation-portal stations`")
    return station
