"""S3 access: the only place documents are kept.

One `Storage` per process holds two aioboto3 clients: one that talks to S3 from the
service's network, and one that signs URLs for the address clients use (they differ
when S3 sits behind a public endpoint or a compose network name). Object keys are
generated from UUIDs here and nowhere else.
"""

from __future__ import annotations

import base64
import hashlib
import uuid
from collections.abc import AsyncIterator
from contextlib import AsyncExitStack, asynccontextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any, Literal
from urllib.parse import quote

import aioboto3
from aiobotocore.config import AioConfig
from botocore.exceptions import ClientError

from paless_shared.platform.presign import GetSigner
from paless_shared.platform.settings import S3Settings

# S3 multipart uploads need parts of at least 5 MiB (except the last).
MULTIPART_PART_BYTES = 8 * 1024 * 1024
_DOWNLOAD_CHUNK_BYTES = 1024 * 1024


@dataclass(frozen=True)
class PresignedUrl:
    url: str
    expires_at: datetime


@dataclass(frozen=True)
class PresignedPost:
    url: str
    fields: dict[str, str]
    expires_at: datetime


@dataclass(frozen=True)
class StoredObject:
    key: str
    size: int
    last_modified: datetime
    sha256: str | None = None  # hex, when S3 keeps a whole-object SHA-256 checksum
    etag: str | None = None


@dataclass(frozen=True)
class DownloadedObject:
    size: int
    sha256: str


def content_disposition(kind: Literal["attachment", "inline"], filename: str) -> str:
    """An RFC 6266 header value with an ASCII fallback and an RFC 5987 `filename*`.

    The fallback keeps printable ASCII only and drops quotes and backslashes, so a
    hostile name cannot close the quoted string or inject parameters.
    """
    name = _shorten(filename.replace("\r", " ").replace("\n", " ").strip()) or "document"
    fallback = "".join(c if 0x20 <= ord(c) < 0x7F and c not in '"\\' else "_" for c in name)
    encoded = quote(name, safe="")
    return f"{kind}; filename=\"{fallback}\"; filename*=UTF-8''{encoded}"


def _shorten(name: str, limit: int = 255) -> str:
    """At most `limit` characters, cutting the stem so the extension survives."""
    if len(name) <= limit:
        return name
    stem, dot, extension = name.rpartition(".")
    if not dot or len(extension) > 16:
        return name[:limit]
    return stem[: limit - len(extension) - 1] + "." + extension


def _client_config(settings: S3Settings) -> AioConfig:
    addressing: Any = {"addressing_style": settings.s3_addressing_style}
    return AioConfig(
        # Explicit: botocore may otherwise sign presigned URLs the old way.
        signature_version="s3v4",
        s3=addressing,
        retries={"max_attempts": 3, "mode": "standard"},
        connect_timeout=5,
        read_timeout=60,
    )


class Storage:
    def __init__(
        self,
        client: Any,
        signer: Any,
        settings: S3Settings,
        get_signer: GetSigner | None = None,
    ) -> None:
        self._client = client
        self._signer = signer
        self._get_signer = get_signer
        self.bucket = settings.s3_bucket
        self._prefix = settings.s3_key_prefix

    @classmethod
    @asynccontextmanager
    async def open(cls, settings: S3Settings) -> AsyncIterator[Storage]:
        session = aioboto3.Session(
            aws_access_key_id=settings.s3_access_key_id,
            aws_secret_access_key=settings.s3_secret_access_key,
            region_name=settings.s3_region,
        )
        config = _client_config(settings)
        async with AsyncExitStack() as stack:
            client = await stack.enter_async_context(
                session.client("s3", endpoint_url=settings.s3_endpoint_url, config=config)
            )
            signer = client
            if settings.s3_public_endpoint_url:
                signer = await stack.enter_async_context(
                    session.client(
                        "s3", endpoint_url=settings.s3_public_endpoint_url, config=config
                    )
                )
            get_signer = await GetSigner.resolve(signer, settings.s3_bucket, settings)
            yield cls(client, signer, settings, get_signer)

    # Keys -------------------------------------------------------------------------

    def original_key(self, document_id: uuid.UUID) -> str:
        return f"{self._prefix}originals/{document_id}.pdf"

    def thumbnail_key(self, document_id: uuid.UUID) -> str:
        return f"{self._prefix}thumbnails/{document_id}.webp"

    def document_keys(self, document_id: uuid.UUID) -> list[str]:
        """Every key a document's objects can have outside its renditions prefix (whether
        or not its row still names them): what a purge deletes besides that prefix."""
        return [self.original_key(document_id), self.thumbnail_key(document_id)]

    def staging_key(self, upload_id: uuid.UUID) -> str:
        """Where a direct upload's presigned POST writes: never a document's key, so
        the form (valid until it expires) cannot change or recreate an original."""
        return f"{self._prefix}uploads/{upload_id}.pdf"

    def version_original_key(self, version_id: uuid.UUID) -> str:
        """The original of a version after the first (the first keeps the document's)."""
        return f"{self._prefix}originals/{version_id}"

    def renditions_prefix(self, document_id: uuid.UUID) -> str:
        """Everything made from the document's originals (purged with it)."""
        return f"{self._prefix}renditions/{document_id}/"

    def run_prefix(self, document_id: uuid.UUID, version_id: uuid.UUID, run_id: uuid.UUID) -> str:
        """Where a processing run of a version puts its renditions: each run has keys
        of its own, so a run never overwrites what another one made."""
        return f"{self.renditions_prefix(document_id)}{version_id}/{run_id}/"

    # Bucket -----------------------------------------------------------------------

    async def ensure_bucket(self) -> bool:
        """Create the bucket if it is missing; True when it was created."""
        try:
            await self._client.head_bucket(Bucket=self.bucket)
            return False
        except ClientError as exc:
            if exc.response.get("Error", {}).get("Code") not in ("404", "NoSuchBucket"):
                raise
        await self._client.create_bucket(Bucket=self.bucket)
        return True

    async def ping(self) -> None:
        await self._client.head_bucket(Bucket=self.bucket)

    # Objects ----------------------------------------------------------------------

    async def put_bytes(self, key: str, data: bytes, content_type: str) -> None:
        await self._client.put_object(
            Bucket=self.bucket, Key=key, Body=data, ContentType=content_type
        )

    async def head_size(self, key: str) -> int | None:
        """The object's size, or None when it does not exist."""
        stored = await self.head(key)
        return None if stored is None else stored.size

    async def copy(self, source: str, target: str, *, if_etag: str | None = None) -> None:
        """Copy an object within the bucket, server-side (no bytes through paless).
        With `if_etag`, only the version of `source` that has that ETag: an object
        replaced meanwhile is not copied (S3 answers 412, raised as ClientError)."""
        extra: dict[str, Any] = {"CopySourceIfMatch": if_etag} if if_etag else {}
        await self._client.copy_object(
            Bucket=self.bucket,
            Key=target,
            CopySource={"Bucket": self.bucket, "Key": source},
            MetadataDirective="COPY",
            **extra,
        )

    async def head(self, key: str) -> StoredObject | None:
        """Size, date, ETag and (when S3 keeps one) SHA-256 of an object; None if
        missing."""
        try:
            head = await self._client.head_object(
                Bucket=self.bucket, Key=key, ChecksumMode="ENABLED"
            )
        except ClientError as exc:
            if exc.response.get("Error", {}).get("Code") in ("404", "NoSuchKey", "NotFound"):
                return None
            raise
        checksum = head.get("ChecksumSHA256")
        # A multipart upload's checksum is of its parts ("…-3"), not of the object.
        sha256 = None
        if checksum and "-" not in checksum:
            sha256 = base64.b64decode(checksum).hex()
        return StoredObject(
            key, int(head["ContentLength"]), head["LastModified"], sha256, head.get("ETag")
        )

    async def list_objects(self, prefix: str) -> AsyncIterator[StoredObject]:
        """Every object under `prefix` (below the configured key prefix)."""
        paginator = self._client.get_paginator("list_objects_v2")
        async for page in paginator.paginate(Bucket=self.bucket, Prefix=self._prefix + prefix):
            for item in page.get("Contents", []):
                yield StoredObject(item["Key"], int(item["Size"]), item["LastModified"])

    async def read_head(self, key: str, length: int) -> bytes:
        """The first `length` bytes of an object (to sniff its type, not to serve it)."""
        response = await self._client.get_object(
            Bucket=self.bucket, Key=key, Range=f"bytes=0-{length - 1}"
        )
        body = response["Body"]
        try:
            data: bytes = await body.read()
        finally:
            body.close()
        return data

    async def download_to_file(self, key: str, path: Path) -> DownloadedObject:
        """Stream an object to a local file, hashing it on the way."""
        response = await self._client.get_object(Bucket=self.bucket, Key=key)
        digest = hashlib.sha256()
        size = 0
        body = response["Body"]
        try:
            with path.open("wb") as out:
                async for chunk in body.iter_chunks(_DOWNLOAD_CHUNK_BYTES):
                    digest.update(chunk)
                    size += len(chunk)
                    out.write(chunk)
        finally:
            body.close()
        return DownloadedObject(size=size, sha256=digest.hexdigest())

    async def delete(self, *keys: str) -> None:
        for key in keys:
            await self._client.delete_object(Bucket=self.bucket, Key=key)

    async def delete_prefix(self, prefix: str) -> int:
        """Delete every object whose key starts with `prefix` (a whole key prefix, as
        the key functions above return); returns how many there were."""
        paginator = self._client.get_paginator("list_objects_v2")
        deleted = 0
        async for page in paginator.paginate(Bucket=self.bucket, Prefix=prefix):
            for item in page.get("Contents", []):
                await self._client.delete_object(Bucket=self.bucket, Key=item["Key"])
                deleted += 1
        return deleted

    def multipart_writer(self, key: str, content_type: str) -> MultipartWriter:
        return MultipartWriter(self._client, self.bucket, key, content_type)

    # Signed URLs --------------------------------------------------------------------

    async def presign_download(
        self,
        key: str,
        *,
        filename: str,
        content_type: str,
        disposition: Literal["attachment", "inline"],
        expires_in: int,
    ) -> PresignedUrl:
        expires_at = datetime.now(UTC) + timedelta(seconds=expires_in)
        disposition_header = content_disposition(disposition, filename)
        if self._get_signer is not None:
            url = self._get_signer.sign(
                key,
                {
                    "response-content-disposition": disposition_header,
                    "response-content-type": content_type,
                },
                expires_in,
            )
        else:
            url = await self._signer.generate_presigned_url(
                "get_object",
                Params={
                    "Bucket": self.bucket,
                    "Key": key,
                    "ResponseContentDisposition": disposition_header,
                    "ResponseContentType": content_type,
                },
                ExpiresIn=expires_in,
            )
        return PresignedUrl(url=url, expires_at=expires_at)

    async def presign_upload(
        self, key: str, *, max_bytes: int, content_type: str, expires_in: int
    ) -> PresignedPost:
        expires_at = datetime.now(UTC) + timedelta(seconds=expires_in)
        post = await self._signer.generate_presigned_post(
            Bucket=self.bucket,
            Key=key,
            Fields={"Content-Type": content_type},
            Conditions=[
                ["content-length-range", 1, max_bytes],
                {"Content-Type": content_type},
            ],
            ExpiresIn=expires_in,
        )
        return PresignedPost(url=post["url"], fields=dict(post["fields"]), expires_at=expires_at)


class MultipartWriter:
    """Writes an object of unknown length in parts, holding at most one part in memory.

    Small objects (one part) are written with a single PUT; `abort()` drops whatever
    was started so a refused upload leaves nothing behind.
    """

    def __init__(self, client: Any, bucket: str, key: str, content_type: str) -> None:
        self._client = client
        self._bucket = bucket
        self.key = key
        self._content_type = content_type
        self._buffer = bytearray()
        self._upload_id: str | None = None
        self._parts: list[dict[str, Any]] = []
        self.size = 0
        self._digest = hashlib.sha256()

    @property
    def sha256(self) -> str:
        return self._digest.hexdigest()

    async def write(self, data: bytes) -> None:
        self._buffer.extend(data)
        self.size += len(data)
        self._digest.update(data)
        if len(self._buffer) >= MULTIPART_PART_BYTES:
            await self._flush_part()

    async def _flush_part(self) -> None:
        if self._upload_id is None:
            started = await self._client.create_multipart_upload(
                Bucket=self._bucket, Key=self.key, ContentType=self._content_type
            )
            self._upload_id = started["UploadId"]
        number = len(self._parts) + 1
        part = await self._client.upload_part(
            Bucket=self._bucket,
            Key=self.key,
            UploadId=self._upload_id,
            PartNumber=number,
            Body=bytes(self._buffer),
        )
        self._parts.append({"PartNumber": number, "ETag": part["ETag"]})
        self._buffer.clear()

    async def close(self) -> None:
        if self._upload_id is None:
            await self._client.put_object(
                Bucket=self._bucket,
                Key=self.key,
                Body=bytes(self._buffer),
                ContentType=self._content_type,
            )
            self._buffer.clear()
            return
        if self._buffer:
            await self._flush_part()
        await self._client.complete_multipart_upload(
            Bucket=self._bucket,
            Key=self.key,
            UploadId=self._upload_id,
            MultipartUpload={"Parts": self._parts},
        )

    async def abort(self) -> None:
        self._buffer.clear()
        if self._upload_id is not None:
            await self._client.abort_multipart_upload(
                Bucket=self._bucket, Key=self.key, UploadId=self._upload_id
            )
