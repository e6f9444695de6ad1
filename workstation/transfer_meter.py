"""Transfer rate and time left from (bytes done, bytes total, time) samples. Qt-free.

The rate is an exponentially weighted moving average whose weight depends on the time between
samples (a time constant, not a sample count), so bursts of tiny chunks and long gaps weigh what they
last. Samples closer together than `min_interval` are pooled: a rate over a few milliseconds is noise.
Silence counts: `estimate(now)` treats the time since the last sample as zero bytes, so a stalled
link shows its rate falling and its time left growing, without waiting for the next chunk.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable
from dataclasses import dataclass

DEFAULT_TIME_CONSTANT = 5.0  # seconds: long enough to ride out one slow chunk, short enough to follow a new link
DEFAULT_MIN_INTERVAL = 0.25  # seconds between samples that are measured on their own
_STALLED_RATE = 1.0  # bytes per second below which no time left is promised


@dataclass(frozen=True)
class TransferEstimate:
    done: int
    total: int
    rate: float | None
    """Bytes per second, smoothed; None until a rate could be measured."""
    seconds_left: float | None
    """None while unknown (no rate yet, or the transfer is stalled)."""

    @property
    def fraction(self) -> float:
        if self.total <= 0:
            return 0.0
        return min(1.0, max(0.0, self.done / self.total))

    @property
    def percent(self) -> int:
        """Whole percent, rounded down, so 100 % means everything is there."""
        return math.floor(self.fraction * 100)


class TransferMeter:
    def __init__(
        self,
        time_constant: float = DEFAULT_TIME_CONSTANT,
        min_interval: float = DEFAULT_MIN_INTERVAL,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        if time_constant <= 0 or min_interval < 0:
            raise ValueError("time_constant must be positive and min_interval not negative")
        self._time_constant = time_constant
        self._min_interval = min_interval
        self._clock = clock
        self._rate: float | None = None
        self._base: tuple[int, float] | None = None  # (bytes, time) the next measurement starts from
        self._done = 0
        self._total = 0

    def update(self, done: int, total: int, now: float | None = None) -> TransferEstimate:
        """Record that `done` of `total` bytes are through at `now` (the clock's time when omitted)."""
        now = self._clock() if now is None else now
        self._done, self._total = done, total
        if self._base is None or done < self._base[0] or now < self._base[1]:
            # The first sample, or the count restarted (a new attempt): measure from here.
            self._base = (done, now)
        elif now - self._base[1] >= self._min_interval:
            self._rate = self._blend(done, now)
            self._base = (done, now)
        return self._estimate(self._rate)

    def estimate(self, now: float | None = None) -> TransferEstimate:
        """The estimate at `now`, counting the silence since the last sample as bytes not sent."""
        now = self._clock() if now is None else now
        rate = self._rate
        if self._base is not None and rate is not None and now - self._base[1] >= self._min_interval:
            rate = self._blend(self._done, now)
        return self._estimate(rate)

    def _blend(self, done: int, now: float) -> float:
        assert self._base is not None
        base_done, base_time = self._base
        elapsed = now - base_time
        measured = (done - base_done) / elapsed
        if self._rate is None:
            return measured
        weight = 1.0 - math.exp(-elapsed / self._time_constant)
        return self._rate + weight * (measured - self._rate)

    def _estimate(self, rate: float | None) -> TransferEstimate:
        remaining = max(0, self._total - self._done)
        if remaining == 0 and self._total > 0:
            seconds_left: float | None = 0.0
        elif rate is None or rate < _STALLED_RATE:
            seconds_left = None
        else:
            seconds_left = remaining / rate
        return TransferEstimate(self._done, self._total, rate, seconds_left)
