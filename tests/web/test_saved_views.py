"""Saved views over the API: a named filter + sort + display, counted, shared and
protected like the other objects."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest

from paless_shared.tables import Tag
from tests.conftest import Account
from tests.web.stored import StoredDocuments, running_app


@pytest.fixture(scope="module")
async def api(servers: Any) -> AsyncIterator[httpx.AsyncClient]:
    async with running_app() as client:
        yield client


@pytest.fixture
def stored(db: Any) -> StoredDocuments:
    return StoredDocuments(db)


async def _view(api: httpx.AsyncClient, account: Account, **body: Any) -> dict[str, Any]:
    response = await api.post("/api/v1/saved_views", json=body, headers=account.headers)
    assert response.status_code == 201, response.text
    created: dict[str, Any] = response.json()
    return created


async def test_a_view_counts_the_documents_its_filter_finds(
    api: httpx.AsyncClient, account: Account, stored: StoredDocuments
) -> None:
    invoices = await stored.add_object(account, Tag, "invoices")
    await stored.add(account, "March invoice", "electricity bill", tags=[invoices])
    await stored.add(account, "April invoice", "water bill", tags=[invoices])
    await stored.add(account, "Letter", "electricity letter")

    view = await _view(
        api, account, name="Invoices", filters={"tags_all": [invoices]}, sort="-created"
    )
    assert view["filters"] == {"tags_all": [invoices]}
    assert view["sort"] == "-created" and view["display"] == "table"

    answer = await api.get(f"/api/v1/saved_views/{view['id']}", headers=account.headers)
    assert answer.json()["document_count"] == 2
    listed = await api.get("/api/v1/saved_views?counts=true", headers=account.headers)
    assert [(v["name"], v["document_count"]) for v in listed.json()["items"]] == [("Invoices", 2)]

    await api.patch(
        f"/api/v1/saved_views/{view['id']}",
        json={"filters": {"tags_all": [invoices], "q": "electricity"}, "display": "thumbnails"},
        headers=account.headers,
    )
    changed = (await api.get(f"/api/v1/saved_views/{view['id']}", headers=account.headers)).json()
    assert changed["document_count"] == 1 and changed["display"] == "thumbnails"


@pytest.mark.parametrize(
    ("filters", "problem"),
    [
        ({"tags_al": ["x"]}, "unknown parameter tags_al"),
        ({"tags_all": ["not-an-id"]}, "tags_all"),
        ({"created_after": "yesterday"}, "created_after"),
        ({"status": ["lost"]}, "status"),
        ({"custom_field": ["nonsense"]}, "custom_field"),
    ],
)
async def test_bad_filters_are_refused_by_name(
    api: httpx.AsyncClient, account: Account, filters: dict[str, Any], problem: str
) -> None:
    response = await api.post(
        "/api/v1/saved_views", json={"name": "bad", "filters": filters}, headers=account.headers
    )
    assert response.status_code == 422
    assert response.headers["content-type"] == "application/problem+json"
    assert problem in response.json()["detail"]


async def test_others_see_a_view_only_when_granted_and_change_it_only_with_change(
    api: httpx.AsyncClient, make_account: Any, stored: StoredDocuments
) -> None:
    owner, other = await make_account(), await make_account()
    await stored.add(owner, "Owner's document", "x")
    view = await _view(api, owner, name="Mine", filters={})
    url = f"/api/v1/saved_views/{view['id']}"

    assert (await api.get(url, headers=other.headers)).status_code == 404
    assert (await api.get("/api/v1/saved_views", headers=other.headers)).json()["items"] == []

    grant = {"owner": str(owner.id), "view": {"users": [str(other.id)], "groups": []}}
    grant["change"] = {"users": [], "groups": []}
    assert (
        await api.put(url + "/permissions", json=grant, headers=owner.headers)
    ).status_code == 200
    seen = (await api.get(url, headers=other.headers)).json()
    # The view is shared, the documents are not: the other user sees none of them.
    assert seen["name"] == "Mine" and seen["document_count"] == 0
    assert (await api.patch(url, json={"name": "Theirs"}, headers=other.headers)).status_code == 403
    assert (await api.delete(url, headers=other.headers)).status_code == 403

    assert (await api.delete(url, headers=owner.headers)).status_code == 204
    assert (await api.get(url, headers=owner.headers)).status_code == 404


async def test_sidebar_and_dashboard_flags_filter_the_list(
    api: httpx.AsyncClient, account: Account
) -> None:
    await _view(api, account, name="A", show_in_sidebar=False)
    await _view(api, account, name="B", show_on_dashboard=False)
    sidebar = await api.get("/api/v1/saved_views?sidebar=true", headers=account.headers)
    dashboard = await api.get("/api/v1/saved_views?dashboard=true", headers=account.headers)
    assert [v["name"] for v in sidebar.json()["items"]] == ["B"]
    assert [v["name"] for v in dashboard.json()["items"]] == ["A"]
