"""What a document's answer carries besides its row: its tags, custom field values,
the copy it duplicates and notes, read for a whole page at once."""

from __future__ import annotations

import uuid
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from paless_shared.documents.fields import field_value
from paless_shared.documents.queries import documents as queries
from paless_shared.documents.queries import metadata
from paless_shared.platform.principal import Principal
from paless_shared.tables import Note


@dataclass
class Extras:
    """What a document's answer carries besides its row."""

    tags: list[uuid.UUID] = field(default_factory=list)
    # The document's references, each only if the reader may see what it names.
    correspondent: uuid.UUID | None = None
    document_type: uuid.UUID | None = None
    duplicate_of: uuid.UUID | None = None
    custom_fields: list[dict[str, Any]] = field(default_factory=list)
    notes: list[Note] = field(default_factory=list)


async def extras(
    session: AsyncSession,
    principal: Principal,
    document_ids: Sequence[uuid.UUID],
    *,
    notes: bool = False,
) -> dict[uuid.UUID, Extras]:
    """Tags, custom field values, correspondent, type and earlier copy (and notes) of a
    page of documents: two queries (the field values; the rest), whatever the page
    size. Only what the principal may see is shown.

    Which document another duplicates is worked out here, on read, rather than stored:
    it then follows purges, the trash and ownership changes without bookkeeping."""
    found: dict[uuid.UUID, Extras] = defaultdict(Extras)
    if not document_ids:
        return found
    for row, custom_field in await metadata.field_values(session, document_ids, principal):
        found[row.document_id].custom_fields.append(
            {
                "field": custom_field.id,
                "name": custom_field.name,
                "data_type": custom_field.data_type,
                "value": field_value(custom_field, row),
            }
        )
    for document_id, correspondent, document_type, copy, tags in await queries.references(
        session, principal, document_ids
    ):
        extra = found[document_id]
        extra.correspondent, extra.document_type, extra.duplicate_of = (
            correspondent,
            document_type,
            copy,
        )
        extra.tags = list(tags)
    if notes:
        for note in await metadata.notes_of(session, document_ids):
            found[note.document_id].notes.append(note)
    return found
