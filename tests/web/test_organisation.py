"""Tags, correspondents, document types and custom fields: unique names, rules that
are checked when saved, nesting, document counts, autocomplete, and each owner seeing
only their own."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from typing import Any

import httpx
import pytest
from sqlalchemy import func, select

from paless_shared.tables import Correspondent, Tag
from tests.conftest import Account
from tests.web.stored import (
    StoredDocuments,
    create,
    create_id,
    found_ids,
    running_app,
)
from tests.web.support import assert_problem

KINDS = ["tags", "correspondents", "document_types", "custom_fields"]
RULED = ["tags", "correspondents", "document_types"]


@pytest.fixture(scope="module")
async def client(servers: Any) -> AsyncIterator[httpx.AsyncClient]:
    """One app for the module's many short tests (see running_app)."""
    async with running_app() as shared:
        yield shared


@pytest.fixture
def stored(db: Any) -> StoredDocuments:
    return StoredDocuments(db)


def body_for(kind: str, name: str) -> dict[str, Any]:
    return {"name": name, "data_type": "string"} if kind == "custom_fields" else {"name": name}


async def listed_names(
    client: httpx.AsyncClient, account: Account, kind: str, **params: Any
) -> list[str]:
    response = await client.get(f"/api/v1/{kind}", params=params, headers=account.headers)
    assert response.status_code == 200, response.text
    return [item["name"] for item in response.json()["items"]]


async def count_rows(db: Any, model: type[Any], owner: Account) -> int:
    async with db() as session:
        return int(
            await session.scalar(
                select(func.count()).select_from(model).where(model.owner_id == owner.id)
            )
            or 0
        )


# Creating and reading -----------------------------------------------------------------


async def test_a_new_tag_is_answered_with_its_defaults(
    client: httpx.AsyncClient, account: Account
) -> None:
    response = await client.post("/api/v1/tags", json={"name": "Invoices"}, headers=account.headers)

    assert response.status_code == 201, response.text
    tag = response.json()
    assert tag == {
        "id": tag["id"],
        "owner": str(account.id),
        "name": "Invoices",
        "document_count": 0,
        "match": "",
        "matching_algorithm": "none",
        "is_insensitive": True,
        "color": "#a6cee3",
        "parent": None,
        "is_inbox": False,
    }
    again = await client.get(f"/api/v1/tags/{tag['id']}", headers=account.headers)
    assert again.status_code == 200
    assert again.json() == tag


async def test_a_rule_is_saved_and_changed_field_by_field(
    client: httpx.AsyncClient, account: Account
) -> None:
    created = await create(
        client,
        account,
        "correspondents",
        name="ACME",
        match="acme corp",
        matching_algorithm="literal",
        is_insensitive=False,
    )

    response = await client.patch(
        f"/api/v1/correspondents/{created['id']}",
        json={"match": "acme"},
        headers=account.headers,
    )

    assert response.status_code == 200, response.text
    assert response.json() | {"match": None} == created | {"match": None}
    assert response.json()["match"] == "acme"
    assert response.json()["matching_algorithm"] == "literal"
    assert response.json()["is_insensitive"] is False


@pytest.mark.parametrize("kind", KINDS)
async def test_names_are_unique_per_owner(
    client: httpx.AsyncClient, make_account: Any, kind: str
) -> None:
    alice, bob = await make_account(), await make_account()
    await create(client, alice, kind, **body_for(kind, "Taxes"))

    again = await client.post(
        f"/api/v1/{kind}", json=body_for(kind, "Taxes"), headers=alice.headers
    )
    someone_else = await client.post(
        f"/api/v1/{kind}", json=body_for(kind, "Taxes"), headers=bob.headers
    )

    problem = assert_problem(again, 409)
    assert "Taxes" in problem["detail"]
    assert someone_else.status_code == 201, someone_else.text
    assert await listed_names(client, alice, kind) == ["Taxes"]


@pytest.mark.parametrize("kind", KINDS)
async def test_renaming_onto_a_taken_name_is_409_and_changes_nothing(
    client: httpx.AsyncClient, account: Account, kind: str
) -> None:
    await create(client, account, kind, **body_for(kind, "Taxes"))
    other = await create_id(client, account, kind, **body_for(kind, "Receipts"))

    response = await client.patch(
        f"/api/v1/{kind}/{other}", json={"name": "Taxes"}, headers=account.headers
    )

    assert_problem(response, 409)
    assert await listed_names(client, account, kind) == ["Receipts", "Taxes"]


# Matching rules are checked when saved --------------------------------------------------


@pytest.mark.parametrize("kind", RULED)
async def test_a_regex_that_does_not_compile_is_refused_at_save(
    client: httpx.AsyncClient, account: Account, db: Any, kind: str
) -> None:
    response = await client.post(
        f"/api/v1/{kind}",
        json={"name": "Broken", "match": "INV-(\\d+", "matching_algorithm": "regex"},
        headers=account.headers,
    )

    problem = assert_problem(response, 422)
    assert problem["detail"].startswith("match:")
    assert "regular expression" in problem["detail"]
    assert await listed_names(client, account, kind) == []


@pytest.mark.parametrize("kind", RULED)
async def test_switching_to_regex_checks_the_saved_match(
    client: httpx.AsyncClient, account: Account, kind: str
) -> None:
    """`[abc` is fine as a word to look for, not as a regular expression."""
    created = await create(
        client, account, kind, name="Words", match="[abc", matching_algorithm="any"
    )

    response = await client.patch(
        f"/api/v1/{kind}/{created['id']}",
        json={"matching_algorithm": "regex"},
        headers=account.headers,
    )
    bad_match = await client.patch(
        f"/api/v1/{kind}/{created['id']}",
        json={"match": "(", "matching_algorithm": "regex"},
        headers=account.headers,
    )

    assert_problem(response, 422)
    assert_problem(bad_match, 422)
    unchanged = await client.get(f"/api/v1/{kind}/{created['id']}", headers=account.headers)
    assert unchanged.json()["matching_algorithm"] == "any"
    assert unchanged.json()["match"] == "[abc"


async def test_a_rule_without_words_is_refused(client: httpx.AsyncClient, account: Account) -> None:
    details = {}
    for algorithm in ["any", "all", "literal", "regex", "fuzzy"]:
        response = await client.post(
            "/api/v1/tags",
            json={"name": "Empty", "match": "   ", "matching_algorithm": algorithm},
            headers=account.headers,
        )
        details[algorithm] = assert_problem(response, 422)["detail"]

    assert {a: d for a, d in details.items() if not d.startswith("match:")} == {}
    assert await listed_names(client, account, "tags") == []


async def test_a_valid_regex_is_accepted(client: httpx.AsyncClient, account: Account) -> None:
    created = await create(
        client,
        account,
        "document_types",
        name="Invoice",
        match=r"INV-\d{4}",
        matching_algorithm="regex",
    )

    assert created["match"] == r"INV-\d{4}"
    assert created["matching_algorithm"] == "regex"


# Nested tags -------------------------------------------------------------------------


async def test_a_tag_cannot_be_nested_under_itself_or_its_children(
    client: httpx.AsyncClient, account: Account
) -> None:
    top = await create_id(client, account, "tags", name="Finance")
    middle = await create_id(client, account, "tags", name="Invoices", parent=top)
    bottom = await create_id(client, account, "tags", name="2026", parent=middle)

    under_itself = await client.patch(
        f"/api/v1/tags/{top}", json={"parent": top}, headers=account.headers
    )
    under_grandchild = await client.patch(
        f"/api/v1/tags/{top}", json={"parent": bottom}, headers=account.headers
    )
    moved = await client.patch(
        f"/api/v1/tags/{bottom}", json={"parent": top}, headers=account.headers
    )

    assert assert_problem(under_itself, 422)["detail"].startswith("parent:")
    assert assert_problem(under_grandchild, 422)["detail"].startswith("parent:")
    assert moved.status_code == 200, moved.text
    assert moved.json()["parent"] == top
    top_now = await client.get(f"/api/v1/tags/{top}", headers=account.headers)
    assert top_now.json()["parent"] is None


async def test_a_parent_must_be_a_tag_of_yours(
    client: httpx.AsyncClient, make_account: Any, db: Any
) -> None:
    alice, bob = await make_account(), await make_account()
    bobs = await create_id(client, bob, "tags", name="Bob's")

    response = await client.post(
        "/api/v1/tags", json={"name": "Mine", "parent": bobs}, headers=alice.headers
    )
    missing = await client.post(
        "/api/v1/tags", json={"name": "Mine", "parent": str(uuid.uuid4())}, headers=alice.headers
    )

    assert_problem(response, 422)
    assert_problem(missing, 422)
    assert await count_rows(db, Tag, alice) == 0


# Document counts ---------------------------------------------------------------------


async def test_lists_carry_the_number_of_documents_using_each_object(
    client: httpx.AsyncClient, make_account: Any, stored: StoredDocuments
) -> None:
    owner, other = await make_account(), await make_account()
    red = await create_id(client, owner, "tags", name="red")
    blue = await create_id(client, owner, "tags", name="blue")
    await create_id(client, owner, "tags", name="unused")
    acme = await create_id(client, owner, "correspondents", name="acme")
    bill = await create_id(client, owner, "document_types", name="bill")
    amount = await create_id(client, owner, "custom_fields", name="amount", data_type="integer")
    for _ in range(3):
        await stored.add(owner, "x", tags=[red], correspondent=acme, document_type=bill)
    await stored.add(owner, "x", tags=[red, blue], fields={amount: {"value_int": 1}})
    # The trash does not count.
    await stored.add(
        owner,
        "x",
        tags=[red, blue],
        correspondent=acme,
        document_type=bill,
        deleted_at=datetime.now(UTC),
        fields={amount: {"value_int": 2}},
    )
    await stored.add(other, "theirs")

    counts = {}
    for kind in KINDS:
        response = await client.get(f"/api/v1/{kind}", headers=owner.headers)
        assert response.status_code == 200, response.text
        counts[kind] = {item["name"]: item["document_count"] for item in response.json()["items"]}
    one = await client.get(f"/api/v1/tags/{red}", headers=owner.headers)

    assert counts == {
        "tags": {"blue": 1, "red": 4, "unused": 0},
        "correspondents": {"acme": 3},
        "document_types": {"bill": 3},
        "custom_fields": {"amount": 1},
    }
    assert one.json()["document_count"] == 4


# Listing ----------------------------------------------------------------------------------


async def test_list_filters_by_exact_name_and_by_part_of_the_name(
    client: httpx.AsyncClient, account: Account
) -> None:
    for name in ("Invoices", "Old invoices", "Receipts", "100%_sure"):
        await create(client, account, "tags", name=name)

    assert await listed_names(client, account, "tags", name="invoices") == ["Invoices"]
    assert await listed_names(client, account, "tags", name="voices") == []
    assert await listed_names(client, account, "tags", name_contains="VOICE") == [
        "Invoices",
        "Old invoices",
    ]
    assert await listed_names(client, account, "tags", name_contains="%") == ["100%_sure"]
    assert await listed_names(client, account, "tags", name_contains="0_s") == []


async def test_list_pages_by_name_with_a_cursor(
    client: httpx.AsyncClient, account: Account
) -> None:
    names = ["delta", "alpha", "echo", "charlie", "bravo"]
    for name in names:
        await create(client, account, "correspondents", name=name)
    walked: list[str] = []
    cursor = None

    while True:
        params = {"limit": 2, **({"cursor": cursor} if cursor else {})}
        response = await client.get(
            "/api/v1/correspondents", params=params, headers=account.headers
        )
        assert response.status_code == 200, response.text
        walked.extend(item["name"] for item in response.json()["items"])
        cursor = response.json()["next_cursor"]
        if cursor is None:
            break
        assert len(walked) < 20

    assert walked == sorted(names)


# Renaming and deleting ---------------------------------------------------------------


async def test_a_renamed_tag_is_found_by_its_new_name_at_once(
    client: httpx.AsyncClient, account: Account, stored: StoredDocuments
) -> None:
    tag = await create_id(client, account, "tags", name="oldname")
    document_id = await stored.add(account, "Scan", "text", tags=[tag])
    assert await found_ids(client, account, q="oldname") == [document_id]

    response = await client.patch(
        f"/api/v1/tags/{tag}", json={"name": "newname"}, headers=account.headers
    )

    assert response.status_code == 200, response.text
    assert await found_ids(client, account, q="newname") == [document_id]
    assert await found_ids(client, account, q="oldname") == []


async def test_deleting_a_tag_untags_its_documents_and_keeps_them(
    client: httpx.AsyncClient, account: Account, stored: StoredDocuments, db: Any
) -> None:
    doomed = await create_id(client, account, "tags", name="doomed")
    kept = await create_id(client, account, "tags", name="kept")
    document_id = await stored.add(account, "Scan", "text", tags=[doomed, kept])

    response = await client.delete(f"/api/v1/tags/{doomed}", headers=account.headers)

    assert response.status_code == 204
    assert await stored.tags_of(document_id) == {kept}
    assert await found_ids(client, account, q="doomed") == []
    assert await found_ids(client, account, q="kept") == [document_id]
    assert_problem(await client.get(f"/api/v1/tags/{doomed}", headers=account.headers), 404)


async def test_deleting_a_correspondent_clears_it_on_its_documents(
    client: httpx.AsyncClient, account: Account, stored: StoredDocuments
) -> None:
    acme = await create_id(client, account, "correspondents", name="acme")
    document_id = await stored.add(account, "Scan", "text", correspondent=acme)

    response = await client.delete(f"/api/v1/correspondents/{acme}", headers=account.headers)

    assert response.status_code == 204
    assert (await stored.row(document_id)).correspondent_id is None
    assert await found_ids(client, account, q="acme") == []


# Custom fields --------------------------------------------------------------------------


# data type, extra data it cannot take, what the problem's detail starts with
BAD_EXTRA_DATA: list[tuple[str, dict[str, Any], str]] = [
    ("select", {}, "extra_data.options"),
    ("select", {"options": []}, "extra_data.options"),
    ("select", {"options": ["open", "open"]}, "extra_data.options"),
    ("select", {"options": ["open", " "]}, "extra_data.options"),
    ("monetary", {"default_currency": "euro"}, "extra_data.default_currency"),
    ("monetary", {"default_currency": "eur"}, "extra_data.default_currency"),
    ("string", {"options": ["a"]}, "extra_data"),
    ("integer", {"default_currency": "EUR"}, "extra_data"),
]


async def test_custom_field_extra_data_is_checked_for_its_type(
    client: httpx.AsyncClient, account: Account
) -> None:
    details = {}
    for n, (data_type, extra_data, _) in enumerate(BAD_EXTRA_DATA):
        response = await client.post(
            "/api/v1/custom_fields",
            json={"name": "Field", "data_type": data_type, "extra_data": extra_data},
            headers=account.headers,
        )
        details[n] = assert_problem(response, 422)["detail"]

    assert {
        n: detail
        for n, detail in details.items()
        if not detail.startswith(f"{BAD_EXTRA_DATA[n][2]}:")
    } == {}
    assert await listed_names(client, account, "custom_fields") == []


async def test_custom_field_with_valid_extra_data(
    client: httpx.AsyncClient, account: Account
) -> None:
    status = await create(
        client,
        account,
        "custom_fields",
        name="Status",
        data_type="select",
        extra_data={"options": ["open", "paid"]},
    )
    amount = await create(
        client,
        account,
        "custom_fields",
        name="Amount",
        data_type="monetary",
        extra_data={"default_currency": "EUR"},
    )

    assert status["extra_data"] == {"options": ["open", "paid"]}
    assert amount["extra_data"] == {"default_currency": "EUR"}
    assert amount["data_type"] == "monetary"


async def test_a_custom_fields_type_cannot_change(
    client: httpx.AsyncClient, account: Account
) -> None:
    field = await create_id(client, account, "custom_fields", name="Count", data_type="integer")

    response = await client.patch(
        f"/api/v1/custom_fields/{field}", json={"data_type": "string"}, headers=account.headers
    )

    assert_problem(response, 422)
    again = await client.get(f"/api/v1/custom_fields/{field}", headers=account.headers)
    assert again.json()["data_type"] == "integer"


async def test_a_select_option_in_use_cannot_be_removed(
    client: httpx.AsyncClient, account: Account, stored: StoredDocuments
) -> None:
    field = await create_id(
        client,
        account,
        "custom_fields",
        name="Status",
        data_type="select",
        extra_data={"options": ["open", "paid", "void"]},
    )
    await stored.add(account, "Scan", fields={field: {"value_text": "paid"}})

    in_use = await client.patch(
        f"/api/v1/custom_fields/{field}",
        json={"extra_data": {"options": ["open", "void"]}},
        headers=account.headers,
    )
    unused = await client.patch(
        f"/api/v1/custom_fields/{field}",
        json={"extra_data": {"options": ["open", "paid"]}},
        headers=account.headers,
    )

    assert "paid" in assert_problem(in_use, 409)["detail"]
    assert unused.status_code == 200, unused.text
    assert unused.json()["extra_data"] == {"options": ["open", "paid"]}


# Autocomplete -------------------------------------------------------------------------


async def test_autocomplete_suggests_prefixes_first_then_similar_names(
    client: httpx.AsyncClient, make_account: Any
) -> None:
    owner, other = await make_account(), await make_account()
    insurance = await create_id(client, owner, "tags", name="Insurance")
    insurer = await create_id(client, owner, "correspondents", name="Insurer AG")
    await create(client, owner, "tags", name="Taxes")
    await create(client, owner, "correspondents", name="Globex")
    await create(client, other, "tags", name="Insight")
    await create(client, other, "correspondents", name="Insbruck Bank")

    prefix = await client.get("/api/v1/autocomplete", params={"term": "ins"}, headers=owner.headers)
    typo = await client.get("/api/v1/autocomplete", params={"term": "globx"}, headers=owner.headers)
    limited = await client.get(
        "/api/v1/autocomplete", params={"term": "INS", "limit": 1}, headers=owner.headers
    )
    nothing = await client.get(
        "/api/v1/autocomplete", params={"term": "zzz"}, headers=owner.headers
    )

    assert prefix.status_code == 200, prefix.text
    assert sorted((s["kind"], s["id"], s["name"]) for s in prefix.json()["items"]) == [
        ("correspondent", insurer, "Insurer AG"),
        ("tag", insurance, "Insurance"),
    ]
    assert [(s["kind"], s["name"]) for s in typo.json()["items"]] == [("correspondent", "Globex")]
    assert len(limited.json()["items"]) == 1
    assert limited.json()["items"][0]["name"] in ("Insurance", "Insurer AG")
    assert nothing.json()["items"] == []


async def test_autocomplete_puts_a_prefix_match_before_a_closer_similar_name(
    client: httpx.AsyncClient, account: Account
) -> None:
    await create(client, account, "tags", name="Car Insurance")
    await create(client, account, "tags", name="Insurance claims 2026")

    response = await client.get(
        "/api/v1/autocomplete", params={"term": "insurance"}, headers=account.headers
    )

    assert [s["name"] for s in response.json()["items"]] == [
        "Insurance claims 2026",
        "Car Insurance",
    ]


async def test_autocomplete_needs_a_term(client: httpx.AsyncClient, account: Account) -> None:
    response = await client.get(
        "/api/v1/autocomplete", params={"term": ""}, headers=account.headers
    )

    problem = assert_problem(response, 422)
    assert [error["field"] for error in problem["errors"]] == ["query.term"]


# Isolation --------------------------------------------------------------------------------


@pytest.mark.parametrize("kind", KINDS)
async def test_another_users_objects_are_out_of_sight_and_reach(
    client: httpx.AsyncClient, make_account: Any, kind: str
) -> None:
    alice, mallory = await make_account(), await make_account()
    theirs = await create_id(client, alice, kind, **body_for(kind, "Private"))
    path = f"/api/v1/{kind}/{theirs}"

    read = await client.get(path, headers=mallory.headers)
    changed = await client.patch(path, json={"name": "Hijacked"}, headers=mallory.headers)
    deleted = await client.delete(path, headers=mallory.headers)

    assert_problem(read, 404)
    assert_problem(changed, 404)
    assert_problem(deleted, 404)
    assert await listed_names(client, mallory, kind) == []
    assert await listed_names(client, mallory, kind, name="Private") == []
    assert await listed_names(client, alice, kind) == ["Private"]


async def test_another_users_names_never_appear_in_autocomplete(
    client: httpx.AsyncClient, make_account: Any, db: Any
) -> None:
    alice, mallory = await make_account(), await make_account()
    await create(client, alice, "tags", name="Secret project")
    await create(client, alice, "correspondents", name="Secret lawyer")

    response = await client.get(
        "/api/v1/autocomplete", params={"term": "secret"}, headers=mallory.headers
    )

    assert response.status_code == 200
    assert response.json()["items"] == []
    assert await count_rows(db, Correspondent, alice) == 1
