"""Editing in the web UI, over ASGI: a document's permissions, saved views, tags and the
other organising objects in place, group membership and users' flags. Each goes
through the same service as the API, so the API sees the change and the same rules
refuse what they refuse."""

from __future__ import annotations

import re
import uuid
from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest
from sqlalchemy import func, select

from paless_shared.tables import (
    ApiToken,
    AuditEvent,
    CustomField,
    CustomFieldType,
    Group,
    GroupMember,
    SavedView,
    Tag,
    User,
)
from tests.conftest import Account
from tests.web.stored import StoredDocuments, running_app


@pytest.fixture(scope="module")
async def web(servers: Any) -> AsyncIterator[httpx.AsyncClient]:
    async with running_app() as client:
        yield client


async def sign_in(web: httpx.AsyncClient, account: Account) -> str:
    web.cookies.clear()
    response = await web.post(
        "/login", data={"username": account.username, "password": account.password, "next": "/"}
    )
    assert response.status_code == 303, response.text
    page = await web.get("/")
    match = re.search(r'name="csrf-token" content="([0-9a-f]+)"', page.text)
    assert match, page.text[:500]
    return match.group(1)


async def test_the_owner_edits_a_documents_permissions_and_a_viewer_only_reads_them(
    web: httpx.AsyncClient, make_account: Any, db: Any
) -> None:
    owner, viewer, changer = await make_account(), await make_account(), await make_account()
    async with db() as session:
        session.add(Group(name="accounting"))
        await session.commit()
    document = await StoredDocuments(db).add(owner, "Lease", "the lease")
    csrf = await sign_in(web, owner)
    page = await web.get(f"/documents/{document}")
    assert 'id="permissions-form"' in page.text
    assert f'value="{owner.username}"' in page.text

    form = {
        "csrf_token": csrf,
        "owner": owner.username,
        "view_users": f"{viewer.username}, ",
        "view_groups": "accounting",
        "change_users": changer.username,
        "change_groups": "",
    }
    saved = await web.post(f"/documents/{document}/permissions", data=form)
    assert saved.status_code == 303, saved.text
    api = await web.get(f"/api/v1/documents/{document}/permissions", headers=owner.headers)
    body = api.json()
    assert body["owner"] == str(owner.id)
    assert body["view"]["users"] == [str(viewer.id)]
    assert len(body["view"]["groups"]) == 1
    assert body["change"]["users"] == [str(changer.id)]
    page = await web.get(f"/documents/{document}")
    assert f'value="{viewer.username}"' in page.text and 'value="accounting"' in page.text

    # An unknown name is refused, and nothing changes.
    refused = await web.post(
        f"/documents/{document}/permissions", data={**form, "view_users": "nobody-here"}
    )
    assert refused.status_code == 422 and "no such user: nobody-here" in refused.text
    again = await web.get(f"/api/v1/documents/{document}/permissions", headers=owner.headers)
    assert again.json() == body

    # The viewer sees who may do what, without a form; the service refuses them.
    viewer_csrf = await sign_in(web, viewer)
    page = await web.get(f"/documents/{document}")
    assert page.status_code == 200
    assert 'id="permissions-form"' not in page.text
    read = page.text[page.text.index('id="permissions-read"') :]
    assert owner.username in read and viewer.username in read and "accounting" in read
    taken = await web.post(
        f"/documents/{document}/permissions",
        data={**form, "csrf_token": viewer_csrf, "owner": viewer.username},
    )
    assert taken.status_code == 403
    # A changer may edit the document but not its permissions either.
    changer_csrf = await sign_in(web, changer)
    assert 'id="permissions-form"' not in (await web.get(f"/documents/{document}")).text
    assert (
        await web.post(
            f"/documents/{document}/permissions", data={**form, "csrf_token": changer_csrf}
        )
    ).status_code == 403
    final = await web.get(f"/api/v1/documents/{document}/permissions", headers=owner.headers)
    assert final.json() == body

    # Giving the document away: the former owner no longer sees it and lands on the list.
    csrf = await sign_in(web, owner)
    given = await web.post(
        f"/documents/{document}/permissions",
        data={"csrf_token": csrf, "owner": viewer.username},
    )
    assert given.status_code == 303 and given.headers["location"] == "/documents"
    assert (await web.get(f"/documents/{document}")).status_code == 404


async def test_a_saved_view_is_edited_after_saving_then_deleted(
    web: httpx.AsyncClient, make_account: Any, db: Any
) -> None:
    owner, other = await make_account(), await make_account()
    csrf = await sign_in(web, owner)
    created = await web.post(
        "/views",
        data={"csrf_token": csrf, "name": "Bills", "query": "q=bill&display=table"},
    )
    assert created.status_code == 303
    view_id = created.headers["location"].rsplit("/", 1)[1]
    form = await web.get(f"/views/{view_id}/edit")
    assert form.status_code == 200 and 'value="Bills"' in form.text and ">q=bill<" in form.text

    edited = await web.post(
        f"/views/{view_id}/edit",
        data={
            "csrf_token": csrf,
            "name": "Gas bills",
            "filters": "q=gas&status=ready",
            "sort": "title",
            "display": "thumbnails",
            "show_in_sidebar": "on",
        },
    )
    assert edited.status_code == 303, edited.text
    api = (await web.get(f"/api/v1/saved_views/{view_id}", headers=owner.headers)).json()
    assert api["name"] == "Gas bills"
    assert api["filters"] == {"q": "gas", "status": ["ready"]}
    assert api["sort"] == "title" and api["display"] == "thumbnails"
    assert api["show_in_sidebar"] is True and api["show_on_dashboard"] is False
    opened = await web.get(f"/views/{view_id}")
    assert "display=thumbnails" in opened.headers["location"]
    assert "sort=title" in opened.headers["location"]

    # A typo in the filter is refused, not silently dropped; nothing changes.
    typo = await web.post(
        f"/views/{view_id}/edit",
        data={"csrf_token": csrf, "name": "Gas bills", "filters": "qq=gas", "display": "table"},
    )
    assert typo.status_code == 422 and "unknown parameter qq" in typo.text
    bad_sort = await web.post(
        f"/views/{view_id}/edit",
        data={"csrf_token": csrf, "name": "x", "filters": "", "sort": "colour"},
    )
    assert bad_sort.status_code == 422
    async with db() as session:
        view = await session.get(SavedView, uuid.UUID(view_id))
        assert view is not None and view.name == "Gas bills" and view.display == "thumbnails"

    # Someone else's view is neither shown to them nor editable.
    other_csrf = await sign_in(web, other)
    assert (await web.get(f"/views/{view_id}/edit")).status_code == 404
    assert (
        await web.post(
            f"/views/{view_id}/edit", data={"csrf_token": other_csrf, "name": "Mine now"}
        )
    ).status_code == 404

    csrf = await sign_in(web, owner)
    # Opened from the view, the documents screen offers to update it with its filter.
    screen = await web.get(f"/documents?q=water&view={view_id}")
    assert f'action="/views/{view_id}/update_filter"' in screen.text
    assert "Update “Gas bills” with this filter" in screen.text
    updated = await web.post(
        f"/views/{view_id}/update_filter",
        data={"csrf_token": csrf, "query": f"q=water&sort=added&display=table&view={view_id}"},
    )
    assert updated.status_code == 303
    api = (await web.get(f"/api/v1/saved_views/{view_id}", headers=owner.headers)).json()
    assert (api["filters"], api["sort"], api["display"]) == ({"q": "water"}, "added", "table")
    assert api["name"] == "Gas bills" and api["show_in_sidebar"] is True
    shared = await web.post(
        f"/views/{view_id}/permissions",
        data={"csrf_token": csrf, "owner": owner.username, "view_users": other.username},
    )
    assert shared.status_code == 303
    await sign_in(web, other)
    assert "update_filter" not in (await web.get(f"/documents?view={view_id}")).text
    assert "Gas bills" in (await web.get("/manage/views")).text  # shared to view
    assert (await web.get(f"/views/{view_id}/edit")).status_code == 403

    csrf = await sign_in(web, owner)
    listing = await web.get("/manage/views")
    assert f'href="/views/{view_id}/edit"' in listing.text
    deleted = await web.post(f"/views/{view_id}/delete", data={"csrf_token": csrf})
    assert deleted.status_code == 303
    async with db() as session:
        assert await session.get(SavedView, uuid.UUID(view_id)) is None


async def test_tags_are_edited_in_place_and_only_the_owner_renames(
    web: httpx.AsyncClient, make_account: Any, db: Any
) -> None:
    owner, changer = await make_account(), await make_account()
    stored = StoredDocuments(db)
    parent = await stored.add_object(owner, Tag, "money", color="#000000")
    tag = await stored.add_object(owner, Tag, "bills", color="#a6cee3")
    granted = await web.put(
        f"/api/v1/tags/{tag}/permissions",
        headers=owner.headers,
        json={
            "owner": str(owner.id),
            "view": {"users": [], "groups": []},
            "change": {"users": [str(changer.id)], "groups": []},
        },
    )
    assert granted.status_code == 200, granted.text
    document = await stored.add(owner, "Power", "electricity bill from acme power")

    csrf = await sign_in(web, owner)
    listing = await web.get("/manage/tags")
    assert f'href="/manage/tags/{tag}"' in listing.text
    form = await web.get(f"/manage/tags/{tag}")
    assert form.status_code == 200 and 'value="bills"' in form.text and "readonly" not in form.text
    # Its permissions are on the same screen, by name.
    assert f'name="change_users" value="{changer.username}"' in form.text
    saved = await web.post(
        f"/manage/tags/{tag}",
        data={
            "csrf_token": csrf,
            "name": "invoices",
            "color": "#ff0000",
            "parent": parent,
            "is_inbox": "on",
            "matching_algorithm": "any",
            "match": "electricity gas",
            "is_insensitive": "on",
        },
    )
    assert saved.status_code == 303, saved.text
    async with db() as session:
        row = await session.get(Tag, uuid.UUID(tag))
        assert row is not None
        assert (row.name, row.color, str(row.parent_id), row.is_inbox) == (
            "invoices",
            "#ff0000",
            parent,
            True,
        )
        assert (row.matching_algorithm.value, row.match, row.is_insensitive) == (
            "any",
            "electricity gas",
            True,
        )
    # A tag cannot go under itself; an invalid rule is refused.
    loop = await web.post(
        f"/manage/tags/{parent}",
        data={"csrf_token": csrf, "name": "money", "parent": tag, "matching_algorithm": "none"},
    )
    assert loop.status_code == 422
    bad_rule = await web.post(
        f"/manage/tags/{tag}",
        data={"csrf_token": csrf, "name": "invoices", "matching_algorithm": "regex", "match": "("},
    )
    assert bad_rule.status_code == 422
    # The rule preview answers (declared before /manage/{kind}, which used to take it).
    tested = await web.post(
        "/manage/rule_test",
        data={
            "csrf_token": csrf,
            "matching_algorithm": "any",
            "match": "electricity",
            "is_insensitive": "on",
            "document": document,
        },
    )
    assert tested.status_code == 200 and "The rule matches “Power”" in tested.text, tested.text

    # The changer edits colour and rule, the name stays read-only, renaming is refused.
    changer_csrf = await sign_in(web, changer)
    form = await web.get(f"/manage/tags/{tag}")
    assert form.status_code == 200 and "readonly" in form.text
    # The parent is kept though the changer cannot see it (nor learn its name).
    assert f'value="{parent}" selected>(a tag you cannot see)' in form.text
    assert "money" not in form.text
    listing = await web.get("/manage/tags")
    assert f"/manage/tags/{tag}/delete" not in listing.text
    recoloured = await web.post(
        f"/manage/tags/{tag}",
        data={
            "csrf_token": changer_csrf,
            "name": "invoices",
            "color": "#00ff00",
            "parent": parent,
            "matching_algorithm": "none",
        },
    )
    assert recoloured.status_code == 303, recoloured.text
    renamed = await web.post(
        f"/manage/tags/{tag}",
        data={"csrf_token": changer_csrf, "name": "mine", "matching_algorithm": "none"},
    )
    assert renamed.status_code == 403
    deleted = await web.post(f"/manage/tags/{tag}/delete", data={"csrf_token": changer_csrf})
    assert deleted.status_code == 403
    assert 'id="permissions-read"' in form.text and 'id="permissions-form"' not in form.text
    taken = await web.post(
        f"/manage/tags/{tag}/permissions",
        data={"csrf_token": changer_csrf, "owner": changer.username},
    )
    assert taken.status_code == 403
    # Without a change grant: no form at all.
    assert (await web.get(f"/manage/tags/{parent}")).status_code == 404
    async with db() as session:
        row = await session.get(Tag, uuid.UUID(tag))
        assert row is not None and (row.name, row.color) == ("invoices", "#00ff00")
        assert row.matching_algorithm.value == "none"


async def test_correspondents_types_and_custom_fields_are_edited_in_place(
    web: httpx.AsyncClient, make_account: Any, db: Any
) -> None:
    owner = await make_account()
    stored = StoredDocuments(db)
    field = await stored.add_object(
        owner,
        CustomField,
        "colour",
        data_type=CustomFieldType.select,
        extra_data={"options": ["red", "blue"]},
    )
    money = await stored.add_object(
        owner, CustomField, "amount", data_type=CustomFieldType.monetary, extra_data={}
    )
    csrf = await sign_in(web, owner)
    for kind in ("correspondents", "document_types"):
        created = await web.post(
            f"/manage/{kind}",
            data={"csrf_token": csrf, "name": "acme", "matching_algorithm": "none"},
        )
        assert created.status_code == 303
        listing = await web.get(f"/manage/{kind}")
        object_id = re.search(rf'href="/manage/{kind}/([0-9a-f-]{{36}})"', listing.text)
        assert object_id, listing.text
        saved = await web.post(
            f"/manage/{kind}/{object_id.group(1)}",
            data={
                "csrf_token": csrf,
                "name": "ACME Corp",
                "matching_algorithm": "literal",
                "match": "ACME",
            },
        )
        assert saved.status_code == 303, saved.text
        api = await web.get(f"/api/v1/{kind}/{object_id.group(1)}", headers=owner.headers)
        assert api.json()["name"] == "ACME Corp" and api.json()["match"] == "ACME"

    form = await web.get(f"/manage/custom_fields/{field}")
    assert form.status_code == 200 and 'value="red, blue"' in form.text
    saved = await web.post(
        f"/manage/custom_fields/{field}",
        data={"csrf_token": csrf, "name": "colour", "options": "red, blue, green"},
    )
    assert saved.status_code == 303, saved.text
    currency = await web.post(
        f"/manage/custom_fields/{money}",
        data={"csrf_token": csrf, "name": "total", "default_currency": "eur"},
    )
    assert currency.status_code == 303, currency.text
    wrong = await web.post(
        f"/manage/custom_fields/{money}",
        data={"csrf_token": csrf, "name": "total", "default_currency": "EURO"},
    )
    assert wrong.status_code == 422
    async with db() as session:
        row = await session.get(CustomField, uuid.UUID(field))
        assert row is not None and row.extra_data == {"options": ["red", "blue", "green"]}
        amount = await session.get(CustomField, uuid.UUID(money))
        assert amount is not None
        assert (amount.name, amount.extra_data) == ("total", {"default_currency": "EUR"})


async def test_admins_manage_group_membership_and_users_flags(
    web: httpx.AsyncClient, make_account: Any, db: Any
) -> None:
    admin, member = await make_account(admin=True), await make_account()
    csrf = await sign_in(web, admin)
    assert (
        await web.post("/admin/groups", data={"csrf_token": csrf, "name": "staff"})
    ).status_code == 303
    async with db() as session:
        group_id = await session.scalar(select(Group.id).where(Group.name == "staff"))
    added = await web.post(
        f"/admin/groups/{group_id}/members", data={"csrf_token": csrf, "user": str(member.id)}
    )
    assert added.status_code == 303
    page = await web.get("/admin/users")
    assert f"/admin/groups/{group_id}/members/{member.id}/remove" in page.text
    api = await web.get(f"/api/v1/groups/{group_id}", headers=admin.headers)
    assert [user["id"] for user in api.json()["members"]] == [str(member.id)]
    assert (
        await web.post(
            f"/admin/groups/{group_id}/members", data={"csrf_token": csrf, "user": "nobody"}
        )
    ).status_code == 422
    removed = await web.post(
        f"/admin/groups/{group_id}/members/{member.id}/remove", data={"csrf_token": csrf}
    )
    assert removed.status_code == 303
    async with db() as session:
        left = await session.scalar(select(func.count()).select_from(GroupMember))
    assert left == 0

    # Flags: admin on and off, deactivation ends the user's tokens; not for oneself.
    promoted = await web.post(
        f"/admin/users/{member.id}", data={"csrf_token": csrf, "is_admin": "true"}
    )
    assert promoted.status_code == 303
    deactivated = await web.post(
        f"/admin/users/{member.id}",
        data={"csrf_token": csrf, "is_admin": "false", "is_active": "false"},
    )
    assert deactivated.status_code == 303
    async with db() as session:
        user = await session.get(User, member.id)
        assert user is not None and (user.is_admin, user.is_active) == (False, False)
        tokens = await session.scalar(
            select(func.count()).select_from(ApiToken).where(ApiToken.user_id == member.id)
        )
    assert tokens == 0
    assert (await web.get("/api/v1/users/me", headers=member.headers)).status_code == 401
    myself = await web.post(
        f"/admin/users/{admin.id}", data={"csrf_token": csrf, "is_admin": "false"}
    )
    assert myself.status_code == 409
    async with db() as session:
        recorded = (
            await session.execute(
                select(AuditEvent.details)
                .where(AuditEvent.action == "user.updated", AuditEvent.object_id == member.id)
                .order_by(AuditEvent.at)
            )
        ).scalars()
        assert [event["fields"] for event in recorded] == [
            ["is_admin"],
            ["is_active", "is_admin"],
        ]

    # Not for a non-admin.
    other = await make_account()
    other_csrf = await sign_in(web, other)
    assert (
        await web.post(
            f"/admin/users/{other.id}", data={"csrf_token": other_csrf, "is_admin": "true"}
        )
    ).status_code == 403
    assert (
        await web.post(
            f"/admin/groups/{group_id}/members",
            data={"csrf_token": other_csrf, "user": str(other.id)},
        )
    ).status_code == 403
