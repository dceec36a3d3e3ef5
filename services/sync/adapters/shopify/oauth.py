"""Shopify's OAuth install flow: the consent URL and the callback's `hmac` check.

The callback (`code`, `hmac`, `host`, `shop`, `state`, `timestamp`) is genuine when
`hmac` is the hex HMAC-SHA256, keyed with the app's client secret, of every other
param as "k=v" (`%`, `=` escaped in keys, `%` in values, then `&`), sorted and joined
with "&", and the timestamp is under 24 h old (MARKETPLACES.md §5; the rules of
ShopifyAPI's `Session.calculate_hmac` / `validate_params`, cross-checked in the tests).
"""

from __future__ import annotations

import hashlib
import hmac
import json
import time
from collections.abc import Mapping, Sequence
from urllib.parse import urlencode

SCOPES = "read_products,write_products,read_inventory,write_inventory,read_orders"
MAX_AGE = 24 * 3600


def authorization_url(
    shop_url: str, client_id: str, redirect_uri: str, state: str, scopes: str = SCOPES
) -> str:
    """The install consent page; without `grant_options[]` the token is offline."""
    query = {"client_id": client_id, "scope": scopes, "redirect_uri": redirect_uri}
    if state:
        query["state"] = state
    return f"{shop_url}/admin/oauth/authorize?{urlencode(query)}"


def callback_hmac(client_secret: str, params: Mapping[str, str | Sequence[str]]) -> str:
    pairs = []
    for key, value in params.items():
        if key == "hmac":
            continue
        if key.endswith("[]") and not isinstance(value, str):
            key, value = key[:-2], json.dumps([str(v) for v in value])
        k = str(key).replace("%", "%25").replace("=", "%3D")
        v = str(value).replace("%", "%25")
        pairs.append(f"{k}={v}".replace("&", "%26"))
    message = "&".join(sorted(pairs)).encode()
    return hmac.new(client_secret.encode(), message, hashlib.sha256).hexdigest()


def verify_callback(
    params: Mapping[str, str | Sequence[str]],
    client_secret: str,
    *,
    now: float | None = None,
    max_age: float = MAX_AGE,
) -> bool:
    """True when the callback's `hmac` matches and its `timestamp` is recent."""
    given = params.get("hmac")
    if not isinstance(given, str) or not given:
        return False
    try:
        timestamp = int(str(params.get("timestamp", "0")))
    except ValueError:
        return False
    if timestamp < (now if now is not None else time.time()) - max_age:
        return False
    return hmac.compare_digest(callback_hmac(client_secret, params), given)
