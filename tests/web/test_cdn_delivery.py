"""With a CDN configured, download links are CloudFront signed URLs that verify
against the key pair's public key."""

from __future__ import annotations

import base64
import json
from collections.abc import AsyncIterator
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding, rsa

from paless_shared.platform.settings import (
    AuthSettings,
    CdnSettings,
    DatabaseSettings,
    DeliverySettings,
    RedisSettings,
    S3Settings,
    load,
)
from paless_web.app import create_app
from paless_web.state import WebConfig
from tests.conftest import upload
from tests.pdfs import text_pdf

CDN = "https://cdn.paless.test"
KEY_PAIR_ID = "K2JCJMDEHXQW5F"


@pytest.fixture(scope="module")
def key() -> rsa.RSAPrivateKey:
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


@pytest.fixture
async def cdn_client(servers, key: rsa.RSAPrivateKey) -> AsyncIterator[httpx.AsyncClient]:
    pem = key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    ).decode()
    config = WebConfig(
        database=load(DatabaseSettings),
        redis=load(RedisSettings),
        s3=load(S3Settings),
        delivery=DeliverySettings(),
        auth=AuthSettings(),
        cdn=CdnSettings(cdn_base_url=CDN, cdn_key_pair_id=KEY_PAIR_ID, cdn_private_key=pem),
    )
    app = create_app(config)
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://paless.test") as c:
            yield c


def verify_cloudfront(url: str, public_key: rsa.RSAPublicKey) -> str:
    """Check a canned-policy CloudFront URL; returns the signed resource."""
    parts = urlsplit(url)
    query = parse_qs(parts.query)
    assert query["Key-Pair-Id"] == [KEY_PAIR_ID]
    expires = int(query["Expires"][0])
    signature = query["Signature"][0].replace("-", "+").replace("_", "=").replace("~", "/")
    resource = url.split("&Expires=")[0]
    policy = json.dumps(
        {
            "Statement": [
                {"Resource": resource, "Condition": {"DateLessThan": {"AWS:EpochTime": expires}}}
            ]
        },
        separators=(",", ":"),
    )
    public_key.verify(
        base64.b64decode(signature),
        policy.encode(),
        padding.PKCS1v15(),
        hashes.SHA1(),  # noqa: S303 (what CloudFront signs with)
    )
    return resource


async def test_download_url_is_a_cloudfront_url_signed_with_the_key_pair(
    cdn_client: httpx.AsyncClient, make_account, key: rsa.RSAPrivateKey
) -> None:
    account = await make_account()
    document = (await upload(cdn_client, account, text_pdf("cdn"), "report.pdf")).json()

    response = await cdn_client.get(
        f"/api/v1/documents/{document['id']}/download",
        params={"redirect": "false"},
        headers=account.headers,
    )

    assert response.status_code == 200
    url = response.json()["url"]
    assert url.startswith(f"{CDN}/originals/{document['id']}.pdf?")
    resource = verify_cloudfront(url, key.public_key())
    assert "response-content-disposition=attachment" in resource
    assert "X-Amz-Signature" not in url


async def test_a_cloudfront_url_with_a_changed_expiry_no_longer_verifies(
    cdn_client: httpx.AsyncClient, make_account, key: rsa.RSAPrivateKey
) -> None:
    account = await make_account()
    document = (await upload(cdn_client, account, text_pdf("cdn"))).json()
    url = (
        await cdn_client.get(
            f"/api/v1/documents/{document['id']}/download",
            params={"redirect": "false"},
            headers=account.headers,
        )
    ).json()["url"]
    expires = parse_qs(urlsplit(url).query)["Expires"][0]
    tampered = url.replace(f"Expires={expires}", f"Expires={int(expires) + 86400}")

    with pytest.raises(InvalidSignature):
        verify_cloudfront(tampered, key.public_key())


def test_cdn_settings_name_what_is_missing() -> None:
    with pytest.raises(ValueError, match="PALESS_CDN_KEY_PAIR_ID"):
        CdnSettings(cdn_base_url=CDN)
