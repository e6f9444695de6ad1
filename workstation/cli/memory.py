"""CLI commands for the translation memory: TMX import and export, lookups, concordance."""

from __future__ import annotations

import argparse
from pathlib import Path

from workstation.cli.context import CommandContext, print_json
from workstation.model import LANGUAGES


def register(subparsers: argparse._SubParsersAction) -> None:
    memory = subparsers.add_parser("tm", help="the translation memory")
    commands = memory.add_subparsers(dest="tm_command", metavar="ACTION", required=True)

    importer = commands.add_parser("import", help="merge the units of a TMX file into the memory")
    importer.add_argument("file", type=Path, metavar="FILE.tmx")
    importer.set_defaults(handler=_import)

    export = commands.add_parser("export", help="write the memory (or one language pair) as TMX 1.4b")
    export.add_argument("file", type=Path, metavar="FILE.tmx")
    export.add_argument("--from", dest="source", choices=sorted(LANGUAGES), help="source language of the pair")
    export.add_argument("--to", dest="target", choices=sorted(LANGUAGES), help="target language of the pair")
    export.set_defaults(handler=_export)

    lookup = commands.add_parser("lookup", help="exact and fuzzy matches for a source sentence")
    lookup.add_argument("text", metavar="TEXT")
    lookup.add_argument("--from", dest="source", required=True, choices=sorted(LANGUAGES))
    lookup.add_argument("--to", dest="target", required=True, choices=sorted(LANGUAGES))
    lookup.add_argument("--limit", type=int, default=5, help="at most this many matches (default 5)")
    lookup.add_argument("--minimum", type=int, default=50, help="no match under this score (default 50)")
    lookup.add_argument("--json", action="store_true", help="machine-readable output")
    lookup.set_defaults(handler=_lookup)

    concordance = commands.add_parser("concordance", help="units whose text in a language holds a phrase")
    concordance.add_argument("text", metavar="TEXT")
    concordance.add_argument("--lang", required=True, choices=sorted(LANGUAGES), dest="language")
    concordance.add_argument("--limit", type=int, default=20, help="at most this many units (default 20)")
    concordance.add_argument("--json", action="store_true", help="machine-readable output")
    concordance.set_defaults(handler=_concordance)


def _one_line(text: str) -> str:
    return " ".join(text.split())


def _import(args: argparse.Namespace, context: CommandContext) -> int:
    result = context.services().memory.import_tmx(args.file)
    skipped = f"{result.skipped} skipped"
    if result.skipped_languages:
        skipped += f" (languages {', '.join(result.skipped_languages)})"
    print(f"{result.added} units imported, {result.known} already known, {skipped}")
    return 0


def _export(args: argparse.Namespace, context: CommandContext) -> int:
    written = context.services().memory.export_tmx(args.file, args.source, args.target)
    print(f"{written} units written to {args.file}")
    return 0


def _lookup(args: argparse.Namespace, context: CommandContext) -> int:
    matches = context.services().memory.lookup(
        args.source, args.target, args.text, limit=args.limit, minimum=args.minimum
    )
    if args.json:
        print_json([match.as_json() for match in matches])
        return 0
    for match in matches:
        print(f"{match.score}\t{_one_line(match.source)}\t{_one_line(match.target)}\t{match.origin}")
    return 0


def _concordance(args: argparse.Namespace, context: CommandContext) -> int:
    hits = context.services().memory.concordance(args.language, args.text, limit=args.limit)
    if args.json:
        print_json([hit.as_json() for hit in hits])
        return 0
    for hit in hits:
        print(f"{_one_line(hit.text)}\t{hit.other_language}\t{_one_line(hit.other_text)}\t{hit.origin}")
    return 0
