"""paless-cli's credentials: a file only its owner can read, overridden by the
environment. (The commands themselves run against real processes in
tests/e2e/test_client.py.)"""

from __future__ import annotations

import json
import stat
from pathlib import Path

import pytest

from paless_cli import config
from paless_cli.api import error_from
from paless_cli.main import build_parser, snippet_text


@pytest.fixture(autouse=True)
def no_credentials_in_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    monkeypatch.delenv("PALESS_URL", raising=False)
    monkeypatch.delenv("PALESS_TOKEN", raising=False)
    path = tmp_path / "home" / "paless" / "cli.json"
    monkeypatch.setenv("PALESS_CLI_CONFIG", str(path))
    return path


def test_saved_credentials_are_readable_by_their_owner_only(
    no_credentials_in_env: Path,
) -> None:
    path = no_credentials_in_env
    path.parent.mkdir(parents=True)
    path.write_text("{}")
    path.chmod(0o644)  # left by something else, world-readable

    written = config.save(config.Credentials(url="http://paless.test", token="secret"))

    assert written == path
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert json.loads(path.read_text())["token"] == "secret"
    assert config.load() == config.Credentials(url="http://paless.test", token="secret")


def test_environment_overrides_the_file(monkeypatch: pytest.MonkeyPatch) -> None:
    config.save(config.Credentials(url="http://file.test", token="from-file", username="ann"))
    monkeypatch.setenv("PALESS_TOKEN", "from-env")

    loaded = config.load()

    assert (loaded.url, loaded.token, loaded.username) == ("http://file.test", "from-env", "ann")


def test_without_credentials_it_says_how_to_log_in(no_credentials_in_env: Path) -> None:
    with pytest.raises(config.NotLoggedIn, match="paless-cli login"):
        config.load()

    no_credentials_in_env.parent.mkdir(parents=True)
    no_credentials_in_env.write_text("{not json")
    with pytest.raises(config.NotLoggedIn, match="not valid JSON"):
        config.load()


def test_errors_carry_the_problem_title_and_detail() -> None:
    problem = {"type": "urn:paless:problem:conflict", "title": "Conflict", "status": 409}
    problem["detail"] = "the file has not reached storage yet"

    error = error_from(409, json.dumps(problem).encode())
    assert (error.status, error.title, error.detail) == (409, "Conflict", problem["detail"])

    proxy = error_from(502, b"<html>Bad gateway</html>")
    assert (proxy.title, proxy.detail) == ("Bad Gateway", "<html>Bad gateway</html>")


def test_search_snippets_lose_their_html_but_keep_the_hits() -> None:
    text = snippet_text("total &lt;due&gt;:\f<mark>invoice</mark> of\n<mark>May</mark>")

    assert text.plain == "total <due>: invoice of May"
    assert [text.plain[span.start : span.end] for span in text.spans] == ["invoice", "May"]


def test_a_malformed_command_line_is_a_usage_error() -> None:
    with pytest.raises(SystemExit) as exited:
        build_parser().parse_args(["ls", "--limit", "500"])
    assert exited.value.code == 2
