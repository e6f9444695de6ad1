"""How talking to the portal can fail, each with the exit code and message the person needs."""

from __future__ import annotations

from workstation.errors import PortalUnavailable, Refused


class TokenRefused(Refused):
    """The portal no longer accepts this station's token (revoked, or the portal was reset)."""


class EnrolmentRefused(Refused):
    """The portal refused the enrolment code (unknown, used or expired)."""


class NotEnrolled(Refused):
    """The station has no portal to deliver to yet."""


class UploadRefused(Refused):
    """The portal refused this one upload (too large, malformed, or not the bytes declared); others may pass."""


class FeedUnsupported(PortalUnavailable):
    """The portal answers but has no feed (an older portal): uploads still work, nothing comes back."""


class UploadCancelled(Exception):
    """The caller asked to stop; every chunk acknowledged so far is kept for the next attempt."""


__all__ = [
    "EnrolmentRefused",
    "FeedUnsupported",
    "NotEnrolled",
    "PortalUnavailable",
    "TokenRefused",
    "UploadCancelled",
    "UploadRefused",
]
