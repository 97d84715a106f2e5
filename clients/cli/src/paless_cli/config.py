"""Where the CLI keeps the server's address and the login token.

The file is `$PALESS_CLI_CONFIG`, else `~/.config/paless/cli.json`, readable by its
owner only (it holds a bearer token). `PALESS_URL` and `PALESS_TOKEN` in the
environment take precedence over it, so scripts need no file at all.
"""

from __future__ import annotations

import json
import os
from dataclasses import asdict, dataclass
from pathlib import Path


class NotLoggedIn(Exception):
    """No server address or token, from the environment or the config file."""


@dataclass(frozen=True)
class Credentials:
    url: str
    token: str
    username: str | None = None
    expires_at: str | None = None


def config_path() -> Path:
    configured = os.environ.get("PALESS_CLI_CONFIG")
    if configured:
        return Path(configured).expanduser()
    base = os.environ.get("XDG_CONFIG_HOME") or str(Path.home() / ".config")
    return Path(base) / "paless" / "cli.json"


def save(credentials: Credentials, path: Path | None = None) -> Path:
    """Write the credentials with mode 0600 (created that way, never world-readable)."""
    path = path or config_path()
    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    os.fchmod(descriptor, 0o600)  # an older file may have had wider permissions
    with os.fdopen(descriptor, "w", encoding="utf-8") as out:
        json.dump(asdict(credentials), out, indent=2)
        out.write("\n")
    return path


def _stored(path: Path) -> dict[str, str]:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return {}
    except ValueError as exc:
        raise NotLoggedIn(f"{path} is not valid JSON ({exc}); run paless-cli login again") from None
    return {key: value for key, value in data.items() if isinstance(value, str)}


def load(path: Path | None = None) -> Credentials:
    """The credentials to use: environment first, then the config file."""
    path = path or config_path()
    stored = _stored(path)
    url = os.environ.get("PALESS_URL") or stored.get("url")
    token = os.environ.get("PALESS_TOKEN") or stored.get("token")
    if not url or not token:
        raise NotLoggedIn(
            "not logged in: run `paless-cli login --url URL --username NAME`, "
            "or set PALESS_URL and PALESS_TOKEN"
        )
    return Credentials(
        url=url,
        token=token,
        username=stored.get("username"),
        expires_at=stored.get("expires_at"),
    )
