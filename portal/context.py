"""The portal's dependencies, built once by the app factory and reached by routes through `app.state`."""

from __future__ import annotations

from dataclasses import dataclass

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from fastapi import Request

from portal.clock import Clock
from portal.config import PortalLimits, PortalPaths, PortalSettings
from portal.intake import BundleIntake
from portal.storage import BundleStorage
from portal.store import PortalStore
from portal.uploads import UploadArea, UploadLocks


@dataclass
class Portal:
    paths: PortalPaths
    limits: PortalLimits
    store: PortalStore
    key: Ed25519PrivateKey
    public_key: str
    clock: Clock
    uploads: UploadArea
    locks: UploadLocks
    intake: BundleIntake
    bundles: BundleStorage
    settings: PortalSettings

    def close(self) -> None:
        self.store.close()


def get_portal(request: Request) -> Portal:
    """FastAPI dependency: the portal the app was built with."""
    return request.app.state.portal
