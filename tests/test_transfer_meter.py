"""Rate and time left from progress samples, with explicit times (no clock, no sleeping)."""

from __future__ import annotations

import pytest

from workstation.transfer_meter import TransferEstimate, TransferMeter

MB = 1_000_000


def test_a_steady_link_gives_its_rate_and_the_time_left() -> None:
    meter = TransferMeter(time_constant=5.0, min_interval=0.25)
    assert meter.update(0, 10 * MB, now=100.0).rate is None  # one sample measures nothing yet
    for second in range(1, 5):
        estimate = meter.update(second * MB, 10 * MB, now=100.0 + second)
    assert estimate.rate == pytest.approx(MB)
    assert estimate.seconds_left == pytest.approx(6.0)
    assert (estimate.percent, estimate.fraction) == (40, 0.4)


def test_the_rate_follows_a_change_of_link_smoothly() -> None:
    meter = TransferMeter(time_constant=5.0, min_interval=0.0)
    meter.update(0, 100 * MB, now=0.0)
    meter.update(MB, 100 * MB, now=1.0)  # 1 MB/s
    after_one_slow_second = meter.update(MB + 100_000, 100 * MB, now=2.0).rate  # then 0.1 MB/s
    assert after_one_slow_second is not None
    assert 0.1 * MB < after_one_slow_second < MB  # one slow second does not erase the past
    done, now = MB + 100_000, 2.0
    for _ in range(30):
        done, now = done + 100_000, now + 1.0
        estimate = meter.update(done, 100 * MB, now=now)
    assert estimate.rate == pytest.approx(100_000, rel=0.05)  # thirty seconds later it is the new link


def test_samples_closer_than_the_minimum_interval_are_pooled() -> None:
    meter = TransferMeter(time_constant=5.0, min_interval=0.5)
    meter.update(0, 10 * MB, now=0.0)
    assert meter.update(10_000, 10 * MB, now=0.001).rate is None  # 10 GB/s over a millisecond is noise
    assert meter.update(500_000, 10 * MB, now=0.5).rate == pytest.approx(MB)


def test_silence_lowers_the_rate_and_a_stall_promises_no_time() -> None:
    meter = TransferMeter(time_constant=5.0, min_interval=0.25)
    meter.update(0, 10 * MB, now=0.0)
    running = meter.update(MB, 10 * MB, now=1.0)
    quiet = meter.estimate(now=3.0)
    assert quiet.rate is not None and running.rate is not None and quiet.rate < running.rate
    assert quiet.seconds_left is not None and running.seconds_left is not None
    assert quiet.seconds_left > running.seconds_left
    assert meter.estimate(now=200.0).seconds_left is None  # stalled for minutes: no promise
    assert meter.estimate(now=1.1).rate == running.rate  # within the interval nothing is inferred


def test_a_restarted_count_measures_afresh_without_a_negative_rate() -> None:
    meter = TransferMeter(time_constant=5.0, min_interval=0.0)
    meter.update(0, 10 * MB, now=0.0)
    meter.update(4 * MB, 10 * MB, now=4.0)
    restarted = meter.update(0, 10 * MB, now=5.0)  # the portal lost the upload: it starts over
    assert restarted.rate == pytest.approx(MB)
    assert meter.update(MB, 10 * MB, now=6.0).rate == pytest.approx(MB)


def test_a_resumed_transfer_counts_only_the_bytes_sent_now() -> None:
    meter = TransferMeter(time_constant=5.0, min_interval=0.0)
    meter.update(8 * MB, 10 * MB, now=0.0)  # 8 MB were acknowledged before a restart
    estimate = meter.update(9 * MB, 10 * MB, now=2.0)
    assert estimate.rate == pytest.approx(MB / 2)
    assert estimate.seconds_left == pytest.approx(2.0)


def test_done_means_nothing_left_and_an_empty_total_means_zero_percent() -> None:
    meter = TransferMeter()
    meter.update(0, 5, now=0.0)
    assert meter.update(5, 5, now=0.01).seconds_left == 0.0
    assert TransferEstimate(0, 0, None, None).percent == 0
    assert TransferEstimate(999, 1000, None, None).percent == 99  # 100 % only when it is all there


def test_nonsense_settings_are_refused() -> None:
    with pytest.raises(ValueError, match="time_constant"):
        TransferMeter(time_constant=0)
