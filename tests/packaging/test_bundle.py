"""Sealing bundles (streaming, cancellable, all or nothing) and verifying them, also with bagit-python."""

from __future__ import annotations

import base64
import hashlib
import io
import json
import os
import shutil
import zipfile
from collections.abc import Callable, Sequence
from pathlib import Path

import bagit
import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from tests.packaging.hostile import ValidBundle, make_valid_bundle, resealed
from workstation.errors import EnvironmentFailure
from workstation.ids import new_id
from workstation.model import Article, Block, Picture
from workstation.packaging.bundle import (
    BundleIdentity,
    BundleItem,
    BundleMedia,
    MediaChanged,
    SealCancelled,
    SealedBundle,
    seal_bundle,
    verify_bundle,
)
from workstation.packaging.ninjs import MediaFacts, media_facts, ninjs_problems, to_ninjs
from workstation.signing import public_key_b64
from workstation.user_files import file_sha256

STATION_ID = new_id()
KEY = Ed25519PrivateKey.generate()
LANGUAGES = ("vi", "en", "zh", "ko", "ja")


def trusted(station_id: str) -> str | None:
    return public_key_b64(KEY) if station_id == STATION_ID else None


def noisy_jpeg(folder: Path, name: str, size: tuple[int, int]) -> Path:
    """A JPEG of random pixels: incompressible, like a photo, and several 1 MiB chunks when large."""
    from PIL import Image

    buffer = io.BytesIO()
    Image.frombytes("RGB", size, os.urandom(size[0] * size[1] * 3)).save(buffer, "JPEG", quality=95)
    path = folder / name
    path.write_bytes(buffer.getvalue())
    return path


@pytest.fixture(scope="module")
def photos(tmp_path_factory: pytest.TempPathFactory) -> list[Path]:
    folder = tmp_path_factory.mktemp("photos")
    return [noisy_jpeg(folder, "large.jpg", (2000, 1500)), noisy_jpeg(folder, "small.jpg", (300, 200))]


def article(language: str, source: Article | None = None) -> Article:
    made = Article(
        id=new_id(), station_id=STATION_ID, language=language, headline=f"Tin {language}", lead="Mở đầu.",
        blocks=[Block(id=new_id(), text="Đoàn công tác gặp gỡ các hãng lữ hành lớn.")],
        created_at="2026-11-27T10:00:00Z", updated_at="2026-11-27T10:05:00Z",
    )  # fmt: skip
    if source is not None:
        made.translated_from = made.translation_id = source.id
    return made


def picture(article_id: str) -> Picture:
    texts = {language: f"Ảnh ({language})" for language in LANGUAGES}
    return Picture(
        id=new_id(), article_id=article_id, media_sha256="", rendition_sha256="", content_type="image/jpeg",
        width=1, height=1, captions=texts, alt_texts=texts, credits=texts, copyright_holder="TTĐN",
    )  # fmt: skip


def seal(
    out: Path,
    photo_files: Sequence[Path],
    progress: Callable[[int, int], None] | None = None,
    cancelled: Callable[[], bool] = lambda: False,
    media: Sequence[BundleMedia] | None = None,
) -> SealedBundle:
    """An article in five languages showing every photo, sealed with `seal_bundle`."""
    source = article("vi")
    articles = [source, *(article(language, source) for language in LANGUAGES[1:])]
    facts = [media_facts(path) for path in photo_files]
    shown = [(picture(source.id), fact) for fact in facts]
    items = [BundleItem(each.id, each.language, to_ninjs(each, STATION_ID, "Đại sứ quán", shown)) for each in articles]
    package_id = new_id()
    listed = [{"id": item.item_id, "language": item.language} for item in items]
    package = {"id": package_id, "version": 3, "name": "Tin tuần", "station_id": STATION_ID, "items": listed}
    if media is None:
        media = [BundleMedia.of(fact, path) for fact, path in zip(facts, photo_files, strict=True)]
    return seal_bundle(
        out, BundleIdentity(package_id, 3), package, items, media, STATION_ID, "Đại sứ quán", KEY,
        progress=progress, cancelled=cancelled,
    )  # fmt: skip


def test_sealed_bundle_has_the_documented_layout_and_verifies(tmp_path: Path, photos: list[Path]) -> None:
    sealed = seal(tmp_path / "out" / "bundle.zip", photos)
    with zipfile.ZipFile(sealed.path) as archive:
        infos = {info.filename: info for info in archive.infolist()}
        (top,) = {name.split("/")[0] for name in infos}
        package = json.loads(archive.read(f"{top}/data/package.json"))
        bag_info = archive.read(f"{top}/bag-info.txt").decode()
        items = [json.loads(archive.read(name)) for name in infos if "/data/items/" in name]
    assert top == f"{package['id']}-v3"
    relative = {name.removeprefix(f"{top}/") for name in infos}
    media = {f"data/media/{media_facts(path).sha256}.jpg" for path in photos}
    assert relative == {"bagit.txt", "bag-info.txt", "manifest-sha256.txt", "tagmanifest-sha256.txt",
                        "signature.ed25519", "data/package.json",
                        *(f"data/items/{e['id']}.{e['language']}.json" for e in package["items"]), *media}  # fmt: skip
    assert all(infos[f"{top}/{name}"].compress_type == zipfile.ZIP_STORED for name in media)
    assert infos[f"{top}/data/package.json"].compress_type == zipfile.ZIP_DEFLATED
    payload = [info for name, info in infos.items() if "/data/" in name]
    assert f"Payload-Oxum: {sum(info.file_size for info in payload)}.{len(payload)}\n" in bag_info
    assert f"External-Identifier: urn:uuid:{package['id']}/v3\n" in bag_info
    assert f"Station-Identifier: urn:uuid:{STATION_ID}\n" in bag_info
    assert len(items) == 5 and all(ninjs_problems(item) == [] for item in items)
    report = verify_bundle(sealed.path, trusted)
    assert report.problems == []
    assert (report.item_count, report.media_count, report.station_id) == (5, 2, STATION_ID)
    assert report.identity == BundleIdentity(package["id"], 3)


def test_sealed_bundle_reports_the_sha256_and_size_of_the_file_written(tmp_path: Path, photos: list[Path]) -> None:
    sealed = seal(tmp_path / "bundle.zip", photos)
    assert (sealed.sha256, sealed.size) == file_sha256(sealed.path)


def test_progress_counts_payload_bytes_up_to_the_total(tmp_path: Path, photos: list[Path]) -> None:
    calls: list[tuple[int, int]] = []
    sealed = seal(tmp_path / "bundle.zip", photos, progress=lambda done, total: calls.append((done, total)))
    with zipfile.ZipFile(sealed.path) as archive:
        payload_bytes = sum(info.file_size for info in archive.infolist() if "/data/" in info.filename)
    assert {total for _, total in calls} == {payload_bytes}
    assert calls[0][0] == 0 and calls[-1][0] == payload_bytes
    assert [done for done, _ in calls] == sorted(done for done, _ in calls)
    assert len(calls) > 1 + 6 + 2  # the large photo reports chunk by chunk, not only once at its end


def test_a_picture_shown_twice_is_carried_once(tmp_path: Path, photos: list[Path]) -> None:
    copy = tmp_path / "copy.jpg"
    shutil.copyfile(photos[1], copy)
    facts = media_facts(photos[1])
    sealed = seal(
        tmp_path / "bundle.zip", [photos[1]], media=[BundleMedia.of(facts, photos[1]), BundleMedia.of(facts, copy)]
    )
    with zipfile.ZipFile(sealed.path) as archive:
        assert sum(1 for name in archive.namelist() if "/data/media/" in name) == 1
    assert verify_bundle(sealed.path, trusted).problems == []


def leftovers(folder: Path) -> list[str]:
    return sorted(path.name for path in folder.iterdir())


def test_cancel_midway_leaves_nothing_and_keeps_an_earlier_file(tmp_path: Path, photos: list[Path]) -> None:
    out = tmp_path / "bundle.zip"
    out.write_bytes(b"an earlier bundle")
    done = [0]

    def progress(copied: int, _total: int) -> None:
        done[0] = copied

    with pytest.raises(SealCancelled):  # the user cancels halfway through the large photo
        seal(out, photos, progress=progress, cancelled=lambda: done[0] > 2 * 1024 * 1024)

    assert leftovers(tmp_path) == ["bundle.zip"]
    assert out.read_bytes() == b"an earlier bundle"


def test_a_picture_changed_since_it_was_added_aborts_the_seal(tmp_path: Path, photos: list[Path]) -> None:
    out = tmp_path / "out" / "bundle.zip"
    changed = tmp_path / "changed.jpg"
    shutil.copyfile(photos[0], changed)
    facts = media_facts(changed)
    with changed.open("r+b") as handle:
        handle.seek(2 * 1024 * 1024)
        handle.write(b"\0")

    with pytest.raises(MediaChanged, match=rf"changed\.jpg has changed: .* sha256 {facts.sha256}"):
        seal(out, [changed], media=[BundleMedia.of(facts, changed)])
    assert leftovers(out.parent) == []


@pytest.mark.parametrize("failure", ["unreadable picture", "progress callback fails"])
def test_any_error_midway_leaves_nothing(tmp_path: Path, photos: list[Path], failure: str) -> None:
    out = tmp_path / "out" / "bundle.zip"
    if failure == "unreadable picture":
        # A folder where the second picture should be: found by stat, unreadable once the first is copied.
        (tmp_path / "folder.jpg").mkdir()
        odd = MediaFacts("e" * 64, "jpg", "image/jpeg", 1, 1, 1)
        media = [BundleMedia.of(media_facts(photos[0]), photos[0]), BundleMedia.of(odd, tmp_path / "folder.jpg")]
        with pytest.raises(EnvironmentFailure, match=r"cannot read the picture file .*folder\.jpg"):
            seal(out, photos[:1], media=media)
    else:

        def progress(done: int, total: int) -> None:
            if done > 3 * 1024 * 1024:
                raise RuntimeError("the window went away")

        with pytest.raises(RuntimeError, match="went away"):
            seal(out, photos, progress=progress)
    assert not out.parent.exists() or leftovers(out.parent) == []


def test_media_with_a_malformed_name_are_refused_before_writing(tmp_path: Path, photos: list[Path]) -> None:
    with pytest.raises(ValueError, match="sha256"):
        seal(tmp_path / "bundle.zip", photos[:1], media=[BundleMedia("../../evil", "jpg", photos[0])])
    assert leftovers(tmp_path) == []


# --- verification -------------------------------------------------------------------------------


@pytest.fixture
def valid(tmp_path: Path) -> ValidBundle:
    return make_valid_bundle(tmp_path / "valid")


def rezip(valid: ValidBundle, target: Path, files: dict[str, bytes]) -> Path:
    with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as out:
        for name, data in files.items():
            out.writestr(f"{valid.folder}/{name}", data)
    return target


def test_verify_reports_every_problem_not_only_the_first(valid: ValidBundle, tmp_path: Path) -> None:
    files = valid.files()
    files[valid.item_names[1]] = files[valid.item_names[1]].replace(b"Da Nang", b"Hanoi")
    files["data/extra.txt"] = b"unlisted"
    signature = bytearray(base64.b64decode(files["signature.ed25519"]))
    signature[-1] ^= 0x01
    files["signature.ed25519"] = base64.b64encode(bytes(signature))
    del files[valid.media_names[0]]

    problems = verify_bundle(rezip(valid, tmp_path / "x.zip", files), valid.key_lookup).problems

    assert f"{valid.item_names[1]} does not match its sha256 in the manifest (altered?)" in problems
    assert "data/extra.txt is in the bundle but not in manifest-sha256.txt" in problems
    assert "data/extra.txt is not part of the bundle format" in problems
    assert f"{valid.media_names[0]} is listed in manifest-sha256.txt but missing" in problems
    assert "the signature does not match tagmanifest-sha256.txt and the station's key" in problems
    assert any("Payload-Oxum" in problem for problem in problems)
    assert any(f"{valid.media_names[0].split('/')[-1].split('.')[0]}.<ext> is missing" in p for p in problems)


def test_verify_checks_item_identity_and_picture_sizes(valid: ValidBundle, tmp_path: Path) -> None:
    files = valid.files()
    item = json.loads(files[valid.item_names[0]])
    item["language"] = "en"
    item["associations"][0]["renditions"][0]["sizeInBytes"] += 1
    item["associations"][1]["renditions"][0]["contentType"] = "image/gif"
    files[valid.item_names[0]] = json.dumps(item).encode()
    resealed(valid, files, tmp_path / "x.zip")  # re-signed, so only the checks under test fire

    problems = "\n".join(verify_bundle(tmp_path / "x.zip", valid.key_lookup).problems)

    assert f"{valid.item_names[0]}: its uri or language differs from its file name" in problems
    assert "sizeInBytes of picture urn:sha256:" in problems
    assert f"does not suit {valid.media_names[1]}" in problems


def test_unknown_station_is_reported(valid: ValidBundle) -> None:
    problems = verify_bundle(valid.path, lambda _station: None).problems
    assert problems == [f"signed by station {valid.station_id}, whose key this side does not know"]


def test_missing_bundle_file_is_reported(tmp_path: Path) -> None:
    assert verify_bundle(tmp_path / "absent.zip", trusted).problems == [f"file not found: {tmp_path / 'absent.zip'}"]


# --- bagit-python, an independent validator ------------------------------------------------------


def test_bagit_python_validates_the_bag_and_catches_the_same_tamper_as_verify(
    tmp_path: Path, photos: list[Path]
) -> None:
    sealed = seal(tmp_path / "bundle.zip", photos)
    with zipfile.ZipFile(sealed.path) as archive:
        archive.extractall(tmp_path / "unpacked")
    (folder,) = (tmp_path / "unpacked").iterdir()
    bag = bagit.Bag(str(folder))
    bag.validate(fast=False)  # raises BagValidationError on any fault
    assert bag.info["External-Identifier"] == f"urn:uuid:{folder.name.rsplit('-v', 1)[0]}/v3"

    (media,) = [path for path in (folder / "data" / "media").iterdir() if path.stat().st_size > 1024 * 1024]
    data = bytearray(media.read_bytes())
    data[len(data) // 2] ^= 0x01
    media.write_bytes(bytes(data))

    with pytest.raises(bagit.BagValidationError):
        bagit.Bag(str(folder)).validate(fast=False)
    tampered = tmp_path / "tampered.zip"
    with zipfile.ZipFile(tampered, "w") as out:
        for path in sorted(folder.rglob("*")):
            if path.is_file():
                out.write(path, f"{folder.name}/{path.relative_to(folder).as_posix()}")
    problems = verify_bundle(tampered, trusted).problems
    name = f"data/media/{media.name}"
    assert problems == [
        f"{name}: content does not match the sha256 in its name",
        f"{name} does not match its sha256 in the manifest (altered?)",
    ]
    assert hashlib.sha256(bytes(data)).hexdigest() != media.name.split(".")[0]
