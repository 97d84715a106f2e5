"""`paless`: the admin command (migrate, init-storage, create-user, reindex).

An entry point: each command owns its units of work (commits or rolls back).
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import sys

from paless_shared.accounts.users import create_user
from paless_shared.platform.database import create_engine, create_sessionmaker, unit_of_work
from paless_shared.platform.errors import DomainError
from paless_shared.platform.secrets import weak_secret_problem
from paless_shared.platform.settings import (
    ENV_PREFIX,
    AdminSettings,
    AuthSettings,
    ConfigurationError,
    DatabaseSettings,
    S3Settings,
    SearchSettings,
    in_production,
    load,
)
from paless_shared.platform.storage import Storage
from paless_shared.search.service import reindex_batch, session_info


async def _init_storage() -> None:
    async with Storage.open(load(S3Settings)) as storage:
        created = await storage.ensure_bucket()
    print(f"bucket {storage.bucket}: {'created' if created else 'exists'}")


def _migrate(_: argparse.Namespace) -> None:
    from paless_shared import migrate

    try:
        migrate.upgrade(str(load(DatabaseSettings).database_url))
    except migrate.MissingExtension as exc:
        # Not a bug nor a bad setting of ours: the server lacks what only its operator can add.
        print(f"paless: {exc}", file=sys.stderr)
        raise SystemExit(2) from None
    print("database: migrated to head")
    asyncio.run(_init_storage())


def _init_storage_command(_: argparse.Namespace) -> None:
    asyncio.run(_init_storage())


def _password(args: argparse.Namespace) -> str:
    """--password, or for an admin PALESS_ADMIN_PASSWORD (which stays out of the process
    list). In production it must not be a well-known or short one."""
    source = "--password"
    password: str | None = args.password
    if password is None and args.admin:
        source = f"{ENV_PREFIX}ADMIN_PASSWORD"
        secret = load(AdminSettings).admin_password
        if secret is None or not secret.get_secret_value():
            raise ConfigurationError(
                f"{source}: is required but not set (or pass --password) to create an admin"
            )
        password = secret.get_secret_value()
    if password is None:
        raise ConfigurationError("--password is required (for an admin, or PALESS_ADMIN_PASSWORD)")
    if in_production():
        problem = weak_secret_problem(password, min_length=load(AuthSettings).password_min_length)
        if problem:
            raise ConfigurationError(f"{source}: {problem}")
    return password


def _create_user_command(args: argparse.Namespace) -> None:
    password = _password(args)  # before any connection: a refusal needs none
    asyncio.run(_create_user(args, password))


async def _create_user(args: argparse.Namespace, password: str) -> None:
    engine = create_engine(load(DatabaseSettings))
    try:
        async with unit_of_work(create_sessionmaker(engine)) as session:
            user = await create_user(
                session,
                args.username,
                password,
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
    user.add_argument(
        "--password",
        help="the password; for an admin, PALESS_ADMIN_PASSWORD is used when this is omitted",
    )
    user.add_argument("--admin", action="store_true", help="give the user admin rights")
    user.add_argument(
        "--exist-ok",
        action="store_true",
        help="if the user exists, set this password and role instead of failing",
    )
    user.set_defaults(handler=_create_user_command)

    reindex = commands.add_parser(
        "reindex",
        help="rebuild every document's search index (after changing PALESS_SEARCH_LANGUAGE)",
    )
    reindex.set_defaults(handler=_reindex_command)
    return parser


def _reindex_command(_: argparse.Namespace) -> None:
    print(f"search index: {asyncio.run(_reindex())} documents reindexed")


async def _reindex() -> int:
    """A batch per transaction: a long reindex holds no long lock."""
    engine = create_engine(load(DatabaseSettings))
    sessions = create_sessionmaker(engine, info=session_info(load(SearchSettings)))
    done = 0
    after = None
    try:
        while True:
            async with unit_of_work(sessions) as session:
                ids = await reindex_batch(session, after=after)
            if not ids:
                return done
            done += len(ids)
            after = ids[-1]
    finally:
        await engine.dispose()


def main(argv: list[str] | None = None) -> None:
    logging.basicConfig(level=logging.WARNING)
    args = _parser().parse_args(argv)
    try:
        args.handler(args)
    except (ConfigurationError, DomainError) as exc:
        print(f"paless: {exc}", file=sys.stderr)
        raise SystemExit(1) from None
