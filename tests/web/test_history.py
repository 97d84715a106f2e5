"""A document's history as each reader may see it now: custom fields, tags,
correspondents and types the reader may not see are left out of the events (names and
values alike), and callers' addresses are shown to the owner and admins only."""

from __future__ import annotations

import json
import uuid
from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest
from sqlalchemy import insert
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from paless_shared.tables import AuditEvent, Grant, Permission
from tests.conftest import Account
from tests.web.stored import StoredDocuments, create_id, patch, running_app


@pytest.fixture(scope="module")
async def client(servers: Any) -> AsyncIterator[httpx.AsyncClient]:
    async with running_app() as shared:
        yield shared


async def grant(
    db: async_sessionmaker[AsyncSession], kind: str, object_id: str, user: Account
) -> None:
    async with db() as session:
        await session.execute(
            insert(Grant).values(
                object_type=kind,
                object_id=uuid.UUID(object_id),
                user_id=user.id,
                permission=Permission.view,
            )
        )
        await session.commit()


async def history(
    client: httpx.AsyncClient, account: Account, document_id: str
) -> list[dict[str, Any]]:
    response = await client.get(
        f"/api/v1/documents/{document_id}/history", headers=account.headers, params={"limit": 200}
    )
    assert response.status_code == 200, response.text
    items: list[dict[str, Any]] = response.json()["items"]
    return items


async def updates(
    client: httpx.AsyncClient, account: Account, document_id: str
) -> list[dict[str, Any]]:
    return [
        event["details"]["changes"]
        for event in await history(client, account, document_id)
        if event["action"] == "document.updated"
    ]


@pytest.fixture
async def edited(
    client: httpx.AsyncClient, make_account: Any, db: async_sessionmaker[AsyncSession]
) -> dict[str, Any]:
    """The owner's document, edited with a private field ("Salary"), a private tag and
    correspondent, and a shared field and tag; then granted view to a reader, who is
    also granted the shared field and tag."""
    owner, reader = await make_account(), await make_account()
    salary = await create_id(client, owner, "custom_fields", name="Salary", data_type="integer")
    shared_field = await create_id(client, owner, "custom_fields", name="Ref", data_type="string")
    private_tag = await create_id(client, owner, "tags", name="confidential")
    shared_tag = await create_id(client, owner, "tags", name="hr")
    private_correspondent = await create_id(client, owner, "correspondents", name="Payroll")
    document_id = await StoredDocuments(db).add(owner, "Contract")
    for body in (
        {"custom_fields": [{"field": salary, "value": 50_000}]},
        {
            "custom_fields": [
                {"field": salary, "value": 61_000},
                {"field": shared_field, "value": "C-7"},
            ]
        },
        {"tags": [private_tag]},
        {"tags": [private_tag, shared_tag], "title": "Contract 2026"},
        {"correspondent": private_correspondent},
    ):
        response = await patch(client, owner, document_id, **body)
        assert response.status_code == 200, response.text
    await grant(db, "document", document_id, reader)
    await grant(db, "custom_field", shared_field, reader)
    await grant(db, "tag", shared_tag, reader)
    return {
        "owner": owner,
        "reader": reader,
        "document": document_id,
        "salary": salary,
        "shared_field": shared_field,
        "private_tag": private_tag,
        "shared_tag": shared_tag,
        "private_correspondent": private_correspondent,
    }


async def test_a_reader_sees_no_name_nor_value_of_a_field_they_may_not_see(
    client: httpx.AsyncClient, edited: dict[str, Any]
) -> None:
    events = await history(client, edited["reader"], edited["document"])

    shown = json.dumps(events)
    assert "Salary" not in shown
    assert "50000" not in shown and "61000" not in shown
    assert edited["salary"] not in shown
    assert edited["private_tag"] not in shown
    assert edited["private_correspondent"] not in shown
    # What they may see is still there.
    changes = await updates(client, edited["reader"], edited["document"])
    assert {edited["shared_field"]: {"name": "Ref", "value": "C-7"}} in changes[-1]["custom_fields"]
    assert {"tags": [[], [edited["shared_tag"]]], "title": ["Contract", "Contract 2026"]} in changes


async def test_an_update_of_only_what_the_reader_may_not_see_is_not_listed(
    client: httpx.AsyncClient, edited: dict[str, Any]
) -> None:
    readers = await updates(client, edited["reader"], edited["document"])
    owners = await updates(client, edited["owner"], edited["document"])

    # Salary alone, the private tag alone, the private correspondent alone: left out.
    assert len(owners) == 5
    assert len(readers) == 2


async def test_the_owner_sees_every_change_whole(
    client: httpx.AsyncClient, edited: dict[str, Any]
) -> None:
    changes = await updates(client, edited["owner"], edited["document"])

    assert changes[-1]["custom_fields"] == [
        {},
        {edited["salary"]: {"name": "Salary", "value": 50_000}},
    ]
    assert changes[0]["correspondent_id"] == [None, edited["private_correspondent"]]


async def test_addresses_are_shown_to_the_owner_and_admins_only(
    client: httpx.AsyncClient, edited: dict[str, Any], make_account: Any
) -> None:
    admin = await make_account(admin=True)
    document_id = edited["document"]
    downloaded = await client.get(
        f"/api/v1/documents/{document_id}/download",
        headers=edited["reader"].headers,
        params={"redirect": "false"},
    )
    assert downloaded.status_code == 200, downloaded.text

    readers = await history(client, edited["reader"], document_id)
    owners = await history(client, edited["owner"], document_id)
    admins = await history(client, admin, document_id)

    assert {event["client"] for event in readers} == {None}
    assert all(event["client"] for event in owners)
    assert all(event["client"] for event in admins)
    assert readers[0]["action"] == "document.downloaded"


async def test_events_recorded_by_field_name_leave_out_names_the_reader_may_not_see(
    client: httpx.AsyncClient, edited: dict[str, Any], db: async_sessionmaker[AsyncSession]
) -> None:
    """Events written before changes were recorded by field id name fields only."""
    async with db() as session:
        session.add(
            AuditEvent(
                action="document.updated",
                object_type="document",
                object_id=uuid.UUID(edited["document"]),
                document_id=uuid.UUID(edited["document"]),
                details={"changes": {"custom_fields": [{"Salary": 1, "Ref": "a"}, {"Ref": "b"}]}},
            )
        )
        await session.commit()

    newest = (await updates(client, edited["reader"], edited["document"]))[0]

    assert newest == {"custom_fields": [{"Ref": "a"}, {"Ref": "b"}]}
