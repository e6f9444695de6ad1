"""The portal's Ed25519 key, which signs receipts: made at first start, kept readable by the owner only."""

from __future__ import annotations

import contextlib
import os
import stat
from pathlib import Path

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.serialization import Encoding, NoEncryption, PrivateFormat, load_pem_private_key

from portal.errors import PortalSetupError


def load_or_create_portal_key(path: Path) -> Ed25519PrivateKey:
    if not path.exists():
        _create_key_file(path)
    return _load_key_file(path)


def _create_key_file(path: Path) -> None:
    pem = Ed25519PrivateKey.generate().private_bytes(Encoding.PEM, PrivateFormat.PKCS8, NoEncryption())
    temporary = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(descriptor, "wb") as handle:
            handle.write(pem)
            handle.flush()
            os.fsync(handle.fileno())
        # link() fails when the file exists, so two portals starting at once keep the same key.
        with contextlib.suppress(FileExistsError):
            os.link(temporary, path)
    except OSError as error:
        raise PortalSetupError(f"cannot create the portal key {path}: {error.strerror or error}") from error
    finally:
        temporary.unlink(missing_ok=True)


def _load_key_file(path: Path) -> Ed25519PrivateKey:
    try:
        mode = stat.S_IMODE(path.stat().st_mode)
        data = path.read_bytes()
    except OSError as error:
        raise PortalSetupError(f"cannot read the portal key {path}: {error.strerror or error}") from error
    if mode & 0o077:
        raise PortalSetupError(f"the portal key {path} is readable by others (mode {mode:o}); run: chmod 600 {path}")
    try:
        key = load_pem_private_key(data, password=None)
    except (ValueError, TypeError) as error:
        raise PortalSetupError(f"{path} is not an unencrypted PEM private key: {error}") from error
    if not isinstance(key, Ed25519PrivateKey):
        raise PortalSetupError(f"{path} holds a {type(key).__name__}, not an Ed25519 key")
    return key
