"""Error types shared by every layer; each maps to one CLI exit code and one kind of GUI message."""

from __future__ import annotations


class WorkstationError(Exception):
    """Base class: the message is written for the person at the keyboard."""

    exit_code = 1


class Refused(WorkstationError):
    """The command ran and refused, or found problems (exit 1)."""

    exit_code = 1


class BadInput(WorkstationError):
    """A file or value supplied by the user cannot be used (exit 1); nothing was changed."""

    exit_code = 1


class NotFound(WorkstationError):
    """A referenced record does not exist (exit 1)."""

    exit_code = 1


class EnvironmentFailure(WorkstationError):
    """The store, the file system or the network failed (exit 3)."""

    exit_code = 3


class StoreUnavailable(EnvironmentFailure):
    """The store file cannot be opened, created or written."""


class PortalUnavailable(EnvironmentFailure):
    """The portal could not be reached, or answered something that is not the portal's protocol."""
