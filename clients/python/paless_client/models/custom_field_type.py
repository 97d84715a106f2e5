from typing import Literal

CustomFieldType = Literal[
    "boolean", "date", "documentlink", "float", "integer", "longtext", "monetary", "select", "string", "url"
]

CUSTOM_FIELD_TYPE_VALUES: set[CustomFieldType] = {
    "boolean",
    "date",
    "documentlink",
    "float",
    "integer",
    "longtext",
    "monetary",
    "select",
    "string",
    "url",
}


def check_custom_field_type(value: str) -> CustomFieldType:
    if value in CUSTOM_FIELD_TYPE_VALUES:
        return value
    raise TypeError(f"Unexpected value {value!r}. Expected one of {CUSTOM_FIELD_TYPE_VALUES!r}")
