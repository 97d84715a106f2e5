"""API models of versions and of the OCR settings a document may be given."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, SecretStr

from paless_shared.platform.errors import InvalidInput
from paless_shared.platform.ocr import OcrOptions
from paless_shared.versions.service import RunRequest

OCR_FORM_FIELDS: dict[str, dict[str, Any]] = {
    "ocr_mode": {
        "type": "string",
        "enum": ["auto", "redo", "force", "off"],
        "examples": ["force"],
        "description": "OCR mode for this document (default: the server's).",
    },
    "ocr_languages": {
        "type": "string",
        "examples": ["eng+deu"],
        "description": "Tesseract languages, joined by + or commas.",
    },
    "ocr_deskew": {"type": "boolean", "examples": [True]},
    "ocr_rotate_pages": {"type": "boolean", "examples": [True]},
    "ocr_clean": {"type": "boolean", "examples": [False]},
    "ocr_pdfa": {"type": "boolean", "examples": [True]},
    "password": {
        "type": "string",
        "format": "password",
        "examples": ["open sesame"],
        "description": "Opens an encrypted PDF; never stored in the database.",
    },
}


class OcrRequest(BaseModel):
    """OCR settings for one processing of a document; each one left out is the
    server's default (PALESS_OCR_*)."""

    model_config = ConfigDict(extra="forbid")

    mode: Literal["auto", "redo", "force", "off"] | None = Field(
        default=None,
        description=(
            "`auto`: OCR pages without a text layer; `redo`: replace an earlier OCR "
            "layer; `force`: OCR every page from its image; `off`: no OCR."
        ),
    )
    languages: list[str] | None = Field(
        default=None,
        max_length=8,
        examples=[["eng", "deu"]],
        description="Tesseract language codes; 422 lists the installed ones.",
    )
    deskew: bool | None = None
    rotate_pages: bool | None = None
    clean: bool | None = Field(default=None, description="Clean pages with unpaper before OCR.")
    pdfa: bool | None = Field(default=None, description="Make the archive PDF/A when possible.")
    password: SecretStr | None = Field(
        default=None,
        description=(
            "Opens an encrypted PDF. Kept only in the queue's Redis until the worker has "
            "decrypted the file (at most a day), never in the database."
        ),
    )

    def run_request(self) -> RunRequest:
        values = self.model_dump(exclude={"password"}, exclude_none=True)
        password = self.password.get_secret_value() if self.password else None
        return RunRequest(OcrOptions.from_mapping(values), password or None)


def form_run_request(fields: dict[str, str]) -> RunRequest:
    """OCR settings from an upload's form fields (`ocr_mode`, `ocr_languages`, …)."""
    values: dict[str, Any] = {}
    for name in ("deskew", "rotate_pages", "clean", "pdfa"):
        raw = fields.get(f"ocr_{name}")
        if raw is not None:
            values[name] = _boolean(f"ocr_{name}", raw)
    if fields.get("ocr_mode"):
        values["mode"] = fields["ocr_mode"]
    if fields.get("ocr_languages"):
        values["languages"] = fields["ocr_languages"]
    return RunRequest(OcrOptions.from_mapping(values), fields.get("password") or None)


def _boolean(name: str, raw: str) -> bool:
    lowered = raw.strip().lower()
    if lowered in ("true", "1", "yes", "on"):
        return True
    if lowered in ("false", "0", "no", "off"):
        return False
    raise InvalidInput(f"{name}: must be true or false, not {raw!r}")


class Version(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    number: int = Field(description="1 for the upload; later versions count up.")
    current: bool = Field(description="Whether the document shows this version.")
    mime_type: str = Field(description="Type of the original, as uploaded.")
    size_bytes: int
    sha256: str | None
    page_count: int | None
    has_archive: bool = Field(
        description="An archive PDF with a text layer exists (`rendition=archive`)."
    )
    has_thumbnail: bool
    ocr_settings: dict[str, Any] | None = Field(
        description="The OCR settings its renditions were made with."
    )
    created_at: datetime
    created_by: uuid.UUID | None


class VersionList(BaseModel):
    items: list[Version]
