"""`workstation translation qa TRANSLATION_ID [--json]`: the quality checks of a translation.

Registered under `translation` by cli/translations.py (`register_qa(commands)`).
"""

from __future__ import annotations

import argparse
from collections.abc import Sequence

from workstation.cli.context import CommandContext, print_json
from workstation.translation.qa import QaIssue


def register_qa(commands: argparse._SubParsersAction) -> None:
    """Add `qa` to the `translation` command's actions."""
    qa = commands.add_parser("qa", help="quality checks: numbers, glossary, tags, punctuation, consistency")
    qa.add_argument("translation_id", metavar="TRANSLATION_ID")
    qa.add_argument("--json", action="store_true", help="machine-readable output")
    qa.set_defaults(handler=qa_command)


def qa_command(args: argparse.Namespace, context: CommandContext) -> int:
    """Print the issues; exit 1 while errors remain (acknowledged warnings do not count)."""
    issues = context.services().qa.issues(args.translation_id)
    if args.json:
        print_json(as_json(issues))
    else:
        for line in as_lines(issues):
            print(line)
    return 1 if any(issue.is_error for issue in issues) else 0


def as_lines(issues: Sequence[QaIssue]) -> list[str]:
    """One line per issue, `<address>\\t<severity>\\t<code>\\t<message>[\\t(acknowledged: reason)]`, then
    the summary line."""
    lines = []
    for issue in issues:
        line = f"{issue.address}\t{issue.severity}\t{issue.code}\t{_one_line(issue.message)}"
        if issue.acknowledged is not None:
            line += f"\t(acknowledged: {_one_line(issue.acknowledged)})"
        lines.append(line)
    errors, warnings, acknowledged = _counts(issues)
    lines.append(f"{errors} errors, {warnings} warnings ({acknowledged} acknowledged)")
    return lines


def as_json(issues: Sequence[QaIssue]) -> dict:
    errors, warnings, _acknowledged = _counts(issues)
    return {"errors": errors, "warnings": warnings, "issues": [issue.as_json() for issue in issues]}


def _counts(issues: Sequence[QaIssue]) -> tuple[int, int, int]:
    errors = sum(1 for issue in issues if issue.is_error)
    warnings = len(issues) - errors
    acknowledged = sum(1 for issue in issues if issue.acknowledged is not None)
    return errors, warnings, acknowledged


def _one_line(text: str) -> str:
    return " ".join(text.split())
