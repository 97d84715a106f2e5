"""Share links: a public, unguessable link to one document, for a limited time."""

from __future__ import annotations

import secrets
import uuid
from collections.abc import Sequence
from datetime import UTC, datetime

from sqlalchemy.ext.asyncio import AsyncSession

from paless_shared.audit.service import record
from paless_shared.documents.service import get_document, get_document_access
from paless_shared.platform.errors import Forbidden, InvalidInput, NotFound
from paless_shared.platform.principal import Principal
from paless_shared.sharing import queries
from paless_shared.tables import Document, ShareLink


def new_slug() -> str:
    """256 random bits, URL-safe."""
    return secrets.token_urlsafe(32)


async def create_link(
    session: AsyncSession,
    principal: Principal,
    document_id: uuid.UUID,
    *,
    expires_at: datetime | None,
) -> ShareLink:
    """Anyone who may view the document may share it (as in paperless-ngx)."""
    document = await get_document(session, principal, document_id)
    if expires_at is not None and expires_at <= datetime.now(UTC):
        raise InvalidInput("expires_at: must be in the future")
    link = ShareLink(
        slug=new_slug(),
        document_id=document.id,
        created_by_id=principal.user_id,
        expires_at=expires_at,
    )
    await queries.add(session, link)
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


async def list_links(
    session: AsyncSession, principal: Principal, document_id: uuid.UUID
) -> Sequence[ShareLink]:
    """A document's links, active or not, newest first: all of them for whoever may
    change the document (they may revoke any), else only the principal's own."""
    document, changeable = await get_document_access(session, principal, document_id)
    return await queries.links_of(
        session, document.id, created_by=None if changeable else principal.user_id
    )


async def revoke_link(session: AsyncSession, principal: Principal, link_id: uuid.UUID) -> None:
    """The link's creator, whoever may change the document, or an admin may revoke it;
    others who can see the document get 403, everyone else 404."""
    row = await queries.lock_visible(session, principal, link_id)
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
    """The document behind an active link; 404 for an unknown, expired or revoked link,
    a document in the trash, or a link whose creator may no longer view the document
    (grant taken away, account deactivated or deleted): all alike, so nothing is
    learnt from a guess."""
    row = await queries.active(session, slug, datetime.now(UTC))
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
