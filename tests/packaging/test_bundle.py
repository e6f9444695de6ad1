"""Sealing and verifying bundles, including hostile ones."""

from __future__ import annotations

import json
import stat
import zipfile
from collections.abc import Callable
from pathlib import Path

import bagit
import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from workstation.errors import NotFound, Refused
from workstation.model import DeliveryState
from workstation.packaging.bundle import SealCancelled, verify_bundle
from workstation.packaging.ninjs import ninjs_problems
from workstation.signing import sign


@pytest.fixture
def sealed(services, sample_article, tmp_path: Path):
    translation = services.translations.create(sample_article.id, "en")
    for segment in services.translations.segments(translation.id):
        services.translations.save_segment(translation.id, segment.address, f"EN {segment.source_text}")
    package = services.packaging.create("Tin tuần 41", [sample_article.id])
    result = services.packaging.seal(package.id, copy_to=tmp_path / "out" / "bundle.zip")
    return package, result


def test_sealed_bundle_verifies_and_is_queued(services, sealed) -> None:
    package, result = sealed
    report = services.packaging.verify(result.path)
    assert report.problems == []
    assert report.identity.package_id == package.id and report.identity.version == 1
    assert report.item_count == 2
    assert services.packaging.status(package.id) == DeliveryState.QUEUED
    assert (services.store.outbox_folder / result.entry.file_name).read_bytes() == result.path.read_bytes()


def test_layout_matches_the_bundle_format(sealed) -> None:
    package, result = sealed
    names = zipfile.ZipFile(result.path).namelist()
    top = f"{package.id}-v1/"
    assert all(name.startswith(top) for name in names)
    relative = {name.removeprefix(top) for name in names}
    assert {"bagit.txt", "bag-info.txt", "manifest-sha256.txt", "tagmanifest-sha256.txt", "signature.ed25519",
            "data/package.json"} <= relative  # fmt: skip
    assert sum(1 for name in relative if name.startswith("data/items/") and name.endswith(".json")) == 2
    info = zipfile.ZipFile(result.path).read(f"{top}bag-info.txt").decode()
    assert f"External-Identifier: urn:uuid:{package.id}/v1" in info
    assert "Payload-Oxum: " in info and "Source-Organization: " in info and "Bagging-Date: " in info


def test_items_are_valid_ninjs_with_translation_links(sealed, sample_article) -> None:
    _, result = sealed
    archive = zipfile.ZipFile(result.path)
    items = [json.loads(archive.read(n)) for n in archive.namelist() if "/data/items/" in n]
    assert all(ninjs_problems(item) == [] for item in items)
    english = next(item for item in items if item["language"] == "en")
    assert english["associations"][0]["rel"] == "translationOf"
    assert english["associations"][0]["uri"] == f"urn:uuid:{sample_article.id}"
    source = next(item for item in items if item["language"] == "vi")
    assert source["headlines"][0] == {"role": "main", "value": sample_article.headline}
    assert source["descriptions"][0]["role"] == "summary"
    assert source["bodies"][0]["contentType"] == "text/html"


def test_independent_bagit_validator_accepts_the_bag(sealed, tmp_path: Path) -> None:
    _, result = sealed
    zipfile.ZipFile(result.path).extractall(tmp_path / "unpacked")
    (bag_folder,) = (tmp_path / "unpacked").iterdir()
    assert bagit.Bag(str(bag_folder)).is_valid()


def test_resealing_makes_a_new_version(services, sealed) -> None:
    package, first = sealed
    second = services.packaging.seal(package.id)
    assert second.entry.package_version == 2
    assert services.packaging.get(package.id).version == 2
    assert first.path.exists()


def test_cancelled_seal_leaves_no_file_and_no_outbox_entry(services, sample_article) -> None:
    package = services.packaging.create("P", [sample_article.id])
    with pytest.raises(SealCancelled):
        services.packaging.seal(package.id, cancelled=lambda: True)
    assert list(services.store.outbox_folder.glob("*")) == []
    assert services.packaging.status(package.id) == DeliveryState.OPEN


def test_package_refuses_translations_and_unknown_articles(services, sample_article) -> None:
    translation = services.translations.create(sample_article.id, "en")
    with pytest.raises(Refused, match="is a translation"):
        services.packaging.create("P", [translation.id])
    with pytest.raises(NotFound):
        services.packaging.create("P", ["missing"])


# --- hostile bundles ------------------------------------------------------------------------------


def rewrite(
    source: Path, target: Path, change: Callable[[str, bytes], list[tuple[zipfile.ZipInfo | str, bytes]]]
) -> Path:
    """Copy a bundle entry by entry; `change(name, data)` returns the entries to write instead."""
    with zipfile.ZipFile(source) as archive, zipfile.ZipFile(target, "w") as out:
        for info in archive.infolist():
            for entry, data in change(info.filename, archive.read(info)):
                out.writestr(entry, data)
    return target


def problems_of(services, path: Path) -> str:
    report = services.packaging.verify(path)
    assert not report.valid
    return "\n".join(report.problems)


def test_altered_item_is_caught_by_fixity(services, sealed, tmp_path: Path) -> None:
    _, result = sealed

    def alter(name: str, data: bytes):
        return [(name, data.replace(b"Seoul", b"Tokyo") if "/data/items/" in name else data)]

    assert "does not match its sha256" in problems_of(services, rewrite(result.path, tmp_path / "x.zip", alter))


def test_signature_by_another_key_is_rejected(services, sealed, tmp_path: Path) -> None:
    _, result = sealed
    intruder = Ed25519PrivateKey.generate()
    archive = zipfile.ZipFile(result.path)
    tagmanifest = next(archive.read(n) for n in archive.namelist() if n.endswith("tagmanifest-sha256.txt"))

    def resign(name: str, data: bytes):
        return [(name, sign(intruder, tagmanifest).encode() if name.endswith("signature.ed25519") else data)]

    assert "signature does not match" in problems_of(services, rewrite(result.path, tmp_path / "x.zip", resign))


def test_unknown_station_is_reported(sealed) -> None:
    _, result = sealed
    assert "whose key this side does not know" in "\n".join(verify_bundle(result.path, lambda _station: None).problems)


@pytest.mark.parametrize(
    ("extra_name", "expected"),
    [
        ("../evil.txt", "unsafe path"),
        ("/etc/passwd", "unsafe path"),
        ("C:/windows/evil.txt", "unsafe path"),
    ],
)
def test_path_escapes_are_rejected(services, sealed, tmp_path: Path, extra_name: str, expected: str) -> None:
    _, result = sealed
    with zipfile.ZipFile(result.path) as archive, zipfile.ZipFile(tmp_path / "x.zip", "w") as out:
        for info in archive.infolist():
            out.writestr(info, archive.read(info))
        out.writestr(extra_name, b"owned")
    assert expected in problems_of(services, tmp_path / "x.zip")
    assert not (tmp_path / "evil.txt").exists()


def test_symlink_entry_is_rejected(services, sealed, tmp_path: Path) -> None:
    package, result = sealed
    link = zipfile.ZipInfo(f"{package.id}-v1/data/link")
    link.external_attr = (stat.S_IFLNK | 0o777) << 16

    def add_link(name: str, data: bytes):
        return [(name, data), (link, b"/etc/passwd")] if name.endswith("bagit.txt") else [(name, data)]

    assert "symbolic link" in problems_of(services, rewrite(result.path, tmp_path / "x.zip", add_link))


def test_duplicate_names_are_rejected(services, sealed, tmp_path: Path) -> None:
    _, result = sealed

    def duplicate(name: str, data: bytes):
        return [(name, data), (name, data)] if name.endswith("package.json") else [(name, data)]

    with pytest.warns(UserWarning):
        path = rewrite(result.path, tmp_path / "x.zip", duplicate)
    assert "duplicate entry" in problems_of(services, path)


def test_zip_bomb_is_rejected_without_inflating(services, sealed, tmp_path: Path) -> None:
    package, result = sealed
    bomb = zipfile.ZipInfo(f"{package.id}-v1/data/media/{'0' * 64}.jpg")
    bomb.compress_type = zipfile.ZIP_DEFLATED

    def add_bomb(name: str, data: bytes):
        return [(name, data), (bomb, b"\0" * 50_000_000)] if name.endswith("bagit.txt") else [(name, data)]

    assert "zip bomb" in problems_of(services, rewrite(result.path, tmp_path / "x.zip", add_bomb))


def test_missing_and_unlisted_files_are_each_reported(services, sealed, tmp_path: Path) -> None:
    package, result = sealed

    def drop_and_add(name: str, data: bytes):
        if name.endswith("package.json"):
            return [(f"{package.id}-v1/data/unlisted.txt", b"hello")]
        return [(name, data)]

    problems = problems_of(services, rewrite(result.path, tmp_path / "x.zip", drop_and_add))
    assert "data/package.json is listed in manifest-sha256.txt but missing" in problems
    assert "data/unlisted.txt is in the bundle but not in manifest-sha256.txt" in problems


def test_invalid_json_and_utf8_are_reported(services, sealed, tmp_path: Path) -> None:
    _, result = sealed

    def corrupt(name: str, data: bytes):
        return [(name, b"\xff\xfe not utf-8" if "/data/items/" in name else data)]

    assert "is not valid UTF-8" in problems_of(services, rewrite(result.path, tmp_path / "x.zip", corrupt))


def test_not_a_zip_and_missing_file(services, tmp_path: Path) -> None:
    garbage = tmp_path / "garbage.zip"
    garbage.write_bytes(b"PK\x03\x04 but not really a zip" * 10)
    assert "not a zip archive" in problems_of(services, garbage)
    assert "file not found" in problems_of(services, tmp_path / "absent.zip")
