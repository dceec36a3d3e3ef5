"""Shopify OAuth in the sandbox: the install consent redirect and the token endpoint.

- GET `/admin/oauth/authorize?client_id&scope&redirect_uri&state` redirects to
  `redirect_uri` with `code`, `hmac`, `host`, `shop`, `state`, `timestamp`; `hmac` is hex
  HMAC-SHA256 (client secret) of the other params as "k=v" pairs, sorted and joined with
  "&" (MARKETPLACES.md §5; the same encoding as ShopifyAPI's `Session.calculate_hmac`).
- POST `/admin/oauth/access_token` with `client_id`, `client_secret` and `code` (single
  use, 10 min ⚠) answers `{access_token, scope}`; with `expiring=1` the offline token
  expires after 3600 s and comes with a `refresh_token` (changelog 2025-12-10), which
  `grant_type=refresh_token` exchanges for a new pair (⚠ rotation: the old refresh token
  is spent; its 90-day lifetime is not in the sources).
Errors are `{"error", "error_description"}` with HTTP 400 (⚠ shape from OAuth 2.0).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import secrets
import time
from collections.abc import Mapping, Sequence
from urllib.parse import parse_qsl, urlencode

from starlette.requests import Request
from starlette.responses import JSONResponse, RedirectResponse, Response

from sandbox.shopify.store import PLATFORM
from sandbox.state import SandboxState, Shop

ACCESS_TTL = 3600
REFRESH_TTL = 90 * 86400
CODE_TTL = 600
SCOPES = "read_products,write_products,read_inventory,write_inventory,read_orders"


def callback_hmac(client_secret: str, params: Mapping[str, str | Sequence[str]]) -> str:
    """Hex HMAC-SHA256 of the sorted, escaped `k=v` pairs (all but `hmac`)."""
    pairs = []
    for key, value in params.items():
        if key == "hmac":
            continue
        if key.endswith("[]") and not isinstance(value, str):
            key, value = key[:-2], json.dumps([str(v) for v in value])
        k = str(key).replace("%", "%25").replace("=", "%3D")
        v = str(value).replace("%", "%25")
        pairs.append(f"{k}={v}".replace("&", "%26"))
    message = "&".join(sorted(pairs))
    return hmac.new(client_secret.encode(), message.encode(), hashlib.sha256).hexdigest()


def oauth_error(message: str, status: int = 400) -> JSONResponse:
    return JSONResponse({"error": "invalid_request", "error_description": message}, status)


class OAuthRoutes:
    def __init__(self, state: SandboxState) -> None:
        self.state = state
        self.codes: dict[str, tuple[int, float]] = {}  # code -> (shop id, expires)

    def _by_client(self, client_id: str) -> Shop | None:
        shops = self.state.platform_shops(PLATFORM).values()
        return next((s for s in shops if s.credentials["client_id"] == client_id), None)

    async def authorize(self, request: Request) -> Response:
        q = request.query_params
        shop = self._by_client(q.get("client_id", ""))
        redirect = q.get("redirect_uri", "")
        if shop is None or not redirect:
            return oauth_error("unknown client_id or missing redirect_uri")
        code = secrets.token_hex(16)
        self.codes[code] = (shop.shop_id, time.time() + CODE_TTL)
        domain = shop.credentials["shop_domain"]
        params = {
            "code": code,
            "host": base64.b64encode(f"{domain}/admin".encode()).decode().rstrip("="),
            "shop": domain,
            "state": q.get("state", ""),
            "timestamp": str(int(time.time())),
        }
        params["hmac"] = callback_hmac(shop.credentials["client_secret"], params)
        sep = "&" if "?" in redirect else "?"
        return RedirectResponse(f"{redirect}{sep}{urlencode(params)}", 302)

    async def access_token(self, request: Request) -> Response:
        raw = await request.body()
        if request.headers.get("content-type", "").startswith("application/json"):
            try:
                loaded = json.loads(raw or b"{}")
            except ValueError:
                return oauth_error("body is not JSON")
            body = {k: str(v) for k, v in loaded.items()} if isinstance(loaded, dict) else {}
        else:
            body = dict(parse_qsl(raw.decode("utf-8", "replace")))
        shop = self._by_client(body.get("client_id", ""))
        if shop is None or not hmac.compare_digest(
            body.get("client_secret", ""), shop.credentials["client_secret"]
        ):
            return oauth_error("invalid client credentials", 401)
        if body.get("grant_type") == "refresh_token":
            given = body.get("refresh_token", "")
            if not given or given != shop.refresh_token or time.time() >= shop.refresh_expires_at:
                return oauth_error("invalid refresh token")
            shop.issue_tokens(ACCESS_TTL, REFRESH_TTL)
            return token_answer(shop, expiring=True)
        found = self.codes.pop(body.get("code", ""), None)
        if found is None or found[0] != shop.shop_id or time.time() > found[1]:
            return oauth_error("The authorization code was not found or was already used")
        expiring = body.get("expiring") in ("1", "true")
        shop.issue_tokens(ACCESS_TTL if expiring else 10 * 365 * 86400, REFRESH_TTL)
        if not expiring:
            shop.refresh_token = ""
        return token_answer(shop, expiring=expiring)


def token_answer(shop: Shop, *, expiring: bool) -> JSONResponse:
    body: dict[str, object] = {"access_token": shop.access_token, "scope": SCOPES}
    if expiring:
        now = time.time()
        body.update(
            expires_in=round(shop.access_expires_at - now),
            refresh_token=shop.refresh_token,
            refresh_token_expires_in=round(shop.refresh_expires_at - now),
        )
    return JSONResponse(body)
