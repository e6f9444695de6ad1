"""Enrolling the station with a portal and draining the outbox to it.

An outbox entry is written only once the portal has answered about it, so a sync against an
unreachable portal leaves the outbox exactly as it was. Progress is saved after every chunk the
portal acknowledges, so a cut connection, a crash or a cancel resumes where the portal stands.
A receipt is trusted only when it is signed by the portal key recorded at enrolment and names
exactly the bundle that was sent.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Any

from workstation.clock import Clock, timestamp
from workstation.events import ChangeBus
from workstation.model import Changes, DeliveryState, OutboxEntry
from workstation.signing import fingerprint, verify_signed_payload
from workstation.station.identity import StationIdentity
from workstation.storage.packages import OutboxRepository
from workstation.storage.store import Store
from workstation.sync.errors import NotEnrolled, PortalUnavailable, TokenRefused, UploadCancelled, UploadRefused

if TYPE_CHECKING:
    from workstation.sync.client import PortalClient

PORTAL_URL = "portal_url"
PORTAL_PUBLIC_KEY = "portal_public_key"
PORTAL_TOKEN = "portal-token"

ClientFactory = Callable[[str, str | None], "PortalClient"]
"""Builds a client for (portal URL, station token or None); `PortalClient` itself fits."""
SyncProgress = Callable[[int, int], None]
"""Called with (bytes the portal holds, bytes to send in this sync), summed over all bundles."""


class Outcome(StrEnum):
    ACCEPTED = "accepted"
    REJECTED = "rejected"
    FAILED = "failed"
    CANCELLED = "cancelled"


@dataclass(frozen=True)
class BundleOutcome:
    package_id: str
    version: int
    state: Outcome
    reasons: tuple[str, ...] = ()
    error: str = ""

    def as_json(self) -> dict[str, Any]:
        return {
            "package_id": self.package_id,
            "version": self.version,
            "state": str(self.state),
            "reasons": list(self.reasons),
            "error": self.error,
        }


@dataclass(frozen=True)
class SyncResult:
    bundles: list[BundleOutcome] = field(default_factory=list)

    @property
    def all_accepted(self) -> bool:
        return all(outcome.state is Outcome.ACCEPTED for outcome in self.bundles)

    @property
    def changes(self) -> Changes:
        return Changes(outbox=True, packages=True) if self.bundles else Changes()

    def summary(self) -> str:
        """One sentence for a status line, e.g. "2 bundles: 1 accepted, 1 rejected."."""
        if not self.bundles:
            return "Nothing to send."
        counts = Counter(str(outcome.state) for outcome in self.bundles)
        noun = "bundle" if len(self.bundles) == 1 else "bundles"
        parts = ", ".join(f"{counts[state]} {state}" for state in Outcome if counts[state])
        return f"{len(self.bundles)} {noun}: {parts}."


@dataclass(frozen=True)
class EnrolmentResult:
    station_id: str
    portal_url: str
    portal_public_key: str

    @property
    def changes(self) -> Changes:
        return Changes(enrolment=True)

    @property
    def portal_key_fingerprint(self) -> str:
        return fingerprint(self.portal_public_key)


@dataclass(frozen=True)
class _Enrolment:
    url: str
    public_key: str
    token: str


class SyncService:
    def __init__(
        self,
        store: Store,
        identity: StationIdentity,
        client_factory: ClientFactory,
        clock: Clock,
        bus: ChangeBus | None = None,
    ) -> None:
        self._bus = bus or ChangeBus()
        self._store = store
        self._identity = identity
        self._client_factory = client_factory
        self._clock = clock
        self._outbox = OutboxRepository(store)

    # --- enrolment --------------------------------------------------------------------------------

    def enrol(self, portal_url: str, code: str) -> EnrolmentResult:
        """Exchange the code for a token; remember the portal's URL and receipt-signing key."""
        portal_url = portal_url.strip().rstrip("/")
        with self._client_factory(portal_url, None) as client:
            enrolment = client.enrol(
                code.strip(), self._identity.station_id, self._identity.name, self._identity.public_key
            )
        self._identity.secrets.set(PORTAL_TOKEN, enrolment.token)
        with self._store.transaction():
            self._store.set_setting(PORTAL_URL, portal_url)
            self._store.set_setting(PORTAL_PUBLIC_KEY, enrolment.portal_public_key)
        result = EnrolmentResult(self._identity.station_id, portal_url, enrolment.portal_public_key)
        self._bus.publish(result.changes)
        return result

    def waiting_count(self) -> int:
        """Bundles sealed but not yet delivered (queued or uploading)."""
        return self._outbox.pending_count()

    def is_enrolled(self) -> bool:
        return self._enrolment() is not None

    def portal_url(self) -> str | None:
        """The portal this station is enrolled with, or None."""
        enrolment = self._enrolment()
        return enrolment.url if enrolment else None

    def _enrolment(self) -> _Enrolment | None:
        url = self._store.get_setting(PORTAL_URL)
        public_key = self._store.get_setting(PORTAL_PUBLIC_KEY)
        token = self._identity.secrets.get(PORTAL_TOKEN)
        if not (url and public_key and token):
            return None
        return _Enrolment(url, public_key, token)

    # --- sync -------------------------------------------------------------------------------------

    def sync(self, progress: SyncProgress | None = None, cancelled: Callable[[], bool] | None = None) -> SyncResult:
        """Upload every queued bundle and collect its receipt.

        Raises PortalUnavailable when the portal cannot be reached and TokenRefused when it refuses
        the station; bundles handled before that keep their new state in the outbox.
        """
        enrolment = self._enrolment()
        if enrolment is None:
            raise NotEnrolled(
                "this station is not enrolled with a portal; run: workstation enrol --portal URL --code CODE"
            )
        pending = self._outbox.pending()
        tally = _ByteTally(sum(entry.size for entry in pending), progress)
        outcomes: list[BundleOutcome] = []
        with self._client_factory(enrolment.url, enrolment.token) as client:
            for entry in pending:
                if cancelled is not None and cancelled():
                    break
                outcome = self._deliver(client, enrolment, entry, tally, cancelled)
                outcomes.append(outcome)
                tally.finish(entry.size)
                if outcome.state is Outcome.CANCELLED:
                    break
        return SyncResult(outcomes)

    def _deliver(
        self,
        client: PortalClient,
        enrolment: _Enrolment,
        entry: OutboxEntry,
        tally: _ByteTally,
        cancelled: Callable[[], bool] | None,
    ) -> BundleOutcome:
        path = self._store.outbox_folder / entry.file_name
        problem = _file_problem(path, entry)
        if problem:
            return self._fail(entry, problem)
        # Asked first: after a crash between the last chunk and saving the receipt, nothing is resent.
        receipt = client.receipt(entry.package_id, entry.package_version, entry.sha256)
        if receipt is None:
            entry = self._save(replace(entry, state=DeliveryState.UPLOADING, attempts=entry.attempts + 1))
            try:
                entry = self._upload(client, entry, path, tally, cancelled)
                receipt = client.receipt(entry.package_id, entry.package_version, entry.sha256)
            except UploadCancelled:
                self._save(replace(self._current(entry), state=DeliveryState.QUEUED))
                return BundleOutcome(entry.package_id, entry.package_version, Outcome.CANCELLED)
            except UploadRefused as error:
                # The portal discarded or will not take this upload: the next attempt starts afresh.
                return self._fail(replace(self._current(entry), upload_url=None, acknowledged_offset=0), str(error))
            except (PortalUnavailable, TokenRefused) as error:
                self._save(replace(self._current(entry), state=DeliveryState.QUEUED, last_error=str(error)))
                raise
            if receipt is None:
                return self._fail(
                    entry, "the portal holds the whole bundle but has no receipt for it yet; sync again later"
                )
        return self._settle(entry, receipt, enrolment.public_key)

    def _upload(
        self,
        client: PortalClient,
        entry: OutboxEntry,
        path: Path,
        tally: _ByteTally,
        cancelled: Callable[[], bool] | None,
    ) -> OutboxEntry:
        def acknowledged(url: str, offset: int) -> None:
            self._save(replace(self._current(entry), upload_url=url, acknowledged_offset=offset))

        client.upload(
            path,
            {
                "filename": entry.file_name,
                "filetype": "application/zip",
                "package_id": entry.package_id,
                "version": str(entry.package_version),
                "sha256": entry.sha256,
            },
            resume_url=entry.upload_url,
            acknowledged=acknowledged,
            progress=lambda sent, _total: tally.report(sent),
            cancelled=cancelled,
        )
        return self._current(entry)

    def _settle(self, entry: OutboxEntry, receipt: dict[str, Any], portal_key: str) -> BundleOutcome:
        """Record the receipt's verdict, once its signature and contents check out."""
        payload = verify_signed_payload(receipt, portal_key)
        if payload is None:
            return self._fail(
                entry,
                "the portal's receipt is not signed by the portal key recorded at enrolment; it was not trusted "
                "(if the portal's key really changed, enrol the station again)",
            )
        mismatch = self._receipt_mismatch(entry, payload)
        if mismatch:
            return self._fail(entry, f"the portal's receipt {mismatch}; it was not trusted")
        state = DeliveryState(payload["state"])
        reasons = tuple(payload["reasons"])
        self._save(
            replace(
                entry,
                state=state,
                last_error="",
                receipt=json.dumps(receipt, ensure_ascii=False, sort_keys=True),
            )
        )
        outcome = Outcome.ACCEPTED if state is DeliveryState.ACCEPTED else Outcome.REJECTED
        return BundleOutcome(entry.package_id, entry.package_version, outcome, reasons)

    def _receipt_mismatch(self, entry: OutboxEntry, payload: dict[str, Any]) -> str:
        expected = {
            "package_id": entry.package_id,
            "version": entry.package_version,
            "sha256": entry.sha256,
            "station_id": self._identity.station_id,
        }
        for key, value in expected.items():
            if payload.get(key) != value:
                return f"names {key} {payload.get(key)!r}, not {value!r}"
        if payload.get("state") not in (DeliveryState.ACCEPTED, DeliveryState.REJECTED):
            return f"has an unknown state {payload.get('state')!r}"
        reasons = payload.get("reasons")
        if not isinstance(reasons, list) or not all(isinstance(reason, str) for reason in reasons):
            return "has reasons that are not a list of text"
        return ""

    def _fail(self, entry: OutboxEntry, error: str) -> BundleOutcome:
        self._save(replace(entry, state=DeliveryState.QUEUED, last_error=error))
        return BundleOutcome(entry.package_id, entry.package_version, Outcome.FAILED, error=error)

    def _current(self, entry: OutboxEntry) -> OutboxEntry:
        return self._outbox.get(entry.package_id, entry.package_version) or entry

    def _save(self, entry: OutboxEntry) -> OutboxEntry:
        state_changed = self._current(entry).state != entry.state
        self._outbox.save_progress(entry, timestamp(self._clock()))
        if state_changed:
            # Views follow queued → uploading → accepted as it happens, not only when the sync ends.
            self._bus.publish(Changes(outbox=True, packages=True))
        return entry


class _ByteTally:
    """Turns per-bundle progress into progress over the whole sync."""

    def __init__(self, total: int, progress: SyncProgress | None) -> None:
        self._total = total
        self._done = 0
        self._progress = progress

    def report(self, sent_of_current: int) -> None:
        if self._progress is not None:
            self._progress(self._done + sent_of_current, self._total)

    def finish(self, size: int) -> None:
        self._done += size
        self.report(0)


def _file_problem(path: Path, entry: OutboxEntry) -> str:
    try:
        size = path.stat().st_size
    except OSError as error:
        return f"the bundle file {path} cannot be read: {error.strerror or error}"
    if size != entry.size:
        return f"the bundle file {path} is {size} bytes, not the {entry.size} it had when sealed; seal it again"
    return ""
