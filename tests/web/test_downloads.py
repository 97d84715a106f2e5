"""Downloads and thumbnails: short-lived signed URLs straight to S3, which S3 itself
checks (SeaweedFS in the tests verifies signatures and expiry like AWS does)."""

from __future__ import annotations

import asyncio
import hashlib
import re
import uuid
from datetime import UTC, datetime, timedelta
from urllib.parse import parse_qs, unquote, urlencode, urlsplit

import httpx
import pytest
from sqlalchemy import func, select, update

from paless_shared.tables import AuditEvent, DocumentVersion
from tests.conftest import upload
from tests.pdfs import text_pdf
from tests.web.support import assert_problem, direct_upload, fetch, signed_url


async def uploaded(client: httpx.AsyncClient, account, content: bytes, name: str = "a.pdf") -> str:
    response = await upload(client, account, content, name)
    assert response.status_code == 202, response.text
    document_id: str = response.json()["id"]
    return document_id


def with_query(url: str, **changes: str) -> str:
    """The same URL with some query parameters replaced (the rest kept as they were)."""
    parts = urlsplit(url)
    query = {key: values[0] for key, values in parse_qs(parts.query).items()}
    query.update(changes)
    return parts._replace(query=urlencode(query)).geturl()


async def test_download_redirects_to_a_signed_s3_url_that_must_not_be_cached(
    client: httpx.AsyncClient, account, servers
) -> None:
    content = text_pdf("redirect me")
    document_id = await uploaded(client, account, content, "letter.pdf")

    response = await client.get(
        f"/api/v1/documents/{document_id}/download", headers=account.headers
    )

    assert response.status_code == 307
    location = response.headers["location"]
    assert location.startswith(f"{servers.s3_endpoint_url}/{servers.bucket}/originals/")
    assert "X-Amz-Signature=" in location
    assert response.headers["cache-control"] == "no-store"
    assert response.headers["referrer-policy"] == "no-referrer"
    fetched = await fetch(location)
    assert fetched.status_code == 200
    assert fetched.content == content
    assert fetched.headers["content-type"] == "application/pdf"
    assert fetched.headers["content-disposition"].startswith("attachment;")


async def test_download_without_redirect_answers_the_url_and_its_expiry_as_json(
    client: httpx.AsyncClient, account
) -> None:
    content = text_pdf("json please")
    document_id = await uploaded(client, account, content)
    before = datetime.now(UTC)

    response = await client.get(
        f"/api/v1/documents/{document_id}/download",
        params={"redirect": "false"},
        headers=account.headers,
    )

    assert response.status_code == 200
    body = response.json()
    assert set(body) == {"url", "expires_at"}
    # The default lifetime is 5 minutes (PALESS_DOWNLOAD_URL_EXPIRY_SECONDS).
    expires_at = datetime.fromisoformat(body["expires_at"])
    assert (
        before + timedelta(seconds=300) <= expires_at <= datetime.now(UTC) + timedelta(seconds=300)
    )
    fetched = await fetch(body["url"])
    assert fetched.status_code == 200
    assert hashlib.sha256(fetched.content).digest() == hashlib.sha256(content).digest()


async def test_inline_disposition_lets_a_browser_show_the_pdf(
    client: httpx.AsyncClient, account
) -> None:
    document_id = await uploaded(client, account, text_pdf("inline"), "view.pdf")

    response = await client.get(
        f"/api/v1/documents/{document_id}/download",
        params={"disposition": "inline"},
        headers=account.headers,
    )

    assert response.status_code == 307
    fetched = await fetch(response.headers["location"])
    assert fetched.headers["content-disposition"].startswith("inline;")
    assert "filename*=UTF-8''view.pdf" in fetched.headers["content-disposition"]


async def test_unknown_disposition_is_a_422_problem(client: httpx.AsyncClient, account) -> None:
    document_id = await uploaded(client, account, text_pdf("x"))

    response = await client.get(
        f"/api/v1/documents/{document_id}/download",
        params={"disposition": "execute"},
        headers=account.headers,
    )

    problem = assert_problem(response, 422)
    assert [error["field"] for error in problem["errors"]] == ["query.disposition"]


async def test_url_with_a_tampered_signature_is_refused_by_s3(
    client: httpx.AsyncClient, account
) -> None:
    document_id = await uploaded(client, account, text_pdf("x"))
    url = await signed_url(client, account, document_id)
    signature = parse_qs(urlsplit(url).query)["X-Amz-Signature"][0]
    flipped = ("0" if signature[0] != "0" else "1") + signature[1:]

    response = await fetch(with_query(url, **{"X-Amz-Signature": flipped}))

    assert response.status_code == 403
    assert "<Code>SignatureDoesNotMatch</Code>" in response.text


async def test_signed_url_cannot_be_changed_to_serve_another_filename(
    client: httpx.AsyncClient, account
) -> None:
    document_id = await uploaded(client, account, text_pdf("x"), "report.pdf")
    url = await signed_url(client, account, document_id)

    response = await fetch(
        with_query(url, **{"response-content-disposition": 'attachment; filename="evil.exe"'})
    )

    assert response.status_code == 403


async def test_signed_url_cannot_be_pointed_at_another_document(
    client: httpx.AsyncClient, account
) -> None:
    mine = await uploaded(client, account, text_pdf("mine"))
    other = await uploaded(client, account, text_pdf("other"))
    url = await signed_url(client, account, mine)

    response = await fetch(url.replace(mine, other))

    assert response.status_code == 403


async def test_expired_url_is_refused_by_s3(app_client, account) -> None:
    client = await app_client(download_url_expiry_seconds=1)
    document_id = await uploaded(client, account, text_pdf("short-lived"))
    response = await client.get(
        f"/api/v1/documents/{document_id}/download",
        params={"redirect": "false"},
        headers=account.headers,
    )
    assert response.status_code == 200
    body = response.json()
    assert datetime.fromisoformat(body["expires_at"]) <= datetime.now(UTC) + timedelta(seconds=1)
    assert parse_qs(urlsplit(body["url"]).query)["X-Amz-Expires"] == ["1"]

    await asyncio.sleep(2.2)
    fetched = await fetch(body["url"])

    assert fetched.status_code == 403
    assert "expired" in fetched.text


async def test_thumbnail_is_404_until_the_document_is_processed(
    client: httpx.AsyncClient, account
) -> None:
    document_id = await uploaded(client, account, text_pdf("not yet"))

    response = await client.get(
        f"/api/v1/documents/{document_id}/thumbnail", headers=account.headers
    )

    problem = assert_problem(response, 404)
    assert "pending" in problem["detail"]


async def test_processed_document_has_a_webp_thumbnail(
    client: httpx.AsyncClient, account, run_worker
) -> None:
    document_id = await uploaded(client, account, text_pdf("picture this"), "scan.pdf")
    await run_worker()

    response = await client.get(
        f"/api/v1/documents/{document_id}/thumbnail", headers=account.headers
    )

    assert response.status_code == 307
    assert response.headers["cache-control"] == "no-store"
    fetched = await fetch(response.headers["location"])
    assert fetched.status_code == 200
    assert fetched.headers["content-type"] == "image/webp"
    assert fetched.content[:4] == b"RIFF"
    assert fetched.content[8:12] == b"WEBP"
    assert fetched.headers["content-disposition"].startswith("inline;")
    assert "filename*=UTF-8''scan.webp" in fetched.headers["content-disposition"]


async def test_document_that_failed_processing_has_no_thumbnail(
    client: httpx.AsyncClient, account, run_worker
) -> None:
    document_id = await uploaded(client, account, b"%PDF-1.7\nnot really a pdf\n%%EOF\n")
    await run_worker()

    response = await client.get(
        f"/api/v1/documents/{document_id}/thumbnail", headers=account.headers
    )

    problem = assert_problem(response, 404)
    assert "failed" in problem["detail"]


# Hostile filenames --------------------------------------------------------------------

_DISPOSITION = re.compile(
    r"attachment; filename=\"(?P<fallback>[^\"]*)\"; filename\*=UTF-8''(?P<encoded>\S+)"
)
_RFC5987_ATTR_CHARS = re.compile(r"[A-Za-z0-9!#$&+.^_`|~%-]+")


def check_disposition(header: str) -> tuple[str, str]:
    """A Content-Disposition no name can break out of; returns (fallback, decoded)."""
    assert "\r" not in header
    assert "\n" not in header
    assert header.count("filename=") == 1
    assert header.count("filename*=") == 1
    match = _DISPOSITION.fullmatch(header)
    assert match is not None, header
    fallback, encoded = match["fallback"], match["encoded"]
    assert all(0x20 <= ord(c) < 0x7F for c in fallback), fallback
    assert "\\" not in fallback
    assert _RFC5987_ATTR_CHARS.fullmatch(encoded), encoded
    return fallback, unquote(encoded, errors="strict")


@pytest.mark.parametrize(
    ("filename", "cleaned"),
    [
        ('a";x=.bat', 'a";x=.bat'),
        ("evil\r\nX-Injected: yes\r\n.pdf", "evilX-Injected: yes.pdf"),
        ("résumé 2026 – Ω.pdf", "résumé 2026 – Ω.pdf"),
        ("tab\there.pdf", "tabhere.pdf"),
    ],
    ids=["quote-and-semicolon", "crlf", "unicode", "tab"],
)
async def test_hostile_filename_comes_back_as_one_safe_content_disposition(
    client: httpx.AsyncClient, account, filename: str, cleaned: str
) -> None:
    document = await direct_upload(client, account, text_pdf("x"), filename)
    assert document["original_filename"] == cleaned

    fetched = await fetch(await signed_url(client, account, document["id"]))

    assert fetched.status_code == 200
    assert len(fetched.headers.get_list("content-disposition")) == 1
    assert "x-injected" not in fetched.headers
    fallback, decoded = check_disposition(fetched.headers["content-disposition"])
    assert decoded == cleaned
    assert len(fallback) == len(cleaned)


async def test_very_long_filename_is_shortened_but_keeps_its_extension(
    client: httpx.AsyncClient, account
) -> None:
    filename = "Ω" * 150 + "x" * 146 + ".pdf"  # 300 characters
    document = await direct_upload(client, account, text_pdf("x"), filename)
    assert document["original_filename"] == filename

    fetched = await fetch(await signed_url(client, account, document["id"]))

    assert fetched.status_code == 200
    fallback, decoded = check_disposition(fetched.headers["content-disposition"])
    assert decoded.endswith(".pdf")
    assert fallback.endswith(".pdf")
    assert filename.startswith(decoded.removesuffix(".pdf"))


async def test_every_download_is_in_the_history_even_when_many_run_at_once(
    client: httpx.AsyncClient, account, db
) -> None:
    document_id = await uploaded(client, account, text_pdf("wanted by many"))

    answers = await asyncio.gather(
        *(
            client.get(
                f"/api/v1/documents/{document_id}/download",
                headers=account.headers,
                params={"redirect": "false"},
            )
            for _ in range(12)
        )
    )

    assert [answer.status_code for answer in answers] == [200] * 12
    async with db() as session:
        events = (
            await session.execute(
                select(AuditEvent.actor_id, AuditEvent.details, AuditEvent.client).where(
                    AuditEvent.document_id == uuid.UUID(document_id),
                    AuditEvent.action == "document.downloaded",
                )
            )
        ).all()
    assert len(events) == 12
    assert {event.actor_id for event in events} == {account.id}
    assert all(event.details == {"version": 1, "rendition": "original"} for event in events)
    assert all(event.client for event in events)


async def test_a_refused_download_leaves_no_event(client: httpx.AsyncClient, account, db) -> None:
    document_id = await uploaded(client, account, text_pdf("not processed yet"))

    # A pending document has no archive yet.
    response = await client.get(
        f"/api/v1/documents/{document_id}/download",
        headers=account.headers,
        params={"redirect": "false", "rendition": "archive"},
    )
    missing_version = await client.get(
        f"/api/v1/documents/{document_id}/download",
        headers=account.headers,
        params={"redirect": "false", "version": "2"},
    )

    assert_problem(response, 404)
    assert_problem(missing_version, 404)
    assert "has no version 2" in missing_version.json()["detail"]
    async with db() as session:
        count = await session.scalar(
            select(func.count()).where(
                AuditEvent.document_id == uuid.UUID(document_id),
                AuditEvent.action == "document.downloaded",
            )
        )
    assert count == 0


async def test_a_document_of_someone_else_is_not_found_and_not_recorded(
    client: httpx.AsyncClient, account, make_account, db
) -> None:
    document_id = await uploaded(client, account, text_pdf("mine alone"))
    stranger = await make_account()

    response = await client.get(
        f"/api/v1/documents/{document_id}/download", headers=stranger.headers
    )

    assert_problem(response, 404)
    async with db() as session:
        count = await session.scalar(
            select(func.count())
            .where(AuditEvent.document_id == uuid.UUID(document_id))
            .where(AuditEvent.action == "document.downloaded")
        )
    assert count == 0


async def test_the_event_names_the_version_and_rendition_served(
    client: httpx.AsyncClient, account, db
) -> None:
    document_id = await uploaded(client, account, text_pdf("has an archive"))
    async with db() as session:  # as if OCR had made an archive of version 1
        await session.execute(
            update(DocumentVersion)
            .where(DocumentVersion.document_id == uuid.UUID(document_id))
            .values(archive_key=f"renditions/{document_id}/archive.pdf")
        )
        await session.commit()

    default = await client.get(
        f"/api/v1/documents/{document_id}/download",
        headers=account.headers,
        params={"redirect": "false"},
    )
    original = await client.get(
        f"/api/v1/documents/{document_id}/download",
        headers=account.headers,
        params={"redirect": "false", "rendition": "original", "version": "1"},
    )

    assert default.status_code == original.status_code == 200
    assert f"renditions/{document_id}/archive.pdf" in default.json()["url"]
    async with db() as session:
        details = (
            await session.scalars(
                select(AuditEvent.details)
                .where(
                    AuditEvent.document_id == uuid.UUID(document_id),
                    AuditEvent.action == "document.downloaded",
                )
                .order_by(AuditEvent.at)
            )
        ).all()
    assert details == [
        {"version": 1, "rendition": "archive"},
        {"version": 1, "rendition": "original"},
    ]


async def test_an_admin_downloads_any_document_and_is_named_in_its_history(
    client: httpx.AsyncClient, account, make_account, db
) -> None:
    document_id = await uploaded(client, account, text_pdf("audited by an admin"))
    admin = await make_account(admin=True)

    current = await client.get(
        f"/api/v1/documents/{document_id}/download",
        headers=admin.headers,
        params={"redirect": "false"},
    )
    by_number = await client.get(
        f"/api/v1/documents/{document_id}/download",
        headers=admin.headers,
        params={"redirect": "false", "version": "1"},
    )

    assert current.status_code == by_number.status_code == 200
    async with db() as session:
        actors = (
            await session.scalars(
                select(AuditEvent.actor_name).where(
                    AuditEvent.document_id == uuid.UUID(document_id),
                    AuditEvent.action == "document.downloaded",
                )
            )
        ).all()
    assert actors == [admin.username, admin.username]
