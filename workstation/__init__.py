"""Editorial Workstation: offline drafting, translation and packaging for external-information work."""

__version__ = "0.1.0"
