"""File bytes go between the CLI and storage directly, never through the API: uploads
to a presigned POST, downloads from a signed URL. Both stream, with a progress bar."""

from __future__ import annotations

import os
import re
from collections.abc import Callable
from pathlib import Path
from typing import IO

import httpx
from rich.console import Console
from rich.progress import (
    BarColumn,
    DownloadColumn,
    Progress,
    TextColumn,
    TimeRemainingColumn,
    TransferSpeedColumn,
)

from paless_cli.api import ApiError
from paless_client.models import DirectUpload

# Storage may take a while to accept a large file; only the connection should be quick.
TRANSFER_TIMEOUT = httpx.Timeout(300.0, connect=10.0)
CHUNK_BYTES = 256 * 1024


def progress_bar(console: Console) -> Progress:
    return Progress(
        TextColumn("{task.description}", justify="left"),
        BarColumn(),
        DownloadColumn(),
        TransferSpeedColumn(),
        TimeRemainingColumn(),
        console=console,
        transient=False,
    )


class ProgressReader:
    """A binary file that reports every chunk read from it (httpx streams multipart
    file fields by calling read() in chunks, and sizes them with fileno())."""

    def __init__(self, raw: IO[bytes], advance: Callable[[int], None]) -> None:
        self._raw = raw
        self._advance = advance

    def read(self, size: int = -1) -> bytes:
        chunk = self._raw.read(size)
        self._advance(len(chunk))
        return chunk

    def seek(self, offset: int, whence: int = os.SEEK_SET) -> int:
        return self._raw.seek(offset, whence)

    def tell(self) -> int:
        return self._raw.tell()

    def fileno(self) -> int:
        return self._raw.fileno()


def _storage_error(response: httpx.Response) -> ApiError:
    """S3 answers errors in XML: <Error><Code>…</Code><Message>…</Message></Error>."""
    text = response.text
    code = re.search(r"<Code>([^<]*)</Code>", text)
    message = re.search(r"<Message>([^<]*)</Message>", text)
    detail = " ".join(part.group(1) for part in (code, message) if part) or text[:300]
    return ApiError(response.status_code, "Storage refused the transfer", detail)


def upload_file(post: DirectUpload, path: Path, progress: Progress) -> None:
    """POST the presigned form's fields, then the file, straight to storage."""
    size = path.stat().st_size
    task = progress.add_task(path.name, total=size)
    with path.open("rb") as raw:
        reader = ProgressReader(raw, lambda n: progress.advance(task, n))
        response = httpx.post(
            post.url,
            data=post.fields.to_dict(),
            files={"file": (path.name, reader, "application/pdf")},  # type: ignore[dict-item]
            timeout=TRANSFER_TIMEOUT,
        )
    if response.status_code not in (200, 201, 204):
        raise _storage_error(response)
    progress.update(task, completed=size)


def download_file(url: str, target: Path, progress: Progress, label: str) -> int:
    """Stream a signed URL to `target` (written beside it first, renamed when whole)."""
    partial = target.with_name(target.name + ".part")
    received = 0
    with httpx.stream("GET", url, timeout=TRANSFER_TIMEOUT) as response:
        if response.status_code != 200:
            response.read()
            raise _storage_error(response)
        length = response.headers.get("content-length")
        task = progress.add_task(label, total=int(length) if length else None)
        try:
            with partial.open("wb") as out:
                for chunk in response.iter_bytes(CHUNK_BYTES):
                    out.write(chunk)
                    received += len(chunk)
                    progress.advance(task, len(chunk))
        except BaseException:
            partial.unlink(missing_ok=True)
            raise
    partial.replace(target)
    return received
