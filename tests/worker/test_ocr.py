"""`paless_worker.ocr`: real Tesseract through ocrmypdf, in OCR processes with limits.

The pages are short and at 150 dpi, so each OCR takes a second or two. The OCR
processes see a PATH without Ghostscript: the worker image has none, and PDF/A must
come out all the same.
"""

from __future__ import annotations

import concurrent.futures
import hashlib
import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import pikepdf
import pytest

from paless_worker import ocr
from paless_worker.pdf import InvalidDocument
from tests.pdfs import text_pdf
from tests.worker import scans

TIME_LIMIT = 120.0


@pytest.fixture(scope="module")
def tesseract() -> ocr.TesseractStatus:
    status = ocr.tesseract_status()
    if status.path is None or not {"eng", "deu"} <= status.languages:
        pytest.fail(
            "Tesseract with English and German data is needed for the OCR tests and was "
            f"not found (found: {status}). `make test` installs it; or, as root: apt-get "
            "install tesseract-ocr tesseract-ocr-eng tesseract-ocr-deu tesseract-ocr-osd "
            "unpaper"
        )
    return status


@pytest.fixture(scope="module")
def pool(
    tesseract: ocr.TesseractStatus, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[ocr.OcrPool]:
    tools = tmp_path_factory.mktemp("bin")
    for name in ("tesseract", "unpaper"):
        found = shutil.which(name)
        if found:
            os.symlink(found, tools / name)
    assert tesseract.path is not None
    with_gs = shutil.which("gs", path=str(tools))
    assert with_gs is None
    opened = ocr.OcrPool(2, 1024, environment={"PATH": str(tools)})
    opened.warm_up()
    yield opened
    opened.close()


def unit(tmp_path: Path, content: bytes, first_page: int = 1, **settings: object) -> ocr.OcrUnit:
    tmp_path.mkdir(parents=True, exist_ok=True)
    source = tmp_path / f"unit-{first_page}-{hashlib.sha1(content).hexdigest()[:8]}.pdf"  # noqa: S324
    source.write_bytes(content)
    return ocr.OcrUnit(source, first_page, tmp_path / "out", ocr.OcrSettings(**settings))  # type: ignore[arg-type]


def words(text: str) -> list[str]:
    return text.lower().split()


def test_auto_mode_reads_a_scanned_page_into_a_pdfa_page(pool: ocr.OcrPool, tmp_path: Path) -> None:
    scan = scans.scanned_pdf(scans.page_image("Invoice number 4711", "from Acme Corporation"))

    result = pool.run(unit(tmp_path, scan), time_limit=TIME_LIMIT)

    (page,) = result.pages
    assert page.number == 1 and page.ocr
    assert words(page.text) == ["invoice", "number", "4711", "from", "acme", "corporation"]
    assert page.pdfa  # PDF/A-2b with no Ghostscript on PATH
    with pikepdf.open(page.pdf) as pdf:
        assert pdf.open_metadata().pdfa_status == "2B"
    # Word boxes: fractions of the page, in reading order, on the first line first.
    invoice = page.words[0]
    assert invoice.text == "Invoice"
    assert 0 < invoice.left < invoice.right < 0.5
    assert 0 < invoice.top < invoice.bottom < 0.5
    assert page.words[-1].text == "Corporation" and page.words[-1].top > invoice.bottom


def test_auto_mode_leaves_a_born_digital_page_as_it_is(pool: ocr.OcrPool, tmp_path: Path) -> None:
    result = pool.run(unit(tmp_path, text_pdf("Born digital 2024")), time_limit=TIME_LIMIT)

    (page,) = result.pages
    assert not page.ocr
    assert page.text == "Born digital 2024"


def test_force_mode_reads_every_page_even_with_text(pool: ocr.OcrPool, tmp_path: Path) -> None:
    born_digital = text_pdf("Rasterized and read again")

    result = pool.run(unit(tmp_path, born_digital, mode="force"), time_limit=TIME_LIMIT)

    (page,) = result.pages
    assert page.ocr
    assert words(page.text) == ["rasterized", "and", "read", "again"]
    with pikepdf.open(page.pdf) as pdf:  # the page is now an image with a text layer
        assert pdf.pages[0].get_images()


def test_redo_mode_replaces_an_earlier_ocr_layer(pool: ocr.OcrPool, tmp_path: Path) -> None:
    scan = scans.scanned_pdf(scans.page_image("Quarterly report Berlin"))
    first = pool.run(unit(tmp_path / "first", scan), time_limit=TIME_LIMIT).pages[0]

    again = pool.run(
        unit(tmp_path / "again", first.pdf.read_bytes(), mode="redo"), time_limit=TIME_LIMIT
    )

    (page,) = again.pages
    assert page.ocr
    # The old layer is gone, not kept beside the new one.
    assert words(page.text) == ["quarterly", "report", "berlin"]
    assert any("deskew" in note for note in again.notes)


def test_off_mode_reads_nothing(pool: ocr.OcrPool, tmp_path: Path) -> None:
    scan = scans.scanned_pdf(scans.page_image("Never read"))

    (page,) = pool.run(unit(tmp_path, scan, mode="off"), time_limit=TIME_LIMIT).pages

    assert (page.ocr, page.text, page.words, page.pdfa) == (False, "", (), False)


def test_several_languages_and_a_missing_one(pool: ocr.OcrPool, tmp_path: Path) -> None:
    scan = scans.scanned_pdf(scans.page_image("Grüße aus Köln"))

    (page,) = pool.run(unit(tmp_path, scan, languages=("deu", "eng")), time_limit=TIME_LIMIT).pages
    assert words(page.text) == ["grüße", "aus", "köln"]

    with pytest.raises(ocr.OcrUnavailable, match="no data for language xyz"):
        pool.run(unit(tmp_path, scan, languages=("eng", "xyz")), time_limit=TIME_LIMIT)


def test_an_encrypted_pdf_is_read_with_its_password(pool: ocr.OcrPool, tmp_path: Path) -> None:
    original = tmp_path / "original.pdf"
    with pikepdf.open(
        _bytes_file(tmp_path, scans.scanned_pdf(scans.page_image("Sealed contract")))
    ) as pdf:
        pdf.save(original, encryption=pikepdf.Encryption(user="pw", owner="owner"))
    before = original.read_bytes()

    with pytest.raises(InvalidDocument, match="needs a password"):
        ocr.decrypt(original, tmp_path / "plain.pdf")
    with pytest.raises(InvalidDocument, match="the password given does not open the PDF"):
        ocr.decrypt(original, tmp_path / "plain.pdf", password="wrong")
    assert ocr.decrypt(original, tmp_path / "plain.pdf", password="pw") == 1
    result = pool.run(
        ocr.OcrUnit(tmp_path / "plain.pdf", 1, tmp_path / "out", ocr.OcrSettings()),
        time_limit=TIME_LIMIT,
    )

    assert words(result.pages[0].text) == ["sealed", "contract"]
    assert original.read_bytes() == before
    with pikepdf.open(result.pages[0].pdf) as archive:
        assert not archive.is_encrypted


def test_pages_split_ocred_apart_and_assembled_keep_order_and_text(
    pool: ocr.OcrPool, tmp_path: Path
) -> None:
    lines = ["First page alpha", "Second page bravo", "Third page charlie"]
    document = tmp_path / "scan.pdf"
    document.write_bytes(scans.scanned_pdf(*(scans.page_image(line) for line in lines)))

    parts = ocr.split(document, tmp_path / "parts", pages_per_part=2)
    assert [(part.first, part.last) for part in parts] == [(1, 2), (3, 3)]
    settings = ocr.OcrSettings()
    # The last part is finished first: order comes from page numbers, not timing.
    with concurrent.futures.ThreadPoolExecutor(2) as threads:
        futures = [
            threads.submit(
                pool.run,
                ocr.OcrUnit(part.path, part.first, tmp_path / "pages", settings),
                time_limit=TIME_LIMIT,
            )
            for part in reversed(parts)
        ]
        results = [future.result() for future in futures]
    pages = sorted((page for result in results for page in result.pages), key=lambda p: p.number)
    assert [page.number for page in pages] == [1, 2, 3]

    assert ocr.assemble([page.pdf for page in pages], tmp_path / "archive.pdf")
    assert ocr.assemble([page.pdf for page in pages], tmp_path / "again.pdf")

    texts = [text for text, _ in ocr.page_texts(tmp_path / "archive.pdf")]
    assert [words(text) for text in texts] == [words(line) for line in lines]
    assert ocr.is_pdfa(tmp_path / "archive.pdf")
    assert (tmp_path / "archive.pdf").read_bytes() == (tmp_path / "again.pdf").read_bytes()
    # One page that is not PDF/A: the whole does not claim to be.
    plain = tmp_path / "plain.pdf"
    plain.write_bytes(text_pdf("Plain page"))
    assert not ocr.assemble([pages[0].pdf, plain], tmp_path / "mixed.pdf")
    assert not ocr.is_pdfa(tmp_path / "mixed.pdf")
    assert [text for text, _ in ocr.page_texts(tmp_path / "mixed.pdf")][1] == "Plain page"


def test_a_page_over_the_time_limit_fails_alone(pool: ocr.OcrPool, tmp_path: Path) -> None:
    slow = unit(tmp_path / "slow", scans.scanned_pdf(scans.page_image("Too slow")))
    fine = unit(tmp_path / "fine", scans.scanned_pdf(scans.page_image("Right on time")))

    with concurrent.futures.ThreadPoolExecutor(2) as threads:
        late = threads.submit(pool.run, slow, time_limit=0.3)
        on_time = threads.submit(pool.run, fine, time_limit=TIME_LIMIT)
        with pytest.raises(ocr.OcrLimitExceeded, match=r"took longer than 0\.3 s"):
            late.result()
        assert words(on_time.result().pages[0].text) == ["right", "on", "time"]
    # The pool replaced the stopped process and goes on.
    assert words(pool.run(slow, time_limit=TIME_LIMIT).pages[0].text) == ["too", "slow"]


def test_a_page_over_the_memory_limit_fails_with_a_reason(
    tesseract: ocr.TesseractStatus, tmp_path: Path
) -> None:
    # A colour A4 page at 600 dpi is 100 MB as one raster, and OCR holds a few; an
    # OCR process starts at about 190 MB resident and needs more address space for its
    # threads' stacks: 450 MB leaves a small page room and the big one none.
    big = scans.a4_at_600_dpi(*(["A colour page at six hundred dots per inch"] * 20))
    big = big.convert("RGB")
    small = tmp_path / "small"
    tight = ocr.OcrPool(1, 450)
    try:
        # Python code out of memory raises; native code (pdfium, qpdf) aborts.
        with pytest.raises((ocr.OcrLimitExceeded, ocr.OcrProcessDied), match="more memory"):
            tight.run(unit(tmp_path, scans.scanned_pdf(big)), time_limit=TIME_LIMIT)
        result = tight.run(
            unit(small, scans.scanned_pdf(scans.page_image("Small page"))),
            time_limit=TIME_LIMIT,
        )
    finally:
        tight.close()
    assert words(result.pages[0].text) == ["small", "page"]


async def test_the_event_loop_waits_in_a_thread(pool: ocr.OcrPool, tmp_path: Path) -> None:
    result = await pool.run_async(unit(tmp_path, text_pdf("Async caller")), time_limit=TIME_LIMIT)

    assert result.pages[0].text == "Async caller"


def _bytes_file(folder: Path, content: bytes) -> Path:
    path = folder / "input.pdf"
    path.write_bytes(content)
    return path
