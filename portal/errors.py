"""Errors the portal reports to whoever runs it (the CLI turns them into exit code 3)."""

from __future__ import annotations


class PortalSetupError(Exception):
    """The data folder, database or key file cannot be used; the message says why and what to do."""
