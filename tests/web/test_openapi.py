"""The OpenAPI document clients are generated from: stable operation ids, a schema for
every answer, and every error documented as a problem."""

from __future__ import annotations

import difflib
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


# The document as a product: committed, named, with examples --------------------------

JSON_MEDIA_TYPES = {"application/json", "application/problem+json"}
# Bodies known to lack an example, each with where to add it. Checked both ways: once
# the example is there, the test fails until the entry goes.
BODIES_WITHOUT_EXAMPLES: dict[tuple[str, str], str] = {}


def resolve(spec: dict[str, Any], schema: dict[str, Any]) -> dict[str, Any]:
    ref = schema.get("$ref")
    if ref is None:
        return schema
    found: dict[str, Any] = spec["components"]["schemas"][ref.rsplit("/", 1)[1]]
    return found


def has_example(schema: dict[str, Any]) -> bool:
    return bool(schema.get("examples") or "example" in schema)


async def test_committed_openapi_json_is_what_the_app_serves(spec: dict[str, Any]) -> None:
    from tools.openapi import SPEC_PATH, render

    committed = SPEC_PATH.read_text(encoding="utf-8")
    current = render(spec)
    if committed != current:
        diff = difflib.unified_diff(
            committed.splitlines(), current.splitlines(), "openapi.json", "the app", n=1
        )
        shown = "\n".join(list(diff)[:60])
        pytest.fail(f"openapi.json is stale: run `make openapi`, then `make client`\n{shown}")


def fields_without_examples(spec: dict[str, Any], body: dict[str, Any]) -> list[str]:
    """`media type: field` for each field sent with no example in its schema, its
    body's schema or its media type (files excepted: a binary has nothing to show)."""
    missing = []
    for media_type, content in body["content"].items():
        schema = resolve(spec, content["schema"])
        if has_example(content) or has_example(schema):
            continue
        missing += [
            f"{media_type}: {name}"
            for name, field in schema.get("properties", {}).items()
            if field.get("format") != "binary" and not has_example(resolve(spec, field))
        ]
    return missing


# One test over every operation (not one per operation): each test here costs a
# database clean-up, and these are pure reads of the document.
async def test_request_bodies_carry_examples(spec: dict[str, Any]) -> None:
    missing = {}
    for method, path in OPERATIONS:
        body = operation(spec, method, path).get("requestBody")
        fields = fields_without_examples(spec, body) if body else []
        if (method, path) in BODIES_WITHOUT_EXAMPLES:
            assert fields, f"{method} {path} has its examples now: drop it from the list"
        elif fields:
            missing[f"{method.upper()} {path}"] = fields

    assert not missing, f"request fields without an example: {missing}"


async def test_json_answers_are_named_components(spec: dict[str, Any]) -> None:
    """A generated client gets a class with a real name for every answer, not
    `ResponseDocumentsList200`."""
    unnamed = []
    for method, path in OPERATIONS:
        for code, response in operation(spec, method, path)["responses"].items():
            for media_type, content in response.get("content", {}).items():
                if media_type not in JSON_MEDIA_TYPES:
                    continue  # /metrics: Prometheus text
                ref = content.get("schema", {}).get("$ref", "")
                name = ref.removeprefix("#/components/schemas/")
                if name == ref or name not in spec["components"]["schemas"]:
                    unnamed.append(f"{method.upper()} {path} {code} {media_type}")

    assert not unnamed, f"answers whose schema is not a named component: {unnamed}"


async def test_operations_are_grouped_by_resource_under_few_tags(spec: dict[str, Any]) -> None:
    tags = {
        op["tags"][0]
        for item in spec["paths"].values()
        for method, op in item.items()
        if method in METHODS
    }

    assert {"auth", "documents", "uploads", "health"} <= tags
    for path, item in spec["paths"].items():
        for method, op in item.items():
            if method in METHODS and path.startswith("/api/v1/"):
                resource = path.split("/")[3]
                assert op["tags"] == [resource], f"{method.upper()} {path}: {op['tags']}"
