"""CLI commands for translations: start, inspect, review, finish, and exchange with other CAT tools."""

from __future__ import annotations

import argparse
from pathlib import Path

from workstation.cli.context import CommandContext, print_json
from workstation.cli.qa import register_qa
from workstation.model import LANGUAGES, SegmentState


def register(subparsers: argparse._SubParsersAction) -> None:
    translation = subparsers.add_parser("translation", help="translations of articles")
    commands = translation.add_subparsers(dest="translation_command", metavar="ACTION", required=True)

    create = commands.add_parser("create", help="start a translation of an article")
    create.add_argument("article_id", metavar="ARTICLE_ID")
    create.add_argument("--to", required=True, choices=sorted(LANGUAGES), dest="language")
    create.set_defaults(handler=_create)

    segments = commands.add_parser("segments", help="list the segments: address, state, source, target")
    segments.add_argument("translation_id", metavar="TRANSLATION_ID")
    segments.add_argument("--json", action="store_true", help="machine-readable output")
    segments.set_defaults(handler=_segments)

    stats = commands.add_parser("stats", help="segments and words by state")
    stats.add_argument("translation_id", metavar="TRANSLATION_ID")
    stats.add_argument("--json", action="store_true", help="machine-readable output")
    stats.set_defaults(handler=_stats)

    state = commands.add_parser("set-state", help="move every segment to a state, e.g. final")
    state.add_argument("translation_id", metavar="TRANSLATION_ID")
    state.add_argument("--state", required=True, choices=list(SegmentState))
    state.set_defaults(handler=_set_state)

    review = commands.add_parser("review", help="accept or reject a segment as a reviewer")
    review.add_argument("translation_id", metavar="TRANSLATION_ID")
    review.add_argument("address", metavar="ADDRESS")
    verdict = review.add_mutually_exclusive_group(required=True)
    verdict.add_argument("--accept", action="store_true")
    verdict.add_argument("--reject", action="store_true")
    review.add_argument("--comment", default="", help="required when rejecting")
    review.set_defaults(handler=_review)

    export = commands.add_parser("export-xliff", help="write the translation as XLIFF 2.1 for another CAT tool")
    export.add_argument("translation_id", metavar="TRANSLATION_ID")
    export.add_argument("--out", required=True, type=Path, metavar="FILE.xlf")
    export.set_defaults(handler=_export_xliff)

    importer = commands.add_parser("import-xliff", help="take targets and states back from an XLIFF 2 file")
    importer.add_argument("file", type=Path, metavar="FILE.xlf")
    importer.set_defaults(handler=_import_xliff)

    register_qa(commands)


def _create(args: argparse.Namespace, context: CommandContext) -> int:
    print(context.services().translations.create(args.article_id, args.language).id)
    return 0


def _segments(args: argparse.Namespace, context: CommandContext) -> int:
    segments = context.services().translations.segments(args.translation_id)
    if args.json:
        print_json(
            [
                {
                    "address": s.address,
                    "state": s.state,
                    "stale": s.is_stale,
                    "source": s.source_text,
                    "target": s.target_text,
                    "previous_source": s.stale_source,
                    "comments": [
                        {"by": c.profile_name, "at": c.at, "verdict": c.verdict, "text": c.text} for c in s.comments
                    ],
                }
                for s in segments
            ]
        )
        return 0
    for s in segments:
        state = f"{s.state}{' stale' if s.is_stale else ''}"
        print(f"{s.address}\t{state}\t{s.source_text}\t{s.target_text}")
    return 0


def _stats(args: argparse.Namespace, context: CommandContext) -> int:
    stats = context.services().translations.statistics(args.translation_id)
    if args.json:
        print_json(stats.as_json())
        return 0
    print(f"state\tsegments\t{stats.unit}")
    for state, counted in stats.by_state.items():
        print(f"{state}\t{counted.segments}\t{counted.words}")
    print(f"stale\t{stats.stale.segments}\t{stats.stale.words}")
    print(f"total\t{stats.total.segments}\t{stats.total.words}")
    return 0


def _set_state(args: argparse.Namespace, context: CommandContext) -> int:
    problems = context.services().translations.set_state(args.translation_id, args.state)
    for problem in problems:
        print(problem)
    if not problems:
        print(args.state)
    return 1 if problems else 0


def _review(args: argparse.Namespace, context: CommandContext) -> int:
    segment = context.services().translations.review(
        args.translation_id, args.address, accepted=args.accept, comment=args.comment
    )
    print(segment.state)
    return 0


def _export_xliff(args: argparse.Namespace, context: CommandContext) -> int:
    print(context.services().translations.export_xliff(args.translation_id, args.out))
    return 0


def _import_xliff(args: argparse.Namespace, context: CommandContext) -> int:
    result = context.services().translations.import_xliff(args.file)
    for problem in result.problems:
        print(problem)
    if result.problems:
        return 1
    print(f"{result.updated} segments updated in translation {result.translation.id}")
    return 0
