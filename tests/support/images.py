"""Small pictures made at test time, so no binary fixtures live in the repository."""

from __future__ import annotations

import io


def png_bytes(width: int = 200, height: int = 120, colour: tuple[int, int, int] = (30, 90, 160)) -> bytes:
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (width, height), colour).save(buffer, "PNG")
    return buffer.getvalue()
