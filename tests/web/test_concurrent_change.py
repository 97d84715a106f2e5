"""A change Postgres rolls back to break a deadlock gets a problem saying to send it
again (503, Retry-After), not a 500; nothing of it was made, and sent again it is."""

from __future__ import annotations

import asyncio
import uuid
from typing import Any

import httpx
from sqlalchemy import text

from tests.conftest import Account, upload, waiting_for_a_lock
from tests.pdfs import text_pdf
from tests.web.support import assert_problem


async def test_a_change_postgres_ends_for_a_deadlock_is_a_503_to_send_again(
    client: httpx.AsyncClient, account: Account, db: Any
) -> None:
    response = await upload(client, account, text_pdf("Minutes"), "minutes.pdf")
    assert response.status_code == 202, response.text
    document_id = uuid.UUID(response.json()["id"])
    response = await client.post("/api/v1/tags", json={"name": "board"}, headers=account.headers)
    assert response.status_code == 201, response.text
    tag = response.json()["id"]

    async with db() as other:
        # Another transaction holds the current version's row in the strongest mode;
        # it will want the document's row, which the tag change will hold (and the
        # change, writing the document, checks the current version's foreign key).
        # It checks for deadlocks late, so the request is the one Postgres ends.
        await other.execute(text("SET LOCAL deadlock_timeout = '30s'"))
        await other.execute(
            text(
                "SELECT 1 FROM document_versions v JOIN documents d"
                " ON d.current_version_id = v.id WHERE d.id = :id FOR UPDATE OF v"
            ),
            {"id": document_id},
        )
        change = asyncio.create_task(
            client.patch(
                f"/api/v1/documents/{document_id}", json={"tags": [tag]}, headers=account.headers
            )
        )
        await waiting_for_a_lock(db, change)  # the change, for the version's row
        await other.execute(
            text("UPDATE documents SET title = 'Board minutes' WHERE id = :id"),
            {"id": document_id},
        )
        response = await asyncio.wait_for(change, 30)
        await other.commit()

    assert_problem(response, 503)
    assert response.headers["Retry-After"] == "1"
    assert response.json()["type"] == "urn:paless:problem:concurrent-change"
    shown = await client.get(f"/api/v1/documents/{document_id}", headers=account.headers)
    assert shown.json()["tags"] == []  # nothing of the change was made
    assert shown.json()["title"] == "Board minutes"  # the other transaction's was

    again = await client.patch(
        f"/api/v1/documents/{document_id}", json={"tags": [tag]}, headers=account.headers
    )
    assert again.status_code == 200, again.text
    assert again.json()["tags"] == [tag]
