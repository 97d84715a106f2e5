"""What several screens need besides their own data: the tags, correspondents, types
and custom fields the user may see (pick lists, and names for the ids a page shows)."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from paless_shared.organisation.service import pick_list
from paless_shared.platform.principal import Principal
from paless_shared.tables import Correspondent, CustomField, DocumentType, Tag


@dataclass(frozen=True)
class Choices:
    tags: list[Tag]
    correspondents: list[Correspondent]
    document_types: list[DocumentType]
    custom_fields: list[CustomField]

    def by_id(self) -> dict[uuid.UUID, Any]:
        found: dict[uuid.UUID, Any] = {}
        for group in (self.tags, self.correspondents, self.document_types, self.custom_fields):
            found.update((item.id, item) for item in group)
        return found


async def choices(session: AsyncSession, principal: Principal) -> Choices:
    return Choices(
        tags=list(await pick_list(session, principal, Tag)),
        correspondents=list(await pick_list(session, principal, Correspondent)),
        document_types=list(await pick_list(session, principal, DocumentType)),
        custom_fields=list(await pick_list(session, principal, CustomField)),
    )
