"""A corpus of hostile bundles, each made from one valid sealed bundle and the reason verify must give.

Used by tests/packaging/test_hostile_bundles.py and by bench/bench_seal.py (which times the
rejection of the whole corpus). Every case changes one thing; where a change would also break the
manifests or the signature as a side effect, the case re-signs the bag (`resealed`) so that the
reason under test is the one that fires.
"""

from __future__ import annotations

import base64
import hashlib
import json
import re
import stat
import struct
import warnings
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from tests.support.images import png_bytes
from workstation.ids import new_id
from workstation.model import Article, Block, Picture
from workstation.packaging.bundle import (
    MAX_ENTRIES,
    MAX_JSON_BYTES,
    BundleIdentity,
    BundleItem,
    BundleMedia,
    seal_bundle,
)
from workstation.packaging.ninjs import media_facts, to_ninjs
from workstation.signing import public_key_b64, sign

_CENTRAL_HEADER = b"PK\x01\x02"
_LOCAL_HEADER = b"PK\x03\x04"


@dataclass(frozen=True)
class ValidBundle:
    """A sealed bundle with a Vietnamese article, its English translation and two pictures."""

    path: Path
    folder: str
    station_id: str
    private_key: Ed25519PrivateKey
    item_names: tuple[str, ...]
    """Paths of the items inside the bag folder, the Vietnamese one first."""
    media_names: tuple[str, ...]

    @property
    def public_key(self) -> str:
        return public_key_b64(self.private_key)

    def key_lookup(self, station_id: str) -> str | None:
        return self.public_key if station_id == self.station_id else None

    def files(self) -> dict[str, bytes]:
        """Every file of the bag by its path inside the bag folder."""
        with zipfile.ZipFile(self.path) as archive:
            return {info.filename.removeprefix(f"{self.folder}/"): archive.read(info) for info in archive.infolist()}


def make_valid_bundle(folder: Path) -> ValidBundle:
    folder.mkdir(parents=True, exist_ok=True)
    key = Ed25519PrivateKey.generate()
    station_id, package_id = new_id(), new_id()
    pictures: list[tuple[Picture, Path]] = []
    source = _article("vi", "Đà Nẵng quảng bá du lịch tại Hàn Quốc", "Hơn 200 doanh nghiệp tham dự.", station_id)
    translation = _article("en", "Da Nang promotes tourism in Korea", "Over 200 firms took part.", station_id)
    translation.translated_from, translation.translation_id = source.id, source.id
    for number, colour in enumerate(((200, 40, 40), (40, 160, 60)), start=1):
        path = folder / f"picture-{number}.png"
        path.write_bytes(png_bytes(320 + number, 200, colour))
        picture = Picture(
            id=new_id(), article_id=source.id, media_sha256="", rendition_sha256="", content_type="image/png",
            width=320 + number, height=200,
            captions={"vi": f"Ảnh {number}", "en": f"Photo {number}"},
            alt_texts={"vi": f"Mô tả {number}", "en": f"Description {number}"},
            credits={"vi": "Minh Anh", "en": "Minh Anh"}, copyright_holder="TTĐN",
        )  # fmt: skip
        pictures.append((picture, path))
    facts = [(picture, media_facts(path)) for picture, path in pictures]
    items = [
        BundleItem(article.id, article.language, to_ninjs(article, station_id, "Station", facts))
        for article in (source, translation)
    ]
    media = [
        BundleMedia(fact.sha256, fact.extension, path) for (_, fact), (_, path) in zip(facts, pictures, strict=True)
    ]
    identity = BundleIdentity(package_id, 1)
    package = {
        "id": package_id,
        "version": 1,
        "name": "Tin tuần",
        "destination": "",
        "note": "",
        "station_id": station_id,
        "items": [{"id": item.item_id, "language": item.language} for item in items],
    }
    sealed = seal_bundle(folder / "valid.zip", identity, package, items, media, station_id, "Station", key)
    return ValidBundle(
        path=sealed.path,
        folder=identity.folder,
        station_id=station_id,
        private_key=key,
        item_names=tuple(f"data/items/{item.item_id}.{item.language}.json" for item in items),
        media_names=tuple(picture.bag_path for picture in media),
    )


def _article(language: str, headline: str, lead: str, station_id: str) -> Article:
    return Article(
        id=new_id(),
        station_id=station_id,
        language=language,
        headline=headline,
        lead=lead,
        blocks=[Block(id=new_id(), text=lead)],
        created_at="2026-11-27T10:00:00Z",
        updated_at="2026-11-27T10:05:00Z",
    )


# --- the cases ----------------------------------------------------------------------------------

Builder = Callable[[ValidBundle, Path], None]


@dataclass(frozen=True)
class HostileCase:
    name: str
    reason: Callable[[ValidBundle], str]
    """Text one of verify's problems must contain."""
    build: Builder


CASES: list[HostileCase] = []


def _case(name: str, reason: str | Callable[[ValidBundle], str]) -> Callable[[Builder], Builder]:
    def register(build: Builder) -> Builder:
        CASES.append(HostileCase(name, reason if callable(reason) else lambda _valid: reason, build))
        return build

    return register


def build_corpus(valid: ValidBundle, folder: Path) -> list[tuple[HostileCase, Path]]:
    folder.mkdir(parents=True, exist_ok=True)
    built = []
    for case in CASES:
        target = folder / f"{case.name}.zip"
        case.build(valid, target)
        built.append((case, target))
    return built


@_case("zip-slip", "unsafe path '../evil.txt'")
def _zip_slip(valid: ValidBundle, target: Path) -> None:
    _with_extra(valid, target, [("../evil.txt", b"owned")])


@_case("absolute-path", "unsafe path '/etc/cron.d/evil'")
def _absolute_path(valid: ValidBundle, target: Path) -> None:
    _with_extra(valid, target, [("/etc/cron.d/evil", b"* * * * * root evil")])


@_case("windows-path", "unsafe path 'C:\\\\Windows\\\\evil.dll'")
def _windows_path(valid: ValidBundle, target: Path) -> None:
    _with_extra(valid, target, [("C:\\Windows\\evil.dll", b"MZ")])


@_case("symlink", "symbolic link")
def _symlink(valid: ValidBundle, target: Path) -> None:
    link = zipfile.ZipInfo(f"{valid.folder}/data/media/link.jpg")
    link.external_attr = (stat.S_IFLNK | 0o777) << 16
    _with_extra(valid, target, [(link, b"/etc/passwd")])


@_case("zip-bomb-ratio", "(zip bomb?)")
def _zip_bomb_ratio(valid: ValidBundle, target: Path) -> None:
    _with_extra(valid, target, [(_deflated(f"{valid.folder}/data/media/{'0' * 64}.jpg"), bytes(50 * 1024 * 1024))])


@_case("zip-bomb-many-small-entries", "in all (zip bomb?)")
def _zip_bomb_many(valid: ValidBundle, target: Path) -> None:
    # 100 entries of 1 MiB of zeros: each below the per-entry check, together 100 MiB from ~100 KiB.
    zeros = bytes(1024 * 1024)
    _with_extra(valid, target, [(_deflated(f"{valid.folder}/data/z{number}"), zeros) for number in range(100)])


@_case("zip-bomb-declared-size", "more than the 4294967296 allowed (zip bomb?)")
def _zip_bomb_declared(valid: ValidBundle, target: Path) -> None:
    # Two entries claiming 3.75 GiB each (the central directory lies; nothing that large exists).
    _copy(valid, target)
    for name in valid.media_names:
        _patch_central(target, f"{valid.folder}/{name}", offset=24, value=0xF000_0000)


@_case("duplicate-names", "duplicate entry")
def _duplicate(valid: ValidBundle, target: Path) -> None:
    name = f"{valid.folder}/data/package.json"
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # zipfile warns about the duplicate it is asked to write
        _with_extra(valid, target, [(name, b'{"id": "someone else"}')])


@_case("case-only-duplicate", "differ only in case")
def _case_duplicate(valid: ValidBundle, target: Path) -> None:
    _with_extra(valid, target, [(f"{valid.folder}/data/PACKAGE.JSON", b"{}")])


@_case("wrong-payload-hash", lambda valid: f"{valid.item_names[0]} does not match its sha256 in the manifest")
def _wrong_payload_hash(valid: ValidBundle, target: Path) -> None:
    files = valid.files()
    files[valid.item_names[0]] = files[valid.item_names[0]].replace("Đà Nẵng".encode(), "Hà Nội".encode())
    _write(valid.folder, files, target)


@_case("wrong-tagmanifest-hash", "bag-info.txt does not match its sha256 in the manifest")
def _wrong_tag_hash(valid: ValidBundle, target: Path) -> None:
    files = valid.files()
    files["bag-info.txt"] = files["bag-info.txt"].replace(
        b"Source-Organization: Station", b"Source-Organization: Other"
    )
    _write(valid.folder, files, target)


@_case("missing-listed-file", lambda valid: f"{valid.media_names[1]} is listed in manifest-sha256.txt but missing")
def _missing_listed(valid: ValidBundle, target: Path) -> None:
    files = valid.files()
    del files[valid.media_names[1]]
    _write(valid.folder, files, target)


@_case("unlisted-payload-file", "data/notes.txt is in the bundle but not in manifest-sha256.txt")
def _unlisted(valid: ValidBundle, target: Path) -> None:
    _with_extra(valid, target, [(f"{valid.folder}/data/notes.txt", b"hello")])


@_case("tag-file-not-utf8", "bag-info.txt is not valid UTF-8")
def _tag_not_utf8(valid: ValidBundle, target: Path) -> None:
    files = valid.files()
    files["bag-info.txt"] = files["bag-info.txt"].replace(b"Station\n", b"Station \xff\xfe\n", 1)
    resealed(valid, files, target)


@_case("item-not-utf8", lambda valid: f"{valid.item_names[0]} is not valid UTF-8")
def _item_not_utf8(valid: ValidBundle, target: Path) -> None:
    files = valid.files()
    files[valid.item_names[0]] = b'{"headline": "\xc3\x28"}'
    resealed(valid, files, target)


@_case("oversized-json", lambda valid: f"{valid.item_names[0]} is {MAX_JSON_BYTES + 1} bytes, more than the")
def _oversized_json(valid: ValidBundle, target: Path) -> None:
    files = valid.files()
    item = json.loads(files[valid.item_names[0]])
    padding = MAX_JSON_BYTES + 1 - len(json.dumps(item).encode()) - len(', "edNote": ""')
    item["edNote"] = "x" * padding
    files[valid.item_names[0]] = json.dumps(item).encode()
    assert len(files[valid.item_names[0]]) == MAX_JSON_BYTES + 1
    # Stored, so that the size limit rather than the compression ratio is what rejects it.
    resealed(valid, files, target, stored=frozenset({valid.item_names[0]}))


@_case("deeply-nested-json", "is nested too deeply")
def _nested_json(valid: ValidBundle, target: Path) -> None:
    files = valid.files()
    files[valid.item_names[0]] = b"[" * 100_000 + b"]" * 100_000
    resealed(valid, files, target)


@_case("malformed-signature", "signature.ed25519 does not hold a base64 Ed25519 signature")
def _malformed_signature(valid: ValidBundle, target: Path) -> None:
    files = valid.files()
    files["signature.ed25519"] = b"not a signature\n"
    _write(valid.folder, files, target)


@_case("bad-signature", "the signature does not match tagmanifest-sha256.txt and the station's key")
def _bad_signature(valid: ValidBundle, target: Path) -> None:
    files = valid.files()
    signature = bytearray(base64.b64decode(files["signature.ed25519"]))
    signature[0] ^= 0xFF
    files["signature.ed25519"] = base64.b64encode(bytes(signature)) + b"\n"
    _write(valid.folder, files, target)


@_case("signed-by-another-key", "the signature does not match tagmanifest-sha256.txt and the station's key")
def _signed_by_another(valid: ValidBundle, target: Path) -> None:
    files = valid.files()
    files["signature.ed25519"] = sign(Ed25519PrivateKey.generate(), files["tagmanifest-sha256.txt"]).encode() + b"\n"
    _write(valid.folder, files, target)


@_case("claims-unknown-station", "whose key this side does not know")
def _unknown_station(valid: ValidBundle, target: Path) -> None:
    # A well-made bundle of a station this side never trusted, signed with that station's own key.
    files = valid.files()
    files["bag-info.txt"] = re.sub(
        rb"Station-Identifier: urn:uuid:\S+", f"Station-Identifier: urn:uuid:{new_id()}".encode(), files["bag-info.txt"]
    )
    resealed(valid, files, target, key=Ed25519PrivateKey.generate())


@_case("two-top-level-folders", "expected one top-level folder, found 2")
def _two_folders(valid: ValidBundle, target: Path) -> None:
    _with_extra(valid, target, [("other-bundle/readme.txt", b"hello")])


@_case("missing-bagit-txt", "bagit.txt is missing")
def _missing_bagit(valid: ValidBundle, target: Path) -> None:
    files = valid.files()
    del files["bagit.txt"]
    _write(valid.folder, files, target)


@_case("wrong-payload-oxum", "does not match the payload")
def _wrong_oxum(valid: ValidBundle, target: Path) -> None:
    files = valid.files()
    files["bag-info.txt"] = re.sub(rb"Payload-Oxum: (\d+)\.", rb"Payload-Oxum: 1\1.", files["bag-info.txt"])
    resealed(valid, files, target)


@_case("item-fails-ninjs-schema", "'wordCount' was unexpected")
def _schema(valid: ValidBundle, target: Path) -> None:
    files = valid.files()
    item = json.loads(files[valid.item_names[0]])
    item["wordCount"] = 12  # belongs inside bodies; ninjs 3.1 forbids unknown top-level properties
    files[valid.item_names[0]] = json.dumps(item, ensure_ascii=False).encode()
    resealed(valid, files, target)


@_case("truncated-zip", "its central directory is missing (truncated?)")
def _truncated(valid: ValidBundle, target: Path) -> None:
    data = valid.path.read_bytes()
    target.write_bytes(data[: len(data) // 2])


@_case("not-a-zip", "not a zip archive, or the archive is damaged")
def _not_a_zip(valid: ValidBundle, target: Path) -> None:
    target.write_bytes(b"%PDF-1.7\n" + bytes(4096))


@_case("encrypted-entry", "is encrypted")
def _encrypted(valid: ValidBundle, target: Path) -> None:
    _copy(valid, target)
    name = f"{valid.folder}/{valid.item_names[1]}"
    _patch_central(target, name, offset=8, value=0x1, size="<H")
    _patch_local(target, name, offset=6, value=0x1, size="<H")


@_case("unsupported-compression", "uses compression method 12")
def _bzip2(valid: ValidBundle, target: Path) -> None:
    extra = zipfile.ZipInfo(f"{valid.folder}/data/notes.txt")
    extra.compress_type = zipfile.ZIP_BZIP2
    _with_extra(valid, target, [(extra, b"hello")])


@_case("too-many-entries", f"more than the {MAX_ENTRIES} allowed")
def _too_many(valid: ValidBundle, target: Path) -> None:
    _with_extra(valid, target, [(f"{valid.folder}/data/n{number}", b"") for number in range(MAX_ENTRIES)])


@_case(
    "media-referenced-but-missing",
    lambda valid: f"is referenced but data/media/{valid.media_names[0].split('/')[-1].split('.')[0]}.<ext> is missing",
)
def _media_missing(valid: ValidBundle, target: Path) -> None:
    files = valid.files()
    del files[valid.media_names[0]]
    resealed(valid, files, target)


@_case("media-content-not-its-name", "content does not match the sha256 in its name")
def _media_content(valid: ValidBundle, target: Path) -> None:
    files = valid.files()
    files[valid.media_names[0]] = png_bytes(10, 10)
    resealed(valid, files, target)


@_case("item-not-listed-in-package-json", lambda valid: f"{valid.item_names[1]} is in the bundle but not listed in")
def _item_unlisted(valid: ValidBundle, target: Path) -> None:
    files = valid.files()
    package = json.loads(files["data/package.json"])
    package["items"] = package["items"][:1]  # the second item travels unannounced
    files["data/package.json"] = json.dumps(package).encode()
    resealed(valid, files, target)


@_case("media-no-item-shows", "is in the bundle but no item shows it")
def _media_unshown(valid: ValidBundle, target: Path) -> None:
    files = valid.files()
    stowaway = png_bytes(12, 12, (200, 30, 30))
    files[f"data/media/{hashlib.sha256(stowaway).hexdigest()}.png"] = stowaway
    resealed(valid, files, target)


# --- building blocks ----------------------------------------------------------------------------


def _copy(valid: ValidBundle, target: Path) -> None:
    target.write_bytes(valid.path.read_bytes())


def _with_extra(valid: ValidBundle, target: Path, extra: list[tuple[zipfile.ZipInfo | str, bytes]]) -> None:
    """The valid bundle entry by entry, then the extra entries."""
    with zipfile.ZipFile(valid.path) as archive, zipfile.ZipFile(target, "w") as out:
        for info in archive.infolist():
            out.writestr(info, archive.read(info))
        for entry, data in extra:
            out.writestr(entry, data)


def _deflated(name: str) -> zipfile.ZipInfo:
    info = zipfile.ZipInfo(name)
    info.compress_type = zipfile.ZIP_DEFLATED
    return info


def _write(folder: str, files: dict[str, bytes], target: Path, stored: frozenset[str] = frozenset()) -> None:
    with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as out:
        for name, data in files.items():
            out.writestr(f"{folder}/{name}", data, zipfile.ZIP_STORED if name in stored else zipfile.ZIP_DEFLATED)


def resealed(
    valid: ValidBundle,
    files: dict[str, bytes],
    target: Path,
    key: Ed25519PrivateKey | None = None,
    stored: frozenset[str] = frozenset(),
) -> None:
    """Recompute both manifests and the signature, as a forger with the key (or a careless tool) would."""
    payload = {name: data for name, data in files.items() if name.startswith("data/")}
    files["manifest-sha256.txt"] = _manifest(payload)
    tags = {name: files[name] for name in ("bagit.txt", "bag-info.txt", "manifest-sha256.txt") if name in files}
    files["tagmanifest-sha256.txt"] = _manifest(tags)
    signer = key or valid.private_key
    files["signature.ed25519"] = sign(signer, files["tagmanifest-sha256.txt"]).encode() + b"\n"
    _write(valid.folder, files, target, stored)


def _manifest(files: dict[str, bytes]) -> bytes:
    return "".join(f"{hashlib.sha256(data).hexdigest()}  {name}\n" for name, data in sorted(files.items())).encode()


def _patch_central(path: Path, name: str, offset: int, value: int, size: str = "<I") -> None:
    """Overwrite a field of the entry's central directory record (offsets as in APPNOTE 4.3.12)."""
    with zipfile.ZipFile(path) as archive:
        position = archive.start_dir
    data = bytearray(path.read_bytes())
    while data[position : position + 4] == _CENTRAL_HEADER:
        name_length, extra_length, comment_length = struct.unpack_from("<HHH", data, position + 28)
        if data[position + 46 : position + 46 + name_length] == name.encode():
            struct.pack_into(size, data, position + offset, value)
            path.write_bytes(bytes(data))
            return
        position += 46 + name_length + extra_length + comment_length
    raise KeyError(name)


def _patch_local(path: Path, name: str, offset: int, value: int, size: str = "<H") -> None:
    """Overwrite a field of the entry's local header (offsets as in APPNOTE 4.3.7)."""
    with zipfile.ZipFile(path) as archive:
        position = archive.getinfo(name).header_offset
    data = bytearray(path.read_bytes())
    struct.pack_into(size, data, position + offset, value)
    path.write_bytes(bytes(data))
