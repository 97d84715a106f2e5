"""Logs and request ids shared by every service.

Logs are one JSON object per line: `event` is a dotted name (`document.ingest.ready`)
and the other keys come from `extra=`. A request id, accepted from or returned in
`X-Request-ID`, rides along into the jobs a request enqueues, so one upload can be
followed from the web through the worker.
"""

from __future__ import annotations

import json
import logging
import re
import sys
import uuid
from contextvars import ContextVar
from datetime import UTC, datetime
from typing import Any

request_id_var: ContextVar[str | None] = ContextVar("paless_request_id", default=None)

_REQUEST_ID = re.compile(r"[A-Za-z0-9._:\-]{1,128}")
# Attributes every LogRecord has; anything else on a record came from `extra=`.
_STANDARD_ATTRIBUTES = set(vars(logging.LogRecord("", 0, "", 0, "", None, None))) | {
    "message",
    "asctime",
    "taskName",
}


# --- Secrets never reach the logs ----------------------------------------------------
# Signed URLs are bearer credentials until they expire, and tokens until revoked.
# Nothing logs them on purpose (the request log has the route template, never the
# query string or headers); this is the net under that, applied to every line.

_SIGNATURE_PARAMETERS = re.compile(
    r"(?i)\b(x-amz-signature|x-amz-security-token|x-amz-credential|signature|policy"
    r"|key-pair-id)(\\?['\"]?\s*[=:]\s*\\?['\"]?)([^&\s'\"\\,;}]+)"
)
_BEARER = re.compile(r"(?i)\b(bearer\s+)[A-Za-z0-9._~+/=-]+")
REDACTED = "[REDACTED]"


# Each pattern above needs one of these words. Searching an ASCII line (every JSON line
# is: json.dumps escapes the rest) for them is a fraction of the patterns' cost, and a
# line without any, like the request log's, cannot match either pattern.
_REDACTION_WORDS = ("signature", "x-amz-security-token", "x-amz-credential", "policy",
                    "key-pair-id", "bearer")  # fmt: skip


def redact(text: str) -> str:
    """`text` with signed-URL signatures and bearer tokens replaced by [REDACTED]."""
    if text.isascii():
        lowered = text.lower()
        if not any(word in lowered for word in _REDACTION_WORDS):
            return text
    text = _SIGNATURE_PARAMETERS.sub(lambda m: m.group(1) + m.group(2) + REDACTED, text)
    return _BEARER.sub(lambda m: m.group(1) + REDACTED, text)


def clean_request_id(value: str | None) -> str:
    """The caller's id when it is a sane token, else a new one (ids end up in logs,
    so arbitrary text is not accepted)."""
    if value and _REQUEST_ID.fullmatch(value):
        return value
    return uuid.uuid4().hex


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, Any] = {
            "ts": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname.lower(),
            "logger": record.name,
            "event": record.getMessage(),
        }
        request_id = request_id_var.get()
        if request_id:
            entry["request_id"] = request_id
        for key, value in vars(record).items():
            if key not in _STANDARD_ATTRIBUTES and not key.startswith("_"):
                entry[key] = value
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        return redact(json.dumps(entry, default=str))


class TextFormatter(logging.Formatter):
    """For people at a terminal: the event, then key=value pairs."""

    def format(self, record: logging.LogRecord) -> str:
        fields = {
            key: value
            for key, value in vars(record).items()
            if key not in _STANDARD_ATTRIBUTES and not key.startswith("_")
        }
        request_id = request_id_var.get()
        if request_id:
            fields["request_id"] = request_id
        pairs = " ".join(f"{key}={value}" for key, value in fields.items())
        line = f"{record.levelname:<7} {record.name} {record.getMessage()} {pairs}".rstrip()
        if record.exc_info:
            line += "\n" + self.formatException(record.exc_info)
        return redact(line)


def configure_logging(level: str, log_format: str) -> None:
    # Neither formatter writes where a call was made from, or its thread or process:
    # logging need not look them up for every record (the logging HOWTO's
    # "Optimization" section; the caller lookup was most of a request line's cost).
    logging._srcfile = None
    logging.logThreads = False
    logging.logProcesses = False
    logging.logMultiprocessing = False
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(JsonFormatter() if log_format == "json" else TextFormatter())
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level.upper())
    # Route uvicorn's and arq's own loggers through the same handler.
    for name in ("uvicorn", "uvicorn.error", "uvicorn.access", "arq"):
        logger = logging.getLogger(name)
        logger.handlers.clear()
        logger.propagate = True
    # At DEBUG these print every S3 request with its headers and signed URL: keep them
    # at INFO whatever the level (redact() would catch the signatures, not the volume).
    for name in ("botocore", "aiobotocore", "aioboto3", "boto3", "urllib3", "s3transfer"):
        logging.getLogger(name).setLevel(max(logging.INFO, root.level))
