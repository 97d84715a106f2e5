"""`python -m paless_devstack dev` (or `paless-devstack dev`): the runner behind `make dev`."""

from __future__ import annotations

import argparse
from pathlib import Path

from paless_devstack.dev import run_dev, run_servers


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="paless-devstack",
        description="Run paless locally without Docker: Postgres, Redis and S3 from PyPI wheels.",
    )
    parser.add_argument(
        "--state-dir",
        type=Path,
        default=None,
        help=(
            "where embedded servers keep their data (default: PALESS_DEV_STATE_DIR, else .dev/ "
            "at the repository root)"
        ),
    )
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser(
        "dev", help="servers, migrations, admin user, then web/worker/scheduler until Ctrl-C"
    )
    commands.add_parser("servers", help="only the servers; prints the PALESS_* variables")
    args = parser.parse_args(argv)
    if args.command == "dev":
        return run_dev(args.state_dir)
    return run_servers(args.state_dir)


if __name__ == "__main__":
    raise SystemExit(main())
