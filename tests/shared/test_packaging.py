"""Each service ships only what it needs: the web has no PDF libraries, the worker and
scheduler have no web framework."""

from __future__ import annotations

from importlib.metadata import PackageNotFoundError, distribution

import pytest
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name


def dependency_closure(name: str) -> set[str]:
    """Every distribution `name` pulls in on this platform, requested extras included."""
    seen: set[tuple[str, frozenset[str]]] = set()
    names: set[str] = set()
    pending = [(canonicalize_name(name), frozenset[str]())]
    while pending:
        current, extras = pending.pop()
        if (current, extras) in seen:
            continue
        seen.add((current, extras))
        names.add(current)
        try:
            requirements = distribution(current).requires or []
        except PackageNotFoundError:
            continue
        for line in requirements:
            requirement = Requirement(line)
            marker = requirement.marker
            if marker and not any(marker.evaluate({"extra": e}) for e in extras or {""}):
                continue
            pending.append((canonicalize_name(requirement.name), frozenset(requirement.extras)))
    return names


@pytest.mark.parametrize(
    ("service", "forbidden"),
    [
        ("paless-web", {"pypdf", "pypdfium2", "pillow"}),
        ("paless-worker", {"fastapi", "starlette", "uvicorn"}),
        ("paless-scheduler", {"fastapi", "starlette", "uvicorn", "pypdf", "pypdfium2"}),
    ],
)
def test_service_does_not_depend_on_what_it_does_not_use(service: str, forbidden: set[str]) -> None:
    closure = dependency_closure(service)
    assert "paless-shared" in closure
    assert not closure & forbidden, f"{service} pulls in {sorted(closure & forbidden)}"


def test_web_depends_on_its_framework_and_worker_on_its_pdf_libraries() -> None:
    assert {"fastapi", "uvicorn"} <= dependency_closure("paless-web")
    assert {"pypdf", "pypdfium2", "cryptography"} <= dependency_closure("paless-worker")
