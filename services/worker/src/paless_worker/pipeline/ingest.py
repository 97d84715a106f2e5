"""The `ingest` job: from a version's original to either a `ready` document (no page
needs OCR) or its pages out on the OCR queue, one job per page.

Which pages need OCR follows the run's mode: `auto` (pages without a text layer),
`redo` and `force` (every page), `off` (none). A run that OCRs reads every page in
a page job (in `auto`, a page with text passes through unchanged), so that the
archive is made of one kind of page.
"""

from __future__ import annotations

import asyncio
import logging
import tempfile
import uuid
from datetime import timedelta
from pathlib import Path
from typing import Any

from arq import Retry

from paless_shared.documents.processing import (
    ExtractedDocument,
    lock_for_processing,
    mark_ready,
    start_processing,
)
from paless_shared.matching import service as matching
from paless_shared.platform.database import unit_of_work
from paless_shared.platform.jobs import (
    ASSEMBLE,
    OCR_PAGE,
    JobBuffer,
    assemble_job_id,
    ocr_page_job_id,
)
from paless_shared.platform.ocr import OcrOptions, password_key
from paless_shared.tables import ProcessingRun, TaskStatus
from paless_shared.tasks.service import Outcome, record_progress
from paless_shared.versions import service as versions
from paless_worker import pdf
from paless_worker.context import PdfTimeout, WorkerContext
from paless_worker.metrics import DOCUMENTS_FINISHED, PAGES_PROCESSED
from paless_worker.pipeline import files
from paless_worker.pipeline.steps import (
    MissingOriginal,
    RunFiles,
    download,
    fail_document,
    options_for,
    text_language,
)
from paless_worker.tasks import describe_error, is_transient, retry_delay
from paless_worker.tracking import begin_task, current_task, finish_task_in

log = logging.getLogger(__name__)


async def ingest(ctx: dict[str, Any], document_id: str) -> Outcome:
    """Read a document's original from S3 and process it (see the module docstring).

    Ends every document `ready` or `failed`, or hands it to the page jobs: permanent
    problems fail at once with a reason for the owner; transient ones are retried
    with backoff until the last try.
    """
    context: WorkerContext = ctx["paless"]
    doc_id = uuid.UUID(document_id)
    job_try: int = ctx.get("job_try", 1)
    try:
        return await _ingest(ctx, context, doc_id)
    except pdf.InvalidDocument as exc:
        return await fail_document(context, doc_id, str(exc))
    except MissingOriginal:
        return await fail_document(context, doc_id, "the original file is missing from storage")
    except PdfTimeout:
        limit = context.settings.worker_pdf_timeout_seconds
        return await fail_document(
            context, doc_id, f"reading the file took longer than {limit:g} s"
        )
    except Exception as exc:
        if not is_transient(exc):
            log.exception("document.ingest.crashed", extra={"document_id": str(doc_id)})
            reason = f"internal error while processing: {describe_error(exc)}"
            return await fail_document(context, doc_id, reason)
        if job_try >= context.settings.worker_max_tries:
            reason = f"gave up after {job_try} attempts: {describe_error(exc)}"
            return await fail_document(context, doc_id, reason)
        log.warning(
            "document.ingest.retry",
            extra={"document_id": str(doc_id), "try": job_try, "error": describe_error(exc)},
        )
        raise Retry(defer=timedelta(seconds=retry_delay(job_try))) from exc


async def _ingest(ctx: dict[str, Any], context: WorkerContext, doc_id: uuid.UUID) -> Outcome:
    async with unit_of_work(context.sessionmaker) as session:
        await begin_task(session)
        await lock_for_processing(session, doc_id)  # before its runs (see there)
        open_runs = await versions.open_runs(session, doc_id)
        running = versions.fan_out_among(open_runs)
        if running is not None:
            pending = await versions.missing_pages(session, running)
            run_id, version_id = running.id, running.version_id
        else:
            started = await start_processing(
                session, doc_id, max_attempts=context.settings.worker_max_tries
            )
            if started is None:
                log.info("document.ingest.skipped", extra={"document_id": str(doc_id)})
                return Outcome(result={"document": "unchanged"})
            version_id = started.version_id
            run = await versions.claim_run(session, version_id, open_runs=open_runs)
            rules = await matching.load_rules(session, started.owner_id)
            job = _Job(context, doc_id, version_id, started.original_key, run, rules)
    if running is not None:
        return await _resume(ctx, context, run_id, version_id, pending)
    return await job.run(ctx)


async def _resume(
    ctx: dict[str, Any],
    context: WorkerContext,
    run_id: uuid.UUID,
    version_id: uuid.UUID,
    pending: list[int],
) -> Outcome:
    """Ingest sent again (reconcile) while pages are out: send again the page jobs
    not done (a job arq still holds is not duplicated), or the assembly."""
    jobs = JobBuffer()
    if pending:
        _add_page_jobs(context, jobs, run_id, pending)
    else:
        jobs.add(
            ASSEMBLE,
            str(run_id),
            job_id=assemble_job_id(run_id),
            _queue_name=context.redis_settings.queue_name,
        )
    await jobs.flush(ctx["redis"])
    log.info("document.ingest.resumed", extra={"run_id": str(run_id), "pages": len(pending)})
    return Outcome(TaskStatus.running, result={"resumed": len(pending)})


def _add_page_jobs(
    context: WorkerContext, jobs: JobBuffer, run_id: uuid.UUID, numbers: list[int]
) -> None:
    queue = context.redis_settings.ocr_queue_name
    for number in numbers:
        jobs.add(
            OCR_PAGE,
            str(run_id),
            number,
            job_id=ocr_page_job_id(run_id, number),
            _queue_name=queue,
        )


class _Job:
    def __init__(
        self,
        context: WorkerContext,
        document_id: uuid.UUID,
        version_id: uuid.UUID,
        original_key: str,
        run: ProcessingRun,
        rules: matching.RuleSet,
    ) -> None:
        self.context = context
        self.document_id = document_id
        self.version_id = version_id
        self.original_key = original_key
        self.run_id = run.id
        self.options = options_for(context.ocr_settings, run.settings)
        # A text PDF is not read by OCR: its language is known only if the upload (or
        # reprocess) named one.
        self.asked_language = text_language(OcrOptions.from_mapping(dict(run.settings or {})))
        self.files = RunFiles(context, document_id, version_id, run.id)
        self.rules = rules

    async def run(self, ctx: dict[str, Any]) -> Outcome:
        context = self.context
        redis = ctx["redis"]
        secret = await redis.get(password_key(self.run_id))
        password = secret.decode() if isinstance(secret, bytes) else secret
        time_limit = context.settings.worker_pdf_timeout_seconds
        with tempfile.TemporaryDirectory(prefix="paless-ingest-") as folder:
            original = Path(folder) / "original"
            size, sha256 = await download(context, self.original_key, original)
            read = await context.pdf_pool.run(
                files.read,
                original,
                Path(folder) / "base.pdf",
                password,
                context.settings.thumbnail_width,
                time_limit=time_limit,
            )
            prepared, parsed = read.prepared, read.parsed
            texts = _page_texts(parsed)
            if parsed.thumbnail_webp is not None:
                await context.storage.put_bytes(
                    self.files.thumbnail, parsed.thumbnail_webp, "image/webp"
                )
            thumbnail = self.files.thumbnail if parsed.thumbnail_webp is not None else None
            extracted = ExtractedDocument(
                sha256=sha256,
                size_bytes=size,
                page_count=parsed.page_count,
                content=parsed.text,
                pdf_metadata=parsed.metadata,
                thumbnail_key=thumbnail,
                created_at=parsed.created_at,
                language=self.asked_language,
            )
            if not _needs_ocr(self.options, texts):
                outcome = await self._finish_without_ocr(extracted, texts)
            else:
                parts = await context.pdf_pool.run(
                    files.split_pages, prepared.path, Path(folder) / "pages", time_limit=time_limit
                )
                for number, part in enumerate(parts, start=1):
                    await context.storage.put_bytes(
                        self.files.input_page(number), part.read_bytes(), "application/pdf"
                    )
                outcome = await self._fan_out(ctx, extracted, len(parts))
        if password is not None:
            await redis.delete(password_key(self.run_id))
        return outcome

    async def _finish_without_ocr(self, extracted: ExtractedDocument, texts: list[str]) -> Outcome:
        matches = None
        if not self.rules.empty:  # no thread hand-off for an owner without rules
            matches = await asyncio.get_running_loop().run_in_executor(
                self.context.matching_executor, matching.evaluate, self.rules, extracted.content
            )
        async with unit_of_work(self.context.sessionmaker) as session:
            await lock_for_processing(session, self.document_id)  # before its run
            replaced = await versions.finish_run(
                session,
                self.run_id,
                texts,
                thumbnail_key=extracted.thumbnail_key,
                page_count=extracted.page_count,
                sha256=extracted.sha256,
                settings_used=self.options.as_dict(),
            )
            if replaced is None:
                return Outcome(result={"document": "superseded"})
            ready = await mark_ready(session, self.document_id, extracted, matches=matches)
            if ready:
                result = {"document": "ready", "pages": extracted.page_count, "ocr": False}
                outcome = Outcome(result=result)
            else:
                outcome = Outcome(result={"document": "deleted"})
            # The task ends in this transaction rather than one more.
            await finish_task_in(session, outcome)
        await delete_replaced(self.context, replaced)
        if not ready:
            return outcome
        PAGES_PROCESSED.inc(extracted.page_count)
        DOCUMENTS_FINISHED.labels("ready").inc()
        log.info(
            "document.ingest.ready",
            extra={"document_id": str(self.document_id), "pages": extracted.page_count},
        )
        return outcome

    async def _fan_out(
        self, ctx: dict[str, Any], extracted: ExtractedDocument, pages: int
    ) -> Outcome:
        task_id = current_task.get()
        progress = {"pages_done": 0, "pages_total": pages}
        jobs = JobBuffer()
        async with unit_of_work(self.context.sessionmaker) as session:
            run = await versions.start_fan_out(
                session,
                self.run_id,
                pages_total=pages,
                extracted=_as_json(extracted),
                settings_used=self.options.as_dict(),
                task_id=task_id,
            )
            if run is None:
                return Outcome(result={"document": "superseded"})
            if task_id is not None:
                await record_progress(session, task_id, progress)
            _add_page_jobs(self.context, jobs, self.run_id, list(range(1, pages + 1)))
        await jobs.flush(ctx["redis"])
        log.info(
            "document.ingest.fanned_out",
            extra={"document_id": str(self.document_id), "pages": pages},
        )
        return Outcome(TaskStatus.running, result=progress)


def _page_texts(parsed: pdf.ParsedPdf) -> list[str]:
    texts = parsed.text.split("\f")
    if len(texts) != parsed.page_count:
        # A page's own text held a form feed: page numbers of hits are then approximate.
        texts = (texts + [""] * parsed.page_count)[: parsed.page_count]
    return [text.strip() for text in texts]


def _needs_ocr(options: OcrOptions, texts: list[str]) -> bool:
    if options.mode == "off":
        return False
    if options.mode in ("force", "redo"):
        return True
    return any(not text for text in texts)


def _as_json(extracted: ExtractedDocument) -> dict[str, Any]:
    return {
        "sha256": extracted.sha256,
        "size_bytes": extracted.size_bytes,
        "page_count": extracted.page_count,
        "pdf_metadata": extracted.pdf_metadata,
        "thumbnail_key": extracted.thumbnail_key,
        "created_at": extracted.created_at.isoformat() if extracted.created_at else None,
    }


async def delete_replaced(context: WorkerContext, replaced: versions.Replaced) -> None:
    """After commit: the objects of the renditions a run replaced (best effort: the
    sanity check reports what is left)."""
    try:
        if replaced.keys:
            await context.storage.delete(*replaced.keys)
        for document_id, version_id, run_id in replaced.runs:
            prefix = context.storage.run_prefix(document_id, version_id, run_id)
            await context.storage.delete_prefix(prefix)
    except Exception as exc:  # never fail a document that is ready over clean-up
        log.warning("document.renditions.cleanup_failed", extra={"error": describe_error(exc)})
