"""What happens when an upload's last byte arrives: fixity, verification, idempotent storage, receipt.

Bundle identity is package id + version. The same bytes from the same station get the receipt they
got the first time and are not stored again; other bytes under an identity already accepted are
rejected, because a sealed bundle is immutable and a correction is a new version. A hand-carried
bundle (`ingest`) goes through the same judgment as an upload.
"""

from __future__ import annotations

import hashlib
import logging
import re
import uuid
import zipfile
from dataclasses import dataclass
from pathlib import Path

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from portal.clock import Clock, iso_timestamp
from portal.feed import RECEIPT
from portal.receipts import ACCEPTED, ReceiptFacts, signed_receipt
from portal.storage import BundleStorage
from portal.store import BundleItemRef, PortalStore, Station, StoredReceipt, Upload
from portal.uploads import UploadArea
from workstation.errors import Refused
from workstation.packaging.bundle import verify_bundle
from workstation.user_files import file_sha256

log = logging.getLogger(__name__)

_READ_CHUNK = 1024 * 1024
# The forms of a package id (a lower-case UUID) and a version, wherever the portal reads one.
UUID_TEXT = r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}"
VERSION_TEXT = r"[1-9][0-9]{0,8}"
_BUNDLE_FOLDER = re.compile(rf"(?P<package>{UUID_TEXT})-v(?P<version>{VERSION_TEXT})")
_ITEM_FILE = re.compile(r"(?P<item>[0-9a-f-]{36})\.(?P<language>[a-z]{2,3}(-[A-Za-z0-9]+)*)\.json")


class DeclaredDigestMismatch(Exception):
    """The bytes received do not hash to the sha256 the station declared; the upload is worthless, and
    `complete` has discarded it (row and bytes) before raising."""


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
        self,
        store: PortalStore,
        area: UploadArea,
        bundles: BundleStorage,
        portal_key: Ed25519PrivateKey,
        clock: Clock,
        incoming: Path,
    ) -> None:
        self._store = store
        self._area = area
        self._bundles = bundles
        self._incoming = incoming
        self._portal_key = portal_key
        self._clock = clock

    def complete(self, upload: Upload, station: Station) -> StoredReceipt:
        """Judge a fully received upload and return its receipt (the earlier one for a repeat)."""
        declared = DeclaredBundle.of(upload)
        path = self._area.path(upload.upload_id)
        if file_sha256(path)[0] != declared.sha256:
            # Worthless bytes: the station must start over, whichever caller (tus route, start-up recovery) asked.
            self._store.delete_upload(upload.upload_id)
            self._area.discard(upload.upload_id)
            raise DeclaredDigestMismatch(
                f"the {upload.length} bytes received do not match the sha256 declared for {declared.label}"
            )
        receipt = self._store.receipt(station.station_id, declared.package_id, declared.version, declared.sha256)
        if receipt is None:
            # Verification reads the whole bundle: do it before taking the database's write lock.
            problems = self._problems(path, declared, station)
            receipt = self._record(declared, upload.length, station, problems, path, upload.upload_id)
        else:
            self._store.attach_receipt(upload.upload_id, receipt.id)
        self._area.discard(upload.upload_id)  # an accepted bundle is kept by the bundle storage now
        return receipt

    def ingest(self, source: Path, station: Station, quota: int) -> StoredReceipt:
        """Judge a hand-carried bundle file exactly like a finished upload; `source` is left as it is.

        Refused when the file cannot be read, does not say which bundle it is, or would take the station
        past `quota` bytes; a bundle already received from this station gets its earlier receipt.
        """
        # A private copy on the portal's disk: the file on the stick may change while it is judged.
        working = self._incoming / f"{uuid.uuid4().hex}.zip"
        try:
            sha256, size = _copy_hashing(source, working)
            identity = _bundle_identity(working) or _identity_in_name(source.name)
            if identity is None:
                raise Refused(
                    f"{source.name} is not a sealed bundle: neither its contents nor its name "
                    "(<package-id>-v<version>.zip) say which package and version it is"
                )
            declared = DeclaredBundle(identity[0], identity[1], sha256)
            receipt = self._store.receipt(station.station_id, declared.package_id, declared.version, sha256)
            if receipt is not None:
                return receipt
            used = self._store.station_usage(station.station_id)
            if used + size > quota:
                raise Refused(
                    f"{source.name} ({size} bytes) would take station {station.station_id} past its quota: "
                    f"it holds {used} of {quota} bytes"
                )
            problems = self._problems(working, declared, station)
            return self._record(declared, size, station, problems, working, upload_id=None)
        finally:
            working.unlink(missing_ok=True)

    def recover(self) -> None:
        """Finish uploads whose bytes all arrived before the portal stopped (called at start-up)."""
        for upload in self._store.uploads_awaiting_intake():
            station = self._store.station(upload.station_id)
            if station is None:
                continue
            try:
                self.complete(upload, station)
            except DeclaredDigestMismatch as error:
                log.warning("discarded upload %s: %s", upload.upload_id, error)

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
        self, declared: DeclaredBundle, size: int, station: Station, reasons: list[str], path: Path,
        upload_id: str | None,
    ) -> StoredReceipt:  # fmt: skip
        file_name = stored_name(declared)
        staged = not reasons
        if staged:
            # Stored before the transaction: copying a large bundle to S3 must not hold the database's
            # write lock. The name carries the sha256, so a twin stores the same bytes under the same
            # name; should the bundle be refused after all, the file no row names is removed below.
            self._bundles.put(path, file_name)
        receipt = self._judge(declared, size, station, reasons, path, upload_id, file_name)
        if staged and receipt.state != ACCEPTED:
            self._bundles.delete(file_name)
        return receipt

    def _judge(
        self, declared: DeclaredBundle, size: int, station: Station, reasons: list[str], path: Path,
        upload_id: str | None, file_name: str,
    ) -> StoredReceipt:  # fmt: skip
        with self._store.transaction():
            # Twin uploads (or an upload and an ingest) of one bundle wait here for each other.
            self._store.lock_bundle_identity(declared.package_id, declared.version)
            # Looked up again under the lock: a twin may have finished meanwhile.
            earlier = self._store.receipt(station.station_id, declared.package_id, declared.version, declared.sha256)
            if earlier is not None:
                if upload_id is not None:
                    self._store.attach_receipt(upload_id, earlier.id)
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
                size=size,
                received_at=now,
                reasons=tuple(reasons),
            )
            document = signed_receipt(facts, self._portal_key)
            receipt_id = self._store.add_receipt(
                station.station_id, declared.package_id, declared.version, declared.sha256, facts.state, document, now
            )
            if facts.state == ACCEPTED:
                self._store.add_bundle(
                    declared.package_id, declared.version, station.station_id, declared.sha256, size,
                    file_name, receipt_id, now, _items_in(path),
                )  # fmt: skip
            if upload_id is not None:
                self._store.attach_receipt(upload_id, receipt_id)
            # The station hears of its receipt in its feed, from the same transaction.
            self._store.add_feed_entry(RECEIPT, document, now, [station.station_id])
        return StoredReceipt(id=receipt_id, state=facts.state, sha256=declared.sha256, document=document)


def stored_name(declared: DeclaredBundle) -> str:
    """`<package-id>-v<version>-<sha256>.zip`: content-addressed, so no two contents ever share a name."""
    return f"{declared.package_id}-v{declared.version}-{declared.sha256}.zip"


def _copy_hashing(source: Path, target: Path) -> tuple[str, int]:
    """Copy `source` to `target` (reading it once) and return its sha256 and size."""
    try:
        reader = source.open("rb")
    except FileNotFoundError as error:
        raise Refused(f"cannot read {source}: the file does not exist") from error
    except IsADirectoryError as error:
        raise Refused(f"{source} is a folder, not a bundle file") from error
    except PermissionError as error:
        raise Refused(f"cannot read {source}: permission denied") from error
    digest = hashlib.sha256()
    size = 0
    with reader, target.open("xb") as writer:
        while chunk := reader.read(_READ_CHUNK):
            digest.update(chunk)
            writer.write(chunk)
            size += len(chunk)
    return digest.hexdigest(), size


def _bundle_identity(path: Path) -> tuple[str, int] | None:
    """Package id and version from the bundle's top-level folder, if the file is a zip that has one."""
    try:
        with zipfile.ZipFile(path) as archive:
            tops = {name.split("/", 1)[0] for name in archive.namelist()}
    except (zipfile.BadZipFile, OSError):
        return None
    matches = [_BUNDLE_FOLDER.fullmatch(top) for top in tops]
    if len(matches) != 1 or matches[0] is None:
        return None
    return matches[0]["package"], int(matches[0]["version"])


def _identity_in_name(file_name: str) -> tuple[str, int] | None:
    match = _BUNDLE_FOLDER.fullmatch(file_name.removesuffix(".zip"))
    return (match["package"], int(match["version"])) if match else None


def _items_in(path: Path) -> list[BundleItemRef]:
    """The items (id and language) of a verified bundle, from its `data/items/<id>.<lang>.json` names."""
    with zipfile.ZipFile(path) as archive:
        names = archive.namelist()
    items = []
    for name in names:
        parts = name.split("/")
        if len(parts) == 4 and parts[1:3] == ["data", "items"] and (match := _ITEM_FILE.fullmatch(parts[3])):
            items.append(BundleItemRef(match["item"], match["language"]))
    return items
