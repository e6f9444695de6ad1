"""CLI commands for delivery: `workstation enrol` and `workstation sync` (see also cli/outbox.py)."""

from __future__ import annotations

import argparse
import sys

from workstation.cli.context import CommandContext, print_json
from workstation.sync.service import BundleOutcome, Outcome, SyncService


def register(subparsers: argparse._SubParsersAction) -> None:
    enrol = subparsers.add_parser("enrol", help="enrol this station with the portal, using a one-time code")
    enrol.add_argument(
        "--portal", required=True, metavar="URL", help="the portal's address, e.g. https://portal.example"
    )
    enrol.add_argument("--code", required=True, help="the one-time enrolment code from the portal's administrator")
    enrol.add_argument("--json", action="store_true", help="machine-readable output")
    enrol.set_defaults(handler=_enrol)
    sync = subparsers.add_parser(
        "sync", help="upload the outbox to the portal, collect its receipts and apply what it sent back"
    )
    sync.add_argument("--json", action="store_true", help="machine-readable output")
    sync.set_defaults(handler=_sync)


def _service(context: CommandContext) -> SyncService:
    return context.services().sync


def _enrol(args: argparse.Namespace, context: CommandContext) -> int:
    result = _service(context).enrol(args.portal, args.code)
    if args.json:
        print_json(
            {
                "station_id": result.station_id,
                "portal_url": result.portal_url,
                "portal_public_key": result.portal_public_key,
                "portal_key_fingerprint": result.portal_key_fingerprint,
            }
        )
    else:
        print(result.station_id)
        print(f"portal key fingerprint: {result.portal_key_fingerprint}")
    return 0


def _sync(args: argparse.Namespace, context: CommandContext) -> int:
    result = _service(context).sync()
    feed = result.feed
    if args.json:
        feed_json = (
            {"applied": feed.applied, "skipped": feed.skipped, "cursor": feed.cursor, "problems": feed.problems}
            if feed
            else None
        )
        print_json({"bundles": [outcome.as_json() for outcome in result.bundles], "feed": feed_json})
    else:
        for outcome in result.bundles:
            print(_line(outcome))
        if feed and feed.applied:
            print(f"feed: {feed.applied} applied")
        for problem in feed.problems if feed else []:
            print(f"workstation: {problem}", file=sys.stderr)
    return 0 if result.all_accepted and not (feed and feed.untrusted) else 1


def _line(outcome: BundleOutcome) -> str:
    head = f"{outcome.package_id} v{outcome.version} {outcome.state}"
    if outcome.state is Outcome.REJECTED:
        return f"{head}: {'; '.join(outcome.reasons)}"
    if outcome.state is Outcome.FAILED:
        return f"{head}: {outcome.error}"
    return head
