"""Isolation: who may do what to whose objects.

Every operation that takes an object id (read from the app's OpenAPI at collection, so
a new route fails here until it has a case) is called by seven kinds of caller: the
object's owner, a user granted view, a user granted change, a member of a group granted
change, an unrelated user, no one (no token) and an admin. The answer must be the one
the case table gives (and one the OpenAPI document lists), and a refused call must
leave Postgres exactly as it was.

Then group grants and edits by someone who may not see everything on a document; and
the lists: what a user was granted is exactly what they see, in every list, search and
autocomplete, and a cursor walks each visible document exactly once.

Speed: emptying the tables before each of these ~400 short tests would take longer
than the tests themselves, so this module empties them once (its own `clean_state`)
and keeps every world apart instead: each has its own accounts, and everything it
checks is scoped to them. Reads and refusals share one world; a call expected to
change something gets a world of its own.
"""

from __future__ import annotations

import secrets
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest
from arq import ArqRedis
from sqlalchemy import insert, text
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from paless_shared.accounts.tokens import issue_token
from paless_shared.platform.principal import Principal
from paless_shared.platform.security import hash_token, new_token_secret
from paless_shared.tables import (
    ApiToken,
    Correspondent,
    CustomField,
    CustomFieldType,
    CustomFieldValue,
    Document,
    DocumentStatus,
    DocumentType,
    Grant,
    Group,
    GroupMember,
    Note,
    Permission,
    SavedView,
    ShareLink,
    Tag,
    Task,
    TaskStatus,
    Upload,
    User,
    document_tags,
)
from paless_web.app import create_app
from tests.conftest import Account
from tests.pdfs import text_pdf
from tests.web.stored import StoredDocuments, running_app

ROLES = ("owner", "viewer", "changer", "group_member", "stranger", "anonymous", "admin")
METHODS = {"get", "put", "post", "delete", "patch"}


SPEC = create_app().openapi()
ID_OPERATIONS = sorted(
    (method.upper(), path)
    for path, item in SPEC["paths"].items()
    for method, op in item.items()
    if method in METHODS and any(p["in"] == "path" for p in op.get("parameters", []))
)


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
    """Replaces conftest's per-test emptying for this module (see the module's
    docstring): tables are emptied once, before its first test."""


@pytest.fixture(scope="module")
async def client(servers: Any) -> AsyncIterator[httpx.AsyncClient]:
    """One app for the module's hundreds of short tests."""
    async with running_app() as shared:
        yield shared


# --- the world: one owner's objects, granted to some of the others -------------------


@dataclass
class World:
    db: async_sessionmaker[AsyncSession]
    accounts: dict[str, Account]  # by role (and the "victim", whom admins act on)
    ids: dict[str, uuid.UUID]  # object name (or role) -> id
    slug: str
    upload_key: str

    def headers(self, role: str) -> dict[str, str]:
        return {} if role == "anonymous" else self.accounts[role].headers

    def permissions(self) -> dict[str, Any]:
        """The grants every object of the world has, and view for the victim too."""
        return {
            "owner": str(self.ids["owner"]),
            "view": {"users": [str(self.ids["viewer"]), str(self.ids["victim"])], "groups": []},
            "change": {"users": [str(self.ids["changer"])], "groups": [str(self.ids["group"])]},
        }


# The world's objects that carry grants, and their kind in the grants table.
GRANTED = {
    "document": "document",
    "trashed": "document",
    "tag": "tag",
    "correspondent": "correspondent",
    "document_type": "document_type",
    "custom_field": "custom_field",
    "saved_view": "saved_view",
}


async def add_account(
    session: AsyncSession, username: str, password_hash: str, *, admin: bool = False
) -> Account:
    """A user with a token, as make_account makes them, in the caller's transaction."""
    user = User(id=uuid.uuid4(), username=username, password_hash=password_hash, is_admin=admin)
    session.add(user)
    await session.flush()
    token = await issue_token(session, Principal(user.id), name="test", ttl_seconds=3600)
    return Account(user.id, username, "", {"Authorization": f"Bearer {token.secret}"})


def _document(document_id: uuid.UUID, owner_id: uuid.UUID, name: str, **values: Any) -> Document:
    return Document(
        id=document_id,
        owner_id=owner_id,
        title=f"{name} of the owner",
        original_filename=f"{name}.pdf",
        mime_type="application/pdf",
        size_bytes=1000,
        sha256=document_id.hex * 2,
        page_count=1,
        content="quarterly report",
        status=DocumentStatus.ready,
        original_key=f"originals/{document_id}.pdf",
        thumbnail_key=f"thumbnails/{document_id}.webp",
        **values,
    )


async def build_world(
    db: async_sessionmaker[AsyncSession], password_hash: str, *, group_permission: Permission
) -> World:
    """Six accounts (and a victim) and the owner's objects, each granted view to the
    viewer, change to the changer and `group_permission` to the group_member's group;
    in one transaction, much quicker than through the API (which is what is tested)."""
    suffix = secrets.token_hex(4)
    ids = {name: uuid.uuid4() for name in (*GRANTED, "note", "task", "upload", "share_link")}
    ids |= {"group": uuid.uuid4(), "spare_token": uuid.uuid4()}
    slug = secrets.token_urlsafe(32)
    upload_key = f"originals/{ids['upload']}.pdf"
    async with db() as session:
        accounts = {
            role: await add_account(
                session, f"{role}-{suffix}", password_hash, admin=role == "admin"
            )
            for role in (*ROLES, "victim")
            if role != "anonymous"
        }
        ids |= {role: account.id for role, account in accounts.items()}
        owner = ids["owner"]
        session.add_all(
            [
                # A second token of the owner's, for the revoking case to revoke.
                ApiToken(
                    id=ids["spare_token"],
                    user_id=owner,
                    name="spare",
                    token_hash=hash_token(new_token_secret()),
                ),
                Group(id=ids["group"], name=f"editors-{suffix}"),
                _document(ids["document"], owner, "document"),
                _document(ids["trashed"], owner, "trashed", deleted_at=datetime.now(UTC)),
                Tag(id=ids["tag"], owner_id=owner, name="invoices"),
                Correspondent(id=ids["correspondent"], owner_id=owner, name="acme"),
                DocumentType(id=ids["document_type"], owner_id=owner, name="receipt"),
                CustomField(
                    id=ids["custom_field"],
                    owner_id=owner,
                    name="amount",
                    data_type=CustomFieldType.integer,
                ),
                SavedView(id=ids["saved_view"], owner_id=owner, name="inbox", filters={}),
            ]
        )
        await session.flush()
        session.add_all(
            [
                GroupMember(group_id=ids["group"], user_id=ids["group_member"]),
                Note(id=ids["note"], document_id=ids["document"], author_id=owner, text="hi"),
                Task(
                    id=ids["task"],
                    kind="ingest",
                    job_id=f"ingest:{ids['task']}",
                    owner_id=owner,
                    document_id=ids["document"],
                    status=TaskStatus.succeeded,
                ),
                Upload(
                    id=ids["upload"],
                    owner_id=owner,
                    filename="direct.pdf",
                    object_key=upload_key,
                    expires_at=datetime.now(UTC) + timedelta(minutes=10),
                ),
                ShareLink(
                    id=ids["share_link"],
                    slug=slug,
                    document_id=ids["document"],
                    created_by_id=owner,
                ),
            ]
        )
        for name, object_type in GRANTED.items():
            for grantee, permission in (
                ({"user_id": ids["viewer"]}, Permission.view),
                ({"user_id": ids["changer"]}, Permission.change),
                ({"group_id": ids["group"]}, group_permission),
            ):
                session.add(
                    Grant(
                        object_type=object_type,
                        object_id=ids[name],
                        permission=permission,
                        **grantee,
                    )
                )
        await session.commit()
    return World(db=db, accounts=accounts, ids=ids, slug=slug, upload_key=upload_key)


@pytest.fixture(scope="module")
async def shared_world(
    db: async_sessionmaker[AsyncSession], account_password: tuple[str, str], emptied_once: None
) -> World:
    """The world of the reads and the refusals, which change nothing."""
    return await build_world(db, account_password[1], group_permission=Permission.change)


@pytest.fixture
async def world(db: async_sessionmaker[AsyncSession], account_password: tuple[str, str]) -> World:
    """A world of the test's own."""
    return await build_world(db, account_password[1], group_permission=Permission.change)


# Everything of one world's accounts, as one hash: a refused call must not change it.
# (Tokens' last use is left out: authenticating touches it.)
_WORLD_ROWS = {
    "users": "id = ANY(:users)",
    "groups": "id = ANY(:groups)",
    "group_members": "group_id = ANY(:groups) OR user_id = ANY(:users)",
    "documents": "owner_id = ANY(:users)",
    "document_tags": "document_id IN (SELECT id FROM documents WHERE owner_id = ANY(:users))",
    "notes": "document_id IN (SELECT id FROM documents WHERE owner_id = ANY(:users))",
    "custom_field_values": (
        "document_id IN (SELECT id FROM documents WHERE owner_id = ANY(:users))"
    ),
    "tags": "owner_id = ANY(:users)",
    "correspondents": "owner_id = ANY(:users)",
    "document_types": "owner_id = ANY(:users)",
    "custom_fields": "owner_id = ANY(:users)",
    "saved_views": "owner_id = ANY(:users)",
    "grants": "object_id = ANY(:objects) OR user_id = ANY(:users) OR group_id = ANY(:groups)",
    "share_links": "document_id = ANY(:objects) OR created_by_id = ANY(:users)",
    "tasks": "owner_id = ANY(:users)",
    "uploads": "owner_id = ANY(:users)",
}
_PARTS = [
    *(
        f"(SELECT md5(coalesce(string_agg(t::text, ',' ORDER BY t::text), '')) FROM {table} t "  # noqa: S608 - constants
        f"WHERE {condition})"
        for table, condition in _WORLD_ROWS.items()
    ),
    "(SELECT string_agg(id::text, ',' ORDER BY id) FROM api_tokens WHERE user_id = ANY(:users))",
    "(SELECT count(*)::text FROM audit_events"
    " WHERE actor_id = ANY(:users) OR document_id = ANY(:objects))",
]
_FINGERPRINT = text(f"SELECT concat_ws('|', {', '.join(_PARTS)})")
USER_KEYS = ("owner", "viewer", "changer", "group_member", "stranger", "admin", "victim")


async def fingerprint(world: World) -> str:
    async with world.db() as session:
        found: str = (
            await session.execute(
                _FINGERPRINT,
                {
                    "users": [world.ids[key] for key in USER_KEYS],
                    "groups": [world.ids["group"]],
                    "objects": [world.ids[key] for key in GRANTED],
                },
            )
        ).scalar_one()
    return found


# --- the case table ------------------------------------------------------------------


def can_view(ok: int = 200) -> dict[str, int]:
    """Anyone who may see the object (owner, grant of view or change, directly or
    through a group, admin); 404 for others, as if it did not exist."""
    return dict.fromkeys(("owner", "viewer", "changer", "group_member", "admin"), ok) | {
        "stranger": 404,
        "anonymous": 401,
    }


def can_change(ok: int) -> dict[str, int]:
    """Owner, change grant (the group member's is through the group), admin; a viewer
    is told no (403), a stranger does not learn the object exists (404)."""
    return can_view(ok) | {"viewer": 403}


def owner_or_admin(ok: int) -> dict[str, int]:
    """Permissions: only the owner or an admin, whatever the grants."""
    return can_view(ok) | {"viewer": 403, "changer": 403, "group_member": 403}


def admin_only(ok: int) -> dict[str, int]:
    return dict.fromkeys(ROLES, 403) | {"admin": ok, "anonymous": 401}


def own_only(ok: int) -> dict[str, int]:
    """Things that belong to one account and are granted to no one (tokens, direct
    uploads): 404 to everyone else, admins included."""
    return dict.fromkeys(ROLES, 404) | {"owner": ok, "anonymous": 401}


def new_name(prefix: str) -> Callable[[World], Any]:
    return lambda world: {"name": f"{prefix}-{secrets.token_hex(3)}"}


async def put_upload_object(world: World, storage: Any) -> None:
    await storage.put_bytes(world.upload_key, text_pdf("direct"), "application/pdf")


@dataclass(frozen=True)
class Case:
    expect: Mapping[str, int]
    # Path parameter -> the world's object, where it is not the one the name says.
    ids: Mapping[str, str] = field(default_factory=dict)
    json: Callable[[World], Any] | None = None
    params: Mapping[str, str] = field(default_factory=dict)
    prepare: Callable[[World, Any], Awaitable[None]] | None = None


DEFAULT_IDS = {
    "document_id": "document",
    "note_id": "note",
    "tag_id": "tag",
    "correspondent_id": "correspondent",
    "document_type_id": "document_type",
    "custom_field_id": "custom_field",
    "saved_view_id": "saved_view",
    "share_link_id": "share_link",
    "task_id": "task",
    "upload_id": "upload",
    "user_id": "victim",
    "group_id": "group",
    "token_id": "spare_token",
}

D = "/api/v1/documents/{document_id}"
ORGANISERS = {
    "tags": "tag",
    "correspondents": "correspondent",
    "document_types": "document_type",
    "custom_fields": "custom_field",
}

CASES: dict[tuple[str, str], Case] = {
    ("GET", D): Case(can_view()),
    ("PATCH", D): Case(can_change(200), json=lambda w: {"title": "renamed"}),
    ("DELETE", D): Case(can_change(204)),
    ("GET", f"{D}/notes"): Case(can_view()),
    ("POST", f"{D}/notes"): Case(can_change(201), json=lambda w: {"text": "a note"}),
    ("DELETE", f"{D}/notes/{{note_id}}"): Case(can_change(204)),
    ("GET", f"{D}/history"): Case(can_view()),
    ("POST", f"{D}/reprocess"): Case(can_change(202)),
    ("GET", f"{D}/download"): Case(can_view(), params={"redirect": "false"}),
    ("GET", f"{D}/thumbnail"): Case(can_view(), params={"redirect": "false"}),
    ("GET", f"{D}/versions"): Case(can_view()),
    ("POST", f"{D}/versions/{{number}}/restore"): Case(can_change(200)),
    ("GET", f"{D}/permissions"): Case(can_view()),
    ("PUT", f"{D}/permissions"): Case(owner_or_admin(200), json=World.permissions),
    # Anyone who may view a document may share it; revoking takes change (or being
    # the link's creator).
    ("POST", f"{D}/share_links"): Case(can_view(201), json=lambda w: {}),
    ("GET", f"{D}/share_links"): Case(can_view()),
    ("DELETE", "/api/v1/share_links/{share_link_id}"): Case(can_change(204)),
    # No account needed: whoever has the link gets the file.
    ("GET", "/share/{slug}"): Case(dict.fromkeys(ROLES, 307)),
    ("POST", "/api/v1/trash/{document_id}/restore"): Case(
        can_change(200), ids={"document_id": "trashed"}
    ),
    # Moving to the trash and back takes change; deleting for good, the owner.
    ("DELETE", "/api/v1/trash/{document_id}"): Case(
        owner_or_admin(204), ids={"document_id": "trashed"}
    ),
    # A document's task is seen by whoever may see the document now.
    ("GET", "/api/v1/tasks/{task_id}"): Case(can_view()),
    # Direct uploads are the account's own: even an admin completes only their own.
    ("POST", "/api/v1/uploads/{upload_id}/complete"): Case(
        own_only(202), prepare=put_upload_object
    ),
    ("DELETE", "/api/v1/tokens/{token_id}"): Case(own_only(204)),
    ("GET", "/api/v1/users/{user_id}"): Case(admin_only(200)),
    ("PATCH", "/api/v1/users/{user_id}"): Case(
        admin_only(200), json=lambda w: {"is_active": False}
    ),
    ("DELETE", "/api/v1/users/{user_id}"): Case(admin_only(204)),
    ("GET", "/api/v1/groups/{group_id}"): Case(admin_only(200)),
    ("PATCH", "/api/v1/groups/{group_id}"): Case(admin_only(200), json=new_name("group")),
    ("DELETE", "/api/v1/groups/{group_id}"): Case(admin_only(204)),
    ("PUT", "/api/v1/groups/{group_id}/members/{user_id}"): Case(admin_only(204)),
    ("DELETE", "/api/v1/groups/{group_id}/members/{user_id}"): Case(
        admin_only(204), ids={"user_id": "group_member"}
    ),
}
for _kind, _singular in ORGANISERS.items():
    _path = f"/api/v1/{_kind}/{{{_singular}_id}}"
    CASES[("GET", _path)] = Case(can_view())
    # Renaming or deleting changes the object for everyone using it: owner or admin.
    CASES[("PATCH", _path)] = Case(owner_or_admin(200), json=new_name(_singular))
    CASES[("DELETE", _path)] = Case(owner_or_admin(204))
    CASES[("GET", f"{_path}/permissions")] = Case(can_view())
    CASES[("PUT", f"{_path}/permissions")] = Case(owner_or_admin(200), json=World.permissions)
# Saved views are granted like the organising objects.
_path = "/api/v1/saved_views/{saved_view_id}"
CASES[("GET", _path)] = Case(can_view())
CASES[("PATCH", _path)] = Case(can_change(200), json=new_name("view"))
CASES[("DELETE", _path)] = Case(can_change(204))
CASES[("GET", f"{_path}/permissions")] = Case(can_view())
CASES[("PUT", f"{_path}/permissions")] = Case(owner_or_admin(200), json=World.permissions)


def _url(world: World, path: str, case: Case) -> tuple[str, uuid.UUID | None]:
    """The path with the world's ids filled in, and the id of the object it names."""
    named: uuid.UUID | None = None
    for parameter, default in DEFAULT_IDS.items():
        placeholder = f"{{{parameter}}}"
        if placeholder in path:
            named = world.ids[case.ids.get(parameter, default)]
            path = path.replace(placeholder, str(named))
    return path.replace("{slug}", world.slug).replace("{number}", "1"), named


def test_every_case_is_an_operation_the_app_serves() -> None:
    """A case for a route the app does not serve is a route that was not wired (or a
    stale case)."""
    missing = sorted(set(CASES) - set(ID_OPERATIONS))

    assert not missing, f"the app has no such operations: {missing}"


@pytest.mark.parametrize(
    "operation", ID_OPERATIONS, ids=[f"{method} {path}" for method, path in ID_OPERATIONS]
)
def test_every_answer_in_the_table_is_documented(operation: tuple[str, str]) -> None:
    """A client generated from the OpenAPI document knows every answer it can get."""
    case = CASES.get(operation)
    if case is None:
        pytest.fail(f"{operation[0]} {operation[1]} has no isolation case: add one to CASES")
    method, path = operation
    documented = set(SPEC["paths"][path][method.lower()]["responses"])

    undocumented = {
        role: status for role, status in case.expect.items() if str(status) not in documented
    }

    assert not undocumented, f"answered but not in the OpenAPI responses: {undocumented}"


@pytest.mark.parametrize(
    ("operation", "role"),
    [(operation, role) for operation in ID_OPERATIONS for role in ROLES],
    ids=[f"{method} {path} as {role}" for method, path in ID_OPERATIONS for role in ROLES],
)
async def test_operation_answers_each_caller_as_the_case_table_says(
    client: httpx.AsyncClient,
    shared_world: World,
    db: async_sessionmaker[AsyncSession],
    account_password: tuple[str, str],
    storage: Any,
    operation: tuple[str, str],
    role: str,
) -> None:
    case = CASES.get(operation)
    if case is None:
        pytest.fail(f"{operation[0]} {operation[1]} has no isolation case: add one to CASES")
    method, path = operation
    expected = case.expect[role]
    changes = method != "GET" and expected < 400
    world = (
        await build_world(db, account_password[1], group_permission=Permission.change)
        if changes
        else shared_world
    )
    if case.prepare is not None:
        await case.prepare(world, storage)
    url, object_id = _url(world, path, case)
    before = await fingerprint(world)

    response = await client.request(
        method,
        url,
        headers=world.headers(role),
        params=case.params,
        json=case.json(world) if case.json else None,
    )

    assert response.status_code == expected, (
        f"{method} {path} as {role}: expected {expected}, got {response.status_code}: "
        f"{response.text[:300]}"
    )
    if expected >= 400:
        assert await fingerprint(world) == before, "a refused call changed something"
    elif expected == 200 and object_id is not None:
        body = response.json()
        if isinstance(body, dict) and "id" in body:
            assert body["id"] == str(object_id)


# --- beyond the table ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("kind", "singular"),
    [("documents", "document"), *ORGANISERS.items()],
)
async def test_a_group_granted_view_lets_its_members_read_but_not_change(
    client: httpx.AsyncClient,
    db: async_sessionmaker[AsyncSession],
    account_password: tuple[str, str],
    kind: str,
    singular: str,
) -> None:
    world = await build_world(db, account_password[1], group_permission=Permission.view)
    url = f"/api/v1/{kind}/{world.ids[singular]}"
    member = world.headers("group_member")

    read = await client.get(url, headers=member)
    changed = await client.patch(
        url, headers=member, json={"title" if kind == "documents" else "name": "x"}
    )

    assert read.status_code == 200
    assert changed.status_code == 403


async def test_leaving_the_group_takes_its_grants_away(
    client: httpx.AsyncClient, world: World
) -> None:
    url = f"/api/v1/documents/{world.ids['document']}"
    assert (await client.get(url, headers=world.headers("group_member"))).status_code == 200

    removed = await client.delete(
        f"/api/v1/groups/{world.ids['group']}/members/{world.ids['group_member']}",
        headers=world.headers("admin"),
    )

    assert removed.status_code == 204
    assert (await client.get(url, headers=world.headers("group_member"))).status_code == 404


@pytest.mark.parametrize(("role", "expected"), [("stranger", 404), ("viewer", 403)])
async def test_bulk_edit_of_a_document_one_may_not_change_changes_nothing(
    client: httpx.AsyncClient, shared_world: World, role: str, expected: int
) -> None:
    world = shared_world
    before = await fingerprint(world)

    response = await client.post(
        "/api/v1/documents/bulk_edit",
        headers=world.headers(role),
        json={"documents": [str(world.ids["document"])], "operation": "delete"},
    )

    assert response.status_code == expected, response.text
    assert await fingerprint(world) == before


async def test_bulk_edit_by_a_changer_applies(client: httpx.AsyncClient, world: World) -> None:
    response = await client.post(
        "/api/v1/documents/bulk_edit",
        headers=world.headers("changer"),
        json={"documents": [str(world.ids["document"])], "operation": "delete"},
    )

    assert response.status_code == 200, response.text
    assert response.json() == {"changed": 1}


@pytest.mark.parametrize(
    ("kind", "singular", "change"),
    [
        ("tags", "tag", {"color": "#123456"}),
        ("correspondents", "correspondent", {"match": "acme"}),
        ("document_types", "document_type", {"match": "receipt"}),
        ("custom_fields", "custom_field", {"extra_data": {}}),
    ],
)
async def test_a_change_grant_edits_an_organising_object_but_does_not_rename_it(
    client: httpx.AsyncClient, world: World, kind: str, singular: str, change: dict[str, Any]
) -> None:
    url = f"/api/v1/{kind}/{world.ids[singular]}"
    changer = world.headers("changer")

    edited = await client.patch(url, headers=changer, json=change)
    same_name = await client.patch(url, headers=changer, json={"name": edited.json()["name"]})
    renamed = await client.patch(url, headers=changer, json={"name": "mine now"})
    deleted = await client.delete(url, headers=changer)

    assert edited.status_code == 200, edited.text
    assert same_name.status_code == 200, same_name.text
    assert renamed.status_code == 403
    assert deleted.status_code == 403
    assert (await client.get(url, headers=world.headers("owner"))).json()["name"] != "mine now"


async def test_emptying_the_trash_purges_only_the_callers_own_documents(
    client: httpx.AsyncClient, world: World
) -> None:
    emptied = await client.delete("/api/v1/trash", headers=world.headers("changer"))
    listed = await client.get("/api/v1/trash", headers=world.headers("owner"))

    assert emptied.status_code == 200, emptied.text
    assert emptied.json() == {"purged": 0}
    assert [item["id"] for item in listed.json()["items"]] == [str(world.ids["trashed"])]


@pytest.mark.parametrize(
    ("kind", "singular", "clashing"),
    [
        ("tags", "tag", lambda heir: Tag(owner_id=heir, name="invoices")),
        ("correspondents", "correspondent", lambda heir: Correspondent(owner_id=heir, name="acme")),
        (
            "document_types",
            "document_type",
            lambda heir: DocumentType(owner_id=heir, name="receipt"),
        ),
        (
            "custom_fields",
            "custom_field",
            lambda heir: CustomField(
                owner_id=heir, name="amount", data_type=CustomFieldType.string
            ),
        ),
        ("documents", "document", None),
    ],
)
async def test_giving_an_object_to_someone_who_has_one_of_the_same_name_is_a_409(
    client: httpx.AsyncClient,
    world: World,
    kind: str,
    singular: str,
    clashing: Callable[[uuid.UUID], Any] | None,
) -> None:
    heir = world.ids["stranger"]
    async with world.db() as session:
        if clashing is not None:
            session.add(clashing(heir))
        else:  # documents clash on their archive serial number
            session.add(_document(uuid.uuid4(), heir, "heirs", archive_serial_number=7))
            await session.execute(
                text("UPDATE documents SET archive_serial_number = 7 WHERE id = :id"),
                {"id": world.ids["document"]},
            )
        await session.commit()
    before = await fingerprint(world)

    response = await client.put(
        f"/api/v1/{kind}/{world.ids[singular]}/permissions",
        headers=world.headers("owner"),
        json={**world.permissions(), "owner": str(heir)},
    )

    assert response.status_code == 409, response.text
    assert response.headers["content-type"].startswith("application/problem+json")
    assert "new owner already has" in response.json()["detail"]
    assert await fingerprint(world) == before


async def add_private_tag_and_field(world: World) -> tuple[uuid.UUID, uuid.UUID]:
    """A tag and a custom field of the owner's granted to no one, both set on the
    world's document."""
    tag_id, field_id = uuid.uuid4(), uuid.uuid4()
    async with world.db() as session:
        session.add(Tag(id=tag_id, owner_id=world.ids["owner"], name="private"))
        session.add(
            CustomField(
                id=field_id,
                owner_id=world.ids["owner"],
                name="private note",
                data_type=CustomFieldType.string,
            )
        )
        await session.flush()
        await session.execute(
            insert(document_tags).values(document_id=world.ids["document"], tag_id=tag_id)
        )
        session.add(
            CustomFieldValue(document_id=world.ids["document"], field_id=field_id, value_text="v")
        )
        await session.commit()
    return tag_id, field_id


async def test_a_changer_setting_tags_keeps_the_tags_they_may_not_see(
    client: httpx.AsyncClient, world: World
) -> None:
    private_tag, _ = await add_private_tag_and_field(world)
    url = f"/api/v1/documents/{world.ids['document']}"

    response = await client.patch(
        url, headers=world.headers("changer"), json={"tags": [str(world.ids["tag"])]}
    )

    assert response.status_code == 200, response.text
    tags = (await client.get(url, headers=world.headers("owner"))).json()["tags"]
    assert sorted(tags) == sorted([str(world.ids["tag"]), str(private_tag)])


async def test_a_changer_setting_custom_fields_keeps_the_values_they_may_not_see(
    client: httpx.AsyncClient, world: World
) -> None:
    _, private_field = await add_private_tag_and_field(world)
    url = f"/api/v1/documents/{world.ids['document']}"

    response = await client.patch(
        url,
        headers=world.headers("changer"),
        json={"custom_fields": [{"field": str(world.ids["custom_field"]), "value": 7}]},
    )

    assert response.status_code == 200, response.text
    fields = (await client.get(url, headers=world.headers("owner"))).json()["custom_fields"]
    assert {(f["field"], f["value"]) for f in fields} == {
        (str(world.ids["custom_field"]), 7),
        (str(private_field), "v"),
    }


# --- lists: what was granted, and nothing else ---------------------------------------


@dataclass
class Library:
    owner: Account
    viewer: Account
    stranger: Account
    visible: dict[str, str]  # title -> id: what the viewer may see (own and granted)
    hidden: dict[str, str]  # the owner's, not granted (or in the trash)
    tags: dict[str, str]  # name -> id
    correspondents: dict[str, str]
    document_types: dict[str, str]
    custom_fields: dict[str, str]


async def build_library(db: async_sessionmaker[AsyncSession], password_hash: str) -> Library:
    """The owner's documents granted to the viewer directly, through a group, with view
    and with change; others not granted (one granted but in the trash); the viewer's
    own. All share the word `quarterly` and several the same added time, so cursors
    must break ties by id."""
    suffix = secrets.token_hex(3)
    async with db() as session:
        owner, viewer, stranger = [
            await add_account(session, f"{name}-{suffix}", password_hash)
            for name in ("owner", "viewer", "stranger")
        ]
        await session.commit()
    stored = StoredDocuments(db)
    same_time = datetime(2026, 1, 1, tzinfo=UTC)
    plan = [
        # title, owner, grant (None, "view", "change", "group"), trashed
        ("granted view 1", owner, "view", False),
        ("granted view 2", owner, "view", False),
        ("granted change", owner, "change", False),
        ("granted to group 1", owner, "group", False),
        ("granted to group 2", owner, "group", False),
        ("own 1", viewer, None, False),
        ("own 2", viewer, None, False),
        ("own 3", viewer, None, False),
        ("secret 1", owner, None, False),
        ("secret 2", owner, None, False),
        ("secret 3", owner, None, False),
        ("granted but trashed", owner, "view", True),
    ]
    group_id = uuid.uuid4()
    async with db() as session:
        session.add(Group(id=group_id, name=f"readers-{secrets.token_hex(3)}"))
        await session.flush()
        session.add(GroupMember(group_id=group_id, user_id=viewer.id))
        await session.commit()
    visible: dict[str, str] = {}
    hidden: dict[str, str] = {}
    grants: list[dict[str, Any]] = []
    for index, (title, account, grant, trashed) in enumerate(plan):
        document_id = await stored.add(
            account,
            title,
            "the quarterly figures",
            added_at=same_time if index % 2 else same_time + timedelta(minutes=index),
            deleted_at=same_time if trashed else None,
        )
        (visible if (account is viewer or grant) and not trashed else hidden)[title] = document_id
        if grant:
            grants.append(_grant("document", document_id, viewer.id, group_id, grant))
    organised: dict[str, dict[str, str]] = {}
    for kind, model, extra in (
        ("tags", Tag, {}),
        ("correspondents", Correspondent, {}),
        ("document_types", DocumentType, {}),
        ("custom_fields", CustomField, {"data_type": CustomFieldType.string}),
    ):
        organised[kind] = {}
        for name, grant in (
            ("invoice granted", "view"),
            ("invoice by group", "group"),
            ("invoice secret", None),
        ):
            object_id = await stored.add_object(owner, model, name, **extra)
            organised[kind][name] = object_id
            if grant:
                grants.append(_grant(kind.rstrip("s"), object_id, viewer.id, group_id, grant))
    async with db() as session:
        await session.execute(insert(Grant), grants)
        await session.commit()
    return Library(owner, viewer, stranger, visible, hidden, **organised)


@pytest.fixture(scope="module")
async def library(
    db: async_sessionmaker[AsyncSession], account_password: tuple[str, str], emptied_once: None
) -> Library:
    return await build_library(db, account_password[1])


def _grant(
    object_type: str, object_id: str, user_id: uuid.UUID, group_id: uuid.UUID, how: str
) -> dict[str, Any]:
    return {
        "id": uuid.uuid4(),
        "object_type": object_type,
        "object_id": uuid.UUID(object_id),
        "user_id": None if how == "group" else user_id,
        "group_id": group_id if how == "group" else None,
        "permission": Permission.change if how == "change" else Permission.view,
    }


async def walk(client: httpx.AsyncClient, account: Account, url: str, **params: Any) -> list[str]:
    """Every item id of a list, page by page, following next_cursor."""
    ids: list[str] = []
    cursor: str | None = None
    for _ in range(50):
        page_params = {**params, **({"cursor": cursor} if cursor else {})}
        response = await client.get(url, params=page_params, headers=account.headers)
        assert response.status_code == 200, response.text
        page = response.json()
        ids.extend(item["id"] for item in page["items"])
        cursor = page["next_cursor"]
        if cursor is None:
            return ids
    raise AssertionError("the cursor never ended")


@pytest.mark.parametrize(
    "params",
    [{}, {"sort": "title"}, {"sort": "-created"}, {"q": "quarterly"}],
    ids=["newest first", "by title", "by date", "searching"],
)
async def test_a_cursor_walks_own_and_granted_documents_exactly_once(
    client: httpx.AsyncClient, library: Library, params: dict[str, str]
) -> None:
    walked = await walk(client, library.viewer, "/api/v1/documents", limit=2, **params)

    assert sorted(walked) == sorted(library.visible.values())


async def test_the_owner_sees_all_their_documents_and_none_of_the_viewers(
    client: httpx.AsyncClient, library: Library
) -> None:
    walked = await walk(client, library.owner, "/api/v1/documents", limit=3)

    everything = {**library.visible, **library.hidden}
    expected = [i for t, i in everything.items() if not t.startswith("own") and "trashed" not in t]
    assert sorted(walked) == sorted(expected)


@pytest.mark.parametrize("params", [{}, {"q": "quarterly"}, {"title_like": "secret"}])
async def test_a_stranger_finds_nothing(
    client: httpx.AsyncClient, library: Library, params: dict[str, str]
) -> None:
    assert await walk(client, library.stranger, "/api/v1/documents", **params) == []


@pytest.mark.parametrize("kind", list(ORGANISERS))
async def test_organiser_lists_show_exactly_what_was_granted(
    client: httpx.AsyncClient, library: Library, kind: str
) -> None:
    objects: dict[str, str] = getattr(library, kind)

    seen = await walk(client, library.viewer, f"/api/v1/{kind}", limit=1)
    strangers = await walk(client, library.stranger, f"/api/v1/{kind}")

    assert sorted(seen) == sorted([objects["invoice granted"], objects["invoice by group"]])
    assert strangers == []


async def test_autocomplete_suggests_only_granted_names(
    client: httpx.AsyncClient, library: Library
) -> None:
    async def suggested(account: Account) -> set[str]:
        response = await client.get(
            "/api/v1/autocomplete", params={"term": "invoice"}, headers=account.headers
        )
        assert response.status_code == 200, response.text
        return {item["id"] for item in response.json()["items"]}

    granted = {
        library.tags["invoice granted"],
        library.tags["invoice by group"],
        library.correspondents["invoice granted"],
        library.correspondents["invoice by group"],
    }
    assert await suggested(library.viewer) == granted
    assert await suggested(library.stranger) == set()
    assert len(await suggested(library.owner)) == 6


async def test_a_revoked_grant_hides_the_document_from_the_next_list_on(
    client: httpx.AsyncClient,
    db: async_sessionmaker[AsyncSession],
    account_password: tuple[str, str],
) -> None:
    library = await build_library(db, account_password[1])
    document_id = library.visible["granted view 1"]
    response = await client.put(
        f"/api/v1/documents/{document_id}/permissions",
        headers=library.owner.headers,
        json={
            "owner": str(library.owner.id),
            "view": {"users": [], "groups": []},
            "change": {"users": [], "groups": []},
        },
    )
    assert response.status_code == 200, response.text

    walked = await walk(client, library.viewer, "/api/v1/documents", q="quarterly")

    assert document_id not in walked
    assert sorted(walked) == sorted(i for i in library.visible.values() if i != document_id)
