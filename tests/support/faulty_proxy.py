"""A fault-injecting HTTP/1.1 proxy on 127.0.0.1, between a station and a real portal process.

    with FaultyProxy(portal.url) as proxy:
        proxy.cut_at(50_000, 120_000)        # close the connection once that many bytes went upstream
        proxy.answer(503, method="PATCH")     # the next PATCH gets a 503 without reaching the portal
        station enrolled with proxy.url ...

Byte-level faults count the bytes forwarded to the portal over all connections (`upstream_bytes`):
cut (FIN) or reset (RST, via SO_LINGER 0) at given offsets, stall for some seconds, throttle to a rate.
HTTP-level faults act on whole requests and responses: answer a status instead of the portal, rewrite
the Upload-Offset header (a portal that lies about offsets) or a response body (malformed or forged
receipts and feed entries). `retarget` points it at a portal restarted on another port.

It understands just enough HTTP/1.1 for httpx talking to uvicorn: Content-Length and chunked bodies,
keep-alive, HEAD and 204 without bodies.
"""

from __future__ import annotations

import contextlib
import socket
import struct
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from types import TracebackType
from typing import BinaryIO
from urllib.parse import urlsplit

_PIECE = 16 * 1024  # forwarded in pieces so cuts, stalls and throttling land inside bodies
_MAX_HEADER_BYTES = 64 * 1024


@dataclass
class Message:
    """A request or response: the start line, headers in order, and the body (de-chunked)."""

    start_line: str
    headers: list[tuple[str, str]]
    body: bytes = b""

    def header(self, name: str) -> str | None:
        return next((value for key, value in self.headers if key.lower() == name.lower()), None)

    def set_header(self, name: str, value: str) -> None:
        self.headers = [(key, val) for key, val in self.headers if key.lower() != name.lower()] + [(name, value)]

    @property
    def method(self) -> str:
        return self.start_line.split(" ", 1)[0]

    @property
    def path(self) -> str:
        return self.start_line.split(" ")[1] if " " in self.start_line else ""

    @property
    def status(self) -> int:
        return int(self.start_line.split(" ")[1])

    def encode(self) -> bytes:
        headers = [(k, v) for k, v in self.headers if k.lower() not in ("content-length", "transfer-encoding")]
        if self.body or not self.start_line.startswith("HTTP/") or self.header("content-length") is not None:
            headers.append(("Content-Length", str(len(self.body))))
        lines = [self.start_line, *(f"{key}: {value}" for key, value in headers)]
        return ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1") + self.body


@dataclass
class _Rule:
    """An HTTP-level fault for the next `times` matching requests."""

    method: str | None
    path_prefix: str
    times: int
    status: int | None = None
    offset_delta: int = 0
    rewrite: Callable[[bytes], bytes] | None = None

    def matches(self, request: Message) -> bool:
        return (
            self.times > 0
            and (self.method is None or request.method == self.method)
            and request.path.startswith(self.path_prefix)
        )


@dataclass
class _ByteFaults:
    cuts: list[tuple[int, bool]] = field(default_factory=list)  # (offset, reset), ascending
    stalls: list[tuple[int, float]] = field(default_factory=list)  # (offset, seconds), ascending
    rate: float | None = None


class _Cut(Exception):
    """The scripted fault closed this connection."""


class FaultyProxy:
    def __init__(self, upstream_url: str) -> None:
        self._upstream = _address(upstream_url)
        self._lock = threading.Lock()
        self._faults = _ByteFaults()
        self._rules: list[_Rule] = []
        self._listener = socket.create_server(("127.0.0.1", 0))
        self._threads: list[threading.Thread] = []
        self._connections: set[socket.socket] = set()
        self._closed = threading.Event()
        self.upstream_bytes = 0
        """Bytes forwarded to the portal so far, over every connection."""
        self.cuts_done = 0
        self.requests: list[tuple[str, str, int]] = []
        """(method, path, status) of each request answered, by the portal or by a scripted fault."""
        self._acceptor = threading.Thread(target=self._accept, name="faulty-proxy", daemon=True)
        self._acceptor.start()

    @property
    def url(self) -> str:
        host, port = self._listener.getsockname()[:2]
        return f"http://{host}:{port}"

    # --- scripting faults ----------------------------------------------------------------------------

    def cut_at(self, *offsets: int, reset: bool = False) -> None:
        """Close the connection once `upstream_bytes` reaches each offset (RST instead of FIN with reset)."""
        with self._lock:
            self._faults.cuts = sorted([*self._faults.cuts, *((offset, reset) for offset in offsets)])

    def stall_at(self, offset: int, seconds: float) -> None:
        """Stop forwarding for `seconds` once `upstream_bytes` reaches the offset."""
        with self._lock:
            self._faults.stalls = sorted([*self._faults.stalls, (offset, seconds)])

    def throttle(self, bytes_per_second: float | None) -> None:
        """Forward at most this many bytes a second upstream (None: as fast as possible)."""
        with self._lock:
            self._faults.rate = bytes_per_second

    def answer(self, status: int, method: str | None = "PATCH", path_prefix: str = "/", times: int = 1) -> None:
        """Answer the next `times` matching requests with `status` without forwarding them."""
        with self._lock:
            self._rules.append(_Rule(method, path_prefix, times, status=status))

    def lie_about_offset(self, delta: int, method: str = "HEAD", times: int = 1) -> None:
        """Add `delta` to the Upload-Offset header of the next `times` responses to `method`."""
        with self._lock:
            self._rules.append(_Rule(method, "/", times, offset_delta=delta))

    def rewrite(self, path_prefix: str, rewrite: Callable[[bytes], bytes], method: str = "GET", times: int = 1) -> None:
        """Pass the body of the next `times` matching responses through `rewrite`."""
        with self._lock:
            self._rules.append(_Rule(method, path_prefix, times, rewrite=rewrite))

    def clear(self) -> None:
        """No more faults: forward faithfully."""
        with self._lock:
            self._faults = _ByteFaults()
            self._rules = []

    def retarget(self, upstream_url: str) -> None:
        """Forward new connections to another portal address (a portal restarted elsewhere)."""
        self._upstream = _address(upstream_url)

    def drop_connections(self) -> None:
        """Close every open connection now, as a lost Wi-Fi link would."""
        with self._lock:
            connections = list(self._connections)
        for connection in connections:
            _close(connection)

    # --- running -----------------------------------------------------------------------------------

    def close(self) -> None:
        self._closed.set()
        with contextlib.suppress(OSError):
            self._listener.shutdown(socket.SHUT_RDWR)  # wakes the accepting thread
        self._listener.close()
        self.drop_connections()
        self._acceptor.join(5)
        for thread in self._threads:
            thread.join(5)

    def __enter__(self) -> FaultyProxy:
        return self

    def __exit__(
        self, kind: type[BaseException] | None, error: BaseException | None, traceback: TracebackType | None
    ) -> None:
        self.close()

    def _accept(self) -> None:
        while not self._closed.is_set():
            try:
                client, _ = self._listener.accept()
            except OSError:
                return
            thread = threading.Thread(target=self._serve, args=(client,), daemon=True)
            self._threads = [t for t in self._threads if t.is_alive()] + [thread]
            thread.start()

    def _serve(self, client: socket.socket) -> None:
        upstream: socket.socket | None = None
        self._track(client)
        try:
            reader = client.makefile("rb")
            while True:
                request = _read_message(reader, request_method=None)
                if request is None:
                    return
                canned = self._take_rule(request, lambda rule: rule.status is not None)
                if canned is not None:
                    assert canned.status is not None
                    self._record(request, canned.status)
                    client.sendall(_canned(canned.status))
                    continue
                if upstream is None:
                    try:
                        upstream = socket.create_connection(self._upstream, timeout=30)
                    except OSError:
                        return  # the portal is down: the station sees the connection close
                    self._track(upstream)
                    upstream_reader = upstream.makefile("rb")
                self._forward(upstream, request.encode(), client)
                response = _read_message(upstream_reader, request_method=request.method)
                if response is None:
                    return
                self._tamper(request, response)
                self._record(request, response.status)
                client.sendall(response.encode())
                if (response.header("connection") or "").lower() == "close":
                    return
        except (_Cut, OSError, ValueError):
            return
        finally:
            _close(client)
            if upstream is not None:
                _close(upstream)
            with self._lock:
                self._connections.discard(client)
                if upstream is not None:
                    self._connections.discard(upstream)

    def _forward(self, upstream: socket.socket, data: bytes, client: socket.socket) -> None:
        """Send `data` upstream piece by piece, applying the byte-level faults."""
        position = 0
        while position < len(data):
            with self._lock:
                faults = self._faults
                start = self.upstream_bytes
                end = start + min(_PIECE, len(data) - position)
                cut = next(((offset, reset) for offset, reset in faults.cuts if offset < end), None)
                stall = next(((offset, seconds) for offset, seconds in faults.stalls if offset < end), None)
                # An offset already passed (scripted late) fires at once.
                cutting = cut is not None and (stall is None or cut[0] <= stall[0])
                stalling = stall is not None and not cutting
                if cutting:
                    faults.cuts.remove(cut)
                    limit = max(cut[0], start)
                elif stalling:
                    faults.stalls.remove(stall)
                    limit = max(stall[0], start)
                else:
                    limit = end
                count = limit - start
                self.upstream_bytes += count
                rate = faults.rate
            if count:
                upstream.sendall(data[position : position + count])
                position += count
                if rate:
                    time.sleep(count / rate)
            if cutting:
                assert cut is not None
                with self._lock:
                    self.cuts_done += 1
                _close(client, reset=cut[1])
                _close(upstream, reset=cut[1])
                raise _Cut
            if stalling:
                assert stall is not None
                time.sleep(stall[1])

    def _take_rule(self, request: Message, kind: Callable[[_Rule], bool]) -> _Rule | None:
        with self._lock:
            for rule in self._rules:
                if kind(rule) and rule.matches(request):
                    rule.times -= 1
                    return rule
        return None

    def _tamper(self, request: Message, response: Message) -> None:
        """Only successful answers are tampered with: a lie needs something to lie about."""
        if not 200 <= response.status < 300:
            return
        lie = self._take_rule(request, lambda rule: rule.offset_delta != 0)
        if lie is not None and response.header("Upload-Offset") is not None:
            response.set_header("Upload-Offset", str(int(response.header("Upload-Offset") or 0) + lie.offset_delta))
        rewrite = self._take_rule(request, lambda rule: rule.rewrite is not None)
        if rewrite is not None and rewrite.rewrite is not None:
            response.body = rewrite.rewrite(response.body)

    def _record(self, request: Message, status: int) -> None:
        with self._lock:
            self.requests.append((request.method, request.path, status))

    def _track(self, connection: socket.socket) -> None:
        with self._lock:
            self._connections.add(connection)


def _address(url: str) -> tuple[str, int]:
    parts = urlsplit(url)
    return parts.hostname or "127.0.0.1", parts.port or 80


def _read_message(reader: BinaryIO, request_method: str | None) -> Message | None:
    """One HTTP/1.1 message; None at a clean end of stream. `request_method` is set for responses."""
    head = b""
    while not head.endswith(b"\r\n\r\n"):
        line = reader.readline(_MAX_HEADER_BYTES)
        if not line:
            if head:
                raise ValueError("connection closed inside a header")
            return None
        if head == b"" and line == b"\r\n":
            continue
        head += line
        if len(head) > _MAX_HEADER_BYTES:
            raise ValueError("header too large")
    lines = head.decode("latin-1").split("\r\n")
    headers = [(name.strip(), value.strip()) for name, _, value in (line.partition(":") for line in lines[1:] if line)]
    message = Message(lines[0], headers)
    if request_method is not None:
        status = message.status
        if request_method == "HEAD" or status in (204, 304) or 100 <= status < 200:
            return message
    if (message.header("transfer-encoding") or "").lower() == "chunked":
        message.body = _read_chunked(reader)
    elif (length := message.header("content-length")) is not None:
        message.body = _read_exactly(reader, int(length))
    elif request_method is not None:
        message.body = reader.read()  # until the portal closes
    return message


def _read_chunked(reader: BinaryIO) -> bytes:
    body = b""
    while True:
        size = int(reader.readline().split(b";")[0].strip() or b"0", 16)
        if size == 0:
            while reader.readline() not in (b"\r\n", b""):
                pass
            return body
        body += _read_exactly(reader, size)
        reader.readline()


def _read_exactly(reader: BinaryIO, size: int) -> bytes:
    data = reader.read(size)
    if len(data) != size:
        raise ValueError("connection closed inside a body")
    return data


def _canned(status: int) -> bytes:
    body = b'{"detail": "injected by the faulty proxy"}'
    return (
        f"HTTP/1.1 {status} Injected\r\nContent-Type: application/json\r\nContent-Length: {len(body)}\r\n\r\n"
    ).encode("latin-1") + body


def _close(connection: socket.socket, reset: bool = False) -> None:
    """FIN (shutdown wakes any thread blocked reading it), or RST when `reset`: linger 0, then close."""
    with contextlib.suppress(OSError):
        if reset:
            connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
            connection.shutdown(socket.SHUT_RD)  # wakes readers without sending a FIN
        else:
            connection.shutdown(socket.SHUT_RDWR)
    with contextlib.suppress(OSError):
        connection.close()
