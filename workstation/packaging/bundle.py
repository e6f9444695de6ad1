"""Sealed bundles: a BagIt 1.0 bag (RFC 8493) zipped under one top-level folder, signed with Ed25519.

Layout of `<package-id>-v<version>/`: bagit.txt, bag-info.txt, manifest-sha256.txt,
tagmanifest-sha256.txt, signature.ed25519 (base64 signature of the exact bytes of
tagmanifest-sha256.txt), data/package.json, data/items/<item-id>.<lang>.json (ninjs 3.1) and
data/media/<sha256>.<ext>.

Sealing streams: every byte of a picture is read once, hashed and copied in 1 MiB chunks, and the
archive is hashed as it is written, so memory does not grow with the photos. Verifying never
extracts: it reads entries from the zip, within limits checked before any entry is inflated.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import json
import queue
import re
import stat
import threading
import zipfile
import zlib
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, BinaryIO

from workstation.errors import EnvironmentFailure, Refused
from workstation.packaging.ninjs import MediaFacts, ninjs_problems, picture_renditions
from workstation.signing import sign, verify
from workstation.user_files import atomic_writer

if TYPE_CHECKING:
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

BAGIT_TXT = b"BagIt-Version: 1.0\nTag-File-Character-Encoding: UTF-8\n"
TAG_FILES = ("bagit.txt", "bag-info.txt", "manifest-sha256.txt")
TAG_MANIFEST = "tagmanifest-sha256.txt"
SIGNATURE_FILE = "signature.ed25519"
PACKAGE_FILE = "data/package.json"
CHUNK = 1024 * 1024

# Limits that keep a hostile bundle from exhausting memory, disk or time while it is checked. All
# are checked against the sizes the zip declares before an entry is read, and a read never returns
# more than the declared size (zipfile stops there and checks the CRC).
MAX_ENTRIES = 20_000
MAX_TOTAL_BYTES = 4 * 1024**3
MAX_JSON_BYTES = 4 * 1024 * 1024
"""An item, package.json or tag file; a 100,000-word article is about 1 MiB of ninjs."""
MAX_COMPRESSION_RATIO = 200
"""Text deflates 3-10×, pictures not at all; deflate's ceiling is about 1,030×."""
BOMB_MIN_BYTES = 1024 * 1024
"""Below this an entry's ratio does not matter: the total limit bounds many small ones."""

_SIGNATURE_BYTES = 64
_NOT_A_ZIP = "not a zip archive, or the archive is damaged"
_ZIP_TIME = (2020, 1, 1, 0, 0, 0)
_TOP_FOLDER = re.compile(r"^(?P<package>[0-9a-f-]{36})-v(?P<version>[1-9][0-9]{0,8})$")
_SHA256 = re.compile(r"^[0-9a-f]{64}$")
_EXTENSION = re.compile(r"^[a-z0-9]{1,5}$")
_MEDIA_NAME = re.compile(r"^(?P<sha>[0-9a-f]{64})\.(?P<ext>[a-z0-9]{1,5})$")
_ITEM_NAME = re.compile(r"^(?P<id>[0-9a-f-]{36})\.(?P<lang>[a-z]{2,3}(-[A-Za-z0-9]+)*)\.json$")
_MEDIA_URI = re.compile(r"^urn:sha256:(?P<sha>[0-9a-f]{64})$")
_OXUM = re.compile(r"^(?P<bytes>[0-9]{1,19})\.(?P<files>[0-9]{1,9})$")
_CONTENT_TYPES = {"jpg": "image/jpeg", "jpeg": "image/jpeg", "png": "image/png", "webp": "image/webp"}


@dataclass(frozen=True)
class BundleIdentity:
    package_id: str
    version: int

    @property
    def folder(self) -> str:
        return f"{self.package_id}-v{self.version}"

    @property
    def external_identifier(self) -> str:
        return f"urn:uuid:{self.package_id}/v{self.version}"


@dataclass(frozen=True)
class BundleItem:
    item_id: str
    language: str
    ninjs: dict[str, Any]


@dataclass(frozen=True)
class BundleMedia:
    """A picture file to carry as `data/media/<sha256>.<extension>`; `sha256` is checked while copying."""

    sha256: str
    extension: str
    path: Path

    @classmethod
    def of(cls, facts: MediaFacts, path: Path) -> BundleMedia:
        return cls(facts.sha256, facts.extension, path)

    @property
    def bag_path(self) -> str:
        return f"data/media/{self.sha256}.{self.extension}"


@dataclass(frozen=True)
class SealedBundle:
    path: Path
    sha256: str
    size: int


@dataclass
class BundleReport:
    """What `verify_bundle` found; `problems` lists every one, not only the first."""

    identity: BundleIdentity | None = None
    station_id: str | None = None
    package: dict[str, Any] | None = None
    item_count: int = 0
    media_count: int = 0
    problems: list[str] = field(default_factory=list)

    @property
    def valid(self) -> bool:
        return not self.problems

    def as_json(self) -> dict[str, Any]:
        return {
            "valid": self.valid,
            "package_id": self.identity.package_id if self.identity else None,
            "version": self.identity.version if self.identity else None,
            "station_id": self.station_id,
            "items": self.item_count,
            "media": self.media_count,
            "problems": self.problems,
        }


class SealCancelled(Exception):
    """Sealing stopped at the user's request; no file was left behind."""


class MediaChanged(Refused):
    """A picture file no longer has the content its sha256 promises; nothing was sealed."""


# --- sealing ------------------------------------------------------------------------------------

Progress = Callable[[int, int], None]


def seal_bundle(
    out_path: Path,
    identity: BundleIdentity,
    package: dict[str, Any],
    items: Sequence[BundleItem],
    media: Sequence[BundleMedia],
    station_id: str,
    organisation: str,
    private_key: Ed25519PrivateKey,
    now: datetime | None = None,
    progress: Progress | None = None,
    cancelled: Callable[[], bool] = lambda: False,
) -> SealedBundle:
    """Write the bundle beside `out_path` and move it into place, fsynced, only when complete.

    `progress(done, total)` counts payload bytes (package.json, items, media). Media are
    de-duplicated by sha256. On cancel (SealCancelled), a picture whose content does not hash to its
    sha256 (MediaChanged) or any other error, no file is left behind and `out_path` is untouched.
    """
    now = now or datetime.now(UTC)
    documents = [(PACKAGE_FILE, json_bytes(package))]
    documents += [(f"data/items/{item.item_id}.{item.language}.json", json_bytes(item.ninjs)) for item in items]
    pictures = _unique_media(media)
    sizes = {picture.sha256: _media_size(picture) for picture in pictures}
    ticker = _Ticker(sum(len(data) for _, data in documents) + sum(sizes.values()), progress, cancelled)
    try:
        out_path.parent.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise EnvironmentFailure(f"cannot create the folder {out_path.parent}: {error.strerror or error}") from error
    ticker.advance(0)
    with (
        atomic_writer(out_path) as stream,
        _HashingStream(stream) as hashed,
        zipfile.ZipFile(hashed, "w", allowZip64=True) as archive,  # type: ignore[call-overload]
    ):
        writer = _BagWriter(archive, identity.folder)
        for name, data in documents:
            writer.add_bytes(name, data)
            ticker.advance(len(data))
        for picture in pictures:
            writer.add_media(picture, sizes[picture.sha256], ticker)
        manifest = _manifest_text(writer.payload_digests)
        bag_info = (
            f"Source-Organization: {organisation}\n"
            f"Bagging-Date: {now.date().isoformat()}\n"
            f"Payload-Oxum: {writer.payload_bytes}.{len(writer.payload_digests)}\n"
            f"External-Identifier: {identity.external_identifier}\n"
            f"Station-Identifier: urn:uuid:{station_id}\n"
            "Bag-Software-Agent: Editorial Workstation\n"
        ).encode()
        tag_digests = {
            "bagit.txt": writer.add_bytes("bagit.txt", BAGIT_TXT),
            "bag-info.txt": writer.add_bytes("bag-info.txt", bag_info),
            "manifest-sha256.txt": writer.add_bytes("manifest-sha256.txt", manifest),
        }
        tagmanifest = _manifest_text(tag_digests)
        writer.add_bytes(TAG_MANIFEST, tagmanifest)
        writer.add_bytes(SIGNATURE_FILE, sign(private_key, tagmanifest).encode("ascii") + b"\n")
    return SealedBundle(path=out_path, sha256=hashed.hexdigest(), size=hashed.size)


def _unique_media(media: Sequence[BundleMedia]) -> list[BundleMedia]:
    unique: dict[str, BundleMedia] = {}
    for picture in media:
        if not _SHA256.match(picture.sha256) or not _EXTENSION.match(picture.extension):
            raise ValueError(f"{picture.path}: a bundle names media <sha256 in lower-case hex>.<extension>")
        unique.setdefault(picture.sha256, picture)
    return list(unique.values())


def _media_size(picture: BundleMedia) -> int:
    try:
        return picture.path.stat().st_size
    except OSError as error:
        raise EnvironmentFailure(f"cannot read the picture file {picture.path}: {error.strerror or error}") from error


class _Ticker:
    """Progress in payload bytes, and the cancellation check at every step."""

    def __init__(self, total: int, progress: Progress | None, cancelled: Callable[[], bool]) -> None:
        self.total, self.done = total, 0
        self._progress, self._cancelled = progress, cancelled

    def advance(self, size: int) -> None:
        if self._cancelled():
            raise SealCancelled
        self.done += size
        if self._progress is not None:
            self._progress(min(self.done, self.total), self.total)


class _HashingStream:
    """A write-only, unseekable stream that hashes what passes through to the file.

    Without `seek`, zipfile writes each entry once, front to back (sizes in data descriptors
    after the data), so the bundle's own sha256 is known the moment it is written, with no
    second pass over hundreds of megabytes. The hashing runs on a helper thread (hashlib releases
    the GIL), beside the picture hashing of the sealing thread; at most `_QUEUED` chunks wait.
    """

    _QUEUED = 4

    def __init__(self, target: BinaryIO) -> None:
        self._target = target
        self._digest = hashlib.sha256()
        self._chunks: queue.Queue[bytes | None] = queue.Queue(maxsize=self._QUEUED)
        self._hasher = threading.Thread(target=self._hash, name="bundle-sha256", daemon=True)
        self.size = 0

    def __enter__(self) -> _HashingStream:
        self._hasher.start()
        return self

    def __exit__(self, *_exception: object) -> None:
        self._chunks.put(None)
        self._hasher.join()

    def write(self, data: bytes) -> int:
        chunk = bytes(data)  # zipfile may hand over a buffer it reuses
        self._chunks.put(chunk)
        self.size += len(chunk)
        return self._target.write(chunk)

    def flush(self) -> None:
        self._target.flush()

    def hexdigest(self) -> str:
        """Once the `with` block has ended."""
        return self._digest.hexdigest()

    def _hash(self) -> None:
        while (chunk := self._chunks.get()) is not None:
            self._digest.update(chunk)


class _BagWriter:
    """Adds files under the bag folder, remembering the sha256 of each payload file."""

    def __init__(self, archive: zipfile.ZipFile, folder: str) -> None:
        self._archive = archive
        self._folder = folder
        self.payload_digests: dict[str, str] = {}
        self.payload_bytes = 0

    def add_bytes(self, name: str, data: bytes) -> str:
        self._archive.writestr(self._info(name, zipfile.ZIP_DEFLATED, len(data)), data)
        return self._record(name, hashlib.sha256(data).hexdigest(), len(data))

    def add_media(self, picture: BundleMedia, size: int, ticker: _Ticker) -> None:
        # Pictures are compressed already (JPEG, PNG, WebP): STORED spares the CPU and keeps the
        # copy as fast as the disk.
        digest = hashlib.sha256()
        copied = 0
        with self._archive.open(self._info(picture.bag_path, zipfile.ZIP_STORED, size), "w") as out:
            for chunk in _chunks(picture.path):
                digest.update(chunk)
                out.write(chunk)
                copied += len(chunk)
                ticker.advance(len(chunk))
        if digest.hexdigest() != picture.sha256:
            raise MediaChanged(
                f"the picture file {picture.path} has changed: its content no longer matches its sha256 "
                f"{picture.sha256}; add the picture again"
            )
        self._record(picture.bag_path, picture.sha256, copied)

    def _info(self, name: str, compression: int, size: int) -> zipfile.ZipInfo:
        info = zipfile.ZipInfo(f"{self._folder}/{name}", date_time=_ZIP_TIME)
        info.compress_type = compression
        info.external_attr = (stat.S_IFREG | 0o644) << 16
        info.file_size = size  # lets zipfile choose Zip64 up front for a file over 2 GiB
        return info

    def _record(self, name: str, digest: str, size: int) -> str:
        if name.startswith("data/"):
            self.payload_digests[name] = digest
            self.payload_bytes += size
        return digest


def _chunks(path: Path) -> Iterator[bytes]:
    """The file in CHUNK-sized pieces; a failure names the picture rather than the bundle being written."""
    try:
        with path.open("rb") as reader:
            while chunk := reader.read(CHUNK):
                yield chunk
    except OSError as error:
        raise EnvironmentFailure(f"cannot read the picture file {path}: {error.strerror or error}") from error


def json_bytes(value: Any) -> bytes:
    """A JSON document exactly as the bundle holds it; the package overview sizes items with it too."""
    return json.dumps(value, ensure_ascii=False, indent=2, sort_keys=True).encode("utf-8") + b"\n"


def _manifest_text(digests: dict[str, str]) -> bytes:
    return "".join(f"{digests[name]}  {name}\n" for name in sorted(digests)).encode("utf-8")


# --- verification -------------------------------------------------------------------------------

KeyLookup = Callable[[str], str | None]


def verify_bundle(path: Path, station_key: KeyLookup) -> BundleReport:
    """Check structure, fixity, Payload-Oxum, signature, schema and picture references; never extracts.

    `station_key(station_id)` returns the base64 public key trusted for that station, or None.
    Every problem found is reported, each naming the file it concerns.
    """
    report = BundleReport()
    try:
        with path.open("rb") as handle:
            magic = handle.read(4)
            try:
                archive = zipfile.ZipFile(handle)
            except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, EOFError):
                report.problems.append(
                    f"{_NOT_A_ZIP}: it starts as a zip but its central directory is missing (truncated?)"
                    if magic == b"PK\x03\x04"
                    else _NOT_A_ZIP
                )
                return report
            with archive:
                _Verification(archive, station_key, report).run()
    except FileNotFoundError:
        report.problems.append(f"file not found: {path}")
    except OSError as error:
        report.problems.append(f"cannot read the bundle {path}: {error.strerror or error}")
    return report


class _Verification:
    def __init__(self, archive: zipfile.ZipFile, station_key: KeyLookup, report: BundleReport) -> None:
        self._archive = archive
        self._station_key = station_key
        self._report = report
        self._problems = report.problems
        self._folder = ""
        self._entries: dict[str, zipfile.ZipInfo] = {}
        """Readable files of the bag folder, by their path inside it."""
        self._rejected: set[str] = set()
        """Paths inside the bag folder already reported as unsafe: present, but never read."""
        self._digests: dict[str, str | None] = {}

    def run(self) -> None:
        if not self._index_entries():
            return
        bagit = self._read_small("bagit.txt")
        if bagit is not None and bagit.replace(b"\r\n", b"\n") != BAGIT_TXT:
            self._problems.append("bagit.txt does not declare BagIt-Version 1.0 with UTF-8 tag files")
        bag_info = self._tag_fields(self._read_small("bag-info.txt"), "bag-info.txt")
        payload_manifest = self._manifest("manifest-sha256.txt", payload=True)
        tagmanifest = self._read_small(TAG_MANIFEST)
        tag_manifest = self._parse_manifest(tagmanifest, TAG_MANIFEST, payload=False)
        signature = self._read_small(SIGNATURE_FILE, limit=1024)
        self._check_bag_info(bag_info)
        self._check_payload()
        self._check_fixity(payload_manifest, tag_manifest)
        self._check_signature(tagmanifest, signature)

    # structure --------------------------------------------------------------------------------

    def _index_entries(self) -> bool:
        """Sort entries into readable files of the one bag folder; False when nothing can be read safely."""
        infos = self._archive.infolist()
        if len(infos) > MAX_ENTRIES:
            self._problems.append(f"the zip holds {len(infos)} entries, more than the {MAX_ENTRIES} allowed")
            return False
        total = sum(info.file_size for info in infos)
        if total > MAX_TOTAL_BYTES:
            self._problems.append(
                f"the zip expands to {total} bytes, more than the {MAX_TOTAL_BYTES} allowed (zip bomb?)"
            )
            return False
        packed = sum(info.compress_size for info in infos)
        if total > BOMB_MIN_BYTES * 64 and total > packed * MAX_COMPRESSION_RATIO:
            # Many entries each too small for the per-entry check, together a bomb.
            self._problems.append(f"the zip expands {total // max(packed, 1)}× to {total} bytes in all (zip bomb?)")
            return False
        counts = Counter(info.filename for info in infos)
        folded: dict[str, str] = {}
        by_folder: dict[str, dict[str, zipfile.ZipInfo]] = {}
        rejected: dict[str, set[str]] = {}
        reported: set[str] = set()
        for info in infos:
            name = info.filename
            if _unsafe_path(name):
                self._problems.append(
                    f"unsafe path {name!r} (absolute, a drive or backslash, or leaving the bundle folder)"
                )
                continue
            reason = _unreadable_entry(info, counts[name])
            if reason is None and folded.setdefault(name.casefold(), name) != name:
                reason = f"entries {folded[name.casefold()]!r} and {name!r} differ only in case"
            top, _, inner = name.rstrip("/").partition("/")
            if reason is not None:
                if reason not in reported:  # a duplicate is one problem, however many copies
                    reported.add(reason)
                    self._problems.append(reason)
                rejected.setdefault(top, set()).add(inner)
            elif info.is_dir():
                by_folder.setdefault(top, {})
            elif not inner:
                self._problems.append(f"file {name!r} lies outside the bundle's top-level folder")
            else:
                by_folder.setdefault(top, {})[inner] = info
        return self._choose_folder(by_folder, rejected)

    def _choose_folder(self, by_folder: dict[str, dict[str, zipfile.ZipInfo]], rejected: dict[str, set[str]]) -> bool:
        """The bag folder: the only top-level folder, or else the only one holding bagit.txt."""
        folders = sorted(by_folder.keys() | rejected.keys())
        if len(folders) == 1:
            chosen = folders[0]
        else:
            listed = f": {', '.join(folders)}" if folders else ""
            self._problems.append(f"expected one top-level folder, found {len(folders)}{listed}")
            bags = [folder for folder in folders if "bagit.txt" in by_folder.get(folder, {})]
            if len(bags) != 1:
                self._problems.append("no single top-level folder holds bagit.txt; nothing more can be checked")
                return False
            chosen = bags[0]
        self._folder = chosen
        self._entries = by_folder.get(chosen, {})
        self._rejected = rejected.get(chosen, set())
        match = _TOP_FOLDER.match(chosen)
        if match is None:
            self._problems.append(f"top-level folder {chosen!r} is not named <package-id>-v<version>")
        else:
            self._report.identity = BundleIdentity(match["package"], int(match["version"]))
        return True

    # reading ----------------------------------------------------------------------------------

    def _read_small(self, name: str, limit: int = MAX_JSON_BYTES) -> bytes | None:
        """The whole entry when present, readable and at most `limit` bytes; otherwise None, reported."""
        info = self._entries.get(name)
        if info is None:
            if name not in self._rejected:
                self._problems.append(f"{name} is missing")
            return None
        if info.file_size > limit:
            self._problems.append(f"{name} is {info.file_size} bytes, more than the {limit} allowed")
            self._digests[name] = self._stream_digest(name, info)
            return None
        try:
            with self._archive.open(info) as handle:
                data = handle.read(limit + 1)
        except _READ_ERRORS as error:
            self._problems.append(f"{name} cannot be read: {_read_error(error)}")
            self._digests[name] = None
            return None
        self._digests[name] = hashlib.sha256(data).hexdigest()
        return data

    def _digest(self, name: str) -> str | None:
        """sha256 of a readable entry, computed once however many checks ask; None when unreadable."""
        if name not in self._digests:
            self._digests[name] = self._stream_digest(name, self._entries[name])
        return self._digests[name]

    def _stream_digest(self, name: str, info: zipfile.ZipInfo) -> str | None:
        digest = hashlib.sha256()
        try:
            with self._archive.open(info) as handle:
                while chunk := handle.read(CHUNK):
                    digest.update(chunk)
        except _READ_ERRORS as error:
            self._problems.append(f"{name} cannot be read: {_read_error(error)}")
            return None
        return digest.hexdigest()

    def _text(self, data: bytes | None, name: str) -> str | None:
        if data is None:
            return None
        try:
            return data.decode("utf-8")
        except UnicodeDecodeError as error:
            self._problems.append(f"{name} is not valid UTF-8 (byte {error.start})")
            return None

    def _json(self, name: str) -> Any:
        text = self._text(self._read_small(name), name)
        if text is None:
            return None
        try:
            return json.loads(text, parse_constant=_reject_constant)
        except json.JSONDecodeError as error:
            self._problems.append(f"{name} is not valid JSON ({error.msg} at line {error.lineno})")
        except RecursionError:
            self._problems.append(f"{name} is nested too deeply")
        except ValueError as error:
            self._problems.append(f"{name} is not valid JSON ({error})")
        return None

    # tag files --------------------------------------------------------------------------------

    def _tag_fields(self, data: bytes | None, name: str) -> dict[str, str] | None:
        """The fields of a tag file; None when it is missing or unreadable (reported already)."""
        text = self._text(data, name)
        if text is None:
            return None
        fields: dict[str, str] = {}
        for line in text.splitlines():
            key, sep, value = line.partition(":")
            if sep and key.strip():
                fields[key.strip()] = value.strip()
        return fields

    def _manifest(self, name: str, payload: bool) -> dict[str, str]:
        return self._parse_manifest(self._read_small(name), name, payload)

    def _parse_manifest(self, data: bytes | None, name: str, payload: bool) -> dict[str, str]:
        text = self._text(data, name)
        entries: dict[str, str] = {}
        for number, line in enumerate((text or "").splitlines(), start=1):
            digest, _, path = line.partition(" ")
            path = path.strip()
            if not re.fullmatch(r"[0-9a-fA-F]{64}", digest) or not path:
                self._problems.append(f"{name} line {number} is not '<sha256>  <path>'")
            elif path in entries:
                self._problems.append(f"{name} lists {path} twice")
            elif path.startswith("data/") != payload or _unsafe_path(path):
                self._problems.append(f"{name} line {number} lists {path!r}, which does not belong in it")
            else:
                entries[path] = digest.lower()
        return entries

    def _check_bag_info(self, bag_info: dict[str, str] | None) -> None:
        if bag_info is None:
            return
        for required in ("Source-Organization", "Bagging-Date", "Payload-Oxum", "External-Identifier"):
            if required not in bag_info:
                self._problems.append(f"bag-info.txt lacks {required}")
        identity = self._report.identity
        declared = bag_info.get("External-Identifier")
        if identity and declared is not None and declared != identity.external_identifier:
            self._problems.append(
                f"External-Identifier {declared!r} in bag-info.txt does not match the folder {identity.folder!r}"
            )
        self._report.station_id = bag_info.get("Station-Identifier", "").removeprefix("urn:uuid:") or None
        if self._report.station_id is None:
            self._problems.append("bag-info.txt lacks Station-Identifier")
        # Rejected payload entries are reported already and their sizes cannot be trusted.
        if (oxum := bag_info.get("Payload-Oxum")) is not None and not self._payload_rejected():
            self._check_oxum(oxum)

    def _check_oxum(self, oxum: str) -> None:
        payload = [self._entries[name] for name in self._entries if name.startswith("data/")]
        size, count = sum(info.file_size for info in payload), len(payload)
        match = _OXUM.match(oxum)
        if match is None:
            self._problems.append(f"Payload-Oxum {oxum!r} in bag-info.txt is not <bytes>.<file count>")
        elif (int(match["bytes"]), int(match["files"])) != (size, count):
            self._problems.append(
                f"Payload-Oxum {oxum} in bag-info.txt does not match the payload ({size} bytes in {count} files)"
            )

    def _payload_rejected(self) -> int:
        return sum(1 for name in self._rejected if name.startswith("data/"))

    # payload ----------------------------------------------------------------------------------

    def _check_payload(self) -> None:
        """package.json, every item against the schema and its file name, every media file against its name."""
        media = self._check_media()
        package = self._check_package()
        shown: set[str] = set()  # sha256 of every picture some item shows
        for name in sorted(name for name in self._entries if name.startswith("data/items/")):
            self._report.item_count += 1
            match = _ITEM_NAME.match(name.removeprefix("data/items/"))
            if match is None:
                self._problems.append(f"{name}: item files are named <item-id>.<lang>.json")
                continue
            item = self._json(name)
            if item is not None:
                shown |= self._check_item(name, item, match["id"], match["lang"], media)
        listed = {f"data/items/{entry.get('id')}.{entry.get('language')}.json" for entry in _package_items(package)}
        for file_name in sorted(listed):
            if file_name not in self._entries and file_name not in self._rejected:
                self._problems.append(f"data/package.json lists {file_name}, which is missing")
        if package is not None:
            for name in sorted(name for name in self._entries if name.startswith("data/items/")):
                if name not in listed:
                    self._problems.append(f"{name} is in the bundle but not listed in data/package.json")
        for sha, file_name in sorted(media.items()):
            if sha not in shown:
                self._problems.append(f"{file_name} is in the bundle but no item shows it")
        if self._report.item_count == 0:
            self._problems.append("the bundle holds no items")
        known = ("data/items/", "data/media/", PACKAGE_FILE)
        for name in sorted(self._entries):
            if name.startswith("data/") and not name.startswith(known):
                self._problems.append(f"{name} is not part of the bundle format")

    def _check_media(self) -> dict[str, str]:
        """Media files by the sha256 in their names (each hashed once; the fixity check reuses it)."""
        media: dict[str, str] = {}
        for name in sorted(name for name in self._entries if name.startswith("data/media/")):
            self._report.media_count += 1
            match = _MEDIA_NAME.match(name.removeprefix("data/media/"))
            if match is None:
                self._problems.append(f"{name}: media files are named <sha256>.<ext>")
                continue
            if match["sha"] in media:
                self._problems.append(f"{name} and {media[match['sha']]} hold the same picture")
            media[match["sha"]] = name
            digest = self._digest(name)
            if digest is not None and digest != match["sha"]:
                self._problems.append(f"{name}: content does not match the sha256 in its name")
        return media

    def _check_package(self) -> dict[str, Any] | None:
        package = self._json(PACKAGE_FILE)
        if package is None:
            return None
        if not isinstance(package, dict):
            self._problems.append(f"{PACKAGE_FILE} is not a JSON object")
            return None
        self._report.package = package
        identity = self._report.identity
        if identity and (package.get("id") != identity.package_id or package.get("version") != identity.version):
            self._problems.append(f"{PACKAGE_FILE} names another package id or version than the bundle folder")
        if not isinstance(package.get("items"), list):
            self._problems.append(f"{PACKAGE_FILE} lacks its list of items")
        return package

    def _check_item(self, name: str, item: Any, item_id: str, language: str, media: dict[str, str]) -> set[str]:
        """Schema, identity and picture references of one item; returns the sha256 of the pictures it shows."""
        shown: set[str] = set()
        try:
            self._problems.extend(f"{name}: {problem}" for problem in ninjs_problems(item))
        except RecursionError:
            self._problems.append(f"{name} is nested too deeply")
            return shown
        if not isinstance(item, dict):
            return shown
        if item.get("uri") != f"urn:uuid:{item_id}" or item.get("language") != language:
            self._problems.append(f"{name}: its uri or language differs from its file name")
        for rendition in picture_renditions(item):
            href = rendition.get("href")
            match = _MEDIA_URI.match(href) if isinstance(href, str) else None
            if match is None:
                self._problems.append(f"{name}: picture rendition href {href!r} is not urn:sha256:<hex>")
                continue
            sha = match["sha"]
            shown.add(sha)
            if sha not in media:
                self._problems.append(f"{name}: picture {href} is referenced but data/media/{sha}.<ext> is missing")
                continue
            file_name = media[sha]
            if rendition.get("sizeInBytes") not in (None, self._entries[file_name].file_size):
                self._problems.append(f"{name}: sizeInBytes of picture {href} differs from {file_name}")
            extension = file_name.rsplit(".", 1)[-1]
            if rendition.get("contentType") not in (None, _CONTENT_TYPES.get(extension)):
                self._problems.append(f"{name}: contentType of picture {href} does not suit {file_name}")
        return shown

    # fixity and signature ---------------------------------------------------------------------

    def _check_fixity(self, payload_manifest: dict[str, str], tag_manifest: dict[str, str]) -> None:
        present = self._entries.keys() | self._rejected
        payload_files = {name for name in present if name.startswith("data/")}
        for name in sorted(payload_files - payload_manifest.keys()):
            self._problems.append(f"{name} is in the bundle but not in manifest-sha256.txt")
        for name in sorted(payload_manifest.keys() - payload_files):
            self._problems.append(f"{name} is listed in manifest-sha256.txt but missing")
        for name in sorted(tag_manifest.keys() - present):
            self._problems.append(f"{name} is listed in {TAG_MANIFEST} but missing")
        if TAG_MANIFEST in self._entries:
            for required in TAG_FILES:
                if required in self._entries and required not in tag_manifest:
                    self._problems.append(f"{required} is not covered by {TAG_MANIFEST}")
        for manifest in (payload_manifest, tag_manifest):
            for name, expected in sorted(manifest.items()):
                if name in self._entries and self._digest(name) not in (None, expected):
                    # "the manifest" whichever it is: the portal's receipts quote this reason verbatim.
                    self._problems.append(f"{name} does not match its sha256 in the manifest (altered?)")
        formats = set(TAG_FILES) | {TAG_MANIFEST, SIGNATURE_FILE}
        for name in sorted(name for name in self._entries if not name.startswith("data/") and name not in formats):
            self._problems.append(f"{name} is not part of the bundle format")

    def _check_signature(self, tagmanifest: bytes | None, signature: bytes | None) -> None:
        station_id = self._report.station_id
        if tagmanifest is None or signature is None or station_id is None:
            return
        public_key = self._station_key(station_id)
        if public_key is None:
            self._problems.append(f"signed by station {station_id}, whose key this side does not know")
            return
        try:
            signature_text = signature.decode("ascii").strip()
            well_formed = len(base64.b64decode(signature_text, validate=True)) == _SIGNATURE_BYTES
        except (UnicodeDecodeError, binascii.Error):
            well_formed = False
        if not well_formed:
            self._problems.append(f"{SIGNATURE_FILE} does not hold a base64 Ed25519 signature")
        elif not verify(public_key, tagmanifest, signature_text):
            self._problems.append(f"the signature does not match {TAG_MANIFEST} and the station's key")


# Everything reading a damaged or hostile entry may raise: bad CRC or local header, a truncated
# stream, a corrupt deflate stream, an unsupported method or encryption.
_READ_ERRORS = (zipfile.BadZipFile, zlib.error, EOFError, NotImplementedError, RuntimeError, ValueError, OSError)


def _read_error(error: BaseException) -> str:
    if isinstance(error, zipfile.BadZipFile) and "CRC" in str(error):
        return "its content does not match its CRC (damaged or altered)"
    return f"the entry is damaged ({error})"


def _unsafe_path(name: str) -> bool:
    """Absolute, a drive, a backslash, `..` or `.`, empty parts, control characters: never extracted as given."""
    stripped = name.removesuffix("/")
    return (
        not stripped
        or name.startswith("/")
        or "\\" in name
        or re.match(r"^[A-Za-z]:", name) is not None
        or any(part in ("", ".", "..") for part in stripped.split("/"))
        or any(ord(character) < 0x20 for character in name)
    )


def _unreadable_entry(info: zipfile.ZipInfo, occurrences: int) -> str | None:
    """Why an entry with a safe path must still not be read, or None."""
    name = info.filename
    mode = info.external_attr >> 16
    if occurrences > 1:
        return f"duplicate entry {name!r} ({occurrences} times)"
    if stat.S_ISLNK(mode):
        return f"symbolic link {name!r} is not allowed"
    if stat.S_IFMT(mode) not in (0, stat.S_IFREG, stat.S_IFDIR):  # 0: made where file types are not recorded
        return f"entry {name!r} is not a regular file"
    if info.flag_bits & 0x1:
        return f"entry {name!r} is encrypted"
    if info.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
        return f"entry {name!r} uses compression method {info.compress_type}; only stored and deflated are accepted"
    if info.file_size > BOMB_MIN_BYTES and info.file_size > info.compress_size * MAX_COMPRESSION_RATIO:
        ratio = info.file_size // max(info.compress_size, 1)
        return f"entry {name!r} expands {ratio}× to {info.file_size} bytes (zip bomb?)"
    return None


def _package_items(package: dict[str, Any] | None) -> list[dict[str, Any]]:
    items = package.get("items") if package else None
    return [entry for entry in items if isinstance(entry, dict)] if isinstance(items, list) else []


def _reject_constant(constant: str) -> Any:
    raise ValueError(f"{constant} is not a JSON number")
