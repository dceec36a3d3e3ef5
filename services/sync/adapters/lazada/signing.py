"""LazOP request signing (MARKETPLACES.md §4.1).

sign = UPPERCASE hex HMAC-SHA256(key=app_secret, msg=api_path + Σ sorted(k + v)) over
all system and business params except `sign` (ASCII order by name). `api_path` is the
API name after the gateway's `/rest`: "/products/get", "/auth/token/create". The Java
sample appends a raw body when there is one; we never send one (every param, the
`payload` too, travels in the query), so nothing is appended. `timestamp` is Unix ms,
accepted within 7200 s of UTC.
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Mapping


def string_to_sign(api_path: str, params: Mapping[str, str]) -> str:
    return api_path + "".join(f"{k}{params[k]}" for k in sorted(params) if k != "sign")


def api_sign(app_secret: str, api_path: str, params: Mapping[str, str]) -> str:
    message = string_to_sign(api_path, params).encode("utf-8")
    return hmac.new(app_secret.encode("utf-8"), message, hashlib.sha256).hexdigest().upper()
