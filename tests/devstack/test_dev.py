"""`make dev`'s plan of services: `PALESS_DEV_WORKERS=N` runs N workers, each with
what must differ between processes on one host (metrics port, heartbeat file)."""

from __future__ import annotations

from pathlib import Path

import pytest

from paless_devstack.dev import StepFailed, service_plan


def test_one_worker_unless_told_otherwise(tmp_path: Path) -> None:
    plan = service_plan({"PALESS_WEB_PORT": "8000"}, tmp_path)

    assert [(service.name, service.command) for service in plan] == [
        ("web", "paless-web"),
        ("worker", "paless-worker"),
        ("ocr-worker", "paless-worker"),
        ("scheduler", "paless-scheduler"),
    ]
    (ocr,) = [service for service in plan if service.name == "ocr-worker"]
    assert ocr.env["PALESS_WORKER_QUEUE"] == "ocr"
    assert ocr.env["PALESS_WORKER_METRICS_PORT"] == "9101"


def test_n_ocr_workers_or_none(tmp_path: Path) -> None:
    plan = service_plan({"PALESS_DEV_OCR_WORKERS": "2"}, tmp_path)
    names = [s.name for s in plan if s.env.get("PALESS_WORKER_QUEUE") == "ocr"]
    assert names == ["ocr-worker", "ocr-worker-2"]
    plan = service_plan({"PALESS_DEV_OCR_WORKERS": "0"}, tmp_path)
    assert [s.name for s in plan] == ["web", "worker", "scheduler"]


def test_n_workers_get_ports_and_heartbeat_files_of_their_own(tmp_path: Path) -> None:
    plan = service_plan({"PALESS_DEV_WORKERS": "3", "PALESS_DEV_OCR_WORKERS": "0"}, tmp_path)

    workers = [service for service in plan if service.command == "paless-worker"]
    assert [worker.name for worker in workers] == ["worker", "worker-2", "worker-3"]
    ports = [worker.env.get("PALESS_WORKER_METRICS_PORT", "9100") for worker in workers]
    assert ports == ["9100", "9101", "9102"]
    heartbeats = {worker.env.get("PALESS_WORKER_HEARTBEAT_FILE") for worker in workers}
    assert len(heartbeats) == 3
    assert [service.name for service in plan if service.command != "paless-worker"] == [
        "web",
        "scheduler",
    ]


def test_workers_serve_no_metrics_when_the_first_serves_none(tmp_path: Path) -> None:
    plan = service_plan({"PALESS_DEV_WORKERS": "2", "PALESS_WORKER_METRICS_PORT": "0"}, tmp_path)

    ports = [s.env["PALESS_WORKER_METRICS_PORT"] for s in plan if s.command == "paless-worker"]
    assert ports == ["0", "0", "0"]


@pytest.mark.parametrize("value", ["0", "-1", "two", "100"])
def test_a_bad_number_of_workers_is_refused_naming_the_variable(value: str, tmp_path: Path) -> None:
    with pytest.raises(StepFailed, match="PALESS_DEV_WORKERS"):
        service_plan({"PALESS_DEV_WORKERS": value}, tmp_path)
