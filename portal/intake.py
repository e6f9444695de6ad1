"""What happens when an upload's last byte arrives: fixity, verification, idempotent storage, receipt.

Bundle identity is package id + version. The same bytes from the same station get the receipt they
got the first time and are not stored again; other bytes under an identity already accepted are
rejected, because a sealed bundle is immutable and a correction is a new version.
"""

from __future__ import annotations

import hashlib
import logging
import os
from dataclasses import dataclass
from pathlib import Path

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from portal.clock import Clock, iso_timestamp
from portal.receipts import ACCEPTED, ReceiptFacts, signed_receipt
from portal.store import PortalStore, Station, StoredReceipt, Upload
from portal.uploads import UploadArea, fsync_folder
from workstation.packaging.bundle import verify_bundle

log = logging.getLogger(__name__)

_READ_CHUNK = 1024 * 1024


class DeclaredDigestMismatch(Exception):
    """The bytes received do not hash to the sha256 the station declared; the upload is worthless."""


@dataclass(frozen=True)
class DeclaredBundle:
    """What the station said it was sending, from the tus Upload-Metadata."""

    package_id: str
    version: int
    sha256: str

    @classmethod
    def of(cls, upload: Upload) -> DeclaredBundle:
        metadata = upload.metadata
        return cls(metadata["package_id"], int(metadata["version"]), metadata["sha256"])

    @property
    def label(self) -> str:
        return f"{self.package_id} v{self.version}"


class BundleIntake:
    def __init__(
        self, store: PortalStore, area: UploadArea, bundles_folder: Path, portal_key: Ed25519PrivateKey, clock: Clock
    ) -> None:
        self._store = store
        self._area = area
        self._bundles_folder = bundles_folder
        self._portal_key = portal_key
        self._clock = clock

    def complete(self, upload: Upload, station: Station) -> StoredReceipt:
        """Judge a fully received upload and return its receipt (the earlier one for a repeat)."""
        declared = DeclaredBundle.of(upload)
        path = self._area.path(upload.upload_id)
        if _sha256_of(path) != declared.sha256:
            raise DeclaredDigestMismatch(
                f"the {upload.length} bytes received do not match the sha256 declared for {declared.label}"
            )
        receipt = self._store.receipt(station.station_id, declared.package_id, declared.version, declared.sha256)
        if receipt is None:
            # Verification reads the whole bundle: do it before taking the database's write lock.
            problems = self._problems(path, declared, station)
            receipt = self._record(upload, declared, station, problems, path)
        else:
            self._store.attach_receipt(upload.upload_id, receipt.id)
        self._area.discard(upload.upload_id)  # an accepted bundle was moved away already
        return receipt

    def recover(self) -> None:
        """Finish uploads whose bytes all arrived before the portal stopped (called at start-up)."""
        for upload in self._store.uploads_awaiting_intake():
            station = self._store.station(upload.station_id)
            if station is None:
                continue
            try:
                self.complete(upload, station)
            except DeclaredDigestMismatch as error:
                log.warning("discarding upload %s: %s", upload.upload_id, error)
                self._store.delete_upload(upload.upload_id)
                self._area.discard(upload.upload_id)

    def _problems(self, path: Path, declared: DeclaredBundle, station: Station) -> list[str]:
        # The uploader's registered key, whatever station the bundle claims: another station's
        # signature must not pass.
        report = verify_bundle(path, lambda _claimed_station: station.public_key)
        problems = list(report.problems)
        if report.station_id is not None and report.station_id != station.station_id:
            problems.append(
                f"the bundle names station {report.station_id} but was uploaded by station {station.station_id}"
            )
        if report.identity is not None and (report.identity.package_id, report.identity.version) != (
            declared.package_id,
            declared.version,
        ):
            problems.append(
                f"the upload was declared as {declared.label} but the bundle is "
                f"{report.identity.package_id} v{report.identity.version}"
            )
        return problems

    def _record(
        self, upload: Upload, declared: DeclaredBundle, station: Station, reasons: list[str], path: Path
    ) -> StoredReceipt:
        with self._store.transaction():
            # Looked up again under the write lock: a twin upload may have finished meanwhile.
            earlier = self._store.receipt(station.station_id, declared.package_id, declared.version, declared.sha256)
            if earlier is not None:
                self._store.attach_receipt(upload.upload_id, earlier.id)
                return earlier
            accepted = self._store.accepted_bundle(declared.package_id, declared.version)
            if accepted is not None and accepted.sha256 != declared.sha256:
                reasons.append(
                    f"{declared.label} was already accepted with other content (sha256 {accepted.sha256}); "
                    "a correction must be sealed as a new version"
                )
            now = iso_timestamp(self._clock())
            facts = ReceiptFacts(
                package_id=declared.package_id,
                version=declared.version,
                station_id=station.station_id,
                sha256=declared.sha256,
                size=upload.length,
                received_at=now,
                reasons=tuple(reasons),
            )
            document = signed_receipt(facts, self._portal_key)
            receipt_id = self._store.add_receipt(
                station.station_id, declared.package_id, declared.version, declared.sha256, facts.state, document, now
            )
            if facts.state == ACCEPTED:
                file_name = f"{declared.package_id}-v{declared.version}.zip"
                # Moved before the commit, so a committed bundle row always has its file.
                os.replace(path, self._bundles_folder / file_name)
                fsync_folder(self._bundles_folder)
                self._store.add_bundle(
                    declared.package_id, declared.version, station.station_id, declared.sha256, upload.length,
                    file_name, receipt_id, now,
                )  # fmt: skip
            self._store.attach_receipt(upload.upload_id, receipt_id)
        return StoredReceipt(id=receipt_id, state=facts.state, sha256=declared.sha256, document=document)


def _sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while chunk := handle.read(_READ_CHUNK):
            digest.update(chunk)
    return digest.hexdigest()
