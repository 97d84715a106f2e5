"""Receiving, listing, locating and removing documents."""

from __future__ import annotations

import logging
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import PureWindowsPath

from botocore.exceptions import BotoCoreError, ClientError
from sqlalchemy import select, tuple_
from sqlalchemy.ext.asyncio import AsyncSession

from paless_shared import search
from paless_shared.access import Principal, can_change, can_view
from paless_shared.errors import (
    Conflict,
    Forbidden,
    InvalidInput,
    NotFound,
    PayloadTooLarge,
    UnsupportedMediaType,
)
from paless_shared.jobs import DELETE_OBJECTS, INGEST, JobBuffer, ingest_job_id
from paless_shared.models import Document, DocumentStatus, Upload, UploadStatus
from paless_shared.pagination import decode_cursor, split_page
from paless_shared.repositories.documents import DocumentRepository, UploadRepository
from paless_shared.search import DocumentFilter, Found, refresh_search
from paless_shared.services.audit import record
from paless_shared.services.editing import apply_inbox_tags
from paless_shared.services.tasks import create_task
from paless_shared.storage import MultipartWriter, PresignedPost, Storage

log = logging.getLogger(__name__)

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
        """Best effort: a part upload left behind (S3 unreachable) is reported by the
        sanity check; what matters here is the error that caused the abort."""
        try:
            await self._writer.abort()
        except (BotoCoreError, ClientError) as exc:
            log.warning("document.upload.abort_failed", extra={"error": str(exc)})


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
    language: str,
) -> Document:
    """Record a received original as a pending document (with its owner's inbox tags)
    and queue its ingest."""
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
    await apply_inbox_tags(session, document)
    await refresh_search(session, [document.id], language=language)
    await record(
        session,
        Principal(owner_id),
        "document.created",
        object_type="document",
        object_id=document.id,
        document_id=document.id,
        details={"filename": filename, "size_bytes": size_bytes},
    )
    await create_task(
        session,
        jobs,
        INGEST,
        str(document.id),
        job_id=ingest_job_id(document.id),
        owner_id=owner_id,
        document_id=document.id,
    )
    return document


async def get_document(
    session: AsyncSession,
    principal: Principal,
    document_id: uuid.UUID,
    *,
    for_update: bool = False,
    for_change: bool = False,
    trashed: bool = False,
) -> Document:
    """A document the principal may see (404 otherwise: whether it does not exist or is
    someone else's is not revealed); with `for_change`, 403 unless they may change it.
    Among documents in the trash when `trashed`, else among those that are not."""
    statement = select(Document, can_change(Document, principal).label("changeable")).where(
        Document.id == document_id,
        can_view(Document, principal),
        Document.deleted_at.is_not(None) if trashed else Document.deleted_at.is_(None),
    )
    if for_update:
        statement = statement.with_for_update(of=Document)
    row = (await session.execute(statement)).one_or_none()
    if row is None:
        where = " in the trash" if trashed else ""
        raise NotFound(f"document {document_id} not found{where}")
    if for_change and not row.changeable:
        raise Forbidden(f"you may view document {document_id} but not change it")
    document: Document = row[0]
    return document


@dataclass(frozen=True)
class DocumentPage:
    items: Sequence[Document]
    next_cursor: str | None


async def find_documents(
    session: AsyncSession,
    principal: Principal,
    filters: DocumentFilter,
    *,
    language: str,
    limit: int,
    cursor: str | None,
    rank_window: int = 1000,
) -> Found:
    return await search.find_documents(
        session,
        principal,
        filters,
        language=language,
        limit=limit,
        cursor=cursor,
        rank_window=rank_window,
    )


async def count_by_status(session: AsyncSession) -> dict[DocumentStatus, int]:
    """How many documents (of all owners) are in each state."""
    return await DocumentRepository(session).count_by_status()


async def delete_document(
    session: AsyncSession, principal: Principal, document_id: uuid.UUID
) -> None:
    """Move a document to the trash: hidden everywhere, restorable until purged."""
    document = await get_document(session, principal, document_id, for_update=True, for_change=True)
    await trash_documents(session, principal, [document])


async def trash_documents(
    session: AsyncSession, principal: Principal, documents: Sequence[Document]
) -> None:
    now = datetime.now(UTC)
    for document in documents:
        document.deleted_at = now
        await record(
            session,
            principal,
            "document.deleted",
            object_type="document",
            object_id=document.id,
            document_id=document.id,
        )
    await session.flush()


async def list_trash(
    session: AsyncSession, principal: Principal, *, limit: int, cursor: str | None
) -> DocumentPage:
    """Trashed documents, most recently deleted first."""
    after = decode_cursor(cursor) if cursor else None
    statement = select(Document).where(
        can_view(Document, principal), Document.deleted_at.is_not(None)
    )
    if after is not None:
        statement = statement.where(tuple_(Document.deleted_at, Document.id) < after)
    rows = (
        (
            await session.execute(
                statement.order_by(Document.deleted_at.desc(), Document.id.desc()).limit(limit + 1)
            )
        )
        .scalars()
        .all()
    )
    items, next_cursor = split_page(
        rows, limit, lambda row: (row.deleted_at or row.added_at, row.id)
    )
    return DocumentPage(items=items, next_cursor=next_cursor)


async def restore_document(
    session: AsyncSession, principal: Principal, document_id: uuid.UUID
) -> Document:
    document = await get_document(
        session, principal, document_id, for_update=True, for_change=True, trashed=True
    )
    document.deleted_at = None
    await record(
        session,
        principal,
        "document.restored",
        object_type="document",
        object_id=document.id,
        document_id=document.id,
    )
    await session.flush()
    return document


async def purge_document(
    session: AsyncSession, jobs: JobBuffer, principal: Principal, document_id: uuid.UUID
) -> None:
    """Delete a trashed document for good: the row now, its objects by a job after commit."""
    document = await get_document(
        session, principal, document_id, for_update=True, for_change=True, trashed=True
    )
    await record(
        session,
        principal,
        "document.purged",
        object_type="document",
        object_id=document.id,
        document_id=document.id,
    )
    await _purge(session, jobs, [document])


async def empty_trash(session: AsyncSession, jobs: JobBuffer, principal: Principal) -> int:
    """Purge the caller's own trashed documents."""
    trashed = await DocumentRepository(session).trashed_for_update(owner_id=principal.user_id)
    await _purge(session, jobs, trashed)
    return len(trashed)


def object_keys(document: Document) -> list[str]:
    return [key for key in (document.original_key, document.thumbnail_key) if key]


async def _purge(session: AsyncSession, jobs: JobBuffer, documents: Sequence[Document]) -> None:
    if not documents:
        return
    keys = [key for document in documents for key in object_keys(document)]
    owner_id = documents[0].owner_id
    repository = DocumentRepository(session)
    for document in documents:
        await repository.delete(document)
    await create_task(session, jobs, DELETE_OBJECTS, keys, owner_id=owner_id)


async def reprocess_document(
    session: AsyncSession, jobs: JobBuffer, principal: Principal, document_id: uuid.UUID
) -> Document:
    """Run ingest again from the original, e.g. after it failed for a passing reason."""
    document = await get_document(session, principal, document_id, for_update=True, for_change=True)
    if document.status not in (DocumentStatus.ready, DocumentStatus.failed):
        raise Conflict(f"document {document_id} is still {document.status.value}")
    document.status = DocumentStatus.pending
    document.failure_reason = None
    document.ingest_attempts = 0
    task_id = uuid.uuid4()
    await create_task(
        session,
        jobs,
        INGEST,
        str(document.id),
        job_id=ingest_job_id(document.id, tag=str(task_id)),
        owner_id=document.owner_id,
        document_id=document.id,
    )
    await session.flush()
    return document


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
    language: str,
) -> Document:
    """Check the object the client sent to S3 and turn it into a document.

    Completing twice returns the same document.
    """
    upload = await UploadRepository(session).get_owned_for_update(upload_id, owner_id)
    if upload is None:
        raise NotFound(f"upload {upload_id} not found")
    if upload.status == UploadStatus.completed:
        return await get_document(session, Principal(owner_id), upload.id)
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
        language=language,
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
