"""CLI commands for the whole workspace: `workstation backup` and `workstation restore`."""

from __future__ import annotations

import argparse
from pathlib import Path

from workstation.cli.context import CommandContext
from workstation.errors import BadInput, Refused, StoreUnavailable

# Handlers import the backup module when they run: building the parser (which the GUI's start-up
# does too) then costs nothing beyond argparse.


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add the workspace commands."""
    backup = subparsers.add_parser(
        "backup", help="write the whole workspace (store, media, outbox) to one file; works while the app runs"
    )
    backup.add_argument("out_file", type=Path, metavar="OUT_FILE", help="the backup file to write (a zip)")
    backup.set_defaults(handler=run_backup)

    restore = subparsers.add_parser(
        "restore", help="replace the workspace with a backup; the current workspace is kept aside"
    )
    restore.add_argument("file", type=Path, metavar="FILE", help="a backup written by `workstation backup`")
    restore.set_defaults(handler=run_restore)


def run_backup(args: argparse.Namespace, context: CommandContext) -> int:
    from workstation.storage.backup import backup_workspace

    store_path = context.resolved_store_path()
    if not store_path.is_file():
        # Opening would create an empty workspace, and back that up.
        raise StoreUnavailable(f"there is no workspace at {store_path}")
    try:
        summary = backup_workspace(context.store(), args.out_file)
    except (BadInput, Refused) as error:
        print(error)
        return 1
    print(summary.path)
    counts = _counts(summary.articles, summary.translations, summary.media_files, summary.outbox_files)
    print(f"{counts}, {_size(summary.size)}")
    for warning in summary.warnings:
        print(f"warning: {warning}")
    return 0


def run_restore(args: argparse.Namespace, context: CommandContext) -> int:
    from workstation.storage.backup import BackupInvalid, restore_workspace

    try:
        summary = restore_workspace(args.file, context.resolved_store_path())
    except BackupInvalid as error:
        for problem in error.problems:
            print(problem)
        return 1
    except Refused as error:
        print(error)
        return 1
    counts = _counts(summary.articles, summary.translations, summary.media_files, summary.outbox_files)
    print(f"restored {counts} into {summary.store_path}")
    print(f"from {summary.backup_path}, made {summary.created_at} by station {summary.station_id or 'unknown'}")
    if summary.previous_kept is None:
        print("there was no previous workspace")
    else:
        print(f"previous workspace kept in {summary.previous_kept}")
    return 0


def _counts(articles: int, translations: int, media: int, outbox: int) -> str:
    return (
        f"{_plural(articles, 'article')}, {_plural(translations, 'translation')}, "
        f"{_plural(media, 'media file')}, {_plural(outbox, 'outbox bundle')}"
    )


def _size(size: int) -> str:
    return f"{size / 1e6:.1f} MB" if size >= 100_000 else f"{max(1, round(size / 1e3))} kB"


def _plural(count: int, noun: str) -> str:
    return f"{count} {noun}" if count == 1 else f"{count} {noun}s"
