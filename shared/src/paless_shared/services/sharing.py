"""Share links: a public, unguessable link to one document, for a limited time."""

from __future__ import annotations

import secrets
import uuid
from collections.abc import Sequence
from datetime import UTC, datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from paless_shared.access import Principal, can_change, can_view
from paless_shared.errors import Forbidden, InvalidInput, NotFound
from paless_shared.models import Document, ShareLink
from paless_shared.services.audit import record


def new_slug() -> str:
    """256 random bits, URL-safe."""
    return secrets.token_urlsafe(32)


async def create_link(
    session: AsyncSession,
    principal: Principal,
    document: Document,
    *,
    expires_at: datetime | None,
) -> ShareLink:
    """Anyone who may view the document may share it (as in paperless-ngx)."""
    if expires_at is not None and expires_at <= datetime.now(UTC):
        raise InvalidInput("expires_at: must be in the future")
    link = ShareLink(
        slug=new_slug(),
        document_id=document.id,
        created_by_id=principal.user_id,
        expires_at=expires_at,
    )
    session.add(link)
    await session.flush()
    await session.refresh(link)
    await record(
        session,
        principal,
        "document.shared",
        object_type="share_link",
        object_id=link.id,
        document_id=document.id,
        details={"expires_at": expires_at.isoformat() if expires_at else None},
    )
    return link


async def list_links(session: AsyncSession, document_id: uuid.UUID) -> Sequence[ShareLink]:
    """Every link of the document, active or not (the caller has checked view access)."""
    result = await session.execute(
        select(ShareLink)
        .where(ShareLink.document_id == document_id)
        .order_by(ShareLink.created_at.desc(), ShareLink.id)
    )
    return result.scalars().all()


async def revoke_link(session: AsyncSession, principal: Principal, link_id: uuid.UUID) -> None:
    """The link's creator, whoever may change the document, or an admin may revoke it;
    others who can see the document get 403, everyone else 404."""
    row = (
        await session.execute(
            select(ShareLink, can_change(Document, principal).label("changeable"))
            .join(Document, Document.id == ShareLink.document_id)
            .where(ShareLink.id == link_id, can_view(Document, principal))
            .with_for_update(of=ShareLink)
        )
    ).one_or_none()
    if row is None:
        raise NotFound(f"share link {link_id} not found")
    link: ShareLink = row[0]
    if not row.changeable and link.created_by_id != principal.user_id:
        raise Forbidden("only the link's creator or someone who may change the document")
    if link.revoked_at is None:
        link.revoked_at = datetime.now(UTC)
        await session.flush()
        await record(
            session,
            principal,
            "share_link.revoked",
            object_type="share_link",
            object_id=link.id,
            document_id=link.document_id,
        )


async def resolve(session: AsyncSession, slug: str) -> Document:
    """The document behind an active link; 404 for an unknown, expired or revoked link
    or a document in the trash (all alike, so nothing is learnt from a guess)."""
    now = datetime.now(UTC)
    row = (
        await session.execute(
            select(ShareLink, Document)
            .join(Document, Document.id == ShareLink.document_id)
            .where(
                ShareLink.slug == slug,
                ShareLink.revoked_at.is_(None),
                (ShareLink.expires_at.is_(None)) | (ShareLink.expires_at > now),
                Document.deleted_at.is_(None),
            )
        )
    ).one_or_none()
    if row is None:
        raise NotFound("this link does not exist, has expired or was revoked")
    link, document = row
    await record(
        session,
        None,
        "document.downloaded",
        object_type="share_link",
        object_id=link.id,
        document_id=document.id,
        details={"via": "share_link"},
    )
    return document
