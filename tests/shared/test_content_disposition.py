"""`content_disposition()`: whatever the file was called, the header holds exactly a
disposition, an ASCII `filename` and an RFC 5987 `filename*` that decodes back to the
name; nothing in the name can end the quoted string, add a parameter or a header."""

from __future__ import annotations

import re
from urllib.parse import unquote

import pytest

from paless_shared.platform.storage import content_disposition

# RFC 6266 with RFC 5987 attr-chars; the whole header must match, so an injected
# parameter or line cannot hide anywhere.
HEADER = re.compile(
    r"(attachment|inline); "
    r'filename="([\x20\x21\x23-\x5b\x5d-\x7e]*)"; '
    r"filename\*=UTF-8''([A-Za-z0-9!#$&+\-.^_`|~%]*)"
)


def parse(value: str) -> tuple[str, str, str]:
    match = HEADER.fullmatch(value)
    assert match, f"not a clean Content-Disposition: {value!r}"
    kind, fallback, encoded = match.groups()
    return kind, fallback, unquote(encoded, errors="strict")


@pytest.mark.parametrize(
    ("filename", "fallback", "decoded"),
    [
        ("invoice.pdf", "invoice.pdf", "invoice.pdf"),
        ('say "hi".pdf', "say _hi_.pdf", 'say "hi".pdf'),
        ("back\\slash.pdf", "back_slash.pdf", "back\\slash.pdf"),
        ('x.pdf"; filename="evil.exe', "x.pdf_; filename=_evil.exe", 'x.pdf"; filename="evil.exe'),
        ("x.pdf\r\nSet-Cookie: a=b", "x.pdf  Set-Cookie: a=b", "x.pdf  Set-Cookie: a=b"),
        ("Rechnung März €.pdf", "Rechnung M_rz _.pdf", "Rechnung März €.pdf"),
        ("日本語.pdf", "___.pdf", "日本語.pdf"),
        ("tab\there\x00\x7f.pdf", "tab_here__.pdf", "tab\there\x00\x7f.pdf"),
        ("line\u2028sep\x85.pdf", "line_sep_.pdf", "line\u2028sep\x85.pdf"),
        ("100%25 done.pdf", "100%25 done.pdf", "100%25 done.pdf"),
        ("a;b,c=d.pdf", "a;b,c=d.pdf", "a;b,c=d.pdf"),
        ("../../etc/passwd", "../../etc/passwd", "../../etc/passwd"),
    ],
)
def test_hostile_names_stay_inside_their_parameters(
    filename: str, fallback: str, decoded: str
) -> None:
    value = content_disposition("attachment", filename)

    assert value.isascii()
    assert "\r" not in value and "\n" not in value
    assert parse(value) == ("attachment", fallback, decoded)


@pytest.mark.parametrize("filename", ["", "   ", "\r\n", "\n\r\n "])
def test_empty_names_become_document(filename: str) -> None:
    assert parse(content_disposition("inline", filename)) == ("inline", "document", "document")


def test_very_long_name_is_cut_to_255_characters_keeping_its_extension() -> None:
    _, fallback, decoded = parse(content_disposition("attachment", "ü" * 1000 + ".pdf"))

    assert decoded == "ü" * 251 + ".pdf"
    assert fallback == "_" * 251 + ".pdf"


def test_a_long_name_without_a_short_extension_is_simply_cut() -> None:
    _, _, decoded = parse(content_disposition("attachment", "a" * 300))

    assert decoded == "a" * 255
