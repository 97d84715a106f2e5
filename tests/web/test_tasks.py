"""The tasks API: every piece of background work has a row in Postgres saying what it is
for and how it went; owners see their own, admins see everyone's."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

import httpx
import pytest
from arq import ArqRedis
from sqlalchemy import delete, select

from paless_shared.platform import jobs
from paless_shared.tables import Task
from tests.conftest import Account, upload
from tests.pdfs import corrupt_pdf, text_pdf
from tests.web.stored import StoredDocuments
from tests.web.support import assert_problem


async def uploaded(
    client: httpx.AsyncClient, account: Account, content: bytes | None = None
) -> str:
    response = await upload(client, account, content or text_pdf("page"), "doc.pdf")
    assert response.status_code == 202, response.text
    document_id: str = response.json()["id"]
    return document_id


async def list_tasks(
    client: httpx.AsyncClient, account: Account, **params: Any
) -> list[dict[str, Any]]:
    response = await client.get("/api/v1/tasks", params=params, headers=account.headers)
    assert response.status_code == 200, response.text
    items: list[dict[str, Any]] = response.json()["items"]
    return items


async def only_task(
    client: httpx.AsyncClient, account: Account, document_id: str
) -> dict[str, Any]:
    items = await list_tasks(client, account, document_id=document_id)
    assert len(items) == 1, items
    return items[0]


def ids(items: list[dict[str, Any]]) -> set[str]:
    return {item["id"] for item in items}


# The life of an ingest task --------------------------------------------------------


async def test_an_upload_creates_a_queued_ingest_task_for_its_document(
    client: httpx.AsyncClient, account: Account
) -> None:
    document_id = await uploaded(client, account)

    items = await list_tasks(client, account)

    assert len(items) == 1, items
    task = items[0]
    assert task["kind"] == "ingest"
    assert task["status"] == "queued"
    assert task["document_id"] == document_id
    assert task["attempts"] == 0
    assert task["worker_id"] is None
    assert task["started_at"] is None and task["finished_at"] is None
    assert task["last_error"] is None and task["result"] is None
    one = await client.get(f"/api/v1/tasks/{task['id']}", headers=account.headers)
    assert one.status_code == 200
    assert one.json() == task


async def test_after_the_worker_ran_the_ingest_task_succeeded_once_with_its_times(
    client: httpx.AsyncClient, account: Account, run_worker: Any
) -> None:
    document_id = await uploaded(client, account)
    queued = await only_task(client, account, document_id)

    await run_worker()

    task = await only_task(client, account, document_id)
    assert task["id"] == queued["id"]
    assert task["status"] == "succeeded"
    assert task["attempts"] == 1
    assert task["worker_id"]
    assert task["last_error"] is None
    assert task["result"]["document"] == "ready"
    enqueued = datetime.fromisoformat(task["enqueued_at"])
    started = datetime.fromisoformat(task["started_at"])
    finished = datetime.fromisoformat(task["finished_at"])
    assert enqueued <= started <= finished


async def test_a_corrupt_pdfs_task_fails_with_the_documents_failure_reason(
    client: httpx.AsyncClient, account: Account, run_worker: Any
) -> None:
    document_id = await uploaded(client, account, corrupt_pdf())

    await run_worker()

    document = (
        await client.get(f"/api/v1/documents/{document_id}", headers=account.headers)
    ).json()
    assert document["status"] == "failed"
    assert document["failure_reason"]
    task = await only_task(client, account, document_id)
    assert task["status"] == "failed"
    assert task["attempts"] == 1
    assert task["last_error"] == document["failure_reason"]
    assert task["finished_at"] is not None


# Filters and pages ---------------------------------------------------------------


async def test_tasks_can_be_filtered_by_status_kind_and_document(
    client: httpx.AsyncClient, account: Account, run_worker: Any
) -> None:
    good = await uploaded(client, account, text_pdf("good"))
    bad = await uploaded(client, account, corrupt_pdf())
    trashed = await uploaded(client, account, text_pdf("to purge"))
    await run_worker()
    waiting = await uploaded(client, account, text_pdf("waiting"))
    await client.delete(f"/api/v1/documents/{trashed}", headers=account.headers)
    purge = await client.delete(f"/api/v1/trash/{trashed}", headers=account.headers)
    assert purge.status_code == 204
    everything = await list_tasks(client, account)
    assert len(everything) == 5  # four ingests and the purge's delete_objects

    succeeded = await list_tasks(client, account, status="succeeded")
    failed = await list_tasks(client, account, status="failed")
    queued = await list_tasks(client, account, status="queued")
    ingests = await list_tasks(client, account, kind="ingest")
    deletions = await list_tasks(client, account, kind="delete_objects")
    of_bad = await list_tasks(client, account, document_id=bad)
    queued_ingests = await list_tasks(client, account, status="queued", kind="ingest")

    # The purged document's ingest task outlives its document (document_id set null).
    assert {t["document_id"] for t in succeeded} == {good, None}
    assert all(t["status"] == "succeeded" for t in succeeded)
    assert [t["document_id"] for t in failed] == [bad]
    assert {(t["kind"], t["document_id"]) for t in queued} == {
        ("ingest", waiting),
        ("delete_objects", None),
    }
    assert len(ingests) == 4 and all(t["kind"] == "ingest" for t in ingests)
    assert [t["kind"] for t in deletions] == ["delete_objects"]
    assert [t["id"] for t in of_bad] == [t["id"] for t in failed]
    assert [t["document_id"] for t in queued_ingests] == [waiting]
    assert await list_tasks(client, account, document_id=str(uuid.uuid4())) == []
    assert await list_tasks(client, account, kind="no_such_kind") == []


async def test_an_unknown_status_filter_is_a_422_problem(
    client: httpx.AsyncClient, account: Account
) -> None:
    response = await client.get(
        "/api/v1/tasks", params={"status": "exploded"}, headers=account.headers
    )

    problem = assert_problem(response, 422)
    assert [error["field"] for error in problem["errors"]] == ["query.status"]


async def test_cursor_pagination_walks_every_task_once_newest_first(
    client: httpx.AsyncClient, account: Account
) -> None:
    documents = [await uploaded(client, account, text_pdf(f"doc {n}")) for n in range(5)]
    pages: list[list[str]] = []
    cursor = None

    while True:
        params: dict[str, Any] = {"limit": 2, **({"cursor": cursor} if cursor else {})}
        response = await client.get("/api/v1/tasks", params=params, headers=account.headers)
        assert response.status_code == 200, response.text
        page = response.json()
        pages.append([item["document_id"] for item in page["items"]])
        cursor = page["next_cursor"]
        if cursor is None:
            break
        assert len(pages) < 10, "pagination does not end"

    assert [len(page) for page in pages] == [2, 2, 1]
    assert [d for page in pages for d in page] == list(reversed(documents))


async def test_an_invalid_task_cursor_is_a_422_problem(
    client: httpx.AsyncClient, account: Account
) -> None:
    response = await client.get(
        "/api/v1/tasks", params={"cursor": "not a cursor!"}, headers=account.headers
    )

    assert_problem(response, 422)


# Who sees what -------------------------------------------------------------------


async def test_another_users_task_is_404_and_absent_from_their_list(
    client: httpx.AsyncClient, make_account: Any
) -> None:
    owner, intruder = await make_account(), await make_account()
    document_id = await uploaded(client, owner)
    task = await only_task(client, owner, document_id)
    missing_id = str(uuid.uuid4())

    theirs = await client.get(f"/api/v1/tasks/{task['id']}", headers=intruder.headers)
    missing = await client.get(f"/api/v1/tasks/{missing_id}", headers=intruder.headers)

    problem = assert_problem(theirs, 404)
    assert problem["detail"].replace(task["id"], "ID") == missing.json()["detail"].replace(
        missing_id, "ID"
    )
    assert await list_tasks(client, intruder) == []
    assert await list_tasks(client, intruder, document_id=document_id) == []
    owners_view = await client.get(f"/api/v1/tasks/{task['id']}", headers=owner.headers)
    assert owners_view.status_code == 200


async def test_an_admin_sees_every_users_tasks(
    client: httpx.AsyncClient, make_account: Any
) -> None:
    alice, bob = await make_account(), await make_account()
    admin = await make_account(admin=True)
    alices = await only_task(client, alice, await uploaded(client, alice))
    bobs = await only_task(client, bob, await uploaded(client, bob))

    listed = await list_tasks(client, admin)
    one = await client.get(f"/api/v1/tasks/{alices['id']}", headers=admin.headers)

    assert ids(listed) == {alices["id"], bobs["id"]}
    assert one.status_code == 200
    assert one.json()["document_id"] == alices["document_id"]
    assert ids(await list_tasks(client, alice)) == {alices["id"]}


async def test_a_periodic_job_gets_a_task_row_with_no_owner_that_only_admins_see(
    client: httpx.AsyncClient,
    make_account: Any,
    queue: ArqRedis,
    run_worker: Any,
    db: Any,
) -> None:
    user, admin = await make_account(), await make_account(admin=True)
    slot = "1800000000"
    job = await queue.enqueue_job(jobs.PRUNE_TASKS, slot, _job_id=f"prune_tasks:{slot}")
    assert job is not None

    await run_worker()

    async with db() as session:
        rows = list(await session.scalars(select(Task).where(Task.kind == jobs.PRUNE_TASKS)))
    assert len(rows) == 1
    row = rows[0]
    assert (row.owner_id, row.document_id) == (None, None)
    assert row.job_id == f"prune_tasks:{slot}"
    assert row.args == [slot]
    assert row.status == "succeeded"
    assert row.result == {"pruned": 0}
    admins_view = await list_tasks(client, admin, kind=jobs.PRUNE_TASKS)
    assert [t["id"] for t in admins_view] == [str(row.id)]
    assert admins_view[0]["attempts"] == 1
    assert admins_view[0]["result"] == {"pruned": 0}
    assert await list_tasks(client, user) == []
    hidden = await client.get(f"/api/v1/tasks/{row.id}", headers=user.headers)
    assert_problem(hidden, 404)


@pytest.mark.parametrize(
    "path", ["/api/v1/tasks", "/api/v1/tasks/5f0c6a8e-2b7d-4c41-9d3e-0a1b2c3d4e5f"]
)
async def test_tasks_need_a_token(client: httpx.AsyncClient, path: str) -> None:
    response = await client.get(path)

    assert_problem(response, 401)


async def test_an_ingest_job_sent_without_a_task_row_gets_one_owned_by_its_documents_owner(
    client: httpx.AsyncClient, make_account: Any, queue: ArqRedis, run_worker: Any, db: Any
) -> None:
    """E.g. a job sent by hand, or by a release that wrote no task rows."""
    owner, other = await make_account(), await make_account()
    document_id = await uploaded(client, owner)
    await queue.flushdb()
    async with db() as session:
        await session.execute(delete(Task))
        await session.commit()
    await queue.enqueue_job(jobs.INGEST, document_id, _job_id="by-hand")

    await run_worker()

    task = await only_task(client, owner, document_id)
    assert task["kind"] == "ingest"
    assert task["status"] == "succeeded"
    assert task["attempts"] == 1
    assert task["result"]["document"] == "ready"
    assert await list_tasks(client, other) == []


async def test_a_documents_tasks_follow_who_may_see_the_document_now(
    client: httpx.AsyncClient, make_account: Any, db: Any
) -> None:
    owner, changer, heir = await make_account(), await make_account(), await make_account()
    document_id = await StoredDocuments(db).add(owner, "Scan")
    permissions = f"/api/v1/documents/{document_id}/permissions"
    granted = await client.put(
        permissions,
        headers=owner.headers,
        json={
            "owner": str(owner.id),
            "view": {"users": [], "groups": []},
            "change": {"users": [str(changer.id)], "groups": []},
        },
    )
    assert granted.status_code == 200, granted.text

    # Someone granted change reprocesses: the API tells them to follow the task.
    reprocessed = await client.post(
        f"/api/v1/documents/{document_id}/reprocess", headers=changer.headers
    )
    assert reprocessed.status_code == 202, reprocessed.text
    task = await only_task(client, changer, document_id)
    assert (
        await client.get(f"/api/v1/tasks/{task['id']}", headers=changer.headers)
    ).status_code == 200
    assert ids(await list_tasks(client, owner)) == {task["id"]}

    # The document changes hands, with no grant left for its former owner.
    transferred = await client.put(
        permissions,
        headers=owner.headers,
        json={
            "owner": str(heir.id),
            "view": {"users": [], "groups": []},
            "change": {"users": [], "groups": []},
        },
    )
    assert transferred.status_code == 200, transferred.text

    assert_problem(await client.get(f"/api/v1/tasks/{task['id']}", headers=owner.headers), 404)
    assert await list_tasks(client, owner) == []
    assert await list_tasks(client, changer) == []
    assert ids(await list_tasks(client, heir, document_id=document_id)) == {task["id"]}
