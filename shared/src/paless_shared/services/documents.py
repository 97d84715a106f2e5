"""Receiving, listing, locating and removing documents."""

from __future__ import annotations

import base64
import binascii
import json
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import PureWindowsPath

from sqlalchemy.ext.asyncio import AsyncSession

from paless_shared.errors import (
    Conflict,
    InvalidInput,
    NotFound,
    PayloadTooLarge,
    UnsupportedMediaType,
)
from paless_shared.jobs import DELETE_OBJECTS, JobBuffer
from paless_shared.models import Document, DocumentStatus, Upload, UploadStatus
from paless_shared.repositories.documents import DocumentRepository, UploadRepository
from paless_shared.storage import MultipartWriter, PresignedPost, Storage

PDF_MIME_TYPE = "application/pdf"
# PDF readers accept the header anywhere in the first kilobyte.
SNIFF_BYTES = 1024


def looks_like_pdf(head: bytes) -> bool:
    return b"%PDF-" in head[:SNIFF_BYTES]


def clean_filename(filename: str | None) -> str:
    """The last path component of a client-supplied name, without control characters."""
    name = PureWindowsPath(filename or "").name  # splits on both / and \
    name = "".join(c for c in name if c.isprintable()).strip()
    return name[:1024] or "document.pdf"


def default_title(filename: str) -> str:
    stem = filename.rsplit(".", 1)[0] if "." in filename else filename
    return stem[:500] or "Untitled"


class IncomingOriginal:
    """Streams an uploaded file to S3 while checking its type and size.

    Nothing reaches S3 before the first kilobyte has been sniffed (the writer buffers
    a whole part first), and a refused file is aborted so no object is left behind.
    """

    def __init__(self, storage: Storage, document_id: uuid.UUID, max_bytes: int) -> None:
        self.document_id = document_id
        self.max_bytes = max_bytes
        self._writer: MultipartWriter = storage.multipart_writer(
            storage.original_key(document_id), PDF_MIME_TYPE
        )
        self._head = b""
        self._sniffed = False

    @property
    def key(self) -> str:
        return self._writer.key

    @property
    def size(self) -> int:
        return self._writer.size

    async def write(self, chunk: bytes) -> None:
        if self._writer.size + len(chunk) > self.max_bytes:
            raise PayloadTooLarge(f"the file is larger than the limit of {self.max_bytes} bytes")
        if not self._sniffed:
            self._head += chunk[: SNIFF_BYTES - len(self._head)]
            if len(self._head) >= SNIFF_BYTES:
                self._check_type()
        await self._writer.write(chunk)

    def _check_type(self) -> None:
        self._sniffed = True
        if not self._head:
            raise InvalidInput("the uploaded file is empty")
        if not looks_like_pdf(self._head):
            raise UnsupportedMediaType("only PDF files are accepted: the file is not a PDF")

    async def finish(self) -> None:
        if not self._sniffed:
            self._check_type()
        await self._writer.close()

    async def abort(self) -> None:
        await self._writer.abort()


async def create_document(
    session: AsyncSession,
    jobs: JobBuffer,
    *,
    document_id: uuid.UUID,
    owner_id: uuid.UUID,
    original_key: str,
    filename: str,
    title: str | None,
    size_bytes: int,
) -> Document:
    """Record a received original as a pending document and queue its ingest."""
    filename = clean_filename(filename)
    document = await DocumentRepository(session).add(
        Document(
            id=document_id,
            owner_id=owner_id,
            title=(title or "").strip()[:500] or default_title(filename),
            original_filename=filename,
            mime_type=PDF_MIME_TYPE,
            size_bytes=size_bytes,
            status=DocumentStatus.pending,
            original_key=original_key,
        )
    )
    jobs.enqueue_ingest(document.id)
    return document


async def get_document(
    session: AsyncSession, owner_id: uuid.UUID, document_id: uuid.UUID
) -> Document:
    document = await DocumentRepository(session).get_owned(document_id, owner_id)
    if document is None:
        # The same answer whether it does not exist or belongs to someone else.
        raise NotFound(f"document {document_id} not found")
    return document


@dataclass(frozen=True)
class DocumentPage:
    items: Sequence[Document]
    next_cursor: str | None


def encode_cursor(document: Document) -> str:
    raw = json.dumps([document.added_at.isoformat(), str(document.id)]).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_cursor(cursor: str) -> tuple[datetime, uuid.UUID]:
    try:
        padded = cursor + "=" * (-len(cursor) % 4)
        added_at, document_id = json.loads(base64.urlsafe_b64decode(padded))
        return datetime.fromisoformat(added_at), uuid.UUID(document_id)
    except (ValueError, TypeError, binascii.Error):
        raise InvalidInput(
            "the cursor is not valid; use next_cursor from a previous page"
        ) from None


async def list_documents(
    session: AsyncSession, owner_id: uuid.UUID, *, limit: int, cursor: str | None
) -> DocumentPage:
    after = decode_cursor(cursor) if cursor else None
    rows = await DocumentRepository(session).list_owned(owner_id, limit=limit + 1, after=after)
    items = rows[:limit]
    next_cursor = encode_cursor(items[-1]) if len(rows) > limit else None
    return DocumentPage(items=items, next_cursor=next_cursor)


async def count_by_status(session: AsyncSession) -> dict[DocumentStatus, int]:
    """How many documents (of all owners) are in each state."""
    return await DocumentRepository(session).count_by_status()


async def delete_document(
    session: AsyncSession, jobs: JobBuffer, owner_id: uuid.UUID, document_id: uuid.UUID
) -> None:
    """Remove the row now; its S3 objects are removed by a job once that is committed."""
    document = await get_document(session, owner_id, document_id)
    keys = [document.original_key]
    if document.thumbnail_key:
        keys.append(document.thumbnail_key)
    await DocumentRepository(session).delete(document)
    jobs.add(DELETE_OBJECTS, keys)


# Direct uploads --------------------------------------------------------------------


async def start_direct_upload(
    session: AsyncSession,
    storage: Storage,
    owner_id: uuid.UUID,
    *,
    filename: str,
    title: str | None,
    max_bytes: int,
    expires_in: int,
) -> tuple[Upload, PresignedPost]:
    """Reserve a document id and hand out a presigned POST for its original.

    The upload id is also the id of the document it becomes.
    """
    upload_id = uuid.uuid4()
    key = storage.original_key(upload_id)
    post = await storage.presign_upload(
        key, max_bytes=max_bytes, content_type=PDF_MIME_TYPE, expires_in=expires_in
    )
    upload = await UploadRepository(session).add(
        Upload(
            id=upload_id,
            owner_id=owner_id,
            filename=clean_filename(filename),
            title=title,
            object_key=key,
            expires_at=post.expires_at,
        )
    )
    return upload, post


async def complete_direct_upload(
    session: AsyncSession,
    storage: Storage,
    jobs: JobBuffer,
    owner_id: uuid.UUID,
    upload_id: uuid.UUID,
    *,
    max_bytes: int,
) -> Document:
    """Check the object the client sent to S3 and turn it into a document.

    Completing twice returns the same document.
    """
    upload = await UploadRepository(session).get_owned_for_update(upload_id, owner_id)
    if upload is None:
        raise NotFound(f"upload {upload_id} not found")
    if upload.status == UploadStatus.completed:
        return await get_document(session, owner_id, upload.id)
    size = await storage.head_size(upload.object_key)
    if size is None:
        if upload.expires_at < datetime.now(UTC) - timedelta(seconds=60):
            raise Conflict("the upload has expired; start a new one")
        raise Conflict("the file has not been uploaded to the given URL yet")
    await _check_direct_object(storage, upload.object_key, size, max_bytes)
    upload.status = UploadStatus.completed
    return await create_document(
        session,
        jobs,
        document_id=upload.id,
        owner_id=owner_id,
        original_key=upload.object_key,
        filename=upload.filename,
        title=upload.title,
        size_bytes=size,
    )


async def _check_direct_object(storage: Storage, key: str, size: int, max_bytes: int) -> None:
    """Refuse (and remove) an object that is too large, empty or not a PDF."""
    problem: Exception | None = None
    if size > max_bytes:
        problem = PayloadTooLarge(f"the file is larger than the limit of {max_bytes} bytes")
    elif size == 0:
        problem = InvalidInput("the uploaded file is empty")
    elif not looks_like_pdf(await storage.read_head(key, SNIFF_BYTES)):
        problem = UnsupportedMediaType("only PDF files are accepted: the file is not a PDF")
    if problem is not None:
        await storage.delete(key)
        raise problem
