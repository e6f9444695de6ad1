"""`SyncService`: enrolling the station with a portal, draining the outbox to it, applying its feed,
hand-carried delivery, and what the Sync view shows. Qt-free; the GUI calls it on a worker thread.

An outbox entry is written only once the portal has answered about it, so a sync against an
unreachable portal leaves the outbox exactly as it was. Progress is saved after every chunk the
portal acknowledges, so a cut connection, a crash or a cancel resumes where the portal stands.
A receipt is trusted only when it is signed by the portal key recorded at enrolment and names
exactly the bundle that was sent.

A bundle goes queued → uploading (some bytes acknowledged) → verifying (every byte acknowledged,
no trusted receipt yet) → accepted | rejected; the Sync view reads it all from `deliveries()`.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from enum import StrEnum
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from workstation.clock import Clock, timestamp
from workstation.events import ChangeBus
from workstation.model import Changes, Delivery, DeliveryRoute, DeliveryState, ItemDecision, OutboxEntry
from workstation.signing import fingerprint, verify_signed_payload
from workstation.station.identity import StationIdentity
from workstation.storage.packages import OutboxRepository
from workstation.storage.store import Store
from workstation.sync.errors import (
    FeedUnsupported,
    NotEnrolled,
    PortalUnavailable,
    TokenRefused,
    UploadCancelled,
    UploadRefused,
)
from workstation.sync.feedback import FeedbackService, FeedResult
from workstation.sync.handcarry import CopyProgress, ImportedReceipt, export_bundles, import_receipt, trusted_key
from workstation.sync.receipts import SETTLED, VERDICT_CHANGES, ReceiptProblem
from workstation.sync.tus import bundle_metadata

if TYPE_CHECKING:
    from workstation.sync.client import PortalClient

PORTAL_URL = "portal_url"
PORTAL_PUBLIC_KEY = "portal_public_key"
PORTAL_TOKEN = "portal-token"
FEED_PROBLEM = "portal_feed_problem"
"""Settings key: why the last pull of the feed stopped short, empty when it did not."""

REACHABLE_TIMEOUT_SECONDS = 3.0
CUT_CHUNK_DIVISOR = 4
"""After a connection was cut mid-upload, chunks shrink to a quarter (never below `MIN_CHUNK_SIZE`) until an
upload completes uninterrupted: a cut loses the chunk in flight, so on a link that drops, smaller
chunks re-send less (bench/README.md, "Sync over bad connections"), while a link that holds keeps the
full size and its lower per-request cost."""
MIN_CHUNK_SIZE = 256 * 1024

ClientFactory = Callable[[str, str | None], "PortalClient"]
"""Builds a client for (portal URL, station token or None); `PortalClient` itself fits."""
SyncProgress = Callable[[int, int], None]
"""Called with (bytes the portal holds, bytes to send in this sync), summed over all bundles; the GUI
derives rate and time left from successive calls."""


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
    """What a sync did: each bundle handled (in outbox order) and, when the feed was read, what it applied."""

    bundles: list[BundleOutcome] = field(default_factory=list)
    feed: FeedResult | None = None

    @property
    def all_accepted(self) -> bool:
        return all(outcome.state is Outcome.ACCEPTED for outcome in self.bundles)

    @property
    def changes(self) -> Changes:
        pushed = Changes(outbox=True, packages=True) if self.bundles else Changes()
        return pushed | (self.feed.changes if self.feed else Changes())

    def summary(self) -> str:
        """One sentence for a status line, e.g. "2 bundles: 1 accepted, 1 rejected."."""
        if not self.bundles:
            return "Nothing to send."
        counts = Counter(str(outcome.state) for outcome in self.bundles)
        noun = "bundle" if len(self.bundles) == 1 else "bundles"
        parts = ", ".join(f"{counts[state]} {state}" for state in Outcome if counts[state])
        return f"{len(self.bundles)} {noun}: {parts}."


@dataclass(frozen=True)
class ReceiptImportResult:
    """What importing receipt files did, file by file; `bundles` as a sync reports them."""

    receipts: list[ImportedReceipt]

    @property
    def bundles(self) -> list[BundleOutcome]:
        return [
            BundleOutcome(receipt.package_id, receipt.version, Outcome(receipt.state), receipt.reasons)
            for receipt in self.receipts
            if not receipt.problem
        ]

    @property
    def all_accepted(self) -> bool:
        return all(receipt.state == DeliveryState.ACCEPTED and not receipt.problem for receipt in self.receipts)


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
    """Everything the Sync view and the CLI ask of delivery; Qt-free, every call may block on the network
    and belongs on a worker thread (`SyncWorker` wraps `sync` with backoff for the background).

    - enrolment: `enrol`, `is_enrolled`, `portal_url`, `reachable`;
    - delivery: `sync` (push, then pull the feed), `push`, `pull_feed`, with progress as (bytes the
      portal holds, bytes to send) for rate and time left, and cancel between chunks;
    - what to show: `deliveries` (every sealed bundle, history included), `waiting_count`, `outbox`,
      `feedback_for(item_id)`, `feed_problem`;
    - by hand: `export_outbox(folder)`, `import_receipts(paths, portal_key)`.

    Every change is published on the bus as a `Changes` record as it happens.
    """

    def __init__(
        self,
        store: Store,
        identity: StationIdentity,
        client_factory: ClientFactory,
        clock: Clock,
        bus: ChangeBus | None = None,
        feedback: FeedbackService | None = None,
    ) -> None:
        self._bus = bus or ChangeBus()
        self._store = store
        self._identity = identity
        self._client_factory = client_factory
        self._clock = clock
        self._outbox = OutboxRepository(store)
        self._link_dropped = False
        self.feedback = feedback or _default_feedback(store, identity.station_id, clock, self._bus)

    # --- enrolment --------------------------------------------------------------------------------

    def enrol(self, portal_url: str, code: str) -> EnrolmentResult:
        """Exchange the code for a token; remember the portal's URL and receipt-signing key.

        Enrolling with another portal, or one whose key changed, reads that portal's feed from its start.
        """
        portal_url = portal_url.strip().rstrip("/")
        with self._client_factory(portal_url, None) as client:
            enrolment = client.enrol(
                code.strip(), self._identity.station_id, self._identity.name, self._identity.public_key
            )
        self._identity.secrets.set(PORTAL_TOKEN, enrolment.token)
        with self._store.transaction():
            previous = (self._store.get_setting(PORTAL_URL), self._store.get_setting(PORTAL_PUBLIC_KEY))
            self._store.set_setting(PORTAL_URL, portal_url)
            self._store.set_setting(PORTAL_PUBLIC_KEY, enrolment.portal_public_key)
            if previous != (portal_url, enrolment.portal_public_key):
                self.feedback.restart_feed()
        result = EnrolmentResult(self._identity.station_id, portal_url, enrolment.portal_public_key)
        self._bus.publish(result.changes)
        return result

    def waiting_count(self) -> int:
        """Bundles sealed but not yet answered by the portal (queued, uploading or verifying)."""
        return self._outbox.pending_count()

    def is_enrolled(self) -> bool:
        return self._enrolment() is not None

    def portal_url(self) -> str | None:
        """The portal this station is enrolled with, or None."""
        enrolment = self._enrolment()
        return enrolment.url if enrolment else None

    def reachable(self, timeout: float = REACHABLE_TIMEOUT_SECONDS) -> bool:
        """Whether the enrolled portal answers within `timeout` seconds; False when not enrolled. Never raises."""
        enrolment = self._enrolment()
        if enrolment is None:
            return False
        try:
            with self._client_factory(enrolment.url, None) as client:
                client.ping(timeout)
        except PortalUnavailable:
            return False
        return True

    def _enrolment(self) -> _Enrolment | None:
        url = self._store.get_setting(PORTAL_URL)
        public_key = self._store.get_setting(PORTAL_PUBLIC_KEY)
        token = self._identity.secrets.get(PORTAL_TOKEN)
        if not (url and public_key and token):
            return None
        return _Enrolment(url, public_key, token)

    def _required_enrolment(self) -> _Enrolment:
        enrolment = self._enrolment()
        if enrolment is None:
            raise NotEnrolled(
                "this station is not enrolled with a portal; run: workstation enrol --portal URL --code CODE"
            )
        return enrolment

    # --- what the Sync view shows -----------------------------------------------------------------

    def portal_key_fingerprint(self) -> str | None:
        """The fingerprint of the portal key this station trusts (recorded at enrolment), or None."""
        key = self._store.get_setting(PORTAL_PUBLIC_KEY)
        return fingerprint(key) if key else None

    def deliveries(self) -> list[Delivery]:
        """Every sealed bundle, newest sealed first, history included: state, bytes acknowledged of
        size, attempts, last error, the portal's reasons and signed receipt (checked now against the
        trusted portal key), times, and the editors' decisions on its items."""
        portal_key = self._store.get_setting(PORTAL_PUBLIC_KEY)
        decisions = self.feedback.decisions_by_bundle()
        deliveries = []
        for record in self._outbox.history():
            entry = record.entry
            receipt = json.loads(entry.receipt) if entry.receipt else None
            payload = _verified_receipt(entry.receipt, portal_key) if entry.receipt and portal_key else None
            reasons = tuple(str(reason) for reason in (payload or {}).get("reasons", ()))
            deliveries.append(
                Delivery(
                    package_id=entry.package_id,
                    package_name=record.package_name,
                    version=entry.package_version,
                    state=entry.state,
                    acknowledged=entry.acknowledged_offset,
                    size=entry.size,
                    attempts=entry.attempts,
                    last_error=entry.last_error,
                    reasons=reasons,
                    receipt=receipt,
                    receipt_verified=payload is not None,
                    sealed_at=entry.sealed_at,
                    updated_at=record.updated_at,
                    delivered_at=record.delivered_at,
                    route=record.route,
                    decisions=tuple(decisions.get((entry.package_id, entry.package_version), ())),
                )
            )
        return deliveries

    def outbox(self) -> list[OutboxEntry]:
        """Every outbox entry, newest sealed first."""
        return self._outbox.all()

    def feedback_for(self, item_id: str) -> list[ItemDecision]:
        """The portal editors' decisions and comments on an article or translation, oldest first."""
        return self.feedback.feedback_for(item_id)

    def feed_problem(self) -> str:
        """Why the last pull of the feed stopped short (an entry that did not verify), or ""."""
        return self._store.get_setting(FEED_PROBLEM) or ""

    # --- sync -------------------------------------------------------------------------------------

    def sync(self, progress: SyncProgress | None = None, cancelled: Callable[[], bool] | None = None) -> SyncResult:
        """Upload every queued bundle, collect its receipt, then read and apply the portal's feed.

        Raises PortalUnavailable when the portal cannot be reached and TokenRefused when it refuses
        the station; bundles handled before that keep their new state in the outbox. Cancelling stops
        at the next chunk, keeping every acknowledged byte, and skips the feed.
        """
        enrolment = self._required_enrolment()
        with self._client_factory(enrolment.url, enrolment.token) as client:
            outcomes = self._push(client, enrolment, progress, cancelled)
            if cancelled is not None and cancelled():
                return SyncResult(outcomes)
            feed = self._pull(client, enrolment)
        return SyncResult(self._settled_by_feed(outcomes), feed)

    def push(self, progress: SyncProgress | None = None, cancelled: Callable[[], bool] | None = None) -> SyncResult:
        """Only the upload half of `sync`."""
        enrolment = self._required_enrolment()
        with self._client_factory(enrolment.url, enrolment.token) as client:
            return SyncResult(self._push(client, enrolment, progress, cancelled))

    def pull_feed(self) -> FeedResult:
        """Only the feed half of `sync`: read every page after the stored cursor and apply it."""
        enrolment = self._required_enrolment()
        with self._client_factory(enrolment.url, enrolment.token) as client:
            return self._pull(client, enrolment)

    def _push(
        self,
        client: PortalClient,
        enrolment: _Enrolment,
        progress: SyncProgress | None,
        cancelled: Callable[[], bool] | None,
    ) -> list[BundleOutcome]:
        pending = self._outbox.pending()
        tally = _ByteTally(sum(entry.size for entry in pending), progress)
        outcomes: list[BundleOutcome] = []
        for entry in pending:
            if cancelled is not None and cancelled():
                break
            outcome = self._deliver(client, enrolment, entry, tally, cancelled)
            outcomes.append(outcome)
            if outcome.state is Outcome.CANCELLED:
                break
            tally.finish(entry.size)
        return outcomes

    def _pull(self, client: PortalClient, enrolment: _Enrolment) -> FeedResult:
        result = FeedResult(cursor=self.feedback.cursor())
        try:
            while True:
                page = client.feed(result.cursor)
                self.feedback.apply(page.entries, enrolment.public_key, result)
                if result.untrusted or not page.more:
                    break
        except FeedUnsupported:
            pass  # an older portal: nothing comes back by the feed
        self._store.set_setting(FEED_PROBLEM, result.untrusted)
        return result

    def _settled_by_feed(self, outcomes: list[BundleOutcome]) -> list[BundleOutcome]:
        """A bundle left verifying by the upload may have had its receipt in the feed just read."""
        settled = []
        for outcome in outcomes:
            entry = self._outbox.get(outcome.package_id, outcome.version)
            if outcome.state is Outcome.FAILED and entry is not None and entry.state in SETTLED:
                outcome = self._outcome_of(entry)
            settled.append(outcome)
        return settled

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
        # Asked first: after a crash between the last chunk and saving the receipt, or a bundle carried
        # by hand and ingested at the portal, nothing is sent again.
        receipt = client.receipt(entry.package_id, entry.package_version, entry.sha256)
        if receipt is None:
            entry = self._save(replace(entry, state=_in_flight(entry), attempts=entry.attempts + 1))
            try:
                entry = self._upload(client, entry, path, tally, cancelled)
                entry = self._save(replace(entry, state=DeliveryState.VERIFYING))
                receipt = client.receipt(entry.package_id, entry.package_version, entry.sha256)
            except UploadCancelled:
                current = self._current(entry)
                self._save(replace(current, state=_in_flight(current)))
                return BundleOutcome(entry.package_id, entry.package_version, Outcome.CANCELLED)
            except UploadRefused as error:
                # The portal discarded or will not take this upload: the next attempt starts afresh.
                return self._fail(replace(self._current(entry), upload_url=None, acknowledged_offset=0), str(error))
            except (PortalUnavailable, TokenRefused) as error:
                self._link_dropped = True
                current = self._current(entry)
                self._save(replace(current, state=_in_flight(current), last_error=str(error)))
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
            current = self._current(entry)
            state = DeliveryState.UPLOADING if offset > 0 else current.state
            self._save(replace(current, upload_url=url, acknowledged_offset=offset, state=state))

        client.upload(
            path,
            bundle_metadata(entry),
            resume_url=entry.upload_url,
            acknowledged=acknowledged,
            progress=lambda sent, _total: tally.report(sent),
            cancelled=cancelled,
            chunk_size=self._chunk_size(client),
        )
        self._link_dropped = False  # this upload went through whole
        return self._current(entry)

    def _chunk_size(self, client: PortalClient) -> int:
        full = client.chunk_size
        return max(full // CUT_CHUNK_DIVISOR, min(full, MIN_CHUNK_SIZE)) if self._link_dropped else full

    def _settle(self, entry: OutboxEntry, receipt: dict[str, Any], portal_key: str) -> BundleOutcome:
        """Record the receipt's verdict, once its signature and contents check out."""
        try:
            checked = self.feedback.receipts.check(receipt, portal_key, entry)
        except ReceiptProblem as problem:
            return self._fail(entry, f"the portal's receipt {problem.predicate}; it was not trusted")
        self.feedback.receipts.record(checked, DeliveryRoute.UPLOAD)
        self._bus.publish(VERDICT_CHANGES)
        return self._outcome_of(self._current(entry))

    def _outcome_of(self, entry: OutboxEntry) -> BundleOutcome:
        payload = json.loads(entry.receipt)["payload"] if entry.receipt else {}
        outcome = Outcome.ACCEPTED if entry.state == DeliveryState.ACCEPTED else Outcome.REJECTED
        return BundleOutcome(entry.package_id, entry.package_version, outcome, tuple(payload.get("reasons", ())))

    def _fail(self, entry: OutboxEntry, error: str) -> BundleOutcome:
        """Keep the bundle in flight (verifying when the portal holds every byte) with the error shown."""
        self._save(replace(entry, state=_in_flight(entry), last_error=error))
        return BundleOutcome(entry.package_id, entry.package_version, Outcome.FAILED, error=error)

    def _current(self, entry: OutboxEntry) -> OutboxEntry:
        return self._outbox.get(entry.package_id, entry.package_version) or entry

    def _save(self, entry: OutboxEntry) -> OutboxEntry:
        state_changed = self._current(entry).state != entry.state
        self._outbox.save_progress(entry, timestamp(self._clock()))
        if state_changed:
            # Views follow queued → uploading → verifying → accepted as it happens, not only at the end.
            self._bus.publish(Changes(outbox=True, packages=True))
        return entry

    # --- hand-carried delivery --------------------------------------------------------------------

    def export_outbox(
        self, folder: Path, progress: CopyProgress | None = None, cancelled: Callable[[], bool] | None = None
    ) -> list[Path]:
        """Copy every bundle the portal has not answered about to `folder` (a USB stick), each checked
        against its sealed sha256 and written whole or not at all; returns the files written."""
        return export_bundles(self._store, self._outbox.pending(), folder, progress, cancelled)

    def import_receipts(self, paths: Sequence[Path], portal_key: str | None = None) -> ReceiptImportResult:
        """Verify receipt files written by `workstation-portal ingest` and record each verdict exactly
        as an online sync does; importing a file twice changes nothing. `portal_key` is needed only
        by a station never enrolled, and is then remembered (see workstation/sync/handcarry.py)."""
        key = trusted_key(self._store, PORTAL_PUBLIC_KEY, portal_key)
        receipts = [import_receipt(self.feedback.receipts, Path(path), key) for path in paths]
        if any(receipt.changed for receipt in receipts):
            self._bus.publish(VERDICT_CHANGES)
        return ReceiptImportResult(receipts)


def _in_flight(entry: OutboxEntry) -> DeliveryState:
    """Where an unanswered bundle stands, from how many of its bytes the portal acknowledged."""
    if entry.size and entry.acknowledged_offset >= entry.size:
        return DeliveryState.VERIFYING
    return DeliveryState.UPLOADING if entry.acknowledged_offset > 0 else DeliveryState.QUEUED


def _default_feedback(store: Store, station_id: str, clock: Clock, bus: ChangeBus) -> FeedbackService:
    def glossary() -> Any:
        from workstation.translation.glossary import Glossary

        return Glossary(store, clock, station_id)

    def memory() -> Any:
        from workstation.translation.memory import TranslationMemory

        return TranslationMemory(store, station_id, clock)

    return FeedbackService(store, station_id, clock, bus, glossary, memory)


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


@lru_cache(maxsize=4096)
def _verified_receipt(receipt_text: str, portal_key: str) -> dict[str, Any] | None:
    """The receipt's payload when the portal key signed it, else None. A stored receipt never changes,
    so the Sync view, which asks for every delivery several times a second during an upload, checks
    each signature once."""
    return verify_signed_payload(json.loads(receipt_text), portal_key)
