"""What the pipeline's jobs share: where a run keeps its files in S3, reading the
run's settings, and ending a document `failed`."""

from __future__ import annotations

import logging
import uuid
from pathlib import Path

from botocore.exceptions import ClientError

from paless_shared.documents.processing import mark_failed
from paless_shared.platform.database import unit_of_work
from paless_shared.platform.ocr import OcrOptions, OcrSettings
from paless_shared.tables import TaskStatus
from paless_shared.tasks.service import Outcome, finish_task
from paless_shared.versions import service as versions
from paless_worker.context import WorkerContext
from paless_worker.metrics import DOCUMENTS_FINISHED
from paless_worker.ocr import engine

log = logging.getLogger(__name__)


class MissingOriginal(Exception):
    pass


class RunFiles:
    """Keys of one run's objects: input pages (removed once the archive is made),
    OCRed pages, word boxes, the archive and the thumbnail."""

    def __init__(
        self,
        context: WorkerContext,
        document_id: uuid.UUID,
        version_id: uuid.UUID,
        run_id: uuid.UUID,
    ) -> None:
        self.prefix = context.storage.run_prefix(document_id, version_id, run_id)

    def input_page(self, number: int) -> str:
        return f"{self.prefix}input/{number:05d}.pdf"

    def page(self, number: int) -> str:
        return f"{self.prefix}pages/{number:05d}.pdf"

    def words(self, number: int) -> str:
        return f"{self.prefix}words/{number:05d}.json"

    @property
    def archive(self) -> str:
        return f"{self.prefix}archive.pdf"

    @property
    def thumbnail(self) -> str:
        return f"{self.prefix}thumbnail.webp"

    @property
    def inputs(self) -> str:
        return f"{self.prefix}input/"


async def download(context: WorkerContext, key: str, path: Path) -> tuple[int, str]:
    """(size, sha256) of the object, written to `path`."""
    try:
        downloaded = await context.storage.download_to_file(key, path)
    except ClientError as exc:
        if exc.response.get("Error", {}).get("Code") in ("NoSuchKey", "404"):
            raise MissingOriginal from exc
        raise
    return downloaded.size, downloaded.sha256


def options_for(settings: OcrSettings, asked: dict[str, object] | None) -> OcrOptions:
    """What a run asked for, over the deployment's defaults."""
    return OcrOptions.from_mapping(dict(asked or {})).over(settings.defaults())


def text_language(options: OcrOptions) -> str | None:
    """The language a document's text is taken to be in: the first OCR language of
    `options` (a Tesseract code such as `deu`; search maps it to its stemmer)."""
    return options.languages[0] if options.languages else None


def engine_settings(options: OcrOptions) -> engine.OcrSettings:
    return engine.OcrSettings(
        mode=options.mode,  # type: ignore[arg-type]  # checked by OcrOptions
        languages=options.languages or ("eng",),
        deskew=bool(options.deskew),
        rotate_pages=bool(options.rotate_pages),
        clean=bool(options.clean),
        pdfa=bool(options.pdfa),
    )


async def fail_document(context: WorkerContext, document_id: uuid.UUID, reason: str) -> Outcome:
    """End the document `failed` with `reason`, its unfinished runs too, and the task
    of a fanned-out run (a page job failing ends the ingest task that sent it)."""
    async with unit_of_work(context.sessionmaker) as session:
        await mark_failed(session, document_id, reason)
        runs = await versions.fail_open_runs(session, document_id)
        for run in runs:
            if run.task_id is not None:
                await finish_task(
                    session,
                    run.task_id,
                    Outcome(TaskStatus.failed, error=reason, result={"document": "failed"}),
                )
    DOCUMENTS_FINISHED.labels("failed").inc()
    log.info("document.ingest.failed", extra={"document_id": str(document_id), "reason": reason})
    return Outcome(TaskStatus.failed, error=reason, result={"document": "failed"})
