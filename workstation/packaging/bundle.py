"""Sealed bundles: a BagIt 1.0 bag (RFC 8493) zipped under one top-level folder, signed with Ed25519.

Layout of `<package-id>-v<version>/`: bagit.txt, bag-info.txt, manifest-sha256.txt,
tagmanifest-sha256.txt, signature.ed25519 (base64 signature of the exact bytes of
tagmanifest-sha256.txt), data/package.json, data/items/<item-id>.<lang>.json (ninjs 3.1) and
data/media/<sha256>.<ext>.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import stat
import zipfile
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path, PurePosixPath
from typing import TYPE_CHECKING, Any

from workstation.packaging.ninjs import ninjs_problems
from workstation.signing import sign, verify

if TYPE_CHECKING:
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

BAGIT_TXT = b"BagIt-Version: 1.0\nTag-File-Character-Encoding: UTF-8\n"
TAG_FILES = ("bagit.txt", "bag-info.txt", "manifest-sha256.txt")
SIGNATURE_FILE = "signature.ed25519"
CHUNK = 1024 * 1024

# Limits that keep a hostile bundle from exhausting memory or disk while it is checked.
MAX_ENTRIES = 20_000
MAX_TOTAL_BYTES = 4 * 1024**3
MAX_JSON_BYTES = 16 * 1024 * 1024
MAX_COMPRESSION_RATIO = 200

_TOP_FOLDER = re.compile(r"^(?P<package>[0-9a-f-]{36})-v(?P<version>[1-9][0-9]{0,8})$")
_MEDIA_NAME = re.compile(r"^(?P<sha>[0-9a-f]{64})\.(?P<ext>[a-z0-9]{1,5})$")
_ITEM_NAME = re.compile(r"^(?P<id>[0-9a-f-]{36})\.(?P<lang>[a-z]{2,3}(-[A-Za-z0-9]+)*)\.json$")


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
    sha256: str
    extension: str
    path: Path


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


class _HashingWriter:
    """Adds files to the zip while hashing them, so each byte is read once."""

    def __init__(self, archive: zipfile.ZipFile, folder: str) -> None:
        self._archive = archive
        self._folder = folder
        self.digests: dict[str, str] = {}
        self.payload_bytes = 0
        self.payload_files = 0

    def add_bytes(self, name: str, data: bytes, compress: bool = True) -> None:
        compression = zipfile.ZIP_DEFLATED if compress else zipfile.ZIP_STORED
        self._archive.writestr(self._info(name, compression), data)
        self._record(name, hashlib.sha256(data).hexdigest(), len(data))

    def add_file(self, name: str, source: Path, cancelled: Callable[[], bool]) -> None:
        digest, size = hashlib.sha256(), 0
        with source.open("rb") as reader, self._archive.open(self._info(name, zipfile.ZIP_STORED), "w") as out:
            while chunk := reader.read(CHUNK):
                if cancelled():
                    raise SealCancelled
                digest.update(chunk)
                out.write(chunk)
                size += len(chunk)
        self._record(name, digest.hexdigest(), size)

    def _info(self, name: str, compression: int) -> zipfile.ZipInfo:
        info = zipfile.ZipInfo(f"{self._folder}/{name}", date_time=(2020, 1, 1, 0, 0, 0))
        info.compress_type = compression
        info.external_attr = (stat.S_IFREG | 0o644) << 16
        return info

    def _record(self, name: str, digest: str, size: int) -> None:
        self.digests[name] = digest
        if name.startswith("data/"):
            self.payload_bytes += size
            self.payload_files += 1


class SealCancelled(Exception):
    """Sealing stopped at the user's request; no file was left behind."""


def seal_bundle(
    out_path: Path,
    identity: BundleIdentity,
    package: dict[str, Any],
    items: Iterable[BundleItem],
    media: Iterable[BundleMedia],
    station_id: str,
    organisation: str,
    private_key: Ed25519PrivateKey,
    now: datetime | None = None,
    cancelled: Callable[[], bool] = lambda: False,
) -> SealedBundle:
    """Write the bundle to a temporary file and move it into place only when complete."""
    now = now or datetime.now(UTC)
    out_path.parent.mkdir(parents=True, exist_ok=True)
    temporary = out_path.with_name(f".{out_path.name}.partial")
    try:
        with zipfile.ZipFile(temporary, "w", allowZip64=True) as archive:
            writer = _HashingWriter(archive, identity.folder)
            writer.add_bytes("data/package.json", _json_bytes(package))
            for item in items:
                if cancelled():
                    raise SealCancelled
                writer.add_bytes(f"data/items/{item.item_id}.{item.language}.json", _json_bytes(item.ninjs))
            for picture in media:
                writer.add_file(f"data/media/{picture.sha256}.{picture.extension}", picture.path, cancelled)
            manifest = _manifest_text(writer.digests, payload=True)
            bag_info = (
                f"Source-Organization: {organisation}\n"
                f"Bagging-Date: {now.date().isoformat()}\n"
                f"Payload-Oxum: {writer.payload_bytes}.{writer.payload_files}\n"
                f"External-Identifier: {identity.external_identifier}\n"
                f"Station-Identifier: urn:uuid:{station_id}\n"
                "Bag-Software-Agent: Editorial Workstation\n"
            ).encode()
            writer.add_bytes("bagit.txt", BAGIT_TXT)
            writer.add_bytes("bag-info.txt", bag_info)
            writer.add_bytes("manifest-sha256.txt", manifest)
            tagmanifest = _manifest_text(writer.digests, payload=False)
            writer.add_bytes("tagmanifest-sha256.txt", tagmanifest)
            writer.add_bytes(SIGNATURE_FILE, sign(private_key, tagmanifest).encode("ascii") + b"\n")
        with temporary.open("rb") as handle:
            os.fsync(handle.fileno())
        os.replace(temporary, out_path)
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise
    digest, size = file_sha256(out_path)
    return SealedBundle(path=out_path, sha256=digest, size=size)


def file_sha256(path: Path) -> tuple[str, int]:
    digest, size = hashlib.sha256(), 0
    with path.open("rb") as handle:
        while chunk := handle.read(CHUNK):
            digest.update(chunk)
            size += len(chunk)
    return digest.hexdigest(), size


def _json_bytes(value: Any) -> bytes:
    return json.dumps(value, ensure_ascii=False, indent=2, sort_keys=True).encode("utf-8") + b"\n"


def _manifest_text(digests: dict[str, str], payload: bool) -> bytes:
    names = sorted(name for name in digests if name.startswith("data/") == payload and name != SIGNATURE_FILE)
    if not payload:
        names = [name for name in names if name in TAG_FILES]
    return "".join(f"{digests[name]}  {name}\n" for name in names).encode("utf-8")


# --- verification -------------------------------------------------------------------------------

KeyLookup = Callable[[str], str | None]


def verify_bundle(path: Path, station_key: KeyLookup) -> BundleReport:
    """Check structure, fixity, signature and schema of a bundle without extracting it.

    `station_key(station_id)` returns the base64 public key trusted for that station, or None.
    """
    report = BundleReport()
    try:
        with zipfile.ZipFile(path) as archive:
            _verify_archive(archive, station_key, report)
    except zipfile.BadZipFile:
        report.problems.append("not a zip archive, or the archive is damaged")
    except FileNotFoundError:
        report.problems.append(f"file not found: {path}")
    except OSError as error:
        report.problems.append(f"cannot read the bundle: {error.strerror or error}")
    return report


def _verify_archive(archive: zipfile.ZipFile, station_key: KeyLookup, report: BundleReport) -> None:
    entries = _checked_entries(archive, report)
    if entries is None:
        return
    folder, files = entries
    match = _TOP_FOLDER.match(folder)
    if match is None:
        report.problems.append(f"top-level folder {folder!r} is not named <package-id>-v<version>")
    else:
        report.identity = BundleIdentity(match["package"], int(match["version"]))

    read = _Reader(archive, folder, files, report)
    bagit = read.small("bagit.txt")
    if bagit is not None and bagit.replace(b"\r\n", b"\n") != BAGIT_TXT:
        report.problems.append("bagit.txt does not declare BagIt-Version 1.0 with UTF-8 tag files")
    bag_info = _parse_tag_file(read.small("bag-info.txt"), "bag-info.txt", report)
    payload_manifest = _parse_manifest(read.small("manifest-sha256.txt"), "manifest-sha256.txt", report)
    tagmanifest_bytes = read.small("tagmanifest-sha256.txt")
    tag_manifest = _parse_manifest(tagmanifest_bytes, "tagmanifest-sha256.txt", report)
    signature = read.small(SIGNATURE_FILE)

    _check_bag_info(bag_info, report, files)
    _check_fixity(read, files, payload_manifest, tag_manifest, report)
    _check_signature(bag_info, tagmanifest_bytes, signature, station_key, report)
    _check_payload(read, files, report)


def _checked_entries(archive: zipfile.ZipFile, report: BundleReport) -> tuple[str, set[str]] | None:
    infos = archive.infolist()
    if len(infos) > MAX_ENTRIES:
        report.problems.append(f"too many entries ({len(infos)}; at most {MAX_ENTRIES})")
        return None
    names: set[str] = set()
    folders: set[str] = set()
    files: set[str] = set()
    total = 0
    for info in infos:
        name = info.filename
        if name in names:
            report.problems.append(f"duplicate entry {name!r}")
        names.add(name)
        pure = PurePosixPath(name)
        if name.startswith("/") or "\\" in name or re.match(r"^[A-Za-z]:", name) or ".." in pure.parts:
            report.problems.append(f"unsafe path {name!r} (absolute, or leaving the bundle folder)")
            continue
        if stat.S_ISLNK(info.external_attr >> 16):
            report.problems.append(f"symbolic link {name!r} is not allowed")
            continue
        total += info.file_size
        if info.compress_size and info.file_size / info.compress_size > MAX_COMPRESSION_RATIO:
            report.problems.append(f"entry {name!r} expands {info.file_size // info.compress_size}× (zip bomb?)")
        folders.add(pure.parts[0])
        if not info.is_dir() and len(pure.parts) > 1:
            files.add(str(PurePosixPath(*pure.parts[1:])))
        elif not info.is_dir():
            report.problems.append(f"file {name!r} lies outside the bundle's top-level folder")
    if total > MAX_TOTAL_BYTES:
        report.problems.append(f"the bundle expands to {total} bytes, more than the {MAX_TOTAL_BYTES} allowed")
    if len(folders) != 1:
        report.problems.append(f"expected one top-level folder, found {len(folders)}")
    if report.problems:
        return None
    return folders.pop(), files


class _Reader:
    def __init__(self, archive: zipfile.ZipFile, folder: str, files: set[str], report: BundleReport) -> None:
        self._archive, self._folder, self._files, self._report = archive, folder, files, report

    def small(self, name: str, limit: int = MAX_JSON_BYTES) -> bytes | None:
        if name not in self._files:
            self._report.problems.append(f"{name} is missing")
            return None
        info = self._archive.getinfo(f"{self._folder}/{name}")
        if info.file_size > limit:
            self._report.problems.append(f"{name} is {info.file_size} bytes, more than the {limit} allowed")
            return None
        with self._archive.open(info) as handle:
            return handle.read(limit + 1)[:limit]

    def sha256(self, name: str) -> str:
        digest = hashlib.sha256()
        with self._archive.open(f"{self._folder}/{name}") as handle:
            while chunk := handle.read(CHUNK):
                digest.update(chunk)
        return digest.hexdigest()


def _text(data: bytes | None, name: str, report: BundleReport) -> str | None:
    """A tag file as text, or None (reported) when missing or not UTF-8."""
    if data is None:
        return None
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        report.problems.append(f"{name} is not valid UTF-8")
        return None


def _parse_tag_file(data: bytes | None, name: str, report: BundleReport) -> dict[str, str]:
    text = _text(data, name, report)
    if text is None:
        return {}
    fields: dict[str, str] = {}
    for line in text.splitlines():
        key, sep, value = line.partition(":")
        if sep and key.strip():
            fields[key.strip()] = value.strip()
    return fields


def _parse_manifest(data: bytes | None, name: str, report: BundleReport) -> dict[str, str]:
    text = _text(data, name, report)
    if text is None:
        return {}
    entries: dict[str, str] = {}
    for number, line in enumerate(text.splitlines(), start=1):
        digest, _, path = line.partition(" ")
        path = path.strip()
        if not re.fullmatch(r"[0-9a-fA-F]{64}", digest) or not path:
            report.problems.append(f"{name} line {number} is not '<sha256>  <path>'")
            continue
        entries[path] = digest.lower()
    return entries


def _check_bag_info(bag_info: dict[str, str], report: BundleReport, files: set[str]) -> None:
    if not bag_info:
        return
    for required in ("Source-Organization", "Bagging-Date", "Payload-Oxum", "External-Identifier"):
        if required not in bag_info:
            report.problems.append(f"bag-info.txt lacks {required}")
    if report.identity and bag_info.get("External-Identifier") not in (None, report.identity.external_identifier):
        report.problems.append(
            f"External-Identifier {bag_info['External-Identifier']!r} does not match the folder "
            f"{report.identity.folder!r}"
        )
    station = bag_info.get("Station-Identifier", "")
    report.station_id = station.removeprefix("urn:uuid:") or None
    if report.station_id is None:
        report.problems.append("bag-info.txt lacks Station-Identifier")


def _check_fixity(
    read: _Reader,
    files: set[str],
    payload_manifest: dict[str, str],
    tag_manifest: dict[str, str],
    report: BundleReport,
) -> None:
    payload_files = {name for name in files if name.startswith("data/")}
    for name in sorted(payload_files - payload_manifest.keys()):
        report.problems.append(f"{name} is in the bundle but not in manifest-sha256.txt")
    for name in sorted(payload_manifest.keys() - payload_files):
        report.problems.append(f"{name} is listed in manifest-sha256.txt but missing")
    for name in sorted(set(tag_manifest) - files):
        report.problems.append(f"{name} is listed in tagmanifest-sha256.txt but missing")
    for required in TAG_FILES:
        if required in files and tag_manifest and required not in tag_manifest:
            report.problems.append(f"{required} is not covered by tagmanifest-sha256.txt")
    for manifest in (payload_manifest, tag_manifest):
        for name, expected in sorted(manifest.items()):
            if name in files and read.sha256(name) != expected:
                report.problems.append(f"{name} does not match its sha256 in the manifest (altered?)")
    extra = files - payload_files - set(TAG_FILES) - {"tagmanifest-sha256.txt", SIGNATURE_FILE}
    for name in sorted(extra):
        report.problems.append(f"{name} is not part of the bundle format")


def _check_signature(
    bag_info: dict[str, str],
    tagmanifest: bytes | None,
    signature: bytes | None,
    station_key: KeyLookup,
    report: BundleReport,
) -> None:
    if tagmanifest is None or signature is None or report.station_id is None:
        return
    public_key = station_key(report.station_id)
    if public_key is None:
        report.problems.append(f"signed by station {report.station_id}, whose key this side does not know")
        return
    try:
        signature_text = signature.decode("ascii")
    except UnicodeDecodeError:
        signature_text = ""
    if not verify(public_key, tagmanifest, signature_text):
        report.problems.append("the signature does not match tagmanifest-sha256.txt and the station's key")


def _check_payload(read: _Reader, files: set[str], report: BundleReport) -> None:
    package = _load_json(read, "data/package.json", report)
    if package is not None:
        if not isinstance(package, dict):
            report.problems.append("data/package.json is not a JSON object")
        else:
            report.package = package
            if report.identity and (
                package.get("id") != report.identity.package_id or package.get("version") != report.identity.version
            ):
                report.problems.append("data/package.json names another package id or version than the bundle")
    for name in sorted(name for name in files if name.startswith("data/")):
        if name.startswith("data/items/"):
            report.item_count += 1
            if not _ITEM_NAME.match(name.removeprefix("data/items/")):
                report.problems.append(f"{name}: item files are named <item-id>.<lang>.json")
                continue
            item = _load_json(read, name, report)
            if item is not None:
                report.problems.extend(f"{name}: {problem}" for problem in ninjs_problems(item))
        elif name.startswith("data/media/"):
            report.media_count += 1
            media = _MEDIA_NAME.match(name.removeprefix("data/media/"))
            if media is None:
                report.problems.append(f"{name}: media files are named <sha256>.<ext>")
            elif read.sha256(name) != media["sha"]:
                report.problems.append(f"{name}: content does not match the sha256 in its name")
        elif name != "data/package.json":
            report.problems.append(f"{name} is not part of the bundle format")
    if report.item_count == 0:
        report.problems.append("the bundle holds no items")


def _load_json(read: _Reader, name: str, report: BundleReport) -> Any:
    data = read.small(name)
    if data is None:
        return None
    try:
        return json.loads(data.decode("utf-8"))
    except UnicodeDecodeError:
        report.problems.append(f"{name} is not valid UTF-8")
    except json.JSONDecodeError as error:
        report.problems.append(f"{name} is not valid JSON ({error.msg} at line {error.lineno})")
    return None
