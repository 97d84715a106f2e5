"""The generated Python client (clients/python, paless_client) and the command-line
client built on it (paless-cli), against web and worker running as real processes."""

from __future__ import annotations

import asyncio
import io
import json
import os
import stat
import subprocess
import time
import uuid
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from paless_client import AuthenticatedClient, Client
from paless_client.api.auth import auth_token
from paless_client.api.documents import (
    documents_download,
    documents_get,
    documents_list,
    documents_upload,
)
from paless_client.models import (
    AuthTokenJsonTokenRequest,
    Document,
    DocumentPage,
    DocumentsUploadDocumentUpload,
    Problem,
    SearchHit,
    SignedUrl,
    Token,
)
from paless_client.types import File
from paless_devstack import free_port
from tests.conftest import Account
from tests.e2e.processes import Service, Services, script, service_env, wait_until_ready
from tests.pdfs import text_pdf
from tests.worker import scans

pytestmark = pytest.mark.e2e


class Stack:
    def __init__(self, base_url: str, services: list[Service]) -> None:
        self.base_url = base_url
        self.services = services

    def assert_running(self) -> None:
        for service in self.services:
            service.assert_running()


@pytest.fixture(scope="module")
async def stack(servers: Any, tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[Stack]:
    """web and worker as processes, started once for this module's tests."""
    folder = tmp_path_factory.mktemp("client-stack")
    running = Services(folder)
    port = free_port()
    env = service_env(folder, PALESS_WEB_PORT=str(port))
    try:
        web = running.start("paless-web", env=env)
        workers = running.start_workers(env)
        await wait_until_ready(f"http://127.0.0.1:{port}", web)
        yield Stack(f"http://127.0.0.1:{port}", [web, *workers])
    finally:
        running.kill_all()


async def until_processed(client: AuthenticatedClient, document_id: uuid.UUID) -> Document:
    deadline = time.monotonic() + 30
    while True:
        document = await documents_get.asyncio(document_id, client=client)
        assert isinstance(document, Document), document
        if document.status in ("ready", "failed"):
            return document
        assert time.monotonic() < deadline, f"still {document.status} after 30 s"
        await asyncio.sleep(0.2)


async def logged_in(stack: Stack, account: Account) -> AuthenticatedClient:
    async with Client(base_url=stack.base_url) as anonymous:
        token = await auth_token.asyncio(
            client=anonymous,
            body=AuthTokenJsonTokenRequest(username=account.username, password=account.password),
        )
    assert isinstance(token, Token), token
    assert token.token_type == "bearer"
    return AuthenticatedClient(base_url=stack.base_url, token=token.access_token, timeout=None)


async def uploaded(client: AuthenticatedClient, content: bytes, title: str) -> Document:
    body = DocumentsUploadDocumentUpload(
        file=File(payload=io.BytesIO(content), file_name="client.pdf", mime_type="application/pdf"),
        title=title,
    )
    response = await documents_upload.asyncio_detailed(client=client, body=body)
    assert response.status_code == 202, response.content
    assert isinstance(response.parsed, Document)
    return response.parsed


async def test_generated_client_uploads_lists_and_downloads(stack: Stack, account: Account) -> None:
    content = text_pdf("Generated client", "second page", title="Client")
    async with await logged_in(stack, account) as client:
        created = await uploaded(client, content, "From the generated client")
        assert created.status == "pending"

        document = await until_processed(client, created.id)
        assert document.status == "ready", document.failure_reason
        assert document.page_count == 2
        assert document.content is not None and "Generated client" in document.content

        page = await documents_list.asyncio(client=client, limit=10)
        assert isinstance(page, DocumentPage), page
        assert [item.id for item in page.items] == [created.id]
        assert page.next_cursor is None

        signed = await documents_download.asyncio(created.id, client=client, redirect=False)
        assert isinstance(signed, SignedUrl), signed
        async with httpx.AsyncClient(timeout=30) as storage:
            fetched = await storage.get(signed.url)
        assert fetched.status_code == 200
        assert fetched.content == content

        missing = await documents_get.asyncio_detailed(uuid.uuid4(), client=client)
        assert missing.status_code == 404
        assert isinstance(missing.parsed, Problem)
        assert "not found" in missing.parsed.detail
    stack.assert_running()


async def test_generated_client_finds_a_document_by_its_text(
    stack: Stack, account: Account
) -> None:
    word = f"zebra{uuid.uuid4().hex[:8]}"
    async with await logged_in(stack, account) as client:
        wanted = await uploaded(client, text_pdf(f"the {word} invoice"), "Wanted")
        other = await uploaded(client, text_pdf("nothing to see here"), "Other")
        for document in (wanted, other):
            assert (await until_processed(client, document.id)).status == "ready"

        page = await documents_list.asyncio(client=client, q=word)
        assert isinstance(page, DocumentPage), page
        assert [item.id for item in page.items] == [wanted.id]
        hit = page.items[0].search
        assert isinstance(hit, SearchHit) and hit.score > 0
        assert isinstance(hit.snippet, str) and f"<mark>{word}</mark>" in hit.snippet


# The command-line client -------------------------------------------------------------


def cli(
    *args: str, env: dict[str, str], stdin: str | None = None
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [script("paless-cli"), "--quiet", *args],
        env=env,
        input=stdin,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


@pytest.fixture
def cli_env(tmp_path: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in ("PALESS_URL", "PALESS_TOKEN")}
    env["PALESS_CLI_CONFIG"] = str(tmp_path / "config" / "cli.json")
    return env


def test_cli_logs_in_uploads_lists_shows_and_downloads(
    stack: Stack, account: Account, cli_env: dict[str, str], tmp_path: Path
) -> None:
    source = tmp_path / "quarterly report.pdf"
    content = text_pdf("Quarterly report", "figures", "outlook")
    source.write_bytes(content)

    def run(*args: str, stdin: str | None = None) -> subprocess.CompletedProcess[str]:
        done = cli(*args, env=cli_env, stdin=stdin)
        assert done.returncode == 0, f"{args}: {done.returncode}\n{done.stdout}\n{done.stderr}"
        return done

    run(
        "login",
        "--url",
        stack.base_url,
        "--username",
        account.username,
        "--password-stdin",
        stdin=account.password + "\n",
    )
    config = Path(cli_env["PALESS_CLI_CONFIG"])
    assert stat.S_IMODE(config.stat().st_mode) == 0o600
    assert json.loads(config.read_text())["url"] == stack.base_url

    uploaded_line = run("upload", str(source), "--tag", "reports", "--tag", "2026", "--wait").stdout
    document_id, status, name = uploaded_line.strip().split("\t")
    assert (status, name) == ("ready", str(source))

    listed = run("ls").stdout.splitlines()
    assert listed[0].split() == ["ID", "TITLE", "STATUS", "PAGES", "SIZE", "ADDED"]
    assert len(listed) == 2 and listed[1].startswith(f"{document_id}  quarterly report  ready")

    shown = json.loads(run("get", document_id, "--json").stdout)
    assert (shown["status"], shown["page_count"]) == ("ready", 3)
    assert shown["original_filename"] == "quarterly report.pdf"
    assert len(shown["tags"]) == 2
    details = run("get", document_id).stdout
    assert "2026, reports" in details

    found = json.loads(run("search", "outlook", "--json").stdout)
    assert [item["id"] for item in found["items"]] == [document_id]
    assert "<mark>outlook</mark>" in found["items"][0]["search"]["snippet"]

    target = tmp_path / "downloads"
    target.mkdir()
    saved = run("download", document_id, "-o", str(target)).stdout
    assert saved.strip() == str(target / "quarterly report.pdf")
    assert (target / "quarterly report.pdf").read_bytes() == content
    stack.assert_running()


def test_cli_prints_the_problem_detail_and_exits_1(
    stack: Stack, account: Account, cli_env: dict[str, str]
) -> None:
    cli_env.update(PALESS_URL=stack.base_url, PALESS_TOKEN=account.headers["Authorization"][7:])
    missing = uuid.uuid4()

    done = cli("get", str(missing), env=cli_env)
    assert done.returncode == 1
    assert done.stdout == ""
    assert f"Not found: document {missing} not found" in done.stderr

    cli_env["PALESS_TOKEN"] = "not-a-token"
    done = cli("ls", env=cli_env)
    assert done.returncode == 1
    assert "the token is invalid or has expired" in done.stderr

    done = cli("get", "not-a-uuid", env=cli_env)
    assert done.returncode == 2
    assert "invalid UUID value" in done.stderr


def test_cli_refuses_a_file_storage_will_not_take(
    stack: Stack, account: Account, cli_env: dict[str, str], tmp_path: Path
) -> None:
    cli_env.update(PALESS_URL=stack.base_url, PALESS_TOKEN=account.headers["Authorization"][7:])
    not_a_pdf = tmp_path / "notes.pdf"
    not_a_pdf.write_bytes(b"just some text, no PDF header\n" * 10)

    done = cli("upload", str(not_a_pdf), env=cli_env)
    assert done.returncode == 1
    assert "Unsupported media type: the file is not of an accepted type" in done.stderr
    assert "image/jpeg" in done.stderr, done.stderr
    assert done.stdout == ""


def test_cli_uploads_a_photo_that_the_ocr_worker_reads(
    stack: Stack, account: Account, cli_env: dict[str, str], tmp_path: Path
) -> None:
    cli_env.update(PALESS_URL=stack.base_url, PALESS_TOKEN=account.headers["Authorization"][7:])
    photo = tmp_path / "receipt.png"
    photo.write_bytes(scans.encoded(scans.page_image("Receipt for lemonade"), "PNG"))

    done = cli("upload", str(photo), "--ocr", "force", "--languages", "eng", "--wait", env=cli_env)
    assert done.returncode == 0, done.stderr
    document_id, status, _ = done.stdout.strip().split("\t")
    assert status == "ready"
    shown = json.loads(cli("get", document_id, "--json", env=cli_env).stdout)
    assert "lemonade" in shown["content"].lower()
    assert shown["mime_type"] == "image/png"
