"""Time as the portal sees it: injectable, timezone-aware UTC, and its two text forms."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from email.utils import format_datetime

Clock = Callable[[], datetime]


def utc_now() -> datetime:
    return datetime.now(UTC)


def iso_timestamp(moment: datetime) -> str:
    """ISO 8601 UTC with a `Z`, as stored and put in receipts; sorts correctly as text."""
    return moment.astimezone(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def http_date(moment: datetime) -> str:
    """RFC 9110 HTTP-date, the format tus requires for Upload-Expires."""
    return format_datetime(moment.astimezone(UTC), usegmt=True)
