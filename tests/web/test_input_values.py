"""Values at the edges: date-times without an offset are read as UTC wherever the API
takes one (and the OpenAPI document says so), and values Postgres cannot store or
compare (out of range) are a 422 naming the problem, never a 5xx."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime
from typing import Any

import httpx
import pytest

from tests.conftest import Account
from tests.web.stored import StoredDocuments, create_id, found_ids, running_app
from tests.web.support import assert_problem


@pytest.fixture(scope="module")
async def client(servers: Any) -> AsyncIterator[httpx.AsyncClient]:
    async with running_app() as shared:
        yield shared


@pytest.fixture
def stored(db: Any) -> StoredDocuments:
    return StoredDocuments(db)


async def test_a_share_link_expiry_without_an_offset_is_read_as_utc(
    client: httpx.AsyncClient, account: Account, stored: StoredDocuments
) -> None:
    document_id = await stored.add(account, "Scan")

    response = await client.post(
        f"/api/v1/documents/{document_id}/share_links",
        headers=account.headers,
        json={"expires_at": "2099-01-01T00:00:00"},
    )

    assert response.status_code == 201, response.text
    expires_at = datetime.fromisoformat(response.json()["expires_at"])
    assert expires_at == datetime(2099, 1, 1, tzinfo=UTC)


async def test_a_naive_expiry_in_the_past_is_refused_as_such(
    client: httpx.AsyncClient, account: Account, stored: StoredDocuments
) -> None:
    document_id = await stored.add(account, "Scan")

    response = await client.post(
        f"/api/v1/documents/{document_id}/share_links",
        headers=account.headers,
        json={"expires_at": "2000-01-01T00:00:00"},
    )

    assert "future" in assert_problem(response, 422)["detail"]


async def test_a_document_date_without_an_offset_is_read_as_utc(
    client: httpx.AsyncClient, account: Account, stored: StoredDocuments
) -> None:
    document_id = await stored.add(account, "Scan")

    response = await client.patch(
        f"/api/v1/documents/{document_id}",
        headers=account.headers,
        json={"created": "2024-05-01T10:30:00"},
    )

    assert response.status_code == 200, response.text
    assert (await stored.row(document_id)).created_at == datetime(2024, 5, 1, 10, 30, tzinfo=UTC)


async def test_date_filters_without_an_offset_are_read_as_utc(
    client: httpx.AsyncClient, account: Account, stored: StoredDocuments
) -> None:
    late = await stored.add(account, "Late", created_at=datetime(2024, 5, 1, 23, 30, tzinfo=UTC))
    await stored.add(account, "Early", created_at=datetime(2024, 5, 1, 22, 30, tzinfo=UTC))

    found = await found_ids(client, account, created_after="2024-05-01T23:00:00")

    assert found == [late]


@pytest.mark.parametrize(
    ("method", "path", "body"),
    [
        ("POST", "/api/v1/documents/{id}/share_links", {"expires_at": "9999-12-31T23:00:00-05:00"}),
        ("PATCH", "/api/v1/documents/{id}", {"created": "0001-01-01T00:30:00+01:00"}),
        ("GET", "/api/v1/documents?created_after=0001-01-01T00:00:00%2B05:00", None),
        ("GET", "/api/v1/documents?added_before=9999-12-31T23:59:59-01:00", None),
    ],
    ids=["share-expiry", "document-date", "created-after", "added-before"],
)
async def test_a_date_time_that_leaves_the_calendar_in_utc_is_a_422(
    client: httpx.AsyncClient,
    account: Account,
    stored: StoredDocuments,
    method: str,
    path: str,
    body: dict[str, Any] | None,
) -> None:
    document_id = await stored.add(account, "Scan")

    response = await client.request(
        method, path.replace("{id}", document_id), headers=account.headers, json=body
    )

    problem = assert_problem(response, 422)
    assert "UTC" in str(problem["errors"])


@pytest.mark.parametrize(
    ("data_type", "condition"),
    [
        ("integer", "gt:99999999999999999999"),
        ("integer", "eq:-9223372036854775809"),
        ("monetary", "gt:1e200000"),
        ("float", "lt:1e400"),
    ],
)
async def test_a_filter_value_out_of_the_stored_range_is_a_422(
    client: httpx.AsyncClient, account: Account, data_type: str, condition: str
) -> None:
    field = await create_id(
        client,
        account,
        "custom_fields",
        name="amount",
        data_type=data_type,
        **({"extra_data": {"default_currency": "EUR"}} if data_type == "monetary" else {}),
    )

    response = await client.get(
        "/api/v1/documents",
        params={"custom_field": f"{field}:{condition}"},
        headers=account.headers,
    )

    assert response.status_code in (200, 422), response.text
    if response.status_code == 422:
        assert_problem(response, 422)


def test_every_date_time_input_says_how_a_missing_offset_is_read() -> None:
    from paless_web.app import create_app

    spec = create_app().openapi()
    inputs = []
    for path, item in spec["paths"].items():
        for method, operation in item.items():
            for parameter in operation.get("parameters", []):
                if _is_date_time(parameter["schema"], spec):
                    inputs.append((f"{method} {path} {parameter['name']}", parameter))
    for name, schema in spec["components"]["schemas"].items():
        if name.endswith(("Create", "Update", "Request")):
            for field, prop in schema.get("properties", {}).items():
                if _is_date_time(prop, spec):
                    inputs.append((f"{name}.{field}", prop))

    assert len(inputs) >= 6, inputs
    for name, declared in inputs:
        assert "read as UTC" in declared.get("description", ""), name


def _is_date_time(schema: dict[str, Any], spec: dict[str, Any]) -> bool:
    options = schema.get("anyOf", [schema])
    return any(option.get("format") == "date-time" for option in options)
