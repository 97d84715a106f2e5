"""Document state transitions driven by the worker.

Postgres holds each document's state; the queue only carries work. These functions
keep the transitions in one place so that retries and re-runs converge.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from paless_shared.documents.queries import documents as queries
from paless_shared.documents.queries import processing as processing_queries
from paless_shared.documents.service import set_tags
from paless_shared.matching.service import Matches
from paless_shared.search.service import refresh_search
from paless_shared.tables import DocumentStatus
from paless_shared.versions import service as versions

FINAL_STATES = frozenset({DocumentStatus.ready, DocumentStatus.failed})


@dataclass(frozen=True)
class ExtractedDocument:
    sha256: str
    size_bytes: int
    page_count: int
    content: str
    pdf_metadata: dict[str, Any]
    thumbnail_key: str | None
    created_at: datetime | None
    # The language the text is in, when processing knows it (the first language OCR
    # read it in, or the one the upload asked for); None leaves the document's as is.
    # Search stems the document's words in it.
    language: str | None = None


@dataclass(frozen=True)
class Started:
    """A document ingest has started on: its owner and current version."""

    owner_id: uuid.UUID
    version_id: uuid.UUID
    original_key: str  # the version's original


async def lock_for_processing(session: AsyncSession, document_id: uuid.UUID) -> bool:
    """Take the document's row lock first, in a transaction that will change its
    versions or runs as well; False if the document is gone.

    Requests lock a document before its versions and runs (an edit locks the row, and
    writing it again checks the current version's foreign key), so a job that locked
    a run or version first and then the document could wait for such a request while
    it waits for the job: a deadlock, which Postgres ends by failing one of them."""
    return await processing_queries.lock(session, document_id)


async def start_processing(
    session: AsyncSession, document_id: uuid.UUID, *, max_attempts: int
) -> Started | None:
    """Mark a document as processing and count the attempt (one statement, which also
    reads the current version's original key).

    None means there is nothing to do: the document is gone or already final (a
    re-run of a finished job), or it has used up its attempts and is now failed.
    """
    row = await processing_queries.begin_processing(session, document_id, max_attempts=max_attempts)
    if row is None:
        await processing_queries.fail_exhausted(session, document_id, max_attempts)
        return None
    owner_id, version_id, original_key = row
    if version_id is None or original_key is None:
        # A row written before versions existed (or pointing at none): made now.
        document = await queries.get(session, document_id)
        assert document is not None  # updated above, in this transaction
        version = await versions.current_version(session, document)
        version_id, original_key = version.id, version.original_key
    return Started(owner_id=owner_id, version_id=version_id, original_key=original_key)


async def mark_ready(
    session: AsyncSession,
    document_id: uuid.UUID,
    extracted: ExtractedDocument,
    *,
    matches: Matches | None = None,
) -> bool:
    """Store what ingest extracted, apply the owner's matching rules' results (see
    NO_MATCHES below), and index the document for search. False if it is gone."""
    values: dict[str, Any] = {
        "sha256": extracted.sha256,
        "size_bytes": extracted.size_bytes,
        "page_count": extracted.page_count,
        "content": extracted.content,
        "pdf_metadata": extracted.pdf_metadata,
        "thumbnail_key": extracted.thumbnail_key,
        "status": DocumentStatus.ready,
        "failure_reason": None,
    }
    if extracted.created_at is not None:
        values["created_at"] = extracted.created_at
    if extracted.language is not None:
        values["language"] = extracted.language
    found = matches or NO_MATCHES
    stored = await processing_queries.store_processed(
        session,
        document_id,
        values,
        correspondent_id=found.correspondent,
        document_type_id=found.document_type,
    )
    if not stored:
        return False
    await set_tags(session, [document_id], found.tags)
    await refresh_search(session, [document_id])
    return True


async def mark_failed(session: AsyncSession, document_id: uuid.UUID, reason: str) -> None:
    document = await queries.get(session, document_id, for_update=True)
    if document is None:
        return
    document.status = DocumentStatus.failed
    document.failure_reason = reason[:2000]
    await session.flush()


# Matching rules' results are applied by `mark_ready` in the statement that stores the
# document: matched tags are added (with their parents, through `set_tags`); the
# correspondent and type are set only where the document has none (a person's choice
# is never overwritten).
NO_MATCHES = Matches(tags=[], correspondent=None, document_type=None)
