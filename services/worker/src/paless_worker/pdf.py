"""PDF reading: page count, metadata and text (pypdf), page-1 thumbnail (pypdfium2).

Runs in a worker's process pool, never on the event loop. Problems with the file
itself raise `InvalidDocument` with a reason meant for the document's owner.
"""

from __future__ import annotations

import ctypes
import io
import logging
import os
import resource
import signal
import sys
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pypdfium2 as pdfium
from pypdf import PdfReader
from pypdf.errors import (
    DependencyError,
    FileNotDecryptedError,
    LimitReachedError,
    PdfReadError,
    PyPdfError,
)

log = logging.getLogger(__name__)

PDF_MAGIC = b"%PDF-"
_METADATA_FIELDS = ("title", "author", "subject", "creator", "producer")


class InvalidDocument(Exception):
    """The file cannot be processed as it is; retrying will not help."""


class PasswordRequired(InvalidDocument):
    """The PDF is encrypted with a password other than the empty one."""


@dataclass(frozen=True)
class ParsedPdf:
    page_count: int
    text: str
    metadata: dict[str, Any]
    created_at: datetime | None
    thumbnail_webp: bytes | None


def limit_memory(megabytes: int) -> None:
    """Pool initializer: cap this process's address space, so a hostile file cannot
    take the machine's memory, and end this process when the worker that started it
    dies (even by SIGKILL), so it is not left behind holding that memory."""
    limit = megabytes * 1024 * 1024
    resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
    _die_with_parent()


def _die_with_parent() -> None:
    if not sys.platform.startswith("linux"):
        return
    pr_set_pdeathsig = 1
    libc = ctypes.CDLL(None, use_errno=True)
    libc.prctl(pr_set_pdeathsig, signal.SIGKILL)
    if os.getppid() == 1:  # the parent died before the line above took effect
        os._exit(1)


def ready() -> int:
    """A no-op run in each pool process at startup; importing this module there is
    what loads pypdf and pdfium."""
    return os.getpid()


def parse(path: Path, thumbnail_width: int) -> ParsedPdf:
    try:
        return _parse(path, thumbnail_width)
    except MemoryError:
        raise InvalidDocument("the PDF needs more memory to read than is allowed") from None


def _parse(path: Path, thumbnail_width: int) -> ParsedPdf:
    with path.open("rb") as file:
        if PDF_MAGIC not in file.read(1024):
            raise InvalidDocument("not a valid PDF: the file does not start with a PDF header")
    reader = _open(path)
    try:
        page_count = len(reader.pages)
    except (PdfReadError, PyPdfError, ValueError, KeyError) as exc:
        raise InvalidDocument(f"not a valid PDF: {exc}") from exc
    if page_count == 0:
        raise InvalidDocument("the PDF has no pages")
    metadata, created_at = _metadata(reader)
    return ParsedPdf(
        page_count=page_count,
        text=_text(reader),
        metadata=metadata,
        created_at=created_at,
        thumbnail_webp=_thumbnail(path, thumbnail_width),
    )


def _open(path: Path) -> PdfReader:
    try:
        reader = PdfReader(path)
        # Many PDFs are encrypted with an empty user password (only to restrict
        # printing or copying); those open without one. Others need a password.
        if reader.is_encrypted and not reader.decrypt(""):
            raise PasswordRequired("the PDF is encrypted and needs a password to open")
    except InvalidDocument:
        raise
    except (FileNotDecryptedError, DependencyError) as exc:
        raise InvalidDocument(f"the PDF is encrypted and cannot be opened: {exc}") from exc
    except (PdfReadError, PyPdfError, ValueError, KeyError, TypeError) as exc:
        raise InvalidDocument(f"not a valid PDF: {exc}") from exc
    return reader


def _metadata(reader: PdfReader) -> tuple[dict[str, Any], datetime | None]:
    try:
        info = reader.metadata
    except (PdfReadError, PyPdfError, ValueError, KeyError, TypeError):
        return {}, None
    if info is None:
        return {}, None
    values = {field: _clean(getattr(info, field, None)) for field in _METADATA_FIELDS}
    metadata = {field: value for field, value in values.items() if value}
    try:
        created_at = info.creation_date
    except (ValueError, TypeError):
        created_at = None
    return metadata, _usable_date(created_at)


def _usable_date(value: datetime | None) -> datetime | None:
    """A zone-aware date that exists in UTC, else None (a date without a zone cannot
    be placed in time; year 1 at +01:00 is year 0 in UTC, which Python cannot hold)."""
    if value is None or value.tzinfo is None:
        return None
    try:
        return value.astimezone(UTC)
    except (OverflowError, ValueError):
        return None


def _clean(value: object) -> str | None:
    if value is None:
        return None
    return storable_text(str(value)).strip()[:1000] or None


def storable_text(text: str) -> str:
    """Text Postgres accepts: no NUL characters, no lone surrogates (which broken
    font encodings produce) — those become U+FFFD."""
    return text.replace("\x00", "").encode("utf-8", "replace").decode("utf-8")


def _text(reader: PdfReader) -> str:
    """Text of every page, separated by form feeds; a page that fails to extract is
    left empty rather than failing the document."""
    pages = []
    for number, page in enumerate(reader.pages, start=1):
        try:
            pages.append(page.extract_text() or "")
        except LimitReachedError as exc:
            # A stream that inflates past pypdf's limit: a decompression bomb. Rendering
            # it would exhaust the process too, so the document fails here.
            raise InvalidDocument(
                "the PDF contains a stream that decompresses to more than is allowed"
            ) from exc
        except Exception as exc:  # pypdf raises many types on damaged content streams
            log.warning("pdf.text.page_failed", extra={"page": number, "error": str(exc)})
            pages.append("")
    return storable_text("\f".join(pages))


def _thumbnail(path: Path, width: int) -> bytes | None:
    try:
        document = pdfium.PdfDocument(path)
    except pdfium.PdfiumError as exc:
        log.warning("pdf.thumbnail.open_failed", extra={"error": str(exc)})
        return None
    try:
        page = document[0]
        scale = width / max(page.get_width(), 1.0)
        image = page.render(scale=scale).to_pil()
        buffer = io.BytesIO()
        image.save(buffer, format="WEBP", quality=80)
        return buffer.getvalue()
    except (pdfium.PdfiumError, ValueError, OSError) as exc:
        # A thumbnail is a convenience: a page pdfium cannot render, or one WebP cannot
        # hold (over 16,383 pixels on a side), leaves the document without one.
        log.warning("pdf.thumbnail.render_failed", extra={"error": str(exc)})
        return None
    finally:
        document.close()
