"""Signed Shopee requests on the shared transport, Shopee's error codes, and tokens.

Shop and public calls are re-signed with a fresh timestamp on every attempt. Shopee's
`error_rate_limit`/`error_limit`/busy/inner/server codes are RETRYABLE,
`invalid_acceess_token` (sic) and `error_auth` are AUTH (refreshed once, then retried
once); every other code is PERMANENT with Shopee's code and message kept.
"""

from __future__ import annotations

import time
from collections.abc import Awaitable, Iterable, Mapping
from datetime import UTC, datetime, timedelta
from typing import Any, Unpack
from urllib.parse import urlencode

from services.common.platforms import Platform
from services.sync.adapters.base import ShopAuth, TokenPair
from services.sync.adapters.client_base import PlatformClient, TransportOptions
from services.sync.adapters.errors import FailureKind
from services.sync.adapters.retry import RetryBudget
from services.sync.adapters.shop_settings import credentials
from services.sync.adapters.shopee.signing import api_sign, public_base_string, shop_base_string
from services.sync.adapters.shopee.validation import permanent
from services.sync.adapters.tokens import (
    access_token,
    authorized_call,
    fetch_tokens,
    refresh_token_of,
)
from services.sync.adapters.transport import EnvelopeError, ReadEnvelope

DEFAULT_BASE_URL = "https://partner.shopeemobile.com"
DEFAULT_RATE_LIMIT = 10.0
REFRESH_TTL = timedelta(days=30)

PATH_AUTH_PARTNER = "/api/v2/shop/auth_partner"
PATH_TOKEN_GET = "/api/v2/auth/token/get"
PATH_TOKEN_REFRESH = "/api/v2/auth/access_token/get"

RETRYABLE_CODES = {
    "error_rate_limit",
    "error_limit",
    "error_system_busy",
    "error_inner",
    "error_server",
    "error_busy",
}
AUTH_CODES = {"invalid_acceess_token", "invalid_access_token", "error_auth"}


def classify_code(code: str) -> FailureKind:
    """Shopee's own error code ("product.error_param" or "error_rate_limit") to a kind."""
    bare = code.rsplit(".", 1)[-1]
    if bare in RETRYABLE_CODES:
        return FailureKind.RETRYABLE
    if bare in AUTH_CODES:
        return FailureKind.AUTH
    return FailureKind.PERMANENT


def envelope_reader(accept: frozenset[str] = frozenset()) -> ReadEnvelope:
    """Shopee's `{"error", "message"}` envelope; codes in `accept` still return the body."""

    def read(payload: Mapping[str, Any]) -> EnvelopeError:
        code = str(payload.get("error") or "")
        return EnvelopeError(
            code=code,
            message=str(payload.get("message") or ""),
            kind=classify_code(code) if code else None,
            accepted=bool(code) and code.rsplit(".", 1)[-1] in accept,
        )

    return read


def partner(shop: ShopAuth) -> tuple[int, str]:
    partner_id, partner_key = credentials(shop, Platform.SHOPEE, "partner_id", "partner_key")
    try:
        return int(partner_id), partner_key
    except ValueError as exc:
        raise permanent("shop credentials need partner_id and partner_key") from exc


class ShopeeClient(PlatformClient):
    def __init__(self, base_url: str, **options: Unpack[TransportOptions]) -> None:
        super().__init__(Platform.SHOPEE, DEFAULT_RATE_LIMIT, **options)
        self.base_url = base_url.rstrip("/")

    def signed_query(
        self, shop: ShopAuth, path: str, *, shop_api: bool, extra: Iterable[tuple[str, Any]] = ()
    ) -> str:
        partner_id, partner_key = partner(shop)
        timestamp = int(time.time())
        query: list[tuple[str, Any]] = [("partner_id", partner_id), ("timestamp", timestamp)]
        if shop_api:
            token = access_token(self.http, shop)
            base = shop_base_string(partner_id, path, timestamp, token, shop.shop_id)
            query += [("access_token", token), ("shop_id", shop.shop_id)]
        else:
            base = public_base_string(partner_id, path, timestamp)
        query.append(("sign", api_sign(partner_key, base)))
        query += [(k, v) for k, v in extra if v is not None]
        return urlencode(query, doseq=True)

    def _send(
        self,
        shop: ShopAuth,
        method: str,
        path: str,
        *,
        params: Iterable[tuple[str, Any]] = (),
        body: Mapping[str, Any] | None = None,
        shop_api: bool = True,
        accept: frozenset[str] = frozenset(),
    ) -> Awaitable[dict[str, Any]]:
        """One signed attempt (signed when sent, so every retry has a fresh timestamp)."""

        def sign_url() -> str:
            query = self.signed_query(shop, path, shop_api=shop_api, extra=params)
            return f"{self.base_url}{path}?{query}"

        return self.http.send(
            method, path, sign_url, body=body, read_envelope=envelope_reader(accept)
        )

    async def call(
        self,
        shop: ShopAuth,
        method: str,
        path: str,
        *,
        params: Iterable[tuple[str, Any]] = (),
        body: Mapping[str, Any] | None = None,
        budget: RetryBudget | None = None,
        accept: frozenset[str] = frozenset(),
    ) -> dict[str, Any]:
        """A shop API call: rate limited, retried, and on AUTH refreshed once."""
        params = list(params)

        def attempt() -> Awaitable[dict[str, Any]]:
            return self._send(shop, method, path, params=params, body=body, accept=accept)

        return await authorized_call(self.http, shop, attempt, self.refresh_token, budget=budget)

    async def _token(self, shop: ShopAuth, path: str, body: Mapping[str, Any]) -> TokenPair:
        """A public token call; the new pair is kept on `shop` at once."""

        def attempt() -> Awaitable[dict[str, Any]]:
            return self._send(shop, "POST", path, body=body, shop_api=False)

        return await fetch_tokens(self.http, shop, attempt, token_pair)

    # -- authorization --------------------------------------------------------------
    def authorization_url(self, shop: ShopAuth, redirect_uri: str, state: str) -> str:
        sep = "&" if "?" in redirect_uri else "?"
        redirect = f"{redirect_uri}{sep}{urlencode({'state': state})}" if state else redirect_uri
        query = self.signed_query(
            shop, PATH_AUTH_PARTNER, shop_api=False, extra=[("redirect", redirect)]
        )
        return f"{self.base_url}{PATH_AUTH_PARTNER}?{query}"

    async def exchange_code(self, shop: ShopAuth, code: str) -> TokenPair:
        partner_id, _ = partner(shop)
        body = {"code": code, "shop_id": int(shop.shop_id), "partner_id": partner_id}
        return await self._token(shop, PATH_TOKEN_GET, body)

    async def refresh_token(self, shop: ShopAuth) -> TokenPair:
        """Refresh tokens are single use: the new pair is stored on `shop` at once."""
        refresh = refresh_token_of(self.http, shop)
        partner_id, _ = partner(shop)
        body = {"refresh_token": refresh, "partner_id": partner_id, "shop_id": int(shop.shop_id)}
        return await self._token(shop, PATH_TOKEN_REFRESH, body)


def token_pair(payload: Mapping[str, Any]) -> TokenPair:
    now = datetime.now(UTC)
    expire_in = int(payload.get("expire_in") or 0)
    # ⚠ §1.2: one official sample shows a Unix timestamp here instead of seconds.
    if expire_in > 10**9:
        expires = datetime.fromtimestamp(expire_in, UTC)
    else:
        expires = now + timedelta(seconds=expire_in or 4 * 3600)
    return TokenPair(
        access_token=str(payload["access_token"]),
        refresh_token=str(payload["refresh_token"]),
        access_expires_at=expires,
        refresh_expires_at=now + REFRESH_TTL,
    )
