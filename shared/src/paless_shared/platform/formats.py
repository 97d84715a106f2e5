"""The file types paless accepts, told apart by their first bytes (never by a name).

PDFs are read as they are; images (scans, phone photos) become a PDF in the worker.
The web checks uploads with `sniff_mime_type`, and its 415 answer lists
`ACCEPTED_MIME_TYPES`.
"""

from __future__ import annotations

PDF_MIME_TYPE = "application/pdf"
IMAGE_MIME_TYPES: tuple[str, ...] = (
    "image/jpeg",
    "image/png",
    "image/tiff",
    "image/webp",
    "image/gif",
    "image/bmp",
    "image/heic",
    "image/heif",
)
ACCEPTED_MIME_TYPES: tuple[str, ...] = (PDF_MIME_TYPE, *IMAGE_MIME_TYPES)
# PDF readers accept the header anywhere in the first kilobyte.
SNIFF_BYTES = 1024

_PDF_MAGIC = b"%PDF-"
_HEIC_BRANDS = {b"heic", b"heix", b"hevc", b"hevx", b"heim", b"heis", b"hevm", b"hevs"}
_HEIF_BRANDS = {b"mif1", b"msf1", b"mif2"}


def sniff_mime_type(head: bytes) -> str | None:
    """The type of a file from its first bytes (at least 16; 1024 finds a PDF header
    after junk, as PDF readers do), or None when paless does not accept it."""
    if head.startswith(b"\xff\xd8\xff"):
        return "image/jpeg"
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "image/png"
    if head[:4] in (b"II*\x00", b"MM\x00*", b"II+\x00", b"MM\x00+"):
        return "image/tiff"
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "image/webp"
    if head[:6] in (b"GIF87a", b"GIF89a"):
        return "image/gif"
    if head[:2] == b"BM" and len(head) >= 14:
        return "image/bmp"
    if head[4:8] == b"ftyp":
        brand = head[8:12]
        if brand in _HEIC_BRANDS:
            return "image/heic"
        if brand in _HEIF_BRANDS:
            return "image/heif"
        return None
    if _PDF_MAGIC in head[:SNIFF_BYTES]:
        return PDF_MIME_TYPE
    return None


def unsupported_message() -> str:
    """Why a file was refused, listing what is accepted."""
    return (
        "the file is not of an accepted type; accepted are PDF, JPEG, PNG, TIFF, WebP, GIF, "
        f"BMP and HEIC/HEIF ({', '.join(ACCEPTED_MIME_TYPES)})"
    )
