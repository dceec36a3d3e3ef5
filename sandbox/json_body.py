"""Request bodies that must be one JSON object: the stand-ins and their admin APIs read
them alike, and each platform words the refusal in its own error envelope."""

from __future__ import annotations

import json
from typing import Any


def json_object(raw: bytes) -> dict[str, Any]:
    """The body as a dict ({} when empty); ValueError saying what is wrong otherwise."""
    if not raw:
        return {}
    try:
        body = json.loads(raw)
    except ValueError as exc:
        raise ValueError("body is not valid JSON") from exc
    if not isinstance(body, dict):
        raise ValueError("body must be a JSON object")
    return body
