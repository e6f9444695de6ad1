"""CLI commands for the glossary: import and export TBX or CSV, list, add."""

from __future__ import annotations

import argparse
from pathlib import Path

from workstation.cli.context import CommandContext, print_json
from workstation.model import LANGUAGES


def register(subparsers: argparse._SubParsersAction) -> None:
    glossary = subparsers.add_parser("glossary", help="official names and terms per language pair")
    commands = glossary.add_subparsers(dest="glossary_command", metavar="ACTION", required=True)
    languages = sorted(LANGUAGES)

    importer = commands.add_parser("import", help="add the entries of a TBX-Basic or CSV file")
    importer.add_argument("file", type=Path, metavar="FILE.tbx|FILE.csv")
    importer.set_defaults(handler=_import)

    export = commands.add_parser("export", help="write the glossary as TBX-Basic or CSV")
    export.add_argument("file", type=Path, metavar="FILE.tbx|FILE.csv")
    export.add_argument("--from", dest="source", choices=languages, help="only entries from this language")
    export.add_argument("--to", dest="target", choices=languages, help="only entries into this language")
    export.set_defaults(handler=_export)

    listing = commands.add_parser("list", help="list the entries")
    listing.add_argument("--from", dest="source", choices=languages, help="only entries from this language")
    listing.add_argument("--to", dest="target", choices=languages, help="only entries into this language")
    listing.add_argument("--json", action="store_true", help="machine-readable output")
    listing.set_defaults(handler=_list)

    add = commands.add_parser("add", help="add one entry; prints its id")
    add.add_argument("--from", dest="source", required=True, choices=languages)
    add.add_argument("--to", dest="target", required=True, choices=languages)
    add.add_argument("source_term", metavar="SOURCE")
    add.add_argument("target_term", metavar="TARGET")
    add.add_argument("--forbid", action="append", default=[], metavar="TEXT", help="a forbidden variant (repeatable)")
    add.add_argument("--note", default="")
    add.set_defaults(handler=_add)


def _import(args: argparse.Namespace, context: CommandContext) -> int:
    result = context.services().glossary.import_file(args.file)
    print(f"{result.added} entries imported, {result.known} already known")
    return 0


def _export(args: argparse.Namespace, context: CommandContext) -> int:
    context.services().glossary.export_file(args.file, args.source, args.target)
    print(args.file)
    return 0


def _list(args: argparse.Namespace, context: CommandContext) -> int:
    entries = context.services().glossary.entries(args.source, args.target)
    if args.json:
        print_json([entry.as_json() for entry in entries])
        return 0
    for entry in entries:
        fields = (
            entry.id,
            entry.source_language,
            entry.source_term,
            entry.target_language,
            entry.target_term,
            "|".join(entry.forbidden),
            entry.note,
        )
        print("\t".join(" ".join(field.split()) for field in fields))
    return 0


def _add(args: argparse.Namespace, context: CommandContext) -> int:
    entry = context.services().glossary.add(
        args.source, args.source_term, args.target, args.target_term, forbidden=args.forbid, note=args.note
    )
    print(entry.id)
    return 0
