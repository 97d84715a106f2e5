"""Jobs cross Redis as JSON: whoever can write to Redis cannot make a worker run
code by planting a pickle."""

from __future__ import annotations

import json
import pickle
import time
from pathlib import Path
from typing import Any

from arq import ArqRedis
from arq.constants import job_key_prefix, result_key_prefix

from paless_shared.platform import jobs
from paless_shared.tables import DocumentStatus
from tests.pdfs import text_pdf
from tests.worker.support import DocumentRows


async def test_uploaded_document_job_is_plain_json_naming_ingest_and_the_id(
    uploaded: Any, queue: ArqRedis
) -> None:
    document_id = await uploaded(text_pdf("As JSON"))

    raw = await queue.get(f"{job_key_prefix}{jobs.INGEST}:{document_id}")

    assert raw is not None
    payload = json.loads(raw)
    assert payload["f"] == "ingest"
    assert payload["a"] == [str(document_id)]
    assert await queue.zscore(queue.default_queue_name, f"ingest:{document_id}") is not None


class _WritesMarker:
    """Unpickling this runs `exec`: what an attacker with Redis access would plant."""

    def __init__(self, marker: Path) -> None:
        self.marker = marker

    def __reduce__(self) -> tuple[Any, ...]:
        return (exec, (f"open({str(self.marker)!r}, 'w').write('pwned')",))


async def test_planted_pickle_job_is_refused_and_the_worker_keeps_going(
    uploaded: Any,
    queue: ArqRedis,
    run_worker: Any,
    documents: DocumentRows,
    tmp_path: Path,
) -> None:
    target = await uploaded(text_pdf("Target of the planted job"))
    await queue.flushdb()  # the target's real job is gone; only the planted one names it
    marker = tmp_path / "pwned"
    planted = pickle.dumps(
        {
            "t": 1,
            "f": jobs.INGEST,
            "a": [str(target)],
            "k": {},
            "et": int(time.time() * 1000),
            "payload": _WritesMarker(marker),
        }
    )
    await queue.set(job_key_prefix + "planted", planted)
    await queue.zadd(queue.default_queue_name, {"planted": int(time.time() * 1000)})
    genuine = await uploaded(text_pdf("A genuine upload"))

    worker = await run_worker()

    assert not marker.exists(), "the worker unpickled a job from Redis"
    assert worker.jobs_failed == 1
    assert worker.jobs_complete == 1
    # The planted job did nothing; its failure is recorded, as JSON too.
    target_row = await documents.require(target)
    assert target_row.status == DocumentStatus.pending
    assert target_row.ingest_attempts == 0
    result = json.loads(await queue.get(result_key_prefix + "planted"))
    assert result["s"] is False
    # The next real job was processed normally.
    assert (await documents.require(genuine)).status == DocumentStatus.ready
