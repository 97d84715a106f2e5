"""Editing documents' metadata: title, dates, tags, correspondent, type, archive serial
number, custom field values and notes; one at a time or in bulk, in one transaction."""

from __future__ import annotations

import math
import uuid
from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time
from decimal import Decimal, InvalidOperation
from typing import Any

from pydantic import AnyUrl, TypeAdapter, ValidationError
from sqlalchemy import delete, or_, select, update
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from paless_shared import matching
from paless_shared.access import Principal, can_change, can_view
from paless_shared.errors import Conflict, Forbidden, InvalidInput, NotFound
from paless_shared.models import (
    Correspondent,
    CustomField,
    CustomFieldType,
    CustomFieldValue,
    Document,
    DocumentType,
    MatchingAlgorithm,
    Note,
    Tag,
    document_tags,
)
from paless_shared.search import refresh_search
from paless_shared.services.audit import record
from paless_shared.services.organisation import CURRENCY, tag_ancestors

_URL = TypeAdapter(AnyUrl)
MAX_STRING = 255
MAX_LONGTEXT = 65_536
INT64 = 2**63


# --- reading what the responses show ---


@dataclass
class Extras:
    """What a document's answer carries besides its row."""

    tags: list[uuid.UUID] = field(default_factory=list)
    custom_fields: list[dict[str, Any]] = field(default_factory=list)
    notes: list[Note] = field(default_factory=list)


def field_value(custom_field: CustomField, row: CustomFieldValue) -> Any:
    data_type = custom_field.data_type
    if data_type is CustomFieldType.date:
        return row.value_date.isoformat() if row.value_date else None
    if data_type is CustomFieldType.boolean:
        return row.value_bool
    if data_type is CustomFieldType.integer:
        return row.value_int
    if data_type is CustomFieldType.float:
        return row.value_float
    if data_type is CustomFieldType.monetary:
        if row.value_monetary is None:
            return None
        return {"amount": f"{row.value_monetary:.2f}", "currency": row.value_currency}
    if data_type is CustomFieldType.documentlink:
        return [str(document_id) for document_id in row.value_documents or []]
    return row.value_text


async def extras(
    session: AsyncSession,
    principal: Principal,
    document_ids: Sequence[uuid.UUID],
    *,
    notes: bool = False,
) -> dict[uuid.UUID, Extras]:
    """Tags and custom field values (and notes) of a page of documents: one query each,
    whatever the page size. Only tags and fields the principal may see are shown."""
    found: dict[uuid.UUID, Extras] = defaultdict(Extras)
    if not document_ids:
        return found
    tag_rows = await session.execute(
        select(document_tags.c.document_id, document_tags.c.tag_id)
        .join(Tag, Tag.id == document_tags.c.tag_id)
        .where(document_tags.c.document_id.in_(document_ids), can_view(Tag, principal))
        .order_by(Tag.name)
    )
    for document_id, tag_id in tag_rows:
        found[document_id].tags.append(tag_id)
    value_rows = await session.execute(
        select(CustomFieldValue, CustomField)
        .join(CustomField, CustomField.id == CustomFieldValue.field_id)
        .where(CustomFieldValue.document_id.in_(document_ids), can_view(CustomField, principal))
        .order_by(CustomField.name)
    )
    for row, custom_field in value_rows.all():
        found[row.document_id].custom_fields.append(
            {
                "field": custom_field.id,
                "name": custom_field.name,
                "data_type": custom_field.data_type,
                "value": field_value(custom_field, row),
            }
        )
    if notes:
        note_rows = await session.execute(
            select(Note).where(Note.document_id.in_(document_ids)).order_by(Note.created_at)
        )
        for note in note_rows.scalars():
            found[note.document_id].notes.append(note)
    return found


# --- validating custom field values ---


async def coerce_value(
    session: AsyncSession, principal: Principal, custom_field: CustomField, value: Any
) -> dict[str, Any]:
    """The columns storing `value` for this field; 422 naming the field when it is not
    a valid value of the field's type."""
    columns: dict[str, Any] = {
        "value_text": None,
        "value_bool": None,
        "value_int": None,
        "value_float": None,
        "value_date": None,
        "value_monetary": None,
        "value_currency": None,
        "value_documents": None,
    }
    if value is None:
        return columns
    data_type = custom_field.data_type
    name = custom_field.name

    def bad(expected: str) -> InvalidInput:
        return InvalidInput(
            f"custom_fields: {name!r} is a {data_type.value} field: expected {expected}, "
            f"got {value!r}"[:500]
        )

    if data_type in (CustomFieldType.string, CustomFieldType.longtext):
        limit = MAX_STRING if data_type is CustomFieldType.string else MAX_LONGTEXT
        if not isinstance(value, str):
            raise bad("a string")
        if len(value) > limit:
            raise bad(f"at most {limit} characters")
        columns["value_text"] = value
    elif data_type is CustomFieldType.url:
        if not isinstance(value, str) or len(value) > 2048:
            raise bad("an absolute URL")
        try:
            _URL.validate_python(value)
        except ValidationError:
            raise bad("an absolute URL such as https://example.com/x") from None
        columns["value_text"] = value
    elif data_type is CustomFieldType.select:
        options = custom_field.extra_data.get("options", [])
        if value not in options:
            raise bad(f"one of {options}")
        columns["value_text"] = value
    elif data_type is CustomFieldType.date:
        if not isinstance(value, str):
            raise bad("a date as YYYY-MM-DD")
        try:
            columns["value_date"] = date.fromisoformat(value)
        except ValueError:
            raise bad("a date as YYYY-MM-DD") from None
    elif data_type is CustomFieldType.boolean:
        if not isinstance(value, bool):
            raise bad("true or false")
        columns["value_bool"] = value
    elif data_type is CustomFieldType.integer:
        if isinstance(value, bool) or not isinstance(value, int) or not -INT64 <= value < INT64:
            raise bad("a whole number")
        columns["value_int"] = value
    elif data_type is CustomFieldType.float:
        if (
            isinstance(value, bool)
            or not isinstance(value, int | float)
            or not math.isfinite(value)
        ):
            raise bad("a number")
        columns["value_float"] = float(value)
    elif data_type is CustomFieldType.monetary:
        columns["value_monetary"], columns["value_currency"] = _money(custom_field, value, bad)
    elif data_type is CustomFieldType.documentlink:
        if not isinstance(value, list):
            raise bad("a list of document ids")
        try:
            ids = list(dict.fromkeys(uuid.UUID(str(item)) for item in value))
        except ValueError:
            raise bad("a list of document ids") from None
        if ids:
            visible = set(
                (
                    await session.execute(
                        select(Document.id).where(
                            Document.id.in_(ids), can_view(Document, principal)
                        )
                    )
                ).scalars()
            )
            missing = [str(document_id) for document_id in ids if document_id not in visible]
            if missing:
                raise InvalidInput(
                    f"custom_fields: {name!r} links to documents that do not exist: "
                    f"{', '.join(missing)}"
                )
        columns["value_documents"] = ids
    return columns


def _money(custom_field: CustomField, value: Any, bad: Any) -> tuple[Decimal, str]:
    """{"amount": "12.50", "currency": "EUR"}; currency defaults to the field's."""
    expected = 'an object {"amount": "12.50", "currency": "EUR"}'
    if not isinstance(value, Mapping) or set(value) - {"amount", "currency"}:
        raise bad(expected)
    amount = value.get("amount")
    currency = value.get("currency") or custom_field.extra_data.get("default_currency")
    if isinstance(amount, bool) or not isinstance(amount, str | int | float):
        raise bad(expected)
    try:
        parsed = Decimal(str(amount))
    except InvalidOperation:
        raise bad(expected) from None
    if not parsed.is_finite() or abs(parsed) >= Decimal(10) ** 16:
        raise bad("an amount below 10^16")
    if not isinstance(currency, str) or not CURRENCY.match(currency):
        raise bad("an ISO 4217 currency code such as EUR (or a field default_currency)")
    return parsed.quantize(Decimal("0.0001")), currency


# --- changes ---


async def _visible_ids(
    session: AsyncSession, principal: Principal, model: Any, ids: Sequence[uuid.UUID], what: str
) -> list[uuid.UUID]:
    wanted = list(dict.fromkeys(ids))
    if not wanted:
        return []
    found = set(
        (
            await session.execute(
                select(model.id).where(model.id.in_(wanted), can_view(model, principal))
            )
        ).scalars()
    )
    missing = [str(item) for item in wanted if item not in found]
    if missing:
        raise InvalidInput(f"{what}: no such {what.rstrip('s')}: {', '.join(missing)}")
    return wanted


async def _check_reference(
    session: AsyncSession, principal: Principal, model: Any, object_id: uuid.UUID | None, what: str
) -> None:
    if object_id is not None:
        await _visible_ids(session, principal, model, [object_id], what)


async def set_tags(
    session: AsyncSession, document_ids: Sequence[uuid.UUID], tag_ids: Sequence[uuid.UUID]
) -> None:
    """Add these tags and their parents (a document tagged `invoices/2026` is also
    tagged `invoices`)."""
    all_ids = await tag_ancestors(session, tag_ids)
    if not document_ids or not all_ids:
        return
    await session.execute(
        insert(document_tags)
        .values([{"document_id": d, "tag_id": t} for d in document_ids for t in all_ids])
        .on_conflict_do_nothing()
    )


def _created(value: date | datetime) -> datetime:
    if isinstance(value, datetime):
        return value if value.tzinfo else value.replace(tzinfo=UTC)
    return datetime.combine(value, time(), tzinfo=UTC)


async def _documents_for_change(
    session: AsyncSession, principal: Principal, ids: Sequence[uuid.UUID]
) -> list[Document]:
    """The documents, locked; 404 naming every id that is not visible, 403 for those
    visible but not changeable, and nothing changes."""
    wanted = list(dict.fromkeys(ids))
    rows = (
        await session.execute(
            select(Document, can_change(Document, principal).label("changeable"))
            .where(
                Document.id.in_(wanted),
                Document.deleted_at.is_(None),
                can_view(Document, principal),
            )
            .order_by(Document.id)
            .with_for_update(of=Document)
        )
    ).all()
    found = {row[0].id: row for row in rows}
    missing = [str(item) for item in wanted if item not in found]
    if missing:
        raise NotFound(f"documents not found: {', '.join(missing)}; nothing was changed")
    refused = [str(item) for item in wanted if not found[item].changeable]
    if refused:
        raise Forbidden(f"you may not change documents: {', '.join(refused)}; nothing was changed")
    return [found[item][0] for item in wanted]


async def update_document(
    session: AsyncSession,
    principal: Principal,
    document_id: uuid.UUID,
    changes: Mapping[str, Any],
    *,
    language: str,
) -> Document:
    """Apply a PATCH: only the keys present change. Returns the updated document."""
    (document,) = await _documents_for_change(session, principal, [document_id])
    audit: dict[str, Any] = {}

    def change(attribute: str, new: Any, shown: Any = None) -> None:
        old = getattr(document, attribute)
        if old != new:
            audit[attribute] = [_shown(old), _shown(new if shown is None else shown)]
            setattr(document, attribute, new)

    if "title" in changes:
        change("title", changes["title"])
    if "created" in changes:
        change("created_at", _created(changes["created"]))
    if "correspondent" in changes:
        await _check_reference(
            session, principal, Correspondent, changes["correspondent"], "correspondent"
        )
        change("correspondent_id", changes["correspondent"])
    if "document_type" in changes:
        await _check_reference(
            session, principal, DocumentType, changes["document_type"], "document_type"
        )
        change("document_type_id", changes["document_type"])
    if "archive_serial_number" in changes:
        change("archive_serial_number", changes["archive_serial_number"])
    if "tags" in changes:
        wanted = await _visible_ids(session, principal, Tag, changes["tags"], "tags")
        old = await _tag_ids(session, document.id)
        # Tags the caller cannot see stay: they are not theirs to remove.
        await session.execute(
            delete(document_tags).where(
                document_tags.c.document_id == document.id,
                document_tags.c.tag_id.in_(select(Tag.id).where(can_view(Tag, principal))),
            )
        )
        await set_tags(session, [document.id], wanted)
        new = await _tag_ids(session, document.id)
        if old != new:
            audit["tags"] = [sorted(map(str, old)), sorted(map(str, new))]
    if "custom_fields" in changes:
        audit.update(
            await _replace_field_values(session, principal, document, changes["custom_fields"])
        )
    try:
        async with session.begin_nested():
            await session.flush()
    except IntegrityError:
        raise Conflict(
            f"archive_serial_number: {changes.get('archive_serial_number')} is already used "
            "by another of your documents"
        ) from None
    if audit:
        await refresh_search(session, [document.id], language=language)
        await record(
            session,
            principal,
            "document.updated",
            object_type="document",
            object_id=document.id,
            document_id=document.id,
            details={"changes": audit},
        )
    await session.refresh(document)
    return document


async def _tag_ids(session: AsyncSession, document_id: uuid.UUID) -> set[uuid.UUID]:
    result = await session.execute(
        select(document_tags.c.tag_id).where(document_tags.c.document_id == document_id)
    )
    return set(result.scalars())


def _shown(value: Any) -> Any:
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, uuid.UUID):
        return str(value)
    return value


async def _replace_field_values(
    session: AsyncSession,
    principal: Principal,
    document: Document,
    values: Sequence[Mapping[str, Any]],
) -> dict[str, Any]:
    """Set exactly these fields on the document (others are removed)."""
    by_field = {uuid.UUID(str(item["field"])): item.get("value") for item in values}
    fields = await _fields(session, principal, list(by_field))
    rows = []
    for field_id, value in by_field.items():
        columns = await coerce_value(session, principal, fields[field_id], value)
        rows.append({"document_id": document.id, "field_id": field_id, **columns})
    before = await _field_values(session, document.id)
    # Values of fields the caller cannot see stay: they are not theirs to remove.
    await session.execute(
        delete(CustomFieldValue).where(
            CustomFieldValue.document_id == document.id,
            CustomFieldValue.field_id.in_(
                select(CustomField.id).where(can_view(CustomField, principal))
            ),
        )
    )
    if rows:
        await session.execute(insert(CustomFieldValue).values(rows))
    after = await _field_values(session, document.id)
    if before == after:
        return {}
    return {"custom_fields": [before, after]}


async def _field_values(session: AsyncSession, document_id: uuid.UUID) -> dict[str, Any]:
    """{field name: value as the API shows it} of one document."""
    result = await session.execute(
        select(CustomFieldValue, CustomField)
        .join(CustomField, CustomField.id == CustomFieldValue.field_id)
        .where(CustomFieldValue.document_id == document_id)
    )
    return {custom_field.name: field_value(custom_field, row) for row, custom_field in result.all()}


async def _fields(
    session: AsyncSession, principal: Principal, ids: Sequence[uuid.UUID]
) -> dict[uuid.UUID, CustomField]:
    result = await session.execute(
        select(CustomField).where(CustomField.id.in_(ids), can_view(CustomField, principal))
    )
    found = {custom_field.id: custom_field for custom_field in result.scalars()}
    missing = [str(item) for item in dict.fromkeys(ids) if item not in found]
    if missing:
        raise InvalidInput(f"custom_fields: no such custom_field: {', '.join(missing)}")
    return found


@dataclass(frozen=True)
class BulkOperation:
    """One of: add_tags, remove_tags, set_correspondent, set_document_type,
    set_custom_field, delete."""

    kind: str
    tags: Sequence[uuid.UUID] = ()
    target: uuid.UUID | None = None
    value: Any = None


async def bulk_edit(
    session: AsyncSession,
    principal: Principal,
    document_ids: Sequence[uuid.UUID],
    operation: BulkOperation,
    *,
    language: str,
) -> int:
    """Apply one operation to many documents in one transaction: any id that is not
    there (or not the caller's to change) and nothing changes. Returns how many
    documents actually changed."""
    documents = await _documents_for_change(session, principal, document_ids)
    ids = [document.id for document in documents]
    changed: set[uuid.UUID] = set()
    kind = operation.kind
    if kind == "add_tags":
        tags = await _visible_ids(session, principal, Tag, operation.tags, "tags")
        before = await _tag_pairs(session, ids)
        await set_tags(session, ids, tags)
        changed = {d for d, _ in (await _tag_pairs(session, ids)) - before}
    elif kind == "remove_tags":
        tags = await _visible_ids(session, principal, Tag, operation.tags, "tags")
        result = await session.execute(
            delete(document_tags)
            .where(document_tags.c.document_id.in_(ids), document_tags.c.tag_id.in_(tags))
            .returning(document_tags.c.document_id)
        )
        changed = set(result.scalars())
    elif kind in ("set_correspondent", "set_document_type"):
        model, column = (
            (Correspondent, Document.correspondent_id)
            if kind == "set_correspondent"
            else (DocumentType, Document.document_type_id)
        )
        await _check_reference(session, principal, model, operation.target, kind[4:])
        result = await session.execute(
            update(Document)
            .where(Document.id.in_(ids), column.is_distinct_from(operation.target))
            .values({column.key: operation.target})
            .returning(Document.id)
            .execution_options(synchronize_session=False)
        )
        changed = set(result.scalars())
    elif kind == "set_custom_field":
        assert operation.target is not None
        fields = await _fields(session, principal, [operation.target])
        columns = await coerce_value(session, principal, fields[operation.target], operation.value)
        statement = insert(CustomFieldValue).values(
            [{"document_id": d, "field_id": operation.target, **columns} for d in ids]
        )
        table = CustomFieldValue.__table__
        result = await session.execute(
            statement.on_conflict_do_update(
                index_elements=[CustomFieldValue.document_id, CustomFieldValue.field_id],
                set_={key: statement.excluded[key] for key in columns},
                # Only rows whose value differs count as changed (and are rewritten).
                where=or_(
                    *(table.c[key].is_distinct_from(statement.excluded[key]) for key in columns)
                ),
            ).returning(CustomFieldValue.document_id)
        )
        changed = set(result.scalars())
    elif kind == "delete":
        from paless_shared.services.documents import trash_documents

        await trash_documents(session, principal, documents)
        changed = set(ids)
    else:  # pragma: no cover - the API only sends the kinds above
        raise InvalidInput(f"operation: unknown bulk operation {kind!r}")
    if changed and kind not in ("delete", "set_custom_field"):
        await refresh_search(session, sorted(changed), language=language)
    for document_id in sorted(changed):
        await record(
            session,
            principal,
            "document.deleted" if kind == "delete" else "document.updated",
            object_type="document",
            object_id=document_id,
            document_id=document_id,
            details={"bulk": kind},
        )
    return len(changed)


async def _tag_pairs(
    session: AsyncSession, ids: Sequence[uuid.UUID]
) -> set[tuple[uuid.UUID, uuid.UUID]]:
    result = await session.execute(
        select(document_tags.c.document_id, document_tags.c.tag_id).where(
            document_tags.c.document_id.in_(ids)
        )
    )
    return {(row[0], row[1]) for row in result}


# --- notes ---


async def add_note(
    session: AsyncSession,
    principal: Principal,
    document_id: uuid.UUID,
    text: str,
    *,
    language: str,
) -> Note:
    (document,) = await _documents_for_change(session, principal, [document_id])
    note = Note(document_id=document.id, author_id=principal.user_id, text=text)
    session.add(note)
    await session.flush()
    await session.refresh(note)
    await refresh_search(session, [document.id], language=language)
    await record(
        session,
        principal,
        "note.created",
        object_type="note",
        object_id=note.id,
        document_id=document.id,
    )
    return note


async def delete_note(
    session: AsyncSession,
    principal: Principal,
    document_id: uuid.UUID,
    note_id: uuid.UUID,
    *,
    language: str,
) -> None:
    (document,) = await _documents_for_change(session, principal, [document_id])
    note = (
        await session.execute(
            select(Note).where(Note.id == note_id, Note.document_id == document.id)
        )
    ).scalar_one_or_none()
    if note is None:
        raise NotFound(f"note {note_id} not found on document {document_id}")
    await session.delete(note)
    await session.flush()
    await refresh_search(session, [document.id], language=language)
    await record(
        session,
        principal,
        "note.deleted",
        object_type="note",
        object_id=note_id,
        document_id=document.id,
    )


# --- automatic assignment ---


async def apply_inbox_tags(session: AsyncSession, document: Document) -> None:
    inbox = (
        await session.execute(
            select(Tag.id).where(Tag.owner_id == document.owner_id, Tag.is_inbox.is_(True))
        )
    ).scalars()
    await set_tags(session, [document.id], list(inbox))


def _rules(rows: Sequence[Any]) -> list[matching.Rule]:
    return [
        matching.Rule(row.id, row.match, row.matching_algorithm, row.is_insensitive) for row in rows
    ]


async def _owner_rules(
    session: AsyncSession, model: Any, owner_id: uuid.UUID
) -> list[matching.Rule]:
    rows = await session.execute(
        select(model.id, model.match, model.matching_algorithm, model.is_insensitive)
        .where(model.owner_id == owner_id, model.matching_algorithm != MatchingAlgorithm.none)
        .order_by(model.name)
    )
    return _rules(rows.all())


@dataclass(frozen=True)
class RuleSet:
    tags: list[matching.Rule]
    correspondents: list[matching.Rule]
    document_types: list[matching.Rule]


async def load_rules(session: AsyncSession, owner_id: uuid.UUID) -> RuleSet:
    return RuleSet(
        tags=await _owner_rules(session, Tag, owner_id),
        correspondents=await _owner_rules(session, Correspondent, owner_id),
        document_types=await _owner_rules(session, DocumentType, owner_id),
    )


@dataclass(frozen=True)
class Matches:
    tags: list[uuid.UUID]
    correspondent: uuid.UUID | None
    document_type: uuid.UUID | None


def evaluate(rules: RuleSet, text: str, budget_seconds: float | None = None) -> Matches:
    """CPU-bound and bounded (see paless_shared.matching): run it off the event loop.
    All the owner's rules share one time budget, RULES_BUDGET_SECONDS unless given."""
    budget = matching.Budget(budget_seconds or matching.RULES_BUDGET_SECONDS)
    correspondents = matching.matching(rules.correspondents, text, budget)
    document_types = matching.matching(rules.document_types, text, budget)
    return Matches(
        tags=matching.matching(rules.tags, text, budget),
        correspondent=correspondents[0] if correspondents else None,
        document_type=document_types[0] if document_types else None,
    )


async def apply_matches(session: AsyncSession, document: Document, found: Matches) -> None:
    """Add matched tags; set correspondent and type when the document has none (a
    person's choice is never overwritten)."""
    await set_tags(session, [document.id], found.tags)
    if document.correspondent_id is None and found.correspondent is not None:
        document.correspondent_id = found.correspondent
    if document.document_type_id is None and found.document_type is not None:
        document.document_type_id = found.document_type
    await session.flush()
