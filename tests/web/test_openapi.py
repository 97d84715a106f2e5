"""The OpenAPI document clients are generated from: stable operation ids, a schema for
every answer, and every error documented as a problem."""

from __future__ import annotations

import re
from typing import Any

import httpx
import pytest

from paless_web.app import create_app

PROBLEM_REF = "#/components/schemas/Problem"
METHODS = {"get", "put", "post", "delete", "patch", "head", "options"}
# Read once at collection to name one test per operation; the tests themselves check
# the document the running app serves.
OPERATIONS = [
    (method, path)
    for path, item in create_app().openapi()["paths"].items()
    for method in item
    if method in METHODS
]
IDS = [f"{method.upper()} {path}" for method, path in OPERATIONS]


@pytest.fixture(scope="module")
async def spec(servers: Any) -> dict[str, Any]:
    """The document the running app serves (fetched once: it does not change)."""
    app = create_app()
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://paless.test") as c:
            response = await c.get("/openapi.json")
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/json"
    document: dict[str, Any] = response.json()
    return document


def operation(spec: dict[str, Any], method: str, path: str) -> dict[str, Any]:
    found: dict[str, Any] = spec["paths"][path][method]
    return found


async def test_openapi_document_describes_the_api(spec: dict[str, Any]) -> None:
    assert spec["openapi"].startswith("3.")
    assert spec["info"]["title"] == "paless"
    assert {
        "/api/v1/auth/token",
        "/api/v1/documents",
        "/api/v1/documents/{document_id}",
        "/api/v1/documents/{document_id}/download",
        "/api/v1/documents/{document_id}/thumbnail",
        "/api/v1/uploads",
        "/api/v1/uploads/{upload_id}/complete",
        "/healthz",
        "/readyz",
    } <= spec["paths"].keys()
    assert len(OPERATIONS) == sum(
        1 for item in spec["paths"].values() for method in item if method in METHODS
    )


@pytest.mark.parametrize(("method", "path"), OPERATIONS, ids=IDS)
async def test_operation_id_is_its_tag_and_a_verb(
    spec: dict[str, Any], method: str, path: str
) -> None:
    op = operation(spec, method, path)

    assert len(op["tags"]) == 1
    (tag,) = op["tags"]
    assert re.fullmatch(rf"{tag}_[a-z]+(_[a-z]+)*", op["operationId"]), op["operationId"]
    assert op.get("summary") or op.get("description")


async def test_operation_ids_are_unique(spec: dict[str, Any]) -> None:
    ids = [
        op["operationId"]
        for item in spec["paths"].values()
        for method, op in item.items()
        if method in METHODS
    ]

    assert len(ids) == len(set(ids))


@pytest.mark.parametrize(("method", "path"), OPERATIONS, ids=IDS)
async def test_successful_answer_has_a_schema(spec: dict[str, Any], method: str, path: str) -> None:
    responses = operation(spec, method, path)["responses"]
    successes = {code: r for code, r in responses.items() if code.startswith("2")}
    assert successes, f"no 2xx response documented: {sorted(responses)}"

    for code, response in successes.items():
        if code == "204":
            assert not response.get("content")
            continue
        assert response.get("content"), code
        for media_type, content in response["content"].items():
            assert content.get("schema"), f"{code} {media_type} has no schema"


@pytest.mark.parametrize(("method", "path"), OPERATIONS, ids=IDS)
async def test_errors_are_documented_as_problems(
    spec: dict[str, Any], method: str, path: str
) -> None:
    op = operation(spec, method, path)
    responses = op["responses"]
    errors = {code: r for code, r in responses.items() if code[0] in "45"}

    for code, response in errors.items():
        content = response.get("content", {})
        assert content.get("application/problem+json", {}).get("schema") == {"$ref": PROBLEM_REF}, (
            f"{code} is not documented as a problem"
        )
    if op.get("security"):
        assert "401" in errors
    if op.get("parameters") or op.get("requestBody"):
        assert "422" in errors
    if any(parameter["in"] == "path" for parameter in op.get("parameters", [])):
        assert "404" in errors


async def test_fastapis_default_validation_error_schema_is_not_used(
    spec: dict[str, Any],
) -> None:
    schemas = spec["components"]["schemas"]

    assert "HTTPValidationError" not in schemas
    assert "ValidationError" not in schemas
    assert {"type", "title", "status", "detail"} <= set(schemas["Problem"]["required"])


async def test_bearer_token_security_is_declared_for_every_api_route_but_login(
    spec: dict[str, Any],
) -> None:
    schemes = spec["components"]["securitySchemes"]
    bearer = [name for name, scheme in schemes.items() if scheme["type"] == "http"]
    assert [schemes[name]["scheme"] for name in bearer] == ["bearer"]

    for method, path in OPERATIONS:
        secured = bool(operation(spec, method, path).get("security"))
        needs_token = path.startswith("/api/v1/") and path != "/api/v1/auth/token"
        assert secured == needs_token, f"{method.upper()} {path}"
        if secured:
            assert operation(spec, method, path)["security"] == [{bearer[0]: []}]
