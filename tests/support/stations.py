"""Real workstations for tests: a store, an identity, and small sealed bundles in the outbox.

Used by tests/sync and tests/portal (stations are the portal's clients). Needs
WORKSTATION_SECRETS=file in the environment so no OS keyring is touched.
"""

from __future__ import annotations

import os
import zipfile
from dataclasses import dataclass
from pathlib import Path

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from workstation.clock import timestamp, utc_now
from workstation.ids import new_id
from workstation.model import Article, Block, OutboxEntry, Package
from workstation.packaging.bundle import BundleIdentity, BundleItem, BundleMedia, file_sha256, seal_bundle
from workstation.packaging.ninjs import to_ninjs
from workstation.station.identity import StationIdentity, load_or_create_identity
from workstation.storage.packages import OutboxRepository, PackageRepository
from workstation.storage.store import Store, open_store
from workstation.sync.client import PortalClient
from workstation.sync.service import PORTAL_TOKEN, SyncService

PICTURE_BYTES = 12 * 1024  # incompressible, so a bundle spans several small chunks


@dataclass
class Station:
    folder: Path
    store: Store
    identity: StationIdentity

    @property
    def station_id(self) -> str:
        return self.identity.station_id

    @property
    def outbox(self) -> OutboxRepository:
        return OutboxRepository(self.store)

    def service(self, chunk_size: int = 4096) -> SyncService:
        return SyncService(
            self.store,
            self.identity,
            lambda url, token: PortalClient(url, token, chunk_size=chunk_size, timeout=10.0),
            utc_now,
        )

    def client(self, portal_url: str, chunk_size: int = 4096) -> PortalClient:
        return PortalClient(portal_url, self.identity.secrets.get(PORTAL_TOKEN), chunk_size=chunk_size, timeout=10.0)

    def bearer(self) -> dict[str, str]:
        """The Authorization header this station sends once enrolled."""
        return {"Authorization": f"Bearer {self.identity.secrets.get(PORTAL_TOKEN)}"}

    def enrol(self, portal_url: str, code: str) -> None:
        self.service().enrol(portal_url, code)

    def seal(
        self,
        version: int = 1,
        package_id: str | None = None,
        signing_key: Ed25519PrivateKey | None = None,
        claimed_station_id: str | None = None,
        headline: str = "Hội nghị hợp tác văn hóa Việt Nam – Hàn Quốc",
    ) -> OutboxEntry:
        """Seal a one-article bundle with one picture and queue it in the outbox.

        `signing_key` and `claimed_station_id` forge bundles: signed with another key, or claiming
        another station in bag-info.txt.
        """
        package_id = package_id or new_id()
        now = timestamp(utc_now())
        station_id = claimed_station_id or self.station_id
        if self.store.query_one("SELECT id FROM packages WHERE id = ?", (package_id,)) is None:
            PackageRepository(self.store).insert(
                Package(id=package_id, name="Bản tin", article_ids=[], station_id=self.station_id,
                        created_at=now, updated_at=now)
            )  # fmt: skip
        article = Article(
            id=new_id(),
            station_id=station_id,
            language="vi",
            headline=headline,
            blocks=[Block(id=new_id(), text="Sáng nay, hai bên đã ký biên bản ghi nhớ về trao đổi nghệ thuật.")],
            created_at=now,
            updated_at=now,
        )
        picture = self.folder / f"picture-{new_id()}.jpg"
        picture.write_bytes(os.urandom(PICTURE_BYTES))
        picture_sha, _ = file_sha256(picture)
        identity = BundleIdentity(package_id, version)
        file_name = f"{identity.folder}.zip"
        sealed = seal_bundle(
            self.store.outbox_folder / file_name,
            identity,
            {"id": package_id, "version": version, "name": "Bản tin", "station_id": station_id, "items": []},
            [BundleItem(article.id, "vi", to_ninjs(article, station_id, "Đại sứ quán"))],
            [BundleMedia(picture_sha, "jpg", picture)],
            station_id=station_id,
            organisation="Đại sứ quán",
            private_key=signing_key or self.identity.private_key(),
        )
        entry = OutboxEntry(package_id, version, file_name, sealed.sha256, sealed.size, sealed_at=now)
        self.outbox.add(entry, now)
        return entry

    def bundle_path(self, entry: OutboxEntry) -> Path:
        return self.store.outbox_folder / entry.file_name

    def tamper(self, entry: OutboxEntry) -> OutboxEntry:
        """Alter the package manifest inside the sealed zip after signing, as a forger would, and
        re-declare the altered file's sha256 so the portal judges its content."""
        path = self.bundle_path(entry)
        with zipfile.ZipFile(path) as original:
            contents = [(info, original.read(info)) for info in original.infolist()]
        with zipfile.ZipFile(path, "w") as altered:
            for info, data in contents:
                if info.filename.endswith("data/package.json"):
                    data = data.replace(b"B\xe1\xba\xa3n tin", b"Forged")
                altered.writestr(info, data)
        sha256, size = file_sha256(path)
        with self.store.transaction() as connection:
            connection.execute(
                "UPDATE outbox SET sha256 = ?, size = ? WHERE package_id = ? AND package_version = ?",
                (sha256, size, entry.package_id, entry.package_version),
            )
        tampered = self.outbox.get(entry.package_id, entry.package_version)
        assert tampered is not None
        return tampered


def make_station(folder: Path) -> Station:
    folder.mkdir(parents=True, exist_ok=True)
    store = open_store(folder / "w.db")
    return Station(folder=folder, store=store, identity=load_or_create_identity(store))
