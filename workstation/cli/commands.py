"""CLI commands for packages, bundles, station keys and screenshots."""

from __future__ import annotations

import argparse
from pathlib import Path

from workstation.cli.context import CommandContext, print_json
from workstation.errors import BadInput


def register(subparsers: argparse._SubParsersAction) -> None:
    _register_packages(subparsers)
    _register_bundles(subparsers)
    _register_keys(subparsers)
    screenshots = subparsers.add_parser("screenshots", help="render each main view with sample content to PNG")
    screenshots.add_argument("out_dir", type=Path, metavar="OUT_DIR")
    screenshots.set_defaults(handler=_screenshots)


# --- packages ----------------------------------------------------------------------------------


def _register_packages(subparsers: argparse._SubParsersAction) -> None:
    package = subparsers.add_parser("package", help="assemble, check, seal and follow packages")
    commands = package.add_subparsers(dest="package_command", metavar="ACTION", required=True)
    create = commands.add_parser("create", help="a package of articles with all their translations")
    create.add_argument("--name", required=True)
    create.add_argument("--note", default="", help="note to the portal's editors")
    create.add_argument("--destination", default="portal", help="where the portal should publish it (default: portal)")
    create.add_argument("article_ids", nargs="+", metavar="ARTICLE_ID")
    create.set_defaults(handler=_package_create)

    update = commands.add_parser("update", help="rename, re-note, re-address, or change and reorder its articles")
    update.add_argument("package_id", metavar="PACKAGE_ID")
    update.add_argument("--name")
    update.add_argument("--note", help="note to the portal's editors ('' to clear it)")
    update.add_argument("--destination")
    update.add_argument("--articles", nargs="+", metavar="ARTICLE_ID", help="the new ordered list of articles")
    update.set_defaults(handler=_package_update)

    show = commands.add_parser("show", help="the package's articles, languages, states and sizes")
    show.add_argument("package_id", metavar="PACKAGE_ID")
    show.add_argument("--json", action="store_true", help="machine-readable output")
    show.set_defaults(handler=_package_show)

    check = commands.add_parser("check", help="list every completeness-rule failure")
    check.add_argument("package_id", metavar="PACKAGE_ID")
    check.add_argument("--json", action="store_true", help="machine-readable output")
    check.set_defaults(handler=_package_check)

    seal = commands.add_parser("seal", help="seal the package into a bundle and queue it for upload")
    seal.add_argument("package_id", metavar="PACKAGE_ID")
    seal.add_argument("--out", required=True, type=Path, metavar="FILE.zip")
    seal.set_defaults(handler=_package_seal)

    versions = commands.add_parser("versions", help="the sealed versions and what changed in each")
    versions.add_argument("package_id", metavar="PACKAGE_ID")
    versions.add_argument("--json", action="store_true", help="machine-readable output")
    versions.set_defaults(handler=_package_versions)

    status = commands.add_parser("status", help="print the package's delivery state")
    status.add_argument("package_id", metavar="PACKAGE_ID")
    status.set_defaults(handler=_package_status)


def _package_create(args: argparse.Namespace, context: CommandContext) -> int:
    package = context.services().packaging.create(
        args.name, args.article_ids, note=args.note, destination=args.destination
    )
    print(package.id)
    return 0


def _package_update(args: argparse.Namespace, context: CommandContext) -> int:
    if args.name is None and args.note is None and args.destination is None and args.articles is None:
        raise BadInput("nothing to update: give --name, --note, --destination or --articles")
    package = context.services().packaging.update(
        args.package_id, name=args.name, note=args.note, destination=args.destination, article_ids=args.articles
    )
    print(package.id)
    return 0


def _package_show(args: argparse.Namespace, context: CommandContext) -> int:
    overview = context.services().packaging.overview(args.package_id)
    package = overview.package
    if args.json:
        print_json(
            {
                "id": package.id,
                "name": package.name,
                "destination": package.destination,
                "note": package.note,
                "version": package.version,
                "languages": list(overview.languages),
                "total_size": overview.total_size,
                "articles": [
                    {
                        "id": article.article_id,
                        "headline": article.headline,
                        "language": article.language,
                        "state": article.state,
                        "pictures": article.picture_count,
                        "size": article.size,
                        "items": [
                            {"id": item.item_id, "language": item.language, "state": item.state, "final": item.final}
                            for item in article.languages
                        ],
                    }
                    for article in overview.articles
                ],
            }
        )
        return 0
    print(f"{package.name}\tto {package.destination}\tversion {package.version}\t{overview.total_size} bytes")
    if package.note:
        print(f"note: {package.note}")
    for number, article in enumerate(overview.articles, start=1):
        languages = " ".join(f"{item.language}:{item.state}{'' if item.final else '*'}" for item in article.languages)
        print(
            f"{number}\t{article.article_id}\t{article.headline}\t{languages}\t"
            f"{article.picture_count} pictures\t{article.size} bytes"
        )
    return 0


def _package_check(args: argparse.Namespace, context: CommandContext) -> int:
    failures = context.services().packaging.check(args.package_id)
    errors = sum(1 for failure in failures if failure.is_error)
    if args.json:
        print_json({"complete": errors == 0, "failures": [failure.as_json() for failure in failures]})
        return 1 if errors else 0
    for failure in failures:
        print(failure.line() if failure.is_error else f"{failure.line()} (warning)")
    if not errors:
        warnings = len(failures)
        print("complete" + (f" ({warnings} warning{'s' if warnings != 1 else ''})" if warnings else ""))
    return 1 if errors else 0


def _package_seal(args: argparse.Namespace, context: CommandContext) -> int:
    from workstation.packaging.service import PackageIncomplete

    try:
        result = context.services().packaging.seal(args.package_id, copy_to=args.out)
    except PackageIncomplete as incomplete:
        for failure in incomplete.failures:
            print(failure.line())
        return 1
    print(result.path)
    return 0


def _package_versions(args: argparse.Namespace, context: CommandContext) -> int:
    versions = context.services().packaging.versions(args.package_id)
    if args.json:
        print_json([version.as_json() for version in versions])
        return 0
    for version in versions:
        print(f"v{version.version}\t{version.sealed_at}\t{version.state or '-'}\t{version.size} bytes")
        for change in version.changes or ("first version",):
            print(f"  {change}")
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
        print_json(report.as_json())
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


# --- station keys ------------------------------------------------------------------------------


def _register_keys(subparsers: argparse._SubParsersAction) -> None:
    keys = subparsers.add_parser("keys", help="station keys: this station's, and those trusted for verifying")
    commands = keys.add_subparsers(dest="keys_command", metavar="ACTION", required=True)
    export = commands.add_parser("export", help="write this station's id, name and public key as JSON")
    export.add_argument("file", type=Path, metavar="FILE")
    export.set_defaults(handler=_keys_export)
    importer = commands.add_parser("import", help="trust another station's key (a file from `keys export`)")
    importer.add_argument("file", type=Path, metavar="FILE")
    importer.set_defaults(handler=_keys_import)
    listing = commands.add_parser("list", help="the station keys bundles are verified with")
    listing.add_argument("--json", action="store_true", help="machine-readable output")
    listing.set_defaults(handler=_keys_list)


def _keys_export(args: argparse.Namespace, context: CommandContext) -> int:
    context.services().packaging.export_station_key(args.file)
    print(args.file)
    return 0


def _keys_import(args: argparse.Namespace, context: CommandContext) -> int:
    print(context.services().packaging.import_station_key_file(args.file).station_id)
    return 0


def _keys_list(args: argparse.Namespace, context: CommandContext) -> int:
    keys = context.services().packaging.station_keys()
    if args.json:
        print_json([key.as_json() for key in keys])
        return 0
    for key in keys:
        print(f"{key.station_id}\t{key.fingerprint}\t{key.name}" + ("\t(this station)" if key.own else ""))
    return 0


def _screenshots(args: argparse.Namespace, context: CommandContext) -> int:
    from workstation.ui.screenshots import render_screenshots

    for path in render_screenshots(args.out_dir):
        print(path)
    return 0
