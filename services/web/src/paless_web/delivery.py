"""Where download links point: S3 presigned URLs, or CloudFront signed URLs when a CDN
fronts the bucket. Either way the file goes from storage to the client directly."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Annotated, Literal, Protocol
from urllib.parse import quote, urlencode

from botocore.signers import CloudFrontSigner
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding, rsa
from fastapi import Query, status
from fastapi.responses import RedirectResponse, Response

from paless_shared.platform.settings import CdnSettings
from paless_shared.platform.storage import PresignedUrl, Storage, content_disposition
from paless_web.schemas.common import SignedUrl

Disposition = Literal["attachment", "inline"]


class Delivery(Protocol):
    async def signed_url(
        self,
        key: str,
        *,
        filename: str,
        content_type: str,
        disposition: Disposition,
        expires_in: int,
    ) -> PresignedUrl: ...


class S3Delivery:
    def __init__(self, storage: Storage) -> None:
        self._storage = storage

    async def signed_url(
        self,
        key: str,
        *,
        filename: str,
        content_type: str,
        disposition: Disposition,
        expires_in: int,
    ) -> PresignedUrl:
        return await self._storage.presign_download(
            key,
            filename=filename,
            content_type=content_type,
            disposition=disposition,
            expires_in=expires_in,
        )


class CloudFrontDelivery:
    """Signs with a canned policy (URL + expiry). The `response-content-*` query
    parameters reach S3 when the distribution forwards query strings to the origin,
    so the file keeps its name."""

    def __init__(self, base_url: str, key_pair_id: str, private_key_pem: bytes) -> None:
        key = serialization.load_pem_private_key(private_key_pem, password=None)
        if not isinstance(key, rsa.RSAPrivateKey):
            raise ValueError("the CloudFront private key must be an RSA key")
        self._base_url = base_url.rstrip("/")
        # CloudFront verifies RSA-SHA1 signatures; the key is loaded once per process.
        self._signer = CloudFrontSigner(
            key_pair_id,
            lambda message: key.sign(message, padding.PKCS1v15(), hashes.SHA1()),  # noqa: S303
        )

    async def signed_url(
        self,
        key: str,
        *,
        filename: str,
        content_type: str,
        disposition: Disposition,
        expires_in: int,
    ) -> PresignedUrl:
        expires_at = datetime.now(UTC) + timedelta(seconds=expires_in)
        query = urlencode(
            {
                "response-content-disposition": content_disposition(disposition, filename),
                "response-content-type": content_type,
            },
            quote_via=quote,
        )
        url = f"{self._base_url}/{quote(key)}?{query}"
        signed = self._signer.generate_presigned_url(url, date_less_than=expires_at)
        return PresignedUrl(url=signed, expires_at=expires_at)


def create_delivery(storage: Storage, cdn: CdnSettings) -> Delivery:
    if not cdn.enabled:
        return S3Delivery(storage)
    assert cdn.cdn_base_url is not None and cdn.cdn_key_pair_id is not None
    return CloudFrontDelivery(cdn.cdn_base_url, cdn.cdn_key_pair_id, cdn.private_key_pem())


RedirectQuery = Annotated[
    bool,
    Query(description="true: answer 307 to the signed URL; false: return it as JSON."),
]


def signed_answer(signed: PresignedUrl, redirect: bool) -> Response:
    """A route's answer for a signed URL: 307 to it (not cached, no referrer leaked to
    storage), or the URL as JSON."""
    if redirect:
        return RedirectResponse(
            signed.url,
            status_code=status.HTTP_307_TEMPORARY_REDIRECT,
            headers={"Cache-Control": "no-store", "Referrer-Policy": "no-referrer"},
        )
    # The JSON written here rather than by FastAPI from the route's `response_model`
    # (which documents it): the same bytes, without validating the model a second time.
    body = SignedUrl(url=signed.url, expires_at=signed.expires_at).model_dump_json()
    return Response(body, media_type="application/json")
