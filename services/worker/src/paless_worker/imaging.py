"""Images to PDF: scans and phone photos become a PDF that OCR can read.

The type comes from the file's first bytes, never from its name. Conversion is
lossless where PDF can hold the format's data (img2pdf embeds JPEG as it is and
re-encodes PNG, TIFF, WebP, GIF and BMP pixels losslessly); HEIC/HEIF, whose codec
PDF cannot hold, is decoded with Pillow and stored as a high-quality JPEG. Every
image is decoded once before conversion, so a damaged or truncated file fails here
with a reason rather than later as an unreadable page.

Animated GIFs keep their first frame only: GIF animation is not a sequence of
pages, and hundreds of frames would make hundreds of pages. Multi-page TIFFs keep
every page. Runs in a worker process, never on the event loop; problems with the
file raise `InvalidDocument` with a reason meant for the document's owner.
"""

from __future__ import annotations

import io
import warnings
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import img2pdf
import pillow_heif
from PIL import Image, ImageOps, UnidentifiedImageError

from paless_shared.platform.formats import (
    ACCEPTED_MIME_TYPES,
    IMAGE_MIME_TYPES,
    PDF_MIME_TYPE,
    sniff_mime_type,
)
from paless_worker.pdf import InvalidDocument

pillow_heif.register_heif_opener()

# What an upload may be (the list the API's 415 answer gives) lives in the shared
# package: the web sniffs uploads with the same function.
__all__ = [
    "ACCEPTED_MIME_TYPES",
    "IMAGE_MIME_TYPES",
    "PDF_MIME_TYPE",
    "ConvertedImage",
    "image_to_pdf",
    "sniff_file",
    "sniff_mime_type",
]

DEFAULT_MAX_PIXELS = 100_000_000  # per image or page; a 600 dpi A4 scan is 35 million
MAX_PAGES = 500
MIN_SIDE = 8  # pixels: narrower than this holds nothing a person could read
MAX_ASPECT_RATIO = 50  # a long till receipt is about 1:15
FALLBACK_DPI = 300  # when an image states no resolution, or a nonsensical one
PLAUSIBLE_DPI = (50.0, 2400.0)
HEIF_JPEG_QUALITY = 92

# img2pdf copies JPEG data as it is, and re-encodes these formats' pixels losslessly.
_IMG2PDF_TYPES = {"image/jpeg", "image/png", "image/tiff", "image/webp", "image/bmp"}


@dataclass(frozen=True)
class ConvertedImage:
    mime_type: str
    page_count: int
    lossless: bool  # the PDF holds the image's own data or its exact pixels


def sniff_file(path: Path) -> str | None:
    with path.open("rb") as file:
        return sniff_mime_type(file.read(1024))


def image_to_pdf(
    source: Path, target: Path, *, max_pixels: int = DEFAULT_MAX_PIXELS
) -> ConvertedImage:
    """Write `source` (an image of an accepted type) as a PDF to `target`."""
    mime_type = sniff_file(source)
    if mime_type is None or mime_type == PDF_MIME_TYPE:
        raise InvalidDocument(
            "not a supported image: accepted are JPEG, PNG, TIFF, WebP, GIF, BMP and HEIC/HEIF"
        )
    try:
        pdf, lossless, pages = _convert(source, mime_type, max_pixels)
    except MemoryError:
        raise InvalidDocument("the image needs more memory to convert than is allowed") from None
    target.write_bytes(pdf)
    return ConvertedImage(mime_type=mime_type, page_count=pages, lossless=lossless)


def _convert(source: Path, mime_type: str, max_pixels: int) -> tuple[bytes, bool, int]:
    with _opened(source, max_pixels) as image:
        count = _page_count(image, mime_type)
        for number in _pages(image, count):
            _check_page(image, number, count, max_pixels)
            _decode(image, number, count)
        dpi = _dpi(image)
        whole_file = mime_type == "image/tiff" or count == getattr(image, "n_frames", 1)
        if mime_type in _IMG2PDF_TYPES and whole_file:
            converted = _img2pdf([source.read_bytes()], dpi)
            if converted is not None:
                return converted, True, count
        # The first frame of an animation, HEIF (a codec PDF cannot hold), or what
        # img2pdf refused (e.g. 16-bit TIFF): re-encode the decoded pixels.
        encoded = [_reencode(image, mime_type) for _ in _pages(image, count)]
    converted = _img2pdf(encoded, dpi)
    if converted is None:
        raise InvalidDocument(f"the {_name(mime_type)} image cannot be converted to a PDF")
    return converted, mime_type not in ("image/heic", "image/heif"), count


class _opened:
    """Open an image with a pixel limit, turning Pillow's bomb check into an error."""

    def __init__(self, source: Path, max_pixels: int) -> None:
        self._source = source
        self._max_pixels = max_pixels
        self._image: Image.Image | None = None
        self._previous_limit = Image.MAX_IMAGE_PIXELS

    def __enter__(self) -> Image.Image:
        # Pillow's limit is process-wide: set for this file, given back after it.
        Image.MAX_IMAGE_PIXELS = self._max_pixels
        try:
            self._image = self._open()
        except BaseException:
            Image.MAX_IMAGE_PIXELS = self._previous_limit
            raise
        return self._image

    def _open(self) -> Image.Image:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            try:
                return Image.open(self._source)
            except (Image.DecompressionBombError, Image.DecompressionBombWarning):
                raise InvalidDocument(
                    f"the image has more than {self._max_pixels:,} pixels, the most allowed"
                ) from None
            except UnidentifiedImageError:
                raise InvalidDocument("the image is damaged: its format cannot be read") from None
            except (OSError, ValueError, SyntaxError) as exc:
                raise InvalidDocument(f"the image is damaged: {exc}") from None

    def __exit__(self, *exc_info: object) -> None:
        Image.MAX_IMAGE_PIXELS = self._previous_limit
        if self._image is not None:
            self._image.close()


def _page_count(image: Image.Image, mime_type: str) -> int:
    """TIFF pages are pages; other formats' extra frames (animation, bursts) are not."""
    if mime_type != "image/tiff":
        return 1
    count = int(getattr(image, "n_frames", 1))
    if count > MAX_PAGES:
        raise InvalidDocument(f"the image has {count} pages; at most {MAX_PAGES} are accepted")
    return count


def _pages(image: Image.Image, count: int) -> Iterator[int]:
    """Seek `image` to each page in turn, yielding its number (from 1)."""
    for index in range(count):
        try:
            image.seek(index)
        except (OSError, EOFError, ValueError) as exc:
            raise InvalidDocument(f"page {index + 1} of the image is damaged: {exc}") from None
        yield index + 1


def _where(number: int, count: int) -> str:
    return f"page {number} of the image" if count > 1 else "the image"


def _check_page(frame: Image.Image, number: int, count: int, max_pixels: int) -> None:
    width, height = frame.size
    where = _where(number, count)
    if width * height > max_pixels:
        raise InvalidDocument(
            f"{where} is {width}x{height} pixels, more than the {max_pixels:,} allowed"
        )
    if min(width, height) < MIN_SIDE:
        raise InvalidDocument(
            f"{where} is {width}x{height} pixels: a page must be at least "
            f"{MIN_SIDE} pixels wide and high"
        )
    if max(width, height) > MAX_ASPECT_RATIO * min(width, height):
        raise InvalidDocument(
            f"{where} is {width}x{height} pixels: a page may be at most "
            f"{MAX_ASPECT_RATIO} times longer than it is wide"
        )


def _decode(frame: Image.Image, number: int, count: int) -> None:
    """Decode every pixel now: a truncated or corrupt file fails here, clearly."""
    where = _where(number, count)
    try:
        frame.load()
    except (OSError, ValueError, SyntaxError, EOFError) as exc:
        raise InvalidDocument(f"{where} is damaged or truncated: {exc}") from None


def _dpi(image: Image.Image) -> tuple[float, float]:
    dpi = image.info.get("dpi")
    try:
        x, y = float(dpi[0]), float(dpi[1])  # type: ignore[index]
    except (TypeError, ValueError, IndexError):
        return (FALLBACK_DPI, FALLBACK_DPI)
    low, high = PLAUSIBLE_DPI
    if low <= x <= high and low <= y <= high:
        return (x, y)
    return (FALLBACK_DPI, FALLBACK_DPI)


def _img2pdf(images: list[bytes], dpi: tuple[float, float]) -> bytes | None:
    layout = img2pdf.get_fixed_dpi_layout_fun(dpi)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            pdf: bytes = img2pdf.convert(
                images, layout_fun=layout, rotation=img2pdf.Rotation.ifvalid
            )
            return pdf
    except (img2pdf.ImageOpenError, img2pdf.PdfTooLargeError, ValueError, OSError, TypeError):
        return None
    except Exception:  # img2pdf raises bare Exceptions for some unsupported layouts
        return None


def _reencode(frame: Image.Image, mime_type: str) -> bytes:
    image = ImageOps.exif_transpose(frame)
    image = _eight_bit(image)
    buffer = io.BytesIO()
    if mime_type in ("image/heic", "image/heif"):
        image.convert("RGB").save(buffer, format="JPEG", quality=HEIF_JPEG_QUALITY)
    else:
        image.save(buffer, format="PNG")
    return buffer.getvalue()


def _eight_bit(image: Image.Image) -> Image.Image:
    """A mode PNG and PDF both hold: 16-bit and float greys are scaled to 8 bits,
    transparency is flattened onto white (paper), CMYK becomes RGB."""
    if image.mode in ("I;16", "I;16B", "I;16L", "I;16N", "I", "F"):
        high = 65535.0 if image.mode.startswith("I;16") else _peak(image)
        scale = 255.0 / high if high else 1.0
        return image.convert("F").point(lambda value: value * scale).convert("L")
    if image.mode in ("RGBA", "LA", "PA") or (image.mode == "P" and "transparency" in image.info):
        rgba = image.convert("RGBA")
        paper = Image.new("RGBA", rgba.size, (255, 255, 255, 255))
        return Image.alpha_composite(paper, rgba).convert("RGB")
    if image.mode in ("1", "L", "RGB", "P"):
        return image
    return image.convert("RGB")


def _peak(image: Image.Image) -> float:
    extrema = image.getextrema()
    high = extrema[1] if isinstance(extrema, tuple) else 0
    return float(high) if isinstance(high, int | float) and high > 0 else 1.0


def _name(mime_type: str) -> str:
    return mime_type.removeprefix("image/").upper()
