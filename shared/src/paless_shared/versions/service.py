"""Versions and their processing runs.

A run is asked for (upload, reprocess) as `pending`, with the OCR settings asked
for; ingest starts it. A run that OCRs pages fans out (`ocr`): each page job records
its page here, and the job that assembles the archive completes the run, which
switches the version's renditions to the run's in one transaction. The objects of
the renditions replaced are the caller's to delete after commit.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from paless_shared.platform.errors import NotFound
from paless_shared.platform.jobs import JobBuffer
from paless_shared.platform.ocr import OcrOptions, password_key
from paless_shared.tables import Document, DocumentVersion, ProcessingRun, RunStatus
from paless_shared.versions import queries

# A PDF password waits in Redis at most this long for the ingest that uses it.
PASSWORD_TTL_SECONDS = 24 * 3600


@dataclass(frozen=True)
class RunRequest:
    """What a person asked for one processing: OCR settings (unset ones are the
    defaults) and the password of an encrypted PDF, which is never stored in
    Postgres (see `request_run`)."""

    options: OcrOptions = field(default_factory=OcrOptions)
    password: str | None = None


@dataclass(frozen=True)
class Progress:
    done: int
    total: int
    task_id: uuid.UUID | None

    @property
    def complete(self) -> bool:
        return self.done >= self.total


@dataclass(frozen=True)
class Replaced:
    """Renditions a completed run replaced: objects to delete after commit."""

    keys: tuple[str, ...] = ()
    runs: tuple[tuple[uuid.UUID, uuid.UUID, uuid.UUID], ...] = ()  # document, version, run


async def _add_first_version(
    session: AsyncSession, document: Document, *, created_by: uuid.UUID | None
) -> DocumentVersion:
    """Version 1 of the document: its original as uploaded."""
    version = DocumentVersion(
        id=uuid.uuid4(),
        document_id=document.id,
        number=1,
        original_key=document.original_key,
        mime_type=document.mime_type,
        size_bytes=document.size_bytes,
        created_by_id=created_by,
    )
    await queries.add(session, version)
    return version


async def create_first_version(
    session: AsyncSession,
    jobs: JobBuffer,
    document: Document,
    *,
    created_by: uuid.UUID | None,
    request: RunRequest | None = None,
) -> DocumentVersion:
    """Version 1 of a new document: its original as uploaded, and a pending run."""
    version = await _add_first_version(session, document, created_by=created_by)
    document.current_version_id = version.id
    await request_run(session, jobs, version.id, request or RunRequest())
    return version


async def request_run(
    session: AsyncSession, jobs: JobBuffer, version_id: uuid.UUID, request: RunRequest
) -> ProcessingRun:
    """A pending run of the version (runs not yet finished are superseded: their page
    jobs stop at their next step). A password waits in Redis, with a time to live,
    for the ingest job, which deletes it once the file is decrypted."""
    await queries.supersede_open_runs(session, version_id)
    settings = request.options.as_dict()
    run = ProcessingRun(
        id=uuid.uuid4(),
        version_id=version_id,
        status=RunStatus.pending,
        settings=settings or None,
    )
    await queries.add(session, run)
    if request.password:
        jobs.put_secret(password_key(run.id), request.password, PASSWORD_TTL_SECONDS)
    return run


async def current_version(session: AsyncSession, document: Document) -> DocumentVersion:
    """The document's current version (made now for a row that has none, e.g. one
    written before versions existed and not migrated)."""
    if document.current_version_id is not None:
        version = await queries.get_version(session, document.current_version_id)
        if version is not None:
            return version
    version = await queries.version_by_number(session, document.id, 1)
    if version is None:
        version = await _add_first_version(session, document, created_by=None)
    document.current_version_id = version.id
    await session.flush()
    return version


async def claim_run(
    session: AsyncSession,
    version_id: uuid.UUID,
    *,
    open_runs: Sequence[ProcessingRun] | None = None,
) -> ProcessingRun:
    """The run ingest is to carry out: the version's open one, or a new one with the
    default settings (an ingest sent by reconcile, or for a document that had none).
    `open_runs`: the document's open runs, already read and locked (`open_runs`),
    to choose from instead of reading again."""
    if open_runs is None:
        run = await queries.open_run(session, version_id)
    else:
        # As queries.open_run orders them: newest first, then by id.
        mine = sorted(
            (run for run in open_runs if run.version_id == version_id),
            key=lambda run: run.id,
        )
        run = max(mine, key=lambda run: run.created_at, default=None)
    if run is None:
        run = ProcessingRun(id=uuid.uuid4(), version_id=version_id, status=RunStatus.pending)
        await queries.add(session, run)
    return run


async def get_run(
    session: AsyncSession, run_id: uuid.UUID, *, for_update: bool = False
) -> ProcessingRun | None:
    return await queries.get_run(session, run_id, for_update=for_update)


async def get_version(session: AsyncSession, version_id: uuid.UUID) -> DocumentVersion | None:
    return await queries.get_version(session, version_id)


async def start_fan_out(
    session: AsyncSession,
    run_id: uuid.UUID,
    *,
    pages_total: int,
    extracted: dict[str, Any],
    settings_used: dict[str, Any],
    task_id: uuid.UUID | None,
) -> ProcessingRun | None:
    """The run's pages go out to OCR, one job each; None if the run is no longer
    open (superseded by a later request)."""
    run = await queries.get_run(session, run_id, for_update=True)
    if run is None or run.status not in queries.OPEN:
        return None
    run.status = RunStatus.ocr
    run.pages_total = pages_total
    run.extracted = extracted
    run.settings = settings_used
    run.task_id = task_id
    await session.flush()
    return run


async def missing_pages(session: AsyncSession, run: ProcessingRun) -> list[int]:
    done = await queries.page_numbers(session, run.id)
    return [number for number in range(1, (run.pages_total or 0) + 1) if number not in done]


async def record_page(
    session: AsyncSession,
    run_id: uuid.UUID,
    number: int,
    *,
    text: str,
    ocr: bool,
    pdf_key: str | None,
    words_key: str | None,
) -> Progress | None:
    """Keep what a page job found (once: a second recording is ignored); None when
    the run is no longer taking pages. The run is locked, so of two pages landing
    at once, the second sees both."""
    run = await queries.get_run(session, run_id, for_update=True)
    if run is None or run.status != RunStatus.ocr:
        return None
    await queries.add_page(
        session,
        {
            "run_id": run_id,
            "number": number,
            "text": text,
            "ocr": ocr,
            "pdf_key": pdf_key,
            "words_key": words_key,
        },
    )
    done = len(await queries.page_numbers(session, run_id))
    return Progress(done=done, total=run.pages_total or 0, task_id=run.task_id)


async def add_pages(session: AsyncSession, run_id: uuid.UUID, texts: Sequence[str]) -> None:
    """Pages read without OCR (their text layer)."""
    await queries.add_pages(
        session,
        [
            {"run_id": run_id, "number": number, "text": text, "ocr": False}
            for number, text in enumerate(texts, start=1)
        ],
    )


async def page_texts(session: AsyncSession, run_id: uuid.UUID) -> list[tuple[int, str, bool]]:
    return [(page.number, page.text, page.ocr) for page in await queries.pages(session, run_id)]


async def page_files(session: AsyncSession, run_id: uuid.UUID) -> list[str | None]:
    return [page.pdf_key for page in await queries.pages(session, run_id)]


async def complete_run(
    session: AsyncSession,
    run: ProcessingRun,
    *,
    archive_key: str | None,
    thumbnail_key: str | None,
    page_count: int,
    sha256: str | None,
    settings_used: dict[str, Any] | None,
) -> Replaced:
    """Make the run's renditions the version's, in the caller's transaction; returns
    what they replaced, for the caller to delete once committed."""
    version = await queries.get_version(session, run.version_id, for_update=True)
    if version is None:
        raise NotFound(f"version {run.version_id} not found")
    replaced = await _replaced(
        session,
        version.document_id,
        version.id,
        old_keys=(version.archive_key, version.thumbnail_key),
        old_run_id=version.run_id,
        run_id=run.id,
        new_keys=(archive_key, thumbnail_key),
    )
    version.archive_key = archive_key
    version.thumbnail_key = thumbnail_key
    version.run_id = run.id
    version.page_count = page_count
    version.sha256 = sha256 or version.sha256
    version.ocr_settings = settings_used
    run.status = RunStatus.done
    run.finished_at = datetime.now(UTC)
    await session.flush()
    return replaced


async def finish_run(
    session: AsyncSession,
    run_id: uuid.UUID,
    texts: Sequence[str],
    *,
    thumbnail_key: str | None,
    page_count: int,
    sha256: str | None,
    settings_used: dict[str, Any] | None,
) -> Replaced | None:
    """`complete_run` for a run read without OCR, without loading a row: the run
    done, its pages (`texts`) recorded and its renditions the version's, in the
    caller's transaction. None if the run is no longer open (superseded); else what
    its renditions replaced, for the caller to delete once committed."""
    version_id = await queries.close_open_run(session, run_id)
    if version_id is None:
        return None
    await add_pages(session, run_id, texts)
    values: dict[str, object] = {
        "archive_key": None,
        "thumbnail_key": thumbnail_key,
        "run_id": run_id,
        "page_count": page_count,
        "ocr_settings": settings_used,
    }
    if sha256:
        values["sha256"] = sha256
    old = await queries.switch_renditions(session, version_id, values)
    if old is None:
        raise NotFound(f"version {version_id} not found")
    return await _replaced(
        session,
        old.document_id,
        version_id,
        old_keys=(old.archive_key, old.thumbnail_key),
        old_run_id=old.run_id,
        run_id=run_id,
        new_keys=(None, thumbnail_key),
    )


async def _replaced(
    session: AsyncSession,
    document_id: uuid.UUID,
    version_id: uuid.UUID,
    *,
    old_keys: Sequence[str | None],
    old_run_id: uuid.UUID | None,
    run_id: uuid.UUID,
    new_keys: Sequence[str | None],
) -> Replaced:
    """What switching a version's renditions to run `run_id` leaves behind: the old
    objects the new renditions do not reuse, and the previous run (its pages deleted
    now, its objects for the caller to delete once committed)."""
    keys = tuple(key for key in old_keys if key and key not in new_keys)
    runs: tuple[tuple[uuid.UUID, uuid.UUID, uuid.UUID], ...] = ()
    if old_run_id is not None and old_run_id != run_id:
        runs = ((document_id, version_id, old_run_id),)
        await queries.delete_pages(session, old_run_id)
    return Replaced(keys=keys, runs=runs)


async def fail_run(session: AsyncSession, run_id: uuid.UUID) -> ProcessingRun | None:
    """End an open run as failed; None if it was not open (already ended)."""
    run = await queries.get_run(session, run_id, for_update=True)
    if run is None or run.status not in queries.OPEN:
        return None
    run.status = RunStatus.failed
    run.finished_at = datetime.now(UTC)
    await session.flush()
    return run


async def open_runs(session: AsyncSession, document_id: uuid.UUID) -> list[ProcessingRun]:
    """The document's runs not yet finished, of any of its versions, locked."""
    return list(await queries.open_runs_of_document(session, document_id))


def fan_out_among(runs: Sequence[ProcessingRun]) -> ProcessingRun | None:
    """Of a document's open runs, the one whose pages are out to OCR, if one is
    (ingest, sent again, resumes it rather than starting over)."""
    return next((run for run in runs if run.status == RunStatus.ocr), None)


async def fan_out_in_progress(
    session: AsyncSession, document_id: uuid.UUID
) -> ProcessingRun | None:
    """The document's run whose pages are out to OCR, if one is."""
    return fan_out_among(await open_runs(session, document_id))


async def fail_open_runs(session: AsyncSession, document_id: uuid.UUID) -> list[ProcessingRun]:
    """End the document's unfinished runs as failed (its processing failed)."""
    runs = list(await queries.open_runs_of_document(session, document_id))
    for run in runs:
        run.status = RunStatus.failed
        run.finished_at = datetime.now(UTC)
    await session.flush()
    return runs


# --- reading and restoring -----------------------------------------------------------


async def list_versions(session: AsyncSession, document_id: uuid.UUID) -> Sequence[DocumentVersion]:
    return await queries.list_versions(session, document_id)


async def version_by_number(
    session: AsyncSession, document_id: uuid.UUID, number: int
) -> DocumentVersion:
    version = await queries.version_by_number(session, document_id, number)
    if version is None:
        raise NotFound(f"document {document_id} has no version {number}")
    return version


async def version_text(session: AsyncSession, version: DocumentVersion) -> str | None:
    """The version's text as its last completed run read it, pages split by form feeds."""
    if version.run_id is None:
        return None
    return "\f".join(page.text for page in await queries.pages(session, version.run_id))


async def make_current(session: AsyncSession, document: Document, number: int) -> DocumentVersion:
    """Point the document at one of its versions (its row mirrors the version's
    original and thumbnail)."""
    version = await version_by_number(session, document.id, number)
    document.current_version_id = version.id
    document.original_key = version.original_key
    document.thumbnail_key = version.thumbnail_key
    document.mime_type = version.mime_type
    document.size_bytes = version.size_bytes
    document.sha256 = version.sha256
    document.page_count = version.page_count
    document.content = await version_text(session, version)
    await session.flush()
    return version


async def stored_keys(session: AsyncSession, document_ids: Sequence[uuid.UUID]) -> list[str]:
    """The originals and renditions every version of these documents points at (for
    purging them; what runs made lies under the documents' renditions prefix too)."""
    keys: list[str] = []
    for version in await queries.versions_of(session, document_ids):
        keys.extend(
            key for key in (version.original_key, version.archive_key, version.thumbnail_key) if key
        )
    return list(dict.fromkeys(keys))
