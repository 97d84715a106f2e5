"""Helpers for worker, scheduler and end-to-end tests: document rows as Postgres holds
them, and damaged PDFs (built byte by byte, so each says exactly what is wrong)."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
from sqlalchemy import delete, select, update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from sqlalchemy.orm import undefer

from paless_shared.tables import Document, Task
from tests.conftest import Account, upload

# Document columns that a no-op re-run must leave exactly as they were.
# search_vector is recomputed (to the same value) and not loaded with the row.
STABLE_COLUMNS = [
    c.key for c in Document.__table__.columns if c.key not in ("modified_at", "search_vector")
]


class DocumentRows:
    """Read and adjust `documents` rows directly, the way an operator would in psql."""

    def __init__(self, db: async_sessionmaker[AsyncSession]) -> None:
        self._db = db

    async def get(self, document_id: uuid.UUID | str) -> Document | None:
        async with self._db() as session:
            result = await session.execute(
                select(Document)
                .options(undefer(Document.tag_ids))
                .where(Document.id == uuid.UUID(str(document_id)))
            )
            return result.scalar_one_or_none()

    async def require(self, document_id: uuid.UUID | str) -> Document:
        document = await self.get(document_id)
        assert document is not None, f"document {document_id} has no row"
        return document

    async def snapshot(self, document_id: uuid.UUID | str) -> dict[str, Any]:
        document = await self.require(document_id)
        return {key: getattr(document, key) for key in STABLE_COLUMNS}

    async def set(self, document_id: uuid.UUID | str, **values: Any) -> None:
        async with self._db() as session:
            await session.execute(
                update(Document).where(Document.id == uuid.UUID(str(document_id))).values(**values)
            )
            await session.commit()

    async def make_stale(self, document_id: uuid.UUID | str, age: timedelta) -> None:
        """Pretend nothing has touched the row for `age`."""
        await self.set(document_id, modified_at=datetime.now(UTC) - age)


class TaskRows:
    """Read and adjust `tasks` rows: Postgres's record of the background work."""

    def __init__(self, db: async_sessionmaker[AsyncSession]) -> None:
        self._db = db

    async def for_document(self, document_id: uuid.UUID | str) -> list[Task]:
        async with self._db() as session:
            result = await session.execute(
                select(Task)
                .where(Task.document_id == uuid.UUID(str(document_id)))
                .order_by(Task.enqueued_at)
            )
            return list(result.scalars())

    async def only_for_document(self, document_id: uuid.UUID | str) -> Task:
        tasks = await self.for_document(document_id)
        assert len(tasks) == 1, [(t.kind, t.job_id, t.status) for t in tasks]
        return tasks[0]

    async def set_for_document(self, document_id: uuid.UUID | str, **values: Any) -> None:
        async with self._db() as session:
            await session.execute(
                update(Task).where(Task.document_id == uuid.UUID(str(document_id))).values(**values)
            )
            await session.commit()

    async def clear(self) -> None:
        """Every task row, including those of no user or document (periodic jobs),
        which truncating `users` and `documents` leaves behind."""
        async with self._db() as session:
            await session.execute(delete(Task))
            await session.commit()


def uploader(client: httpx.AsyncClient, account: Account) -> Any:
    """Upload a PDF through the API; the coroutine returns the new (pending) document's id."""

    async def send(content: bytes, filename: str = "document.pdf") -> uuid.UUID:
        response = await upload(client, account, content, filename)
        assert response.status_code == 202, response.text
        return uuid.UUID(response.json()["id"])

    return send


# Damaged PDFs ------------------------------------------------------------------------


def build_pdf(objects: dict[int, bytes], *, info: int | None = None) -> bytes:
    """A PDF from numbered objects (1 must be the catalog), with a correct xref table."""
    out = bytearray(b"%PDF-1.4\n")
    offsets = {}
    for number in sorted(objects):
        offsets[number] = len(out)
        out += f"{number} 0 obj\n".encode() + objects[number] + b"\nendobj\n"
    xref_at = len(out)
    size = max(objects) + 1
    out += f"xref\n0 {size}\n0000000000 65535 f \n".encode()
    for number in range(1, size):
        if number in offsets:
            out += f"{offsets[number]:010d} 00000 n \n".encode()
        else:
            out += b"0000000000 65535 f \n"
    info_ref = f" /Info {info} 0 R" if info is not None else ""
    out += (
        f"trailer\n<< /Size {size} /Root 1 0 R{info_ref} >>\nstartxref\n{xref_at}\n%%EOF\n"
    ).encode()
    return bytes(out)


def stream(data: bytes, extra: bytes = b"") -> bytes:
    return b"<< /Length %d%s >>\nstream\n" % (len(data), extra) + data + b"\nendstream"


def _pages(contents: list[bytes], font: bytes, more: dict[int, bytes]) -> dict[int, bytes]:
    """Catalog 1, pages 2, font 3, then page/content pairs from 4; `more` from 50."""
    objects = {
        1: b"<< /Type /Catalog /Pages 2 0 R >>",
        3: font,
    }
    kids = []
    for index, content in enumerate(contents):
        page_id, content_id = 4 + 2 * index, 5 + 2 * index
        kids.append(f"{page_id} 0 R")
        objects[page_id] = (
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] "
            b"/Resources << /Font << /F1 3 0 R >> >> /Contents %d 0 R >>" % content_id
        )
        objects[content_id] = stream(content)
    objects[2] = f"<< /Type /Pages /Kids [{' '.join(kids)}] /Count {len(kids)} >>".encode()
    objects.update(more)
    return objects


HELVETICA = b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>"


def pdf_with_unreadable_second_page() -> bytes:
    """Page 1 is fine; page 2's content stream holds a malformed hex string, on which
    pypdf's text extraction raises (pdfium still renders page 1)."""
    return build_pdf(
        _pages(
            [b"BT /F1 24 Tf 72 700 Td (Readable first page) Tj ET", b"BT /F1 24 Tf <zz> Tj ET"],
            HELVETICA,
            {},
        )
    )


def pdf_with_lone_surrogate_text() -> bytes:
    """A font whose ToUnicode map sends 'h' to U+D800, half of a UTF-16 surrogate pair:
    pypdf hands back a str holding a lone surrogate, which is not valid UTF-8."""
    font = b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /ToUnicode 50 0 R >>"
    cmap = b"1 beginbfchar <68> <D800> endbfchar"
    return build_pdf(
        _pages([b"BT /F1 24 Tf 72 700 Td (hello) Tj ET"], font, {50: stream(cmap)}),
    )


def pdf_with_creation_date(value: str) -> bytes:
    objects = _pages(
        [b"BT /F1 24 Tf 72 700 Td (dated) Tj ET"],
        HELVETICA,
        {50: f"<< /Title (Dated) /CreationDate ({value}) >>".encode()},
    )
    return build_pdf(objects, info=50)
