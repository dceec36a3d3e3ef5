"""Shopee Open Platform v2 request signing (MARKETPLACES.md §1.1).

sign = lowercase hex HMAC-SHA256(key=partner_key, msg=base string) where the base
string is, in exactly this order:
  Shop API:   partner_id + api_path + timestamp + access_token + shop_id
  Public API: partner_id + api_path + timestamp   (auth_partner, token/get, access_token/get)
`api_path` is the path without host ("/api/v2/product/add_item"); timestamp is Unix
seconds, valid 5 minutes. Refresh uses the public form: ⚠ some third-party snippets
add shop_id for the refresh call; the official guide and pyshopee do not.
"""

from __future__ import annotations

import hashlib
import hmac


def shop_base_string(
    partner_id: int | str, api_path: str, timestamp: int, access_token: str, shop_id: int | str
) -> str:
    return f"{partner_id}{api_path}{timestamp}{access_token}{shop_id}"


def public_base_string(partner_id: int | str, api_path: str, timestamp: int) -> str:
    return f"{partner_id}{api_path}{timestamp}"


def api_sign(partner_key: str, base_string: str) -> str:
    return hmac.new(partner_key.encode(), base_string.encode(), hashlib.sha256).hexdigest()
