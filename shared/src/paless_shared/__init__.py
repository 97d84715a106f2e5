"""paless's common package: a platform layer, the tables, and one package per domain.

    platform/      database, jobs and queue, storage, settings, errors, observability,
                   pagination, principal, security primitives; imports no domain
    tables/        SQLAlchemy models, one module per domain; imports only platform
    <domain>/      access, accounts, audit, documents, maintenance, matching,
                   organisation, search, sharing, tasks: service modules, `queries`
                   and read models
    cli.py         the `paless` admin command (an entry point)
    migrate.py, migrations/   Alembic

The rules (docs/architecture.md; import contracts in pyproject.toml, checked by
tests/test_architecture.py):

- SQL: every statement is built and run in a domain's `queries` module (or package);
  `access.conditions` holds the WHERE fragments those queries compose. Service
  functions call their own domain's queries and other domains' services; entry points
  (routes, jobs, commands) call services and run no SQL.
- Transactions: the entry point (request dependency, job, command) commits or rolls
  back; services and queries only flush. Named exceptions: the maintenance batch jobs
  (a unit of work per batch), and two web routes (see docs/architecture.md).
- Domains import one another without cycles; platform and tables import no domain;
  nothing here imports a service package (web, worker, scheduler).
"""
