"""redact(): the word check in front of the patterns changes no answer."""

from __future__ import annotations

import pytest

from paless_shared.platform.observability import (
    _BEARER,
    _SIGNATURE_PARAMETERS,
    REDACTED,
    redact,
)


def patterns_only(text: str) -> str:
    text = _SIGNATURE_PARAMETERS.sub(lambda m: m.group(1) + m.group(2) + REDACTED, text)
    return _BEARER.sub(lambda m: m.group(1) + REDACTED, text)


CASES = [
    '{"event": "web.request", "route": "/api/v1/documents/{document_id}/download"}',
    "https://s3/b/k?X-Amz-Signature=abc123&X-Amz-Credential=AK%2F2026&X-Amz-Date=1",
    "https://s3/b/k?x-amz-security-token=tok&x-AMZ-signature=def",
    '{"url": "https://cdn/k?Policy=eyJ&Signature=sig~1&Key-Pair-Id=K2"}',
    "{'headers': {'authorization': 'Bearer abc.def-ghi'}}",
    '{"authorization": "BEARER abc"}',
    '{"a": "\\"signature\\": \\"s3cr3t\\""}',
    # Not ASCII: the patterns decide (under IGNORECASE, the long s U+017F matches "s"
    # and the Kelvin sign U+212A "k").
    "https://s3/k?X-Amz-\u017fignature=abc&\u212aey-Pair-Id=x",
    "résumé Bearer tok",
    "nothing here: policies, signatures? no, only words",
]


@pytest.mark.parametrize("text", CASES)
def test_redact_answers_as_the_patterns_alone(text: str) -> None:
    assert redact(text) == patterns_only(text)


def test_a_signature_is_redacted_and_a_plain_line_kept() -> None:
    assert "abc123" not in redact(CASES[1])
    assert redact(CASES[0]) == CASES[0]
