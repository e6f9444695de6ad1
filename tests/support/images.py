"""Small pictures made at test time, so no binary fixtures live in the repository."""

from __future__ import annotations

import io
import os
import struct
import zlib


def png_bytes(width: int = 200, height: int = 120, colour: tuple[int, int, int] = (30, 90, 160)) -> bytes:
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (width, height), colour).save(buffer, "PNG")
    return buffer.getvalue()


def padded_png(size: int) -> bytes:
    """A valid PNG of exactly `size` bytes (at least 200), mostly random: an 8×8 picture followed by a
    private ancillary chunk of random bytes, which readers skip. Incompressible, so a bundle holding
    it spans as many upload chunks as its size says."""
    picture = png_bytes(8, 8)
    end = picture.rindex(b"IEND") - 4  # the IEND chunk starts with its 4-byte length
    padding = os.urandom(max(0, size - len(picture) - 12))
    chunk_type = b"raNd"  # lower-case first letter: ancillary, safe to ignore
    chunk = struct.pack(">I", len(padding)) + chunk_type + padding
    chunk += struct.pack(">I", zlib.crc32(chunk_type + padding) & 0xFFFFFFFF)
    return picture[:end] + chunk + picture[end:]
