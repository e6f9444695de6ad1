"""CLI commands for the outbox and hand-carried delivery: `outbox list|export`, `receipt import`, `feedback`."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from workstation.cli.context import CommandContext, print_json
from workstation.model import Delivery, ItemDecision


def register(subparsers: argparse._SubParsersAction) -> None:
    outbox = subparsers.add_parser("outbox", help="the sealed bundles and where each stands")
    commands = outbox.add_subparsers(dest="outbox_command", metavar="COMMAND", required=True)
    listing = commands.add_parser("list", help="every sealed bundle with its delivery state, newest first")
    listing.add_argument("--json", action="store_true", help="machine-readable output")
    listing.set_defaults(handler=_list)
    export = commands.add_parser("export", help="copy the bundles not yet delivered to a folder (a USB stick)")
    export.add_argument("folder", type=Path, metavar="FOLDER")
    export.add_argument("--json", action="store_true", help="machine-readable output")
    export.set_defaults(handler=_export)

    receipt = subparsers.add_parser("receipt", help="receipts the portal wrote for hand-carried bundles")
    receipt_commands = receipt.add_subparsers(dest="receipt_command", metavar="COMMAND", required=True)
    importing = receipt_commands.add_parser("import", help="verify receipt files and record their verdicts")
    importing.add_argument("files", type=Path, nargs="+", metavar="FILE")
    importing.add_argument(
        "--portal-key", metavar="KEY", help="the portal's public key (`workstation-portal key`), if never enrolled"
    )
    importing.add_argument("--json", action="store_true", help="machine-readable output")
    importing.set_defaults(handler=_import_receipts)

    feedback = subparsers.add_parser("feedback", help="the portal editors' decisions and comments on an item")
    feedback.add_argument("item_id", metavar="ITEM_ID")
    feedback.add_argument("--json", action="store_true", help="machine-readable output")
    feedback.set_defaults(handler=_feedback)


def _list(args: argparse.Namespace, context: CommandContext) -> int:
    deliveries = context.services().sync.deliveries()
    if args.json:
        print_json({"bundles": [_delivery_json(d) for d in deliveries]})
        return 0
    for delivery in deliveries:
        print(_delivery_line(delivery))
    return 0


def _export(args: argparse.Namespace, context: CommandContext) -> int:
    paths = context.services().sync.export_outbox(args.folder)
    if args.json:
        print_json({"files": [str(path) for path in paths]})
    else:
        for path in paths:
            print(path)
    return 0


def _import_receipts(args: argparse.Namespace, context: CommandContext) -> int:
    result = context.services().sync.import_receipts(args.files, portal_key=args.portal_key)
    if args.json:
        print_json({"receipts": [r.as_json() for r in result.receipts]})
    else:
        for receipt in result.receipts:
            if receipt.problem:
                print(f"{receipt.path}: refused: {receipt.problem}")
                continue
            line = f"{receipt.path}: {receipt.package_id} v{receipt.version} {receipt.state}"
            if receipt.reasons:
                line += f": {'; '.join(receipt.reasons)}"
            print(line + ("" if receipt.changed else " (already recorded)"))
    return 0 if result.all_accepted else 1


def _feedback(args: argparse.Namespace, context: CommandContext) -> int:
    decisions = context.services().sync.feedback_for(args.item_id)
    if args.json:
        print_json({"decisions": [_decision_json(d) for d in decisions]})
        return 0
    for decision in decisions:
        print(f"{decision.decided_at} {decision.language} {decision.outcome} by {decision.editor or 'the portal'}")
        for comment in decision.comments:
            print(f"  {comment}")
    return 0


def _delivery_line(delivery: Delivery) -> str:
    state = delivery.state
    if state == "uploading" and delivery.size:
        state = f"uploading {100 * delivery.acknowledged // delivery.size} %"
    line = f"{delivery.package_id} v{delivery.version} {state}"
    if delivery.reasons:
        line += f": {'; '.join(delivery.reasons)}"
    elif delivery.last_error and delivery.in_flight:
        line += f" ({delivery.last_error})"
    returned = sum(1 for decision in delivery.decisions if decision.outcome == "returned")
    if returned:
        line += f" [{returned} item(s) returned with comments]"
    return line


def _delivery_json(delivery: Delivery) -> dict[str, Any]:
    return {
        "package_id": delivery.package_id,
        "package_name": delivery.package_name,
        "version": delivery.version,
        "state": delivery.state,
        "acknowledged": delivery.acknowledged,
        "size": delivery.size,
        "attempts": delivery.attempts,
        "last_error": delivery.last_error,
        "reasons": list(delivery.reasons),
        "receipt": delivery.receipt,
        "receipt_verified": delivery.receipt_verified,
        "sealed_at": delivery.sealed_at,
        "updated_at": delivery.updated_at,
        "delivered_at": delivery.delivered_at,
        "route": delivery.route,
        "decisions": [_decision_json(decision) for decision in delivery.decisions],
    }


def _decision_json(decision: ItemDecision) -> dict[str, Any]:
    return {
        "decision_id": decision.decision_id,
        "item_id": decision.item_id,
        "language": decision.language,
        "outcome": decision.outcome,
        "comments": list(decision.comments),
        "editor": decision.editor,
        "decided_at": decision.decided_at,
        "package_id": decision.package_id,
        "version": decision.package_version,
    }
