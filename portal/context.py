"""The portal's dependencies, built once by the app factory and reached by routes through `app.state`."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from fastapi import Depends, Request

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

    def discard_upload(self, upload_id: str) -> None:
        """Forget an upload: its row, then its bytes (a file left by a stop between the two is an
        orphan, removed at the next start)."""
        self.store.delete_upload(upload_id)
        self.uploads.discard(upload_id)

    def close(self) -> None:
        self.store.close()


def get_portal(request: Request) -> Portal:
    """FastAPI dependency: the portal the app was built with."""
    return request.app.state.portal


PortalDependency = Annotated[Portal, Depends(get_portal)]
