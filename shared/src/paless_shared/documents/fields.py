"""Custom field values on documents: checking a value against its field's type, and
showing a stored value as the API does."""

from __future__ import annotations

import math
import uuid
from collections.abc import Mapping
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from pydantic import AnyUrl, TypeAdapter, ValidationError
from sqlalchemy.ext.asyncio import AsyncSession

from paless_shared.documents.queries import documents as queries
from paless_shared.organisation.service import CURRENCY
from paless_shared.platform.errors import InvalidInput
from paless_shared.platform.principal import Principal
from paless_shared.tables import CustomField, CustomFieldType, CustomFieldValue, Document

_URL = TypeAdapter(AnyUrl)
MAX_STRING = 255
MAX_LONGTEXT = 65_536
INT64 = 2**63


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
            visible = await queries.visible_ids(session, principal, Document, ids)
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
