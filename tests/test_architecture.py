"""The architecture rules of docs/architecture.md, checked: import contracts (with
import-linter, as `make lint` does), where SQL runs, who commits, and module size."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
SHARED = REPO / "shared" / "src" / "paless_shared"
SOURCES = [SHARED, *(REPO / "services").glob("*/src/paless_*")]
MAX_LINES = 450

# Statement constructors: building one means running SQL.
STATEMENTS = {"select", "insert", "update", "delete", "text", "union", "union_all"}
# Session methods that talk to the database (flush and begin_nested aside: services
# flush, and platform.database.flush_unique wraps one in a savepoint).
SESSION_SQL = {"execute", "scalar", "scalars", "stream", "get", "add", "add_all", "delete"}
SESSION_SQL |= {"merge", "refresh"}


def _lint_imports(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(Path(sys.executable).parent / "lint-imports"), "--no-cache", *args],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


def _modules() -> list[Path]:
    return [
        path
        for source in SOURCES
        for path in sorted(source.rglob("*.py"))
        if "migrations" not in path.parts
    ]


def _name(path: Path) -> str:
    return str(path.relative_to(REPO))


def _runs_sql_here(path: Path) -> bool:
    """Where SQL may be built and run: a domain's queries, the access conditions
    queries compose, the tables, the database module of the platform, and the migration
    runner (which checks the server's extensions before any migration)."""
    parts = path.relative_to(SHARED).parts if path.is_relative_to(SHARED) else ()
    return bool(parts) and (
        "queries" in parts
        or parts[-1] == "queries.py"
        or parts[:2] == ("access", "conditions.py")
        or parts[0] == "tables"
        or parts == ("platform", "database.py")
        or parts == ("migrate.py",)
    )


def test_import_contracts_are_kept() -> None:
    result = _lint_imports()
    assert result.returncode == 0, result.stdout + result.stderr
    assert "0 broken" in result.stdout


def test_a_broken_contract_fails(tmp_path: Path) -> None:
    """The check can fail: a contract the code breaks (documents imports the platform)
    makes lint-imports exit non-zero, naming the import."""
    config = tmp_path / "broken.toml"
    config.write_text(
        "[tool.importlinter]\n"
        'root_packages = ["paless_shared"]\n'
        "[[tool.importlinter.contracts]]\n"
        'name = "documents without the platform"\n'
        'type = "forbidden"\n'
        'source_modules = ["paless_shared.documents"]\n'
        'forbidden_modules = ["paless_shared.platform"]\n'
    )
    result = _lint_imports("--config", str(config))
    assert result.returncode != 0
    assert "BROKEN" in result.stdout
    assert "paless_shared.documents" in result.stdout


@pytest.mark.parametrize("path", _modules(), ids=_name)
def test_no_module_is_over_the_size_limit(path: Path) -> None:
    lines = len(path.read_text(encoding="utf-8").splitlines())
    assert lines <= MAX_LINES, f"{_name(path)} has {lines} lines: split it by concern"


def _sql_use(tree: ast.AST) -> list[str]:
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("sqlalchemy"):
            found += [f"imports {a.name}" for a in node.names if a.name in STATEMENTS]
        if (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute)
            and node.func.attr in SESSION_SQL
            and ast.unparse(node.func.value).split(".")[-1] == "session"
        ):
            found.append(f"line {node.lineno}: {ast.unparse(node.func)}()")
    return found


def test_sql_lives_in_queries_modules() -> None:
    """Services, routes, jobs and commands call queries; they build no statement and
    run none themselves."""
    offenders = {
        _name(path): use
        for path in _modules()
        if not _runs_sql_here(path)
        and (use := _sql_use(ast.parse(path.read_text(encoding="utf-8"))))
    }
    assert offenders == {}


# Who may commit or roll back: the unit of work (platform.database), the admin
# command, the web's request dependency, and the two routes docs/architecture.md
# names (login, over the API and in the web UI, records a failed attempt; upload ends
# the transaction before streaming). The worker's jobs commit through unit_of_work.
MAY_COMMIT = {
    "shared/src/paless_shared/platform/database.py",
    "services/web/src/paless_web/deps.py",
    "services/web/src/paless_web/routes/auth.py",
    "services/web/src/paless_web/routes/documents.py",
    "services/web/src/paless_web/ui/routes/auth.py",
}


def test_only_entry_points_commit() -> None:
    committing = set()
    for path in _modules():
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Attribute)
                and node.func.attr in ("commit", "rollback")
            ):
                committing.add(_name(path))
    assert committing <= MAY_COMMIT, committing - MAY_COMMIT


def test_the_sql_check_finds_sql() -> None:
    """The check above can fail: it sees a statement built and a session running one."""
    code = (
        "from sqlalchemy import select\n"
        "async def f(uow):\n"
        "    await uow.session.execute(select(1))\n"
        "    await uow.session.flush()\n"
    )
    assert _sql_use(ast.parse(code)) == ["imports select", "line 3: uow.session.execute()"]
