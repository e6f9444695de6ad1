"""The `workstation-portal` command: serve the portal, and the operator's commands on its data folder.

Exit codes: 0 success; 1 the command ran and refused or found problems (a rejected bundle, an
unknown station); 2 usage error; 3 environment failure (data folder, database, key, port), with one
line on stderr. Operator commands work while the server runs on the same data folder.
"""

from __future__ import annotations

import argparse
import json
import socket
import sys
from collections.abc import Sequence
from datetime import timedelta
from pathlib import Path
from typing import Any

from portal.clock import iso_timestamp, utc_now
from portal.config import PortalPaths, PortalSettings
from portal.credentials import enrolment_code_digest, new_enrolment_code
from portal.database import database_errors
from portal.errors import PortalSetupError
from portal.feed import PUBLISHED, RETURNED
from portal.receipts import ACCEPTED
from portal.store import open_portal_store
from workstation.errors import EnvironmentFailure, WorkstationError

DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 8780
EXIT_REFUSED = 1
EXIT_ENVIRONMENT = 3
PROGRAM = "workstation-portal"


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog=PROGRAM,
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
    commands.add_parser("key", help="print the portal's public key (base64), which signs receipts and the feed")

    ingest = commands.add_parser("ingest", help="take a hand-carried bundle and write its receipt beside it")
    ingest.add_argument("bundle", type=Path, metavar="FILE.zip")
    ingest.add_argument("--station", required=True, metavar="STATION_ID", help="the station that sealed it")

    for name, what in (("stations", "list stations"), ("bundles", "list stored bundles, each once")):
        listing = commands.add_parser(name, help=what)
        listing.add_argument("--json", action="store_true", help="machine-readable output")

    revoke = commands.add_parser("revoke", help="refuse a station's token from now on (a lost laptop)")
    revoke.add_argument("station", metavar="STATION_ID")

    register = commands.add_parser("register", help="record a station that has never been online")
    register.add_argument("station", metavar="STATION_ID")
    register.add_argument("--name", required=True)
    register.add_argument("--public-key", required=True, metavar="KEY", help="the station's base64 Ed25519 key")

    decide = commands.add_parser("decide", help="record an editor's decision on a bundle's items")
    decide.add_argument("bundle", type=_bundle_ref, metavar="BUNDLE", help="<package-id>/v<version>")
    outcome = decide.add_mutually_exclusive_group(required=True)
    outcome.add_argument("--published", dest="outcome", action="store_const", const=PUBLISHED)
    outcome.add_argument("--returned", dest="outcome", action="store_const", const=RETURNED)
    decide.add_argument("--item", metavar="ITEM_ID", help="only this article or translation (default: every item)")
    decide.add_argument("--language", metavar="LANG", help="only items in this language")
    decide.add_argument("--comment", action="append", default=[], metavar="TEXT", help="a comment (repeatable)")
    decide.add_argument("--editor", default="", metavar="NAME", help="who decided")

    for name, files in (("publish-glossary", "FILE.csv|FILE.tbx"), ("publish-memory", "FILE.tmx")):
        publish = commands.add_parser(name, help=f"send a {name.removeprefix('publish-')} update to stations")
        publish.add_argument("file", type=Path, metavar=files)
        publish.add_argument(
            "--station", action="append", default=[], metavar="STATION_ID", help="only this station (repeatable)"
        )
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        if args.command == "enrol-code":
            print(make_enrolment_code(args.data, timedelta(hours=args.valid_hours)))
            return 0
        if args.command in (None, "serve"):
            return serve(args.data, args.host, args.port, args.log_level)
        return _operator_command(args)
    except PortalSetupError as error:
        return _fail(str(error), EXIT_ENVIRONMENT)
    except WorkstationError as error:
        return _fail(str(error), error.exit_code)
    except KeyboardInterrupt:
        return 130


def _operator_command(args: argparse.Namespace) -> int:
    from portal import operations
    from portal.app import build_portal

    portal = build_portal(args.data)
    try:
        if args.command == "key":
            print(portal.public_key)
        elif args.command == "ingest":
            ingested = operations.ingest(portal, args.bundle, args.station)
            print(ingested.receipt_path)
            payload = ingested.receipt.document["payload"]
            if ingested.receipt.state != ACCEPTED:
                return _fail(f"{payload['bundle']} rejected: " + "; ".join(payload["reasons"]), EXIT_REFUSED)
        elif args.command == "stations":
            _print_rows([operations.station_json(summary) for summary in operations.stations(portal)], args.json)
        elif args.command == "bundles":
            _print_rows([overview.as_json() for overview in operations.bundles(portal)], args.json)
        elif args.command == "revoke":
            revocation = operations.revoke(portal, args.station)
            print(
                f"{revocation.station_id} revoked at {revocation.revoked_at}; "
                f"{revocation.discarded_uploads} unfinished upload(s) discarded"
            )
        elif args.command == "register":
            print(operations.register(portal, args.station, args.name, args.public_key).station_id)
        elif args.command == "decide":
            decision_ids = operations.decide(
                portal, args.bundle, args.outcome, args.item, args.language, args.comment, args.editor
            )
            print("\n".join(decision_ids))
        elif args.command == "publish-glossary":
            print(operations.publish_glossary(portal, args.file, args.station))
        elif args.command == "publish-memory":
            print(operations.publish_memory(portal, args.file, args.station))
        return 0
    except OSError as error:  # a disk failure below the services' own messages
        raise EnvironmentFailure(f"{error.strerror or error}") from error
    except database_errors() as error:
        raise EnvironmentFailure(f"the portal database {portal.store.where} failed: {error}") from error
    finally:
        portal.close()


def _print_rows(rows: list[dict[str, Any]], as_json: bool) -> None:
    if as_json:
        print(json.dumps(rows, ensure_ascii=False, indent=2))
        return
    for row in rows:
        print("\t".join("-" if value is None else _one_line(str(value)) for value in row.values()))


def _one_line(text: str) -> str:
    return " ".join(text.split())


def _bundle_ref(text: str) -> Any:
    from portal.operations import BundleRef

    try:
        return BundleRef.parse(text)
    except ValueError as error:
        raise argparse.ArgumentTypeError(str(error)) from error


def _fail(message: str, code: int) -> int:
    print(f"{PROGRAM}: {_one_line(message)}", file=sys.stderr)
    return code


def make_enrolment_code(data_dir: Path, valid_for: timedelta) -> str:
    """Store the code's digest (never the code) and return the code, to hand to the station."""
    paths = PortalPaths(data_dir)
    paths.create()
    store = open_portal_store(paths.database, PortalSettings.load(paths.data_dir).database_url)
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
