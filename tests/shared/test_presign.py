"""Presigned GETs: the URL `Storage.presign_download` makes is the one botocore's own
presigner makes, and SeaweedFS (which checks SigV4 like AWS) serves the object
through it, whatever characters its key holds."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any
from urllib.parse import parse_qs, urlsplit

import aioboto3
import httpx

from paless_shared.platform.settings import S3Settings, load
from paless_shared.platform.storage import _client_config, content_disposition

KEYS = ["originals/plain.pdf", "odd/a b+c&d=e~f(1)ü€.pdf", "odd/%41 already-escaped.pdf"]


@asynccontextmanager
async def botocore_presigner(settings: S3Settings) -> AsyncIterator[Any]:
    session = aioboto3.Session(
        aws_access_key_id=settings.s3_access_key_id,
        aws_secret_access_key=settings.s3_secret_access_key,
        region_name=settings.s3_region,
    )
    endpoint = settings.s3_public_endpoint_url or settings.s3_endpoint_url
    async with session.client("s3", endpoint_url=endpoint, config=_client_config(settings)) as s3:
        yield s3


async def botocore_url(s3: Any, settings: S3Settings, key: str, filename: str) -> str:
    url: str = await s3.generate_presigned_url(
        "get_object",
        Params={
            "Bucket": settings.s3_bucket,
            "Key": key,
            "ResponseContentDisposition": content_disposition("attachment", filename),
            "ResponseContentType": "application/pdf",
        },
        ExpiresIn=300,
    )
    return url


async def test_a_download_url_is_the_url_botocore_signs(storage: Any) -> None:
    settings = load(S3Settings)
    # One client for every URL, made before the first: the two URLs of a pair are
    # made a moment apart, so they rarely straddle a second on a loaded machine.
    async with botocore_presigner(settings) as s3:
        for key in KEYS:
            # The signature covers the second it was made at: retry across a tick.
            for _ in range(5):
                ours = (
                    await storage.presign_download(
                        key,
                        filename="Résumé 2.pdf",
                        content_type="application/pdf",
                        disposition="attachment",
                        expires_in=300,
                    )
                ).url
                theirs = await botocore_url(s3, settings, key, "Résumé 2.pdf")
                dates = {parse_qs(urlsplit(url).query)["X-Amz-Date"][0] for url in (ours, theirs)}
                if len(dates) == 1:
                    break
            assert ours == theirs


async def test_storage_serves_any_key_through_its_download_url(storage: Any) -> None:
    prefix = f"test-presign/{uuid.uuid4()}/"
    async with httpx.AsyncClient(timeout=30) as http:
        for index, key in enumerate(KEYS):
            content = f"object {index}".encode()
            await storage.put_bytes(prefix + key, content, "application/pdf")
            signed = await storage.presign_download(
                prefix + key,
                filename="a.pdf",
                content_type="application/pdf",
                disposition="inline",
                expires_in=60,
            )

            fetched = await http.get(signed.url)
            tampered = await http.get(signed.url.replace("X-Amz-Expires=60", "X-Amz-Expires=61"))

            assert fetched.status_code == 200, fetched.text
            assert fetched.content == content
            assert fetched.headers["content-disposition"].startswith("inline;")
            assert tampered.status_code == 403
    await storage.delete_prefix(prefix)
