"""`paless`: the admin command (migrate, init-storage, create-user)."""

from __future__ import annotations

import argparse
import asyncio
import logging
import sys

from paless_shared.db import create_engine, create_sessionmaker, unit_of_work
from paless_shared.errors import DomainError
from paless_shared.services.auth import create_user
from paless_shared.settings import ConfigurationError, DatabaseSettings, S3Settings, load
from paless_shared.storage import Storage


async def _init_storage() -> None:
    async with Storage.open(load(S3Settings)) as storage:
        created = await storage.ensure_bucket()
    print(f"bucket {storage.bucket}: {'created' if created else 'exists'}")


def _migrate(_: argparse.Namespace) -> None:
    from paless_shared import migrate

    migrate.upgrade(str(load(DatabaseSettings).database_url))
    print("database: migrated to head")
    asyncio.run(_init_storage())


def _init_storage_command(_: argparse.Namespace) -> None:
    asyncio.run(_init_storage())


async def _create_user(args: argparse.Namespace) -> None:
    engine = create_engine(load(DatabaseSettings))
    try:
        async with unit_of_work(create_sessionmaker(engine)) as session:
            user = await create_user(
                session,
                args.username,
                args.password,
                is_admin=args.admin,
                exist_ok=args.exist_ok,
            )
        print(f"user {user.username}: ready{' (admin)' if user.is_admin else ''}")
    finally:
        await engine.dispose()


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="paless", description="paless administration")
    commands = parser.add_subparsers(dest="command", required=True)

    migrate = commands.add_parser(
        "migrate", help="apply database migrations and create the S3 bucket if missing"
    )
    migrate.set_defaults(handler=_migrate)

    storage = commands.add_parser("init-storage", help="create the S3 bucket if missing")
    storage.set_defaults(handler=_init_storage_command)

    user = commands.add_parser("create-user", help="create a user who can log in")
    user.add_argument("username")
    user.add_argument("--password", required=True)
    user.add_argument("--admin", action="store_true", help="give the user admin rights")
    user.add_argument(
        "--exist-ok",
        action="store_true",
        help="if the user exists, set this password and role instead of failing",
    )
    user.set_defaults(handler=lambda args: asyncio.run(_create_user(args)))
    return parser


def main(argv: list[str] | None = None) -> None:
    logging.basicConfig(level=logging.WARNING)
    args = _parser().parse_args(argv)
    try:
        args.handler(args)
    except (ConfigurationError, DomainError) as exc:
        print(f"paless: {exc}", file=sys.stderr)
        raise SystemExit(1) from None
