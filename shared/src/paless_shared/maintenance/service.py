"""Periodic upkeep run by the worker on the scheduler's cue: purge old trash, drop
abandoned direct uploads, prune finished task records, and check that Postgres and
S3 agree.

The batch jobs here are the named exception to the transaction rule: they take the
sessionmaker and commit a batch per unit of work (see the package docstring).
"""

from __future__ import annotations

import logging
import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from paless_shared.documents.service import delete_rows, stored_objects
from paless_shared.maintenance import queries
from paless_shared.platform.database import unit_of_work
from paless_shared.platform.storage import Storage
from paless_shared.tables import UploadStatus

log = logging.getLogger(__name__)

BATCH = 200
STORED_PREFIXES = ("originals/", "thumbnails/", "uploads/")
REPORTED_KEYS = 100


async def purge_expired_trash(
    sessions: async_sessionmaker[AsyncSession], storage: Storage, *, older_than: timedelta
) -> int:
    """Delete documents trashed before `older_than` ago: objects first, then rows, a
    batch per transaction (a crash in between leaves a trashed row whose objects are
    gone, which the next run finishes; never an orphaned object)."""
    purged = 0
    cutoff = datetime.now(UTC) - older_than
    while True:
        async with unit_of_work(sessions) as session:
            batch = await queries.trashed_before(session, cutoff, BATCH)
            keys, document_ids = await stored_objects(session, batch)
            every = {*keys, *(k for document in batch for k in storage.document_keys(document.id))}
            await storage.delete(*sorted(every))
            for document_id in document_ids:
                await storage.delete_prefix(storage.renditions_prefix(uuid.UUID(document_id)))
            await delete_rows(session, batch)
        purged += len(batch)
        if len(batch) < BATCH:
            return purged


@dataclass
class ExpiredUploads:
    abandoned: int = 0  # never completed
    settled: int = 0  # completed, their form now expired


async def expire_uploads(
    sessions: async_sessionmaker[AsyncSession], storage: Storage, *, grace: timedelta
) -> ExpiredUploads:
    """Once a direct upload's form has expired (plus `grace`), forget the upload and
    remove its staging object: whatever the client sent for one never completed (and
    a copy at the document's key a completion made without committing), or whatever
    the form wrote again after completion. A completed upload's document stays."""
    done = ExpiredUploads()
    cutoff = datetime.now(UTC) - grace
    for status in (UploadStatus.pending, UploadStatus.completed):
        while True:
            async with unit_of_work(sessions) as session:
                batch = await queries.expired_uploads(session, status, cutoff, BATCH)
                for upload in batch:
                    keys = [upload.object_key]
                    if status is UploadStatus.pending:
                        keys.append(storage.original_key(upload.id))
                    await storage.delete(*keys)
                    await queries.delete_upload(session, upload)
            if status is UploadStatus.pending:
                done.abandoned += len(batch)
            else:
                done.settled += len(batch)
            if len(batch) < BATCH:
                break
    return done


async def prune_tasks(session: AsyncSession, *, older_than: timedelta) -> int:
    return await queries.delete_finished_tasks(session, datetime.now(UTC) - older_than)


@dataclass
class SanityReport:
    documents_checked: int = 0
    objects_checked: int = 0
    missing: list[str] = field(default_factory=list)
    size_mismatch: list[str] = field(default_factory=list)
    checksum_mismatch: list[str] = field(default_factory=list)
    orphans: list[str] = field(default_factory=list)
    orphans_removed: int = 0

    def as_result(self) -> dict[str, Any]:
        return {
            "documents_checked": self.documents_checked,
            "objects_checked": self.objects_checked,
            "missing": self.missing[:REPORTED_KEYS],
            "missing_count": len(self.missing),
            "size_mismatch": self.size_mismatch[:REPORTED_KEYS],
            "checksum_mismatch": self.checksum_mismatch[:REPORTED_KEYS],
            "orphans": self.orphans[:REPORTED_KEYS],
            "orphan_count": len(self.orphans),
            "orphans_removed": self.orphans_removed,
        }


async def sanity_check(
    sessions: async_sessionmaker[AsyncSession],
    storage: Storage,
    *,
    orphan_min_age: timedelta,
    remove_orphans: bool,
) -> SanityReport:
    """Every object a row points at exists with the recorded size (and SHA-256, where
    S3 keeps one); objects no row points at, older than `orphan_min_age` (younger ones
    may belong to an upload in flight), are reported and optionally removed."""
    report = SanityReport()
    await _check_referenced(sessions, storage, report)
    await _find_orphans(sessions, storage, report, orphan_min_age, remove_orphans)
    log.info("maintenance.sanity_check.done", extra=report.as_result())
    return report


async def _check_referenced(
    sessions: async_sessionmaker[AsyncSession], storage: Storage, report: SanityReport
) -> None:
    after = None
    while True:
        async with sessions() as session:
            batch = await queries.stored_documents(session, after=after, limit=BATCH)
        for document in batch:
            report.documents_checked += 1
            original = await storage.head(document.original_key)
            if original is None:
                # Pending rows of a direct upload may not have their object yet.
                report.missing.append(document.original_key)
            elif document.sha256 is not None and original.size != document.size_bytes:
                report.size_mismatch.append(document.original_key)
            elif original.sha256 and document.sha256 and original.sha256 != document.sha256:
                report.checksum_mismatch.append(document.original_key)
            if document.thumbnail_key and await storage.head(document.thumbnail_key) is None:
                report.missing.append(document.thumbnail_key)
        if len(batch) < BATCH:
            return
        after = batch[-1].id


async def _find_orphans(
    sessions: async_sessionmaker[AsyncSession],
    storage: Storage,
    report: SanityReport,
    min_age: timedelta,
    remove: bool,
) -> None:
    cutoff = datetime.now(UTC) - min_age
    for prefix in STORED_PREFIXES:
        page: list[str] = []
        async for stored in storage.list_objects(prefix):
            report.objects_checked += 1
            if stored.last_modified < cutoff:
                page.append(stored.key)
            if len(page) >= BATCH:
                await _settle_orphans(sessions, storage, report, page, remove)
                page = []
        await _settle_orphans(sessions, storage, report, page, remove)


async def _settle_orphans(
    sessions: async_sessionmaker[AsyncSession],
    storage: Storage,
    report: SanityReport,
    keys: list[str],
    remove: bool,
) -> None:
    async with sessions() as session:
        referenced = await queries.referenced_keys(session, keys)
        pending_uploads = await queries.pending_upload_keys(session, keys)
    orphans = [key for key in keys if key not in referenced and key not in pending_uploads]
    report.orphans.extend(orphans)
    if remove and orphans:
        await storage.delete(*orphans)
        report.orphans_removed += len(orphans)
