"""`paless_worker.pdf.parse`: what is read from a PDF, and the reason given when a
file cannot be read. It runs in a pool process, so it is also run through one."""

from __future__ import annotations

import io
import multiprocessing
from concurrent.futures import ProcessPoolExecutor
from datetime import UTC, datetime
from pathlib import Path

import pytest
from PIL import Image

from paless_worker import pdf
from tests.pdfs import (
    corrupt_pdf,
    encrypted_pdf,
    owner_only_encrypted_pdf,
    sliver_pdf,
    text_pdf,
)
from tests.worker.support import build_pdf, pdf_with_creation_date


def parse(tmp_path: Path, content: bytes, width: int = 200) -> pdf.ParsedPdf:
    path = tmp_path / "input.pdf"
    path.write_bytes(content)
    return pdf.parse(path, width)


def test_text_pdf_gives_pages_text_metadata_and_thumbnail(tmp_path: Path) -> None:
    parsed = parse(tmp_path, text_pdf("Alpha (1)", "Beta \\ 2", title="Greek"), width=120)

    assert parsed.page_count == 2
    assert parsed.text.split("\f") == ["Alpha (1)", "Beta \\ 2"]
    assert parsed.metadata == {"title": "Greek"}
    assert parsed.created_at is None
    assert parsed.thumbnail_webp is not None
    image = Image.open(io.BytesIO(parsed.thumbnail_webp))
    assert image.format == "WEBP"
    assert image.width == 120
    # Letter-size page: the thumbnail keeps its proportions.
    assert image.height == pytest.approx(120 * 792 / 612, abs=1)


def test_a_page_too_tall_for_a_webp_thumbnail_still_gives_its_text(tmp_path: Path) -> None:
    parsed = parse(tmp_path, sliver_pdf("narrow but readable"), width=400)

    assert parsed.page_count == 1
    assert parsed.text == "narrow but readable"
    assert parsed.thumbnail_webp is None


def test_creation_date_with_zone_is_kept_and_without_zone_dropped(tmp_path: Path) -> None:
    dated = parse(tmp_path, pdf_with_creation_date("D:20240229235959Z"))
    assert dated.created_at == datetime(2024, 2, 29, 23, 59, 59, tzinfo=UTC)

    floating = parse(tmp_path, pdf_with_creation_date("D:20240229235959"))
    assert floating.created_at is None


def test_unparseable_creation_date_is_ignored(tmp_path: Path) -> None:
    parsed = parse(tmp_path, pdf_with_creation_date("D:2024-not-a-date"))
    assert parsed.created_at is None
    assert parsed.metadata == {"title": "Dated"}


def test_encrypted_pdf_needs_a_password(tmp_path: Path) -> None:
    with pytest.raises(pdf.InvalidDocument, match="encrypted and needs a password"):
        parse(tmp_path, encrypted_pdf())


def test_pdf_with_empty_user_password_opens(tmp_path: Path) -> None:
    parsed = parse(tmp_path, owner_only_encrypted_pdf())
    assert parsed.page_count == 1
    assert parsed.text == "classified"


def test_corrupt_pdf_is_not_a_valid_pdf(tmp_path: Path) -> None:
    with pytest.raises(pdf.InvalidDocument, match=r"^not a valid PDF"):
        parse(tmp_path, corrupt_pdf())


def test_file_without_pdf_header_is_refused_before_parsing(tmp_path: Path) -> None:
    with pytest.raises(pdf.InvalidDocument, match="does not start with a PDF header"):
        parse(tmp_path, b"GIF89a" + bytes(2048))


def test_pdf_without_pages_is_refused(tmp_path: Path) -> None:
    empty = build_pdf(
        {
            1: b"<< /Type /Catalog /Pages 2 0 R >>",
            2: b"<< /Type /Pages /Kids [] /Count 0 >>",
        }
    )
    with pytest.raises(pdf.InvalidDocument, match="has no pages"):
        parse(tmp_path, empty)


def test_truncated_pdf_is_not_a_valid_pdf(tmp_path: Path) -> None:
    content = text_pdf("Cut short")
    with pytest.raises(pdf.InvalidDocument, match=r"^not a valid PDF"):
        parse(tmp_path, content[: len(content) // 2])


def test_parse_runs_in_a_spawned_process_and_reasons_cross_back(tmp_path: Path) -> None:
    good, bad = tmp_path / "good.pdf", tmp_path / "bad.pdf"
    good.write_bytes(text_pdf("Across processes"))
    bad.write_bytes(encrypted_pdf())
    with ProcessPoolExecutor(1, mp_context=multiprocessing.get_context("spawn")) as pool:
        parsed = pool.submit(pdf.parse, good, 64).result(timeout=60)
        failure = pool.submit(pdf.parse, bad, 64).exception(timeout=60)

    assert parsed.text == "Across processes"
    assert parsed.thumbnail_webp is not None and parsed.thumbnail_webp.startswith(b"RIFF")
    assert isinstance(failure, pdf.InvalidDocument)
    assert "needs a password" in str(failure)
