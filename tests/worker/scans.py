"""Scans and images built in code: short lines of large text at low resolution, so
Tesseract reads them in about a second, and hostile files made byte by byte."""

from __future__ import annotations

import importlib.resources
import io
import struct
import zlib

import img2pdf
import pillow_heif
from PIL import Image, ImageDraw, ImageFont

DPI = 150
# ocrmypdf ships Noto Sans, which has the German letters Pillow's default font lacks.
FONT = importlib.resources.files("ocrmypdf") / "data" / "NotoSans-Regular.ttf"


def page_image(*lines: str, width: int = 1000, mode: str = "L") -> Image.Image:
    """White paper with each line in 36-pixel text (about 17 pt at 150 dpi)."""
    image = Image.new("L", (width, 110 + 80 * len(lines)), 255)
    draw = ImageDraw.Draw(image)
    font = ImageFont.truetype(str(FONT), size=36)
    for index, line in enumerate(lines):
        draw.text((50, 50 + 80 * index), line, font=font, fill=0)
    return image.convert(mode) if mode != "L" else image


def a4_at_600_dpi(*lines: str) -> Image.Image:
    """A full A4 page at 600 dpi (35 million pixels) with lines of 10 pt text."""
    image = Image.new("L", (4960, 7016), 255)
    draw = ImageDraw.Draw(image)
    font = ImageFont.truetype(str(FONT), size=84)
    for index, line in enumerate(lines):
        draw.text((500, 600 + 160 * index), line, font=font, fill=0)
    return image


def encoded(image: Image.Image, format: str, **options: object) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, format=format, dpi=(DPI, DPI), **options)
    return buffer.getvalue()


def heic(image: Image.Image) -> bytes:
    pillow_heif.register_heif_opener()
    buffer = io.BytesIO()
    image.convert("RGB").save(buffer, format="HEIF", quality=90)
    return buffer.getvalue()


def scanned_pdf(*pages: Image.Image) -> bytes:
    """A PDF of page images and no text layer: what a scanner produces."""
    return img2pdf.convert([encoded(page, "PNG") for page in pages])


def multipage_tiff(*pages: Image.Image) -> bytes:
    buffer = io.BytesIO()
    pages[0].save(
        buffer, format="TIFF", save_all=True, append_images=list(pages[1:]), dpi=(DPI, DPI)
    )
    return buffer.getvalue()


def animated_gif(*frames: Image.Image) -> bytes:
    buffer = io.BytesIO()
    first, *rest = (frame.convert("P") for frame in frames)
    first.save(buffer, format="GIF", save_all=True, append_images=rest, duration=100, loop=0)
    return buffer.getvalue()


def sixteen_bit_tiff(image: Image.Image) -> bytes:
    """A 16-bit greyscale TIFF (values scaled from the 8-bit image)."""
    wide = image.convert("I").point(lambda value: value * 257).convert("I;16")
    return encoded(wide, "TIFF")


def png_bomb(width: int = 30_000, height: int = 30_000) -> bytes:
    """A valid PNG header claiming width x height pixels (900 million by default) over a
    tiny, highly compressed stream: a decompression bomb."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    header = struct.pack(">IIBBBBB", width, height, 1, 0, 0, 0, 0)  # 1-bit grey
    row = b"\x00" + b"\x00" * ((width + 7) // 8)
    compressor = zlib.compressobj(9)
    data = b"".join(compressor.compress(row) for _ in range(256)) + compressor.flush()
    return (
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", data) + chunk(b"IEND", b"")
    )


def truncated_jpeg(image: Image.Image) -> bytes:
    data = encoded(image, "JPEG", quality=90)
    return data[: len(data) // 2]
