"""Reading a webhook (push) body, the same first step for every platform's parser."""

from __future__ import annotations

import json
from typing import Any

from services.common.platforms import Platform
from services.sync.adapters.errors import permanent


def json_object(platform: Platform, raw_body: bytes, noun: str = "webhook") -> dict[str, Any]:
    """The body as a JSON object; PERMANENT `bad_<noun>` when it is not one."""
    try:
        body = json.loads(raw_body)
    except ValueError as exc:
        raise permanent(platform, f"{noun} body is not JSON", f"bad_{noun}") from exc
    if not isinstance(body, dict):
        raise permanent(platform, f"{noun} body is not a JSON object", f"bad_{noun}")
    return body
