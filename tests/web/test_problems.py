"""Every error the API gives is an RFC 9457 problem (application/problem+json)."""

from __future__ import annotations

import uuid
from collections.abc import Awaitable, Callable

import httpx
import pytest

from tests.conftest import Account, upload
from tests.web.support import assert_problem

Request = Callable[[httpx.AsyncClient, Account], Awaitable[httpx.Response]]


async def _no_token(client: httpx.AsyncClient, account: Account) -> httpx.Response:
    return await client.get("/api/v1/documents")


async def _wrong_password(client: httpx.AsyncClient, account: Account) -> httpx.Response:
    return await client.post(
        "/api/v1/auth/token", json={"username": account.username, "password": "wrong"}
    )


async def _unknown_route(client: httpx.AsyncClient, account: Account) -> httpx.Response:
    return await client.get("/api/v1/nothing-here", headers=account.headers)


async def _missing_document(client: httpx.AsyncClient, account: Account) -> httpx.Response:
    return await client.get(f"/api/v1/documents/{uuid.uuid4()}", headers=account.headers)


async def _wrong_method(client: httpx.AsyncClient, account: Account) -> httpx.Response:
    return await client.put("/api/v1/documents", headers=account.headers)


async def _not_uploaded_yet(client: httpx.AsyncClient, account: Account) -> httpx.Response:
    started = await client.post(
        "/api/v1/uploads", headers=account.headers, json={"filename": "a.pdf"}
    )
    return await client.post(
        f"/api/v1/uploads/{started.json()['upload_id']}/complete", headers=account.headers
    )


async def _too_large(client: httpx.AsyncClient, account: Account) -> httpx.Response:
    # Refused on the declared length alone, before any of the body is read.
    return await client.post(
        "/api/v1/documents",
        headers={
            **account.headers,
            "Content-Type": "multipart/form-data; boundary=x",
            "Content-Length": str(10**12),
        },
        content=b"--x--\r\n",
    )


async def _not_a_pdf(client: httpx.AsyncClient, account: Account) -> httpx.Response:
    return await upload(client, account, b"PK\x03\x04" + b"\x00" * 2000, "archive.zip")


async def _invalid_query(client: httpx.AsyncClient, account: Account) -> httpx.Response:
    return await client.get("/api/v1/documents?limit=0", headers=account.headers)


async def _invalid_cursor(client: httpx.AsyncClient, account: Account) -> httpx.Response:
    return await client.get("/api/v1/documents?cursor=%%%", headers=account.headers)


async def _malformed_id(client: httpx.AsyncClient, account: Account) -> httpx.Response:
    return await client.get("/api/v1/documents/not-a-uuid", headers=account.headers)


CASES: list[tuple[str, int, Request]] = [
    ("no-token", 401, _no_token),
    ("wrong-password", 401, _wrong_password),
    ("unknown-route", 404, _unknown_route),
    ("missing-document", 404, _missing_document),
    ("wrong-method", 405, _wrong_method),
    ("not-uploaded-yet", 409, _not_uploaded_yet),
    ("too-large", 413, _too_large),
    ("not-a-pdf", 415, _not_a_pdf),
    ("invalid-query", 422, _invalid_query),
    ("invalid-cursor", 422, _invalid_cursor),
    ("malformed-id", 422, _malformed_id),
]


@pytest.mark.parametrize(
    ("status", "request_"), [(s, r) for _, s, r in CASES], ids=[name for name, _, _ in CASES]
)
async def test_every_error_is_a_problem_with_the_http_status(
    client: httpx.AsyncClient, account, status: int, request_: Request
) -> None:
    response = await request_(client, account)

    assert_problem(response, status)


async def test_unknown_route_is_a_not_found_problem(client: httpx.AsyncClient) -> None:
    response = await client.get("/no/such/page")

    problem = assert_problem(response, 404)
    assert problem["type"] == "urn:paless:problem:not-found"
    assert problem["title"] == "Not Found"


async def test_wrong_method_problem_says_which_methods_are_allowed(
    client: httpx.AsyncClient,
) -> None:
    response = await client.put("/healthz")

    assert_problem(response, 405)
    assert response.headers["allow"] == "GET"


async def test_validation_problem_lists_each_invalid_field_with_a_reason(
    client: httpx.AsyncClient, account
) -> None:
    response = await client.post(
        "/api/v1/uploads",
        headers=account.headers,
        json={"filename": "", "title": "t" * 501},
    )

    problem = assert_problem(response, 422)
    assert problem["type"] == "urn:paless:problem:validation-error"
    fields = [error["field"] for error in problem["errors"]]
    assert fields == ["body.filename", "body.title"]
    assert all(error["message"] for error in problem["errors"])
    assert "body.filename" in problem["detail"]
    assert "body.title" in problem["detail"]


async def test_malformed_document_id_is_a_422_naming_the_path_parameter(
    client: httpx.AsyncClient, account
) -> None:
    response = await client.get("/api/v1/documents/not-a-uuid/download", headers=account.headers)

    problem = assert_problem(response, 422)
    assert [error["field"] for error in problem["errors"]] == ["path.document_id"]


async def test_problem_type_names_the_domain_error(client: httpx.AsyncClient, account) -> None:
    response = await upload(client, account, b"PK\x03\x04" + b"\x00" * 2000, "archive.zip")

    problem = assert_problem(response, 415)
    assert problem["type"] == "urn:paless:problem:unsupported-media-type"
    assert problem["title"] == "Unsupported media type"


@pytest.mark.parametrize(
    "body", [b"{not json", b"Y\xe9+\xff\x06\x9a"], ids=["not-json", "not-utf8"]
)
async def test_a_body_that_is_not_json_is_a_422_naming_the_body(
    client: httpx.AsyncClient, account, body: bytes
) -> None:
    # Found by the stateful schemathesis run: bytes that are not UTF-8 answered a bare
    # 400 the OpenAPI document does not declare.
    response = await client.post(
        "/api/v1/tags",
        content=body,
        headers={**account.headers, "Content-Type": "application/json"},
    )

    problem = assert_problem(response, 422)
    assert problem["errors"][0]["field"].startswith("body")
