"""The page jobs of a fanned-out run, and the assembly of its archive.

`ocr_page` (OCR queue) OCRs one page in an OCR process and records it once; the
page that completes the run asks for `assemble_archive` (default queue, one job id
per run). Both are idempotent: a page recorded already is not recorded again, a run
assembled already is left alone, and every object a run writes has a key of its own
that a second attempt writes again with the same bytes — so redelivery or a killed
worker never makes a second archive nor loses a page.
"""

from __future__ import annotations

import asyncio
import logging
import tempfile
import uuid
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from arq import Retry

from paless_shared.documents.processing import ExtractedDocument, lock_for_processing, mark_ready
from paless_shared.documents.service import find_document
from paless_shared.matching import service as matching
from paless_shared.platform.database import unit_of_work
from paless_shared.platform.jobs import ASSEMBLE, JobBuffer, assemble_job_id
from paless_shared.tables import RunStatus, TaskStatus
from paless_shared.tasks.service import Outcome, finish_task, record_progress
from paless_shared.versions import service as versions
from paless_worker.context import PdfTimeout, WorkerContext
from paless_worker.metrics import DOCUMENTS_FINISHED, PAGES_PROCESSED
from paless_worker.ocr import OcrUnit
from paless_worker.ocr.pool import OcrProcessDied
from paless_worker.pdf import InvalidDocument
from paless_worker.pipeline import files
from paless_worker.pipeline.ingest import delete_replaced
from paless_worker.pipeline.steps import (
    MissingOriginal,
    RunFiles,
    download,
    engine_settings,
    fail_document,
    options_for,
    text_language,
)
from paless_worker.tasks import describe_error, is_transient, retry_delay

log = logging.getLogger(__name__)

_SKIPPED = Outcome(result={"page": "skipped"})


async def ocr_page(ctx: dict[str, Any], run_id: str, number: int) -> Outcome:
    """OCR page `number` of a run and record it; the last page asks for the archive."""
    context: WorkerContext = ctx["paless"]
    run = uuid.UUID(run_id)
    job_try: int = ctx.get("job_try", 1)
    document_id: uuid.UUID | None = None
    try:
        async with unit_of_work(context.sessionmaker) as session:
            found = await versions.get_run(session, run)
            if found is None or found.status != RunStatus.ocr:
                return _SKIPPED
            version = await versions.get_version(session, found.version_id)
            if version is None:
                return _SKIPPED
            document_id = version.document_id
            recorded = number not in await versions.missing_pages(session, found)
            settings = found.settings
            keys = RunFiles(context, document_id, found.version_id, run)
        if not recorded:
            await _read_page(context, keys, run, number, settings)
        return await _record(ctx, context, keys, run, number)
    except (OcrProcessDied, MissingOriginal) as exc:
        if job_try < context.settings.worker_max_tries and isinstance(exc, OcrProcessDied):
            log.warning("ocr.page.retry", extra={"run_id": run_id, "page": number})
            raise Retry(defer=timedelta(seconds=retry_delay(job_try))) from exc
        reason = "its input is missing from storage" if isinstance(exc, MissingOriginal) else exc
        return await _fail(context, document_id, number, str(reason))
    except InvalidDocument as exc:  # OcrFailed and OcrLimitExceeded are InvalidDocuments
        return await _fail(context, document_id, number, str(exc))
    except Exception as exc:
        if not is_transient(exc) or job_try >= context.settings.worker_max_tries:
            if not is_transient(exc):
                log.exception("ocr.page.crashed", extra={"run_id": run_id, "page": number})
            return await _fail(context, document_id, number, describe_error(exc))
        raise Retry(defer=timedelta(seconds=retry_delay(job_try))) from exc


async def _read_page(
    context: WorkerContext,
    keys: RunFiles,
    run: uuid.UUID,
    number: int,
    settings: dict[str, Any] | None,
) -> None:
    options = options_for(context.ocr_settings, settings)
    with tempfile.TemporaryDirectory(prefix="paless-ocr-") as folder:
        source = Path(folder) / "input.pdf"
        await download(context, keys.input_page(number), source)
        unit = OcrUnit(source, number, Path(folder) / "out", engine_settings(options))
        result = await context.ocr_pool().run_async(
            unit, time_limit=context.ocr_settings.ocr_page_timeout_seconds
        )
        page = result.pages[0]
        await context.storage.put_bytes(keys.page(number), page.pdf.read_bytes(), "application/pdf")
    await context.storage.put_bytes(
        keys.words(number), files.words_json(page.words), "application/json"
    )
    async with unit_of_work(context.sessionmaker) as session:
        await versions.record_page(
            session,
            run,
            number,
            text=page.text,
            ocr=page.ocr,
            pdf_key=keys.page(number),
            words_key=keys.words(number),
        )
    PAGES_PROCESSED.inc()


async def _record(
    ctx: dict[str, Any], context: WorkerContext, keys: RunFiles, run: uuid.UUID, number: int
) -> Outcome:
    """Report progress; the page that completes the run asks for the assembly."""
    jobs = JobBuffer()
    async with unit_of_work(context.sessionmaker) as session:
        found = await versions.get_run(session, run, for_update=True)
        if found is None or found.status != RunStatus.ocr:
            return _SKIPPED
        missing = await versions.missing_pages(session, found)
        total = found.pages_total or 0
        done = total - len(missing)
        if found.task_id is not None:
            await record_progress(
                session, found.task_id, {"pages_done": done, "pages_total": total}
            )
        if not missing:
            # Sent from the OCR queue's worker, to the default queue.
            jobs.add(
                ASSEMBLE,
                str(run),
                job_id=assemble_job_id(run),
                _queue_name=context.redis_settings.queue_name,
            )
    await jobs.flush(ctx["redis"])
    return Outcome(result={"page": number, "pages_done": done, "pages_total": total})


async def _fail(
    context: WorkerContext, document_id: uuid.UUID | None, number: int, reason: str
) -> Outcome:
    if document_id is None:
        return Outcome(TaskStatus.failed, error=reason)
    return await fail_document(context, document_id, f"OCR of page {number} failed: {reason}")


async def assemble_archive(ctx: dict[str, Any], run_id: str) -> Outcome:
    """Join a run's OCRed pages into the archive, make it the version's rendition and
    the document `ready` (with the pages' text, indexed for search)."""
    context: WorkerContext = ctx["paless"]
    run = uuid.UUID(run_id)
    job_try: int = ctx.get("job_try", 1)
    document_id: uuid.UUID | None = None
    try:
        async with unit_of_work(context.sessionmaker) as session:
            found = await versions.get_run(session, run)
            if found is None or found.status != RunStatus.ocr:
                return Outcome(result={"archive": "unchanged"})
            if await versions.missing_pages(session, found):
                return Outcome(result={"archive": "waiting for pages"})
            version = await versions.get_version(session, found.version_id)
            document = await find_document(session, version.document_id) if version else None
            if version is None or document is None:
                return Outcome(result={"archive": "document deleted"})
            document_id = document.id
            pages = await versions.page_texts(session, run)
            page_keys = await versions.page_files(session, run)
            rules = await matching.load_rules(session, document.owner_id)
            extracted = dict(found.extracted or {})
            keys = RunFiles(context, document.id, found.version_id, run)
        with tempfile.TemporaryDirectory(prefix="paless-assemble-") as folder:
            parts = []
            for number, key in enumerate(page_keys, start=1):
                path = Path(folder) / f"{number:05d}.pdf"
                await download(context, key or keys.page(number), path)
                parts.append(path)
            archive = Path(folder) / "archive.pdf"
            await context.pdf_pool.run(
                files.assemble,
                parts,
                archive,
                time_limit=context.settings.worker_pdf_timeout_seconds,
            )
            await context.storage.put_bytes(keys.archive, archive.read_bytes(), "application/pdf")
        return await _complete(context, run, document_id, keys, pages, extracted, rules)
    except (InvalidDocument, MissingOriginal, PdfTimeout) as exc:
        reason = f"the archive could not be made: {describe_error(exc)}"
        return await _fail_assembly(context, document_id, reason)
    except Exception as exc:
        if is_transient(exc) and job_try < context.settings.worker_max_tries:
            raise Retry(defer=timedelta(seconds=retry_delay(job_try))) from exc
        log.exception("ocr.assemble.crashed", extra={"run_id": run_id})
        return await _fail_assembly(context, document_id, describe_error(exc))


async def _fail_assembly(
    context: WorkerContext, document_id: uuid.UUID | None, reason: str
) -> Outcome:
    if document_id is None:
        return Outcome(TaskStatus.failed, error=reason)
    return await fail_document(context, document_id, reason)


async def _complete(
    context: WorkerContext,
    run: uuid.UUID,
    document_id: uuid.UUID,
    keys: RunFiles,
    pages: list[tuple[int, str, bool]],
    extracted: dict[str, Any],
    rules: Any,
) -> Outcome:
    content = "\f".join(text for _, text, _ in pages)
    matches = await asyncio.get_running_loop().run_in_executor(
        context.matching_executor, matching.evaluate, rules, content
    )
    created_at = extracted.get("created_at")
    result = {"document": "ready", "pages": len(pages), "pages_done": len(pages)}
    result["pages_total"] = len(pages)
    async with unit_of_work(context.sessionmaker) as session:
        await lock_for_processing(session, document_id)  # before its run
        found = await versions.get_run(session, run, for_update=True)
        if found is None or found.status != RunStatus.ocr:
            return Outcome(result={"archive": "unchanged"})
        replaced = await versions.complete_run(
            session,
            found,
            archive_key=keys.archive,
            thumbnail_key=extracted.get("thumbnail_key"),
            page_count=len(pages),
            sha256=extracted.get("sha256"),
            settings_used=found.settings,
        )
        await mark_ready(
            session,
            document_id,
            ExtractedDocument(
                sha256=extracted.get("sha256") or "",
                size_bytes=int(extracted.get("size_bytes") or 0),
                page_count=len(pages),
                content=content,
                pdf_metadata=extracted.get("pdf_metadata") or {},
                thumbnail_key=extracted.get("thumbnail_key"),
                created_at=datetime.fromisoformat(created_at) if created_at else None,
                language=text_language(options_for(context.ocr_settings, found.settings)),
            ),
            matches=matches,
        )
        if found.task_id is not None:
            await finish_task(session, found.task_id, Outcome(result=result))
    await delete_replaced(context, replaced)
    await context.storage.delete_prefix(keys.inputs)
    DOCUMENTS_FINISHED.labels("ready").inc()
    log.info("document.ocr.ready", extra={"document_id": str(document_id), "pages": len(pages)})
    return Outcome(result=result)
