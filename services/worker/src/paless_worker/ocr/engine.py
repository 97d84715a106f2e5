"""OCR of a unit of pages with ocrmypdf and Tesseract, inside an OCR process.

`run_unit` is what an OCR process runs (see `pool.py`): it reads a PDF holding a
few pages of a document and writes, per page, a single-page PDF with a text layer,
and returns that page's text and word boxes. It never needs Ghostscript: pages are
rasterized with pypdfium2 and PDF/A-2b is made by ocrmypdf's internal backend; when
ocrmypdf's PDF/A validator refuses a page, that page is a plain PDF instead.

Modes, as in paperless-ngx: `auto` reads only pages without text, `redo` replaces
an earlier OCR layer (visible text stays), `force` rasterizes every page and reads
it, `off` reads no page (pages pass through with the text they have).
"""

from __future__ import annotations

import functools
import logging
import shutil
import subprocess
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal, get_args

import ocrmypdf
import ocrmypdf.exceptions as ocr_errors

from paless_worker.ocr import pages as page_ops
from paless_worker.ocr.pages import Word
from paless_worker.pdf import InvalidDocument

log = logging.getLogger(__name__)

Mode = Literal["auto", "redo", "force", "off"]
MODES: tuple[str, ...] = get_args(Mode)
_OCRMYPDF_MODE = {"auto": "skip", "redo": "redo", "force": "force"}
_MAX_NOTES = 20


class OcrUnavailable(Exception):
    """This machine cannot OCR as asked (Tesseract, a language or a tool is missing):
    a problem of the installation, not of the document."""


class OcrFailed(InvalidDocument):
    """OCR of these pages failed in a way another attempt will not change."""


class OcrLimitExceeded(OcrFailed):
    """A unit ran past its time or memory limit."""


@dataclass(frozen=True)
class OcrSettings:
    mode: Mode = "auto"
    languages: tuple[str, ...] = ("eng",)
    deskew: bool = True
    rotate_pages: bool = True  # needs Tesseract's `osd` data; skipped with a note without
    clean: bool = False  # unpaper, for OCR only: the page image kept is the original
    pdfa: bool = True  # PDF/A-2b when the validator approves, else a plain PDF
    max_image_mpixels: float = 250.0  # a larger page image is refused, not rendered
    tesseract_timeout: float = 600.0  # the pool's time limit is what normally applies

    def __post_init__(self) -> None:
        if self.mode not in MODES:
            raise ValueError(f"unknown OCR mode {self.mode!r}; expected one of {MODES}")
        if not self.languages:
            raise ValueError("at least one OCR language is needed")


@dataclass(frozen=True)
class OcrUnit:
    """Pages `first_page`.. of a document, in `source` (an unencrypted PDF holding
    just those pages); results are written into `output_dir`."""

    source: Path
    first_page: int
    output_dir: Path
    settings: OcrSettings = field(default_factory=OcrSettings)


@dataclass(frozen=True)
class PageResult:
    number: int  # in the document, from 1
    pdf: Path  # this page alone, with its text layer
    text: str
    words: tuple[Word, ...]
    ocr: bool  # Tesseract read this page (False: it kept the text it had, or mode off)
    pdfa: bool


@dataclass(frozen=True)
class UnitResult:
    pages: tuple[PageResult, ...]
    notes: tuple[str, ...] = ()  # what was left out and why, for the task's record


@dataclass(frozen=True)
class TesseractStatus:
    path: str | None
    version: str | None
    languages: frozenset[str]
    unpaper: bool

    @property
    def osd(self) -> bool:
        return "osd" in self.languages

    def check(self, settings: OcrSettings) -> None:
        """Raise `OcrUnavailable` when `settings` cannot be met at all here."""
        if self.path is None:
            raise OcrUnavailable(
                "Tesseract is not installed (no `tesseract` on PATH): OCR is not possible"
            )
        missing = [code for code in settings.languages if code not in self.languages]
        if missing:
            installed = ", ".join(sorted(self.languages - {"osd"})) or "none"
            raise OcrUnavailable(
                f"Tesseract has no data for language {', '.join(missing)} (installed: {installed})"
            )


@functools.cache
def tesseract_status() -> TesseractStatus:
    """What Tesseract this process finds on PATH, with which language data."""
    path = shutil.which("tesseract")
    unpaper = shutil.which("unpaper") is not None
    if path is None:
        return TesseractStatus(None, None, frozenset(), unpaper)
    version = _run([path, "--version"]).split("\n", 1)[0].removeprefix("tesseract ").strip()
    listing = _run([path, "--list-langs"]).splitlines()
    languages = frozenset(line.strip() for line in listing[1:] if line.strip())
    return TesseractStatus(path, version or None, languages, unpaper)


def _run(command: list[str]) -> str:
    try:
        done = subprocess.run(command, capture_output=True, text=True, timeout=30, check=False)
    except (OSError, subprocess.TimeoutExpired):
        return ""
    return done.stdout or done.stderr


def run_unit(unit: OcrUnit) -> UnitResult:
    """OCR one unit of pages as its settings say (see the module docstring)."""
    settings = unit.settings
    unit.output_dir.mkdir(parents=True, exist_ok=True)
    before = page_ops.page_texts(unit.source)
    if settings.mode == "off":
        return _collect(unit, unit.source, [False] * len(before), ())
    status = tesseract_status()
    status.check(settings)
    options, notes = _options(settings, status)
    read = [settings.mode != "auto" or not text for text, _ in before]
    with tempfile.TemporaryDirectory(prefix="paless-ocr-", dir=unit.output_dir) as folder:
        output = Path(folder) / "ocr.pdf"
        warnings = _ocr(unit.source, output, options)
        return _collect(unit, output, read, (*notes, *warnings))


def _options(settings: OcrSettings, status: TesseractStatus) -> tuple[dict[str, Any], list[str]]:
    notes = []
    deskew = settings.deskew
    if deskew and settings.mode == "redo":
        deskew = False
        notes.append("deskew is not applied in redo mode (ocrmypdf cannot do both)")
    rotate = settings.rotate_pages
    if rotate and not status.osd:
        rotate = False
        notes.append("pages were not rotated: Tesseract's orientation data (osd) is missing")
    clean = settings.clean
    if clean and not status.unpaper:
        clean = False
        notes.append("pages were not cleaned: unpaper is not installed")
    options: dict[str, Any] = {
        "language": list(settings.languages),
        "mode": _OCRMYPDF_MODE[settings.mode],
        "deskew": deskew,
        "rotate_pages": rotate,
        "clean": clean,
        "output_type": "auto" if settings.pdfa else "pdf",
        "pdfa_backend": "internal",
        "rasterizer": "pypdfium",
        "jobs": 1,
        "use_threads": True,
        "progress_bar": False,
        "max_image_mpixels": settings.max_image_mpixels,
        "tesseract_timeout": settings.tesseract_timeout,
        # The archive is a rendition; the signed original is kept as uploaded.
        "invalidate_digital_signatures": True,
        "tagged_pdf_mode": "ignore",
    }
    return options, notes


def _ocr(source: Path, output: Path, options: dict[str, Any]) -> tuple[str, ...]:
    collector = _WarningCollector()
    logger = logging.getLogger("ocrmypdf")
    logger.addHandler(collector)
    try:
        ocrmypdf.ocr(source, output, **options)
    except MemoryError:
        raise OcrLimitExceeded("OCR of the page needs more memory than is allowed") from None
    except ocr_errors.MissingDependencyError as exc:
        raise OcrUnavailable(f"OCR is not possible here: {_message(exc)}") from None
    except ocr_errors.SubprocessOutputError as exc:
        raise OcrFailed(f"Tesseract failed on the page: {_message(exc)}") from None
    except ocr_errors.ExitCodeException as exc:
        raise OcrFailed(f"OCR failed: {_message(exc)}") from None
    finally:
        logger.removeHandler(collector)
    return tuple(collector.messages)


def _collect(unit: OcrUnit, output: Path, read: list[bool], notes: tuple[str, ...]) -> UnitResult:
    paths = page_ops.split_into_pages(output, unit.output_dir, unit.first_page)
    texts = page_ops.page_texts(output)
    if len(paths) != len(read) or len(texts) != len(read):
        raise OcrFailed(f"OCR returned {len(paths)} pages for {len(read)}")
    results = tuple(
        PageResult(
            number=unit.first_page + index,
            pdf=path,
            text=text,
            words=tuple(words),
            ocr=read[index],
            pdfa=unit.settings.mode != "off" and page_ops.is_pdfa(path),
        )
        for index, (path, (text, words)) in enumerate(zip(paths, texts, strict=True))
    )
    return UnitResult(pages=results, notes=notes[:_MAX_NOTES])


def _message(exc: BaseException) -> str:
    text = str(getattr(exc, "message", "") or exc or type(exc).__name__)
    lines = [line.strip() for line in text.strip().splitlines() if line.strip()]
    return (lines[-1] if lines else type(exc).__name__)[:300]


class _WarningCollector(logging.Handler):
    def __init__(self) -> None:
        super().__init__(level=logging.WARNING)
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        if len(self.messages) < _MAX_NOTES:
            self.messages.append(record.getMessage()[:300])
