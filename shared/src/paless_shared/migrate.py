"""Running Alembic migrations from code (`paless migrate`), without an alembic.ini."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from alembic import command
from alembic.config import Config
from sqlalchemy import Connection, text

MIGRATIONS_DIR = Path(__file__).parent / "migrations"

# Every extension a migration creates (a test checks the migrations against this list), and
# where an operator gets it.
REQUIRED_EXTENSIONS = {
    "pg_trgm": (
        "it is one of PostgreSQL's contrib modules: package postgresql-contrib on most "
        "distributions, part of postgresql-NN on Debian and Ubuntu"
    ),
    "unaccent": (
        "it is one of PostgreSQL's contrib modules: package postgresql-contrib on most "
        "distributions, part of postgresql-NN on Debian and Ubuntu"
    ),
}


class MissingExtension(Exception):
    """The server lacks an extension the schema needs, or the role may not create it."""


def check_extensions(connection: Connection, names: Iterable[str] = REQUIRED_EXTENSIONS) -> None:
    """Raise MissingExtension, with one line saying what to do, unless each extension is
    installed in the database or this role can create it. Run before any migration, so a
    server without them fails clearly and changes nothing."""
    url = connection.engine.url
    where = f"{url.host or 'localhost'}:{url.port or 5432}"
    role, database, superuser, may_create = connection.execute(
        text(
            "SELECT current_user, current_database(), "
            "(SELECT rolsuper FROM pg_roles WHERE rolname = current_user), "
            "has_database_privilege(current_database(), 'CREATE')"
        )
    ).one()
    for name in names:
        installed, available, trusted = connection.execute(
            text(
                "SELECT EXISTS (SELECT 1 FROM pg_extension WHERE extname = :name), "
                "EXISTS (SELECT 1 FROM pg_available_extensions WHERE name = :name), "
                "COALESCE((SELECT bool_or(trusted) FROM pg_available_extension_versions "
                "WHERE name = :name), false)"
            ),
            {"name": name},
        ).one()
        if installed:
            continue
        if not available:
            how = REQUIRED_EXTENSIONS.get(name, "see the extension's documentation")
            raise MissingExtension(
                f"the Postgres server at {where} has no extension {name}, which the schema "
                f"needs: install it where Postgres runs ({how}), then run `paless migrate` again"
            )
        if not (superuser or (trusted and may_create)):
            raise MissingExtension(
                f"extension {name} is not installed in database {database} on {where} and role "
                f"{role} may not create it: have a superuser run `CREATE EXTENSION {name};` in "
                f"that database (or GRANT CREATE ON DATABASE {database} TO {role}), then run "
                "`paless migrate` again"
            )


def alembic_config(database_url: str | None = None) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    config.set_main_option("file_template", "%%(year)d_%%(month).2d_%%(day).2d_%%(rev)s_%%(slug)s")
    if database_url is not None:
        config.attributes["database_url"] = database_url
    return config


def upgrade(database_url: str | None = None, revision: str = "head") -> None:
    """Upgrade the schema. Alembic's env runs its own event loop, so from async code
    call this through `asyncio.to_thread`."""
    command.upgrade(alembic_config(database_url), revision)
