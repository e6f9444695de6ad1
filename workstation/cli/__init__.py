"""The `workstation` command: the same services as the GUI, headless.

Results go to stdout, errors to stderr. Exit codes: 0 success; 1 the command ran and found
problems or refused; 2 usage error; 3 environment failure (store, I/O, network).
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from workstation.cli import (
    articles,
    bulletin,
    commands,
    glossary,
    language,
    memory,
    outbox,
    sync,
    translations,
    workspace,
)
from workstation.cli.context import CommandContext
from workstation.errors import WorkstationError


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="workstation", description="Editorial workstation: start the GUI, or run a command headless."
    )
    parser.add_argument("--store", metavar="PATH", help="workspace store file (default: the per-user store)")
    parser.add_argument("--as", dest="profile", metavar="PROFILE", help="act as this profile (default: current)")
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND")
    articles.register(subparsers)
    translations.register(subparsers)
    memory.register(subparsers)
    glossary.register(subparsers)
    commands.register(subparsers)
    bulletin.register(subparsers)
    language.register(subparsers)
    sync.register(subparsers)
    outbox.register(subparsers)
    workspace.register(subparsers)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    context = CommandContext(store_path=args.store, profile=args.profile)
    handler = getattr(args, "handler", None)
    try:
        if handler is None:
            from workstation.app import run_gui

            return run_gui(context.resolved_store_path())
        return int(handler(args, context) or 0)
    except WorkstationError as error:
        print(f"workstation: {error}", file=sys.stderr)
        return error.exit_code
    except KeyboardInterrupt:
        return 130
    finally:
        context.close()


if __name__ == "__main__":
    sys.exit(main())
