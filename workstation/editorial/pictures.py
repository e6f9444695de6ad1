"""Preparing a photo for an article: checks, web rendition, thumbnail and the texts its metadata carries.

Pure Pillow work: no store, no Qt. It is slow for large photos, so callers run it on a worker thread
and outside any store transaction. Everything read from the file is hostile input: the format is
sniffed from the bytes before any Pillow decoder sees them, the pixel count is capped before
decoding, and XMP is parsed with entity expansion forbidden.
"""

from __future__ import annotations

import hashlib
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cache
from io import BytesIO
from pathlib import Path
from xml.etree.ElementTree import Element

from defusedxml import DefusedXmlException
from defusedxml import ElementTree as SafeElementTree
from PIL import Image, ImageCms, IptcImagePlugin

from workstation.errors import BadInput
from workstation.user_files import read_user_file

CONTENT_TYPES = {"JPEG": "image/jpeg", "PNG": "image/png", "WEBP": "image/webp"}
EXTENSIONS = {"image/jpeg": "jpg", "image/png": "png", "image/webp": "webp"}
UNDETERMINED_LANGUAGE = "x-default"
"""Key of a text whose language the metadata does not declare (XMP's own name for it)."""

# Medium-format cameras reach 102 MP; beyond 120 MP a "photo" is more likely a decompression bomb.
MAX_PIXELS = 120_000_000
MAX_FILE_BYTES = 256 * 1024 * 1024
MAX_XMP_BYTES = 2 * 1024 * 1024
RENDITION_LONG_EDGE = 2048
THUMBNAIL_LONG_EDGE = 320
JPEG_QUALITY = 85
THUMBNAIL_QUALITY = 80
# A PNG whose nearest-neighbour sample has more distinct colours than this is a photograph, not a
# chart or screenshot: as PNG its web rendition would weigh 5-10 times the JPEG for no visible gain.
PHOTOGRAPHIC_COLOURS = 4096
_COLOUR_SAMPLE_EDGE = 256

_UNSUPPORTED_SIGNATURES: tuple[tuple[int, bytes, str], ...] = (
    (0, b"GIF87a", "a GIF image"),
    (0, b"GIF89a", "a GIF image"),
    (0, b"II*\x00", "a TIFF image"),
    (0, b"MM\x00*", "a TIFF image"),
    (0, b"BM", "a BMP image"),
    (0, b"%PDF", "a PDF document"),
    (0, b"8BPS", "a Photoshop document"),
    (0, b"\x00\x00\x01\x00", "an icon file"),
    (0, b"\xff\x0a", "a JPEG XL image"),
    (4, b"ftypheic", "a HEIC photo"),
    (4, b"ftypheix", "a HEIC photo"),
    (4, b"ftyphevc", "a HEIC photo"),
    (4, b"ftypmif1", "a HEIF photo"),
    (4, b"ftypmsf1", "a HEIF photo"),
    (4, b"ftypavif", "an AVIF image"),
)

_RDF = "{http://www.w3.org/1999/02/22-rdf-syntax-ns#}"
_XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
_DC = "{http://purl.org/dc/elements/1.1/}"
_PHOTOSHOP = "{http://ns.adobe.com/photoshop/1.0/}"
_IPTC_CORE = "{http://iptc.org/std/Iptc4xmpCore/1.0/xmlns/}"

_IIM_CHARSET = (1, 90)
_IIM_BYLINE = (2, 80)
_IIM_CREDIT = (2, 110)
_IIM_COPYRIGHT = (2, 116)
_IIM_CAPTION = (2, 120)
_IIM_LANGUAGE = (2, 135)
_IIM_UTF8 = b"\x1b%G"
_ISO639_2 = {"vie": "vi", "eng": "en", "chi": "zh", "zho": "zh", "kor": "ko", "jpn": "ja"}

_EXIF_ORIENTATION = 0x0112
_EXIF_ARTIST = 0x013B
_EXIF_COPYRIGHT = 0x8298
_ROTATED_ORIENTATIONS = {5, 6, 7, 8}
_TRANSPOSITIONS = {
    2: Image.Transpose.FLIP_LEFT_RIGHT,
    3: Image.Transpose.ROTATE_180,
    4: Image.Transpose.FLIP_TOP_BOTTOM,
    5: Image.Transpose.TRANSPOSE,
    6: Image.Transpose.ROTATE_270,
    7: Image.Transpose.TRANSVERSE,
    8: Image.Transpose.ROTATE_90,
}


@dataclass(frozen=True)
class PictureMetadata:
    """Texts found in the photo; dict keys are language tags as the file gives them, or x-default."""

    captions: dict[str, str] = field(default_factory=dict)
    alt_texts: dict[str, str] = field(default_factory=dict)
    credit: str = ""
    byline: str = ""
    copyright_notice: str = ""


@dataclass(frozen=True)
class PreparedPicture:
    name: str
    original: bytes
    original_sha256: str
    content_type: str
    width: int
    height: int
    """Of the original as it is meant to be seen (EXIF orientation applied)."""
    rendition: bytes
    rendition_sha256: str
    rendition_content_type: str
    rendition_width: int
    rendition_height: int
    thumbnail: bytes
    thumbnail_sha256: str
    thumbnail_content_type: str
    thumbnail_width: int
    thumbnail_height: int
    metadata: PictureMetadata


def prepare_picture(source: Path | bytes, name: str = "") -> PreparedPicture:
    """Check a JPEG, PNG or WebP photo and make its web rendition and thumbnail; BadInput says what is wrong."""
    data, name = _read_source(source, name)
    content_type = CONTENT_TYPES[_sniff_format(data, name)]
    image = _open(data, name, content_type)
    width, height = image.size  # read before decoding: a large JPEG decodes at reduced scale
    pixels, icc, orientation = _decoded(image, name)
    if orientation in _ROTATED_ORIENTATIONS:
        width, height = height, width
    metadata = read_metadata(image)  # after decoding: PNG text chunks after the pixels are read only then
    # Encoders fall back to `info` (EXIF, comments, XMP): emptied, only what _encode passes can leave. It may
    # be the opened file's own info, hence only now, once the metadata is read.
    pixels.info = {}
    rendition_type = _rendition_type(pixels, content_type)
    pixels.thumbnail((RENDITION_LONG_EDGE, RENDITION_LONG_EDGE), Image.Resampling.LANCZOS, reducing_gap=3.0)
    rendition = _encode(pixels, rendition_type, JPEG_QUALITY, progressive=True, icc=icc)
    small = pixels.copy()
    small.thumbnail((THUMBNAIL_LONG_EDGE, THUMBNAIL_LONG_EDGE), Image.Resampling.LANCZOS, reducing_gap=2.0)
    # The thumbnail is for this station's screens only; an sRGB profile adds nothing there.
    thumbnail = _encode(small, rendition_type, THUMBNAIL_QUALITY, progressive=False, icc=b"")
    return PreparedPicture(
        name=name,
        original=data,
        original_sha256=sha256_of(data),
        content_type=content_type,
        width=width,
        height=height,
        rendition=rendition,
        rendition_sha256=sha256_of(rendition),
        rendition_content_type=rendition_type,
        rendition_width=pixels.width,
        rendition_height=pixels.height,
        thumbnail=thumbnail,
        thumbnail_sha256=sha256_of(thumbnail),
        thumbnail_content_type=rendition_type,
        thumbnail_width=small.width,
        thumbnail_height=small.height,
        metadata=metadata,
    )


def sha256_of(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


# --- reading and checking -------------------------------------------------------------------


def _read_source(source: Path | bytes, name: str) -> tuple[bytes, str]:
    if isinstance(source, bytes | bytearray | memoryview):
        data = bytes(source)
        name = name or "the picture"
    else:
        path = Path(source)
        name = name or path.name
        data = _read_file(path)
    if not data:
        raise BadInput(f"{name} is empty (0 bytes); it is not a picture")
    if len(data) > MAX_FILE_BYTES:
        raise BadInput(f"{name} is larger than {MAX_FILE_BYTES // (1024 * 1024)} MB; reduce it before adding it")
    return data, name


def _read_file(path: Path) -> bytes:
    return read_user_file(path, MAX_FILE_BYTES, "a picture file")


def _sniff_format(data: bytes, name: str) -> str:
    """The Pillow format name, from the bytes (never the extension), so only three decoders ever run."""
    if data.startswith(b"\xff\xd8\xff"):
        return "JPEG"
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return "PNG"
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "WEBP"
    for offset, signature, kind in _UNSUPPORTED_SIGNATURES:
        if data[offset : offset + len(signature)] == signature:
            raise BadInput(f"{name} is {kind}; pictures must be JPEG, PNG or WebP (convert it first)")
    raise BadInput(f"{name} is not a picture the workstation can use; pictures must be JPEG, PNG or WebP")


def _open(data: bytes, name: str, content_type: str) -> Image.Image:
    fmt = next(key for key, value in CONTENT_TYPES.items() if value == content_type)
    try:
        image = Image.open(BytesIO(data), formats=[fmt])
    except Image.DecompressionBombError as error:
        raise _too_many_pixels(name) from error
    except Exception as error:  # hostile bytes make decoders raise almost anything
        raise BadInput(f"{name} is damaged or not really a {fmt} picture ({error})") from error
    if image.width <= 0 or image.height <= 0:
        raise BadInput(f"{name} has no pixels")
    if image.width * image.height > MAX_PIXELS:
        raise _too_many_pixels(name, image.size)
    if fmt == "PNG":
        _verify_checksums(data, name)
    return image


def _verify_checksums(data: bytes, name: str) -> None:
    """PNG chunks carry CRCs, but decoding does not check them: damage would pass as odd pixels."""
    try:
        Image.open(BytesIO(data), formats=["PNG"]).verify()
    except Exception as error:  # hostile bytes make decoders raise almost anything
        raise BadInput(f"{name} is damaged ({error})") from error


def _too_many_pixels(name: str, size: tuple[int, int] | None = None) -> BadInput:
    dimensions = f" ({size[0]}×{size[1]})" if size else ""
    return BadInput(f"{name} is too large{dimensions}: pictures may have at most {MAX_PIXELS // 1_000_000} megapixels")


def _orientation(image: Image.Image) -> int:
    try:
        value = image.getexif().get(_EXIF_ORIENTATION, 1)
    except Exception:  # damaged EXIF costs the orientation, not the photo
        return 1
    return value if isinstance(value, int) and 1 <= value <= 8 else 1


def _decoded(image: Image.Image, name: str) -> tuple[Image.Image, bytes, int]:
    """Upright sRGB pixels in a mode JPEG or PNG can store, the ICC profile to keep (b"" for none), the orientation.

    Large JPEGs decode at reduced scale. The pixels may be `image` itself (no copy of a 24 MP picture).
    """
    if image.format == "JPEG":
        # Let libjpeg scale by 1/2, 1/4 or 1/8 while decoding: a 24 MP photo then never exists at full size.
        scale = RENDITION_LONG_EDGE / max(image.size)
        if scale < 1:
            image.draft(None, (max(1, round(image.width * scale)), max(1, round(image.height * scale))))
    try:
        image.load()
        orientation = _orientation(image)
        upright = image.transpose(_TRANSPOSITIONS[orientation]) if orientation in _TRANSPOSITIONS else image
        pixels, icc = _in_srgb(upright)
        if pixels.mode == "RGBA" and not _has_transparency(pixels):
            pixels = pixels.convert("RGB")
    except Image.DecompressionBombError as error:
        raise _too_many_pixels(name) from error
    except MemoryError as error:
        raise BadInput(f"{name} is too large to process on this computer") from error
    except Exception as error:  # truncated or corrupt data surfaces here, as almost any exception
        raise BadInput(f"{name} is damaged or incomplete and cannot be read ({error})") from error
    return pixels, icc, orientation


def _in_srgb(image: Image.Image) -> tuple[Image.Image, bytes]:
    """Convert to sRGB (RGB, RGBA or L); the file's ICC profile is kept only when it is sRGB's own."""
    icc = image.info.get("icc_profile") or b""
    image = _storable_mode(image) if image.mode != "CMYK" else image
    converted: Image.Image | None = None
    kept_icc = b""
    if icc and image.mode in ("RGB", "RGBA", "CMYK"):
        try:
            profile = ImageCms.ImageCmsProfile(BytesIO(icc))
            if "srgb" in ImageCms.getProfileDescription(profile).lower():
                kept_icc = icc
            else:
                mode = "RGBA" if image.mode == "RGBA" else "RGB"
                converted = ImageCms.profileToProfile(image, profile, _srgb_profile(), outputMode=mode)
        except (ImageCms.PyCMSError, OSError, ValueError, TypeError):
            converted = None  # a broken profile: show the numbers as they are
    result = converted if converted is not None else _storable_mode(image)
    return result, kept_icc


@cache
def _srgb_profile() -> ImageCms.ImageCmsProfile:
    return ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB"))


def _storable_mode(image: Image.Image) -> Image.Image:
    if image.mode in ("RGB", "RGBA", "L"):
        return image
    if image.mode in ("I", "I;16", "I;16B", "I;16L", "I;16N"):
        # 16-bit greyscale: scale to 8 bits instead of clipping everything above 255 to white.
        return image.convert("I").point(lambda value: value * (1 / 256)).convert("L")
    if image.mode == "P":
        return image.convert("RGBA" if "transparency" in image.info else "RGB")
    if image.mode in ("LA", "La", "PA", "RGBa"):
        return image.convert("RGBA")
    return image.convert("RGB")


def _has_transparency(image: Image.Image) -> bool:
    if image.mode != "RGBA":
        return False
    low, _ = image.getchannel("A").getextrema()
    return low < 255


def _rendition_type(image: Image.Image, content_type: str) -> str:
    """PNG for transparency and for PNG graphics (sharp edges, few colours); JPEG for photographs."""
    if _has_transparency(image):
        return "image/png"
    if content_type == "image/png" and not _is_photographic(image):
        return "image/png"
    return "image/jpeg"


def _is_photographic(image: Image.Image) -> bool:
    sample = image.resize(
        (min(image.width, _COLOUR_SAMPLE_EDGE), min(image.height, _COLOUR_SAMPLE_EDGE)), Image.Resampling.NEAREST
    )
    return sample.getcolors(maxcolors=PHOTOGRAPHIC_COLOURS) is None


def _encode(image: Image.Image, content_type: str, quality: int, progressive: bool, icc: bytes) -> bytes:
    options: dict[str, object] = {"icc_profile": icc} if icc else {}
    buffer = BytesIO()
    if content_type == "image/png":
        image.save(buffer, "PNG", **options)
    else:
        opaque = image.convert("RGB") if image.mode == "RGBA" else image
        opaque.save(buffer, "JPEG", quality=quality, progressive=progressive, optimize=True, **options)
    return buffer.getvalue()


# --- metadata --------------------------------------------------------------------------------


def read_metadata(image: Image.Image) -> PictureMetadata:
    """Caption, alt text, credit, byline and copyright from XMP, else IPTC IIM, else EXIF; never raises."""
    xmp = _read_xmp(image)
    iim = _read_iim(image)
    exif = _read_exif_texts(image)
    return PictureMetadata(
        captions=xmp.captions or iim.captions,
        alt_texts=xmp.alt_texts,
        credit=xmp.credit or iim.credit,
        byline=xmp.byline or iim.byline or exif.byline,
        copyright_notice=xmp.copyright_notice or iim.copyright_notice or exif.copyright_notice,
    )


def _clean(text: str) -> str:
    text = unicodedata.normalize("NFC", text.replace("\x00", "").replace("\r\n", "\n").replace("\r", "\n"))
    return text.strip()


def _read_xmp(image: Image.Image) -> PictureMetadata:
    packet = image.info.get("xmp")
    if isinstance(packet, str):
        packet = packet.encode("utf-8")
    if not packet or len(packet) > MAX_XMP_BYTES:
        return PictureMetadata()
    try:
        # defusedxml refuses DTD entities (billion laughs) and external references before expanding any.
        root = SafeElementTree.fromstring(packet.strip(b"\x00 \t\r\n"), forbid_dtd=True)
    except (DefusedXmlException, SafeElementTree.ParseError, ValueError):
        return PictureMetadata()
    descriptions = list(root.iter(f"{_RDF}Description"))
    return PictureMetadata(
        captions=_xmp_lang_alt(descriptions, f"{_DC}description"),
        alt_texts=_xmp_lang_alt(descriptions, f"{_IPTC_CORE}AltTextAccessibility"),
        credit=_xmp_text(descriptions, f"{_PHOTOSHOP}Credit"),
        byline=", ".join(_xmp_list(descriptions, f"{_DC}creator")),
        copyright_notice=_first_text(_xmp_lang_alt(descriptions, f"{_DC}rights")),
    )


def _xmp_property(descriptions: list[Element], name: str) -> tuple[Element | None, str]:
    """The property's element (structured value), or its attribute text (simple value)."""
    for description in descriptions:
        element = description.find(name)
        if element is not None:
            return element, ""
        if name in description.attrib:
            return None, description.attrib[name]
    return None, ""


def _xmp_lang_alt(descriptions: list[Element], name: str) -> dict[str, str]:
    element, text = _xmp_property(descriptions, name)
    if element is None:
        return _only(UNDETERMINED_LANGUAGE, text)
    items = element.findall(f"{_RDF}Alt/{_RDF}li")
    if not items:
        return _only(UNDETERMINED_LANGUAGE, _element_text(element))
    texts: dict[str, str] = {}
    for item in items:
        language = (item.get(_XML_LANG) or UNDETERMINED_LANGUAGE).strip() or UNDETERMINED_LANGUAGE
        value = _clean(_element_text(item))
        if value and language not in texts:
            texts[language] = value
    # x-default conventionally repeats one of the languages; keep it only when it says something else.
    default = texts.get(UNDETERMINED_LANGUAGE)
    if default is not None and any(v == default for k, v in texts.items() if k != UNDETERMINED_LANGUAGE):
        del texts[UNDETERMINED_LANGUAGE]
    return texts


def _xmp_list(descriptions: list[Element], name: str) -> list[str]:
    element, text = _xmp_property(descriptions, name)
    if element is None:
        return [_clean(text)] if _clean(text) else []
    items = element.findall(f"{_RDF}Seq/{_RDF}li") + element.findall(f"{_RDF}Bag/{_RDF}li")
    values = [_clean(_element_text(item)) for item in items] if items else [_clean(_element_text(element))]
    return [value for value in values if value]


def _xmp_text(descriptions: list[Element], name: str) -> str:
    element, text = _xmp_property(descriptions, name)
    return _clean(_element_text(element) if element is not None else text)


def _element_text(element: Element) -> str:
    return "".join(element.itertext())


def _only(language: str, text: str) -> dict[str, str]:
    text = _clean(text)
    return {language: text} if text else {}


def _first_text(texts: dict[str, str]) -> str:
    return texts.get(UNDETERMINED_LANGUAGE) or next(iter(texts.values()), "")


def _read_iim(image: Image.Image) -> PictureMetadata:
    try:
        info = IptcImagePlugin.getiptcinfo(image) or {}  # type: ignore[arg-type]
    except Exception:  # a damaged IPTC block costs its texts, not the photo
        return PictureMetadata()
    decode = _iim_decoder(info.get(_IIM_CHARSET))
    language = _iim_language(decode(_iim_values(info, _IIM_LANGUAGE)[:1]))
    return PictureMetadata(
        captions=_only(language, decode(_iim_values(info, _IIM_CAPTION)[:1])),
        credit=_clean(decode(_iim_values(info, _IIM_CREDIT)[:1])),
        byline=", ".join(filter(None, (_clean(decode([value])) for value in _iim_values(info, _IIM_BYLINE)))),
        copyright_notice=_clean(decode(_iim_values(info, _IIM_COPYRIGHT)[:1])),
    )


def _iim_values(info: dict, key: tuple[int, int]) -> list[bytes]:
    value = info.get(key)
    values = value if isinstance(value, list) else [value]
    return [item for item in values if isinstance(item, bytes)]


def _iim_decoder(charset: object) -> Callable[[list[bytes]], str]:
    declared = charset[0] if isinstance(charset, list) and charset else charset
    utf8 = isinstance(declared, bytes) and _IIM_UTF8 in declared

    def decode(values: list[bytes]) -> str:
        raw = b"".join(values)
        if utf8:
            return raw.decode("utf-8", errors="replace")
        if declared is not None:
            return raw.decode("latin-1")  # a declared set other than UTF-8: in practice ISO 8859-1
        try:
            return raw.decode("utf-8")
        except UnicodeDecodeError:
            return raw.decode("latin-1")

    return decode


def _iim_language(code: str) -> str:
    code = code.strip().lower()
    if len(code) == 2 and code.isalpha():
        return code
    return _ISO639_2.get(code, UNDETERMINED_LANGUAGE)


def _read_exif_texts(image: Image.Image) -> PictureMetadata:
    try:
        exif = image.getexif()
        artist, notice = exif.get(_EXIF_ARTIST, ""), exif.get(_EXIF_COPYRIGHT, "")
    except Exception:  # damaged EXIF costs its texts, not the photo
        return PictureMetadata()
    return PictureMetadata(
        byline=_clean(artist) if isinstance(artist, str) else "",
        copyright_notice=_clean(notice) if isinstance(notice, str) else "",
    )
