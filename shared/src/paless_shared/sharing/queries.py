"""Statements on share links."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import Row, select
from sqlalchemy.ext.asyncio import AsyncSession

from paless_shared.access.conditions import can_change, can_view
from paless_shared.platform.principal import Principal
from paless_shared.tables import Document, ShareLink


async def add(session: AsyncSession, link: ShareLink) -> None:
    session.add(link)
    await session.flush()
    await session.refresh(link)


async def links_of(session: AsyncSession, document_id: uuid.UUID) -> Sequence[ShareLink]:
    result = await session.execute(
        select(ShareLink)
        .where(ShareLink.document_id == document_id)
        .order_by(ShareLink.created_at.desc(), ShareLink.id)
    )
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
    """(link, document) of an active link to a document not in the trash."""
    statement = (
        select(ShareLink, Document)
        .join(Document, Document.id == ShareLink.document_id)
        .where(
            ShareLink.slug == slug,
            ShareLink.revoked_at.is_(None),
            (ShareLink.expires_at.is_(None)) | (ShareLink.expires_at > now),
            Document.deleted_at.is_(None),
        )
    )
    return (await session.execute(statement)).one_or_none()
