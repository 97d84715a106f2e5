"""Write the API's OpenAPI document, as the app builds it, to a file (`make openapi`).

    uv run python tools/openapi.py [PATH]    # default: openapi.json at the repo root

The committed openapi.json is what clients are generated from (`make client`);
tests/web/test_openapi.py fails when it and the app differ.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
SPEC_PATH = REPO / "openapi.json"


def app_spec() -> dict[str, Any]:
    """The document the app serves at /openapi.json (no settings or servers needed)."""
    from paless_web.app import create_app

    spec: dict[str, Any] = create_app().openapi()
    return spec


def render(spec: dict[str, Any]) -> str:
    """Stable text: the app's key order, two-space indent, UTF-8, a final newline."""
    return json.dumps(spec, indent=2, ensure_ascii=False) + "\n"


def main(argv: list[str]) -> int:
    target = Path(argv[0]) if argv else SPEC_PATH
    text = render(app_spec())
    if target.exists() and target.read_text(encoding="utf-8") == text:
        print(f"{target}: unchanged")
        return 0
    target.write_text(text, encoding="utf-8")
    print(f"{target}: written")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
