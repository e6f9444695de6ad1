"""The sync worker's logic, without Qt: when to try, one pass, and backing off when the portal is away.

The GUI owns the thread and the timer; it asks `SyncWorker.seconds_until_due()` when to wake, then
calls `run_once(progress, cancelled)` on a worker thread. A pass never raises for network trouble:
it records what happened and schedules the next try with exponential backoff and full jitter
(AWS Architecture Blog, "Exponential Backoff And Jitter"): a random delay between 0 and
min(cap, base · 2^failures), so many stations coming back online do not all retry together.
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable
from dataclasses import dataclass, field

from workstation.errors import WorkstationError
from workstation.sync.errors import NotEnrolled, PortalUnavailable, TokenRefused
from workstation.sync.service import REACHABLE_TIMEOUT_SECONDS, SyncProgress, SyncResult, SyncService

DEFAULT_BASE_SECONDS = 2.0
DEFAULT_CAP_SECONDS = 15 * 60.0
IDLE_SECONDS = 5 * 60.0
"""Between passes when all went well: the feed is read again this often."""
MADE_PROGRESS_SECONDS = 1.0
"""After a pass cut short that still moved bytes: the link works, so come back soon."""


@dataclass(frozen=True)
class Backoff:
    """Full-jitter exponential backoff; `random` and the limits are injectable for tests."""

    base: float = DEFAULT_BASE_SECONDS
    cap: float = DEFAULT_CAP_SECONDS
    random: Callable[[], float] = field(default=random.random)

    def delay(self, failures: int) -> float:
        """Seconds to wait after `failures` failures in a row (0 < failures)."""
        ceiling = min(self.cap, self.base * 2 ** min(failures, 62))
        return self.random() * ceiling


@dataclass(frozen=True)
class SyncPass:
    """What one pass did. `result` is None when the pass did not get through; `error` then says why."""

    result: SyncResult | None
    error: str = ""
    refused: bool = False
    """The portal refused the station (token revoked) or it is not enrolled: retrying will not help."""
    retry_in: float = IDLE_SECONDS
    """Seconds until the next pass is due."""
    acknowledged_bytes: int = 0
    """Bytes the portal newly acknowledged during the pass, also when it was cut short."""

    @property
    def ok(self) -> bool:
        return self.result is not None


class SyncWorker:
    """Runs sync passes and decides when the next is due. One pass at a time; not thread-safe itself."""

    def __init__(
        self,
        service: SyncService,
        backoff: Backoff | None = None,
        monotonic: Callable[[], float] = time.monotonic,
    ) -> None:
        self._service = service
        self._backoff = backoff or Backoff()
        self._monotonic = monotonic
        self.failures = 0
        """Passes in a row that did not get through (and moved no bytes)."""
        self.last: SyncPass | None = None
        self._due_at = monotonic()

    def reachable(self, timeout: float = REACHABLE_TIMEOUT_SECONDS) -> bool:
        """A quick probe: does the enrolled portal answer within `timeout` seconds?"""
        return self._service.reachable(timeout)

    def seconds_until_due(self) -> float:
        return max(0.0, self._due_at - self._monotonic())

    def due(self) -> bool:
        return self.seconds_until_due() == 0.0

    def run_once(self, progress: SyncProgress | None = None, cancelled: Callable[[], bool] | None = None) -> SyncPass:
        """Push the outbox, then pull the feed; never raises for network trouble or refusal."""
        before = self._acknowledged()
        try:
            result = self._service.sync(progress=progress, cancelled=cancelled)
        except (TokenRefused, NotEnrolled) as error:
            return self._finish(SyncPass(None, str(error), refused=True, retry_in=IDLE_SECONDS))
        except PortalUnavailable as error:
            moved = max(0, self._acknowledged() - before)
            if moved > 0:
                # Bytes got through before the cut: the link comes and goes, it is not down.
                self.failures = 0
                return self._finish(SyncPass(None, str(error), retry_in=self._short_retry(), acknowledged_bytes=moved))
            self.failures += 1
            return self._finish(SyncPass(None, str(error), retry_in=self._backoff.delay(self.failures)))
        except WorkstationError as error:  # the store or a file: the person must act, retrying soon won't help
            self.failures += 1
            return self._finish(SyncPass(None, str(error), retry_in=self._backoff.delay(self.failures)))
        self.failures = 0
        moved = max(0, self._acknowledged() - before)
        return self._finish(SyncPass(result, retry_in=IDLE_SECONDS, acknowledged_bytes=moved))

    def _acknowledged(self) -> int:
        """Bytes the portal holds over the whole outbox (a settled bundle counts whole)."""
        return sum(entry.acknowledged_offset for entry in self._service.outbox())

    def _short_retry(self) -> float:
        return self._backoff.random() * MADE_PROGRESS_SECONDS

    def _finish(self, outcome: SyncPass) -> SyncPass:
        self.last = outcome
        self._due_at = self._monotonic() + outcome.retry_in
        return outcome
