"""Every Postgres connection of paless is terminated, again and again, while a real
`paless-web` process serves authenticated traffic. Requests caught mid-query may fail
(503, as problem+json); everything after succeeds, and the process recovers on its
own (pool pre-ping), without a restart.

The traffic runs once, in a module fixture; the tests read what it recorded."""

from __future__ import annotations

import asyncio
import time
from collections import Counter
from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Any

import httpx
import pytest
from arq import ArqRedis
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from paless_devstack import free_port
from tests.conftest import upload
from tests.e2e.processes import wait_until_ready
from tests.faults.conftest import Processes, fresh_state, in_process_web, new_account
from tests.pdfs import text_pdf

pytestmark = pytest.mark.faults

CLIENTS = 4
MIN_KILLS, MAX_KILLS = 3, 10
# Kill until at least this many requests were caught mid-query (so the tests below
# have failures to look at), within MAX_KILLS.
CAUGHT = 2

TERMINATE = text(
    "SELECT count(*) FILTER (WHERE pg_terminate_backend(pid)) FROM pg_stat_activity "
    "WHERE datname = current_database() AND pid <> pg_backend_pid() "
    "AND backend_type = 'client backend'"
)


@dataclass(frozen=True)
class Answer:
    at: float
    client: int
    status: int  # 0: no HTTP answer at all (connection closed or reset)
    content_type: str
    body: str


@dataclass(frozen=True)
class Run:
    answers: list[Answer]
    terminated: list[int]
    last_kill: float
    after: list[int]
    ready: int
    web_alive: bool
    web_log: str

    @property
    def failed(self) -> list[Answer]:
        return [answer for answer in self.answers if answer.status != 200]


async def terminate_connections(db: async_sessionmaker[AsyncSession]) -> int:
    async with db() as session:
        killed = int((await session.execute(TERMINATE)).scalar_one())
        await session.commit()
    return killed


@pytest.fixture(scope="module")
async def run(
    servers: Any,
    db: async_sessionmaker[AsyncSession],
    queue: ArqRedis,
    tmp_path_factory: pytest.TempPathFactory,
) -> AsyncIterator[Run]:
    await fresh_state(db, queue)
    account = await new_account(db)
    async with in_process_web() as client:
        response = await upload(client, account, text_pdf("Read while connections drop"))
    assert response.status_code == 202, response.text
    document_id = response.json()["id"]
    paths = [f"/api/v1/documents/{document_id}", "/api/v1/documents"]

    processes = Processes(tmp_path_factory.mktemp("database-kill"))
    try:
        port = free_port()
        base_url = f"http://127.0.0.1:{port}"
        web = processes.start("paless-web", processes.env("web", PALESS_WEB_PORT=str(port)))
        await wait_until_ready(base_url, web)
        answers: list[Answer] = []
        stop = asyncio.Event()

        async def traffic(http: httpx.AsyncClient, client: int) -> None:
            path = paths[client % len(paths)]
            while not stop.is_set():
                try:
                    response = await http.get(path, headers=account.headers)
                except httpx.TransportError as exc:
                    answers.append(Answer(time.monotonic(), client, 0, "", repr(exc)))
                    continue
                answers.append(
                    Answer(
                        time.monotonic(),
                        client,
                        response.status_code,
                        response.headers.get("content-type", ""),
                        response.text[:500],
                    )
                )

        async def until_answers(count: int, within: float = 30) -> None:
            deadline = time.monotonic() + within
            while len(answers) < count:
                web.assert_running()
                assert time.monotonic() < deadline, f"{len(answers)} answers\n{web.log()}"
                await asyncio.sleep(0.05)

        # One connection per client, kept alive between requests, as a browser or an
        # API client library does.
        async with httpx.AsyncClient(base_url=base_url, timeout=10) as http:
            loops = [asyncio.create_task(traffic(http, n)) for n in range(CLIENTS)]
            try:
                await until_answers(20)  # every pooled connection has been used
                terminated: list[int] = []
                while len(terminated) < MIN_KILLS or (
                    len(terminated) < MAX_KILLS
                    and sum(1 for a in answers if a.status != 200) < CAUGHT
                ):
                    terminated.append(await terminate_connections(db))
                    await asyncio.sleep(0.4)
                last_kill = time.monotonic()
                await until_answers(len(answers) + 20)
            finally:
                stop.set()
                await asyncio.gather(*loops)
            after = [
                (await http.get(path, headers=account.headers)).status_code for path in paths * 10
            ]
            ready = (await http.get("/readyz")).status_code
        web_alive = web.process.poll() is None
        yield Run(answers, terminated, last_kill, after, ready, web_alive, web.log())
    finally:
        processes.kill_all()


async def test_paless_web_recovers_by_itself_after_its_connections_are_killed(run: Run) -> None:
    statuses = Counter(answer.status for answer in run.answers)
    print(
        f"\n[faults] Postgres connections killed under traffic: faults injected "
        f"{len(run.terminated)} (backends terminated {run.terminated}), requests "
        f"{len(run.answers)}, failed requests {len(run.failed)} "
        f"(by status, 0 = no answer: {dict(sorted(statuses.items()))}), failed after the "
        f"last kill {sum(1 for a in run.failed if a.at > run.last_kill)}"
    )
    assert sum(run.terminated) >= len(run.terminated), "no connection was there to terminate"
    # Whatever failed, failed as "try again" (or, see below, without an answer): never
    # as a server error.
    for answer in run.failed:
        assert answer.status in (0, 503), answer
        if answer.status == 503:
            assert answer.content_type.startswith("application/problem+json"), answer
            assert "the database is unavailable" in answer.body, answer
    assert len(run.failed) <= len(run.terminated) * CLIENTS * 2
    # The same process (never restarted) answers everything afterwards, and is ready.
    assert run.web_alive
    assert run.after == [200] * len(run.after)
    assert run.ready == 200


async def test_every_request_caught_by_the_kill_gets_an_answer(run: Run) -> None:
    caught = [answer for answer in run.failed if answer.status == 503]
    unanswered = [answer for answer in run.failed if answer.status == 0]
    print(
        f"\n[faults] 503 answers {len(caught)}, requests left without any answer "
        f"{len(unanswered)} (each right after a 503 on the same connection: "
        f"{_each_follows_a_503(run)})"
    )
    assert caught, "no request was caught by the kills: nothing to check"
    assert "Exception in ASGI application" not in run.web_log
    assert unanswered == []


def _each_follows_a_503(run: Run) -> bool:
    previous: dict[int, int] = {}
    follows = True
    for answer in run.answers:
        if answer.status == 0 and previous.get(answer.client) != 503:
            follows = False
        previous[answer.client] = answer.status
    return follows
