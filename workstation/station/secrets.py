"""Secrets (portal token, key passphrase) in the OS keyring, or an encrypted file where there is none.

The fallback file is encrypted with a key derived from this machine's id, the user's id and a random
salt, and both files are readable by the user only: copying the workspace elsewhere does not expose
the secrets, though anyone able to act as the user on this machine can read them — as with a keyring
that is unlocked at login.
"""

from __future__ import annotations

import base64
import contextlib
import json
import os
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

from workstation.errors import EnvironmentFailure

if TYPE_CHECKING:
    from cryptography.fernet import Fernet

KEYRING_SERVICE = "EditorialWorkstation"


class SecretStore(Protocol):
    def get(self, name: str) -> str | None: ...
    def set(self, name: str, value: str) -> None: ...
    def delete(self, name: str) -> None: ...


class KeyringSecrets:
    def __init__(self, namespace: str) -> None:
        self._namespace = namespace

    def get(self, name: str) -> str | None:
        import keyring

        return keyring.get_password(KEYRING_SERVICE, f"{self._namespace}/{name}")

    def set(self, name: str, value: str) -> None:
        import keyring

        keyring.set_password(KEYRING_SERVICE, f"{self._namespace}/{name}", value)

    def delete(self, name: str) -> None:
        import keyring
        from keyring.errors import PasswordDeleteError

        with contextlib.suppress(PasswordDeleteError):
            keyring.delete_password(KEYRING_SERVICE, f"{self._namespace}/{name}")


class EncryptedFileSecrets:
    def __init__(self, folder: Path, namespace: str) -> None:
        self._path = folder / f"secrets-{namespace}.enc"
        self._salt_path = folder / "secrets.salt"

    def get(self, name: str) -> str | None:
        return self._read().get(name)

    def set(self, name: str, value: str) -> None:
        values = self._read()
        values[name] = value
        self._write(values)

    def delete(self, name: str) -> None:
        values = self._read()
        if values.pop(name, None) is not None:
            self._write(values)

    def _fernet(self) -> Fernet:
        from cryptography.fernet import Fernet
        from cryptography.hazmat.primitives import hashes
        from cryptography.hazmat.primitives.kdf.hkdf import HKDF

        if not self._salt_path.exists():
            _write_private(self._salt_path, os.urandom(32))
        material = _machine_id() + str(os.getuid() if hasattr(os, "getuid") else 0).encode()
        key = HKDF(
            algorithm=hashes.SHA256(), length=32, salt=self._salt_path.read_bytes(), info=b"workstation-secrets"
        ).derive(material)
        return Fernet(base64.urlsafe_b64encode(key))

    def _read(self) -> dict[str, str]:
        from cryptography.fernet import InvalidToken

        if not self._path.exists():
            return {}
        try:
            return json.loads(self._fernet().decrypt(self._path.read_bytes()))
        except InvalidToken as error:
            raise EnvironmentFailure(
                f"the secrets file {self._path} cannot be decrypted on this machine; "
                "enrol the station again to replace it"
            ) from error

    def _write(self, values: dict[str, str]) -> None:
        _write_private(self._path, self._fernet().encrypt(json.dumps(values).encode()))


def _write_private(path: Path, data: bytes) -> None:
    """Write atomically, readable and writable by the owner only."""
    temporary = path.with_name(path.name + ".tmp")
    descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(descriptor, "wb") as handle:
        handle.write(data)
        handle.flush()
        os.fsync(handle.fileno())
    os.replace(temporary, path)


def _machine_id() -> bytes:
    for candidate in ("/etc/machine-id", "/var/lib/dbus/machine-id"):
        try:
            return Path(candidate).read_bytes().strip()
        except OSError:
            continue
    return b"no-machine-id"


@cache
def keyring_usable() -> bool:
    """True when a real OS keyring backend answers (not the fail/null backends of headless Linux)."""
    try:
        import keyring
        from keyring.backends import fail

        backend = keyring.get_keyring()
        if isinstance(backend, fail.Keyring) or backend.priority < 1:
            return False
        backend.get_password(KEYRING_SERVICE, "probe")
    except Exception:  # any backend failure means: do not rely on it
        return False
    return True


def secret_store_for(folder: Path, namespace: str) -> SecretStore:
    """The keyring when usable; WORKSTATION_SECRETS=file|keyring forces a choice."""
    choice = os.environ.get("WORKSTATION_SECRETS", "auto")
    if choice == "keyring" or (choice == "auto" and keyring_usable()):
        return KeyringSecrets(namespace)
    return EncryptedFileSecrets(folder, namespace)
