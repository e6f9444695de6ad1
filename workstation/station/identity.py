"""Station id, name and Ed25519 signing key, made at first run; the private key is encrypted at rest."""

from __future__ import annotations

import secrets as random_secrets
import socket
from dataclasses import dataclass
from typing import TYPE_CHECKING

from workstation.errors import EnvironmentFailure
from workstation.ids import new_id
from workstation.signing import fingerprint, public_key_b64
from workstation.station.secrets import SecretStore, secret_store_for
from workstation.storage.store import Store

if TYPE_CHECKING:
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

_PASSPHRASE = "station-key-passphrase"


@dataclass
class StationIdentity:
    station_id: str
    name: str
    public_key: str
    secrets: SecretStore
    _encrypted_key: bytes

    @property
    def fingerprint(self) -> str:
        return fingerprint(self.public_key)

    def private_key(self) -> Ed25519PrivateKey:
        passphrase = self.secrets.get(_PASSPHRASE)
        if passphrase is None:
            raise EnvironmentFailure("the station key's passphrase is missing from the keyring or secrets file")
        from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
        from cryptography.hazmat.primitives.serialization import load_pem_private_key

        key = load_pem_private_key(self._encrypted_key, password=passphrase.encode())
        assert isinstance(key, Ed25519PrivateKey)
        return key


def load_or_create_identity(store: Store) -> StationIdentity:
    """The workspace's station; the first call makes its id and key pair in one transaction."""
    station_id = store.get_setting("station_id")
    if station_id is None:
        from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
        from cryptography.hazmat.primitives.serialization import BestAvailableEncryption, Encoding, PrivateFormat

        station_id = new_id()
        secrets = secret_store_for(store.folder, station_id)
        passphrase = random_secrets.token_urlsafe(32)
        key = Ed25519PrivateKey.generate()
        encrypted = key.private_bytes(Encoding.PEM, PrivateFormat.PKCS8, BestAvailableEncryption(passphrase.encode()))
        secrets.set(_PASSPHRASE, passphrase)
        with store.transaction():
            store.set_setting("station_id", station_id)
            store.set_setting("station_name", socket.gethostname() or "station")
            store.set_setting("station_public_key", public_key_b64(key))
            store.set_setting("station_private_key", encrypted.decode("ascii"))
    return StationIdentity(
        station_id=station_id,
        name=store.get_setting("station_name") or "station",
        public_key=store.get_setting("station_public_key") or "",
        secrets=secret_store_for(store.folder, station_id),
        _encrypted_key=(store.get_setting("station_private_key") or "").encode("ascii"),
    )
