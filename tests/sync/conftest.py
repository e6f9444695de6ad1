"""Real stations syncing with the real portal (a subprocess on 127.0.0.1)."""

from __future__ import annotations

import http.server
import socket
import threading
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from tests.support.portal_process import PortalProcess, enrol_code, running_portal
from tests.support.stations import Station, make_station


@pytest.fixture(autouse=True)
def _secrets_in_files(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("WORKSTATION_SECRETS", "file")


@pytest.fixture(scope="module")
def portal(tmp_path_factory: pytest.TempPathFactory) -> Iterator[PortalProcess]:
    with running_portal(tmp_path_factory.mktemp("portal") / "data") as process:
        yield process


@pytest.fixture
def new_station(tmp_path: Path) -> Iterator[Callable[[str], Station]]:
    stations: list[Station] = []

    def make(name: str = "station") -> Station:
        station = make_station(tmp_path / name)
        stations.append(station)
        return station

    yield make
    for station in stations:
        station.store.close()


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
