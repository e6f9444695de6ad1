"""Real stations syncing with the real portal (a subprocess on 127.0.0.1)."""

from __future__ import annotations

import http.server
import socket
import subprocess
import threading
from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING

import pytest

from tests.support.portal_process import REPO_ROOT, PortalProcess, enrol_code, portal_command
from tests.support.stations import Station
from workstation.clock import utc_now
from workstation.model import Article, OutboxEntry

if TYPE_CHECKING:
    from workstation.app import Services


@pytest.fixture
def station(portal: PortalProcess, new_station: Callable[[str], Station]) -> Station:
    """A station enrolled with the module's portal."""
    enrolled = new_station("station")
    enrolled.enrol(portal.url, enrol_code(portal.data_dir))
    return enrolled


class _NotThePortal(http.server.BaseHTTPRequestHandler):
    """Answers every request with a web page, as a captive portal or a wrong address would."""

    def _page(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        self.rfile.read(length)
        body = b"<html><body><h1>Welcome to the hotel Wi-Fi</h1></body></html>"
        self.send_response(200)
        self.send_header("Content-Type", "text/html")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    do_GET = do_POST = do_PATCH = do_HEAD = do_DELETE = _page

    def log_message(self, format: str, *args: object) -> None:
        pass


@pytest.fixture
def garbage_server() -> Iterator[str]:
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _NotThePortal)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join()


@pytest.fixture
def closed_port_url() -> str:
    """A loopback URL where nothing listens."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    return f"http://127.0.0.1:{port}"


@pytest.fixture
def desk(station: Station) -> Services:
    """The enrolled station's services, as the app builds them (on the station's own store)."""
    from workstation.app import Services

    return Services(station.store, station.identity, utc_now)


def approved_article(desk: Services, headline: str = "Đà Nẵng quảng bá du lịch tại Hàn Quốc") -> Article:
    """A source article taken through review and clearing, ready to package."""
    article = desk.editorial.create_article(
        "vi", headline, lead="Hơn 200 doanh nghiệp tham dự hội nghị.", paragraphs=["Sự kiện kéo dài ba ngày."]
    )
    for state in ("in_review", "approved"):
        article = desk.editorial.set_state(article.id, state)
    return article


def sealed_package(desk: Services, *articles: Article) -> OutboxEntry:
    package = desk.packaging.create("Bản tin tuần", [article.id for article in articles])
    return desk.packaging.seal(package.id).entry


def portal_cli(portal: PortalProcess, *arguments: str) -> subprocess.CompletedProcess[str]:
    """Run `workstation-portal --data DIR ...` as the portal's operator would."""
    return subprocess.run(
        portal_command(portal.data_dir, *arguments), capture_output=True, text=True, cwd=REPO_ROOT, check=False
    )
