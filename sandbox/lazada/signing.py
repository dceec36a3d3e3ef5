"""LazOP request signing, written from MARKETPLACES.md §4.1 (not from our adapter).

sign = UPPERCASE hex HMAC-SHA256(key=app_secret, msg=api_path + Σ sorted(k + v))
over every system and business parameter except `sign` (sorted by name, ASCII).
`api_path` is the API name after the gateway's `/rest` ("/products/get",
"/auth/token/create"), never the sandbox's "/lazada" prefix. `timestamp` is Unix
milliseconds and must be within 7200 s of now. No raw body is sent by the APIs we
serve (params travel as query or form fields), so none is appended.
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Mapping

TIMESTAMP_WINDOW_SECONDS = 7200


def string_to_sign(api_path: str, params: Mapping[str, str]) -> str:
    return api_path + "".join(f"{k}{params[k]}" for k in sorted(params) if k != "sign")


def sign(app_secret: str, api_path: str, params: Mapping[str, str]) -> str:
    message = string_to_sign(api_path, params).encode("utf-8")
    return hmac.new(app_secret.encode("utf-8"), message, hashlib.sha256).hexdigest().upper()


def verify(app_secret: str, api_path: str, params: Mapping[str, str], given: str) -> bool:
    return hmac.compare_digest(sign(app_secret, api_path, params), given)


def push_signature(app_key: str, app_secret: str, body: bytes) -> str:
    """LPM push `Authorization`: lowercase hex HMAC-SHA256(app_secret, app_key + body)."""
    return hmac.new(app_secret.encode(), app_key.encode() + body, hashlib.sha256).hexdigest()
