"""File work of the pipeline that runs in a PDF process (memory- and time-limited):
an upload made into the PDF the version's renditions start from."""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass
from pathlib import Path

import pikepdf

from paless_shared.platform.formats import PDF_MIME_TYPE
from paless_worker.imaging import image_to_pdf, sniff_file
from paless_worker.ocr import pages
from paless_worker.ocr.pages import Word
from paless_worker.pdf import InvalidDocument


@dataclass(frozen=True)
class Prepared:
    mime_type: str
    path: Path  # the PDF to read: the original itself, or a converted/decrypted copy
    converted: bool  # an image made into a PDF
    decrypted: bool


def prepare(source: Path, target: Path, password: str | None) -> Prepared:
    """The PDF that processing starts from: an image becomes one (img2pdf); a PDF
    that needs a password to open is decrypted with the one given; any other PDF is
    read as it is. The original file is never changed."""
    mime_type = sniff_file(source)
    if mime_type is None:
        raise InvalidDocument("the file is not of an accepted type")
    if mime_type != PDF_MIME_TYPE:
        image_to_pdf(source, target)
        return Prepared(mime_type, target, converted=True, decrypted=False)
    try:
        with pikepdf.open(source):
            return Prepared(mime_type, source, converted=False, decrypted=False)
    except pikepdf.PasswordError:
        pass
    except (pikepdf.PdfError, ValueError, OSError, MemoryError):
        # Damaged: the parser that reads it next says how, for the owner.
        return Prepared(mime_type, source, converted=False, decrypted=False)
    if not password:
        raise InvalidDocument(
            "the PDF is encrypted and needs a password to open: reprocess it with its password"
        )
    pages.decrypt(source, target, password)
    return Prepared(mime_type, target, converted=False, decrypted=True)


def split_pages(source: Path, folder: Path) -> list[Path]:
    """One PDF per page of `source`, in order."""
    return [part.path for part in pages.split(source, folder, 1)]


def assemble(parts: list[Path], target: Path) -> bool:
    """The archive from the OCRed pages; whether it is PDF/A."""
    return pages.assemble(parts, target)


def words_json(words: tuple[Word, ...] | list[Word]) -> bytes:
    return json.dumps([asdict(word) for word in words], separators=(",", ":")).encode()
