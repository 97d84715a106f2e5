from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import case, func, select, tuple_, update
from sqlalchemy.ext.asyncio import AsyncSession

from paless_shared.models import Document, DocumentStatus, Upload, UploadStatus
from paless_shared.repositories.grants import drop_grants


class DocumentRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def add(self, document: Document) -> Document:
        self.session.add(document)
        await self.session.flush()
        await self.session.refresh(document)
        return document

    async def get(self, document_id: uuid.UUID, *, for_update: bool = False) -> Document | None:
        statement = select(Document).where(Document.id == document_id)
        if for_update:
            statement = statement.with_for_update()
        result = await self.session.execute(statement)
        return result.scalar_one_or_none()

    async def get_owned(
        self,
        document_id: uuid.UUID,
        owner_id: uuid.UUID,
        *,
        trashed: bool = False,
        for_update: bool = False,
    ) -> Document | None:
        """The owner's document, among those in the trash when `trashed`, else among
        those that are not."""
        statement = select(Document).where(
            Document.id == document_id,
            Document.owner_id == owner_id,
            Document.deleted_at.is_not(None) if trashed else Document.deleted_at.is_(None),
        )
        if for_update:
            statement = statement.with_for_update()
        result = await self.session.execute(statement)
        return result.scalar_one_or_none()

    async def list_owned(
        self,
        owner_id: uuid.UUID,
        *,
        limit: int,
        after: tuple[datetime, uuid.UUID] | None,
    ) -> Sequence[Document]:
        """Newest first, keyset-paginated on (added_at, id): no OFFSET scans, and rows
        inserted meanwhile never shift a page."""
        statement = select(Document).where(
            Document.owner_id == owner_id, Document.deleted_at.is_(None)
        )
        if after is not None:
            statement = statement.where(tuple_(Document.added_at, Document.id) < after)
        statement = statement.order_by(Document.added_at.desc(), Document.id.desc()).limit(limit)
        result = await self.session.execute(statement)
        return result.scalars().all()

    async def list_trashed(
        self,
        owner_id: uuid.UUID,
        *,
        limit: int,
        after: tuple[datetime, uuid.UUID] | None,
    ) -> Sequence[Document]:
        statement = select(Document).where(
            Document.owner_id == owner_id, Document.deleted_at.is_not(None)
        )
        if after is not None:
            statement = statement.where(tuple_(Document.deleted_at, Document.id) < after)
        statement = statement.order_by(Document.deleted_at.desc(), Document.id.desc()).limit(limit)
        result = await self.session.execute(statement)
        return result.scalars().all()

    async def trashed_for_update(
        self,
        *,
        owner_id: uuid.UUID | None = None,
        deleted_before: datetime | None = None,
        limit: int | None = None,
    ) -> Sequence[Document]:
        """Trashed documents (of one owner, or deleted before a time), locked."""
        statement = select(Document).where(Document.deleted_at.is_not(None))
        if owner_id is not None:
            statement = statement.where(Document.owner_id == owner_id)
        if deleted_before is not None:
            statement = statement.where(Document.deleted_at < deleted_before)
        statement = (
            statement.order_by(Document.deleted_at).limit(limit).with_for_update(skip_locked=True)
        )
        result = await self.session.execute(statement)
        return result.scalars().all()

    async def referenced_keys(self, keys: Sequence[str]) -> set[str]:
        """Which of these object keys a document row points at."""
        wanted = set(keys)
        if not wanted:
            return set()
        result = await self.session.execute(
            select(Document.original_key, Document.thumbnail_key).where(
                Document.original_key.in_(wanted) | Document.thumbnail_key.in_(wanted)
            )
        )
        return {key for row in result for key in row if key in wanted}

    async def iterate_stored(self, *, after: uuid.UUID | None, limit: int) -> Sequence[Document]:
        """Every document (trashed too), in id order, a batch at a time."""
        statement = select(Document).order_by(Document.id).limit(limit)
        if after is not None:
            statement = statement.where(Document.id > after)
        result = await self.session.execute(statement)
        return result.scalars().all()

    async def delete(self, document: Document) -> None:
        """Delete the row, and the grants on it (they hold no foreign key)."""
        await drop_grants(self.session, "document", [document.id])
        await self.session.delete(document)
        await self.session.flush()

    async def lock_content(self, owner_id: uuid.UUID, sha256: str) -> None:
        """Serialize, until commit, the work of transactions on the same owner's content."""
        await self.session.execute(
            select(func.pg_advisory_xact_lock(func.hashtextextended(f"{owner_id}:{sha256}", 0)))
        )

    async def mark_copies(self, owner_id: uuid.UUID, sha256: str) -> None:
        """Point every document with this owner and content at the earliest of them
        (by added_at, then id); the earliest points nowhere."""
        same = (Document.owner_id == owner_id) & (Document.sha256 == sha256)
        earliest = (
            select(Document.id).where(same).order_by(Document.added_at, Document.id).limit(1)
        ).scalar_subquery()
        await self.session.execute(
            update(Document)
            .where(same)
            .values(duplicate_of_id=case((Document.id == earliest, None), else_=earliest))
            .execution_options(synchronize_session="fetch")
        )

    async def count_by_status(self) -> dict[DocumentStatus, int]:
        result = await self.session.execute(
            select(Document.status, func.count()).group_by(Document.status)
        )
        counts = {status: 0 for status in DocumentStatus}
        counts.update({status: count for status, count in result.all()})
        return counts

    async def stale(self, before: datetime, limit: int) -> Sequence[tuple[uuid.UUID, uuid.UUID]]:
        """(id, owner id) of documents still pending or processing, unchanged since
        `before`."""
        result = await self.session.execute(
            select(Document.id, Document.owner_id)
            .where(
                Document.status.in_([DocumentStatus.pending, DocumentStatus.processing]),
                Document.modified_at < before,
            )
            .order_by(Document.modified_at)
            .limit(limit)
        )
        return [(row.id, row.owner_id) for row in result]


class UploadRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def add(self, upload: Upload) -> Upload:
        self.session.add(upload)
        await self.session.flush()
        return upload

    async def expired_pending(self, before: datetime, limit: int) -> Sequence[Upload]:
        """Direct uploads never completed whose URL expired before `before`, locked."""
        result = await self.session.execute(
            select(Upload)
            .where(Upload.status == UploadStatus.pending, Upload.expires_at < before)
            .order_by(Upload.expires_at)
            .limit(limit)
            .with_for_update(skip_locked=True)
        )
        return result.scalars().all()

    async def pending_keys(self, keys: list[str]) -> set[str]:
        """Which of these keys belong to a direct upload not yet completed."""
        if not keys:
            return set()
        result = await self.session.execute(
            select(Upload.object_key).where(
                Upload.object_key.in_(keys), Upload.status == UploadStatus.pending
            )
        )
        return set(result.scalars())

    async def delete(self, upload: Upload) -> None:
        await self.session.delete(upload)
        await self.session.flush()

    async def get_owned_for_update(
        self, upload_id: uuid.UUID, owner_id: uuid.UUID
    ) -> Upload | None:
        result = await self.session.execute(
            select(Upload)
            .where(Upload.id == upload_id, Upload.owner_id == owner_id)
            .with_for_update()
        )
        return result.scalar_one_or_none()
