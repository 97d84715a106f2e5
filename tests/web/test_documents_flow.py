"""Upload → worker → ready → signed download, against real Postgres, Redis and S3."""

from __future__ import annotations

import hashlib

import httpx

from tests.conftest import upload
from tests.pdfs import text_pdf


async def test_uploaded_pdf_becomes_ready_and_downloads_unchanged(
    client: httpx.AsyncClient, account, run_worker
) -> None:
    content = text_pdf("Invoice number 42", "Total due: 100 EUR", title="Invoice")

    response = await upload(client, account, content, "invoice.pdf", title="My invoice")
    assert response.status_code == 202, response.text
    document = response.json()
    assert document["status"] == "pending"
    assert document["title"] == "My invoice"
    assert document["size_bytes"] == len(content)

    await run_worker()

    response = await client.get(f"/api/v1/documents/{document['id']}", headers=account.headers)
    assert response.status_code == 200
    ready = response.json()
    assert ready["status"] == "ready", ready["failure_reason"]
    assert ready["page_count"] == 2
    assert ready["sha256"] == hashlib.sha256(content).hexdigest()
    assert ready["content"].split("\f") == ["Invoice number 42", "Total due: 100 EUR"]
    assert ready["pdf_metadata"]["title"] == "Invoice"
    assert ready["has_thumbnail"] is True

    response = await client.get(
        f"/api/v1/documents/{document['id']}/download", headers=account.headers
    )
    assert response.status_code == 307
    async with httpx.AsyncClient() as s3:
        fetched = await s3.get(response.headers["location"])
    assert fetched.status_code == 200
    assert hashlib.sha256(fetched.content).hexdigest() == hashlib.sha256(content).hexdigest()
    assert "filename*=UTF-8''invoice.pdf" in fetched.headers["content-disposition"]
