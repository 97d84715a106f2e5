"""Streaming multipart/form-data: file parts go to a sink chunk by chunk.

Starlette's form parsing spools files to local disk; the web process keeps no files,
so uploads are parsed from the request stream and each file chunk is handed on (to
S3) as it arrives. Only small text fields are kept in memory, and only a few of them:
the body as a whole, its number of parts and each text field are capped, whether the
body declares its length or comes chunked (python-multipart caps each part's headers).
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass, field
from email.message import Message

from python_multipart.exceptions import MultipartParseError
from python_multipart.multipart import MultipartParser, parse_options_header

from paless_shared.platform.errors import InvalidInput, PayloadTooLarge

MAX_FIELD_BYTES = 64 * 1024
# Parts of any kind (text fields and files) in one form.
MAX_PARTS = 16


@dataclass
class _Part:
    headers: dict[str, str] = field(default_factory=dict)
    name: str | None = None
    filename: str | None = None
    data: bytearray = field(default_factory=bytearray)


@dataclass
class ParsedForm:
    fields: dict[str, str]
    files: dict[str, str]  # field name -> client's filename


FileSink = Callable[[str, str, bytes], Awaitable[None]]


def _content_disposition(value: str) -> tuple[str | None, str | None]:
    message = Message()
    message["content-disposition"] = value
    return message.get_param("name", header="content-disposition"), message.get_filename()  # type: ignore[return-value]


async def parse_streaming_form(
    content_type: str,
    stream: AsyncIterator[bytes],
    on_file_chunk: FileSink,
    *,
    max_body_bytes: int,
) -> ParsedForm:
    """Parse a multipart body, calling `on_file_chunk(field, filename, chunk)` for file
    data in order and collecting text fields. A body over `max_body_bytes` is refused
    (413) as soon as that much has arrived; more than MAX_PARTS parts is refused (422)."""
    _, options = parse_options_header(content_type)
    boundary = options.get(b"boundary")
    if not boundary:
        raise InvalidInput("expected a multipart/form-data body with a boundary")

    events: list[tuple[str, bytes]] = []
    finished: list[bool] = []  # set by the parser on the closing boundary
    header_field = bytearray()
    header_value = bytearray()
    parts: list[bool] = []

    def on_part_begin() -> None:
        parts.append(True)
        if len(parts) > MAX_PARTS:
            raise InvalidInput(f"the form has more than {MAX_PARTS} parts")
        events.append(("begin", b""))

    def on_header_end() -> None:
        events.append(("header", bytes(header_field) + b"\x00" + bytes(header_value)))
        header_field.clear()
        header_value.clear()

    parser = MultipartParser(
        boundary,
        callbacks={
            "on_part_begin": on_part_begin,
            "on_header_field": lambda d, s, e: header_field.extend(d[s:e]),
            "on_header_value": lambda d, s, e: header_value.extend(d[s:e]),
            "on_header_end": on_header_end,
            "on_part_data": lambda d, s, e: events.append(("data", bytes(d[s:e]))),
            "on_part_end": lambda: events.append(("end", b"")),
            "on_end": lambda: finished.append(True),
        },
    )
    form = ParsedForm(fields={}, files={})
    part = _Part()
    received = 0
    try:
        async for chunk in stream:
            received += len(chunk)
            if received > max_body_bytes:
                raise PayloadTooLarge(
                    f"the form is larger than the limit of {max_body_bytes} bytes"
                )
            parser.write(chunk)
            part = await _drain(events, part, form, on_file_chunk)
        parser.finalize()
        await _drain(events, part, form, on_file_chunk)
    except MultipartParseError as exc:
        raise InvalidInput(f"the multipart body could not be parsed: {exc}") from None
    if not finished:
        # A body cut short (client gone, proxy limit) must not pass for a whole file.
        raise InvalidInput("the multipart body ended before its closing boundary")
    return form


async def _drain(
    events: list[tuple[str, bytes]], part: _Part, form: ParsedForm, on_file_chunk: FileSink
) -> _Part:
    for kind, payload in events:
        if kind == "begin":
            part = _Part()
        elif kind == "header":
            name, _, value = payload.partition(b"\x00")
            part.headers[name.decode("latin-1").lower()] = value.decode("utf-8", "replace")
            if name.lower() == b"content-disposition":
                part.name, part.filename = _content_disposition(part.headers["content-disposition"])
                if part.name is not None and part.filename is not None:
                    if part.name in form.files:
                        raise InvalidInput(f"send one file per upload (field {part.name!r})")
                    form.files[part.name] = part.filename
        elif kind == "data":
            await _part_data(part, payload, form, on_file_chunk)
        elif kind == "end" and part.name is not None and part.filename is None:
            form.fields[part.name] = part.data.decode("utf-8", "replace")
    events.clear()
    return part


async def _part_data(part: _Part, data: bytes, form: ParsedForm, on_file_chunk: FileSink) -> None:
    if part.name is None:
        raise InvalidInput("a multipart part has no name")
    if part.filename is not None:
        await on_file_chunk(part.name, part.filename, data)
        return
    if len(part.data) + len(data) > MAX_FIELD_BYTES:
        raise InvalidInput(f"the form field {part.name!r} is too long")
    part.data.extend(data)
