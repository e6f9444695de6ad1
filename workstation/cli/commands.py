"""CLI commands for packages, bundles and screenshots."""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import Any

from workstation.cli.context import CommandContext


def register(subparsers: argparse._SubParsersAction) -> None:
    _register_packages(subparsers)
    _register_bundles(subparsers)
    screenshots = subparsers.add_parser("screenshots", help="render each main view with sample content to PNG")
    screenshots.add_argument("out_dir", type=Path, metavar="OUT_DIR")
    screenshots.set_defaults(handler=_screenshots)


def _print_json(value: Any) -> None:
    print(json.dumps(value, ensure_ascii=False, indent=2))


# --- packages ----------------------------------------------------------------------------------


def _register_packages(subparsers: argparse._SubParsersAction) -> None:
    package = subparsers.add_parser("package", help="assemble, seal and follow packages")
    commands = package.add_subparsers(dest="package_command", metavar="ACTION", required=True)
    create = commands.add_parser("create", help="a package of articles with all their translations")
    create.add_argument("--name", required=True)
    create.add_argument("--note", default="", help="note to the portal's editors")
    create.add_argument("article_ids", nargs="+", metavar="ARTICLE_ID")
    create.set_defaults(handler=_package_create)
    seal = commands.add_parser("seal", help="seal the package into a bundle and queue it for upload")
    seal.add_argument("package_id", metavar="PACKAGE_ID")
    seal.add_argument("--out", required=True, type=Path, metavar="FILE.zip")
    seal.set_defaults(handler=_package_seal)
    status = commands.add_parser("status", help="print the package's delivery state")
    status.add_argument("package_id", metavar="PACKAGE_ID")
    status.set_defaults(handler=_package_status)


def _package_create(args: argparse.Namespace, context: CommandContext) -> int:
    package = context.services().packaging.create(args.name, args.article_ids, note=args.note)
    print(package.id)
    return 0


def _package_seal(args: argparse.Namespace, context: CommandContext) -> int:
    result = context.services().packaging.seal(args.package_id, copy_to=args.out)
    print(result.path)
    return 0


def _package_status(args: argparse.Namespace, context: CommandContext) -> int:
    print(context.services().packaging.status(args.package_id).value)
    return 0


# --- bundles -----------------------------------------------------------------------------------


def _register_bundles(subparsers: argparse._SubParsersAction) -> None:
    bundle = subparsers.add_parser("bundle", help="check sealed bundles")
    commands = bundle.add_subparsers(dest="bundle_command", metavar="ACTION", required=True)
    verify = commands.add_parser("verify", help="check structure, fixity, signature and schema")
    verify.add_argument("file", type=Path, metavar="FILE.zip")
    verify.add_argument("--json", action="store_true", help="machine-readable output")
    verify.set_defaults(handler=_bundle_verify)


def _bundle_verify(args: argparse.Namespace, context: CommandContext) -> int:
    report = context.services().packaging.verify(args.file)
    if args.json:
        _print_json(report.as_json())
    elif report.valid:
        assert report.identity is not None
        print(
            f"valid: package {report.identity.package_id} v{report.identity.version}, "
            f"{report.item_count} items, {report.media_count} media, signed by station {report.station_id}"
        )
    else:
        for problem in report.problems:
            print(problem)
    return 0 if report.valid else 1


def _screenshots(args: argparse.Namespace, context: CommandContext) -> int:
    from workstation.ui.screenshots import render_screenshots

    for path in render_screenshots(args.out_dir):
        print(path)
    return 0
