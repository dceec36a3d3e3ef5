"""The sandbox's one reading of a JSON-object request body."""

from __future__ import annotations

import pytest

from sandbox.json_body import json_object


def test_an_object_is_returned_and_an_empty_body_is_an_empty_object() -> None:
    assert json_object(b'{"a": [1, 2]}') == {"a": [1, 2]}
    assert json_object(b"") == {}


@pytest.mark.parametrize(
    ("raw", "reason"),
    [
        (b"{oops", "body is not valid JSON"),
        (b"\xff\xfe", "body is not valid JSON"),
        (b"[1, 2]", "body must be a JSON object"),
        (b'"text"', "body must be a JSON object"),
    ],
)
def test_anything_else_is_refused_with_the_reason(raw: bytes, reason: str) -> None:
    with pytest.raises(ValueError, match=reason):
        json_object(raw)
