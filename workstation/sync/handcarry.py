"""Hand-carried delivery: bundles out to a folder (a USB stick), the portal's receipt files back in.

Trust: a receipt file is believed only when it is signed by the portal key this station trusts. That
is the key received at enrolment; a station never enrolled (it delivers only by hand) is given the
key once with `--portal-key`, reads its fingerprint back to the portal's administrator, and the key
is then remembered like an enrolment key. An enrolled station refuses a different key: replacing the
trust anchor from a file on a USB stick would let whoever wrote the stick forge receipts, so a real
change of portal key goes through enrolling again.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from workstation.errors import BadInput, EnvironmentFailure, Refused
from workstation.model import DeliveryRoute, OutboxEntry
from workstation.signing import fingerprint, load_public_key
from workstation.storage.store import Store
from workstation.sync.receipts import ReceiptBook, ReceiptProblem
from workstation.user_files import atomic_writer, read_user_file

MAX_RECEIPT_BYTES = 1024 * 1024  # a receipt is a few hundred bytes; anything near this is not one
_COPY_BLOCK = 1024 * 1024

CopyProgress = Callable[[int, int], None]
"""Called with (bytes copied, bytes to copy) over the whole export."""


@dataclass(frozen=True)
class ImportedReceipt:
    """What one receipt file did: the bundle it answers and its verdict, or why it was refused."""

    path: Path
    package_id: str = ""
    version: int = 0
    state: str = ""
    reasons: tuple[str, ...] = ()
    changed: bool = False
    """False when the file was imported before: nothing changed."""
    problem: str = ""

    def as_json(self) -> dict[str, Any]:
        return {
            "file": str(self.path),
            "package_id": self.package_id or None,
            "version": self.version or None,
            "state": self.state or "refused",
            "reasons": list(self.reasons),
            "changed": self.changed,
            "problem": self.problem,
        }


def export_bundles(
    store: Store,
    entries: Sequence[OutboxEntry],
    folder: Path,
    progress: CopyProgress | None = None,
    cancelled: Callable[[], bool] | None = None,
) -> list[Path]:
    """Copy each bundle into `folder`, checking its sha256 on the way; each file appears whole or not at all.

    Refused (nothing more copied) when a bundle in the outbox no longer has the bytes it was sealed with.
    """
    if not folder.is_dir():
        raise BadInput(f"cannot export to {folder}: it is not an existing folder")
    total = sum(entry.size for entry in entries)
    done = 0
    written: list[Path] = []
    for entry in entries:
        source = store.outbox_folder / entry.file_name
        target = folder / entry.file_name
        digest = hashlib.sha256()
        try:
            with source.open("rb") as reader, atomic_writer(target) as writer:
                while block := reader.read(_COPY_BLOCK):
                    if cancelled is not None and cancelled():
                        raise Refused(f"export cancelled; {len(written)} bundle(s) were copied whole")
                    digest.update(block)
                    writer.write(block)
                    done += len(block)
                    if progress is not None:
                        progress(done, total)
                if digest.hexdigest() != entry.sha256:
                    raise Refused(
                        f"the bundle {source} no longer has the bytes it was sealed with (sha256 differs); "
                        "it was not exported: seal the package again"
                    )
        except FileNotFoundError as error:
            raise Refused(f"the bundle {source} is missing from the outbox; seal the package again") from error
        except OSError as error:
            raise EnvironmentFailure(f"cannot copy {source} to {folder}: {error.strerror or error}") from error
        written.append(target)
    return written


def trusted_key(store: Store, setting: str, given: str | None) -> str:
    """The portal key to check receipts with (see the module's note on trust)."""
    recorded = store.get_setting(setting)
    if given is not None:
        given = given.strip()
        try:
            load_public_key(given)
        except (ValueError, TypeError) as error:
            raise BadInput(f"--portal-key {given!r} is not a base64 Ed25519 public key") from error
        if recorded and recorded != given:
            raise Refused(
                f"this station already trusts the portal key {fingerprint(recorded)}, not {fingerprint(given)}; "
                "to trust another key, enrol the station again"
            )
        if not recorded:
            store.set_setting(setting, given)
        return given
    if not recorded:
        raise Refused(
            "this station has no portal key to check receipts with; enrol it, or give the key printed by "
            "`workstation-portal key` with --portal-key"
        )
    return recorded


def import_receipt(book: ReceiptBook, path: Path, portal_key: str) -> ImportedReceipt:
    """Verify one receipt file and record its verdict exactly as an online sync would."""
    data = read_user_file(path, MAX_RECEIPT_BYTES, "a receipt file (.receipt.json)")
    try:
        document = json.loads(data.decode("utf-8"))
    except (UnicodeDecodeError, ValueError):
        return ImportedReceipt(path, problem=f"{path.name} is not a receipt: not JSON")
    try:
        receipt = book.check(document, portal_key)
    except ReceiptProblem as error:
        return ImportedReceipt(path, problem=f"{path.name}: {error}")
    changed = book.record(receipt, DeliveryRoute.HAND_CARRIED)
    return ImportedReceipt(
        path,
        receipt.entry.package_id,
        receipt.entry.package_version,
        str(receipt.state),
        receipt.reasons,
        changed,
    )
