"""Pages of a PDF as units of work: an unencrypted copy, page ranges cut out, pages put
back together in order, and what a page says (its text and where each word is).

pikepdf (qpdf) moves pages; pypdfium2 reads text. The source file is never written:
every function writes a new file. Saved files get an /ID derived from their content,
so the same inputs always give the same bytes.
"""

from __future__ import annotations

import io
import logging
import shutil
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import pikepdf
import pikepdf.pdfa as pdfa
import pypdfium2 as pdfium

from paless_worker.pdf import InvalidDocument

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Word:
    """A word and its box on the page as fractions of the page's width and height,
    measured from the top-left corner of the page as displayed (rotation applied)."""

    text: str
    left: float
    top: float
    right: float
    bottom: float


@dataclass(frozen=True)
class PageRange:
    first: int  # page numbers from 1, both included
    last: int
    path: Path


def open_pdf(source: Path, password: str | None = None) -> pikepdf.Pdf:
    """Open a PDF, decrypting it with `password` when it needs one."""
    try:
        return pikepdf.open(source, password=password or "")
    except pikepdf.PasswordError:
        if password:
            raise InvalidDocument("the password given does not open the PDF") from None
        raise InvalidDocument("the PDF is encrypted and needs a password to open") from None
    except (pikepdf.PdfError, ValueError, OSError) as exc:
        raise InvalidDocument(f"not a valid PDF: {exc}") from None


def page_count(source: Path, password: str | None = None) -> int:
    with open_pdf(source, password) as pdf:
        count = len(pdf.pages)
    if count == 0:
        raise InvalidDocument("the PDF has no pages")
    return count


def decrypt(source: Path, target: Path, password: str | None = None) -> int:
    """Write an unencrypted copy of `source` to `target` (the source is left as it
    is); returns the page count."""
    with open_pdf(source, password) as pdf:
        count = len(pdf.pages)
        _save(pdf, target)
    return count


def extract_pages(
    source: Path, target: Path, first: int, last: int, password: str | None = None
) -> None:
    """Write pages `first`..`last` (from 1, both included) of `source` to `target`."""
    with open_pdf(source, password) as pdf:
        count = len(pdf.pages)
        if not 1 <= first <= last <= count:
            raise ValueError(f"pages {first}-{last} are not all in a PDF of {count} pages")
        with pikepdf.new() as part:
            part.pages.extend(pdf.pages[first - 1 : last])
            _save(part, target)


def split(
    source: Path, folder: Path, pages_per_part: int = 1, password: str | None = None
) -> list[PageRange]:
    """Cut `source` into parts of `pages_per_part` pages, written into `folder`."""
    if pages_per_part < 1:
        raise ValueError("pages_per_part must be at least 1")
    folder.mkdir(parents=True, exist_ok=True)
    parts = []
    with open_pdf(source, password) as pdf:
        count = len(pdf.pages)
        if count == 0:
            raise InvalidDocument("the PDF has no pages")
        for first in range(1, count + 1, pages_per_part):
            last = min(first + pages_per_part - 1, count)
            path = folder / f"pages-{first:05d}-{last:05d}.pdf"
            with pikepdf.new() as part:
                part.pages.extend(pdf.pages[first - 1 : last])
                _save(part, path)
            parts.append(PageRange(first, last, path))
    return parts


def split_into_pages(source: Path, folder: Path, first_number: int = 1) -> list[Path]:
    """One file per page of `source`, keeping the document catalogue's PDF/A
    declaration (metadata and output intent) on each, so a PDF/A page stays one
    (checked with pikepdf's PDF/A validator when there was more than one page)."""
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    with open_pdf(source) as pdf:
        count = len(pdf.pages)
        declared = bool(pdf.open_metadata().pdfa_status)
        if count == 1:
            path = folder / f"page-{first_number:05d}.pdf"
            shutil.copyfile(source, path)
            return [path]
        for index in range(count):
            path = folder / f"page-{first_number + index:05d}.pdf"
            with pikepdf.new() as page:
                page.pages.append(pdf.pages[index])
                _copy_catalogue(pdf, page)
                _save(page, path, version=pdf.pdf_version)
            if declared:
                _keep_pdfa_only_if_valid(path)
            paths.append(path)
    return paths


def assemble(pages: Sequence[Path], target: Path) -> bool:
    """Join single-page (or few-page) PDFs, in the order given, into `target`.

    Deterministic and idempotent: the same files give the same bytes. The result
    declares PDF/A only when every part does; returns whether it does.
    """
    if not pages:
        raise ValueError("nothing to assemble")
    all_pdfa = all(is_pdfa(path) for path in pages)
    with open_pdf(pages[0]) as first:
        version = first.pdf_version
        with pikepdf.new() as joined:
            _copy_catalogue(first, joined)
            for path in pages:
                with open_pdf(path) as part:
                    joined.pages.extend(part.pages)
                    version = max(version, part.pdf_version)
            if not all_pdfa:
                _drop_pdfa_declaration(joined)
            _save(joined, target, version=version)
    return all_pdfa and _keep_pdfa_only_if_valid(target)


def is_pdfa(path: Path) -> bool:
    with open_pdf(path) as pdf:
        return bool(pdf.open_metadata().pdfa_status)


def _keep_pdfa_only_if_valid(path: Path) -> bool:
    """Check a file that declares PDF/A with pikepdf's validator; when it does not
    pass, rewrite it without the declaration. Returns whether it passed."""
    with open_pdf(path) as pdf:
        part = pdf.open_metadata().pdfa_status
        flavour = f"{part[:1]}{part[1:].lower()}"
    if flavour not in ("1b", "2b", "3b"):
        return False
    if pdfa.validate_written(path, flavour).passed:
        return True
    log.warning("ocr.pdfa.invalid", extra={"path": str(path)})
    with open_pdf(path) as pdf:
        _drop_pdfa_declaration(pdf)
        data = io.BytesIO()
        pdf.save(data, deterministic_id=True, min_version=pdf.pdf_version)
    path.write_bytes(data.getvalue())
    return False


def _copy_catalogue(source: pikepdf.Pdf, target: pikepdf.Pdf) -> None:
    for key in ("/Metadata", "/OutputIntents", "/MarkInfo", "/Lang"):
        if key not in source.Root:
            continue
        value = source.Root[key]
        if isinstance(value, pikepdf.String):
            target.Root[key] = pikepdf.String(str(value))  # a plain value, kept direct
            continue
        if not value.is_indirect:
            # copy_foreign takes indirect objects only; the source is not saved.
            value = source.make_indirect(value)
        target.Root[key] = target.copy_foreign(value)


def _drop_pdfa_declaration(pdf: pikepdf.Pdf) -> None:
    if "/Metadata" not in pdf.Root:
        return
    with pdf.open_metadata(set_pikepdf_as_editor=False, update_docinfo=False) as meta:
        for key in ("pdfaid:part", "pdfaid:conformance"):
            if key in meta:
                del meta[key]


def _save(pdf: pikepdf.Pdf, target: Path, version: str = "") -> None:
    pdf.save(target, deterministic_id=True, min_version=version, compress_streams=True)


def page_texts(source: Path) -> list[tuple[str, list[Word]]]:
    """Each page's text (lines joined by newlines) and its words with their boxes."""
    try:
        document = pdfium.PdfDocument(source)
    except pdfium.PdfiumError as exc:
        raise InvalidDocument(f"not a valid PDF: {exc}") from None
    try:
        return [_page_text(document[index]) for index in range(len(document))]
    finally:
        document.close()


def _page_text(page: pdfium.PdfPage) -> tuple[str, list[Word]]:
    textpage = page.get_textpage()
    try:
        count = textpage.count_chars()
        if count <= 0:
            return "", []
        text = textpage.get_text_range(0, count)
        words = _words(textpage, text, count, _Frame(page))
    finally:
        textpage.close()
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    return "\n".join(line.rstrip() for line in lines).strip(), words


class _Frame:
    """Maps pdfium's page coordinates (points, origin bottom-left, unrotated) to
    fractions of the displayed page from its top-left corner."""

    def __init__(self, page: pdfium.PdfPage) -> None:
        self.left, self.bottom, right, top = page.get_bbox()
        self.width = max(right - self.left, 1e-6)
        self.height = max(top - self.bottom, 1e-6)
        self.rotation = page.get_rotation() % 360

    def point(self, x: float, y: float) -> tuple[float, float]:
        u = (x - self.left) / self.width
        v = 1 - (y - self.bottom) / self.height
        if self.rotation == 90:
            return 1 - v, u
        if self.rotation == 180:
            return 1 - u, 1 - v
        if self.rotation == 270:
            return v, 1 - u
        return u, v

    def box(self, left: float, bottom: float, right: float, top: float) -> tuple[float, ...]:
        (x1, y1), (x2, y2) = self.point(left, top), self.point(right, bottom)
        return tuple(
            round(min(max(value, 0.0), 1.0), 5)
            for value in (min(x1, x2), min(y1, y2), max(x1, x2), max(y1, y2))
        )


def _words(textpage: pdfium.PdfTextPage, text: str, count: int, frame: _Frame) -> list[Word]:
    words: list[Word] = []
    letters: list[str] = []
    boxes: list[tuple[float, float, float, float]] = []

    def close_word() -> None:
        if letters:
            left = min(box[0] for box in boxes)
            bottom = min(box[1] for box in boxes)
            right = max(box[2] for box in boxes)
            top = max(box[3] for box in boxes)
            edges = frame.box(left, bottom, right, top)
            words.append(Word("".join(letters), *edges))
            letters.clear()
            boxes.clear()

    index = 0  # pdfium counts UTF-16 code units: a character beyond the BMP takes two
    for char in text:
        if char.isspace() or char == "\x00":
            close_word()
        elif index < count:
            letters.append(char)
            boxes.append(textpage.get_charbox(index))
        index += 2 if ord(char) > 0xFFFF else 1
    close_word()
    return words
