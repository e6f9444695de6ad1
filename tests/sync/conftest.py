"""Real stations syncing with the real portal (a subprocess on 127.0.0.1)."""

from __future__ import annotations

import http.server
import socket
import threading
from collections.abc import Callable, Iterator

import pytest

from tests.support.portal_process import PortalProcess, enrol_code
from tests.support.stations import Station


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
