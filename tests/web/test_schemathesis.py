"""The API against its own OpenAPI document, by schemathesis: generated requests to
every operation, in-process over ASGI with the app's lifespan (real Postgres, Redis and
SeaweedFS), as a user who owns documents, tags and the rest. No answer may be a server
error, and every answer must be one the document declares, in the shape it declares.

Schemathesis generates and checks; the requests go through httpx to one app kept
running for the module in an event loop of its own (schemathesis' own ASGI client
would restart the app's lifespan, and so its database, Redis and S3 clients, for
every test).

Some examples aim at the user's real objects (a random UUID only ever finds nothing),
so the successful answers are checked too. Bounded and derandomized: the same requests
on every run. Tables are emptied once for the module, not before each test: each test
seeds accounts of its own, and emptying takes longer than the test.

Left out on purpose: ids that point at the caller's own account or the token it uses
(`DELETE`/`PATCH /users/{user_id}` and `DELETE /tokens/{token_id}` could log it out or
reset its password mid-run); those get a second user's ids instead.
"""

from __future__ import annotations

import secrets
import uuid
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest
import requests
import schemathesis
from anyio.from_thread import BlockingPortal, start_blocking_portal
from arq import ArqRedis
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from schemathesis.checks import not_a_server_error
from schemathesis.generation import GenerationMode
from schemathesis.specs.openapi.checks import (
    response_schema_conformance,
    status_code_conformance,
)
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from paless_shared.platform.security import hash_token, new_token_secret
from paless_shared.tables import (
    ApiToken,
    Correspondent,
    CustomField,
    CustomFieldType,
    Document,
    DocumentStatus,
    DocumentType,
    Group,
    GroupMember,
    Note,
    ShareLink,
    Tag,
    Task,
    TaskStatus,
    Upload,
    User,
)
from paless_web.app import create_app

METHODS = {"get", "put", "post", "delete", "patch"}
OPERATIONS = [
    (method.upper(), path)
    for path, item in create_app().openapi()["paths"].items()
    for method in item
    if method in METHODS
]
CHECKS = [not_a_server_error, response_schema_conformance, status_code_conformance]
BASE_URL = "http://paless.test"
REQUEST_ARGUMENTS = ("method", "url", "headers", "params", "cookies", "files", "data", "json")
EXAMPLES = 8


@pytest.fixture(scope="module")
async def emptied_once(servers: Any, db: async_sessionmaker[AsyncSession], queue: ArqRedis) -> None:
    async with db() as session:
        await session.execute(
            text("TRUNCATE users, api_tokens, documents, uploads, tasks, groups CASCADE")
        )
        await session.commit()
    await queue.flushdb()


@pytest.fixture(autouse=True)
def clean_state(emptied_once: None) -> None:
    """Replaces conftest's per-test emptying for this module (see its docstring)."""


@pytest.fixture(scope="module")
def schema() -> Any:
    return schemathesis.openapi.from_dict(create_app().openapi())


@asynccontextmanager
async def running() -> AsyncIterator[httpx.AsyncClient]:
    """The app with its lifespan, and a client that gets a crash as the 500 the app
    answers (for schemathesis to report with a reproducer), not as an exception."""
    app = create_app()
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app, raise_app_exceptions=False)
        async with httpx.AsyncClient(transport=transport, base_url=BASE_URL) as client:
            yield client


@pytest.fixture(scope="module")
def app(servers: Any) -> Iterator[tuple[BlockingPortal, httpx.AsyncClient]]:
    """The app, running in an event loop thread, and a client in that loop."""
    with (
        start_blocking_portal() as portal,
        portal.wrap_async_context_manager(running()) as client,
    ):
        yield portal, client


def send(
    app: tuple[BlockingPortal, httpx.AsyncClient], case: Any, headers: dict[str, str]
) -> httpx.Response:
    """The request schemathesis serialized for the case, byte for byte."""
    portal, client = app
    kwargs = case.as_transport_kwargs(base_url=BASE_URL, headers=headers)
    prepared = requests.Request(
        **{key: kwargs[key] for key in REQUEST_ARGUMENTS if key in kwargs}
    ).prepare()

    async def call() -> httpx.Response:
        assert prepared.method is not None and prepared.url is not None
        return await client.request(
            prepared.method, prepared.url, headers=dict(prepared.headers), content=prepared.body
        )

    return portal.call(call)


@dataclass
class Seeded:
    owner_token: str
    admin_token: str
    ids: dict[str, str]  # path parameter -> an id of a real object


async def _seed(db: async_sessionmaker[AsyncSession], password_hash: str) -> Seeded:
    suffix = secrets.token_hex(4)
    owner = User(id=uuid.uuid4(), username=f"owner-{suffix}", password_hash=password_hash)
    admin = User(
        id=uuid.uuid4(), username=f"admin-{suffix}", password_hash=password_hash, is_admin=True
    )
    other = User(id=uuid.uuid4(), username=f"other-{suffix}", password_hash=password_hash)
    secrets_by_user = {owner.id: new_token_secret(), admin.id: new_token_secret()}
    spare = ApiToken(
        id=uuid.uuid4(), user_id=owner.id, name="spare", token_hash=hash_token(new_token_secret())
    )
    document_id, trashed_id = uuid.uuid4(), uuid.uuid4()
    ids = {
        "tag_id": uuid.uuid4(),
        "correspondent_id": uuid.uuid4(),
        "document_type_id": uuid.uuid4(),
        "custom_field_id": uuid.uuid4(),
        "note_id": uuid.uuid4(),
        "task_id": uuid.uuid4(),
        "upload_id": uuid.uuid4(),
        "share_link_id": uuid.uuid4(),
        "group_id": uuid.uuid4(),
    }
    slug = secrets.token_urlsafe(32)
    async with db() as session:
        session.add_all([owner, admin, other])
        await session.flush()
        session.add_all(
            [
                ApiToken(
                    user_id=user_id,
                    name="schemathesis",
                    token_hash=hash_token(secret),
                    expires_at=datetime.now(UTC) + timedelta(hours=1),
                )
                for user_id, secret in secrets_by_user.items()
            ]
        )
        session.add(spare)
        for the_id, deleted_at in ((document_id, None), (trashed_id, datetime.now(UTC))):
            session.add(
                Document(
                    id=the_id,
                    owner_id=owner.id,
                    title="Quarterly report",
                    original_filename="report.pdf",
                    mime_type="application/pdf",
                    size_bytes=1000,
                    sha256=the_id.hex * 2,
                    page_count=1,
                    content="quarterly figures",
                    status=DocumentStatus.ready,
                    original_key=f"originals/{the_id}.pdf",
                    thumbnail_key=f"thumbnails/{the_id}.webp",
                    deleted_at=deleted_at,
                )
            )
        session.add_all(
            [
                Tag(id=ids["tag_id"], owner_id=owner.id, name="invoices"),
                Correspondent(id=ids["correspondent_id"], owner_id=owner.id, name="acme"),
                DocumentType(id=ids["document_type_id"], owner_id=owner.id, name="receipt"),
                CustomField(
                    id=ids["custom_field_id"],
                    owner_id=owner.id,
                    name="amount",
                    data_type=CustomFieldType.integer,
                ),
                Group(id=ids["group_id"], name=f"group-{suffix}"),
            ]
        )
        await session.flush()
        session.add_all(
            [
                GroupMember(group_id=ids["group_id"], user_id=other.id),
                Note(id=ids["note_id"], document_id=document_id, author_id=owner.id, text="hi"),
                Task(
                    id=ids["task_id"],
                    kind="ingest",
                    job_id=f"ingest:{ids['task_id']}",
                    owner_id=owner.id,
                    document_id=document_id,
                    status=TaskStatus.succeeded,
                ),
                Upload(
                    id=ids["upload_id"],
                    owner_id=owner.id,
                    filename="direct.pdf",
                    object_key=f"originals/{ids['upload_id']}.pdf",
                    expires_at=datetime.now(UTC) + timedelta(minutes=10),
                ),
                ShareLink(
                    id=ids["share_link_id"],
                    slug=slug,
                    document_id=document_id,
                    created_by_id=owner.id,
                ),
            ]
        )
        await session.commit()
    known = {name: str(value) for name, value in ids.items()}
    known |= {
        "document_id": str(document_id),
        "user_id": str(other.id),  # never the caller: see the module's docstring
        "token_id": str(spare.id),
        "slug": slug,
    }
    return Seeded(secrets_by_user[owner.id], secrets_by_user[admin.id], known)


@pytest.fixture
async def seeded(db: async_sessionmaker[AsyncSession], account_password: tuple[str, str]) -> Seeded:
    return await _seed(db, account_password[1])


def _token_for(path: str, seeded: Seeded) -> str:
    """Account administration as the admin (else it is all 403), the rest as the owner."""
    admin_only = path.startswith(
        ("/api/v1/users/{", "/api/v1/groups", "/api/v1/audit")
    ) or path in ("/api/v1/users",)
    return seeded.admin_token if admin_only else seeded.owner_token


@pytest.mark.parametrize(
    ("method", "path"), OPERATIONS, ids=[f"{method} {path}" for method, path in OPERATIONS]
)
def test_operation_conforms_to_the_openapi_document(
    schema: Any,
    app: tuple[BlockingPortal, httpx.AsyncClient],
    seeded: Seeded,
    method: str,
    path: str,
) -> None:
    operation = schema[path][method]
    headers = {"Authorization": f"Bearer {_token_for(path, seeded)}"}
    known = {name: value for name, value in seeded.ids.items() if f"{{{name}}}" in path}

    @settings(
        max_examples=EXAMPLES,
        derandomize=True,
        database=None,
        deadline=None,
        phases=[Phase.explicit, Phase.generate],
        suppress_health_check=list(HealthCheck),
    )
    @given(
        case=operation.as_strategy(GenerationMode.POSITIVE),
        aim_at_real_objects=st.booleans(),
    )
    def check(case: Any, aim_at_real_objects: bool) -> None:
        if aim_at_real_objects and known:
            case.path_parameters = {**(case.path_parameters or {}), **known}
        response = send(app, case, headers)
        case.validate_response(response, checks=CHECKS, headers=headers)

    check()


# --- what the fuzzing found, pinned: each is a request the API should refuse (422) -----


def call(
    app: tuple[BlockingPortal, httpx.AsyncClient], method: str, url: str, **kwargs: Any
) -> httpx.Response:
    portal, client = app

    async def request() -> httpx.Response:
        return await client.request(method, url, **kwargs)

    return portal.call(request)


def assert_refused_as_invalid(response: httpx.Response) -> None:
    assert response.status_code == 422, f"{response.status_code}: {response.text[:300]}"
    assert response.headers["content-type"].startswith("application/problem+json")


@pytest.mark.parametrize("kind", ["tags", "correspondents", "document_types"])
def test_an_explicit_null_matching_algorithm_is_refused_not_a_crash(
    app: tuple[BlockingPortal, httpx.AsyncClient], seeded: Seeded, kind: str
) -> None:
    object_id = seeded.ids[f"{kind.removesuffix('s')}_id"]

    response = call(
        app,
        "PATCH",
        f"/api/v1/{kind}/{object_id}",
        headers={"Authorization": f"Bearer {seeded.owner_token}"},
        json={"matching_algorithm": None},
    )

    assert_refused_as_invalid(response)


@pytest.mark.parametrize("field", ["name", "match", "is_insensitive", "color", "is_inbox"])
def test_an_explicit_null_for_a_field_that_cannot_be_empty_is_422_not_a_name_conflict(
    app: tuple[BlockingPortal, httpx.AsyncClient], seeded: Seeded, field: str
) -> None:
    response = call(
        app,
        "PATCH",
        f"/api/v1/tags/{seeded.ids['tag_id']}",
        headers={"Authorization": f"Bearer {seeded.owner_token}"},
        json={field: None},
    )

    assert_refused_as_invalid(response)


NUL = "a\x00b"
NUL_REQUESTS = {
    "tag name": ("POST", "/api/v1/tags", {"json": {"name": NUL}}),
    "document title": ("PATCH", "/api/v1/documents/{document_id}", {"json": {"title": NUL}}),
    "note": ("POST", "/api/v1/documents/{document_id}/notes", {"json": {"text": NUL}}),
    "token name": ("POST", "/api/v1/tokens", {"json": {"name": NUL}}),
    "group name": ("POST", "/api/v1/groups", {"json": {"name": NUL}}),
    "login": ("POST", "/api/v1/auth/token", {"json": {"username": NUL, "password": "x"}}),
    "search": ("GET", "/api/v1/documents", {"params": {"q": NUL}}),
    "tag filter": ("GET", "/api/v1/tags", {"params": {"name_contains": NUL}}),
    "autocomplete": ("GET", "/api/v1/autocomplete", {"params": {"term": NUL}}),
}


@pytest.mark.parametrize("what", list(NUL_REQUESTS))
def test_a_nul_character_is_refused_not_a_crash(
    app: tuple[BlockingPortal, httpx.AsyncClient], seeded: Seeded, what: str
) -> None:
    """Postgres cannot store U+0000 in text: the API must say so (422), not fail (500)."""
    method, path, kwargs = NUL_REQUESTS[what]
    token = seeded.admin_token if "groups" in path else seeded.owner_token

    response = call(
        app,
        method,
        path.replace("{document_id}", seeded.ids["document_id"]),
        headers={"Authorization": f"Bearer {token}"},
        **kwargs,
    )

    assert_refused_as_invalid(response)
