"""Preparing photos: formats, orientation, metadata stripped from what leaves, texts read from it, refusals.

The image builders here are used by the media and picture library tests too.
"""

from __future__ import annotations

import struct
import time
import zlib
from io import BytesIO
from pathlib import Path

import pytest
from PIL import Image, ImageCms, IptcImagePlugin

from workstation.editorial.pictures import (
    RENDITION_LONG_EDGE,
    THUMBNAIL_LONG_EDGE,
    UNDETERMINED_LANGUAGE,
    PreparedPicture,
    prepare_picture,
    sha256_of,
)
from workstation.errors import BadInput

RED = (255, 0, 0)
BLUE = (0, 0, 255)
GPS_IFD = 0x8825
ORIENTATION = 0x0112


# --- builders ----------------------------------------------------------------------------------


def two_tone(size: tuple[int, int] = (400, 200)) -> Image.Image:
    """Top half red, bottom half blue, so a rotation shows in the pixels."""
    image = Image.new("RGB", size, RED)
    image.paste(BLUE, (0, size[1] // 2, size[0], size[1]))
    return image


def noisy(size: tuple[int, int]) -> Image.Image:
    """A photograph-like image: many colours, so it compresses like a photo."""
    noise = Image.effect_noise(size, 64)
    gradient = Image.linear_gradient("L").resize(size)
    return Image.merge("RGB", [noise, gradient, noise.transpose(Image.Transpose.ROTATE_180)])


def exif_with(orientation: int | None = None, gps: bool = False) -> Image.Exif:
    exif = Image.Exif()
    exif[0x010F] = "Camera maker"
    if orientation:
        exif[ORIENTATION] = orientation
    if gps:
        location = exif.get_ifd(GPS_IFD)
        location[1] = "N"
        location[2] = (21.0, 1.0, 42.0)
        location[3] = "E"
        location[4] = (105.0, 51.0, 0.0)
    return exif


def xmp_packet(
    captions: dict[str, str] | None = None,
    alt_texts: dict[str, str] | None = None,
    credit: str = "",
    creators: tuple[str, ...] = (),
    rights: str = "",
    doctype: str = "",
) -> bytes:
    def alt(tag: str, texts: dict[str, str] | None) -> str:
        if not texts:
            return ""
        items = "".join(f'<rdf:li xml:lang="{lang}">{text}</rdf:li>' for lang, text in texts.items())
        return f"<{tag}><rdf:Alt>{items}</rdf:Alt></{tag}>"

    creator = "".join(f"<rdf:li>{name}</rdf:li>" for name in creators)
    body = (
        alt("dc:description", captions)
        + alt("Iptc4xmpCore:AltTextAccessibility", alt_texts)
        + (alt("dc:rights", {"x-default": rights}) if rights else "")
        + (f"<dc:creator><rdf:Seq>{creator}</rdf:Seq></dc:creator>" if creators else "")
    )
    credit_attribute = f' photoshop:Credit="{credit}"' if credit else ""
    return (
        f'{doctype}<?xpacket begin="\ufeff" id="W5M0MpCehiHzreSzNTczkc9d"?>'
        '<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">'
        '<rdf:Description rdf:about="" xmlns:dc="http://purl.org/dc/elements/1.1/" '
        'xmlns:photoshop="http://ns.adobe.com/photoshop/1.0/" '
        f'xmlns:Iptc4xmpCore="http://iptc.org/std/Iptc4xmpCore/1.0/xmlns/"{credit_attribute}>'
        f"{body}</rdf:Description></rdf:RDF></x:xmpmeta>"
        '<?xpacket end="w"?>'
    ).encode()


def iim(*datasets: tuple[tuple[int, int], bytes]) -> bytes:
    """IPTC IIM datasets: tag marker 0x1C, record, dataset, 2-byte length, data."""
    return b"".join(
        bytes([0x1C, record, number]) + struct.pack(">H", len(value)) + value for (record, number), value in datasets
    )


def with_iptc(jpeg: bytes, iim_data: bytes) -> bytes:
    """Insert an APP13 "Photoshop 3.0" segment holding one 8BIM IPTC-NAA resource (0x0404) after SOI."""
    padded = iim_data + b"\x00" * (len(iim_data) % 2)
    resource = b"8BIM" + struct.pack(">H", 0x0404) + b"\x00\x00" + struct.pack(">I", len(iim_data)) + padded
    payload = b"Photoshop 3.0\x00" + resource
    return jpeg[:2] + b"\xff\xed" + struct.pack(">H", len(payload) + 2) + payload + jpeg[2:]


def jpeg_bytes(
    image: Image.Image | None = None,
    orientation: int | None = None,
    gps: bool = False,
    xmp: bytes | None = None,
    iptc: bytes | None = None,
    **options: object,
) -> bytes:
    buffer = BytesIO()
    extra: dict[str, object] = {"xmp": xmp} if xmp else {}
    (image or two_tone()).save(
        buffer, "JPEG", quality=95, exif=exif_with(orientation, gps), comment=b"secret note", **extra, **options
    )
    data = buffer.getvalue()
    return with_iptc(data, iptc) if iptc else data


def png_bytes(image: Image.Image | None = None, **options: object) -> bytes:
    buffer = BytesIO()
    (image or two_tone()).save(buffer, "PNG", **options)
    return buffer.getvalue()


def webp_bytes(image: Image.Image | None = None, **options: object) -> bytes:
    buffer = BytesIO()
    (image or two_tone()).save(buffer, "WEBP", quality=90, **options)
    return buffer.getvalue()


def png_claiming(width: int, height: int) -> bytes:
    """A tiny PNG whose header claims huge dimensions: a decompression bomb's first bytes."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(b"")) + chunk(b"IEND", b"")


def reopen(data: bytes) -> Image.Image:
    image = Image.open(BytesIO(data))
    image.load()
    return image


def assert_no_metadata(data: bytes) -> None:
    image = reopen(data)
    assert dict(image.getexif()) == {}
    assert dict(image.getexif().get_ifd(GPS_IFD)) == {}
    assert "xmp" not in image.info and "comment" not in image.info and "photoshop" not in image.info
    if image.format == "JPEG":
        assert IptcImagePlugin.getiptcinfo(image) is None
    for marker in (b"Exif\x00", b"http://ns.adobe.com/xap", b"8BIM", b"Photoshop", b"secret note", b"Camera maker"):
        assert marker not in data


def is_red(pixel: tuple[int, ...]) -> bool:
    return pixel[0] > 200 and pixel[2] < 60


def is_blue(pixel: tuple[int, ...]) -> bool:
    return pixel[2] > 200 and pixel[0] < 60


# --- formats, orientation, stripping ---------------------------------------------------------


def test_orientation_is_applied_and_nothing_but_pixels_leaves() -> None:
    data = jpeg_bytes(orientation=6, gps=True, xmp=xmp_packet(captions={"vi": "Cầu Rồng"}), iptc=iim(((2, 120), b"x")))

    prepared = prepare_picture(data, "bridge.jpg")

    assert prepared.original == data
    assert prepared.original_sha256 == sha256_of(data)
    assert prepared.content_type == "image/jpeg"
    assert (prepared.width, prepared.height) == (200, 400)  # stored 400x200, shown rotated 90° clockwise
    rendition = reopen(prepared.rendition)
    assert rendition.format == "JPEG" and rendition.info.get("progressive")
    assert rendition.size == (prepared.rendition_width, prepared.rendition_height) == (200, 400)
    # The stored top (red) is on the right once turned upright; the bottom (blue) on the left.
    assert is_red(rendition.getpixel((170, 200))) and is_blue(rendition.getpixel((30, 200)))
    assert_no_metadata(prepared.rendition)
    assert_no_metadata(prepared.thumbnail)
    assert prepared.rendition_sha256 == sha256_of(prepared.rendition)
    assert prepared.thumbnail_sha256 == sha256_of(prepared.thumbnail)


@pytest.mark.parametrize("orientation", [3, 8])
def test_other_orientations(orientation: int) -> None:
    prepared = prepare_picture(jpeg_bytes(orientation=orientation))

    rendition = reopen(prepared.rendition)
    if orientation == 3:  # upside down: blue on top
        assert rendition.size == (400, 200) and is_blue(rendition.getpixel((200, 30)))
    else:  # 90° counter-clockwise: the stored top ends up on the left
        assert rendition.size == (200, 400) and is_red(rendition.getpixel((30, 200)))


def test_the_format_comes_from_the_content_not_the_name() -> None:
    prepared = prepare_picture(png_bytes(), "photo.jpg")

    assert prepared.content_type == "image/png"


def test_rendition_is_at_most_2048_and_never_upscaled() -> None:
    large = prepare_picture(jpeg_bytes(noisy((3000, 1000))))
    small = prepare_picture(jpeg_bytes(noisy((300, 200))))

    assert (large.width, large.height) == (3000, 1000)
    assert (large.rendition_width, large.rendition_height) == (RENDITION_LONG_EDGE, 683)
    assert reopen(large.rendition).size == (2048, 683)
    assert reopen(large.thumbnail).size == (THUMBNAIL_LONG_EDGE, 107)
    assert (small.rendition_width, small.rendition_height) == (300, 200)
    assert reopen(small.thumbnail).size == (300, 200)


def test_png_graphics_stay_png_and_png_photographs_become_jpeg() -> None:
    graphic = prepare_picture(png_bytes(two_tone((800, 600))))
    photograph = prepare_picture(png_bytes(noisy((800, 600))))

    assert graphic.rendition_content_type == "image/png" and reopen(graphic.rendition).format == "PNG"
    assert photograph.rendition_content_type == "image/jpeg" and reopen(photograph.rendition).format == "JPEG"
    assert photograph.content_type == "image/png"


def test_transparency_is_kept_as_png_even_from_webp() -> None:
    image = noisy((300, 200)).convert("RGBA")
    image.putalpha(Image.linear_gradient("L").resize((300, 200)))

    for prepared in (prepare_picture(png_bytes(image)), prepare_picture(webp_bytes(image, lossless=True))):
        assert prepared.rendition_content_type == "image/png"
        assert reopen(prepared.rendition).mode == "RGBA"
        assert reopen(prepared.thumbnail).format == "PNG"


def test_webp_photographs_become_jpeg_without_metadata() -> None:
    prepared = prepare_picture(webp_bytes(two_tone(), exif=exif_with(orientation=6, gps=True)))

    assert prepared.content_type == "image/webp"
    assert prepared.rendition_content_type == "image/jpeg"
    assert (prepared.width, prepared.height) == (200, 400)
    assert_no_metadata(prepared.rendition)


def test_png_exif_orientation_and_location_are_handled_too() -> None:
    prepared = prepare_picture(png_bytes(exif=exif_with(orientation=6, gps=True)))

    assert reopen(prepared.rendition).size == (200, 400)
    assert_no_metadata(prepared.rendition)


def test_an_srgb_profile_is_kept_and_a_broken_one_dropped() -> None:
    srgb = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()

    kept = prepare_picture(jpeg_bytes(icc_profile=srgb))
    dropped = prepare_picture(jpeg_bytes(icc_profile=b"not a profile" * 20))

    assert reopen(kept.rendition).info.get("icc_profile") == srgb
    assert "icc_profile" not in reopen(dropped.rendition).info
    assert "icc_profile" not in reopen(kept.thumbnail).info


def test_cmyk_and_16_bit_pictures_become_web_colours() -> None:
    cmyk = prepare_picture(jpeg_bytes(two_tone().convert("CMYK")))
    deep = prepare_picture(png_bytes(Image.new("I;16", (64, 64), 32768)))

    assert reopen(cmyk.rendition).mode == "RGB"
    assert is_red(reopen(cmyk.rendition).getpixel((200, 20)))
    assert 120 <= reopen(deep.rendition).getpixel((10, 10)) <= 135  # half grey, not clipped to white


def test_path_sources_are_read(tmp_path: Path) -> None:
    path = tmp_path / "ảnh cầu.jpg"
    path.write_bytes(jpeg_bytes())

    prepared = prepare_picture(path)

    assert prepared.name == "ảnh cầu.jpg"
    assert prepared.original == path.read_bytes()


# --- texts from the photo ----------------------------------------------------------------------


def test_xmp_texts_per_language() -> None:
    xmp = xmp_packet(
        captions={"x-default": "Cầu Rồng về đêm", "vi": "Cầu Rồng về đêm", "en": "Dragon Bridge at night"},
        alt_texts={"vi": "Cây cầu hình rồng phun lửa", "en": "A dragon-shaped bridge breathing fire"},
        credit="TTXVN",
        creators=("Nguyễn Văn An", "Trần Bình"),
        rights="© 2024 TTXVN",
    )

    metadata = prepare_picture(jpeg_bytes(xmp=xmp)).metadata

    assert metadata.captions == {"vi": "Cầu Rồng về đêm", "en": "Dragon Bridge at night"}
    assert metadata.alt_texts == {"vi": "Cây cầu hình rồng phun lửa", "en": "A dragon-shaped bridge breathing fire"}
    assert metadata.credit == "TTXVN"
    assert metadata.byline == "Nguyễn Văn An, Trần Bình"
    assert metadata.copyright_notice == "© 2024 TTXVN"


def test_xmp_in_png_and_an_undeclared_language() -> None:
    from PIL import PngImagePlugin

    info = PngImagePlugin.PngInfo()
    info.add_itxt("XML:com.adobe.xmp", xmp_packet(captions={"x-default": "Hội An"}).decode())

    metadata = prepare_picture(png_bytes(pnginfo=info)).metadata

    assert metadata.captions == {UNDETERMINED_LANGUAGE: "Hội An"}


def test_iptc_iim_in_utf8_as_declared() -> None:
    data = jpeg_bytes(
        iptc=iim(
            ((1, 90), b"\x1b%G"),
            ((2, 120), "Lễ hội pháo hoa Đà Nẵng".encode()),
            ((2, 80), "Lê Minh".encode()),
            ((2, 80), b"Pham Hoa"),
            ((2, 110), "Báo Đà Nẵng".encode()),
            ((2, 116), "© Báo Đà Nẵng".encode()),
            ((2, 135), b"vie"),
        )
    )

    metadata = prepare_picture(data).metadata

    assert metadata.captions == {"vi": "Lễ hội pháo hoa Đà Nẵng"}
    assert metadata.byline == "Lê Minh, Pham Hoa"
    assert metadata.credit == "Báo Đà Nẵng"
    assert metadata.copyright_notice == "© Báo Đà Nẵng"


def test_iptc_iim_without_a_character_set_falls_back_to_latin1() -> None:
    data = jpeg_bytes(iptc=iim(((2, 120), "Café in Saigon".encode("latin-1")), ((2, 110), b"Reuters")))

    metadata = prepare_picture(data).metadata

    assert metadata.captions == {UNDETERMINED_LANGUAGE: "Café in Saigon"}
    assert metadata.credit == "Reuters"


def test_xmp_wins_over_iim() -> None:
    data = jpeg_bytes(
        xmp=xmp_packet(captions={"en": "From XMP"}, credit="XMP credit"),
        iptc=iim(((2, 120), b"From IIM"), ((2, 110), b"IIM credit"), ((2, 80), b"IIM byline")),
    )

    metadata = prepare_picture(data).metadata

    assert metadata.captions == {"en": "From XMP"}
    assert metadata.credit == "XMP credit"
    assert metadata.byline == "IIM byline"  # what XMP does not say, IIM still may


def test_xmp_with_entity_declarations_is_ignored_without_expanding() -> None:
    laughs = (
        '<!DOCTYPE lolz [<!ENTITY lol "lol">'
        + "".join(f'<!ENTITY lol{n} "{("&lol" + str(n - 1) + ";") * 10}">' for n in range(2, 10))
        + '<!ENTITY lol1 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">]>'
    )
    packet = xmp_packet(captions={"en": "&lol9;"}, doctype=laughs)

    started = time.perf_counter()
    prepared = prepare_picture(jpeg_bytes(xmp=packet, iptc=iim(((2, 120), b"Safe caption"))))

    assert time.perf_counter() - started < 5
    assert prepared.metadata.captions == {UNDETERMINED_LANGUAGE: "Safe caption"}


def test_damaged_metadata_costs_the_texts_not_the_photo() -> None:
    data = jpeg_bytes(xmp=b"<x:xmpmeta <<< not xml", iptc=b"\x1c\x02garbage that is not IIM")

    prepared = prepare_picture(data)

    assert prepared.metadata.captions == {}
    assert prepared.rendition


# --- refusals ------------------------------------------------------------------------------------


def gif_bytes() -> bytes:
    buffer = BytesIO()
    two_tone().save(buffer, "GIF")
    return buffer.getvalue()


def tiff_bytes() -> bytes:
    buffer = BytesIO()
    two_tone().save(buffer, "TIFF")
    return buffer.getvalue()


def damaged_png() -> bytes:
    data = bytearray(png_bytes(noisy((200, 200))))
    start = data.index(b"IDAT") + 40
    data[start : start + 40] = bytes(byte ^ 0x5A for byte in data[start : start + 40])
    return bytes(data)


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        pytest.param(b"", "empty", id="empty"),
        pytest.param("Chào buổi sáng".encode(), "JPEG, PNG or WebP", id="text"),
        pytest.param(gif_bytes(), "GIF", id="gif"),
        pytest.param(tiff_bytes(), "TIFF", id="tiff"),
        pytest.param(b"\x00\x00\x00\x18ftypheic" + b"\x00" * 64, "HEIC", id="heic"),
        pytest.param(jpeg_bytes()[:-200], "damaged or incomplete", id="truncated-jpeg"),
        pytest.param(jpeg_bytes(noisy((3000, 2000)))[:300_000], "damaged or incomplete", id="truncated-large-jpeg"),
        pytest.param(png_bytes()[:-300], "damaged", id="truncated-png"),
        pytest.param(damaged_png(), "damaged", id="damaged-png"),
        pytest.param(b"\xff\xd8\xff\xe0" + b"\x00" * 100, "damaged", id="jpeg-signature-only"),
        pytest.param(b"RIFF\x10\x00\x00\x00WEBPVP8 " + b"\x00" * 20, "damaged", id="broken-webp"),
        pytest.param(png_claiming(20000, 20000), "megapixels", id="bomb-pillow-limit"),
    ],
)
def test_refused(data: bytes, expected: str) -> None:
    with pytest.raises(BadInput, match=expected):
        prepare_picture(data, "upload")


@pytest.mark.filterwarnings("ignore::PIL.Image.DecompressionBombWarning")
def test_a_bomb_under_pillows_limit_is_refused_by_ours() -> None:
    with pytest.raises(BadInput, match=r"too large \(11000×11000\)"):
        prepare_picture(png_claiming(11000, 11000), "bomb.png")


def test_missing_files_and_folders_are_named(tmp_path: Path) -> None:
    with pytest.raises(BadInput, match=r"missing\.jpg: the file does not exist"):
        prepare_picture(tmp_path / "missing.jpg")
    with pytest.raises(BadInput, match="is a folder"):
        prepare_picture(tmp_path)
    (tmp_path / "empty.jpg").write_bytes(b"")
    with pytest.raises(BadInput, match=r"empty\.jpg is empty"):
        prepare_picture(tmp_path / "empty.jpg")


# --- time ----------------------------------------------------------------------------------------


def test_a_24_megapixel_photo_prepares_in_reasonable_time() -> None:
    data = jpeg_bytes(noisy((6000, 4000)), orientation=6)

    started = time.perf_counter()
    prepared: PreparedPicture = prepare_picture(data)
    elapsed = time.perf_counter() - started

    assert (prepared.width, prepared.height) == (4000, 6000)
    assert (prepared.rendition_width, prepared.rendition_height) == (1365, 2048)
    assert elapsed < 5, f"{elapsed:.2f}s"
