"""Every piece of text entering the app passes through here."""

from __future__ import annotations

import unicodedata


def normalise_text(text: str) -> str:
    """Unicode NFC with Windows and old-Mac line endings folded to \\n."""
    return unicodedata.normalize("NFC", text.replace("\r\n", "\n").replace("\r", "\n"))
