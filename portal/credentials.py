"""Enrolment codes and station tokens: made at random, stored only as sha256 digests."""

from __future__ import annotations

import hashlib
import secrets

# Crockford's base32 without I, L, O, U: read aloud over a phone or typed from paper without confusion.
_CODE_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
_CODE_GROUPS = 4
_CODE_GROUP_LENGTH = 4


def new_enrolment_code() -> str:
    """Sixteen characters in groups of four (80 bits), e.g. `7KQ2-M9XD-4HTB-W1NC`."""
    groups = ("".join(secrets.choice(_CODE_ALPHABET) for _ in range(_CODE_GROUP_LENGTH)) for _ in range(_CODE_GROUPS))
    return "-".join(groups)


def enrolment_code_digest(code: str) -> str:
    """Digest of the code as typed, forgiving case, spaces and dashes."""
    normalised = "".join(code.split()).replace("-", "").upper()
    return hashlib.sha256(normalised.encode("utf-8")).hexdigest()


def new_token() -> str:
    return secrets.token_urlsafe(32)


def token_digest(token: str) -> str:
    # Tokens carry 256 random bits, so a plain sha256 is enough: there is nothing to brute-force.
    return hashlib.sha256(token.encode("utf-8")).hexdigest()
