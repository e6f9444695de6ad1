"""Ed25519 signatures and canonical JSON, shared by the station and the portal.

cryptography is imported inside the functions that sign or verify: the desktop app's start-up
reads fingerprints and settings only, and loads it on the first signature.
"""

from __future__ import annotations

import base64
import hashlib
import json
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey


def canonical_json(value: Any) -> bytes:
    """UTF-8, sorted keys, no spaces: the bytes a receipt signature covers."""
    return json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode("utf-8")


def public_key_b64(key: Ed25519PublicKey | Ed25519PrivateKey) -> str:
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
    from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

    public = key.public_key() if isinstance(key, Ed25519PrivateKey) else key
    return base64.b64encode(public.public_bytes(Encoding.Raw, PublicFormat.Raw)).decode("ascii")


def load_public_key(encoded: str) -> Ed25519PublicKey:
    """Raise ValueError when the text is not a base64 raw Ed25519 public key."""
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

    try:
        raw = base64.b64decode(encoded, validate=True)
        return Ed25519PublicKey.from_public_bytes(raw)
    except (ValueError, TypeError) as error:
        raise ValueError("not a base64 Ed25519 public key") from error


def fingerprint(public_key: str) -> str:
    """Short, readable fingerprint of a base64 public key, for people comparing keys by eye."""
    digest = hashlib.sha256(base64.b64decode(public_key)).hexdigest()[:20].upper()
    return " ".join(digest[i : i + 4] for i in range(0, len(digest), 4))


def sign(private_key: Ed25519PrivateKey, data: bytes) -> str:
    return base64.b64encode(private_key.sign(data)).decode("ascii")


def verify(public_key: str | Ed25519PublicKey, data: bytes, signature_b64: str) -> bool:
    from cryptography.exceptions import InvalidSignature

    try:
        key = load_public_key(public_key) if isinstance(public_key, str) else public_key
        key.verify(base64.b64decode(signature_b64.strip(), validate=True), data)
    except (InvalidSignature, ValueError, TypeError):
        return False
    return True


def sign_payload(private_key: Ed25519PrivateKey, payload: dict[str, Any]) -> dict[str, Any]:
    """A signed document: `{"payload": ..., "signature": base64 Ed25519 over canonical_json(payload)}`."""
    return {"payload": payload, "signature": sign(private_key, canonical_json(payload))}


def verify_signed_payload(document: Any, public_key: str) -> dict[str, Any] | None:
    """The payload when the document is well formed and its signature holds; None otherwise."""
    if not isinstance(document, dict):
        return None
    payload, signature = document.get("payload"), document.get("signature")
    if not isinstance(payload, dict) or not isinstance(signature, str):
        return None
    return payload if verify(public_key, canonical_json(payload), signature) else None
