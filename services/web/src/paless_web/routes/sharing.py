"""Share links: create, list and revoke them; and open one, without authentication."""

from __future__ import annotations

import uuid
from typing import Annotated, Any

from fastapi import APIRouter, Path, Response, status

from paless_shared import tables
from paless_shared.sharing import service
from paless_web.delivery import RedirectQuery, signed_answer
from paless_web.deps import ConfigDep, CurrentPrincipal, DeliveryDep, UnitOfWorkDep
from paless_web.problems import responses
from paless_web.schemas.common import SignedUrl
from paless_web.schemas.sharing import ShareLink, ShareLinkCreate, ShareLinkList

share_links = APIRouter()


def _link_out(link: tables.ShareLink) -> ShareLink:
    return ShareLink(
        id=link.id,
        document_id=link.document_id,
        url=f"/share/{link.slug}",
        slug=link.slug,
        created_at=link.created_at,
        created_by=link.created_by_id,
        expires_at=link.expires_at,
        revoked_at=link.revoked_at,
    )


@share_links.post(
    "/documents/{document_id}/share_links",
    tags=["documents"],
    operation_id="documents_share_links_create",
    status_code=status.HTTP_201_CREATED,
    response_model=ShareLink,
    responses=responses(401, 404, 422),
)
async def create_share_link(
    document_id: uuid.UUID, body: ShareLinkCreate, principal: CurrentPrincipal, uow: UnitOfWorkDep
) -> ShareLink:
    """Create a public link to the document (anyone who may view it may share it). Whoever
    has the link can download the file, without an account, until it expires or is
    revoked, and only while you may still view the document."""
    link = await service.create_link(
        uow.session, principal, document_id, expires_at=body.expires_at
    )
    return _link_out(link)


@share_links.get(
    "/documents/{document_id}/share_links",
    tags=["documents"],
    operation_id="documents_share_links_list",
    response_model=ShareLinkList,
    responses=responses(401, 404, 422),
)
async def list_share_links(
    document_id: uuid.UUID, principal: CurrentPrincipal, uow: UnitOfWorkDep
) -> ShareLinkList:
    """The document's links, newest first, revoked and expired ones included: all of
    them if you may change the document, else the ones you made."""
    links = await service.list_links(uow.session, principal, document_id)
    return ShareLinkList(items=[_link_out(link) for link in links])


@share_links.delete(
    "/share_links/{share_link_id}",
    tags=["share_links"],
    operation_id="share_links_revoke",
    status_code=status.HTTP_204_NO_CONTENT,
    response_class=Response,
    responses=responses(401, 403, 404, 422),
)
async def revoke_share_link(
    share_link_id: uuid.UUID, principal: CurrentPrincipal, uow: UnitOfWorkDep
) -> None:
    """Revoke a link: it answers 404 from the next request on."""
    await service.revoke_link(uow.session, principal, share_link_id)


public = APIRouter(tags=["share"])


@public.get(
    "/share/{slug}",
    operation_id="share_links_open",
    response_model=SignedUrl,
    responses={
        307: {"description": "Redirect to a short-lived signed URL."},
        **responses(404, 422),
    },
)
async def open_share_link(
    slug: Annotated[str, Path(max_length=64)],
    uow: UnitOfWorkDep,
    delivery: DeliveryDep,
    config: ConfigDep,
    redirect: RedirectQuery = True,
) -> Any:
    """No authentication: an active link redirects to the file (a signed URL valid five
    minutes at most); an unknown, expired or revoked link is 404."""
    document = await service.resolve(uow.session, slug)
    signed = await delivery.signed_url(
        document.original_key,
        filename=document.original_filename,
        content_type=document.mime_type,
        disposition="attachment",
        expires_in=min(config.delivery.download_url_expiry_seconds, 300),
    )
    return signed_answer(signed, redirect)
