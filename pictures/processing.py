"""Checking and cleaning uploaded pictures with Pillow: no Django, no database, no storage.

`process_upload()` is the gate every upload goes through. It accepts only real JPEG, PNG and
WebP pictures, recognised by decoding them (never by file name or declared content type), and
returns a clean copy: turned upright from its EXIF orientation, converted to sRGB, and
re-encoded into a fresh image so that no metadata survives (EXIF with GPS location, camera and
date, XMP, IPTC, PNG text chunks, and the ICC profile once the colours are converted).

`make_renditions()` makes the resized copies the public pages use: WebP at 320, 800 and 1600
pixels wide, never upscaled.
"""

from __future__ import annotations

import io
import logging
import warnings
from dataclasses import dataclass

from PIL import Image, ImageCms, ImageFile, ImageOps, UnidentifiedImageError

logger = logging.getLogger(__name__)

DEFAULT_MAX_BYTES = 10 * 1024 * 1024
DEFAULT_MAX_PIXELS = 40_000_000

ACCEPTED_FORMATS = ("JPEG", "PNG", "WEBP")
EXTENSIONS = {"JPEG": ".jpg", "PNG": ".png", "WEBP": ".webp"}
CONTENT_TYPES = {"JPEG": "image/jpeg", "PNG": "image/png", "WEBP": "image/webp"}

# How the cleaned original is written back, in its own format.
ORIGINAL_SAVE_OPTIONS = {
    "JPEG": {"quality": 90, "optimize": True, "progressive": True},
    "PNG": {"optimize": False, "compress_level": 6},
    "WEBP": {"quality": 90, "method": 4},
}

# Renditions: name -> target width in pixels. All WebP (alpha kept, photos small).
RENDITION_WIDTHS = {"thumbnail": 320, "medium": 800, "large": 1600}
RENDITION_FORMAT = "WEBP"
RENDITION_EXTENSION = ".webp"
RENDITION_SAVE_OPTIONS = {"quality": 82, "method": 4}

ACCEPTED_DESCRIPTION = "a JPEG, PNG or WebP picture"

_SRGB = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB"))


class UploadError(ValueError):
    """An upload that is not accepted; the message is written for an editor."""

    def __init__(self, message: str, code: str = "invalid") -> None:
        super().__init__(message)
        self.message = message
        self.code = code


@dataclass(frozen=True)
class ProcessedImage:
    """A checked, cleaned picture: the bytes to store and the decoded image for renditions."""

    content: bytes
    format: str  # "JPEG", "PNG" or "WEBP"
    width: int
    height: int
    image: Image.Image  # upright, sRGB, mode "RGB" or "RGBA", no metadata

    @property
    def extension(self) -> str:
        return EXTENSIONS[self.format]

    @property
    def content_type(self) -> str:
        return CONTENT_TYPES[self.format]


def process_upload(
    file_obj,
    *,
    max_bytes: int = DEFAULT_MAX_BYTES,
    max_pixels: int = DEFAULT_MAX_PIXELS,
) -> ProcessedImage:
    """Check an uploaded file and return a clean copy, or raise UploadError.

    `file_obj` is anything with read() (a Django UploadedFile or File, an open file, BytesIO);
    bytes are accepted too.
    """
    data = _read_limited(file_obj, max_bytes)
    # Pillow warns about (and above twice its limit, refuses) very large images while opening
    # them; both become an UploadError. Our own, lower limit is checked on the header alone.
    with warnings.catch_warnings():
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        try:
            return _process(data, max_pixels)
        except UploadError:
            raise
        except (Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
            raise _too_many_pixels(None, max_pixels) from exc
        except MemoryError as exc:
            raise _too_many_pixels(None, max_pixels) from exc
        except Exception as exc:  # any failure to decode an untrusted file means "damaged"
            logger.info("Refused an upload Pillow could not decode: %r", exc)
            raise UploadError(
                "This picture is damaged or incomplete (perhaps the download or copy was cut "
                "short), so it cannot be read. Open it on your computer to check it, save it "
                f"again as {ACCEPTED_DESCRIPTION}, and upload that copy.",
                code="damaged",
            ) from exc


def make_renditions(image: Image.Image) -> dict[str, tuple[bytes, int, int]]:
    """WebP copies at the widths of RENDITION_WIDTHS: name -> (bytes, width, height).

    A picture narrower than a target width keeps its own width (never upscaled); renditions of
    equal width share the same bytes object, so a caller can store them once.
    """
    image = _normalise_mode(image)
    by_width: dict[int, tuple[bytes, int, int]] = {}
    renditions = {}
    for name, target in RENDITION_WIDTHS.items():
        width = min(target, image.width)
        if width not in by_width:
            height = max(1, round(image.height * width / image.width))
            resized = (
                image
                if width == image.width
                else image.resize((width, height), Image.Resampling.LANCZOS, reducing_gap=3.0)
            )
            buffer = io.BytesIO()
            resized.save(buffer, RENDITION_FORMAT, **RENDITION_SAVE_OPTIONS)
            by_width[width] = (buffer.getvalue(), width, height)
        renditions[name] = by_width[width]
    return renditions


def describe_size(size: int) -> str:
    """Bytes as an editor reads them: "850 KB", "12.3 MB"."""
    if size < 1024 * 1024:
        return f"{max(1, round(size / 1024))} KB"
    return f"{size / (1024 * 1024):.1f}".rstrip("0").rstrip(".") + " MB"


# Internals ------------------------------------------------------------------------------


def _read_limited(file_obj, max_bytes: int) -> bytes:
    """The file's bytes, refusing an empty file or one over max_bytes before any decoding."""
    if isinstance(file_obj, bytes | bytearray):
        data = bytes(file_obj)
    else:
        size = getattr(file_obj, "size", None)
        if isinstance(size, int) and size > max_bytes:
            raise _too_large(size, max_bytes)
        if hasattr(file_obj, "seek"):
            file_obj.seek(0)
        data = file_obj.read(max_bytes + 1)
    if len(data) > max_bytes:
        raise _too_large(len(data), max_bytes)
    if not data:
        raise UploadError("The file is empty. Choose the picture again.", code="empty")
    return data


def _process(data: bytes, max_pixels: int) -> ProcessedImage:
    try:
        opened = Image.open(io.BytesIO(data), formats=ACCEPTED_FORMATS)
    except UnidentifiedImageError as exc:
        raise UploadError(_unaccepted_format_message(data), code="unsupported_format") from exc

    with opened:
        # The header alone tells the size: refuse before decoding any pixel data.
        width, height = opened.size
        if width * height > max_pixels:
            raise _too_many_pixels((width, height), max_pixels)
        if width < 1 or height < 1:
            raise UploadError("This picture has no pixels.", code="damaged")
        # Cameras write JPEGs with extra images (MPO: previews, depth maps); Pillow opens them
        # as MPO. They are JPEGs, and the first frame is the photograph.
        source_format = "JPEG" if opened.format == "MPO" else opened.format
        if source_format != "JPEG" and getattr(opened, "n_frames", 1) > 1:
            raise UploadError(
                "Animated pictures are not accepted. Save a still frame as "
                f"{ACCEPTED_DESCRIPTION} and upload that.",
                code="animated",
            )
        if ImageFile.LOAD_TRUNCATED_IMAGES:  # set globally by someone: do not trust load()
            logger.warning("PIL.ImageFile.LOAD_TRUNCATED_IMAGES is on; truncation goes unseen.")
        opened.load()  # decodes everything: a truncated or corrupt file fails here
        icc_profile = opened.info.get("icc_profile")
        upright = ImageOps.exif_transpose(opened)

    srgb = _to_srgb(upright, icc_profile)
    # A fresh image holding only the pixels: no EXIF, XMP, IPTC, text chunks or ICC profile.
    clean = Image.frombytes(srgb.mode, srgb.size, srgb.tobytes())
    if source_format == "JPEG" and clean.mode != "RGB":
        clean = clean.convert("RGB")

    buffer = io.BytesIO()
    clean.save(buffer, source_format, **ORIGINAL_SAVE_OPTIONS[source_format])
    return ProcessedImage(
        content=buffer.getvalue(),
        format=source_format,
        width=clean.width,
        height=clean.height,
        image=clean,
    )


def _to_srgb(image: Image.Image, icc_profile: bytes | None) -> Image.Image:
    """The image in mode RGB or RGBA, its colours converted to sRGB when it has a profile."""
    if icc_profile:
        try:
            source = ImageCms.ImageCmsProfile(io.BytesIO(icc_profile))
            if image.mode not in ("RGB", "RGBA", "CMYK", "L"):
                image = _normalise_mode(image)
            output_mode = "RGBA" if image.mode == "RGBA" else "RGB"
            converted = ImageCms.profileToProfile(image, source, _SRGB, outputMode=output_mode)
            if converted is not None:
                return _normalise_mode(converted)
        except (ImageCms.PyCMSError, OSError, ValueError, TypeError) as exc:
            # A broken or mismatched profile: keep the pixel values as they are.
            logger.info("Ignored an ICC profile that could not be applied: %r", exc)
    return _normalise_mode(image)


def _normalise_mode(image: Image.Image) -> Image.Image:
    """RGB, or RGBA when the image really has transparency."""
    if image.mode in ("I;16", "I;16B", "I;16L", "I;16N", "I"):
        # 16-bit greyscale: scale to 8 bits (convert() alone would clip to white).
        image = image.convert("I").point(lambda value: value * (1 / 256)).convert("L")
    elif image.mode == "F":
        image = image.point(lambda value: value * 255).convert("L")
    if image.has_transparency_data:
        image = image.convert("RGBA")
        if image.getchannel("A").getextrema() == (255, 255):
            return image.convert("RGB")  # an alpha channel that hides nothing
        return image
    return image if image.mode == "RGB" else image.convert("RGB")


def _too_large(size: int, max_bytes: int) -> UploadError:
    return UploadError(
        f"This file is {describe_size(size)}; the limit is {describe_size(max_bytes)}. "
        "Save a smaller copy (for example as a JPEG at 3000 pixels wide) and upload that.",
        code="too_large",
    )


def _too_many_pixels(size: tuple[int, int] | None, max_pixels: int) -> UploadError:
    limit = f"{max_pixels / 1_000_000:g} million pixels"
    stated = f" ({size[0]:,} × {size[1]:,} pixels)" if size else ""
    return UploadError(
        f"This picture is too large in pixels{stated}; the limit is {limit}. "
        "Save a smaller copy (for example 3000 pixels wide) and upload that.",
        code="too_many_pixels",
    )


def _unaccepted_format_message(data: bytes) -> str:
    """Name what the file seems to be, for the message only: acceptance is by decoding."""
    head = data[:1024]
    stripped = head.lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    kinds = [
        (head.startswith((b"GIF87a", b"GIF89a")), "a GIF image"),
        (b"<svg" in stripped or stripped.startswith(b"<?xml"), "an SVG drawing"),
        (head.startswith(b"%PDF"), "a PDF document"),
        (head[4:12] in (b"ftypheic", b"ftypheix", b"ftypmif1", b"ftyphevc"), "a HEIC photo"),
        (head[4:12] in (b"ftypavif", b"ftypavis"), "an AVIF picture"),
        (head.startswith((b"II*\x00", b"MM\x00*")), "a TIFF image"),
        (head.startswith(b"BM"), "a BMP image"),
    ]
    kind = next((name for matches, name in kinds if matches), None)
    if kind:
        return (
            f"This file is {kind}, which is not accepted. Upload {ACCEPTED_DESCRIPTION} "
            "(open it in an image editor or preview app and export it as JPEG or PNG)."
        )
    return (
        f"This file is not {ACCEPTED_DESCRIPTION}: its content is not an image, even if its "
        "name ends in .jpg or .png. Choose the picture file itself, or export it again as "
        "JPEG or PNG."
    )
