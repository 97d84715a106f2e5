"""Manage screens: tags, correspondents, document types and custom fields (created,
edited in place, deleted; with a "test this rule on a document" preview), tasks, and
the trash."""

from __future__ import annotations

import asyncio
import uuid
from typing import Any

from fastapi import APIRouter, Request, Response
from fastapi.responses import RedirectResponse

from paless_shared.documents import service as documents
from paless_shared.matching import rules
from paless_shared.organisation import service as organisation
from paless_shared.platform.errors import InvalidInput, NotFound
from paless_shared.tables import (
    Correspondent,
    CustomField,
    CustomFieldType,
    DocumentType,
    MatchingAlgorithm,
    Tag,
)
from paless_shared.tasks import service as tasks
from paless_web.deps import UnitOfWorkDep
from paless_web.ui import grants
from paless_web.ui.render import render, url
from paless_web.ui.session import Session

router = APIRouter(include_in_schema=False)

# URL segment: (model, singular, plural) of each kind of organising object.
KINDS: dict[str, tuple[Any, str, str]] = {
    "tags": (Tag, "tag", "Tags"),
    "correspondents": (Correspondent, "correspondent", "Correspondents"),
    "document_types": (DocumentType, "document type", "Document types"),
    "custom_fields": (CustomField, "custom field", "Custom fields"),
}


def _kind(kind: str) -> tuple[Any, str, str]:
    if kind not in KINDS:
        raise NotFound(f"no such list: {kind}")
    return KINDS[kind]


@router.post("/manage/rule_test")
async def test_rule(request: Request, session: Session, uow: UnitOfWorkDep) -> Response:
    """Would this rule match that document? Evaluated as the worker would, on the text
    the document has now. (Declared before `/manage/{kind}`, which would take it.)"""
    form = await request.form()
    try:
        algorithm = MatchingAlgorithm(str(form.get("matching_algorithm") or "none"))
        document_id = uuid.UUID(str(form.get("document") or ""))
    except ValueError:
        raise InvalidInput("choose an algorithm and give a document id") from None
    match = str(form.get("match") or "")[:256]
    rules.validate(algorithm, match)
    document = await documents.get_document(uow.session, session.principal, document_id)
    rule = rules.Rule(
        id=None, match=match, algorithm=algorithm, is_insensitive=form.get("is_insensitive") == "on"
    )
    # Regular expressions and fuzzy matching are CPU work: off the event loop.
    matched = await asyncio.to_thread(rules.matches, rule, document.content or "")
    return render(
        request,
        "fragments/rule_result.html",
        {"matched": matched, "document": document},
    )


@router.get("/manage/{kind}")
async def list_objects(
    request: Request, kind: str, session: Session, uow: UnitOfWorkDep
) -> Response:
    model, singular, plural = _kind(kind)
    page = await organisation.list_objects(uow.session, session.principal, model, limit=500)
    return render(
        request,
        "manage/objects.html",
        {
            "session": session,
            "csrf": session.csrf,
            "kind": kind,
            "singular": singular,
            "plural": plural,
            "items": page.items,
            "algorithms": list(MatchingAlgorithm),
            "data_types": list(CustomFieldType),
            "tags": [counted.item for counted in page.items] if model is Tag else [],
        },
    )


def _values(model: Any, form: Any, *, creating: bool, current: Any = None) -> dict[str, Any]:
    """The object's fields from the create or edit form. Editing leaves out the name
    and a tag's parent when they are unchanged (renaming needs the owner or an admin; a
    changer may still edit the rest, under a parent they may not see) and never sends a
    custom field's type (it cannot change)."""
    values: dict[str, Any] = {}
    name = str(form.get("name") or "").strip()[:128]
    if not name:
        raise InvalidInput("name: required")
    if creating or name != current.name:
        values["name"] = name
    if model is CustomField:
        options = [o.strip() for o in str(form.get("options") or "").split(",") if o.strip()]
        if creating:
            try:
                values["data_type"] = CustomFieldType(str(form.get("data_type") or ""))
            except ValueError:
                raise InvalidInput("data type: choose one") from None
            data_type = values["data_type"]
        else:
            data_type = current.data_type
        if data_type is CustomFieldType.select:
            values["extra_data"] = {"options": options}
        elif data_type is CustomFieldType.monetary and not creating:
            currency = str(form.get("default_currency") or "").strip().upper()
            values["extra_data"] = {"default_currency": currency} if currency else {}
    else:
        try:
            values["matching_algorithm"] = MatchingAlgorithm(
                str(form.get("matching_algorithm") or "none")
            )
        except ValueError:
            raise InvalidInput("matching: choose an algorithm") from None
        values["match"] = str(form.get("match") or "")[:256]
        values["is_insensitive"] = form.get("is_insensitive") == "on"
    if model is Tag:
        values["color"] = str(form.get("color") or "#a6cee3")
        values["is_inbox"] = form.get("is_inbox") == "on"
        parent = str(form.get("parent") or "")
        try:
            parent_id = uuid.UUID(parent) if parent else None
        except ValueError:
            raise InvalidInput("parent: not a valid choice") from None
        # Unchanged, it is not checked again: the parent may be a tag this user cannot see.
        if creating or parent_id != current.parent_id:
            values["parent_id"] = parent_id
    return values


@router.post("/manage/{kind}")
async def create_object(
    request: Request, kind: str, session: Session, uow: UnitOfWorkDep
) -> Response:
    model, _singular, _plural = _kind(kind)
    values = _values(model, await request.form(), creating=True)
    await organisation.create_object(uow.session, session.principal, model, values)
    return RedirectResponse(url(request, f"/manage/{kind}"), status_code=303)


@router.get("/manage/{kind}/{object_id}")
async def edit_object_form(
    request: Request, kind: str, object_id: uuid.UUID, session: Session, uow: UnitOfWorkDep
) -> Response:
    """The object's form, for those who may change it (owner, admin or a change grant);
    the name only for its owner or an admin."""
    model, singular, plural = _kind(kind)
    item = await organisation.get_object(
        uow.session, session.principal, model, object_id, for_change=True
    )
    tags = []
    if model is Tag:
        page = await organisation.list_objects(uow.session, session.principal, Tag, limit=500)
        tags = [counted.item for counted in page.items if counted.item.id != item.id]
    return render(
        request,
        "manage/object_edit.html",
        {
            "session": session,
            "csrf": session.csrf,
            "kind": kind,
            "singular": singular,
            "plural": plural,
            "item": item,
            "may_rename": session.principal.is_admin or item.owner_id == session.principal.user_id,
            "algorithms": list(MatchingAlgorithm),
            "tags": tags,
            "grants": await grants.shown(uow.session, session.principal, model, item.id),
            "permissions_action": url(request, f"/manage/{kind}/{item.id}/permissions"),
        },
    )


@router.post("/manage/{kind}/{object_id}")
async def edit_object(
    request: Request, kind: str, object_id: uuid.UUID, session: Session, uow: UnitOfWorkDep
) -> Response:
    """Save the form through the same service as `PATCH /api/v1/{kind}/{id}`."""
    model, _singular, _plural = _kind(kind)
    current = await organisation.get_object(
        uow.session, session.principal, model, object_id, for_change=True
    )
    values = _values(model, await request.form(), creating=False, current=current)
    await organisation.update_object(uow.session, session.principal, model, object_id, values)
    return RedirectResponse(url(request, f"/manage/{kind}"), status_code=303)


@router.post("/manage/{kind}/{object_id}/permissions")
async def set_permissions(
    request: Request, kind: str, object_id: uuid.UUID, session: Session, uow: UnitOfWorkDep
) -> Response:
    """Owner and grants by name, as `PUT /api/v1/{kind}/{id}/permissions` (owner or
    admin only)."""
    model, _singular, _plural = _kind(kind)
    principal = session.principal
    await grants.save(uow.session, principal, model, object_id, await request.form())
    if not await grants.still_visible(uow.session, principal, model, object_id):
        return RedirectResponse(url(request, f"/manage/{kind}"), status_code=303)
    return RedirectResponse(url(request, f"/manage/{kind}/{object_id}#permissions"), 303)


@router.post("/manage/{kind}/{object_id}/delete")
async def delete_object(
    request: Request, kind: str, object_id: uuid.UUID, session: Session, uow: UnitOfWorkDep
) -> Response:
    model, _singular, _plural = _kind(kind)
    await organisation.delete_object(uow.session, session.principal, model, object_id)
    return RedirectResponse(url(request, f"/manage/{kind}"), status_code=303)


@router.get("/tasks")
async def task_list(request: Request, session: Session, uow: UnitOfWorkDep) -> Response:
    page = await tasks.list_tasks(
        uow.session,
        session.principal,
        status=None,
        kind=None,
        document_id=None,
        limit=100,
        cursor=request.query_params.get("cursor"),
    )
    return render(
        request,
        "manage/tasks.html",
        {"session": session, "csrf": session.csrf, "tasks": page.items, "next": page.next_cursor},
    )


@router.get("/trash")
async def trash(request: Request, session: Session, uow: UnitOfWorkDep) -> Response:
    page = await documents.list_trash(uow.session, session.principal, limit=200, cursor=None)
    return render(
        request,
        "manage/trash.html",
        {"session": session, "csrf": session.csrf, "documents": page.items},
    )


@router.post("/trash/{document_id}/restore")
async def restore(
    request: Request, document_id: uuid.UUID, session: Session, uow: UnitOfWorkDep
) -> Response:
    await documents.restore_document(uow.session, session.principal, document_id)
    return RedirectResponse(url(request, "/trash"), status_code=303)


@router.post("/trash/empty")
async def empty(request: Request, session: Session, uow: UnitOfWorkDep) -> Response:
    await documents.empty_trash(uow.session, uow.jobs, session.principal)
    return RedirectResponse(url(request, "/trash"), status_code=303)
