"""End to end: one portal, two stations on bad links, packages from both, feedback back to one.

Real portal process, real stores and services as the app builds them, a fault-injecting proxy
cutting the connections during the uploads, and the portal operator's own commands.
"""

from __future__ import annotations

import hashlib
import subprocess
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.support.faulty_proxy import FaultyProxy
from tests.support.portal_process import REPO_ROOT, PortalProcess, enrol_code, portal_command, running_portal
from workstation import app
from workstation.app import Services, open_services
from workstation.model import Article, DeliveryState, OutboxEntry
from workstation.sync.client import PortalClient
from workstation.sync.worker import Backoff, SyncWorker

CHUNK = 1024  # small bundles, small chunks: the cuts fall inside the uploads


@dataclass
class Desk:
    name: str
    services: Services
    article: Article | None = None
    entry: OutboxEntry | None = None


@pytest.fixture
def portal(tmp_path: Path) -> Iterator[PortalProcess]:
    with running_portal(tmp_path / "portal") as process:
        yield process


@pytest.fixture
def proxy(portal: PortalProcess) -> Iterator[FaultyProxy]:
    with FaultyProxy(portal.url) as faulty:
        yield faulty


@pytest.fixture
def desks(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[dict[str, Desk]]:
    monkeypatch.setattr(app, "portal_client", lambda url, token: PortalClient(url, token, chunk_size=CHUNK))
    opened = {name: Desk(name, open_services(tmp_path / name / "workspace.db")) for name in ("A", "B")}
    yield opened
    for desk in opened.values():
        desk.services.close()


def operator(portal: PortalProcess, *arguments: str) -> str:
    done = subprocess.run(portal_command(portal.data_dir, *arguments), capture_output=True, text=True, cwd=REPO_ROOT)
    assert done.returncode == 0, done.stderr
    return done.stdout


def seal_one(desk: Desk, headline: str) -> None:
    services = desk.services
    article = services.editorial.create_article(
        "vi", headline, lead="Đại sứ quán tổ chức buổi gặp mặt cộng đồng.", paragraphs=["Hơn 300 người tham dự."] * 5
    )
    for state in ("in_review", "approved"):
        article = services.editorial.set_state(article.id, state)
    package = services.packaging.create(f"Bản tin {desk.name}", [article.id])
    desk.article = article
    desk.entry = services.packaging.seal(package.id).entry


def sync_until_delivered(desk: Desk) -> int:
    """Passes as the background worker runs them (no waiting here); the number it took."""
    worker = SyncWorker(desk.services.sync, Backoff(0.0, 0.0))
    for attempt in range(1, 40):
        outcome = worker.run_once()
        if outcome.ok and desk.services.sync.waiting_count() == 0:
            return attempt
    raise AssertionError(f"{desk.name} not delivered: {worker.last}")


def test_two_stations_deliver_through_cut_links_and_feedback_reaches_only_the_right_one(portal, proxy, desks, tmp_path):
    a, b = desks["A"], desks["B"]
    for desk in (a, b):
        desk.services.sync.enrol(proxy.url, enrol_code(portal.data_dir))
    seal_one(a, "Gặp mặt cộng đồng người Việt tại Seoul")
    seal_one(b, "Tuần lễ ẩm thực Việt Nam tại Busan")
    assert a.entry and b.entry and a.article and b.article

    # Each upload is cut twice, mid-bundle, then once more with a reset.
    for desk in (a, b):
        start = proxy.upstream_bytes
        proxy.cut_at(start + desk.entry.size // 3, start + desk.entry.size // 2)
        proxy.cut_at(start + (2 * desk.entry.size) // 3, reset=True)
        cuts_before = proxy.cuts_done
        assert sync_until_delivered(desk) > 1
        assert proxy.cuts_done == cuts_before + 3

    for desk in (a, b):
        rows = portal.sql("SELECT sha256, file_name FROM bundles WHERE package_id = ?", (desk.entry.package_id,))
        assert len(rows) == 1
        stored = portal.data_dir / "bundles" / str(rows[0][1])
        assert hashlib.sha256(stored.read_bytes()).hexdigest() == desk.entry.sha256 == rows[0][0]
        [delivery] = desk.services.sync.deliveries()
        assert (delivery.state, delivery.receipt_verified) == (DeliveryState.ACCEPTED, True)
        assert desk.services.editorial.get(desk.article.id).state == "sent"

    # The portal's editor returns A's article with comments.
    operator(
        portal, "decide", f"{a.entry.package_id}/v1", "--returned", "--item", a.article.id,
        "--comment", "Cần thêm trích dẫn của Đại sứ", "--editor", "Biên tập viên Hà",
    )  # fmt: skip
    for desk in (a, b):
        desk.services.sync.sync()

    assert a.services.editorial.get(a.article.id).state == "returned"
    [decision] = a.services.sync.feedback_for(a.article.id)
    assert decision.comments == ("Cần thêm trích dẫn của Đại sứ",) and decision.editor == "Biên tập viên Hà"
    assert a.services.sync.deliveries()[0].comments == ("Cần thêm trích dẫn của Đại sứ",)
    assert b.services.editorial.get(b.article.id).state == "sent"
    assert b.services.sync.feedback_for(b.article.id) == []
    assert b.services.sync.deliveries()[0].decisions == ()

    # A glossary update for every station merges at both.
    terms = tmp_path / "terms.csv"
    terms.write_text(
        "source_term,source_language,target_term,target_language,forbidden_variants,note\n"
        "Đại sứ quán,vi,Embassy,en,,\n",
        encoding="utf-8",
    )
    operator(portal, "publish-glossary", str(terms))
    for desk in (a, b):
        desk.services.sync.sync()
        [entry] = desk.services.glossary.entries("vi", "en")
        assert (entry.source_term, entry.target_term, entry.origin) == ("Đại sứ quán", "Embassy", "portal")
