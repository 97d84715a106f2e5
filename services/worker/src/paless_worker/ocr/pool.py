"""OCR processes: each unit of pages runs in a process of its own, one at a time, under
a memory limit (RLIMIT_AS, which the Tesseract processes it starts inherit) and a
time limit. A unit that runs out of time has its process group killed (Tesseract
included) and fails alone: the other processes, and the units they run, go on.

Unlike the PDF pool (a `ProcessPoolExecutor`, where stopping one task means
stopping them all), each slot here is a process the pool knows, so it can stop
exactly the one that ran over. Processes are started on first use, kept for
`max_units_per_process` units, then replaced (bounding what a leak can cost).
Tesseract gets one thread per process (OMP_THREAD_LIMIT=1): parallelism comes from
running several processes, which scales better than Tesseract's own threads.
"""

from __future__ import annotations

import asyncio
import contextlib
import ctypes
import functools
import importlib
import logging
import multiprocessing
import os
import queue
import signal
import sys
from collections.abc import Mapping
from dataclasses import dataclass
from multiprocessing.connection import Connection, wait
from multiprocessing.process import BaseProcess
from typing import Any

from paless_worker.ocr.engine import (
    OcrFailed,
    OcrLimitExceeded,
    OcrUnavailable,
    OcrUnit,
    UnitResult,
    run_unit,
)
from paless_worker.pdf import InvalidDocument, limit_memory

log = logging.getLogger(__name__)


_PING = "ping"
_LAZY_MODULES = (
    "ocrmypdf._pipelines.ocr",
    "ocrmypdf._graft",
    "ocrmypdf.fpdf_renderer",
    "ocrmypdf.hocrtransform",
    "ocrmypdf.pdfa",
    "ocrmypdf.optimize",
    "ocrmypdf.builtin_plugins.tesseract_ocr",
    "ocrmypdf.builtin_plugins.pypdfium",
    "ocrmypdf.builtin_plugins.optimize",
    "ocrmypdf.builtin_plugins.concurrency",
    "ocrmypdf.builtin_plugins.default_filters",
    "ocrmypdf.builtin_plugins.ghostscript",
    "ocrmypdf.builtin_plugins.null_ocr",
    "ocrmypdf._validation_coordinator",
    "pikepdf.pdfa",
    "jsonschema",
    "fontTools.varLib.instancer",
    "fpdf",
    "pdfminer.high_level",
)


class OcrProcessDied(Exception):
    """The OCR process ended without answering: a crash (native code that runs out of
    memory under the limit aborts rather than raising), or a kill from outside. Worth
    another attempt, which gets a new process; a page that dies every time fails
    with this reason."""


@dataclass
class _Slot:
    process: BaseProcess
    connection: Connection
    units: int = 0


class OcrPool:
    """`processes` OCR processes, each limited to `memory_mb` of address space."""

    def __init__(
        self,
        processes: int,
        memory_mb: int,
        *,
        max_units_per_process: int = 50,
        environment: Mapping[str, str] | None = None,
    ) -> None:
        if processes < 1:
            raise ValueError("an OCR pool needs at least one process")
        self.processes = processes
        self.memory_mb = memory_mb
        self._max_units = max_units_per_process
        # Set in each OCR process (e.g. PATH or TESSDATA_PREFIX), over the worker's own.
        self._environment = dict(environment or {})
        self._context = multiprocessing.get_context("spawn")
        self._free: queue.Queue[_Slot | None] = queue.Queue()
        for _ in range(processes):
            self._free.put(None)  # started on first use
        self._closed = False
        self._running: dict[int, BaseProcess] = {}

    def run(self, unit: OcrUnit, *, time_limit: float) -> UnitResult:
        """OCR `unit` in one of the pool's processes (blocking; thread-safe).

        Raises `OcrLimitExceeded` past the time or memory limit, `OcrFailed` or
        `InvalidDocument` when the pages cannot be OCRed, `OcrUnavailable` when this
        machine cannot OCR as asked, `OcrProcessDied` when the process crashed.
        """
        if self._closed:
            raise RuntimeError("the OCR pool is closed")
        slot = self._free.get()
        answer: tuple[str, Any] | None = None
        try:
            if slot is not None and not slot.process.is_alive():
                slot.connection.close()
                slot = None
            if slot is None:
                slot = self._start()
            answer = self._ask(slot, unit, time_limit)
            slot.units += 1
            # A process that ran out of memory may be left unable to start threads or
            # allocate: the next unit gets a fresh one.
            if slot.units >= self._max_units or answer[0] == "limit":
                self._stop(slot)
                slot = None
        except BaseException:
            # Interrupted before the answer came: the process may still be working
            # and would hand its answer to the next unit. Stop it.
            if slot is not None and answer is None and slot.process.is_alive():
                self._kill(slot)
            if slot is not None and not slot.process.is_alive():
                slot = None
            raise
        finally:
            self._free.put(slot)
        return _result(answer)

    async def run_async(self, unit: OcrUnit, *, time_limit: float) -> UnitResult:
        """`run` from the event loop, in a thread: OCR never blocks the loop."""
        return await asyncio.to_thread(self.run, unit, time_limit=time_limit)

    def warm_up(self) -> None:
        """Start every process now, so the first pages do not wait for them."""
        taken = [self._free.get() for _ in range(self.processes)]
        slots: list[_Slot | None] = list(taken)
        try:
            started = [slot if slot is not None else self._start() for slot in taken]
            slots = list(started)
            for slot in started:
                # The answer comes once the process has imported ocrmypdf.
                slot.connection.send(_PING)
                if not slot.connection.poll(120):
                    raise OcrProcessDied("an OCR process did not start within 120 s")
                slot.connection.recv()
        finally:
            for kept in slots:
                self._free.put(kept)

    def pids(self) -> list[int]:
        """The OCR processes now running (for monitoring)."""
        return [pid for pid, process in list(self._running.items()) if process.is_alive()]

    def close(self) -> None:
        self._closed = True
        while True:
            try:
                slot = self._free.get_nowait()
            except queue.Empty:
                return
            if slot is not None:
                self._stop(slot)

    def _start(self) -> _Slot:
        ours, theirs = self._context.Pipe()
        process = self._context.Process(
            target=_serve,
            args=(theirs, self.memory_mb, self._environment),
            name="paless-ocr",
            daemon=True,
        )
        process.start()
        theirs.close()
        if process.pid is not None:
            self._running = {
                pid: known for pid, known in self._running.items() if known.is_alive()
            } | {process.pid: process}
        return _Slot(process, ours)

    def _ask(self, slot: _Slot, unit: OcrUnit, time_limit: float) -> tuple[str, Any]:
        slot.connection.send(unit)
        ready = wait([slot.connection, slot.process.sentinel], timeout=time_limit)
        if slot.connection in ready:
            try:
                answer: tuple[str, Any] = slot.connection.recv()
                return answer
            except (EOFError, OSError):
                pass
        if not ready:
            self._kill(slot)
            pages = _describe(unit)
            raise OcrLimitExceeded(f"OCR of {pages} took longer than {time_limit:g} s")
        self._kill(slot)
        reason = _exit_reason(slot.process.exitcode)
        raise OcrProcessDied(
            f"the OCR process stopped unexpectedly ({reason}) on {_describe(unit)}; "
            f"an abort under the {self.memory_mb} MB memory limit is most often a page "
            "that needs more memory"
        )

    def _kill(self, slot: _Slot) -> None:
        # The process leads its own process group (see _serve): Tesseract goes too.
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(slot.process.pid or 0, signal.SIGKILL)
        slot.process.join(5)
        slot.connection.close()

    def _stop(self, slot: _Slot) -> None:
        with contextlib.suppress(OSError, ValueError):
            slot.connection.send(None)
        slot.process.join(5)
        if slot.process.is_alive():
            self._kill(slot)
        slot.connection.close()


def _result(answer: tuple[str, Any]) -> UnitResult:
    kind, value = answer
    if kind == "ok":
        result: UnitResult = value
        return result
    if kind == "limit":
        raise OcrLimitExceeded(value)
    if kind == "failed":
        raise OcrFailed(value)
    if kind == "invalid":
        raise InvalidDocument(value)
    if kind == "unavailable":
        raise OcrUnavailable(value)
    raise RuntimeError(value)


def _describe(unit: OcrUnit) -> str:
    return f"the page(s) from page {unit.first_page}"


def _exit_reason(exitcode: int | None) -> str:
    if exitcode is None:
        return "no exit status"
    if exitcode < 0:
        try:
            return f"signal {signal.Signals(-exitcode).name}"
        except ValueError:
            return f"signal {-exitcode}"
    return f"exit status {exitcode}"


def _serve(connection: Connection, memory_mb: int, environment: dict[str, str]) -> None:
    """An OCR process: answer units until told to stop (None) or the pool goes away."""
    os.setsid()  # its own process group, so a time-out can stop Tesseract with it
    os.environ.update(environment)
    os.environ["OMP_THREAD_LIMIT"] = "1"
    _few_malloc_arenas()
    _preload()
    _remember_tool_probes()
    limit_memory(memory_mb)
    while True:
        try:
            unit = connection.recv()
        except (EOFError, OSError):
            return
        if unit is None:
            return
        if unit == _PING:
            connection.send(("ok", os.getpid()))
            continue
        connection.send(_answer(unit))


def _few_malloc_arenas() -> None:
    """glibc reserves 64 MB of address space per malloc arena, and makes one per thread
    that meets contention (ocrmypdf runs threads): under RLIMIT_AS that makes whether
    a page fits depend on timing. Two arenas keep the limit about memory."""
    if sys.platform.startswith("linux"):
        m_arena_max = -8
        with contextlib.suppress(OSError, AttributeError):
            ctypes.CDLL(None).mallopt(m_arena_max, 2)


def _preload() -> None:
    """Import what ocrmypdf imports lazily, mid-page, before the memory limit: under
    the limit a late import of a C extension fails ("failed to map segment")."""
    for name in _LAZY_MODULES:
        with contextlib.suppress(ImportError):
            importlib.import_module(name)


def _remember_tool_probes() -> None:
    """ocrmypdf asks each tool for its version (and Tesseract for its languages) on
    every run: about seven short-lived processes, ~0.15 s of CPU per page when pages
    are OCRed one run each. An OCR process keeps the first answers for its lifetime
    (it is replaced after `max_units_per_process` units, so an upgrade is seen)."""
    with contextlib.suppress(ImportError, AttributeError):
        from ocrmypdf._exec import _probe, tesseract

        versions: dict[tuple[Any, ...], str] = {}
        get_version = _probe.get_version  # type: ignore[attr-defined]

        def remembered_version(program: str, **options: Any) -> str:
            env = options.get("env")
            key: tuple[Any, ...] = (program, options.get("version_arg"), options.get("regex"))
            if env is not None:
                key += tuple(sorted(env.items()))
            if key not in versions:
                versions[key] = get_version(program, **options)
            return versions[key]

        _probe.get_version = remembered_version  # type: ignore[attr-defined]
        tesseract.get_languages = functools.cache(tesseract.get_languages)


def _answer(unit: OcrUnit) -> tuple[str, Any]:
    try:
        return ("ok", run_unit(unit))
    except MemoryError:
        return ("limit", f"OCR of {_describe(unit)} needs more memory than is allowed")
    except RuntimeError as exc:
        # Under the address-space limit a new thread's stack cannot be mapped either.
        if "can't start new thread" not in str(exc):
            log.exception("ocr.unit.crashed")
            return ("error", f"{type(exc).__name__}: {exc}"[:500])
        return ("limit", f"OCR of {_describe(unit)} needs more memory than is allowed")
    except OcrLimitExceeded as exc:
        return ("limit", str(exc))
    except OcrFailed as exc:
        return ("failed", str(exc))
    except InvalidDocument as exc:
        return ("invalid", str(exc))
    except OcrUnavailable as exc:
        return ("unavailable", str(exc))
    except Exception as exc:
        log.exception("ocr.unit.crashed")
        return ("error", f"{type(exc).__name__}: {exc}"[:500])
