"""Secrets that production refuses: well-known defaults, placeholders, short ones.

With PALESS_ENVIRONMENT=production, `settings.load` also refuses what a settings
class's `production_problems` finds with these checks.
"""

from __future__ import annotations

import re

# Compared lower-cased with everything but letters and digits removed.
WELL_KNOWN_SECRETS = frozenset(
    {
        "admin",
        "changeme",
        "default",
        "example",
        "letmein",
        "minioadmin",
        "paless",
        "palessdevsecret",
        "password",
        "passw0rd",
        "postgres",
        "redis",
        "secret",
        "seaweedfs",
        "test",
        "12345678",
        "123456789",
    }
)
MIN_SECRET_LENGTH = 16
WELL_KNOWN_REFUSAL = "contains a well-known default password; use a random one in production"
# The example deployment marks every value to replace with CHANGE-ME (CHANGE-ME-random-
# password...): a value containing it, in any spelling, was never filled in.
PLACEHOLDER_MARKER = "changeme"
PLACEHOLDER_REFUSAL = "contains a placeholder (CHANGE-ME); set the real value in production"


def _letters_and_digits(value: str) -> str:
    return re.sub(r"[^a-z0-9]", "", value.lower())


def is_well_known_secret(value: str) -> bool:
    return _letters_and_digits(value) in WELL_KNOWN_SECRETS


def is_placeholder(value: str) -> bool:
    return PLACEHOLDER_MARKER in _letters_and_digits(value)


def weak_secret_problem(value: str, *, min_length: int = MIN_SECRET_LENGTH) -> str | None:
    """Why `value` is not good enough as a production secret, or None."""
    if is_placeholder(value) and not is_well_known_secret(value):
        return "is a placeholder (CHANGE-ME); set the real secret in production"
    if is_well_known_secret(value):
        return "is a well-known default; use a random secret in production"
    if len(value) < min_length:
        return f"is shorter than {min_length} characters; use a random secret in production"
    return None
