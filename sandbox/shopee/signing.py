"""Shopee Open Platform v2 request signing, written from MARKETPLACES.md §1.1.

sign = lowercase hex HMAC-SHA256(partner_key, base string), where the base string is
  Shop API:   partner_id + api_path + timestamp + access_token + shop_id
  Public API: partner_id + api_path + timestamp
`api_path` is the platform's own path ("/api/v2/product/add_item"), never the
sandbox's "/shopee" prefix. Timestamps are Unix seconds and valid for 5 minutes.
"""

from __future__ import annotations

import hashlib
import hmac

TIMESTAMP_WINDOW_SECONDS = 300


def base_string(
    partner_id: str | int,
    api_path: str,
    timestamp: str | int,
    access_token: str = "",
    shop_id: str | int = "",
) -> str:
    return f"{partner_id}{api_path}{timestamp}{access_token}{shop_id}"


def sign(partner_key: str, base: str) -> str:
    return hmac.new(partner_key.encode(), base.encode(), hashlib.sha256).hexdigest()


def verify(partner_key: str, base: str, given: str) -> bool:
    return hmac.compare_digest(sign(partner_key, base), given)
