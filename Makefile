SHELL := bash
.SHELLFLAGS := -eu -o pipefail -c
.DEFAULT_GOAL := help

# uv from PATH, else the copy `pip install --user uv` puts in the user scripts dir (PyPI is the
# only network we can count on, so no curl installer). The rule below installs it on demand.
USER_BIN := $(or $(shell python3 -c 'import site; print(site.USER_BASE)' 2>/dev/null),$(HOME)/.local)/bin
UV := $(or $(shell command -v uv 2>/dev/null),$(USER_BIN)/uv)

.PHONY: help uv dev test test-fast test-stateful lint fmt bench images openapi client

help:
	@echo "make dev    run paless locally (Postgres, Redis, SeaweedFS, web, worker, scheduler)"
	@echo "make test   run the test suite (PYTEST_ARGS='-k name' to narrow it)"
	@echo "make test-fast  the suite without the e2e and faults markers (real-process suites)"
	@echo "make test-stateful  the long stateful schemathesis run (not part of make test)"
	@echo "make lint   ruff check, ruff format --check, mypy, import contracts (lint-imports)"
	@echo "make fmt    ruff format and ruff check --fix"
	@echo "make bench  run the benchmarks (figures in bench/results/)"
	@echo "make openapi write openapi.json from the app"
	@echo "make client  regenerate the Python client in clients/python from openapi.json"
	@echo "make images build the three images (REGISTRY=registry.example/team/ VERSION=1.2.3)"
	@echo "make uv     install uv if missing"

uv: $(UV)

# Debian's system Python refuses --user installs without --break-system-packages (PEP 668).
$(USER_BIN)/uv:
	@echo "uv not found; installing it with pip --user"
	python3 -m pip install --user uv || python3 -m pip install --user --break-system-packages uv

dev: $(UV)
	$(UV) sync --all-packages
	$(UV) run python -m paless_devstack dev

# pytest's exit code is make's: 5 (no tests collected) fails the target like any failure.
test: $(UV)
	$(UV) sync --all-packages
	$(UV) run pytest $(PYTEST_ARGS)

# Everything but the suites that run the services as processes and inject faults.
test-fast: $(UV)
	$(UV) sync --all-packages
	$(UV) run pytest -m "not e2e and not faults and not schemathesis_long" $(PYTEST_ARGS)

# The long stateful schemathesis run (left out of `make test`): sequences of linked calls.
test-stateful: $(UV)
	$(UV) sync --all-packages
	$(UV) run pytest -m schemathesis_long $(PYTEST_ARGS)

lint: $(UV)
	$(UV) run ruff check .
	$(UV) run ruff format --check .
	$(UV) run mypy shared/src services/*/src tools/devstack/src tools/openapi.py clients/cli/src
	$(UV) run lint-imports --no-cache

fmt: $(UV)
	$(UV) run ruff format .
	$(UV) run ruff check --fix .

bench: $(UV)
	$(UV) sync --all-packages
	$(UV) run python bench/ingest.py
	$(UV) run python bench/download.py
	$(UV) run python bench/memory.py
	$(UV) run python bench/search.py
	$(UV) run python bench/report.py

# The API's OpenAPI document, committed; tests/web/test_openapi.py fails when it is stale.
openapi: $(UV)
	$(UV) run python tools/openapi.py openapi.json

# The generated client, committed (clients/python, package paless_client). Same input,
# same generator version (pinned in pyproject.toml), same code.
CLIENT_ARGS := --path openapi.json --config clients/openapi-python-client.yaml \
	--custom-template-path clients/templates --meta uv --overwrite

client: openapi
	$(UV) run openapi-python-client generate $(CLIENT_ARGS) --output-path clients/python

# Image names: $(REGISTRY)paless-<service>:$(VERSION). REGISTRY ends with a slash when set.
REGISTRY ?=
VERSION ?= $(shell git describe --tags --always --dirty 2>/dev/null || echo dev)
SERVICES := web worker scheduler

images:
	for service in $(SERVICES); do \
		docker build -f services/$$service/Dockerfile -t $(REGISTRY)paless-$$service:$(VERSION) . ; \
	done
