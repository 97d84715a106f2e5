"""The committed Python client (clients/python) is exactly what `make client` generates
from the committed openapi.json: nobody edits it by hand, and it is never stale."""

from __future__ import annotations

import filecmp
import os
import subprocess
import sys
from pathlib import Path

from tests.conftest import REPO_ROOT

CLIENTS = REPO_ROOT / "clients"
# Written by the generator's ruff post-hooks and by Python; not part of the client.
IGNORED = {".ruff_cache", "__pycache__", ".mypy_cache", ".pytest_cache"}


def files(root: Path) -> set[str]:
    return {
        str(path.relative_to(root))
        for path in root.rglob("*")
        if path.is_file() and not IGNORED & set(path.relative_to(root).parts)
    }


def test_committed_client_is_generated_from_the_committed_spec(tmp_path: Path) -> None:
    bin_dir = Path(sys.executable).parent
    generated = tmp_path / "python"
    # The same command line as `make client`, into a scratch folder.
    done = subprocess.run(
        [
            str(bin_dir / "openapi-python-client"),
            "generate",
            "--path",
            str(REPO_ROOT / "openapi.json"),
            "--config",
            str(CLIENTS / "openapi-python-client.yaml"),
            "--custom-template-path",
            str(CLIENTS / "templates"),
            "--meta",
            "uv",
            "--overwrite",
            "--output-path",
            str(generated),
        ],
        # The post-hooks run `ruff` from PATH: the venv's, as under `uv run`.
        env={**os.environ, "PATH": f"{bin_dir}{os.pathsep}{os.environ.get('PATH', '')}"},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert "Warning" not in done.stdout, done.stdout

    committed = CLIENTS / "python"
    expected, actual = files(generated), files(committed)
    assert actual == expected, (
        f"run `make client`: missing {sorted(expected - actual)}, extra {sorted(actual - expected)}"
    )
    _, changed, errors = filecmp.cmpfiles(generated, committed, sorted(expected), shallow=False)
    assert not changed and not errors, f"run `make client`: these differ: {changed + errors}"
