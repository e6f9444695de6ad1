"""Adding photos to articles: texts pre-filled and overridden, stored once, refused cleanly, store never blocked."""

from __future__ import annotations

import os
import threading
import time
from dataclasses import replace
from pathlib import Path

import pytest
from PIL import Image

from tests.editorial.test_pictures import gif_bytes, iim, jpeg_bytes, noisy, png_claiming, xmp_packet
from workstation.editorial import picture_library
from workstation.editorial.picture_library import PictureLibrary
from workstation.errors import BadInput, NotFound, Refused
from workstation.ids import new_id
from workstation.model import Block, BlockKind, Changes

BILINGUAL = xmp_packet(
    captions={"vi": "Cầu Rồng về đêm", "en-US": "Dragon Bridge at night", "fr": "Le pont du Dragon"},
    alt_texts={"vi": "Cây cầu hình rồng", "en": "A dragon-shaped bridge"},
    credit="TTXVN",
    rights="© 2024 TTXVN",
)


@pytest.fixture
def library(services) -> PictureLibrary:
    return PictureLibrary(services.store, services.clock, services.bus)


@pytest.fixture
def article_id(services) -> str:
    return services.editorial.create_article("vi", "Đà Nẵng về đêm").id


def media_files(services) -> list[str]:
    folder = services.store.media_folder
    return sorted(os.listdir(folder)) if folder.exists() else []


def count(services, table: str) -> int:
    return services.store.query_one(f"SELECT count(*) AS n FROM {table}")["n"]


def test_a_photo_is_added_with_texts_from_its_metadata(library: PictureLibrary, article_id: str) -> None:
    data = jpeg_bytes(orientation=6, gps=True, xmp=BILINGUAL)

    picture = library.add(article_id, data, name="cau-rong.jpg")

    assert picture.captions == {"vi": "Cầu Rồng về đêm", "en": "Dragon Bridge at night"}  # fr is not ours
    assert picture.alt_texts == {"vi": "Cây cầu hình rồng", "en": "A dragon-shaped bridge"}
    assert picture.credits == {"vi": "TTXVN", "en": "TTXVN"}
    assert picture.copyright_holder == "© 2024 TTXVN"
    assert (picture.content_type, picture.width, picture.height) == ("image/jpeg", 200, 400)
    assert picture.original_name == "cau-rong.jpg"
    assert library.get(picture.id) == picture
    assert library.pictures_of(article_id) == [picture]


def test_the_files_are_the_original_a_clean_rendition_and_a_thumbnail(library: PictureLibrary, article_id: str) -> None:
    data = jpeg_bytes(noisy((1200, 800)), orientation=6, gps=True)

    picture = library.add(article_id, data)

    assert library.original_path(picture).read_bytes() == data
    rendition = Image.open(library.rendition_path(picture))
    assert rendition.size == (800, 1200) and dict(rendition.getexif()) == {}
    thumbnail = Image.open(library.thumbnail_path(picture))
    assert max(thumbnail.size) == 320
    rendition_file = library.media_file(picture.rendition_sha256)
    assert (rendition_file.content_type, rendition_file.width, rendition_file.height) == ("image/jpeg", 800, 1200)


def test_given_texts_override_the_photos_per_language(library: PictureLibrary, article_id: str) -> None:
    picture = library.add(
        article_id,
        jpeg_bytes(xmp=BILINGUAL),
        captions={"en": "Da Nang's Dragon Bridge", "zh": "岘港龙桥"},
        alt_texts={"en": ""},
        credits={"vi": "Ảnh: TTXVN"},
    )

    assert picture.captions == {"vi": "Cầu Rồng về đêm", "en": "Da Nang's Dragon Bridge", "zh": "岘港龙桥"}
    assert picture.alt_texts == {"vi": "Cây cầu hình rồng"}
    assert picture.credits == {"vi": "Ảnh: TTXVN", "en": "TTXVN"}


def test_texts_without_a_language_go_to_the_default_one(library: PictureLibrary, article_id: str) -> None:
    data = jpeg_bytes(iptc=iim(((1, 90), b"\x1b%G"), ((2, 120), "Phố cổ Hội An".encode()), ((2, 80), b"Le Minh")))

    in_english = library.add(article_id, data, default_language="en")
    in_vietnamese = library.add(article_id, data)

    assert in_english.captions == {"en": "Phố cổ Hội An"} and in_english.credits == {"en": "Le Minh"}
    assert in_vietnamese.captions == {"vi": "Phố cổ Hội An"}


def test_the_same_photo_twice_is_stored_once(services, library: PictureLibrary, article_id: str) -> None:
    data = jpeg_bytes(noisy((600, 400)))

    first = library.add(article_id, data)
    second = library.add(article_id, data)

    assert first.id != second.id and first.media_sha256 == second.media_sha256
    assert count(services, "pictures") == 2
    assert count(services, "media") == 3  # original, rendition, thumbnail
    assert len(media_files(services)) == 3


def test_a_path_is_read_and_its_name_kept(library: PictureLibrary, article_id: str, tmp_path: Path) -> None:
    path = tmp_path / "Ảnh hội nghị.jpg"
    path.write_bytes(jpeg_bytes())

    assert library.add(article_id, path).original_name == "Ảnh hội nghị.jpg"


@pytest.mark.parametrize(
    "source",
    [
        pytest.param(b"", id="empty"),
        pytest.param(b"not an image at all", id="text"),
        pytest.param(gif_bytes(), id="gif"),
        pytest.param(jpeg_bytes()[:-300], id="truncated"),
        pytest.param(png_claiming(20000, 20000), id="bomb"),
    ],
)
def test_bad_files_are_refused_and_nothing_is_written(
    services, library: PictureLibrary, article_id: str, source: bytes
) -> None:
    with pytest.raises(BadInput):
        library.add(article_id, source, name="upload")

    assert count(services, "media") == 0 and count(services, "pictures") == 0
    assert media_files(services) == []


def test_a_missing_file_is_named(services, library: PictureLibrary, article_id: str, tmp_path: Path) -> None:
    with pytest.raises(BadInput, match=r"khong-co\.jpg"):
        library.add(article_id, tmp_path / "khong-co.jpg")
    assert media_files(services) == []


def test_an_unknown_article_is_refused_before_any_work(services, library: PictureLibrary) -> None:
    with pytest.raises(NotFound, match="no article with id nope"):
        library.add("nope", jpeg_bytes())
    with pytest.raises(NotFound):
        library.pictures_of("nope")

    assert media_files(services) == [] and count(services, "media") == 0


def test_an_article_deleted_while_its_photo_was_prepared(services, library: PictureLibrary, article_id: str) -> None:
    real_prepare = picture_library.prepare_picture

    def prepare_while_deleting(*args, **kwargs):
        prepared = real_prepare(*args, **kwargs)
        with services.store.transaction() as connection:
            connection.execute("DELETE FROM articles WHERE id = ?", (article_id,))
        return prepared

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(picture_library, "prepare_picture", prepare_while_deleting)
        with pytest.raises(NotFound):
            library.add(article_id, jpeg_bytes())

    assert count(services, "media") == 0 and count(services, "pictures") == 0


def test_the_store_is_free_while_the_photo_is_prepared(services, library: PictureLibrary, article_id: str) -> None:
    real_prepare = picture_library.prepare_picture
    other_thread_wrote: list[bool] = []

    def prepare_with_a_writer(*args, **kwargs):
        writer = threading.Thread(target=lambda: other_thread_wrote.append(services.store.set_setting("k", "v")))
        writer.start()
        writer.join(timeout=10)
        return real_prepare(*args, **kwargs)

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(picture_library, "prepare_picture", prepare_with_a_writer)
        library.add(article_id, jpeg_bytes())

    assert other_thread_wrote == [None]


def test_texts_are_updated_per_language(services, library: PictureLibrary, article_id: str) -> None:
    picture = library.add(article_id, jpeg_bytes(xmp=BILINGUAL))
    seen: list[Changes] = []
    services.bus.subscribe(seen.append)

    updated = library.update_texts(
        picture.id, captions={"en": "Updated", "vi": ""}, credits={"ko": "연합뉴스"}, copyright_holder=" TTXVN "
    )

    assert updated.captions == {"en": "Updated"}
    assert updated.credits == {"vi": "TTXVN", "en": "TTXVN", "ko": "연합뉴스"}
    assert updated.copyright_holder == "TTXVN"
    assert library.get(picture.id) == updated
    assert seen == [Changes(articles=True)]
    with pytest.raises(NotFound):
        library.update_texts("nope", captions={"vi": "x"})
    with pytest.raises(BadInput, match="unknown language"):
        library.update_texts(picture.id, captions={"fr": "Bonjour"})


def test_texts_are_normalised_to_nfc(library: PictureLibrary, article_id: str) -> None:
    decomposed = "Vie\u0302\u0323t Nam"  # "Việt Nam" as macOS may type it

    picture = library.add(article_id, jpeg_bytes(), captions={"vi": f"  {decomposed}  "})

    assert picture.captions == {"vi": "Việt Nam"}


def test_unknown_pictures_are_not_found(library: PictureLibrary) -> None:
    with pytest.raises(NotFound):
        library.get("nope")
    with pytest.raises(NotFound):
        library.delete("nope")


def test_deleted_pictures_leave_orphans_that_are_collected(services, library: PictureLibrary, article_id: str) -> None:
    kept = library.add(article_id, jpeg_bytes(noisy((300, 200))))
    dropped = library.add(article_id, jpeg_bytes(noisy((200, 300))))

    library.delete(dropped.id)
    assert library.collect_orphans() == 0  # just written: a picture being added might still need them
    old = time.time() - 3600
    for name in media_files(services):
        os.utime(services.store.media_folder / name, (old, old))
    assert library.collect_orphans() == 3

    assert library.pictures_of(article_id) == [kept]
    assert library.original_path(kept).is_file() and library.thumbnail_path(kept).is_file()
    assert len(media_files(services)) == 3
    with pytest.raises(NotFound, match="missing"):
        library.original_path(dropped)


def test_a_picture_placed_in_the_text_is_not_deleted(services, library: PictureLibrary, article_id: str) -> None:
    picture = library.add(article_id, jpeg_bytes())
    article = services.editorial.get(article_id)
    block = Block(id=new_id(), text="", kind=BlockKind.PICTURE, picture_id=picture.id)
    services.editorial.save(replace(article, blocks=[*article.blocks, block]))

    with pytest.raises(Refused, match="remove its block first"):
        library.delete(picture.id)
    assert library.get(picture.id) == picture


def test_re_adding_an_old_orphan_while_collecting_keeps_its_files(
    services, library: PictureLibrary, article_id: str
) -> None:
    data = jpeg_bytes(noisy((400, 300)))
    library.delete(library.add(article_id, data).id)
    old = time.time() - 3600
    for name in media_files(services):
        os.utime(services.store.media_folder / name, (old, old))
    added = []
    adder = threading.Thread(target=lambda: added.extend(library.add(article_id, data) for _ in range(5)))

    adder.start()
    while adder.is_alive():
        library.collect_orphans()
    adder.join()

    assert len(added) == 5
    for picture in added:
        assert library.original_path(picture).read_bytes() == data
        assert library.rendition_path(picture).is_file() and library.thumbnail_path(picture).is_file()
