"""The packaging service: editing packages, their overview, sealing with pictures, and station keys."""

from __future__ import annotations

import io
import json
import sqlite3
import zipfile
from pathlib import Path

import bagit
import pytest

from tests.support.images import png_bytes
from tests.support.stations import complete_article
from workstation.errors import BadInput, EnvironmentFailure, NotFound, Refused
from workstation.model import ArticleState, Changes, DeliveryState, Role
from workstation.packaging.bundle import SealCancelled
from workstation.packaging.ninjs import ninjs_problems
from workstation.storage.packages import PackageVersionRepository


def jpeg_with_gps() -> bytes:
    """A photo as a phone takes it: EXIF with the camera and the place it was taken."""
    from PIL import ExifTags, Image

    exif = Image.Exif()
    exif[ExifTags.Base.Make] = "Canon"
    gps = exif.get_ifd(ExifTags.IFD.GPSInfo)
    gps[ExifTags.GPS.GPSLatitudeRef] = "N"
    gps[ExifTags.GPS.GPSLatitude] = (21.0, 2.0, 0.0)
    buffer = io.BytesIO()
    Image.new("RGB", (640, 400), (200, 100, 50)).save(buffer, "JPEG", exif=exif)
    return buffer.getvalue()


def bundle_entries(path: Path) -> dict[str, bytes]:
    """The bundle's files by their path inside the top-level folder."""
    with zipfile.ZipFile(path) as archive:
        return {name.split("/", 1)[1]: archive.read(name) for name in archive.namelist()}


def recorded_changes(services) -> list[Changes]:
    changes: list[Changes] = []
    services.bus.subscribe(changes.append)
    return changes


# --- editing -----------------------------------------------------------------------------------------


def test_create_keeps_order_destination_and_note(services) -> None:
    first, _ = complete_article(services, "Bài một", languages=())
    second, _ = complete_article(services, "Bài hai", languages=())
    changes = recorded_changes(services)
    package = services.packaging.create(
        "  Tin   tuần 41 ", [second.id, first.id, second.id], note=" Xin đăng sớm. ", destination="portal/culture"
    )
    stored = services.packaging.get(package.id)
    assert stored.article_ids == [second.id, first.id]
    assert (stored.name, stored.note, stored.destination, stored.version) == (
        "Tin tuần 41",
        "Xin đăng sớm.",
        "portal/culture",
        0,
    )
    assert changes == [Changes(packages=True)]


def test_update_reorders_adds_removes_and_renames(services) -> None:
    one, two, three = (complete_article(services, f"Bài {n}", languages=())[0] for n in (1, 2, 3))
    package = services.packaging.create("P", [one.id, two.id])
    changes = recorded_changes(services)

    services.packaging.update(package.id, article_ids=[three.id, two.id, one.id])
    assert services.packaging.get(package.id).article_ids == [three.id, two.id, one.id]
    services.packaging.update(package.id, article_ids=[two.id])
    services.packaging.update(package.id, name="Tin tuần 42", note="Ghi chú", destination="portal/news")
    stored = services.packaging.get(package.id)
    assert (stored.article_ids, stored.name, stored.note, stored.destination) == (
        [two.id],
        "Tin tuần 42",
        "Ghi chú",
        "portal/news",
    )
    assert changes == [Changes(packages=True)] * 3
    services.packaging.update(package.id, name="Tin tuần 42")  # no change: nothing announced
    assert len(changes) == 3


@pytest.mark.parametrize(
    ("fields", "error", "message"),
    [
        ({"name": "  "}, BadInput, "needs a name"),
        ({"destination": ""}, BadInput, "needs a destination"),
        ({"article_ids": []}, BadInput, "at least one article"),
        ({"article_ids": ["missing"]}, NotFound, "no article with id missing"),
        ({"note": "x" * 5000}, BadInput, "the note is too long"),
    ],
)
def test_bad_updates_are_refused_and_change_nothing(services, fields: dict, error: type, message: str) -> None:
    article, _ = complete_article(services, languages=())
    package = services.packaging.create("P", [article.id], note="n")
    with pytest.raises(error, match=message):
        services.packaging.update(package.id, **fields)
    assert services.packaging.get(package.id) == package


def test_a_translation_cannot_be_added_on_its_own(services) -> None:
    article, _ = complete_article(services)
    (translation,) = services.translations.translations_of(article.id)
    package = services.packaging.create("P", [article.id])
    with pytest.raises(Refused, match="is a translation; add its source"):
        services.packaging.update(package.id, article_ids=[article.id, translation.id])
    with pytest.raises(NotFound):
        services.packaging.update("missing", name="x")


# --- overview ----------------------------------------------------------------------------------------


def test_overview_lists_each_language_with_its_state_and_the_sizes(services) -> None:
    cleared, picture = complete_article(services, "Đã duyệt", languages=("en",))
    draft = services.editorial.create_article("vi", "Bản nháp", lead="Sapo.", paragraphs=["Nội dung."])
    unfinished = services.translations.create(draft.id, "zh")
    package = services.packaging.create("P", [draft.id, cleared.id])

    overview = services.packaging.overview(package.id)
    assert overview.package == services.packaging.get(package.id)
    assert [article.article_id for article in overview.articles] == [draft.id, cleared.id]
    first, second = overview.articles
    assert (first.headline, first.language, first.state, first.picture_count) == ("Bản nháp", "vi", "draft", 0)
    assert [(i.language, i.item_id, i.state, i.final) for i in first.languages] == [
        ("vi", draft.id, "draft", False),
        ("zh", unfinished.id, "draft", False),
    ]
    (english,) = services.translations.translations_of(cleared.id)
    assert [(i.language, i.item_id, i.final) for i in second.languages] == [
        ("vi", cleared.id, True),
        ("en", english.id, True),
    ]
    assert second.picture_count == 1
    rendition = services.pictures.media_file(picture.rendition_sha256).size
    assert second.size > rendition > 0 and 0 < first.size < 20_000
    assert overview.total_size == first.size + second.size
    assert overview.languages == ("vi", "zh", "en")


def test_a_picture_shared_by_two_articles_counts_once_in_the_total(services) -> None:
    photo = png_bytes(400, 300)
    first, picture = complete_article(services, "Một", languages=(), picture=photo)
    second, _ = complete_article(services, "Hai", languages=(), picture=photo)
    overview = services.packaging.overview(services.packaging.create("P", [first.id, second.id]).id)
    rendition = services.pictures.media_file(picture.rendition_sha256).size
    assert overview.total_size == sum(article.size for article in overview.articles) - rendition


# --- sealing -----------------------------------------------------------------------------------------


@pytest.fixture
def package_with_photo(services):
    article, picture = complete_article(
        services, languages=("en",), picture=jpeg_with_gps(), picture_name="anh-gps.jpg"
    )
    package = services.packaging.create("Tin tuần 41", [article.id], note="Xin đăng trước thứ Sáu.")
    return package, article, picture


def test_seal_moves_approved_items_to_packaged_as_the_coordinator(services, package_with_photo, tmp_path) -> None:
    package, article, _ = package_with_photo
    (translation,) = services.translations.translations_of(article.id)
    services.editorial.set_state(translation.id, ArticleState.IN_REVIEW)
    services.editorial.set_state(translation.id, ArticleState.APPROVED)
    changes = recorded_changes(services)

    result = services.packaging.seal(package.id, copy_to=tmp_path / "out" / "tin.zip")

    assert services.editorial.get(article.id).state == ArticleState.PACKAGED
    assert services.editorial.get(translation.id).state == ArticleState.PACKAGED
    step = services.editorial.state_changes(article.id)[-1]
    assert (step.from_state, step.to_state, step.comment) == ("approved", "packaged", "sealed in Tin tuần 41 v1")
    assert services.packaging.status(package.id) == DeliveryState.QUEUED
    assert services.packaging.get(package.id).version == 1
    assert result.path.read_bytes() == (services.store.outbox_folder / result.entry.file_name).read_bytes()
    assert changes[-1] == Changes(packages=True, outbox=True, articles=True)


def test_sealed_bundle_carries_the_web_rendition_without_exif_and_its_associations(
    services, package_with_photo, tmp_path: Path
) -> None:
    from PIL import ExifTags, Image

    package, _, picture = package_with_photo
    result = services.packaging.seal(package.id, copy_to=tmp_path / "tin.zip")
    assert services.packaging.verify(result.path).problems == []
    entries = bundle_entries(result.path)

    media_name = f"data/media/{picture.rendition_sha256}.jpg"
    rendition = entries[media_name]
    assert rendition == services.pictures.rendition_path(picture).read_bytes()
    assert rendition != services.pictures.original_path(picture).read_bytes()
    exif = Image.open(io.BytesIO(rendition)).getexif()
    assert exif.get_ifd(ExifTags.IFD.GPSInfo) == {} and ExifTags.Base.Make not in exif

    items = {json.loads(data)["language"]: json.loads(data) for name, data in entries.items() if "items/" in name}
    assert set(items) == {"vi", "en"} and all(ninjs_problems(item) == [] for item in items.values())
    english = next(a for a in items["en"]["associations"] if a["rel"] == "picture")
    assert english["uri"] == f"urn:sha256:{picture.rendition_sha256}"
    assert english["renditions"][0]["href"] == f"urn:sha256:{picture.rendition_sha256}"
    assert english["renditions"][0]["sizeInBytes"] == len(rendition)
    assert {d["role"]: d["value"] for d in english["descriptions"]} == {
        "caption": "The gathering",
        "alt": "People in the hall",
    }
    assert english["by"] == "Photo: Embassy"
    manifest = json.loads(entries["data/package.json"])
    assert (manifest["note"], manifest["destination"], manifest["changes"]) == ("Xin đăng trước thứ Sáu.", "portal", [])

    (tmp_path / "bag").mkdir()
    zipfile.ZipFile(result.path).extractall(tmp_path / "bag")
    (bag_folder,) = (tmp_path / "bag").iterdir()
    assert bagit.Bag(str(bag_folder)).is_valid()


def test_a_profile_that_may_not_package_is_refused_before_anything_is_written(services, package_with_photo) -> None:
    package, article, _ = package_with_photo
    services.people.create("Lan", frozenset({Role.DRAFTER}))
    services.people.act_as("Lan")
    with pytest.raises(Refused, match="cannot be packaged: Lan is not a coordinator"):
        services.packaging.seal(package.id)
    assert list(services.store.outbox_folder.glob("*")) == []
    assert services.editorial.get(article.id).state == ArticleState.APPROVED


def test_a_seal_that_fails_while_recording_leaves_no_bundle_and_no_state_change(
    services, package_with_photo, monkeypatch: pytest.MonkeyPatch
) -> None:
    package, article, _ = package_with_photo

    def disk_full(*_args: object) -> None:
        raise sqlite3.OperationalError("database or disk is full")

    monkeypatch.setattr(PackageVersionRepository, "add", disk_full)
    with pytest.raises(EnvironmentFailure, match="cannot be written"):
        services.packaging.seal(package.id)
    assert list(services.store.outbox_folder.glob("*")) == []
    assert services.editorial.get(article.id).state == ArticleState.APPROVED
    assert services.packaging.status(package.id) == DeliveryState.OPEN
    assert services.packaging.versions(package.id) == []


def test_a_cancelled_seal_leaves_nothing(services, package_with_photo) -> None:
    package, article, _ = package_with_photo
    reported: list[tuple[int, int]] = []
    with pytest.raises(SealCancelled):
        services.packaging.seal(package.id, progress=lambda done, total: reported.append((done, total)),
                                cancelled=lambda: bool(reported))  # fmt: skip
    assert list(services.store.outbox_folder.glob("*")) == []
    assert services.editorial.get(article.id).state == ArticleState.APPROVED
    assert services.packaging.status(package.id) == DeliveryState.OPEN


def test_progress_counts_bytes_up_to_the_total(services, package_with_photo) -> None:
    package, _, _ = package_with_photo
    reported: list[tuple[int, int]] = []
    services.packaging.seal(package.id, progress=lambda done, total: reported.append((done, total)))
    assert reported[-1][0] == reported[-1][1] > 0
    assert [done for done, _ in reported] == sorted(done for done, _ in reported)


# --- station keys ------------------------------------------------------------------------------------


@pytest.fixture
def other_workspace(tmp_path: Path):
    from workstation.app import open_services

    opened = open_services(tmp_path / "other" / "workspace.db")
    yield opened
    opened.close()


def test_a_bundle_verifies_elsewhere_once_its_station_key_is_imported(
    services, other_workspace, package_with_photo, tmp_path: Path
) -> None:
    package, _, _ = package_with_photo
    bundle = services.packaging.seal(package.id, copy_to=tmp_path / "tin.zip").path
    assert "whose key this side does not know" in "\n".join(other_workspace.packaging.verify(bundle).problems)

    exported = services.packaging.export_station_key(tmp_path / "station.json")
    document = json.loads((tmp_path / "station.json").read_text("utf-8"))
    assert document == {
        "station_id": services.identity.station_id,
        "name": services.identity.name,
        "public_key": services.identity.public_key,
        "fingerprint": services.identity.fingerprint,
    }
    imported = other_workspace.packaging.import_station_key_file(tmp_path / "station.json")
    assert (imported.station_id, imported.fingerprint) == (exported.station_id, exported.fingerprint)
    assert other_workspace.packaging.verify(bundle).problems == []
    keys = other_workspace.packaging.station_keys()
    assert [(key.station_id, key.own) for key in keys] == [
        (other_workspace.identity.station_id, True),
        (services.identity.station_id, False),
    ]
    assert keys[1].name == services.identity.name


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"\xff\xfe", "not UTF-8 JSON"),
        (b"[1, 2]", "expected a JSON object"),
        (b'{"station_id": "x", "public_key": "AAAA"}', "station_id is missing or not a station id"),
        (b'{"station_id": "01a21f56-3f53-73b7-8116-3588843dcc95"}', "public_key is missing"),
        (b'{"station_id": "01a21f56-3f53-73b7-8116-3588843dcc95", "public_key": "bm90IGEga2V5"}', "not a base64"),
    ],
)
def test_malformed_key_files_are_refused_and_nothing_is_trusted(
    services, tmp_path: Path, content: bytes, message: str
) -> None:
    path = tmp_path / "key.json"
    path.write_bytes(content)
    with pytest.raises(BadInput, match=message):
        services.packaging.import_station_key_file(path)
    assert [key.own for key in services.packaging.station_keys()] == [True]


def test_a_key_file_whose_fingerprint_does_not_match_or_claims_this_station_is_refused(
    services, other_workspace, tmp_path: Path
) -> None:
    path = tmp_path / "key.json"
    other_workspace.packaging.export_station_key(path)
    document = json.loads(path.read_text("utf-8"))
    path.write_text(json.dumps({**document, "fingerprint": "0000 0000"}), "utf-8")
    with pytest.raises(BadInput, match="does not match its key"):
        services.packaging.import_station_key_file(path)
    path.write_text(json.dumps({**document, "station_id": services.identity.station_id}), "utf-8")
    with pytest.raises(Refused, match="claims this station's id"):
        services.packaging.import_station_key_file(path)
    services.packaging.export_station_key(path)
    with pytest.raises(Refused, match="this station's own key"):
        services.packaging.import_station_key_file(path)
    with pytest.raises(BadInput, match="does not exist"):
        services.packaging.import_station_key_file(tmp_path / "absent.json")
    assert len(services.packaging.station_keys()) == 1
