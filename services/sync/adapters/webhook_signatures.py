"""Hex HMAC-SHA256 webhook signatures: what the Shopee, TikTok Shop, Lazada and Tokopedia
verifiers share (MARKETPLACES.md §0, §8); Shopify and WooCommerce sign in base64.

Each platform's `webhooks.verify` builds its own message (Shopee `url|body`, TikTok Shop
and Lazada `app_key + body`, Tokopedia the body) and header name, then calls `verify_hex`.
The message is always the raw body as received: re-serialised JSON would not match.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
from collections.abc import Mapping


def hmac_sha256_hex(secret: str, message: bytes) -> str:
    """Lowercase hex HMAC-SHA256 of `message` keyed with the UTF-8 `secret`."""
    return hmac.new(secret.encode(), message, hashlib.sha256).hexdigest()


def hmac_sha256_base64(secret: str, message: bytes) -> str:
    """Base64 HMAC-SHA256 of `message` keyed with the UTF-8 `secret` (Shopify, WooCommerce)."""
    return base64.b64encode(hmac.new(secret.encode(), message, hashlib.sha256).digest()).decode()


def header(headers: Mapping[str, str], name: str) -> str:
    """The value of header `name`, whatever case the server gave the names ('' if absent)."""
    wanted = name.lower()
    return next((v for k, v in headers.items() if k.lower() == wanted), "")


def verify_hex(
    secret: str,
    message: bytes,
    headers: Mapping[str, str],
    name: str,
    *,
    any_case: bool = False,
) -> bool:
    """Whether header `name` holds the hex HMAC-SHA256 of `message`, compared in constant time.

    Lowercase only unless `any_case` (for a platform whose documentation leaves the hex
    case open); a missing or empty header never matches.
    """
    given = header(headers, name).strip()
    if not given:
        return False
    if any_case:
        given = given.lower()
    expected = hmac_sha256_hex(secret, message)
    return hmac.compare_digest(given.encode(), expected.encode())
