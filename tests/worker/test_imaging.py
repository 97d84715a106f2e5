"""`paless_worker.imaging`: every accepted image type becomes a PDF with its pages;
hostile images end with a reason for the owner, never a crash."""

from __future__ import annotations

from pathlib import Path

import pikepdf
import pypdfium2 as pdfium
import pytest
from PIL import Image

from paless_worker import imaging
from paless_worker.pdf import InvalidDocument
from tests.pdfs import text_pdf
from tests.worker import scans

PAGE = scans.page_image("Hello paper")


def convert(tmp_path: Path, content: bytes, name: str = "upload") -> imaging.ConvertedImage:
    source = tmp_path / name
    source.write_bytes(content)
    result = imaging.image_to_pdf(source, tmp_path / "out.pdf")
    assert source.read_bytes() == content  # the original is never touched
    return result


def pages_of(tmp_path: Path) -> int:
    with pikepdf.open(tmp_path / "out.pdf") as pdf:
        return len(pdf.pages)


def rendered_page(tmp_path: Path) -> Image.Image:
    document = pdfium.PdfDocument(tmp_path / "out.pdf")
    try:
        return document[0].render(scale=1).to_pil().convert("L")
    finally:
        document.close()


@pytest.mark.parametrize(
    ("content", "mime_type", "pages", "lossless"),
    [
        (scans.encoded(PAGE, "JPEG"), "image/jpeg", 1, True),
        (scans.encoded(PAGE, "PNG"), "image/png", 1, True),
        (scans.multipage_tiff(PAGE, scans.page_image("two"), PAGE), "image/tiff", 3, True),
        (scans.encoded(PAGE, "WEBP"), "image/webp", 1, True),
        (scans.encoded(PAGE, "BMP"), "image/bmp", 1, True),
        (scans.heic(PAGE), "image/heic", 1, False),
        # An animation is not a sequence of pages: the first frame is the page.
        (scans.animated_gif(PAGE, scans.page_image("frame two")), "image/gif", 1, True),
    ],
    ids=["jpeg", "png", "tiff-3-pages", "webp", "bmp", "heic", "animated-gif"],
)
def test_each_accepted_type_becomes_a_pdf(
    tmp_path: Path, content: bytes, mime_type: str, pages: int, lossless: bool
) -> None:
    result = convert(tmp_path, content)

    assert result == imaging.ConvertedImage(mime_type, pages, lossless)
    assert mime_type in imaging.ACCEPTED_MIME_TYPES
    assert pages_of(tmp_path) == pages
    # The text is on the page: dark ink on white paper, not a blank or black page.
    lightest, darkest = rendered_page(tmp_path).getextrema()[::-1]
    assert darkest < 80 and lightest > 230


def test_the_type_comes_from_the_bytes_not_the_name(tmp_path: Path) -> None:
    result = convert(tmp_path, scans.encoded(PAGE, "PNG"), name="scan.pdf")

    assert result.mime_type == "image/png"
    assert imaging.sniff_mime_type(text_pdf("x")[:1024]) == "application/pdf"
    assert imaging.sniff_mime_type(b"PK\x03\x04 a zip file, not an image") is None


@pytest.mark.parametrize(
    ("content", "reason"),
    [
        (scans.png_bomb(), "the image has more than 100,000,000 pixels, the most allowed"),
        (scans.truncated_jpeg(PAGE), "the image is damaged or truncated"),
        (
            scans.encoded(Image.new("L", (1, 100_000), 255), "PNG"),
            "the image is 1x100000 pixels: a page must be at least 8 pixels wide and high",
        ),
        (
            scans.encoded(Image.new("L", (60, 6000), 255), "PNG"),
            "a page may be at most 50 times longer than it is wide",
        ),
        (b"GIF89a" + b"\x00" * 40, "the image is damaged"),
        (b"plain text, no image at all", "not a supported image"),
    ],
    ids=["png-bomb", "truncated-jpeg", "1x100000-strip", "too-long", "broken-gif", "text"],
)
def test_hostile_images_fail_with_a_reason(tmp_path: Path, content: bytes, reason: str) -> None:
    with pytest.raises(InvalidDocument, match=reason.replace("(", r"\(").replace(")", r"\)")):
        convert(tmp_path, content)
    assert not (tmp_path / "out.pdf").exists()


@pytest.mark.parametrize(
    "content",
    [scans.encoded(PAGE.convert("CMYK"), "TIFF"), scans.sixteen_bit_tiff(PAGE)],
    ids=["cmyk-tiff", "16-bit-tiff"],
)
def test_unusual_tiffs_become_readable_pages(tmp_path: Path, content: bytes) -> None:
    result = convert(tmp_path, content)

    assert result.page_count == 1
    lightest, darkest = rendered_page(tmp_path).getextrema()[::-1]
    assert darkest < 80 and lightest > 230


def test_a_smaller_pixel_limit_applies(tmp_path: Path) -> None:
    source = tmp_path / "page.png"
    source.write_bytes(scans.encoded(PAGE, "PNG"))

    with pytest.raises(InvalidDocument, match="more than"):
        imaging.image_to_pdf(source, tmp_path / "out.pdf", max_pixels=10_000)
