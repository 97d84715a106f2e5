"""Vendor the web UI's front-end libraries from the npm registry (`make vendor-ui`).

Each library is fetched with `npm pack` at a pinned version, its tarball's integrity
(the registry's sha512) checked against the one recorded in the lock file when there is
one, and the one file the UI needs copied out. Nothing is loaded from a CDN at run time:
the web serves these files itself, and the browser tests load axe-core from the tests.

    uv run python tools/vendor_ui.py          # fetch, verify, copy, write the lock
    uv run python tools/vendor_ui.py --check  # verify the committed files match the lock
"""

from __future__ import annotations

import argparse
import hashlib
import json
import subprocess
import sys
import tarfile
import tempfile
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
STATIC = ROOT / "services/web/src/paless_web/ui/static/vendor"
TEST_VENDOR = ROOT / "tests/ui/vendor"
LOCK = ROOT / "tools/vendor_ui.lock.json"


@dataclass(frozen=True)
class Library:
    package: str
    version: str
    file: str  # inside the tarball's package/ folder
    destination: Path


LIBRARIES = [
    Library("htmx.org", "2.0.11", "dist/htmx.min.js", STATIC / "htmx.min.js"),
    Library("axe-core", "4.11.1", "axe.min.js", TEST_VENDOR / "axe.min.js"),
]


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def fetch(library: Library, recorded: dict[str, str] | None) -> dict[str, str]:
    with tempfile.TemporaryDirectory() as folder:
        out = subprocess.run(
            ["npm", "pack", f"{library.package}@{library.version}", "--json"],
            cwd=folder,
            check=True,
            capture_output=True,
            text=True,
        )
        packed = json.loads(out.stdout)[0]
        if recorded and recorded["integrity"] != packed["integrity"]:
            raise SystemExit(f"{library.package}@{library.version}: integrity changed")
        with tarfile.open(Path(folder) / packed["filename"]) as tar:
            member = tar.extractfile(f"package/{library.file}")
            assert member is not None, library.file
            data = member.read()
    library.destination.parent.mkdir(parents=True, exist_ok=True)
    library.destination.write_bytes(data)
    return {
        "version": library.version,
        "integrity": packed["integrity"],
        "file": library.file,
        "path": str(library.destination.relative_to(ROOT)),
        "sha256": hashlib.sha256(data).hexdigest(),
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="verify, fetch nothing")
    args = parser.parse_args()
    lock = json.loads(LOCK.read_text()) if LOCK.exists() else {}
    if args.check:
        bad = [
            name
            for name, entry in lock.items()
            if not (path := ROOT / entry["path"]).exists() or sha256(path) != entry["sha256"]
        ]
        for name in bad:
            print(f"{name}: the vendored file does not match {LOCK.name}", file=sys.stderr)
        return 1 if bad else 0
    new_lock = {}
    for library in LIBRARIES:
        previous = lock.get(library.package)
        same_version = previous if previous and previous["version"] == library.version else None
        new_lock[library.package] = fetch(library, same_version)
        print(f"{library.package}@{library.version} -> {new_lock[library.package]['path']}")
    LOCK.write_text(json.dumps(new_lock, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
