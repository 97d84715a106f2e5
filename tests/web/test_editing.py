"""Editing documents: metadata, custom field values of every type, notes, the audit
history of changes, and bulk edits that change everything or nothing."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

import httpx
import pytest
from sqlalchemy import func, select

from paless_shared.tables import AuditEvent, Document
from tests.conftest import Account
from tests.web.stored import (
    StoredDocuments,
    at,
    create_id,
    found_ids,
    patch,
    running_app,
)
from tests.web.support import assert_problem


@pytest.fixture(scope="module")
async def client(servers: Any) -> AsyncIterator[httpx.AsyncClient]:
    """One app for the module's many short tests (see running_app)."""
    async with running_app() as shared:
        yield shared


@pytest.fixture
def stored(db: Any) -> StoredDocuments:
    return StoredDocuments(db)


async def snapshot(stored: StoredDocuments, document_id: str) -> dict[str, Any]:
    """What an edit can change, as Postgres holds it."""
    row = await stored.row(document_id)
    values = await stored.field_values(document_id)
    return {
        "title": row.title,
        "created_at": row.created_at,
        "correspondent_id": row.correspondent_id,
        "document_type_id": row.document_type_id,
        "archive_serial_number": row.archive_serial_number,
        "deleted_at": row.deleted_at,
        "tags": await stored.tags_of(document_id),
        "fields": {
            field_id: (v.value_text, v.value_int, v.value_bool, v.value_date, v.value_monetary)
            for field_id, v in values.items()
        },
    }


async def audit_events(db: Any, document_id: str) -> list[AuditEvent]:
    async with db() as session:
        result = await session.execute(
            select(AuditEvent)
            .where(AuditEvent.document_id == uuid.UUID(document_id))
            .order_by(AuditEvent.at)
        )
        return list(result.scalars())


# PATCH ------------------------------------------------------------------------------------


async def test_patch_changes_the_fields_sent_and_postgres_keeps_them(
    client: httpx.AsyncClient, account: Account, stored: StoredDocuments
) -> None:
    document_id = await stored.add(account, "scan-0001", "text", created_at=at("2020-01-01"))
    acme = await create_id(client, account, "correspondents", name="ACME")
    invoice = await create_id(client, account, "document_types", name="Invoice")
    taxes = await create_id(client, account, "tags", name="Taxes")

    response = await patch(
        client,
        account,
        document_id,
        title="ACME invoice November",
        created="2026-11-02",
        correspondent=acme,
        document_type=invoice,
        archive_serial_number=1042,
        tags=[taxes],
    )

    assert response.status_code == 200, response.text
    body = response.json()
    assert body["title"] == "ACME invoice November"
    assert body["created_at"] == "2026-11-02T00:00:00Z"
    assert (body["correspondent"], body["document_type"]) == (acme, invoice)
    assert body["archive_serial_number"] == 1042
    assert body["tags"] == [taxes]
    assert body["content"] == "text"  # the full document is answered
    row = await stored.row(document_id)
    assert row.title == "ACME invoice November"
    assert row.created_at == datetime(2026, 11, 2, tzinfo=UTC)
    assert (str(row.correspondent_id), str(row.document_type_id)) == (acme, invoice)
    assert row.archive_serial_number == 1042
    assert await stored.tags_of(document_id) == {taxes}
    assert await found_ids(client, account, q="november taxes acme") == [document_id]


async def test_patch_leaves_fields_not_sent_alone_and_null_clears(
    client: httpx.AsyncClient, account: Account, stored: StoredDocuments
) -> None:
    acme = await create_id(client, account, "correspondents", name="ACME")
    invoice = await create_id(client, account, "document_types", name="Invoice")
    document_id = await stored.add(account, "Kept", correspondent=acme, document_type=invoice)
    assert (await patch(client, account, document_id, archive_serial_number=7)).status_code == 200

    cleared = await patch(
        client, account, document_id, correspondent=None, archive_serial_number=None
    )

    assert cleared.status_code == 200, cleared.text
    row = await stored.row(document_id)
    assert row.title == "Kept"
    assert row.correspondent_id is None
    assert row.archive_serial_number is None
    assert str(row.document_type_id) == invoice


async def test_created_accepts_a_date_time_with_its_zone(
    client: httpx.AsyncClient, account: Account, stored: StoredDocuments
) -> None:
    document_id = await stored.add(account, "Scan")

    response = await patch(client, account, document_id, created="2026-03-04T10:30:00+02:00")

    assert response.status_code == 200, response.text
    assert (await stored.row(document_id)).created_at == datetime(2026, 3, 4, 8, 30, tzinfo=UTC)


@pytest.mark.parametrize("field", ["title", "created"])
async def test_title_and_created_cannot_be_null(
    client: httpx.AsyncClient, account: Account, stored: StoredDocuments, field: str
) -> None:
    document_id = await stored.add(account, "Scan")

    response = await patch(client, account, document_id, **{field: None})

    assert field in assert_problem(response, 422)["detail"]
    assert (await stored.row(document_id)).title == "Scan"


async def test_tags_are_the_complete_set_and_parents_come_along(
    client: httpx.AsyncClient, account: Account, stored: StoredDocuments
) -> None:
    finance = await create_id(client, account, "tags", name="Finance")
    invoices = await create_id(client, account, "tags", name="Invoices", parent=finance)
    year = await create_id(client, account, "tags", name="2026", parent=invoices)
    other = await create_id(client, account, "tags", name="Other")
    document_id = await stored.add(account, "Scan", tags=[other])

    nested = await patch(client, account, document_id, tags=[year])
    cleared_state = await stored.tags_of(document_id)
    emptied = await patch(client, account, document_id, tags=[])

    assert nested.status_code == 200, nested.text
    assert set(nested.json()["tags"]) == {finance, invoices, year}
    assert cleared_state == {finance, invoices, year}
    assert emptied.status_code == 200
    assert emptied.json()["tags"] == []
    assert await stored.tags_of(document_id) == set()


async def test_archive_serial_number_is_unique_per_owner(
    client: httpx.AsyncClient, make_account: Any, stored: StoredDocuments
) -> None:
    owner, other = await make_account(), await make_account()
    first = await stored.add(owner, "First")
    second = await stored.add(owner, "Second")
    theirs = await stored.add(other, "Theirs")
    assert (await patch(client, owner, first, archive_serial_number=5)).status_code == 200

    taken = await patch(client, owner, second, title="Renamed", archive_serial_number=5)
    elsewhere = await patch(client, other, theirs, archive_serial_number=5)

    problem = assert_problem(taken, 409)
    assert "archive_serial_number" in problem["detail"]
    row = await stored.row(second)
    assert (row.title, row.archive_serial_number) == ("Second", None)
    assert elsewhere.status_code == 200, elsewhere.text


@pytest.mark.parametrize(
    ("kind", "field"),
    [("tags", "tags"), ("correspondents", "correspondent"), ("document_types", "document_type")],
)
async def test_another_users_tag_correspondent_or_type_is_a_422(
    client: httpx.AsyncClient,
    make_account: Any,
    stored: StoredDocuments,
    kind: str,
    field: str,
) -> None:
    owner, other = await make_account(), await make_account()
    theirs = await create_id(client, other, kind, name="Theirs")
    document_id = await stored.add(owner, "Mine")
    before = await snapshot(stored, document_id)

    response = await patch(
        client,
        owner,
        document_id,
        title="Changed",
        **{field: [theirs] if field == "tags" else theirs},
    )

    problem = assert_problem(response, 422)
    assert theirs in problem["detail"]
    assert problem["detail"].startswith(field)
    assert await snapshot(stored, document_id) == before


async def test_another_users_custom_field_is_a_422(
    client: httpx.AsyncClient, make_account: Any, stored: StoredDocuments
) -> None:
    owner, other = await make_account(), await make_account()
    theirs = await create_id(client, other, "custom_fields", name="Theirs", data_type="string")
    document_id = await stored.add(owner, "Mine")

    response = await patch(
        client, owner, document_id, custom_fields=[{"field": theirs, "value": "x"}]
    )

    assert "custom_fields" in assert_problem(response, 422)["detail"]
    assert await stored.field_values(document_id) == {}


@pytest.mark.parametrize(
    ("method", "suffix", "body"),
    [
        ("PATCH", "", {"title": "Hijacked"}),
        ("GET", "/notes", None),
        ("POST", "/notes", {"text": "hijacked"}),
        ("GET", "/history", None),
    ],
    ids=["patch", "list-notes", "add-note", "history"],
)
async def test_another_users_document_is_404(
    client: httpx.AsyncClient,
    make_account: Any,
    stored: StoredDocuments,
    method: str,
    suffix: str,
    body: dict[str, Any] | None,
) -> None:
    owner, mallory = await make_account(), await make_account()
    document_id = await stored.add(owner, "Private")
    before = await snapshot(stored, document_id)

    response = await client.request(
        method, f"/api/v1/documents/{document_id}{suffix}", json=body, headers=mallory.headers
    )

    assert_problem(response, 404)
    assert await snapshot(stored, document_id) == before
    assert await stored.notes_of(document_id) == []


async def test_a_trashed_document_cannot_be_edited(
    client: httpx.AsyncClient, account: Account, stored: StoredDocuments
) -> None:
    document_id = await stored.add(account, "Binned", deleted_at=datetime.now(UTC))

    response = await patch(client, account, document_id, title="Changed")

    assert_problem(response, 404)
    assert (await stored.row(document_id)).title == "Binned"


# Custom field values --------------------------------------------------------------------

# data type, extra data, a value as sent, the value as answered
VALID_VALUES: list[tuple[str, dict[str, Any], Any, Any]] = [
    ("string", {}, "ABC-123", "ABC-123"),
    ("longtext", {}, "line one\nline two " * 100, "line one\nline two " * 100),
    ("url", {}, "https://example.com/a?b=c", "https://example.com/a?b=c"),
    ("date", {}, "2024-02-29", "2024-02-29"),
    ("boolean", {}, False, False),
    ("integer", {}, -(2**63), -(2**63)),
    ("float", {}, 1.25, 1.25),
    ("float", {}, 3, 3.0),
    ("monetary", {}, {"amount": "12.5", "currency": "USD"}, {"amount": "12.50", "currency": "USD"}),
    ("monetary", {"default_currency": "EUR"}, {"amount": 7}, {"amount": "7.00", "currency": "EUR"}),
    ("select", {"options": ["open", "paid"]}, "paid", "paid"),
    ("string", {}, None, None),
]


async def test_a_valid_value_of_each_type_is_kept(
    client: httpx.AsyncClient, account: Account, stored: StoredDocuments
) -> None:
    fields = [
        await create_id(
            client,
            account,
            "custom_fields",
            name=f"{n:02} {data_type}",
            data_type=data_type,
            extra_data=extra_data,
        )
        for n, (data_type, extra_data, _, _) in enumerate(VALID_VALUES)
    ]
    document_id = await stored.add(account, "Scan")

    response = await patch(
        client,
        account,
        document_id,
        custom_fields=[
            {"field": field, "value": sent}
            for field, (_, _, sent, _) in zip(fields, VALID_VALUES, strict=True)
        ],
    )
    again = await client.get(f"/api/v1/documents/{document_id}", headers=account.headers)

    assert response.status_code == 200, response.text
    expected = [
        {"field": field, "name": f"{n:02} {data_type}", "data_type": data_type, "value": answered}
        for n, (field, (data_type, _, _, answered)) in enumerate(
            zip(fields, VALID_VALUES, strict=True)
        )
    ]
    assert response.json()["custom_fields"] == expected  # by field name
    assert again.json()["custom_fields"] == expected
    assert set(await stored.field_values(document_id)) == set(fields)


async def test_a_document_link_points_at_your_documents(
    client: httpx.AsyncClient, make_account: Any, stored: StoredDocuments
) -> None:
    owner, other = await make_account(), await make_account()
    field = await create_id(
        client, owner, "custom_fields", name="Related", data_type="documentlink"
    )
    document_id = await stored.add(owner, "Scan")
    linked = await stored.add(owner, "Linked")
    theirs = await stored.add(other, "Theirs")

    response = await patch(
        client, owner, document_id, custom_fields=[{"field": field, "value": [linked, linked]}]
    )
    foreign = await patch(
        client, owner, document_id, custom_fields=[{"field": field, "value": [theirs]}]
    )

    assert response.status_code == 200, response.text
    assert response.json()["custom_fields"][0]["value"] == [linked]
    problem = assert_problem(foreign, 422)
    assert "'Related'" in problem["detail"]
    assert theirs in problem["detail"]
    assert (await stored.field_values(document_id))[field].value_documents == [uuid.UUID(linked)]


# data type, extra data, an invalid value
INVALID_VALUES: list[tuple[str, dict[str, Any], Any]] = [
    ("string", {}, 42),
    ("string", {}, "x" * 256),
    ("longtext", {}, ["not", "text"]),
    ("longtext", {}, "x" * 65_537),
    ("url", {}, "not a url"),
    ("url", {}, "/relative/path"),
    ("url", {}, 5),
    ("date", {}, "2024-02-30"),
    ("date", {}, "29.02.2024"),
    ("date", {}, 20240229),
    ("boolean", {}, "yes"),
    ("boolean", {}, 1),
    ("integer", {}, 4.5),
    ("integer", {}, "42"),
    ("integer", {}, True),
    ("integer", {}, 2**63),
    ("float", {}, "1.5"),
    ("float", {}, True),
    ("monetary", {}, "12.50"),
    ("monetary", {}, {"amount": "abc", "currency": "EUR"}),
    ("monetary", {}, {"amount": "1", "currency": "euro"}),
    ("monetary", {}, {"amount": "1"}),  # no currency and no default
    ("monetary", {}, {"amount": "1", "currency": "EUR", "note": "x"}),
    ("monetary", {}, {"amount": "1e20", "currency": "EUR"}),
    ("monetary", {}, {"amount": "NaN", "currency": "EUR"}),
    ("select", {"options": ["open", "paid"]}, "closed"),
    ("select", {"options": ["open", "paid"]}, 1),
    ("documentlink", {}, "not a list"),
    ("documentlink", {}, ["not-a-uuid"]),
    ("documentlink", {}, [str(uuid.UUID(int=1))]),
]


@pytest.mark.parametrize("data_type", sorted({v[0] for v in INVALID_VALUES}))
async def test_an_invalid_value_is_a_422_naming_the_field_and_nothing_changes(
    client: httpx.AsyncClient, account: Account, stored: StoredDocuments, data_type: str
) -> None:
    note = await create_id(client, account, "custom_fields", name="Note", data_type="string")
    document_id = await stored.add(account, "Scan", fields={note: {"value_text": "kept"}})
    details = {}
    for n, (_, extra_data, value) in enumerate(v for v in INVALID_VALUES if v[0] == data_type):
        name = f"Checked {n}"
        field = await create_id(
            client,
            account,
            "custom_fields",
            name=name,
            data_type=data_type,
            extra_data=extra_data,
        )

        response = await patch(
            client,
            account,
            document_id,
            title="Changed",
            custom_fields=[{"field": note, "value": "replaced"}, {"field": field, "value": value}],
        )

        details[f"{n}: {value!r:.40}"] = assert_problem(response, 422)["detail"].startswith(
            f"custom_fields: {name!r}"
        )
    values = await stored.field_values(document_id)

    assert details == dict.fromkeys(details, True)
    assert set(values) == {note}
    assert values[note].value_text == "kept"
    assert (await stored.row(document_id)).title == "Scan"


async def test_custom_fields_are_the_complete_set(
    client: httpx.AsyncClient, account: Account, stored: StoredDocuments
) -> None:
    count = await create_id(client, account, "custom_fields", name="Count", data_type="integer")
    due = await create_id(client, account, "custom_fields", name="Due", data_type="date")
    document_id = await stored.add(account, "Scan")
    first = await patch(
        client,
        account,
        document_id,
        custom_fields=[{"field": count, "value": 3}, {"field": due, "value": "2026-01-31"}],
    )
    assert first.status_code == 200, first.text

    response = await patch(
        client, account, document_id, custom_fields=[{"field": count, "value": 4}]
    )

    assert response.status_code == 200, response.text
    values = await stored.field_values(document_id)
    assert set(values) == {count}
    assert values[count].value_int == 4


async def test_values_are_stored_in_the_column_of_their_type(
    client: httpx.AsyncClient, account: Account, stored: StoredDocuments
) -> None:
    due = await create_id(client, account, "custom_fields", name="Due", data_type="date")
    total = await create_id(client, account, "custom_fields", name="Total", data_type="monetary")
    document_id = await stored.add(account, "Scan")

    response = await patch(
        client,
        account,
        document_id,
        custom_fields=[
            {"field": due, "value": "2026-01-31"},
            {"field": total, "value": {"amount": "1234.5", "currency": "CHF"}},
        ],
    )

    assert response.status_code == 200, response.text
    values = await stored.field_values(document_id)
    assert values[due].value_date == date(2026, 1, 31)
    assert values[due].value_text is None
    assert values[total].value_monetary == Decimal("1234.5")
    assert values[total].value_currency == "CHF"


# History --------------------------------------------------------------------------------


async def test_history_records_each_change_with_old_and_new_values(
    client: httpx.AsyncClient, account: Account, stored: StoredDocuments
) -> None:
    taxes = await create_id(client, account, "tags", name="Taxes")
    document_id = await stored.add(account, "scan-0001")
    assert (await patch(client, account, document_id, title="Tax return 2025")).status_code == 200
    assert (
        await patch(client, account, document_id, tags=[taxes], archive_serial_number=12)
    ).status_code == 200

    response = await client.get(f"/api/v1/documents/{document_id}/history", headers=account.headers)

    assert response.status_code == 200, response.text
    newest, oldest = response.json()["items"]
    assert oldest["action"] == newest["action"] == "document.updated"
    assert oldest["details"] == {"changes": {"title": ["scan-0001", "Tax return 2025"]}}
    assert newest["details"] == {
        "changes": {"tags": [[], [taxes]], "archive_serial_number": [None, 12]}
    }
    assert newest["actor"] == str(account.id)
    assert newest["actor_name"] == account.username
    assert newest["document_id"] == document_id


async def test_a_patch_that_changes_nothing_is_not_recorded(
    client: httpx.AsyncClient, account: Account, stored: StoredDocuments, db: Any
) -> None:
    document_id = await stored.add(account, "Same")

    response = await patch(client, account, document_id, title="Same")

    assert response.status_code == 200
    assert await audit_events(db, document_id) == []


async def test_history_shows_old_and_new_custom_field_values(
    client: httpx.AsyncClient, account: Account, stored: StoredDocuments
) -> None:
    count = await create_id(client, account, "custom_fields", name="Count", data_type="integer")
    document_id = await stored.add(account, "Scan", fields={count: {"value_int": 1}})

    response = await patch(
        client, account, document_id, custom_fields=[{"field": count, "value": 2}]
    )
    history = await client.get(f"/api/v1/documents/{document_id}/history", headers=account.headers)

    assert response.status_code == 200, response.text
    (event,) = history.json()["items"]
    # By field id (names change; the history leaves out fields a reader may not see).
    assert event["details"] == {
        "changes": {
            "custom_fields": [
                {count: {"name": "Count", "value": 1}},
                {count: {"name": "Count", "value": 2}},
            ]
        }
    }


async def test_setting_the_same_custom_field_values_again_is_not_recorded(
    client: httpx.AsyncClient, account: Account, stored: StoredDocuments, db: Any
) -> None:
    count = await create_id(client, account, "custom_fields", name="Count", data_type="integer")
    document_id = await stored.add(account, "Scan", fields={count: {"value_int": 1}})

    response = await patch(
        client, account, document_id, custom_fields=[{"field": count, "value": 1}]
    )

    assert response.status_code == 200, response.text
    assert await audit_events(db, document_id) == []


async def test_a_refused_patch_leaves_no_history(
    client: httpx.AsyncClient, account: Account, stored: StoredDocuments, db: Any
) -> None:
    first = await stored.add(account, "First")
    second = await stored.add(account, "Second")
    assert (await patch(client, account, first, archive_serial_number=1)).status_code == 200

    response = await patch(client, account, second, title="New", archive_serial_number=1)

    assert_problem(response, 409)
    assert await audit_events(db, second) == []


# Notes -------------------------------------------------------------------------------------


async def test_notes_are_added_listed_searchable_and_removed(
    client: httpx.AsyncClient, account: Account, stored: StoredDocuments
) -> None:
    document_id = await stored.add(account, "Invoice", "nothing special")
    path = f"/api/v1/documents/{document_id}/notes"

    added = await client.post(path, json={"text": "Paid by transfer"}, headers=account.headers)
    listed = await client.get(path, headers=account.headers)
    found = await found_ids(client, account, q="transfer")
    document = await client.get(f"/api/v1/documents/{document_id}", headers=account.headers)

    assert added.status_code == 201, added.text
    note = added.json()
    assert note["text"] == "Paid by transfer"
    assert note["author"] == str(account.id)
    assert listed.json()["items"] == [note]
    assert found == [document_id]
    assert document.json()["notes"] == [note]

    removed = await client.delete(f"{path}/{note['id']}", headers=account.headers)

    assert removed.status_code == 204
    assert await stored.notes_of(document_id) == []
    assert await found_ids(client, account, q="transfer") == []


async def test_a_note_of_another_document_cannot_be_deleted_through_this_one(
    client: httpx.AsyncClient, account: Account, stored: StoredDocuments
) -> None:
    first = await stored.add(account, "First")
    second = await stored.add(account, "Second")
    added = await client.post(
        f"/api/v1/documents/{first}/notes", json={"text": "stays"}, headers=account.headers
    )

    response = await client.delete(
        f"/api/v1/documents/{second}/notes/{added.json()['id']}", headers=account.headers
    )

    assert_problem(response, 404)
    assert await stored.notes_of(first) == ["stays"]


async def test_another_users_note_cannot_be_deleted(
    client: httpx.AsyncClient, make_account: Any, stored: StoredDocuments
) -> None:
    owner, mallory = await make_account(), await make_account()
    document_id = await stored.add(owner, "Private")
    added = await client.post(
        f"/api/v1/documents/{document_id}/notes", json={"text": "mine"}, headers=owner.headers
    )

    response = await client.delete(
        f"/api/v1/documents/{document_id}/notes/{added.json()['id']}", headers=mallory.headers
    )

    assert_problem(response, 404)
    assert await stored.notes_of(document_id) == ["mine"]


async def test_notes_are_in_the_history(
    client: httpx.AsyncClient, account: Account, stored: StoredDocuments
) -> None:
    document_id = await stored.add(account, "Scan")
    await client.post(
        f"/api/v1/documents/{document_id}/notes", json={"text": "a"}, headers=account.headers
    )

    response = await client.get(f"/api/v1/documents/{document_id}/history", headers=account.headers)

    assert [event["action"] for event in response.json()["items"]] == ["note.created"]


# Bulk edit -------------------------------------------------------------------------------


async def bulk(
    client: httpx.AsyncClient, account: Account, documents: list[str], operation: str, **rest: Any
) -> httpx.Response:
    return await client.post(
        "/api/v1/documents/bulk_edit",
        json={"documents": documents, "operation": operation, **rest},
        headers=account.headers,
    )


async def test_bulk_add_tags_counts_only_documents_that_changed(
    client: httpx.AsyncClient, account: Account, stored: StoredDocuments
) -> None:
    finance = await create_id(client, account, "tags", name="finance")
    taxes = await create_id(client, account, "tags", name="taxes", parent=finance)
    already = await stored.add(account, "Already", tags=[finance, taxes])
    untagged = [await stored.add(account, f"Doc {n}") for n in range(2)]
    bystander = await stored.add(account, "Bystander")

    response = await bulk(client, account, [already, *untagged], "add_tags", tags=[taxes])

    assert response.status_code == 200, response.text
    assert response.json() == {"changed": 2}
    for document_id in [already, *untagged]:
        assert await stored.tags_of(document_id) == {finance, taxes}
    assert await stored.tags_of(bystander) == set()
    assert sorted(await found_ids(client, account, q="taxes")) == sorted([already, *untagged])


async def test_bulk_remove_tags(
    client: httpx.AsyncClient, account: Account, stored: StoredDocuments
) -> None:
    red = await create_id(client, account, "tags", name="red")
    blue = await create_id(client, account, "tags", name="blue")
    both = await stored.add(account, "Both", tags=[red, blue])
    red_only = await stored.add(account, "Only one", tags=[red])
    neither = await stored.add(account, "Neither")

    response = await bulk(client, account, [both, red_only, neither], "remove_tags", tags=[red])

    assert response.json() == {"changed": 2}
    assert await stored.tags_of(both) == {blue}
    assert await stored.tags_of(red_only) == set()
    assert await found_ids(client, account, q="red") == []


@pytest.mark.parametrize(
    ("operation", "kind", "key", "column"),
    [
        ("set_correspondent", "correspondents", "correspondent", "correspondent_id"),
        ("set_document_type", "document_types", "document_type", "document_type_id"),
    ],
)
async def test_bulk_set_and_clear_correspondent_or_type(
    client: httpx.AsyncClient,
    account: Account,
    stored: StoredDocuments,
    operation: str,
    kind: str,
    key: str,
    column: str,
) -> None:
    target = await create_id(client, account, kind, name="Target")
    previous = await create_id(client, account, kind, name="Previous")
    already = await stored.add(account, "Already", **{key: target})
    other = await stored.add(account, "Other", **{key: previous})
    empty = await stored.add(account, "Empty")

    response = await bulk(client, account, [already, other, empty], operation, **{key: target})
    cleared = await bulk(client, account, [already, other], operation, **{key: None})

    assert response.json() == {"changed": 2}
    assert cleared.json() == {"changed": 2}
    assert getattr(await stored.row(empty), column) == uuid.UUID(target)
    assert getattr(await stored.row(already), column) is None
    assert getattr(await stored.row(other), column) is None
    assert await found_ids(client, account, q="target") == [empty]


async def test_bulk_set_custom_field(
    client: httpx.AsyncClient, account: Account, stored: StoredDocuments
) -> None:
    total = await create_id(
        client,
        account,
        "custom_fields",
        name="Total",
        data_type="monetary",
        extra_data={"default_currency": "EUR"},
    )
    with_value = await stored.add(
        account, "Set", fields={total: {"value_monetary": Decimal(1), "value_currency": "USD"}}
    )
    without = await stored.add(account, "Unset")

    response = await bulk(
        client,
        account,
        [with_value, without],
        "set_custom_field",
        field=total,
        value={"amount": "9.90"},
    )

    assert response.json() == {"changed": 2}
    for document_id in (with_value, without):
        value = (await stored.field_values(document_id))[total]
        assert (value.value_monetary, value.value_currency) == (Decimal("9.90"), "EUR")


async def test_bulk_set_custom_field_counts_only_documents_that_changed(
    client: httpx.AsyncClient, account: Account, stored: StoredDocuments, db: Any
) -> None:
    count = await create_id(client, account, "custom_fields", name="Count", data_type="integer")
    already = await stored.add(account, "Already", fields={count: {"value_int": 2}})
    other = await stored.add(account, "Other", fields={count: {"value_int": 1}})

    response = await bulk(
        client, account, [already, other], "set_custom_field", field=count, value=2
    )

    assert response.status_code == 200, response.text
    assert (await stored.field_values(other))[count].value_int == 2
    assert response.json() == {"changed": 1}
    assert await audit_events(db, already) == []


async def test_bulk_set_custom_field_with_an_invalid_value_changes_nothing(
    client: httpx.AsyncClient, account: Account, stored: StoredDocuments
) -> None:
    count = await create_id(client, account, "custom_fields", name="Count", data_type="integer")
    document_id = await stored.add(account, "Scan", fields={count: {"value_int": 1}})

    response = await bulk(
        client, account, [document_id], "set_custom_field", field=count, value="many"
    )

    assert assert_problem(response, 422)["detail"].startswith("custom_fields: 'Count'")
    assert (await stored.field_values(document_id))[count].value_int == 1


async def test_bulk_delete_moves_documents_to_the_trash(
    client: httpx.AsyncClient, account: Account, stored: StoredDocuments
) -> None:
    doomed = [await stored.add(account, f"Doomed {n}") for n in range(2)]
    kept = await stored.add(account, "Kept")

    response = await bulk(client, account, doomed, "delete")

    assert response.json() == {"changed": 2}
    for document_id in doomed:
        assert (await stored.row(document_id)).deleted_at is not None
    assert (await stored.row(kept)).deleted_at is None
    trash = await client.get("/api/v1/trash", headers=account.headers)
    assert sorted(item["id"] for item in trash.json()["items"]) == sorted(doomed)


async def test_bulk_delete_records_one_deleted_event_per_document(
    client: httpx.AsyncClient, account: Account, stored: StoredDocuments, db: Any
) -> None:
    doomed = [await stored.add(account, f"Doomed {n}") for n in range(2)]

    await bulk(client, account, doomed, "delete")

    for document_id in doomed:
        (event,) = await audit_events(db, document_id)
        assert (event.action, event.details) == ("document.deleted", {"bulk": "delete"})
        assert event.actor_id == account.id


async def test_bulk_edits_are_in_each_documents_history(
    client: httpx.AsyncClient, account: Account, stored: StoredDocuments, db: Any
) -> None:
    tag = await create_id(client, account, "tags", name="t")
    documents = [await stored.add(account, f"Doc {n}") for n in range(2)]

    await bulk(client, account, documents, "add_tags", tags=[tag])

    for document_id in documents:
        (event,) = await audit_events(db, document_id)
        assert (event.action, event.details) == ("document.updated", {"bulk": "add_tags"})


BULK_OPERATIONS = [
    "add_tags",
    "remove_tags",
    "set_correspondent",
    "set_document_type",
    "set_custom_field",
    "delete",
]


@pytest.mark.parametrize("operation", BULK_OPERATIONS)
async def test_bulk_edit_with_one_bad_id_is_404_and_changes_nothing(
    client: httpx.AsyncClient,
    make_account: Any,
    stored: StoredDocuments,
    db: Any,
    operation: str,
) -> None:
    owner, other = await make_account(), await make_account()
    tag = await create_id(client, owner, "tags", name="tag")
    other_tag = await create_id(client, owner, "tags", name="other")
    acme = await create_id(client, owner, "correspondents", name="acme")
    bill = await create_id(client, owner, "document_types", name="bill")
    count = await create_id(client, owner, "custom_fields", name="count", data_type="integer")
    mine = [
        await stored.add(owner, "A", tags=[tag]),
        await stored.add(owner, "B", tags=[other_tag], fields={count: {"value_int": 1}}),
    ]
    theirs = await stored.add(other, "Theirs")
    arguments = {
        "add_tags": {"tags": [tag, other_tag]},
        "remove_tags": {"tags": [tag, other_tag]},
        "set_correspondent": {"correspondent": acme},
        "set_document_type": {"document_type": bill},
        "set_custom_field": {"field": count, "value": 2},
        "delete": {},
    }[operation]
    before = {document_id: await snapshot(stored, document_id) for document_id in [*mine, theirs]}

    for bad in (str(uuid.uuid4()), theirs):
        response = await bulk(client, owner, [mine[0], bad, mine[1]], operation, **arguments)

        problem = assert_problem(response, 404)
        assert bad in problem["detail"]
        assert mine[0] not in problem["detail"]
    for document_id, state in before.items():
        assert await snapshot(stored, document_id) == state
    for document_id in [*mine, theirs]:
        assert await audit_events(db, document_id) == []


async def test_bulk_add_of_another_users_tag_is_a_422_and_changes_nothing(
    client: httpx.AsyncClient, make_account: Any, stored: StoredDocuments
) -> None:
    owner, other = await make_account(), await make_account()
    theirs = await create_id(client, other, "tags", name="theirs")
    document_id = await stored.add(owner, "Mine")

    response = await bulk(client, owner, [document_id], "add_tags", tags=[theirs])

    assert theirs in assert_problem(response, 422)["detail"]
    assert await stored.tags_of(document_id) == set()


async def test_bulk_edit_of_a_trashed_document_is_404(
    client: httpx.AsyncClient, account: Account, stored: StoredDocuments, db: Any
) -> None:
    acme = await create_id(client, account, "correspondents", name="acme")
    live = await stored.add(account, "Live")
    binned = await stored.add(account, "Binned", deleted_at=datetime.now(UTC))

    response = await bulk(client, account, [live, binned], "set_correspondent", correspondent=acme)

    assert binned in assert_problem(response, 404)["detail"]
    async with db() as session:
        set_on = await session.scalar(
            select(func.count()).select_from(Document).where(Document.correspondent_id.is_not(None))
        )
    assert set_on == 0


@pytest.mark.parametrize(
    "body",
    [
        {"documents": [], "operation": "delete"},
        {"documents": ["{doc}"], "operation": "explode"},
        {"documents": ["{doc}"], "operation": "add_tags", "tags": []},
        {"documents": ["{doc}"], "operation": "set_custom_field"},
        {"documents": ["{doc}"], "operation": "delete", "tags": []},
    ],
    ids=["no-documents", "unknown-operation", "no-tags", "no-field", "extra-key"],
)
async def test_a_malformed_bulk_edit_is_a_422(
    client: httpx.AsyncClient, account: Account, stored: StoredDocuments, body: dict[str, Any]
) -> None:
    document_id = await stored.add(account, "Scan")
    body = {**body, "documents": [document_id for _ in body["documents"]]}

    response = await client.post("/api/v1/documents/bulk_edit", json=body, headers=account.headers)

    assert_problem(response, 422)
    assert (await stored.row(document_id)).deleted_at is None
