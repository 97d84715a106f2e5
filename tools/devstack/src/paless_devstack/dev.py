"""`make dev`: backing servers, migrations and an admin user, then web, worker, OCR worker
and scheduler with their output merged, until Ctrl-C. `PALESS_DEV_WORKERS=N make dev`
runs N workers and `PALESS_DEV_OCR_WORKERS=N` N workers on the OCR queue (default 1
each), so scaling out can be tried on one machine."""

from __future__ import annotations

import contextlib
import logging
import os
import secrets
import shlex
import shutil
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from types import FrameType
from typing import IO

import httpx

from paless_devstack.postgres import asyncpg_url, create_database, ensure_postgres
from paless_devstack.process import RunningService, popen_detached, run_sync
from paless_devstack.redis import ensure_redis
from paless_devstack.s3 import REGION, endpoint_url, s3_answers, start_seaweedfs

log = logging.getLogger(__name__)

POSTGRES_PREFERRED = "postgresql://postgres@127.0.0.1:5432/postgres"
REDIS_PREFERRED = "redis://127.0.0.1:6379/0"
# Ports of the servers we start, each overridable (e.g. when something else holds it).
POSTGRES_EMBEDDED_PORT = ("PALESS_DEV_POSTGRES_PORT", 55432)
REDIS_EMBEDDED_PORT = ("PALESS_DEV_REDIS_PORT", 56379)
S3_PORT = ("PALESS_DEV_S3_PORT", 8333)
# Well-known dev-only values, so a person can point any S3 client at the dev stack.
S3_DEV_ACCESS_KEY = "palessdev"
S3_DEV_SECRET_KEY = "palessdevsecret"  # noqa: S105
DATABASE = "paless"
BUCKET = "paless"
ADMIN_USER = "admin"
SERVICES = ("web", "worker", "scheduler")
MAX_DEV_WORKERS = 16
DEFAULT_WORKER_METRICS_PORT = 9100
SHUTDOWN_GRACE = 10.0
HEALTH_WARNING_AFTER = 60.0

_COLOURS = {
    "web": "36",
    "worker": "35",
    "ocr": "35",
    "scheduler": "33",
    "migrate": "32",
    "setup": "32",
    "devstack": "1",
}
_PREFIX_WIDTH = 9  # len("scheduler")


class StopRequested(Exception):
    """Raised from the signal handler so any blocking step unwinds into the cleanup."""


class StepFailed(Exception):
    pass


@dataclass
class Output:
    """Merges lines from several children into our stdout, each behind its name."""

    colour: bool = field(
        default_factory=lambda: sys.stdout.isatty() and "NO_COLOR" not in os.environ
    )
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def line(self, name: str, text: str) -> None:
        prefix = f"{name:<{_PREFIX_WIDTH}}| "
        if self.colour:
            colour = _COLOURS.get(name.split("-")[0], "0")
            prefix = f"\033[{colour}m{prefix}\033[0m"
        block = "".join(prefix + part + "\n" for part in text.splitlines() or [""])
        with self._lock:
            sys.stdout.write(block)
            sys.stdout.flush()

    def pump(self, name: str, stream: IO[bytes]) -> None:
        for raw in iter(stream.readline, b""):
            self.line(name, raw.decode(errors="replace").rstrip("\r\n"))
        stream.close()


@dataclass
class Service:
    name: str
    process: subprocess.Popen[bytes]
    reader: threading.Thread


@dataclass(frozen=True)
class PlannedService:
    name: str  # as shown in the merged output: web, worker, worker-2, ...
    command: str  # the console script: paless-web, paless-worker, ...
    env: dict[str, str]


def find_repo_root(start: Path | None = None) -> Path:
    """The workspace root (pyproject.toml with [tool.uv.workspace]) at or above `start`."""
    here = (start or Path.cwd()).resolve()
    for directory in [here, *here.parents]:
        pyproject = directory / "pyproject.toml"
        if pyproject.exists() and "[tool.uv.workspace]" in pyproject.read_text():
            return directory
    return here


def default_state_dir(environ: dict[str, str]) -> Path:
    """PALESS_DEV_STATE_DIR, else .dev/ at the repository root."""
    configured = environ.get("PALESS_DEV_STATE_DIR")
    return Path(configured) if configured else find_repo_root() / ".dev"


def port_setting(environ: dict[str, str], name: str, default: int) -> int:
    value = environ.get(name, "").strip()
    if not value:
        return default
    if not value.isdigit() or not 1 <= int(value) <= 65535:
        raise StepFailed(f"{name}={value!r} is not a port number (1-65535)")
    return int(value)


def console_script(name: str) -> str:
    """A console script of the workspace venv, even if its bin dir is not on PATH."""
    beside_python = Path(sys.executable).parent / name
    if beside_python.exists():
        return str(beside_python)
    return shutil.which(name) or name


# --- backing servers ------------------------------------------------------------------------


def start_backing_servers(
    state_dir: Path, environ: dict[str, str]
) -> tuple[list[RunningService], dict[str, str]]:
    """Postgres, Redis and S3, each taken from the environment when configured there.

    Returns the servers (to stop later; found ones have no process) and the PALESS_* variables
    pointing at them. Servers are appended to the list as they start, so a failure half-way
    still lets the caller stop what is already running.
    """
    servers: list[RunningService] = []
    env: dict[str, str] = {}
    try:
        env["PALESS_DATABASE_URL"] = _database_url(state_dir, environ, servers)
        env["PALESS_REDIS_URL"] = _redis_url(state_dir, environ, servers)
        env.update(_s3_settings(state_dir, environ, servers))
    except BaseException:
        stop_servers(servers)
        raise
    return servers, env


def _database_url(state_dir: Path, environ: dict[str, str], servers: list[RunningService]) -> str:
    if "PALESS_DATABASE_URL" in environ:
        return environ["PALESS_DATABASE_URL"]
    preferred = environ.get("PALESS_DEV_POSTGRES_URL", POSTGRES_PREFERRED)
    server = ensure_postgres(state_dir, preferred, port_setting(environ, *POSTGRES_EMBEDDED_PORT))
    servers.append(server)
    url = run_sync(lambda: create_database(server.url, DATABASE))
    return asyncpg_url(url)


def _redis_url(state_dir: Path, environ: dict[str, str], servers: list[RunningService]) -> str:
    if "PALESS_REDIS_URL" in environ:
        return environ["PALESS_REDIS_URL"]
    preferred = environ.get("PALESS_DEV_REDIS_URL", REDIS_PREFERRED)
    server = ensure_redis(state_dir, preferred, port_setting(environ, *REDIS_EMBEDDED_PORT))
    servers.append(server)
    return server.url


def _s3_settings(
    state_dir: Path, environ: dict[str, str], servers: list[RunningService]
) -> dict[str, str]:
    settings = {
        "PALESS_S3_ACCESS_KEY_ID": environ.get("PALESS_S3_ACCESS_KEY_ID", S3_DEV_ACCESS_KEY),
        "PALESS_S3_SECRET_ACCESS_KEY": environ.get(
            "PALESS_S3_SECRET_ACCESS_KEY", S3_DEV_SECRET_KEY
        ),
    }
    configured = environ.get("PALESS_S3_ENDPOINT_URL")
    if configured and s3_answers(configured):
        log.info("s3: using %s", configured)
        return {"PALESS_S3_ENDPOINT_URL": configured, **settings}
    if configured:
        log.warning("s3: %s does not answer; starting SeaweedFS instead", configured)
    s3_port = port_setting(environ, *S3_PORT)
    server = start_seaweedfs(
        state_dir,
        s3_port=s3_port,
        access_key=settings["PALESS_S3_ACCESS_KEY_ID"],
        secret_key=settings["PALESS_S3_SECRET_ACCESS_KEY"],
        bucket=environ.get("PALESS_S3_BUCKET", BUCKET),
    )
    servers.append(server)
    return {"PALESS_S3_ENDPOINT_URL": endpoint_url(s3_port), **settings}


def stop_servers(servers: list[RunningService]) -> None:
    """Stop, newest first, the servers this run started; found ones are left alone."""
    for server in reversed(servers):
        if server.embedded:
            log.info("stopping %s", server.name)
            server.stop()


def child_env(environ: dict[str, str], backing: dict[str, str]) -> dict[str, str]:
    """The environment for migrate and the services: the backing servers' URLs (which already
    honour anything set in `environ`) plus defaults that `environ` may override."""
    env = dict(environ)
    env.update(backing)
    defaults = {
        "PALESS_S3_BUCKET": BUCKET,
        "PALESS_S3_REGION": REGION,
        "PALESS_ENVIRONMENT": "development",
        "PALESS_WEB_HOST": "127.0.0.1",
        "PALESS_WEB_PORT": "8000",
        # Otherwise Python children block-buffer their logs into our pipe.
        "PYTHONUNBUFFERED": "1",
    }
    for key, value in defaults.items():
        env.setdefault(key, value)
    return env


def dev_workers(environ: dict[str, str]) -> int:
    """PALESS_DEV_WORKERS: how many workers `make dev` runs (1 unless set)."""
    value = environ.get("PALESS_DEV_WORKERS", "").strip() or "1"
    if not value.isdigit() or not 1 <= int(value) <= MAX_DEV_WORKERS:
        raise StepFailed(
            f"PALESS_DEV_WORKERS={value!r}: expected a number of workers from 1 to "
            f"{MAX_DEV_WORKERS}"
        )
    return int(value)


def dev_ocr_workers(environ: dict[str, str]) -> int:
    """PALESS_DEV_OCR_WORKERS: how many OCR-queue workers `make dev` runs (1 unless set)."""
    value = environ.get("PALESS_DEV_OCR_WORKERS", "").strip() or "1"
    if not value.isdigit() or not 0 <= int(value) <= MAX_DEV_WORKERS:
        raise StepFailed(
            f"PALESS_DEV_OCR_WORKERS={value!r}: expected a number of OCR workers from 0 to "
            f"{MAX_DEV_WORKERS}"
        )
    return int(value)


def service_plan(env: dict[str, str], state_dir: Path) -> list[PlannedService]:
    """The services to run: web, PALESS_DEV_WORKERS workers, PALESS_DEV_OCR_WORKERS
    workers on the OCR queue, scheduler. Workers after the first get what must differ
    between processes on one host: a metrics port of their own (the next ones after
    the first's; none if the first serves none) and a heartbeat file of their own."""
    workers = dev_workers(env)
    ocr_workers = dev_ocr_workers(env)
    plan = [PlannedService("web", "paless-web", env)]
    base_port = int(env.get("PALESS_WORKER_METRICS_PORT") or DEFAULT_WORKER_METRICS_PORT)
    for number in range(1, workers + 1):
        if number == 1:
            plan.append(PlannedService("worker", "paless-worker", env))
            continue
        own = {
            **env,
            "PALESS_WORKER_METRICS_PORT": str(base_port + number - 1 if base_port else 0),
            "PALESS_WORKER_HEARTBEAT_FILE": str(state_dir / f"worker-{number}.heartbeat"),
        }
        plan.append(PlannedService(f"worker-{number}", "paless-worker", own))
    for number in range(1, ocr_workers + 1):
        port = base_port + workers + number - 1 if base_port else 0
        own = {
            **env,
            "PALESS_WORKER_QUEUE": "ocr",
            "PALESS_WORKER_METRICS_PORT": str(port),
            "PALESS_WORKER_HEARTBEAT_FILE": str(state_dir / f"ocr-worker-{number}.heartbeat"),
        }
        name = "ocr-worker" if number == 1 else f"ocr-worker-{number}"
        plan.append(PlannedService(name, "paless-worker", own))
    plan.append(PlannedService("scheduler", "paless-scheduler", env))
    return plan


# --- setup steps ----------------------------------------------------------------------------


def admin_password(state_dir: Path, environ: dict[str, str]) -> str:
    """PALESS_ADMIN_PASSWORD, else the one saved by an earlier run, else a new saved one."""
    if environ.get("PALESS_ADMIN_PASSWORD"):
        return environ["PALESS_ADMIN_PASSWORD"]
    saved = state_dir / "admin-password"
    if saved.exists():
        return saved.read_text().strip()
    password = secrets.token_urlsafe(12)
    state_dir.mkdir(parents=True, exist_ok=True)
    fd = os.open(saved, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as file:
        file.write(password + "\n")
    return password


def run_step(name: str, argv: list[str], env: dict[str, str], out: Output, shown: str) -> None:
    """Run a one-shot command with its output prefixed by `name`; raise if it fails.

    `shown` is what we print for the command, so a password on the command line stays out.
    """
    out.line("devstack", f"$ {shown}")
    process = subprocess.Popen(
        argv, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, env=env
    )
    try:
        assert process.stdout is not None
        out.pump(name, process.stdout)
        code = process.wait()
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
    if code != 0:
        raise StepFailed(f"`{shown}` failed with exit code {code}")


def prepare_application(env: dict[str, str], password: str, out: Output) -> None:
    paless = console_script("paless")
    run_step("migrate", [paless, "migrate"], env, out, shown="paless migrate")
    run_step(
        "setup",
        [paless, "create-user", ADMIN_USER, f"--password={password}", "--admin", "--exist-ok"],
        env,
        out,
        shown=f"paless create-user {ADMIN_USER} --password *** --admin --exist-ok",
    )


# --- services -------------------------------------------------------------------------------


def start_service(name: str, env: dict[str, str], out: Output, command: str = "") -> Service:
    process = popen_detached(
        [console_script(command or f"paless-{name}")],
        stdout=subprocess.PIPE,
        parent_death_signal=signal.SIGTERM,
        env=env,
    )
    assert process.stdout is not None
    reader = threading.Thread(
        target=out.pump, args=(name, process.stdout), name=f"pump-{name}", daemon=True
    )
    reader.start()
    return Service(name=name, process=process, reader=reader)


def stop_services(services: list[Service], out: Output) -> None:
    """SIGTERM all at once, give them SHUTDOWN_GRACE seconds together, then kill stragglers."""
    for service in services:
        if service.process.poll() is None:
            service.process.terminate()
    deadline = time.monotonic() + SHUTDOWN_GRACE
    for service in services:
        try:
            service.process.wait(max(0.0, deadline - time.monotonic()))
        except subprocess.TimeoutExpired:
            out.line(
                "devstack", f"{service.name} did not stop in {SHUTDOWN_GRACE:.0f}s; killing it"
            )
            # Its whole process group, in case it runs workers of its own.
            with contextlib.suppress(ProcessLookupError):
                os.killpg(service.process.pid, signal.SIGKILL)
            service.process.wait()
    for service in services:
        service.reader.join(timeout=2)


def web_base_url(env: dict[str, str]) -> str:
    host = env["PALESS_WEB_HOST"]
    # A wildcard bind address is not something to type into a browser.
    if host in ("0.0.0.0", "::", ""):  # noqa: S104
        host = "127.0.0.1"
    if ":" in host:
        host = f"[{host}]"
    return f"http://{host}:{env['PALESS_WEB_PORT']}"


def web_healthy(base_url: str) -> bool:
    try:
        return httpx.get(f"{base_url}/healthz", timeout=1).status_code == 200
    except httpx.HTTPError:
        return False


def banner(env: dict[str, str], password: str) -> str:
    base = web_base_url(env)
    token = (
        f"curl -s -X POST {base}/api/v1/auth/token "
        f"-d username={ADMIN_USER} --data-urlencode password={shlex.quote(password)}"
    )
    rule = "-" * 78
    return "\n".join(
        [
            rule,
            "paless is running",
            f"  API       {base}/api/v1",
            f"  Docs      {base}/docs",
            f"  Admin     username {ADMIN_USER}  password {password}",
            f"  S3        {env['PALESS_S3_ENDPOINT_URL']}  bucket {env['PALESS_S3_BUCKET']}",
            f"  Token     {token}",
            "Ctrl-C stops everything.",
            rule,
        ]
    )


def supervise(services: list[Service], env: dict[str, str], password: str, out: Output) -> int:
    """Wait until a service dies (returns 1) or a stop is requested (StopRequested escapes).
    Prints the banner once web answers /healthz."""
    base = web_base_url(env)
    started = time.monotonic()
    announced = warned = False
    while True:
        for service in services:
            code = service.process.poll()
            if code is not None:
                out.line("devstack", f"{service.name} exited with code {code}; stopping the rest")
                return 1
        if not announced and web_healthy(base):
            for text in banner(env, password).splitlines():
                out.line("devstack", text)
            announced = True
        elif not announced and not warned and time.monotonic() - started > HEALTH_WARNING_AFTER:
            out.line(
                "devstack", f"web has not answered {base}/healthz after {HEALTH_WARNING_AFTER:.0f}s"
            )
            warned = True
        time.sleep(0.5)


# --- signals and the whole run --------------------------------------------------------------


_stop_requested_at: float | None = None
# One Ctrl-C can arrive twice: from the terminal, and forwarded by `uv run` to its child.
_SAME_STOP_WITHIN = 1.0


def _request_stop(signum: int, frame: FrameType | None) -> None:
    global _stop_requested_at
    _stop_requested_at = time.monotonic()
    raise StopRequested(signal.Signals(signum).name)


def _ignore_repeat(signum: int, frame: FrameType | None) -> None:
    if _stop_requested_at is None or time.monotonic() - _stop_requested_at > _SAME_STOP_WITHIN:
        sys.stderr.write("devstack | already stopping, please wait\n")


_STOP_SIGNALS = (signal.SIGINT, signal.SIGTERM, signal.SIGHUP)


@contextlib.contextmanager
def stop_on_signals() -> Iterator[None]:
    """Turn SIGINT/SIGTERM/SIGHUP into StopRequested; inside the cleanup that follows, a second
    Ctrl-C must not abort the cleanup half-way, so repeats are only acknowledged."""
    for sig in _STOP_SIGNALS:
        signal.signal(sig, _request_stop)
    try:
        yield
    finally:
        for sig in _STOP_SIGNALS:
            signal.signal(sig, _ignore_repeat)


class _OutputHandler(logging.Handler):
    """Log records as `devstack |` lines, interleaved cleanly with the children's output."""

    def __init__(self, out: Output) -> None:
        super().__init__()
        self.out = out

    def emit(self, record: logging.LogRecord) -> None:
        self.out.line("devstack", self.format(record))


def configure_logging(out: Output) -> None:
    root = logging.getLogger()
    root.handlers[:] = [_OutputHandler(out)]
    root.setLevel(logging.INFO)
    # httpx logs every request at INFO; our readiness polling would flood the terminal.
    logging.getLogger("httpx").setLevel(logging.WARNING)


def run_dev(state_dir: Path | None = None) -> int:
    out = Output()
    configure_logging(out)
    environ = dict(os.environ)
    state_dir = state_dir or default_state_dir(environ)
    servers: list[RunningService] = []
    services: list[Service] = []
    code = 0
    try:
        with stop_on_signals():
            servers, backing = start_backing_servers(state_dir, environ)
            env = child_env(environ, backing)
            plan = service_plan(env, state_dir)
            password = admin_password(state_dir, environ)
            prepare_application(env, password, out)
            for planned in plan:
                services.append(start_service(planned.name, planned.env, out, planned.command))
            code = supervise(services, env, password, out)
    except StopRequested as stop:
        out.line("devstack", f"{stop} received; stopping")
    except StepFailed as failure:
        out.line("devstack", str(failure))
        code = 1
    except Exception as error:
        out.line("devstack", f"{type(error).__name__}: {error}")
        code = 1
    finally:
        stop_services(services, out)
        stop_servers(servers)
    return code


def run_servers(state_dir: Path | None = None) -> int:
    """Only the backing servers, printing the variables to use them; for running a service by
    hand (e.g. under a debugger) or pytest against a long-lived stack."""
    configure_logging(Output())
    environ = dict(os.environ)
    state_dir = state_dir or default_state_dir(environ)
    servers: list[RunningService] = []
    try:
        with stop_on_signals():
            servers, backing = start_backing_servers(state_dir, environ)
            env = child_env(environ, backing)
            for key in [*sorted(backing), "PALESS_S3_BUCKET", "PALESS_S3_REGION"]:
                print(f"export {key}={shlex.quote(env[key])}", flush=True)
            log.info("servers running; Ctrl-C stops them")
            while True:
                time.sleep(3600)
    except StopRequested as stop:
        log.info("%s received; stopping", stop)
    except Exception as error:
        log.error("%s: %s", type(error).__name__, error)
        return 1
    finally:
        stop_servers(servers)
    return 0
