"""Automatic organisation: a new document gets its owner's inbox tags at upload, and
after ingest the tags, correspondent and type whose rules match its text. Only the
owner's rules apply, and a person's choice is never overwritten."""

from __future__ import annotations

import uuid
from typing import Any

import httpx
from sqlalchemy import select

from paless_shared.tables import DocumentStatus, document_tags
from tests.conftest import Account
from tests.pdfs import text_pdf
from tests.worker.support import DocumentRows


async def make(client: httpx.AsyncClient, account: Account, kind: str, **body: Any) -> uuid.UUID:
    response = await client.post(f"/api/v1/{kind}", json=body, headers=account.headers)
    assert response.status_code == 201, response.text
    return uuid.UUID(response.json()["id"])


async def tags_of(db: Any, document_id: uuid.UUID) -> set[uuid.UUID]:
    async with db() as session:
        result = await session.execute(
            select(document_tags.c.tag_id).where(document_tags.c.document_id == document_id)
        )
        return set(result.scalars())


async def test_inbox_tags_at_upload_then_matching_rules_after_ingest(
    client: httpx.AsyncClient,
    account: Account,
    make_account: Any,
    run_worker: Any,
    documents: DocumentRows,
    db: Any,
) -> None:
    stranger = await make_account()
    inbox = await make(client, account, "tags", name="Inbox", is_inbox=True)
    energy = await make(
        client,
        account,
        "tags",
        name="Energy",
        match="electricity heating",
        matching_algorithm="any",
    )
    await make(client, account, "tags", name="Water", match="water", matching_algorithm="any")
    await make(client, account, "tags", name="Manual", match="electricity")  # algorithm none
    await make(
        client,
        account,
        "tags",
        name="Gas",
        match="GAS",
        matching_algorithm="literal",
        is_insensitive=False,
    )
    utility = await make(
        client,
        account,
        "correspondents",
        name="Stadtwerke",
        match="stadtwerke nord",
        matching_algorithm="literal",
    )
    await make(
        client, account, "correspondents", name="ACME", match="acme", matching_algorithm="any"
    )
    invoice = await make(
        client,
        account,
        "document_types",
        name="Invoice",
        match=r"INV-\d{4}",
        matching_algorithm="regex",
    )
    await make(
        client, stranger, "tags", name="Theirs", match="electricity", matching_algorithm="any"
    )
    await make(client, stranger, "tags", name="Their inbox", is_inbox=True)

    response = await client.post(
        "/api/v1/documents",
        headers=account.headers,
        files={
            "file": (
                "bill.pdf",
                text_pdf("Stadtwerke Nord", "Invoice INV-2026 for electricity and gas"),
                "application/pdf",
            )
        },
    )
    assert response.status_code == 202, response.text
    document_id = uuid.UUID(response.json()["id"])
    assert response.json()["tags"] == [str(inbox)]
    assert await tags_of(db, document_id) == {inbox}

    await run_worker()

    document = await documents.require(document_id)
    assert document.status == DocumentStatus.ready, document.failure_reason
    assert await tags_of(db, document_id) == {inbox, energy}
    assert document.correspondent_id == utility
    assert document.document_type_id == invoice
    # The names the rules gave it are searchable at once.
    found = await client.get(
        "/api/v1/documents", params={"q": "energy stadtwerke"}, headers=account.headers
    )
    assert [item["id"] for item in found.json()["items"]] == [str(document_id)]


async def test_a_persons_choice_is_kept_and_a_pathological_rule_does_not_stall_ingest(
    client: httpx.AsyncClient,
    account: Account,
    uploaded: Any,
    run_worker: Any,
    documents: DocumentRows,
    db: Any,
) -> None:
    chosen = await make(client, account, "correspondents", name="Chosen")
    await make(
        client, account, "correspondents", name="ACME", match="acme", matching_algorithm="any"
    )
    letter = await make(
        client, account, "document_types", name="Letter", match="dear", matching_algorithm="any"
    )
    await make(client, account, "tags", name="Evil", match="(a|aa)+$", matching_algorithm="regex")
    urgent = await make(
        client, account, "tags", name="Urgent", match="urgent", matching_algorithm="any"
    )
    document_id = await uploaded(text_pdf("Dear customer, ACME here: urgent", "a" * 50 + "b"))
    patched = await client.patch(
        f"/api/v1/documents/{document_id}",
        json={"correspondent": str(chosen)},
        headers=account.headers,
    )
    assert patched.status_code == 200, patched.text

    worker = await run_worker()

    assert worker.jobs_failed == 0
    document = await documents.require(document_id)
    assert document.status == DocumentStatus.ready, document.failure_reason
    assert document.correspondent_id == chosen
    assert document.document_type_id == letter
    assert await tags_of(db, document_id) == {urgent}
