"""The caller of an operation, as every service sees it."""

from __future__ import annotations

import uuid
from dataclasses import dataclass


@dataclass(frozen=True)
class Principal:
    """Who is asking: the web builds one per request from the token's user; jobs act
    on behalf of a document's owner."""

    user_id: uuid.UUID
    is_admin: bool = False
    username: str | None = None
