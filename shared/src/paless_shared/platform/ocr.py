"""OCR settings: the deployment's defaults (environment) and what a person may ask
for one document (at upload or reprocess), checked the same way in web and worker.

The Tesseract languages an OCR worker finds are published in Redis when it starts,
so the web can refuse an unknown language with the list of installed ones (the web
itself has no Tesseract).
"""

from __future__ import annotations

import json
import re
from dataclasses import asdict, dataclass
from typing import Annotated, Any, Literal, get_args

from arq import ArqRedis
from pydantic import Field, field_validator

from paless_shared.platform.errors import InvalidInput
from paless_shared.platform.settings import _Settings

Mode = Literal["auto", "redo", "force", "off"]
MODES: tuple[str, ...] = get_args(Mode)
LANGUAGES_KEY = "paless:ocr:languages"
_LANGUAGE = re.compile(r"^[A-Za-z][A-Za-z0-9_]{1,31}$")
_MAX_LANGUAGES = 8
_FLAGS = ("deskew", "rotate_pages", "clean", "pdfa")


class OcrSettings(_Settings):
    """Defaults for every document (each may be changed per document), and the limits
    of the OCR processes (PALESS_OCR_*)."""

    ocr_mode: Mode = "auto"
    # Tesseract language codes joined by "+", as Tesseract writes them.
    ocr_languages: str = "eng"
    ocr_deskew: bool = True
    ocr_rotate_pages: bool = True
    ocr_clean: bool = False
    ocr_pdfa: bool = True
    # OCR processes per OCR worker (one Tesseract thread each); unset: one per CPU.
    ocr_processes: Annotated[int, Field(ge=1, le=64)] | None = None
    # Each OCR process's address-space limit (Tesseract included) and time per page.
    ocr_memory_mb: Annotated[int, Field(ge=1024)] = 2048
    ocr_page_timeout_seconds: Annotated[float, Field(gt=0)] = 180.0

    @field_validator("ocr_languages")
    @classmethod
    def _languages(cls, value: str) -> str:
        parse_languages(value)
        return value

    def defaults(self) -> OcrOptions:
        return OcrOptions(
            mode=self.ocr_mode,
            languages=parse_languages(self.ocr_languages),
            deskew=self.ocr_deskew,
            rotate_pages=self.ocr_rotate_pages,
            clean=self.ocr_clean,
            pdfa=self.ocr_pdfa,
        )


def parse_languages(value: str | list[str] | tuple[str, ...]) -> tuple[str, ...]:
    """Language codes from "eng+deu", "eng,deu" or a list; ValueError when malformed."""
    items = value if isinstance(value, list | tuple) else re.split(r"[+,\s]+", value)
    codes = tuple(dict.fromkeys(code.strip() for code in items if code and code.strip()))
    if not codes:
        raise ValueError("at least one OCR language is needed")
    if len(codes) > _MAX_LANGUAGES:
        raise ValueError(f"at most {_MAX_LANGUAGES} OCR languages at once")
    bad = [code for code in codes if not _LANGUAGE.match(code)]
    if bad:
        raise ValueError(f"not a Tesseract language code: {', '.join(bad)}")
    return codes


@dataclass(frozen=True)
class OcrOptions:
    """OCR settings for one document; None means "the default"."""

    mode: str | None = None
    languages: tuple[str, ...] | None = None
    deskew: bool | None = None
    rotate_pages: bool | None = None
    clean: bool | None = None
    pdfa: bool | None = None

    @classmethod
    def from_mapping(cls, values: dict[str, Any]) -> OcrOptions:
        """From a request or a stored run; InvalidInput names the bad field."""
        unknown = sorted(set(values) - {"mode", "languages", *_FLAGS})
        if unknown:
            raise InvalidInput(f"unknown OCR settings: {', '.join(unknown)}")
        mode = values.get("mode")
        if mode is not None and mode not in MODES:
            raise InvalidInput(f"ocr mode: must be one of {', '.join(MODES)}, not {mode!r}")
        languages = values.get("languages")
        if languages is not None:
            try:
                languages = parse_languages(languages)
            except (ValueError, TypeError) as exc:
                raise InvalidInput(f"ocr languages: {exc}") from None
        flags = {}
        for name in _FLAGS:
            value = values.get(name)
            if value is not None and not isinstance(value, bool):
                raise InvalidInput(f"ocr {name}: must be true or false")
            flags[name] = value
        return cls(mode=mode, languages=languages, **flags)

    def as_dict(self) -> dict[str, Any]:
        """Only what was set, JSON-ready (stored on the run)."""
        values = asdict(self)
        if self.languages is not None:
            values["languages"] = list(self.languages)
        return {key: value for key, value in values.items() if value is not None}

    def over(self, defaults: OcrOptions) -> OcrOptions:
        """These settings, each unset one taken from `defaults`."""
        mine = self.as_dict()
        merged = {**defaults.as_dict(), **mine}
        return OcrOptions.from_mapping(merged)


async def publish_languages(redis: ArqRedis, languages: frozenset[str]) -> None:
    await redis.set(LANGUAGES_KEY, json.dumps(sorted(languages)))


async def check_languages(redis: ArqRedis, options: OcrOptions) -> None:
    """InvalidInput when a language asked for is not installed on the OCR workers
    (as the last one to start reported it); nothing to check before one has."""
    if options.languages is None:
        return
    raw = await redis.get(LANGUAGES_KEY)
    if raw is None:
        return
    installed = set(json.loads(raw)) - {"osd"}
    missing = [code for code in options.languages if code not in installed]
    if missing:
        raise InvalidInput(
            f"ocr languages: {', '.join(missing)} not installed; installed are "
            f"{', '.join(sorted(installed)) or 'none'}"
        )


def password_key(run_id: object) -> str:
    """Where a run's PDF password waits for the worker (Redis, with a time to live)."""
    return f"paless:ocr:password:{run_id}"
