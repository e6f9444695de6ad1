"""The portal's signed receipts: checked, then recorded the same way whichever road they came by
(the upload's answer, the feed, or a file carried back on a USB stick).

A receipt is trusted only when it is signed by the portal key this station trusts and names exactly
a bundle this station sealed: same package id, version, sha256 and station.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, replace
from typing import Any

from workstation.clock import Clock, timestamp
from workstation.model import Changes, DeliveryState, OutboxEntry
from workstation.packaging.bundle import BundleIdentity
from workstation.signing import verify_signed_payload
from workstation.storage.packages import OutboxRepository
from workstation.storage.store import Store
from workstation.sync.items import SENT, PortalActor, bundle_items

SETTLED = (DeliveryState.ACCEPTED, DeliveryState.REJECTED)
VERDICT_CHANGES = Changes(outbox=True, packages=True, articles=True, translations=True)
"""What recording a verdict changes, whichever road it came by: the bundle, its package, its items' states."""


@dataclass(frozen=True)
class CheckedReceipt:
    """A receipt whose signature and contents checked out, and the outbox entry it answers."""

    entry: OutboxEntry
    document: dict[str, Any]
    payload: dict[str, Any]

    @property
    def state(self) -> DeliveryState:
        return DeliveryState(self.payload["state"])

    @property
    def reasons(self) -> tuple[str, ...]:
        return tuple(self.payload["reasons"])


class ReceiptProblem(Exception):
    """Why a receipt was not trusted, written for the coordinator: "the receipt <predicate>"."""

    def __init__(self, predicate: str) -> None:
        super().__init__(f"the receipt {predicate}")
        self.predicate = predicate


class ReceiptBook:
    def __init__(self, store: Store, station_id: str, clock: Clock, actor: PortalActor) -> None:
        self._store = store
        self._station_id = station_id
        self._clock = clock
        self._actor = actor
        self._outbox = OutboxRepository(store)

    def check(self, document: Any, portal_key: str, entry: OutboxEntry | None = None) -> CheckedReceipt:
        """The receipt, verified and matched to its outbox entry (found by package id and version when
        not given); ReceiptProblem says why it cannot be trusted."""
        payload = verify_signed_payload(document, portal_key)
        if payload is None:
            raise ReceiptProblem(
                "is not signed by the portal key recorded at enrolment (if the portal's key really changed, "
                "enrol the station again)"
            )
        package_id, version = payload.get("package_id"), payload.get("version")
        if not isinstance(package_id, str) or not isinstance(version, int) or isinstance(version, bool):
            raise ReceiptProblem("names no package id and version")
        if entry is None:
            entry = self._outbox.get(package_id, version)
            if entry is None:
                raise ReceiptProblem(f"is for {package_id}/v{version}, a bundle this station never sealed")
        mismatch = _mismatch(entry, payload, self._station_id)
        if mismatch:
            raise ReceiptProblem(mismatch)
        return CheckedReceipt(entry, document, payload)

    def record(self, receipt: CheckedReceipt, route: str) -> bool:
        """Store the verdict; an accepted bundle's items move on to `sent`. Joins the caller's
        transaction. False when exactly this verdict was recorded before (nothing changed)."""
        entry = self._outbox.get(receipt.entry.package_id, receipt.entry.package_version) or receipt.entry
        serialised = json.dumps(receipt.document, ensure_ascii=False, sort_keys=True)
        if entry.state in SETTLED and entry.receipt == serialised:
            return False
        now = timestamp(self._clock())
        with self._store.transaction():
            self._outbox.save_progress(
                replace(
                    entry,
                    state=receipt.state,
                    acknowledged_offset=entry.size,
                    last_error="",
                    receipt=serialised,
                ),
                now,
            )
            self._outbox.mark_delivered(entry.package_id, entry.package_version, route, now)
            if receipt.state is DeliveryState.ACCEPTED:
                identity = BundleIdentity(entry.package_id, entry.package_version)
                for item in bundle_items(self._store.outbox_folder / entry.file_name, identity):
                    self._actor.move(item.item_id, SENT, f"bundle {entry.bundle_identity} accepted by the portal")
        return True


def _mismatch(entry: OutboxEntry, payload: dict[str, Any], station_id: str) -> str:
    expected = {
        "package_id": entry.package_id,
        "version": entry.package_version,
        "sha256": entry.sha256,
        "station_id": station_id,
    }
    for key, value in expected.items():
        if payload.get(key) != value:
            if key == "sha256":
                return (
                    f"is for other bytes of {entry.bundle_identity} (sha256 {payload.get(key)!r}, "
                    f"this station sealed {value!r})"
                )
            return f"names {key} {payload.get(key)!r}, not {value!r}"
    if payload.get("state") not in SETTLED:
        return f"has an unknown state {payload.get('state')!r}"
    reasons = payload.get("reasons")
    if not isinstance(reasons, list) or not all(isinstance(reason, str) for reason in reasons):
        return "has reasons that are not a list of text"
    return ""
