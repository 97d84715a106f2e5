"""`make dev` the way the README tells a newcomer to run it, on a machine where nothing
answers where it looks for Postgres and Redis: the embedded servers from PyPI must carry
the whole application, and Ctrl-C must leave nothing behind."""

from __future__ import annotations

import os
import re
import shutil
import signal
import subprocess
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TypeVar

import asyncpg
import httpx
import pytest

from paless_devstack import free_port
from paless_devstack.process import ports_free, run_sync
from paless_devstack.s3 import PORT_SPAN
from tests.pdfs import text_pdf

pytestmark = [pytest.mark.e2e, pytest.mark.timeout(420)]

REPO_ROOT = Path(__file__).resolve().parents[2]
T = TypeVar("T")


@dataclass
class Run:
    """`make dev` in its own process group (as a terminal runs a foreground job), its output
    collected line by line."""

    process: subprocess.Popen[str]
    lines: list[str] = field(default_factory=list)

    def output(self) -> str:
        return "\n".join(self.lines)

    def wait_for_line(self, pattern: str, within: float) -> re.Match[str]:
        deadline = time.monotonic() + within
        while time.monotonic() < deadline:
            for line in list(self.lines):
                if found := re.search(pattern, line):
                    return found
            if self.process.poll() is not None:
                break
            time.sleep(0.2)
        raise AssertionError(f"no line matching {pattern!r}:\n{self.output()[-6000:]}")

    def ctrl_c(self) -> None:
        """What Ctrl-C in the terminal does: SIGINT to the whole foreground process group."""
        os.killpg(self.process.pid, signal.SIGINT)


def start_make_dev(env: dict[str, str]) -> Run:
    process = subprocess.Popen(
        ["make", "dev"],
        cwd=REPO_ROOT,
        env=env,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,
    )
    run = Run(process)

    def pump() -> None:
        assert process.stdout is not None
        for line in process.stdout:
            run.lines.append(line.rstrip("\n"))

    threading.Thread(target=pump, daemon=True).start()
    return run


def process_tree(root: int) -> dict[int, str]:
    """Every descendant of `root` (and root), as pid -> start time, from /proc."""
    children: dict[int, list[int]] = {}
    started: dict[int, str] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        # Fields after the parenthesised command: state, ppid, ..., starttime (field 22).
        fields = stat.rsplit(")", 1)[1].split()
        pid = int(entry.name)
        children.setdefault(int(fields[1]), []).append(pid)
        started[pid] = fields[19]
    tree: dict[int, str] = {}
    pending = [root]
    while pending:
        pid = pending.pop()
        if pid in started:
            tree[pid] = started[pid]
        pending.extend(children.get(pid, []))
    return tree


def still_running(tree: dict[int, str]) -> list[str]:
    alive = []
    for pid, start in tree.items():
        try:
            stat = Path(f"/proc/{pid}/stat").read_text()
        except OSError:
            continue
        command, rest = stat.split(" (", 1)[1].rsplit(")", 1)
        fields = rest.split()
        if fields[19] == start and fields[0] != "Z":
            alive.append(f"{pid} {command}")
    return alive


def eventually(probe: Callable[[], T], done: Callable[[T], bool], within: float, run: Run) -> T:
    deadline = time.monotonic() + within
    while True:
        value = probe()
        if done(value):
            return value
        if time.monotonic() > deadline or run.process.poll() is not None:
            raise AssertionError(f"still {value!r} after {within}s:\n{run.output()[-6000:]}")
        time.sleep(0.3)


@pytest.fixture
def newcomer_env(tmp_path: Path) -> Iterator[dict[str, str]]:
    """A shell with no PALESS_* settings, uv on PATH, and the places make dev looks for
    Postgres and Redis pointing at ports where nothing answers. The ports of what it
    starts are free ones, so the test runs beside a developer's own `make dev`."""
    env = {key: value for key, value in os.environ.items() if not key.startswith("PALESS_")}
    uv = os.environ.get("UV") or shutil.which("uv")
    assert uv, "uv is needed on PATH (make uv)"
    env["PATH"] = f"{Path(uv).parent}:{env.get('PATH', '')}"
    env.update(
        {
            "PALESS_DEV_POSTGRES_URL": f"postgresql://postgres@127.0.0.1:{free_port()}/postgres",
            "PALESS_DEV_REDIS_URL": f"redis://127.0.0.1:{free_port()}/0",
            "PALESS_DEV_STATE_DIR": str(tmp_path / "dev"),
            "PALESS_DEV_POSTGRES_PORT": str(free_port()),
            "PALESS_DEV_REDIS_PORT": str(free_port()),
            "PALESS_DEV_S3_PORT": str(free_port(span=PORT_SPAN)),
            "PALESS_WEB_PORT": str(free_port()),
            "PALESS_WORKER_METRICS_PORT": "0",
            "PALESS_SCHEDULER_METRICS_PORT": "0",
            "PALESS_WORKER_HEARTBEAT_FILE": str(tmp_path / "worker.heartbeat"),
            "PALESS_SCHEDULER_HEARTBEAT_FILE": str(tmp_path / "scheduler.heartbeat"),
            "NO_COLOR": "1",
        }
    )
    yield env


async def database_facts(url: str) -> dict[str, object]:
    connection = await asyncpg.connect(url)
    try:
        return {
            "version": await connection.fetchval("SHOW server_version_num"),
            "installed": {r[0] for r in await connection.fetch("SELECT extname FROM pg_extension")},
            "available": {
                r[0] for r in await connection.fetch("SELECT name FROM pg_available_extensions")
            },
            "compression": {
                r[0]: r[1]
                for r in await connection.fetch(
                    "SELECT attname, attcompression FROM pg_attribute "
                    "WHERE attrelid = 'documents'::regclass "
                    "AND attname IN ('content', 'search_vector')"
                )
            },
        }
    finally:
        await connection.close()


def test_make_dev_runs_paless_on_embedded_servers_and_ctrl_c_stops_them_all(
    newcomer_env: dict[str, str],
) -> None:
    env = newcomer_env
    ports = {
        "postgres": int(env["PALESS_DEV_POSTGRES_PORT"]),
        "redis": int(env["PALESS_DEV_REDIS_PORT"]),
        "web": int(env["PALESS_WEB_PORT"]),
    }
    s3_port = int(env["PALESS_DEV_S3_PORT"])
    base = f"http://127.0.0.1:{ports['web']}"
    run = start_make_dev(env)
    tree: dict[int, str] = {}
    try:
        password = run.wait_for_line(r"Admin +username admin +password (\S+)", within=240)[1]
        output = run.output()
        assert f"postgres: started postgresql://postgres@127.0.0.1:{ports['postgres']}/" in output
        assert f"redis: started redis://127.0.0.1:{ports['redis']}/0" in output
        assert f"seaweedfs: S3 answering on http://127.0.0.1:{s3_port}" in output

        # The schema on the embedded server: pg_trgm installed, pglz kept (no lz4 there),
        # and what later search work needs is on offer.
        facts = run_sync(
            lambda: database_facts(f"postgresql://postgres@127.0.0.1:{ports['postgres']}/paless")
        )
        assert int(str(facts["version"])) >= 180000
        assert "pg_trgm" in facts["installed"]  # type: ignore[operator]
        assert {"btree_gist", "unaccent", "vector"} <= facts["available"]  # type: ignore[operator]
        assert facts["compression"] == {"content": b"\x00", "search_vector": b"\x00"}

        with httpx.Client(base_url=f"{base}/api/v1", timeout=30) as api:
            token = api.post("/auth/token", data={"username": "admin", "password": password})
            assert token.status_code == 200, token.text
            api.headers["Authorization"] = f"Bearer {token.json()['access_token']}"

            pdf = text_pdf("Quarterly report about the wombatfjord expedition")
            created = api.post("/documents", files={"file": ("report.pdf", pdf, "application/pdf")})
            assert created.status_code == 202, created.text
            document_id = created.json()["id"]

            document = eventually(
                lambda: api.get(f"/documents/{document_id}").json(),
                lambda body: body["status"] in ("ready", "failed"),
                within=90,
                run=run,
            )
            assert document["status"] == "ready", document
            assert "wombatfjord" in document["content"]

            found = api.get("/documents", params={"q": "wombatfjord"})
            assert found.status_code == 200, found.text
            assert [item["id"] for item in found.json()["items"]] == [document_id]

            signed = api.get(f"/documents/{document_id}/download", params={"redirect": "false"})
            assert signed.status_code == 200, signed.text
            downloaded = httpx.get(signed.json()["url"], timeout=30)
            assert downloaded.status_code == 200
            assert downloaded.content == pdf

        tree = process_tree(run.process.pid)
        names = {Path(line.split(" ", 1)[1]).name for line in still_running(tree)}
        assert {"postgres", "redis-server", "weed"} <= names, names

        run.ctrl_c()
        code = run.process.wait(timeout=90)
    finally:
        if run.process.poll() is None:
            run.ctrl_c()
            try:
                run.process.wait(timeout=60)
            except subprocess.TimeoutExpired:
                os.killpg(run.process.pid, signal.SIGKILL)
                run.process.wait()

    output = run.output()
    assert "SIGINT received; stopping" in output, output[-4000:]
    assert "already stopping" not in output  # one Ctrl-C, even if uv forwards it too
    assert "Traceback" not in output, output[-6000:]
    # make re-raises the SIGINT it got (-2); the runner under it finished its cleanup first.
    assert code in (0, -signal.SIGINT, 128 + signal.SIGINT, 130), (code, output[-4000:])
    leftovers = still_running(tree)
    assert leftovers == [], leftovers
    for name, port in ports.items():
        assert ports_free(port), f"{name} still holds port {port}"
    assert ports_free(s3_port, PORT_SPAN), "seaweedfs still holds its ports"
