"""The API calls the CLI makes, through the generated client (paless_client).

Every answer that is not the documented success becomes an `ApiError` carrying the
problem+json `title` and `detail`, which the command line prints as they are.
"""

from __future__ import annotations

import json
import time
import uuid
from http import HTTPStatus
from typing import Any, TypeVar

import httpx

from paless_cli.config import Credentials
from paless_client import AuthenticatedClient, Client
from paless_client.api.auth import auth_token
from paless_client.api.documents import (
    documents_download,
    documents_get,
    documents_list,
    documents_update,
)
from paless_client.api.tags import tags_create, tags_get, tags_list
from paless_client.api.uploads import uploads_complete, uploads_create
from paless_client.models import (
    AuthTokenDataTokenRequest,
    DirectUpload,
    Document,
    DocumentPage,
    DocumentUpdate,
    OcrRequest,
    SignedUrl,
    Tag,
    TagCreate,
    TagPage,
    Token,
    UploadRequest,
)
from paless_client.types import Response

T = TypeVar("T")

DEFAULT_TIMEOUT = httpx.Timeout(30.0, connect=10.0)
FINAL_STATUSES = ("ready", "failed")


class ApiError(Exception):
    """An error answer, told as the API told it (RFC 9457 title and detail)."""

    def __init__(self, status: int, title: str, detail: str) -> None:
        super().__init__(f"{title}: {detail}")
        self.status = status
        self.title = title
        self.detail = detail


def error_from(status: int, content: bytes) -> ApiError:
    """The problem+json body's title and detail; the status and a bit of the body for
    anything else (a proxy's HTML page, say)."""
    try:
        phrase = HTTPStatus(status).phrase
    except ValueError:
        phrase = "Error"
    try:
        body = json.loads(content)
    except ValueError:
        body = None
    if isinstance(body, dict) and isinstance(body.get("detail"), str):
        return ApiError(status, str(body.get("title") or phrase), body["detail"])
    text = content.decode(errors="replace").strip()
    return ApiError(status, phrase, text[:300] or f"HTTP {status}")


def expect(response: Response[Any], kind: type[T]) -> T:
    """The parsed success answer, or the error the API gave instead."""
    if 200 <= response.status_code < 300 and isinstance(response.parsed, kind):
        return response.parsed
    raise error_from(response.status_code, response.content)


def login(url: str, username: str, password: str) -> Token:
    with Client(base_url=url, timeout=DEFAULT_TIMEOUT) as client:
        body = AuthTokenDataTokenRequest(username=username, password=password)
        return expect(auth_token.sync_detailed(client=client, body=body), Token)


class Api:
    """One authenticated HTTP connection pool to one paless server."""

    def __init__(self, credentials: Credentials) -> None:
        self.client = AuthenticatedClient(
            base_url=credentials.url, token=credentials.token, timeout=DEFAULT_TIMEOUT
        )

    def __enter__(self) -> Api:
        self.client.__enter__()
        return self

    def __exit__(self, *exc: object) -> None:
        self.client.__exit__(*exc)

    # Documents ----------------------------------------------------------------------

    def list_documents(self, *, limit: int, cursor: str | None = None) -> DocumentPage:
        response = documents_list.sync_detailed(client=self.client, limit=limit, cursor=cursor)
        return expect(response, DocumentPage)

    def get_document(self, document_id: uuid.UUID) -> Document:
        return expect(documents_get.sync_detailed(document_id, client=self.client), Document)

    def download_url(self, document_id: uuid.UUID) -> SignedUrl:
        response = documents_download.sync_detailed(document_id, client=self.client, redirect=False)
        return expect(response, SignedUrl)

    def wait_until_processed(
        self, document_id: uuid.UUID, *, timeout: float, poll: float = 0.25
    ) -> Document:
        """Poll until the document is `ready` or `failed`; TimeoutError after `timeout`."""
        deadline = time.monotonic() + timeout
        while True:
            document = self.get_document(document_id)
            if document.status in FINAL_STATUSES:
                return document
            if time.monotonic() > deadline:
                raise TimeoutError(
                    f"document {document_id} is still {document.status} after {timeout:g}s"
                )
            time.sleep(poll)
            poll = min(poll * 1.5, 2.0)

    # Direct uploads -------------------------------------------------------------------

    def start_upload(self, filename: str, title: str | None) -> DirectUpload:
        body = UploadRequest(filename=filename, title=title)
        return expect(uploads_create.sync_detailed(client=self.client, body=body), DirectUpload)

    def complete_upload(
        self,
        upload_id: uuid.UUID,
        *,
        ocr_mode: str | None = None,
        languages: list[str] | None = None,
    ) -> Document:
        body = None
        if ocr_mode or languages:
            body = OcrRequest.from_dict(
                {
                    key: value
                    for key, value in (("mode", ocr_mode), ("languages", languages))
                    if value
                }
            )
        response = uploads_complete.sync_detailed(upload_id, client=self.client, body=body)
        return expect(response, Document)

    # Search and tags ----------------------------------------------------------------

    def search(self, query: str, *, limit: int) -> DocumentPage:
        response = documents_list.sync_detailed(client=self.client, q=query, limit=limit)
        return expect(response, DocumentPage)

    def tag_ids(self, names: list[str]) -> list[uuid.UUID]:
        """The ids of the tags called `names`, creating the ones that do not exist."""
        ids = []
        for name in names:
            found = expect(tags_list.sync_detailed(client=self.client, name=name), TagPage)
            exact = [tag for tag in found.items if tag.name == name]
            if exact:
                ids.append(exact[0].id)
                continue
            created = tags_create.sync_detailed(client=self.client, body=TagCreate(name=name))
            ids.append(expect(created, Tag).id)
        return ids

    def tag_names(self, tag_ids: list[uuid.UUID]) -> list[str]:
        return [
            expect(tags_get.sync_detailed(tag_id, client=self.client), Tag).name
            for tag_id in tag_ids
        ]

    def set_tags(self, document_id: uuid.UUID, tag_ids: list[uuid.UUID]) -> Document:
        response = documents_update.sync_detailed(
            document_id, client=self.client, body=DocumentUpdate(tags=tag_ids)
        )
        return expect(response, Document)
