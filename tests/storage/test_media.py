"""Content-addressed media files and picture rows: written once, durable, merged per language, collected."""

from __future__ import annotations

import hashlib
import os
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from workstation.errors import BadInput
from workstation.model import Picture
from workstation.storage.media import TEMP_PREFIX, MediaRepository, PictureRepository
from workstation.storage.store import Store, open_store

PHOTO = b"\xff\xd8\xff pretend photo bytes"
RENDITION = b"\xff\xd8\xff pretend rendition"
THUMBNAIL = b"\x89PNG pretend thumbnail"
NOW = "2024-05-01T08:00:00.000Z"


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    opened = open_store(tmp_path / "ws.db")
    yield opened
    opened.close()


@pytest.fixture
def media(store: Store) -> MediaRepository:
    return MediaRepository(store)


@pytest.fixture
def pictures(store: Store) -> PictureRepository:
    return PictureRepository(store)


@pytest.fixture
def article_id(store: Store) -> str:
    with store.transaction() as connection:
        connection.execute(
            "INSERT INTO articles (id, station_id, created_at, updated_at, language) VALUES (?, ?, ?, ?, ?)",
            ("article-1", "station-1", NOW, NOW, "vi"),
        )
    return "article-1"


def media_rows(store: Store) -> list[str]:
    return [row["sha256"] for row in store.query("SELECT sha256 FROM media ORDER BY sha256")]


def folder_names(media: MediaRepository) -> list[str]:
    return sorted(os.listdir(media.folder)) if media.folder.exists() else []


def age(path: Path, seconds: float = 3600) -> None:
    moment = time.time() - seconds
    os.utime(path, (moment, moment))


def add_picture(media: MediaRepository, pictures: PictureRepository, article_id: str, picture_id: str) -> Picture:
    picture = Picture(
        id=picture_id,
        article_id=article_id,
        media_sha256=media.put(PHOTO, "image/jpeg", 400, 200),
        rendition_sha256=media.put(RENDITION, "image/jpeg", 400, 200),
        content_type="image/jpeg",
        width=400,
        height=200,
        captions={"vi": "Chú thích", "en": "Caption"},
        credits={"vi": "TTXVN"},
        original_name="ảnh.jpg",
        created_at=NOW,
    )
    pictures.insert(picture, media.put(THUMBNAIL, "image/png", 64, 32))
    return picture


# --- media files -------------------------------------------------------------------------------


def test_the_same_bytes_are_stored_once(store: Store, media: MediaRepository) -> None:
    first = media.put(PHOTO, "image/jpeg", 400, 200)
    second = media.put(PHOTO, "image/jpeg", 400, 200)

    assert first == second == hashlib.sha256(PHOTO).hexdigest()
    assert folder_names(media) == [first]
    assert media_rows(store) == [first]
    assert media.path(first).read_bytes() == PHOTO
    assert media.path(first).parent == store.media_folder
    assert media.exists(first)
    record = media.get(first)
    assert record is not None and (record.content_type, record.size, record.width, record.height) == (
        "image/jpeg",
        len(PHOTO),
        400,
        200,
    )


def test_an_existing_file_is_not_rewritten_but_a_damaged_one_is(media: MediaRepository) -> None:
    sha256 = media.put(PHOTO, "image/jpeg")
    inode = media.path(sha256).stat().st_ino

    media.put(PHOTO, "image/jpeg")
    assert media.path(sha256).stat().st_ino == inode

    media.path(sha256).write_bytes(b"bit rot")
    media.put(PHOTO, "image/jpeg")
    assert media.path(sha256).read_bytes() == PHOTO
    assert folder_names(media) == [sha256]  # no temporary file left behind


def test_media_ids_are_checked(media: MediaRepository) -> None:
    with pytest.raises(BadInput):
        media.path("../../etc/passwd")
    assert not media.exists("0" * 64)


def test_a_row_without_its_file_does_not_exist(media: MediaRepository) -> None:
    sha256 = media.put(PHOTO, "image/jpeg")
    media.path(sha256).unlink()

    assert not media.exists(sha256)


# --- pictures ----------------------------------------------------------------------------------


def test_pictures_round_trip_in_creation_order(
    media: MediaRepository, pictures: PictureRepository, article_id: str
) -> None:
    first = add_picture(media, pictures, article_id, "picture-1")
    second = add_picture(media, pictures, article_id, "picture-2")

    assert pictures.get("picture-1") == first
    assert [picture.id for picture in pictures.of_article(article_id)] == [first.id, second.id]
    assert pictures.thumbnail_sha256(first.id) == hashlib.sha256(THUMBNAIL).hexdigest()
    assert pictures.get("nothing") is None
    assert pictures.thumbnail_sha256("nothing") is None


def test_texts_merge_per_language(media: MediaRepository, pictures: PictureRepository, article_id: str) -> None:
    add_picture(media, pictures, article_id, "picture-1")

    updated = pictures.update_texts(
        "picture-1",
        captions={"en": "New caption", "zh": "标题"},
        alt_texts={"vi": "Mô tả"},
        credits={"vi": ""},
        copyright_holder="TTXVN",
        updated_at="2024-05-02T08:00:00.000Z",
    )

    assert updated is not None
    assert updated.captions == {"vi": "Chú thích", "en": "New caption", "zh": "标题"}
    assert updated.alt_texts == {"vi": "Mô tả"}
    assert updated.credits == {}
    assert updated.copyright_holder == "TTXVN"
    assert pictures.get("picture-1") == updated
    assert pictures.update_texts("nothing", captions={"vi": "x"}, updated_at=NOW) is None


def test_pictures_are_deleted_with_their_article_or_alone(
    store: Store, media: MediaRepository, pictures: PictureRepository, article_id: str
) -> None:
    add_picture(media, pictures, article_id, "picture-1")
    add_picture(media, pictures, article_id, "picture-2")

    assert pictures.delete("picture-1")
    assert not pictures.delete("picture-1")
    with store.transaction() as connection:
        connection.execute("DELETE FROM articles WHERE id = ?", (article_id,))
    assert pictures.of_article(article_id) == []


# --- orphans -----------------------------------------------------------------------------------


def test_orphans_are_collected_and_what_pictures_use_is_kept(
    store: Store, media: MediaRepository, pictures: PictureRepository, article_id: str
) -> None:
    picture = add_picture(media, pictures, article_id, "picture-1")
    orphan = media.put(b"nobody uses me", "image/jpeg")
    stray = media.path(hashlib.sha256(b"crashed before its row").hexdigest())
    stray.write_bytes(b"crashed before its row")
    temporary = media.folder / f"{TEMP_PREFIX}abc.part"
    temporary.write_bytes(b"half a file")
    unrelated = media.folder / "README.txt"
    unrelated.write_text("not ours")
    for path in media.folder.iterdir():
        age(path)

    assert media.collect_orphans() == 3

    used = {picture.media_sha256, picture.rendition_sha256, pictures.thumbnail_sha256(picture.id)}
    assert set(media_rows(store)) == used
    assert set(folder_names(media)) == {*used, "README.txt"}
    assert orphan not in folder_names(media)
    assert media.collect_orphans() == 0


def test_files_of_a_deleted_picture_are_collected(
    store: Store, media: MediaRepository, pictures: PictureRepository, article_id: str
) -> None:
    add_picture(media, pictures, article_id, "picture-1")
    add_picture(media, pictures, article_id, "picture-2")  # the same three files

    pictures.delete("picture-1")
    assert media.collect_orphans(grace_seconds=0, now=time.time() + 1) == 0
    pictures.delete("picture-2")
    assert media.collect_orphans(grace_seconds=0, now=time.time() + 1) == 3

    assert media_rows(store) == []
    assert folder_names(media) == []


def test_fresh_files_are_spared_for_a_picture_being_added(
    store: Store, media: MediaRepository, pictures: PictureRepository, article_id: str
) -> None:
    # A picture being added writes its files first and commits the rows later: the collector must wait.
    sha256 = media.write_file(PHOTO)
    reused = media.put(RENDITION, "image/jpeg")
    age(media.path(reused))
    media.write_file(RENDITION)  # re-using an old orphan makes it fresh again

    assert media.collect_orphans() == 0

    assert media.path(sha256).is_file() and media.path(reused).is_file()
    assert media_rows(store) == [reused]


def test_a_missing_file_of_an_orphan_row_does_not_stop_collection(store: Store, media: MediaRepository) -> None:
    sha256 = media.put(PHOTO, "image/jpeg")
    media.path(sha256).unlink()

    assert media.collect_orphans() == 1
    assert media_rows(store) == []
