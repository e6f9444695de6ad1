"""Receipts: the portal's signed word on a bundle it received, accepted or rejected with reasons."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from workstation.signing import sign_payload

ACCEPTED = "accepted"
REJECTED = "rejected"


@dataclass(frozen=True)
class ReceiptFacts:
    package_id: str
    version: int
    station_id: str
    sha256: str
    size: int
    received_at: str
    reasons: tuple[str, ...]

    @property
    def state(self) -> str:
        return REJECTED if self.reasons else ACCEPTED


def signed_receipt(facts: ReceiptFacts, portal_key: Ed25519PrivateKey) -> dict[str, Any]:
    """`{"payload": ..., "signature": base64 Ed25519 over canonical_json(payload)}`."""
    payload = {
        "bundle": f"urn:uuid:{facts.package_id}/v{facts.version}",
        "package_id": facts.package_id,
        "version": facts.version,
        "station_id": facts.station_id,
        "state": facts.state,
        "reasons": list(facts.reasons),
        "sha256": facts.sha256,
        "size": facts.size,
        "received_at": facts.received_at,
    }
    return sign_payload(portal_key, payload)
