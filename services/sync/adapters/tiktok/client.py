"""Signed TikTok Shop requests on the shared transport, TikTok's codes, and tokens.

Signing (§2.1) covers the path, the query and the raw body: the body is serialised
once per call, and the transport's `sign_url` callable (run on every attempt, so every
retry has a fresh timestamp) signs the URL over those exact bytes, which are then sent
as they are; the access token travels in the `x-tts-access-token` header.
Codes (§2.1): 36009002 (429) and 36009007 are RETRYABLE; 105002 (token expired) and
36009004 (invalid token, app_key or timestamp — with fresh timestamps, the token) are
AUTH: refreshed once, then retried once; 106001 (invalid sign), 106013, 105005, 36009033
and every other code are PERMANENT, with TikTok's code and message kept.
"""

from __future__ import annotations

import json
import time
from collections.abc import Awaitable, Iterable, Mapping
from datetime import UTC, datetime
from typing import Any, Unpack
from urllib.parse import urlencode

from services.common.platforms import Platform
from services.sync.adapters.base import ShopAuth, TokenPair
from services.sync.adapters.client_base import PlatformClient, TransportOptions
from services.sync.adapters.errors import FailureKind
from services.sync.adapters.retry import RetryBudget
from services.sync.adapters.shop_settings import credentials
from services.sync.adapters.tiktok.signing import sign
from services.sync.adapters.tiktok.validation import permanent
from services.sync.adapters.tokens import (
    access_token,
    authorized_call,
    fetch_tokens,
    refresh_token_of,
)
from services.sync.adapters.transport import EnvelopeError

DEFAULT_BASE_URL = "https://open-api.tiktokglobalshop.com"
DEFAULT_AUTH_URL = "https://auth.tiktok-shops.com"
DEFAULT_RATE_LIMIT = 50.0  # §2.2: 50 req/s per API and shop (one bucket: conservative)

PATH_TOKEN_GET = "/api/v2/token/get"
PATH_TOKEN_REFRESH = "/api/v2/token/refresh"
PATH_SHOPS = "/authorization/202309/shops"

RETRYABLE_CODES = {"36009002", "36009007"}
AUTH_CODES = {"105002", "36009004"}


def classify_code(code: str) -> FailureKind | None:
    if code in RETRYABLE_CODES:
        return FailureKind.RETRYABLE
    if code in AUTH_CODES:
        return FailureKind.AUTH
    return FailureKind.PERMANENT if code else None


def read_envelope(payload: Mapping[str, Any]) -> EnvelopeError | None:
    """`{"code", "message", "request_id", "data"}`; code 0 is success."""
    code = payload.get("code")
    if code in (0, "0", None):
        return None
    return EnvelopeError(str(code), str(payload.get("message") or ""), classify_code(str(code)))


def json_bytes(body: Mapping[str, Any] | None) -> bytes:
    """The body as sent (httpx's own compact JSON form), so the sign covers those bytes."""
    if body is None:
        return b""
    return json.dumps(body, ensure_ascii=False, separators=(",", ":"), allow_nan=False).encode()


def app_credentials(shop: ShopAuth) -> tuple[str, str]:
    app_key, app_secret = credentials(shop, Platform.TIKTOK_SHOP, "app_key", "app_secret")
    return app_key, app_secret


class TikTokClient(PlatformClient):
    def __init__(self, base_url: str, auth_url: str, **options: Unpack[TransportOptions]) -> None:
        super().__init__(Platform.TIKTOK_SHOP, DEFAULT_RATE_LIMIT, **options)
        self.base_url = base_url.rstrip("/")
        self.auth_url = auth_url.rstrip("/")
        self._ciphers: dict[str, str] = {}

    def _send(
        self,
        shop: ShopAuth,
        method: str,
        path: str,
        params: Iterable[tuple[str, Any]],
        content: bytes,
        cipher: str,
    ) -> Awaitable[dict[str, Any]]:
        """One signed attempt: a fresh timestamp, the sign over query and `content`."""
        app_key, app_secret = app_credentials(shop)
        token = access_token(self.http, shop)

        def sign_url() -> str:
            query: list[tuple[str, Any]] = [("app_key", app_key), ("timestamp", int(time.time()))]
            if cipher:
                query.append(("shop_cipher", cipher))
            query += [(k, v) for k, v in params if v is not None]
            signed = sign(app_secret, path, [(k, str(v)) for k, v in query], content)
            return f"{self.base_url}{path}?{urlencode([*query, ('sign', signed)])}"

        headers = {"x-tts-access-token": token}
        if content:
            headers["content-type"] = "application/json"
        return self.http.send(
            method,
            path,
            sign_url,
            content=content or None,
            read_envelope=read_envelope,
            headers=headers,
        )

    async def call(
        self,
        shop: ShopAuth,
        method: str,
        path: str,
        *,
        params: Iterable[tuple[str, Any]] = (),
        body: Mapping[str, Any] | None = None,
        cipher: bool = True,
        budget: RetryBudget | None = None,
    ) -> dict[str, Any]:
        """A shop API call: rate limited, retried, refreshed once on AUTH; returns `data`."""
        params = list(params)
        content = json_bytes(body)
        shop_cipher = await self.cipher(shop) if cipher else ""

        def attempt() -> Awaitable[dict[str, Any]]:
            return self._send(shop, method, path, params, content, shop_cipher)

        payload = await authorized_call(self.http, shop, attempt, self.refresh_token, budget=budget)
        return dict(payload.get("data") or {})

    async def cipher(self, shop: ShopAuth) -> str:
        """`shop.app["shop_cipher"]`, else looked up once from the authorized shops."""
        known = shop.app.get("shop_cipher") or self._ciphers.get(shop.shop_id)
        if known:
            return known
        data = await self.call(shop, "GET", PATH_SHOPS, cipher=False)
        for entry in data.get("shops", []):
            if str(entry.get("id")) == shop.shop_id:
                self._ciphers[shop.shop_id] = str(entry["cipher"])
                return self._ciphers[shop.shop_id]
        raise permanent(f"shop {shop.shop_id} is not authorized for this app", "no_cipher")

    # -- tokens (auth host; app_secret in the query, no sign) ---------------------------
    async def _token(self, shop: ShopAuth, path: str, query: list[tuple[str, str]]) -> TokenPair:
        app_key, app_secret = app_credentials(shop)
        url = f"{self.auth_url}{path}?" + urlencode(
            [("app_key", app_key), ("app_secret", app_secret), *query]
        )

        def attempt() -> Awaitable[dict[str, Any]]:
            return self.http.send("GET", path, lambda: url, read_envelope=read_envelope)

        return await fetch_tokens(self.http, shop, attempt, read_token_answer)

    async def exchange_code(self, shop: ShopAuth, code: str) -> TokenPair:
        query = [("auth_code", code), ("grant_type", "authorized_code")]
        return await self._token(shop, PATH_TOKEN_GET, query)

    async def refresh_token(self, shop: ShopAuth) -> TokenPair:
        """Refresh tokens may be single use: the new pair is stored on `shop` at once."""
        query = [
            ("refresh_token", refresh_token_of(self.http, shop)),
            ("grant_type", "refresh_token"),
        ]
        return await self._token(shop, PATH_TOKEN_REFRESH, query)


def read_token_answer(payload: Mapping[str, Any]) -> TokenPair:
    return token_pair(payload.get("data") or {})


def token_pair(data: Mapping[str, Any]) -> TokenPair:
    """§2.3: `access_token_expire_in` and `refresh_token_expire_in` are Unix timestamps."""
    refresh_at = data.get("refresh_token_expire_in")
    return TokenPair(
        access_token=str(data["access_token"]),
        refresh_token=str(data["refresh_token"]),
        access_expires_at=datetime.fromtimestamp(int(data["access_token_expire_in"]), UTC),
        refresh_expires_at=datetime.fromtimestamp(int(refresh_at), UTC) if refresh_at else None,
    )
