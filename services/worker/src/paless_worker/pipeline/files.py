"""File work of the pipeline that runs in a PDF process (memory- and time-limited):
an upload made into the PDF the version's renditions start from."""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass
from pathlib import Path

from paless_shared.platform.formats import PDF_MIME_TYPE
from paless_worker import pdf
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


@dataclass(frozen=True)
class Read:
    prepared: Prepared
    parsed: pdf.ParsedPdf


def read(source: Path, target: Path, password: str | None, thumbnail_width: int) -> Read:
    """Everything ingest needs from a file, in one call in the PDF process: the PDF
    that processing starts from — an image becomes one (img2pdf); a PDF that needs a
    password to open is decrypted with the one given (pikepdf) into `target`; any
    other PDF is read as it is — and what that PDF says (`pdf.parse`). The original
    file is never changed."""
    mime_type = sniff_file(source)
    if mime_type is None:
        raise InvalidDocument("the file is not of an accepted type")
    if mime_type != PDF_MIME_TYPE:
        image_to_pdf(source, target)
        prepared = Prepared(mime_type, target, converted=True, decrypted=False)
        return Read(prepared, pdf.parse(target, thumbnail_width))
    try:
        # Damaged files fail here with the parser's own reason, for the owner.
        parsed = pdf.parse(source, thumbnail_width)
        return Read(Prepared(mime_type, source, converted=False, decrypted=False), parsed)
    except pdf.PasswordRequired:
        if not password:
            raise InvalidDocument(
                "the PDF is encrypted and needs a password to open: reprocess it with its password"
            ) from None
    pages.decrypt(source, target, password)
    prepared = Prepared(mime_type, target, converted=False, decrypted=True)
    return Read(prepared, pdf.parse(target, thumbnail_width))


def split_pages(source: Path, folder: Path) -> list[Path]:
    """One PDF per page of `source`, in order."""
    return [part.path for part in pages.split(source, folder, 1)]


def assemble(parts: list[Path], target: Path) -> bool:
    """The archive from the OCRed pages; whether it is PDF/A."""
    return pages.assemble(parts, target)


def words_json(words: tuple[Word, ...] | list[Word]) -> bytes:
    return json.dumps([asdict(word) for word in words], separators=(",", ":")).encode()
