"""Documents written straight into Postgres and indexed for search, the way ingest
leaves them: much quicker than uploading and processing a PDF, for tests about what
happens after (search, editing, organising). Plus small helpers for the organisation
API those tests build on."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator, Iterable
from contextlib import asynccontextmanager
from datetime import UTC, datetime
from typing import Any

import httpx
from sqlalchemy import insert, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from paless_shared.search.service import refresh_search
from paless_shared.tables import (
    CustomFieldValue,
    Document,
    DocumentStatus,
    Grant,
    Note,
    Permission,
    document_tags,
)
from tests.conftest import Account


@asynccontextmanager
async def running_app() -> AsyncIterator[httpx.AsyncClient]:
    """The web app in-process, as the `client` fixture gives it. Starting an app takes
    about a second, so the modules with many short tests share one (module-scoped);
    every test still starts from empty tables (`clean_state`)."""
    from paless_web.app import create_app

    app = create_app()
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://paless.test") as c:
            yield c


class StoredDocuments:
    def __init__(self, db: async_sessionmaker[AsyncSession]) -> None:
        self._db = db

    async def add(
        self,
        owner: Account,
        title: str,
        content: str = "",
        *,
        status: DocumentStatus = DocumentStatus.ready,
        created_at: datetime | None = None,
        added_at: datetime | None = None,
        deleted_at: datetime | None = None,
        tags: Iterable[str | uuid.UUID] = (),
        correspondent: str | uuid.UUID | None = None,
        document_type: str | uuid.UUID | None = None,
        filename: str | None = None,
        fields: dict[str, dict[str, Any]] | None = None,
    ) -> str:
        """A document of `owner`, indexed; returns its id as the API shows it.
        `fields`: custom field id -> value columns, e.g. `{amount: {"value_int": 3}}`."""
        document_id = uuid.uuid4()
        values: dict[str, Any] = {}
        if created_at is not None:
            values["created_at"] = created_at
        if added_at is not None:
            values["added_at"] = added_at
        async with self._db() as session:
            session.add(
                Document(
                    id=document_id,
                    owner_id=owner.id,
                    title=title,
                    original_filename=filename or f"scan-{document_id.hex[:8]}.pdf",
                    mime_type="application/pdf",
                    size_bytes=1000,
                    sha256=document_id.hex * 2,
                    page_count=1,
                    content=content,
                    status=status,
                    original_key=f"originals/{document_id}.pdf",
                    deleted_at=deleted_at,
                    correspondent_id=_uuid(correspondent),
                    document_type_id=_uuid(document_type),
                    **values,
                )
            )
            await session.flush()
            tag_ids = [_uuid(tag) for tag in tags]
            if tag_ids:
                await session.execute(
                    insert(document_tags),
                    [{"document_id": document_id, "tag_id": tag_id} for tag_id in tag_ids],
                )
            for field_id, columns in (fields or {}).items():
                session.add(
                    CustomFieldValue(document_id=document_id, field_id=_uuid(field_id), **columns)
                )
            await session.flush()
            await refresh_search(session, [document_id])
            await session.commit()
        return str(document_id)

    async def add_object(self, owner: Account, model: type[Any], name: str, **values: Any) -> str:
        """A tag, correspondent, document type or custom field of `owner`."""
        async with self._db() as session:
            obj = model(owner_id=owner.id, name=name, **values)
            session.add(obj)
            await session.commit()
        return str(obj.id)

    async def share(self, document_ids: Iterable[str | uuid.UUID], reader: Account) -> None:
        """Grant `reader` view on these documents."""
        async with self._db() as session:
            for document_id in document_ids:
                session.add(
                    Grant(
                        object_type="document",
                        object_id=_uuid(document_id),
                        user_id=reader.id,
                        permission=Permission.view,
                    )
                )
            await session.commit()

    async def row(self, document_id: str | uuid.UUID) -> Document:
        async with self._db() as session:
            found = await session.get(Document, _uuid(document_id))
        assert found is not None, f"document {document_id} has no row"
        return found

    async def tags_of(self, document_id: str | uuid.UUID) -> set[str]:
        async with self._db() as session:
            result = await session.execute(
                select(document_tags.c.tag_id).where(
                    document_tags.c.document_id == _uuid(document_id)
                )
            )
            return {str(tag_id) for tag_id in result.scalars()}

    async def field_values(self, document_id: str | uuid.UUID) -> dict[str, CustomFieldValue]:
        """The document's custom field value rows, by field id."""
        async with self._db() as session:
            result = await session.execute(
                select(CustomFieldValue).where(CustomFieldValue.document_id == _uuid(document_id))
            )
            return {str(row.field_id): row for row in result.scalars()}

    async def notes_of(self, document_id: str | uuid.UUID) -> list[str]:
        async with self._db() as session:
            result = await session.execute(
                select(Note.text)
                .where(Note.document_id == _uuid(document_id))
                .order_by(Note.created_at)
            )
            return list(result.scalars())


def _uuid(value: str | uuid.UUID | None) -> Any:
    if value is None:
        return None
    return value if isinstance(value, uuid.UUID) else uuid.UUID(value)


def at(day: str) -> datetime:
    """Midnight UTC of an ISO date: `at("2024-03-01")`."""
    return datetime.fromisoformat(day).replace(tzinfo=UTC)


async def create(
    client: httpx.AsyncClient, account: Account, kind: str, **body: Any
) -> dict[str, Any]:
    """POST /api/v1/<kind> (tags, correspondents, document_types, custom_fields); the
    created object."""
    response = await client.post(f"/api/v1/{kind}", json=body, headers=account.headers)
    assert response.status_code == 201, response.text
    created: dict[str, Any] = response.json()
    return created


async def create_id(client: httpx.AsyncClient, account: Account, kind: str, **body: Any) -> str:
    created = await create(client, account, kind, **body)
    object_id: str = created["id"]
    return object_id


async def search(client: httpx.AsyncClient, account: Account, **params: Any) -> dict[str, Any]:
    """GET /api/v1/documents with these query parameters (lists repeat): the page."""
    response = await client.get("/api/v1/documents", params=params, headers=account.headers)
    assert response.status_code == 200, response.text
    page: dict[str, Any] = response.json()
    return page


async def found_ids(client: httpx.AsyncClient, account: Account, **params: Any) -> list[str]:
    """Ids of the first page of GET /api/v1/documents, in the order answered."""
    page = await search(client, account, limit=200, **params)
    return [item["id"] for item in page["items"]]


async def patch(
    client: httpx.AsyncClient, account: Account, document_id: str, **body: Any
) -> httpx.Response:
    return await client.patch(
        f"/api/v1/documents/{document_id}", json=body, headers=account.headers
    )
