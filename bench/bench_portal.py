"""The portal under load, over loopback, against a real portal process.

    python bench/bench_portal.py [--stations 50] [--bundles 1000] [--postgres | --database-url URL]
                                 [--large-mb 200] [--rounds 3] [--skip-ingest] [--skip-throughput]

Ingest: enrols N stations (`workstation-portal enrol-code`, then the station's enrolment), seals
the bundles beforehand (small one-article bundles with a 12 KiB picture, signed by each station's
key, as tests/support/stations.py seals them), then uploads them with one thread per station, each
thread sending its share one after another with the workstation's tus client (create + PATCH +
receipt). Prints uploads per second and p50/p95/max latency of one bundle. `--postgres` runs it
again on a PostgreSQL server started for the run (bench/portal_postgres.py: Debian's binaries, as
the tests start them, but with fsync on); `--database-url` runs it on that database instead of
SQLite (`[database] url` in the portal's portal.toml).

Throughput: a large sealed bundle (`--large-mb`, its picture incompressible) uploaded with the
workstation's tus client (1 MiB and 16 MiB chunks, each with its sha256 Upload-Checksum, fsynced
and recorded; the whole file then hashed and verified), beside a plain single HTTP PUT of the same
bytes to the same server (`PUT /bench/sink`, mounted only in benchmarks: the body streamed to a
file on the same disk, fsynced once, deleted). `--rounds` interleaved rounds; prints the median
MB/s of each and the ratio.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

import httpx

if TYPE_CHECKING:
    from tests.support.stations import Station
    from workstation.model import OutboxEntry

REPO_ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(REPO_ROOT), str(REPO_ROOT / "bench")]

MIB = 1024 * 1024


@dataclass(frozen=True)
class Delivery:
    """One bundle ready to send: everything a station thread needs, no store access."""

    path: Path
    metadata: dict[str, str]
    package_id: str
    sha256: str


@contextmanager
def portal_process(data_dir: Path, database_url: str | None) -> Iterator[str]:
    """The portal (with the benchmark sink) on a free loopback port, as the tests run it; yields its URL."""
    from tests.support.portal_process import running_portal

    # The sink route (`PUT /bench/sink`) is mounted only when this variable is set; the portal
    # process inherits it.
    os.environ["PORTAL_BENCH_SINK"] = "1"
    data_dir.mkdir(parents=True, exist_ok=True)
    if database_url:
        # In portal.toml rather than the environment, so `enrol-code` uses the same database.
        (data_dir / "portal.toml").write_text(f'[database]\nurl = "{database_url}"\n', "utf-8")
    with ExitStack() as stack:
        try:
            process = stack.enter_context(running_portal(data_dir))
        except RuntimeError as error:  # only the start: the benchmark's own errors pass through the yield
            raise SystemExit(str(error)) from error
        yield process.url


def delivery_of(station: Station, entry: OutboxEntry) -> Delivery:
    """What a sending thread needs of a sealed outbox entry."""
    from workstation.sync.tus import bundle_metadata

    return Delivery(station.bundle_path(entry), bundle_metadata(entry), entry.package_id, entry.sha256)


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(fraction * (len(ordered) - 1)))]


# --- ingest ---------------------------------------------------------------------------------------


def bench_ingest(work: Path, stations: int, bundles: int, database_url: str | None) -> None:
    from tests.support.portal_process import enrol_code
    from tests.support.stations import make_station
    from workstation.sync.client import PortalClient
    from workstation.sync.service import PORTAL_TOKEN

    label = "PostgreSQL" if database_url else "SQLite"
    data_dir = work / f"ingest-{label.lower()}" / "data"
    with portal_process(data_dir, database_url) as url:
        started = time.perf_counter()
        made = [make_station(work / f"stations-{label.lower()}" / f"s{number:02}") for number in range(stations)]
        with ThreadPoolExecutor(8) as pool:
            codes = list(pool.map(lambda _station: enrol_code(data_dir), made))
        for station, code in zip(made, codes, strict=True):
            station.enrol(url, code)
        print(f"enrolled {stations} stations in {time.perf_counter() - started:.1f} s")

        started = time.perf_counter()
        shares: list[tuple[str, list[Delivery]]] = []
        for index, station in enumerate(made):
            count = bundles // stations + (1 if index < bundles % stations else 0)
            deliveries = []
            for _ in range(count):
                deliveries.append(delivery_of(station, station.seal()))
            shares.append((station.identity.secrets.get(PORTAL_TOKEN), deliveries))
        sizes = [delivery.path.stat().st_size for _token, share in shares for delivery in share]
        print(
            f"sealed {len(sizes)} bundles in {time.perf_counter() - started:.1f} s "
            f"(mean {statistics.mean(sizes) / 1024:.1f} KiB)"
        )
        for station in made:
            station.store.close()

        def deliver(share: tuple[str, list[Delivery]]) -> list[tuple[float, str]]:
            token, deliveries = share
            results = []
            with PortalClient(url, token, timeout=120.0) as client:
                for delivery in deliveries:
                    begun = time.perf_counter()
                    client.upload(delivery.path, delivery.metadata)
                    receipt = client.receipt(delivery.package_id, 1, delivery.sha256)
                    assert receipt is not None
                    results.append((time.perf_counter() - begun, receipt["payload"]["state"]))
            return results

        started = time.perf_counter()
        with ThreadPoolExecutor(len(shares)) as pool:
            outcomes = [result for share in pool.map(deliver, shares) for result in share]
        elapsed = time.perf_counter() - started

    if database_url and (data_dir / "portal.db").exists():
        raise SystemExit("the portal kept its database in portal.db although given a database URL")
    latencies = [seconds for seconds, _state in outcomes]
    accepted = sum(1 for _seconds, state in outcomes if state == "accepted")
    print(
        f"\ningest on {label}: {len(outcomes)} bundles from {stations} stations in {elapsed:.1f} s "
        f"= {len(outcomes) / elapsed:.1f} uploads/s ({accepted} accepted, {len(outcomes) - accepted} rejected)\n"
        f"latency per bundle (create + PATCH + receipt): p50 {percentile(latencies, 0.5) * 1000:.0f} ms, "
        f"p95 {percentile(latencies, 0.95) * 1000:.0f} ms, max {max(latencies) * 1000:.0f} ms"
    )


# --- throughput -----------------------------------------------------------------------------------


CHUNK_SIZES = (MIB, 16 * MIB)


@dataclass
class Timing:
    """Seconds per run of one way of uploading; for tus also the final PATCH, which judges the bundle."""

    label: str
    seconds: list[float] = field(default_factory=list)
    judging: list[float] = field(default_factory=list)

    def rate(self, size: int) -> float:
        return size / MIB / statistics.median(self.seconds)


def seal_large_bundles(work: Path, url: str, data_dir: Path, megabytes: int, count: int) -> tuple[str, list[Delivery]]:
    """`count` bundles of one large picture each, from one enrolled station; its token and the bundles."""
    from tests.support import stations as station_support
    from tests.support.portal_process import enrol_code
    from workstation.sync.service import PORTAL_TOKEN

    station = station_support.make_station(work / "large-station")
    station.enrol(url, enrol_code(data_dir))
    # The station helper seals one picture of PICTURE_BYTES random bytes; here it is the large file.
    original = station_support.PICTURE_BYTES
    station_support.PICTURE_BYTES = megabytes * MIB
    try:
        deliveries = [delivery_of(station, station.seal()) for _ in range(count)]
    finally:
        station_support.PICTURE_BYTES = original
    token = station.identity.secrets.get(PORTAL_TOKEN)
    station.store.close()
    return token, deliveries


def bench_throughput(work: Path, megabytes: int, rounds: int) -> None:
    data_dir = work / "throughput" / "data"
    with portal_process(data_dir, None) as url:
        started = time.perf_counter()
        # Every tus upload sends a bundle the portal has not seen, so each one is verified in full.
        token, deliveries = seal_large_bundles(work, url, data_dir, megabytes, rounds * len(CHUNK_SIZES))
        size = deliveries[0].path.stat().st_size
        print(f"sealed {len(deliveries)} bundles of {size / MIB:.1f} MiB in {time.perf_counter() - started:.1f} s")

        put = Timing("plain HTTP PUT (one request, fsync at the end)")
        tus = [
            Timing(f"tus, {chunk_size // MIB} MiB chunks (create + PATCHes + receipt)") for chunk_size in CHUNK_SIZES
        ]
        unsent = iter(deliveries)
        # Interleaved rounds, so that load from elsewhere on the machine hits every method alike.
        for _ in range(rounds):
            put.seconds.append(plain_put(url, deliveries[0].path, size))
            for timing, chunk_size in zip(tus, CHUNK_SIZES, strict=True):
                seconds, judging = tus_upload(url, token, next(unsent), chunk_size)
                timing.seconds.append(seconds)
                timing.judging.append(judging)

    print(f"\nthroughput of one {size / MIB:.0f} MiB bundle over loopback, median of {rounds}:")
    print(f"  {put.label}: {put.rate(size):.0f} MB/s")
    for timing in tus:
        print(
            f"  {timing.label}: {timing.rate(size):.0f} MB/s, ratio tus/PUT {timing.rate(size) / put.rate(size):.2f}; "
            f"its last PATCH (last chunk, sha256, verification, store) {statistics.median(timing.judging):.2f} s"
        )


def plain_put(url: str, path: Path, size: int) -> float:
    with httpx.Client(timeout=600.0) as http, path.open("rb") as body:
        begun = time.perf_counter()
        response = http.put(f"{url}/bench/sink", content=body)
        seconds = time.perf_counter() - begun
    if response.status_code != 200 or response.json().get("received") != size:
        raise SystemExit(f"the sink answered {response.status_code}: {response.text[:200]}")
    return seconds


def tus_upload(url: str, token: str, delivery: Delivery, chunk_size: int) -> tuple[float, float]:
    """Seconds for the whole upload and receipt, and for its last PATCH alone."""
    from workstation.sync.client import PortalClient

    acknowledged: list[float] = []  # at creation, then after each chunk
    with PortalClient(url, token, chunk_size=chunk_size, timeout=600.0) as client:
        begun = time.perf_counter()
        client.upload(
            delivery.path,
            delivery.metadata,
            acknowledged=lambda _url, _offset: acknowledged.append(time.perf_counter()),
        )
        receipt = client.receipt(delivery.package_id, 1, delivery.sha256)
        seconds = time.perf_counter() - begun
    if receipt is None or receipt["payload"]["state"] != "accepted":
        raise SystemExit(f"the large bundle was not accepted: {receipt}")
    return seconds, acknowledged[-1] - acknowledged[-2]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--stations", type=int, default=50)
    parser.add_argument("--bundles", type=int, default=1000)
    parser.add_argument("--database-url", help="run the ingest on this PostgreSQL database instead of SQLite")
    parser.add_argument(
        "--postgres", action="store_true", help="run the ingest on SQLite, then on a new local PostgreSQL (fsync on)"
    )
    parser.add_argument("--large-mb", type=int, default=200, help="size of the large bundle's picture (200)")
    parser.add_argument("--rounds", type=int, default=3, help="throughput rounds (3)")
    parser.add_argument("--skip-ingest", action="store_true")
    parser.add_argument("--skip-throughput", action="store_true")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="bench-portal-") as folder:
        work = Path(folder)
        # Stations keep their keys in an encrypted file under this data home, never an OS keyring.
        os.environ["WORKSTATION_SECRETS"] = "file"
        os.environ["XDG_DATA_HOME"] = str(work / "data-home")
        if not args.skip_ingest:
            bench_ingest(work, args.stations, args.bundles, args.database_url)
            if args.postgres:
                from portal_postgres import durable_postgres

                with durable_postgres() as database_url:
                    bench_ingest(work, args.stations, args.bundles, database_url)
        if not args.skip_throughput:
            bench_throughput(work, args.large_mb, args.rounds)
    return 0


if __name__ == "__main__":
    sys.exit(main())
