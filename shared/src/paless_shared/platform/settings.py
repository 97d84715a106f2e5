"""Settings, one small class per concern.

Each process composes only the classes it needs, so a worker never asks for web
settings and a missing variable is reported by its full environment name.
"""

from __future__ import annotations

import functools
import os
import re
import sys
import tempfile
import time
from collections.abc import Callable
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Literal, TypeVar

from croniter import croniter
from pydantic import (
    Field,
    PostgresDsn,
    RedisDsn,
    SecretStr,
    ValidationError,
    field_validator,
    model_validator,
)
from pydantic_settings import BaseSettings, SettingsConfigDict

from paless_shared.platform.secrets import (
    PLACEHOLDER_REFUSAL,
    WELL_KNOWN_REFUSAL,
    is_placeholder,
    is_well_known_secret,
    weak_secret_problem,
)

ENV_PREFIX = "PALESS_"


class ConfigurationError(RuntimeError):
    """A setting is missing or invalid; the message names the variable."""


class _Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix=ENV_PREFIX, extra="ignore", frozen=True)

    def production_problems(self) -> list[str]:
        """What `load` refuses when PALESS_ENVIRONMENT=production (default or weak
        secrets), each naming its variable; nothing by default."""
        return []


class Environment(StrEnum):
    development = "development"
    test = "test"
    production = "production"


class LogFormat(StrEnum):
    json = "json"
    text = "text"


class AppSettings(_Settings):
    environment: Environment = Environment.development
    log_level: Literal["DEBUG", "INFO", "WARNING", "ERROR"] = "INFO"
    log_format: LogFormat = LogFormat.json

    @field_validator("log_level", mode="before")
    @classmethod
    def _upper(cls, value: object) -> object:
        return value.upper() if isinstance(value, str) else value


class DatabaseSettings(_Settings):
    database_url: PostgresDsn
    database_pool_size: Annotated[int, Field(ge=1, le=200)] = 10
    database_echo: bool = False

    @field_validator("database_url")
    @classmethod
    def _asyncpg_driver(cls, value: PostgresDsn) -> PostgresDsn:
        if value.scheme != "postgresql+asyncpg":
            raise ValueError("must use the asyncpg driver: postgresql+asyncpg://user@host/db")
        return value

    def production_problems(self) -> list[str]:
        # A URL without a password is allowed: certificate, IAM or passfile
        # authentication keeps it out of the URL. A well-known one is refused.
        if is_placeholder(str(self.database_url)):
            return [f"{ENV_PREFIX}DATABASE_URL: {PLACEHOLDER_REFUSAL}"]
        passwords = [host.get("password") for host in self.database_url.hosts()]
        if any(password and is_well_known_secret(password) for password in passwords):
            return [f"{ENV_PREFIX}DATABASE_URL: {WELL_KNOWN_REFUSAL}"]
        return []


class RedisSettings(_Settings):
    redis_url: RedisDsn
    queue_name: str = "paless:queue"
    # OCR of single pages: a queue of its own, so OCR workers scale apart.
    ocr_queue_name: str = "paless:queue:ocr"

    def production_problems(self) -> list[str]:
        if is_placeholder(str(self.redis_url)):
            return [f"{ENV_PREFIX}REDIS_URL: {PLACEHOLDER_REFUSAL}"]
        password = self.redis_url.password
        if password and is_well_known_secret(password):
            return [f"{ENV_PREFIX}REDIS_URL: {WELL_KNOWN_REFUSAL}"]
        return []


class S3Settings(_Settings):
    s3_endpoint_url: str | None = None
    # The address clients use to reach S3, when it differs from the one services use
    # (e.g. http://s3:8333 inside compose, http://localhost:8333 outside).
    s3_public_endpoint_url: str | None = None
    s3_bucket: Annotated[str, Field(min_length=3, max_length=63)]
    s3_access_key_id: str
    s3_secret_access_key: str
    s3_region: str = "us-east-1"
    s3_addressing_style: str = "path"
    s3_key_prefix: str = ""

    def production_problems(self) -> list[str]:
        problems = []
        if is_placeholder(self.s3_access_key_id):
            problems.append(f"{ENV_PREFIX}S3_ACCESS_KEY_ID: {PLACEHOLDER_REFUSAL}")
        problem = weak_secret_problem(self.s3_secret_access_key)
        if problem:
            problems.append(f"{ENV_PREFIX}S3_SECRET_ACCESS_KEY: {problem}")
        return problems


class DeliverySettings(_Settings):
    """How documents reach users: presigned URLs, their lifetime, upload limits."""

    download_url_expiry_seconds: Annotated[int, Field(ge=1, le=7 * 24 * 3600)] = 300
    upload_url_expiry_seconds: Annotated[int, Field(ge=1, le=7 * 24 * 3600)] = 3600
    max_upload_bytes: Annotated[int, Field(ge=1)] = 200 * 1024 * 1024


class MaintenanceSettings(_Settings):
    """What the worker's periodic jobs keep and for how long."""

    # Trashed documents are purged (row and objects) this many days after deletion.
    empty_trash_days: Annotated[int, Field(ge=0)] = 30
    # Finished task records are kept this long.
    task_retention_days: Annotated[int, Field(ge=0)] = 30
    # A direct upload never completed is dropped this long after its URL expired.
    upload_expiry_grace_seconds: Annotated[int, Field(ge=0)] = 3600
    # A task queued this long with no job in Redis is enqueued again.
    reconcile_queued_grace_seconds: Annotated[int, Field(ge=1)] = 60
    # Objects no row points at are reported once older than this...
    orphan_min_age_hours: Annotated[float, Field(ge=0)] = 24
    # ...and deleted too when this is true.
    sanity_remove_orphans: bool = False


class CdnSettings(_Settings):
    """CloudFront in front of the bucket: when set, download URLs are CloudFront signed
    URLs instead of S3 presigned ones."""

    cdn_base_url: str | None = None
    cdn_key_pair_id: str | None = None
    # The PEM text of the RSA private key, or a path to it in PALESS_CDN_PRIVATE_KEY_FILE.
    cdn_private_key: SecretStr | None = None
    cdn_private_key_file: Path | None = None

    @model_validator(mode="after")
    def _complete(self) -> CdnSettings:
        if self.cdn_base_url is None:
            return self
        missing = []
        if not self.cdn_key_pair_id:
            missing.append("PALESS_CDN_KEY_PAIR_ID")
        if self.cdn_private_key is None and self.cdn_private_key_file is None:
            missing.append("PALESS_CDN_PRIVATE_KEY or PALESS_CDN_PRIVATE_KEY_FILE")
        if missing:
            raise ValueError(
                "PALESS_CDN_BASE_URL is set, so these are required: " + ", ".join(missing)
            )
        return self

    @property
    def enabled(self) -> bool:
        return self.cdn_base_url is not None

    def private_key_pem(self) -> bytes:
        if self.cdn_private_key is not None:
            return self.cdn_private_key.get_secret_value().encode()
        assert self.cdn_private_key_file is not None
        return self.cdn_private_key_file.read_bytes()


class SearchSettings(_Settings):
    # Postgres text search configuration for the stored search vectors and queries:
    # `simple` (no stemming, any language) or a language such as `english` or `german`
    # (stemming; the words as written are indexed too). After changing it, run
    # `paless reindex`.
    search_language: Annotated[str, Field(pattern=r"^[a-z_]{1,63}$")] = "simple"
    # Relevance ordering ranks the newest this-many matches of a query (ranking reads
    # every candidate's index entry, so an unbounded window grows with the archive);
    # older matches follow, newest first, unranked.
    search_rank_window: Annotated[int, Field(ge=50, le=100_000)] = 1000
    # Postgres memory (work_mem, MB) a search may use for one sort or bitmap: enough
    # to keep the bitmap of a word found in every document exact (one entry per heap
    # page; 32 MB covers about 1,000,000 documents). A bitmap over it turns lossy and
    # the search reads far more. Only while the search's transaction runs.
    search_work_mem_mb: Annotated[int, Field(ge=4, le=4096)] = 64


class AuthSettings(_Settings):
    token_ttl_seconds: Annotated[int, Field(ge=60)] = 30 * 24 * 3600
    # Shortest password the API accepts for a new or changed password.
    password_min_length: Annotated[int, Field(ge=8, le=1024)] = 12
    # Failed logins counted per username and per client address over a window (in
    # Redis, shared by every web replica); reaching a limit locks that name or
    # address out for the lockout time, before any password is checked.
    login_max_failures: Annotated[int, Field(ge=1)] = 5
    login_max_failures_per_address: Annotated[int, Field(ge=1)] = 20
    login_window_seconds: Annotated[int, Field(ge=1)] = 15 * 60
    login_lockout_seconds: Annotated[int, Field(ge=1)] = 15 * 60


class HttpSettings(_Settings):
    """What the web accepts from a client and how it answers browsers."""

    # Browser origins allowed to call the API (CORS), comma-separated, e.g.
    # `https://paless.example.com`; `*` allows any; empty (the default) allows none.
    cors_origins: str = ""
    # Largest request body outside the streamed upload route (413 above it).
    web_max_body_bytes: Annotated[int, Field(ge=1024)] = 1024 * 1024
    # Largest total size of a request's header lines (431 above it).
    web_max_header_bytes: Annotated[int, Field(ge=1024, le=1024 * 1024)] = 16 * 1024

    @field_validator("cors_origins")
    @classmethod
    def _origins(cls, value: str) -> str:
        origins = [origin.strip().rstrip("/") for origin in value.split(",") if origin.strip()]
        for origin in origins:
            if origin != "*" and not re.fullmatch(r"https?://[^/\s?#]+", origin):
                raise ValueError(
                    f"{origin!r} is not an origin: scheme and host, e.g. https://app.example.com"
                )
        return ",".join(origins)

    @property
    def cors_origin_list(self) -> list[str]:
        return self.cors_origins.split(",") if self.cors_origins else []


class AdminSettings(_Settings):
    """`paless create-user --admin` without --password takes it from here, so it stays
    out of the process list and shell history."""

    admin_password: SecretStr | None = None


class WebSettings(_Settings):
    web_host: str = "127.0.0.1"
    web_port: Annotated[int, Field(ge=1, le=65535)] = 8000
    web_workers: Annotated[int, Field(ge=1, le=64)] = 1
    web_root_path: str = ""
    # Addresses (or CIDR ranges, comma-separated; `*` for any) of the proxies whose
    # X-Forwarded-For and X-Forwarded-Proto are believed: behind an ingress, its pods'
    # addresses, so the client address (login throttling, audit) is the client's.
    web_forwarded_allow_ips: str = "127.0.0.1,::1"


class WorkerSettings(_Settings):
    # Prometheus metrics on this port (0 turns them off).
    worker_metrics_port: Annotated[int, Field(ge=0, le=65535)] = 9100
    worker_concurrency: Annotated[int, Field(ge=1, le=256)] = 4
    worker_job_timeout_seconds: Annotated[int, Field(ge=1)] = 300
    worker_max_tries: Annotated[int, Field(ge=1, le=50)] = 5
    worker_poll_delay_seconds: Annotated[float, Field(gt=0, le=10)] = 0.1
    # A running job's claim in Redis lasts this long and is renewed every third of it:
    # the jobs of a worker that dies are taken up again within about this long.
    worker_lease_seconds: Annotated[float, Field(ge=1, le=300)] = 15.0
    # Processes that parse PDFs; unset means one per CPU, at most one per concurrent job.
    worker_pdf_processes: Annotated[int, Field(ge=1, le=64)] | None = None
    # Each PDF process's address-space limit, and how long one file may take.
    worker_pdf_memory_mb: Annotated[int, Field(ge=256)] = 2048
    worker_pdf_timeout_seconds: Annotated[float, Field(gt=0)] = 120.0
    # On SIGTERM, running jobs get this long to finish before they are handed back.
    worker_shutdown_grace_seconds: Annotated[int, Field(ge=0)] = 300
    # Touched while the worker's event loop runs; `paless-worker --check` reads its age.
    worker_heartbeat_file: Path = Path(tempfile.gettempdir()) / "paless-worker.heartbeat"
    worker_heartbeat_seconds: Annotated[float, Field(gt=0)] = 10.0
    # Which queue this worker serves: `ocr` (page OCR) or `default` (everything else).
    worker_queue: Literal["default", "ocr"] = "default"

    @property
    def pdf_processes(self) -> int:
        cpus = os.cpu_count() or 1
        return self.worker_pdf_processes or max(1, min(cpus, self.worker_concurrency))

    thumbnail_width: Annotated[int, Field(ge=16, le=4096)] = 400


class SchedulerSettings(_Settings):
    """When the periodic jobs run, and how schedulers share the work.

    Each job's schedule is a cron expression in UTC (minute hour day month weekday, and
    an optional sixth field for seconds, e.g. `* * * * * */2`), or `disable`.
    """

    scheduler_metrics_port: Annotated[int, Field(ge=0, le=65535)] = 9101
    # Touched every tick, by the leader and by a follower alike;
    # `paless-scheduler --check` reads its age.
    scheduler_heartbeat_file: Path = Path(tempfile.gettempdir()) / "paless-scheduler.heartbeat"
    scheduler_tick_seconds: Annotated[float, Field(gt=0)] = 5.0
    # Only the scheduler holding this Redis lease enqueues; it renews it every tick, so
    # another one takes over at most this long after the leader dies.
    scheduler_lease_seconds: Annotated[float, Field(gt=0)] = 30.0
    reconcile_cron: str = "* * * * *"
    sanity_check_cron: str = "30 3 * * *"
    empty_trash_cron: str = "0 1 * * *"
    expire_uploads_cron: str = "*/15 * * * *"
    prune_tasks_cron: str = "45 2 * * *"
    # Term rarity for relevance ranking: documents per word, counted again (one read of
    # every search vector: seconds per 100,000 documents).
    search_statistics_cron: str = "20 * * * *"
    reconcile_stale_seconds: Annotated[int, Field(ge=1)] = 600

    @field_validator(
        "reconcile_cron",
        "sanity_check_cron",
        "empty_trash_cron",
        "expire_uploads_cron",
        "prune_tasks_cron",
        "search_statistics_cron",
    )
    @classmethod
    def _cron(cls, value: str) -> str:
        value = " ".join(value.split())
        if value.lower() == "disable":
            return "disable"
        fields = len(value.split())
        # strict: also refuses dates that never come, such as 31 February.
        if not (value.startswith("@") or fields in (5, 6)) or not croniter.is_valid(
            value, strict=True
        ):
            raise ValueError(
                f"{value!r} is not a cron expression (minute hour day month weekday, "
                "optionally seconds as a sixth field) nor `disable`"
            )
        return value

    @model_validator(mode="after")
    def _lease_outlasts_ticks(self) -> SchedulerSettings:
        # The leader renews once per tick: a lease shorter than two ticks would lapse
        # between renewals whenever a tick runs a little late.
        if self.scheduler_lease_seconds <= 2 * self.scheduler_tick_seconds:
            raise ValueError(
                f"PALESS_SCHEDULER_LEASE_SECONDS ({self.scheduler_lease_seconds:g}) must be "
                "more than twice PALESS_SCHEDULER_TICK_SECONDS "
                f"({self.scheduler_tick_seconds:g})"
            )
        return self


# --- Production: no default or weak secrets (platform.secrets) ---------------------


class _EnvironmentOnly(_Settings):
    environment: Environment = Environment.development


def in_production() -> bool:
    return load(_EnvironmentOnly).environment is Environment.production


S = TypeVar("S", bound=BaseSettings)
R = TypeVar("R")


def load(settings_class: type[S]) -> S:
    """Instantiate a settings class, turning validation errors into a message that names
    each offending environment variable; in production, also refuse weak secrets."""
    try:
        settings = settings_class()
    except ValidationError as exc:
        problems = []
        for error in exc.errors():
            reason = "is required but not set" if error["type"] == "missing" else error["msg"]
            if error["loc"]:
                reason = f"{ENV_PREFIX}{str(error['loc'][0]).upper()}: {reason}"
            problems.append(reason)
        raise ConfigurationError("invalid configuration: " + "; ".join(problems)) from None
    weak = settings.production_problems() if isinstance(settings, _Settings) else []
    if weak and in_production():
        raise ConfigurationError(
            f"invalid configuration for {ENV_PREFIX}ENVIRONMENT=production: " + "; ".join(weak)
        )
    return settings


def exit_on_configuration_error(main: Callable[[], R]) -> Callable[[], R]:
    """For a process's entry point: a bad setting ends it with one line naming the
    variable (exit code 2), not a traceback."""

    @functools.wraps(main)
    def run() -> R:
        try:
            return main()
        except ConfigurationError as exc:
            print(f"{main.__module__.split('.')[0]}: {exc}", file=sys.stderr)
            raise SystemExit(2) from None

    return run


def heartbeat_is_fresh(path: Path, max_age_seconds: float) -> bool:
    """For `--check` probes: the file was touched within `max_age_seconds`."""
    try:
        return time.time() - path.stat().st_mtime < max_age_seconds
    except FileNotFoundError:
        return False
