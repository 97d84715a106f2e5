"""Helpers for the web API tests: raw multipart bodies, S3 listings, problem checks and
the three steps of a direct upload."""

from __future__ import annotations

import dataclasses
import uuid
from collections.abc import AsyncIterator
from typing import Any

import argon2
import httpx
from sqlalchemy import update

from paless_shared.tables import User
from tests.conftest import Account

PROBLEM_MEDIA_TYPE = "application/problem+json"
BOUNDARY = "paless-test-boundary-7c1f"
MULTIPART_CONTENT_TYPE = f"multipart/form-data; boundary={BOUNDARY}"


def multipart(parts: list[tuple[str, str | None, bytes]], *, close: bool = True) -> bytes:
    """A multipart/form-data body built byte by byte: (field, filename or None, data).

    Built by hand (not by httpx) so a test controls exactly what the server sees:
    repeated fields, a missing closing boundary, filenames as given.
    """
    out = bytearray()
    for name, filename, data in parts:
        disposition = f'form-data; name="{name}"'
        if filename is not None:
            disposition += f'; filename="{filename}"'
        content_type = "Content-Type: application/pdf\r\n" if filename is not None else ""
        out += f"--{BOUNDARY}\r\nContent-Disposition: {disposition}\r\n{content_type}\r\n".encode()
        out += data + b"\r\n"
    if close:
        out += f"--{BOUNDARY}--\r\n".encode()
    return bytes(out)


async def in_chunks(data: bytes, size: int) -> AsyncIterator[bytes]:
    """A request body with no length known up front (sent chunked)."""
    for start in range(0, len(data), size):
        yield data[start : start + size]


async def post_document(
    client: httpx.AsyncClient,
    account: Account,
    body: bytes | AsyncIterator[bytes],
    **headers: str,
) -> httpx.Response:
    """POST a raw multipart body to the upload route."""
    return await client.post(
        "/api/v1/documents",
        headers={**account.headers, "Content-Type": MULTIPART_CONTENT_TYPE, **headers},
        content=body,
    )


async def object_keys(storage: Any, prefix: str) -> set[str]:
    """Every object key under `prefix` in the test bucket."""
    keys: set[str] = set()
    paginator = storage._client.get_paginator("list_objects_v2")
    async for page in paginator.paginate(Bucket=storage.bucket, Prefix=prefix):
        keys.update(item["Key"] for item in page.get("Contents", []))
    return keys


async def multipart_uploads_in_progress(storage: Any, prefix: str) -> list[str]:
    listed = await storage._client.list_multipart_uploads(Bucket=storage.bucket, Prefix=prefix)
    return [upload["Key"] for upload in listed.get("Uploads", [])]


def assert_problem(response: httpx.Response, status: int) -> dict[str, Any]:
    """The response is an RFC 9457 problem with this status; returns its body."""
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith(PROBLEM_MEDIA_TYPE)
    body: dict[str, Any] = response.json()
    assert {"type", "title", "status", "detail"} <= body.keys(), body
    assert body["status"] == status
    assert body["type"].startswith("urn:paless:problem:")
    assert body["title"] and body["detail"]
    return body


async def fetch(url: str, **kwargs: Any) -> httpx.Response:
    """GET a signed URL the way a browser would: no credentials, no redirects."""
    async with httpx.AsyncClient() as outside:
        return await outside.get(url, **kwargs)


async def signed_url(
    client: httpx.AsyncClient, account: Account, document_id: str, kind: str = "download"
) -> str:
    response = await client.get(
        f"/api/v1/documents/{document_id}/{kind}",
        params={"redirect": "false"},
        headers=account.headers,
    )
    assert response.status_code == 200, response.text
    url: str = response.json()["url"]
    return url


async def start_direct_upload(
    client: httpx.AsyncClient, account: Account, filename: str = "direct.pdf", **extra: Any
) -> dict[str, Any]:
    response = await client.post(
        "/api/v1/uploads", headers=account.headers, json={"filename": filename, **extra}
    )
    assert response.status_code == 201, response.text
    started: dict[str, Any] = response.json()
    return started


async def send_to_storage(
    started: dict[str, Any], content: bytes, content_type: str = "application/pdf"
) -> httpx.Response:
    """POST the file to S3 with the form fields handed out: fields first, then `file`."""
    async with httpx.AsyncClient() as outside:
        return await outside.post(
            started["url"],
            data=started["fields"],
            files={"file": ("upload.pdf", content, content_type)},
        )


async def complete(
    client: httpx.AsyncClient, account: Account, upload_id: str | uuid.UUID
) -> httpx.Response:
    return await client.post(f"/api/v1/uploads/{upload_id}/complete", headers=account.headers)


async def direct_upload(
    client: httpx.AsyncClient,
    account: Account,
    content: bytes,
    filename: str = "direct.pdf",
    **extra: Any,
) -> dict[str, Any]:
    """All three steps of a direct upload; returns the pending document."""
    started = await start_direct_upload(client, account, filename, **extra)
    sent = await send_to_storage(started, content)
    assert sent.status_code in (200, 201, 204), sent.text
    response = await complete(client, account, started["upload_id"])
    assert response.status_code == 202, response.text
    document: dict[str, Any] = response.json()
    return document


# --- accounts with a fast password check ------------------------------------------------

CHEAP_PASSWORD = "cheap-but-correct-password"
# The same algorithm at its lowest cost: verification reads the cost from the hash, so
# the app checks this exactly as it checks real ones, only much faster.
CHEAP_HASH = argon2.PasswordHasher(time_cost=1, memory_cost=8, parallelism=1).hash(CHEAP_PASSWORD)


async def with_cheap_password(db: Any, account: Account) -> Account:
    """The account, its password hash swapped for a cheap one: for tests that fail or
    repeat many logins."""
    async with db() as session:
        await session.execute(
            update(User).where(User.id == account.id).values(password_hash=CHEAP_HASH)
        )
        await session.commit()
    return dataclasses.replace(account, password=CHEAP_PASSWORD)
