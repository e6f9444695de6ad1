"""CLI commands of the language tools: segment, spellcheck, count."""

from __future__ import annotations

import argparse


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add the language commands (filled in by the language-tools work)."""
