"""Statements on share links."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import Row, select
from sqlalchemy.ext.asyncio import AsyncSession

from paless_shared.access.conditions import can_change, can_view, user_can_view
from paless_shared.platform.principal import Principal
from paless_shared.tables import Document, ShareLink


async def add(session: AsyncSession, link: ShareLink) -> None:
    session.add(link)
    await session.flush()
    await session.refresh(link)


async def links_of(
    session: AsyncSession, document_id: uuid.UUID, *, created_by: uuid.UUID | None = None
) -> Sequence[ShareLink]:
    """A document's links, newest first; only those `created_by` made, when given."""
    statement = select(ShareLink).where(ShareLink.document_id == document_id)
    if created_by is not None:
        statement = statement.where(ShareLink.created_by_id == created_by)
    result = await session.execute(statement.order_by(ShareLink.created_at.desc(), ShareLink.id))
    return result.scalars().all()


async def lock_visible(
    session: AsyncSession, principal: Principal, link_id: uuid.UUID
) -> Row[ShareLink, bool] | None:
    """(link, changeable: whether the principal may change its document), locked, if
    the principal may see the link's document."""
    statement = (
        select(ShareLink, can_change(Document, principal).label("changeable"))
        .join(Document, Document.id == ShareLink.document_id)
        .where(ShareLink.id == link_id, can_view(Document, principal))
        .with_for_update(of=ShareLink)
    )
    return (await session.execute(statement)).one_or_none()


async def active(
    session: AsyncSession, slug: str, now: datetime
) -> Row[ShareLink, Document] | None:
    """(link, document) of an active link to a document not in the trash, whose
    creator may still view the document (an active account with access now)."""
    statement = (
        select(ShareLink, Document)
        .join(Document, Document.id == ShareLink.document_id)
        .where(
            ShareLink.slug == slug,
            ShareLink.revoked_at.is_(None),
            (ShareLink.expires_at.is_(None)) | (ShareLink.expires_at > now),
            Document.deleted_at.is_(None),
            user_can_view(Document, ShareLink.created_by_id),
        )
    )
    return (await session.execute(statement)).one_or_none()
