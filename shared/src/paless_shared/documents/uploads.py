"""Receiving originals: streamed through the web (checked on the way to S3), or sent
by the client straight to S3 through a presigned POST and then checked (direct
uploads)."""

from __future__ import annotations

import logging
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import PureWindowsPath

from botocore.exceptions import BotoCoreError, ClientError
from sqlalchemy.ext.asyncio import AsyncSession

from paless_shared.audit.service import record
from paless_shared.documents.queries import documents as document_queries
from paless_shared.documents.queries import uploads as queries
from paless_shared.documents.service import apply_inbox_tags, get_document
from paless_shared.platform.errors import (
    Conflict,
    InvalidInput,
    NotFound,
    PayloadTooLarge,
    UnsupportedMediaType,
)
from paless_shared.platform.formats import (
    PDF_MIME_TYPE,
    SNIFF_BYTES,
    sniff_mime_type,
    unsupported_message,
)
from paless_shared.platform.jobs import INGEST, JobBuffer, ingest_job_id
from paless_shared.platform.principal import Principal
from paless_shared.platform.storage import MultipartWriter, PresignedPost, Storage
from paless_shared.search.service import refresh_search
from paless_shared.tables import Document, DocumentStatus, Upload, UploadStatus
from paless_shared.tasks.service import create_task
from paless_shared.versions.service import RunRequest, create_first_version

log = logging.getLogger(__name__)


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
        self._storage = storage
        self._writer: MultipartWriter = storage.multipart_writer(
            storage.original_key(document_id), PDF_MIME_TYPE
        )
        self._head = b""
        self._sniffed = False
        self.mime_type = PDF_MIME_TYPE

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
        mime_type = sniff_mime_type(self._head)
        if mime_type is None:
            raise UnsupportedMediaType(unsupported_message())
        self.mime_type = mime_type

    async def finish(self) -> None:
        if not self._sniffed:
            self._check_type()
        await self._writer.close()

    async def remove(self) -> None:
        """Delete the finished object (its document was not recorded)."""
        await self._storage.delete(self.key)

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
    mime_type: str = PDF_MIME_TYPE,
    request: RunRequest | None = None,
) -> Document:
    """Record a received original as a pending document (with its owner's inbox tags)
    and version 1, and queue its ingest (with the OCR settings asked for)."""
    filename = clean_filename(filename)
    document = Document(
        id=document_id,
        owner_id=owner_id,
        title=(title or "").strip()[:500] or default_title(filename),
        original_filename=filename,
        mime_type=mime_type,
        size_bytes=size_bytes,
        status=DocumentStatus.pending,
        original_key=original_key,
    )
    await document_queries.add(session, document)
    await create_first_version(session, jobs, document, created_by=owner_id, request=request)
    await apply_inbox_tags(session, document)
    await refresh_search(session, [document.id])
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


# --- direct uploads ---


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
    """Reserve a document id and hand out a presigned POST for a staging key.

    The upload id is also the id of the document it becomes. The form writes only the
    staging key: completing copies the checked object to the document's own key, which
    no form can write, so a completed document's bytes never change.
    """
    upload_id = uuid.uuid4()
    key = storage.staging_key(upload_id)
    post = await storage.presign_upload(
        key, max_bytes=max_bytes, content_type=PDF_MIME_TYPE, expires_in=expires_in
    )
    upload = Upload(
        id=upload_id,
        owner_id=owner_id,
        filename=clean_filename(filename),
        title=title,
        object_key=key,
        expires_at=post.expires_at,
    )
    await queries.add(session, upload)
    return upload, post


async def complete_direct_upload(
    session: AsyncSession,
    storage: Storage,
    jobs: JobBuffer,
    owner_id: uuid.UUID,
    upload_id: uuid.UUID,
    *,
    max_bytes: int,
    request: RunRequest | None = None,
) -> Document:
    """Check the object the client sent to S3 and turn it into a document.

    Completing twice returns the same document.
    """
    upload = await queries.get_owned_for_update(session, upload_id, owner_id)
    if upload is None:
        raise NotFound(f"upload {upload_id} not found")
    if upload.status == UploadStatus.completed:
        return await get_document(session, Principal(owner_id), upload.id)
    original_key = storage.original_key(upload.id)
    size, mime_type = await _take_staged_object(storage, upload, original_key, max_bytes)
    upload.status = UploadStatus.completed
    return await create_document(
        session,
        jobs,
        document_id=upload.id,
        owner_id=owner_id,
        original_key=original_key,
        filename=upload.filename,
        title=upload.title,
        size_bytes=size,
        mime_type=mime_type,
        request=request,
    )


async def _take_staged_object(
    storage: Storage, upload: Upload, original_key: str, max_bytes: int
) -> tuple[int, str]:
    """Check the object at the upload's staging key, copy it (server-side) to the
    document's key and remove it from staging; its size and type.

    The copy is of the version checked (by its ETag): a file sent again between check
    and copy is not taken. An earlier completion that copied but did not commit left
    the object at the document's key already (only a completion writes there).
    """
    copied = await storage.head(original_key)
    if copied is not None:
        mime_type = await _check_direct_object(storage, original_key, copied.size, max_bytes)
        return copied.size, mime_type
    staged = await storage.head(upload.object_key)
    if staged is None:
        if upload.expires_at < datetime.now(UTC) - timedelta(seconds=60):
            raise Conflict("the upload has expired; start a new one")
        raise Conflict("the file has not been uploaded to the given URL yet")
    mime_type = await _check_direct_object(storage, upload.object_key, staged.size, max_bytes)
    try:
        await storage.copy(upload.object_key, original_key, if_etag=staged.etag)
    except ClientError as exc:
        if exc.response.get("Error", {}).get("Code") in ("PreconditionFailed", "412"):
            raise Conflict("the file changed while the upload was completed; try again") from None
        raise
    await storage.delete(upload.object_key)
    return staged.size, mime_type


async def _check_direct_object(storage: Storage, key: str, size: int, max_bytes: int) -> str:
    """The object's type; refuse (and remove) one that is too large, empty or not of
    an accepted type."""
    problem: Exception | None = None
    mime_type = None
    if size > max_bytes:
        problem = PayloadTooLarge(f"the file is larger than the limit of {max_bytes} bytes")
    elif size == 0:
        problem = InvalidInput("the uploaded file is empty")
    else:
        mime_type = sniff_mime_type(await storage.read_head(key, SNIFF_BYTES))
        if mime_type is None:
            problem = UnsupportedMediaType(unsupported_message())
    if problem is not None or mime_type is None:
        await storage.delete(key)
        raise problem or UnsupportedMediaType(unsupported_message())
    return mime_type
