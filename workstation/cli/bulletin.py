"""`workstation bulletin PACKAGE_ID --out FILE.docx`: the quarterly bilingual English–Vietnamese bulletin."""

from __future__ import annotations

import argparse
import sys
from datetime import date
from pathlib import Path

from workstation.cli.context import CommandContext, print_json


def register(subparsers: argparse._SubParsersAction) -> None:
    bulletin = subparsers.add_parser(
        "bulletin", help="render a package as a bilingual English–Vietnamese bulletin (.docx)"
    )
    bulletin.add_argument("package_id", metavar="PACKAGE_ID")
    bulletin.add_argument("--out", required=True, type=Path, metavar="FILE.docx", help="the Word document to write")
    bulletin.add_argument("--title", help='the title on the cover (default: "Quarterly Bulletin" / "Bản tin hằng quý")')
    bulletin.add_argument(
        "--date", type=_day, metavar="YYYY-MM-DD", help="issue date; sets the quarter on the cover (default: today)"
    )
    bulletin.add_argument("--json", action="store_true", help="machine-readable output")
    bulletin.set_defaults(handler=run_bulletin)


def run_bulletin(args: argparse.Namespace, context: CommandContext) -> int:
    result = context.services().bulletin.render(args.package_id, args.out, title=args.title, issued=args.date)
    if args.json:
        print_json(result.as_json())
        return 0
    print(result.path)
    # Notes go to stderr so `$(workstation bulletin …)` is the path alone.
    for item in result.left_out:
        name = item.headline or item.article_id
        print(f"note: left out, not in both languages: {name} ({', '.join(item.languages)})", file=sys.stderr)
    for note in result.notes:
        print(f"note: {note}", file=sys.stderr)
    return 0


def _day(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError as error:
        raise argparse.ArgumentTypeError(f"{text!r} is not a day written YYYY-MM-DD") from error
