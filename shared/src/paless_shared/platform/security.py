"""Password hashing (Argon2 via pwdlib) and API token secrets."""

from __future__ import annotations

import hashlib
import secrets

from pwdlib import PasswordHash

_passwords = PasswordHash.recommended()
# Verifying against this when a user does not exist keeps the timing of a failed
# login the same whether or not the username is known.
_DUMMY_HASH = _passwords.hash(secrets.token_urlsafe(16))


def hash_password(password: str) -> str:
    return _passwords.hash(password)


def verify_password(password: str, password_hash: str | None) -> bool:
    if password_hash is None:
        _passwords.verify(password, _DUMMY_HASH)
        return False
    return _passwords.verify(password, password_hash)


def new_token_secret() -> str:
    """A 256-bit random bearer token."""
    return secrets.token_urlsafe(32)


def hash_token(secret: str) -> str:
    # Tokens are high-entropy random strings, so a fast hash is enough: there is
    # nothing to brute-force, and lookups stay an indexed equality match.
    return hashlib.sha256(secret.encode()).hexdigest()
