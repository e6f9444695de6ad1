"""Identifiers that stay unique across every station delivering to the portal."""

from __future__ import annotations

import uuid_utils


def new_id() -> str:
    """A UUIDv7 as text: time-ordered (good for SQLite b-trees) and globally unique."""
    return str(uuid_utils.uuid7())
