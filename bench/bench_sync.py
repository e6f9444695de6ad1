"""Sync over bad connections: a 100 MB sealed bundle through a fault-injecting proxy to a real portal.

    .venv/bin/python -m bench.bench_sync [--size-mb 100] [--cuts 20] [--cut-every-mb 10] [--chunk-kib 1024 ...]
                                         [--fixed-chunks]

Run from the repository root (it uses tests/support's portal process and proxy). For each chunk size:

1. uninterrupted: the bundle through the proxy without faults (bytes sent upstream, seconds);
2. 20 random cuts: the connection closed at 20 random offsets of the upload; bytes re-sent as a
   percentage of the bundle = upstream bytes beyond the uninterrupted run's;
3. a cut every 10 MB: time to deliver beside the uninterrupted upload.

Each run is a fresh portal and station; the station resumes as its worker would, without waiting
between passes (the backoff delay is policy, not cost). Every run checks the portal stored the
bundle once with the sealed sha256. Prints a JSON summary.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import random
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from tests.support.faulty_proxy import FaultyProxy
from tests.support.portal_process import PortalProcess, enrol_code, running_portal
from workstation.clock import timestamp, utc_now
from workstation.ids import new_id
from workstation.model import Article, Block, OutboxEntry, Package
from workstation.packaging.bundle import BundleIdentity, BundleItem, BundleMedia, seal_bundle
from workstation.packaging.ninjs import to_ninjs
from workstation.station.identity import load_or_create_identity
from workstation.storage.packages import OutboxRepository, PackageRepository
from workstation.storage.store import Store, open_store
from workstation.sync import service as sync_service
from workstation.sync.client import PortalClient
from workstation.sync.service import SyncService
from workstation.sync.worker import Backoff, SyncWorker
from workstation.user_files import file_sha256

MB = 1024 * 1024


@dataclass(frozen=True)
class Run:
    label: str
    chunk: int
    seconds: float
    upstream_bytes: int
    passes: int
    cuts: int


def seal_large_bundle(folder: Path, size: int) -> tuple[Store, OutboxEntry, object]:
    """A station with one sealed bundle of about `size` bytes (random photos, so nothing compresses)."""
    store = open_store(folder / "station" / "w.db")
    identity = load_or_create_identity(store)
    now = timestamp(utc_now())
    package_id = new_id()
    PackageRepository(store).insert(
        Package(
            id=package_id, name="Ảnh", article_ids=[], station_id=identity.station_id, created_at=now, updated_at=now
        )
    )
    article = Article(
        id=new_id(),
        station_id=identity.station_id,
        language="vi",
        headline="Triển lãm ảnh",
        blocks=[Block(id=new_id(), text="Bộ ảnh triển lãm.")],
        created_at=now,
        updated_at=now,
    )
    media = []
    for _ in range(max(1, size // (20 * MB))):
        photo = folder / f"photo-{new_id()}.jpg"
        photo.write_bytes(os.urandom(min(20 * MB, size)))
        media.append(BundleMedia(file_sha256(photo)[0], "jpg", photo))
    identity_bundle = BundleIdentity(package_id, 1)
    file_name = f"{identity_bundle.folder}.zip"
    sealed = seal_bundle(
        store.outbox_folder / file_name,
        identity_bundle,
        {"id": package_id, "version": 1, "name": "Ảnh", "station_id": identity.station_id, "items": []},
        [BundleItem(article.id, "vi", to_ninjs(article, identity.station_id, "Đại sứ quán"))],
        media,
        station_id=identity.station_id,
        organisation="Đại sứ quán",
        private_key=identity.private_key(),
    )
    entry = OutboxEntry(package_id, 1, file_name, sealed.sha256, sealed.size, sealed_at=now)
    OutboxRepository(store).add(entry, now)
    return store, entry, identity


def fresh_station(template: Path, workdir: Path) -> tuple[Store, OutboxEntry, object]:
    """A copy of the sealed station, so every run starts from the same bytes and nothing acknowledged."""
    import shutil

    shutil.copytree(template, workdir)
    store = open_store(workdir / "w.db")
    identity = load_or_create_identity(store)
    [entry] = OutboxRepository(store).all()
    return store, entry, identity


def deliver(portal: PortalProcess, proxy: FaultyProxy, station: Path, workdir: Path, chunk: int, label: str) -> Run:
    store, entry, identity = fresh_station(station, workdir)
    service = SyncService(
        store, identity, lambda url, token: PortalClient(url, token, chunk_size=chunk, timeout=60.0), utc_now
    )
    service.enrol(proxy.url, enrol_code(portal.data_dir))
    worker = SyncWorker(service, Backoff(0.0, 0.0))
    start_bytes, start_cuts = proxy.upstream_bytes, proxy.cuts_done
    started = time.perf_counter()
    passes = 0
    while service.waiting_count():
        passes += 1
        worker.run_once()
        if passes > 500:
            raise RuntimeError(f"{label}: not delivered after 500 passes: {worker.last}")
    seconds = time.perf_counter() - started
    [(sha256, file_name)] = portal.sql(
        "SELECT sha256, file_name FROM bundles WHERE package_id = ?", (entry.package_id,)
    )
    stored = hashlib.sha256((portal.data_dir / "bundles" / str(file_name)).read_bytes()).hexdigest()
    assert sha256 == stored == entry.sha256, "the portal stored other bytes"
    store.close()
    return Run(label, chunk, seconds, proxy.upstream_bytes - start_bytes, passes, proxy.cuts_done - start_cuts)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size-mb", type=int, default=100)
    parser.add_argument("--cuts", type=int, default=20)
    parser.add_argument("--cut-every-mb", type=int, default=10)
    parser.add_argument("--chunk-kib", type=int, nargs="+", default=[1024])
    parser.add_argument("--seed", type=int, default=20261127)
    parser.add_argument(
        "--fixed-chunks", action="store_true", help="keep the full chunk size after a cut (for comparison)"
    )
    args = parser.parse_args()
    if args.fixed_chunks:
        sync_service.CUT_CHUNK_DIVISOR = 1  # the station's rule, switched off for the comparison
    rng = random.Random(args.seed)
    results: list[dict[str, object]] = []
    with tempfile.TemporaryDirectory(prefix="bench-sync-") as temporary:
        root = Path(temporary)
        store, entry, _identity = seal_large_bundle(root / "template", args.size_mb * MB)
        store.close()
        size = entry.size
        template = root / "template" / "station"
        for chunk_kib in args.chunk_kib:
            chunk = chunk_kib * 1024
            runs = {}
            for label in ("uninterrupted", "random cuts", "cut every N MB"):
                with (
                    running_portal(root / f"portal-{chunk_kib}-{len(runs)}") as portal,
                    FaultyProxy(portal.url) as proxy,
                ):
                    # Enrolment goes through the proxy too: offsets are counted from after it.
                    offset = proxy.upstream_bytes + 4096
                    if label == "random cuts":
                        proxy.cut_at(*(offset + rng.randrange(0, size) for _ in range(args.cuts)))
                    elif label == "cut every N MB":
                        step = args.cut_every_mb * MB
                        proxy.cut_at(*(offset + step * n for n in range(1, size // step + 1)))
                    runs[label] = deliver(
                        portal, proxy, template, root / f"station-{chunk_kib}-{len(runs)}", chunk, label
                    )
            base = runs["uninterrupted"]
            cut = runs["random cuts"]
            every = runs["cut every N MB"]
            results.append(
                {
                    "chunk_bytes": chunk,
                    "chunks_shrink_after_a_cut": not args.fixed_chunks,
                    "bundle_bytes": size,
                    "uninterrupted_seconds": round(base.seconds, 2),
                    "uninterrupted_upstream_bytes": base.upstream_bytes,
                    "random_cuts": cut.cuts,
                    "random_cuts_passes": cut.passes,
                    "random_cuts_resent_bytes": cut.upstream_bytes - base.upstream_bytes,
                    "random_cuts_resent_percent": round(100 * (cut.upstream_bytes - base.upstream_bytes) / size, 2),
                    "random_cuts_seconds": round(cut.seconds, 2),
                    "cut_every_mb": args.cut_every_mb,
                    "cut_every_cuts": every.cuts,
                    "cut_every_seconds": round(every.seconds, 2),
                    "cut_every_resent_percent": round(100 * (every.upstream_bytes - base.upstream_bytes) / size, 2),
                }
            )
            print(json.dumps(results[-1]), flush=True)
    print(json.dumps({"results": results}, indent=2))


if __name__ == "__main__":
    main()
