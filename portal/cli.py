"""The `workstation-portal` command: serve the portal, or make a one-time enrolment code.

Exit codes: 0 success; 2 usage error; 3 environment failure (data folder, database, key, port),
with one line on stderr.
"""

from __future__ import annotations

import argparse
import socket
import sys
from collections.abc import Sequence
from datetime import timedelta
from pathlib import Path

from portal.clock import iso_timestamp, utc_now
from portal.config import PortalPaths
from portal.credentials import enrolment_code_digest, new_enrolment_code
from portal.errors import PortalSetupError
from portal.store import open_portal_store

DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 8780
EXIT_ENVIRONMENT = 3


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="workstation-portal",
        description="The central portal: receives sealed bundles from enrolled stations.",
    )
    parser.add_argument("--data", required=True, type=Path, metavar="DIR", help="the portal's data folder")
    parser.add_argument("--host", default=DEFAULT_HOST, help=f"address to listen on (default {DEFAULT_HOST})")
    parser.add_argument(
        "--port", type=int, default=DEFAULT_PORT, help=f"port to listen on, 0 for any free one (default {DEFAULT_PORT})"
    )
    parser.add_argument(
        "--log-level", default="info", choices=["critical", "error", "warning", "info", "debug"], help="server log"
    )
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")
    commands.add_parser("serve", help="serve the portal (what runs without a command)")
    code = commands.add_parser("enrol-code", help="print a new one-time enrolment code for a station")
    code.add_argument("--valid-hours", type=int, default=72, metavar="N", help="the code expires after N hours (72)")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        if args.command == "enrol-code":
            print(make_enrolment_code(args.data, timedelta(hours=args.valid_hours)))
            return 0
        return serve(args.data, args.host, args.port, args.log_level)
    except PortalSetupError as error:
        print(f"workstation-portal: {error}", file=sys.stderr)
        return EXIT_ENVIRONMENT
    except KeyboardInterrupt:
        return 130


def make_enrolment_code(data_dir: Path, valid_for: timedelta) -> str:
    """Store the code's digest (never the code) and return the code, to hand to the station."""
    paths = PortalPaths(data_dir)
    paths.create()
    store = open_portal_store(paths.database)
    try:
        code = new_enrolment_code()
        now = utc_now()
        store.add_enrolment_code(enrolment_code_digest(code), iso_timestamp(now), iso_timestamp(now + valid_for))
    finally:
        store.close()
    return code


def serve(data_dir: Path, host: str, port: int, log_level: str) -> int:
    import uvicorn

    from portal.app import create_app

    app = create_app(data_dir)
    listener = _listen(host, port)
    bound_port = listener.getsockname()[1]
    shown_host = f"[{host}]" if ":" in host else host
    # The socket already accepts connections, so callers may connect as soon as they read this line.
    print(f"portal listening on http://{shown_host}:{bound_port}", flush=True)
    server = uvicorn.Server(uvicorn.Config(app, log_level=log_level))
    server.run(sockets=[listener])
    return 0


def _listen(host: str, port: int) -> socket.socket:
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    listener = socket.socket(family, socket.SOCK_STREAM)
    try:
        listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        listener.bind((host, port))
        listener.listen(128)
    except OSError as error:
        listener.close()
        raise PortalSetupError(f"cannot listen on {host}:{port}: {error.strerror or error}") from error
    return listener


if __name__ == "__main__":
    sys.exit(main())
