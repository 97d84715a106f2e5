"""OCR: scanned pages become searchable PDF pages, page by page.

- `engine`: OCR of a unit of pages (ocrmypdf + Tesseract), run inside an OCR process.
- `pool`: the OCR processes, each under a memory and a time limit.
- `pages`: decrypting, splitting and assembling PDFs, and reading a page's text and
  word boxes.

Images become PDFs first, in `paless_worker.imaging`.
"""

from paless_worker.ocr.engine import (
    MODES,
    Mode,
    OcrFailed,
    OcrLimitExceeded,
    OcrSettings,
    OcrUnavailable,
    OcrUnit,
    PageResult,
    TesseractStatus,
    UnitResult,
    run_unit,
    tesseract_status,
)
from paless_worker.ocr.pages import (
    PageRange,
    Word,
    assemble,
    decrypt,
    extract_pages,
    is_pdfa,
    page_count,
    page_texts,
    split,
)
from paless_worker.ocr.pool import OcrPool, OcrProcessDied

__all__ = [
    "MODES",
    "Mode",
    "OcrFailed",
    "OcrLimitExceeded",
    "OcrPool",
    "OcrProcessDied",
    "OcrSettings",
    "OcrUnavailable",
    "OcrUnit",
    "PageRange",
    "PageResult",
    "TesseractStatus",
    "UnitResult",
    "Word",
    "assemble",
    "decrypt",
    "extract_pages",
    "is_pdfa",
    "page_count",
    "page_texts",
    "run_unit",
    "split",
    "tesseract_status",
]
