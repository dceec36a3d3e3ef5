"""Signed LazOP requests on the shared transport, LazOP's error codes, and tokens.

Every param (system, business and the `payload`) travels in the query string, signed
afresh on each attempt (new ms timestamp). Codes: 901/E901/ApiCallLimit/AppCallLimit/
OPEN_API_CALL_EXCEED_LIMIT (throttling) and InternalError/ServiceTimeout are RETRYABLE;
IllegalAccessToken/InvalidAccessToken/AccessTokenExpired are AUTH (refreshed once,
then retried once); everything else is PERMANENT with LazOP's code and message kept.
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
from services.sync.adapters.lazada.signing import api_sign
from services.sync.adapters.retry import RetryBudget
from services.sync.adapters.shop_settings import credentials
from services.sync.adapters.tokens import (
    access_token,
    authorized_call,
    fetch_tokens,
    refresh_token_of,
)
from services.sync.adapters.transport import EnvelopeError, ReadEnvelope

DEFAULT_BASE_URL = "https://api.lazada.sg/rest"
DEFAULT_AUTH_URL = "https://auth.lazada.com/rest"
DEFAULT_RATE_LIMIT = 10.0  # ⚠ Lazada publishes no QPS figure (§8); configurable per shop

PATH_TOKEN_CREATE = "/auth/token/create"
PATH_TOKEN_REFRESH = "/auth/token/refresh"

RETRYABLE_CODES = {
    "901",
    "E901",
    "ApiCallLimit",
    "AppCallLimit",
    "OPEN_API_CALL_EXCEED_LIMIT",
    "InternalError",
    "ServiceTimeout",
    "ServiceUnavailable",
}
AUTH_CODES = {
    "IllegalAccessToken",
    "InvalidAccessToken",
    "AccessTokenExpired",
    # Token APIs: a spent/unknown code or refresh token (sandbox names, ⚠ not documented).
    "InvalidCode",
    "IllegalRefreshToken",
}


def classify_code(code: str) -> FailureKind:
    if code in RETRYABLE_CODES:
        return FailureKind.RETRYABLE
    if code in AUTH_CODES:
        return FailureKind.AUTH
    return FailureKind.PERMANENT


def envelope_reader(accept: frozenset[str] = frozenset()) -> ReadEnvelope:
    """`{code, type, message, request_id}`; code "0" is success. A code in `accept`
    that carries a per-SKU `detail` list is returned as an answer (partial failure)."""

    def read(payload: Mapping[str, Any]) -> EnvelopeError | None:
        if "code" not in payload:
            return None
        code = str(payload.get("code"))
        if code == "0":
            return None
        detail = payload.get("detail")
        return EnvelopeError(
            code=code,
            message=str(payload.get("message") or ""),
            kind=classify_code(code),
            accepted=code in accept and isinstance(detail, list) and bool(detail),
        )

    return read


def app(shop: ShopAuth) -> tuple[str, str]:
    app_key, app_secret = credentials(shop, Platform.LAZADA, "app_key", "app_secret")
    return app_key, app_secret


class LazadaClient(PlatformClient):
    def __init__(self, base_url: str, auth_url: str, **options: Unpack[TransportOptions]) -> None:
        super().__init__(Platform.LAZADA, DEFAULT_RATE_LIMIT, **options)
        self.base_url = base_url.rstrip("/")
        self.auth_url = auth_url.rstrip("/")

    def signed_query(
        self, shop: ShopAuth, api_path: str, params: Iterable[tuple[str, Any]], *, seller: bool
    ) -> str:
        app_key, app_secret = app(shop)
        query = {k: str(v) for k, v in params if v is not None}
        query.update(app_key=app_key, timestamp=str(int(time.time() * 1000)), sign_method="sha256")
        if seller:
            query["access_token"] = access_token(self.http, shop)
        query["sign"] = api_sign(app_secret, api_path, query)
        return urlencode(query)

    def _send(
        self,
        shop: ShopAuth,
        method: str,
        api_path: str,
        params: Iterable[tuple[str, Any]],
        *,
        seller: bool = True,
        accept: frozenset[str] = frozenset(),
    ) -> Awaitable[dict[str, Any]]:
        base = self.base_url if seller else self.auth_url

        def sign_url() -> str:
            return f"{base}{api_path}?{self.signed_query(shop, api_path, params, seller=seller)}"

        return self.http.send(method, api_path, sign_url, read_envelope=envelope_reader(accept))

    async def call(
        self,
        shop: ShopAuth,
        method: str,
        api_path: str,
        params: Iterable[tuple[str, Any]] = (),
        *,
        budget: RetryBudget | None = None,
        accept: frozenset[str] = frozenset(),
    ) -> dict[str, Any]:
        """A seller API call: rate limited, retried, and on AUTH refreshed once."""
        fixed = list(params)

        def attempt() -> Awaitable[dict[str, Any]]:
            return self._send(shop, method, api_path, fixed, accept=accept)

        return await authorized_call(self.http, shop, attempt, self.refresh_token, budget=budget)

    # -- authorization --------------------------------------------------------------
    def authorization_url(self, shop: ShopAuth, redirect_uri: str, state: str) -> str:
        app_key, _ = app(shop)
        root = self.auth_url.removesuffix("/rest")
        query = {
            "response_type": "code",
            "force_auth": "true",
            "redirect_uri": redirect_uri,
            "client_id": app_key,
        }
        if state:
            query["state"] = state
        return f"{root}/oauth/authorize?{urlencode(query)}"

    async def _token(
        self, shop: ShopAuth, api_path: str, params: list[tuple[str, Any]]
    ) -> TokenPair:
        """A token call on the auth host; the new pair is kept on `shop` at once."""

        def attempt() -> Awaitable[dict[str, Any]]:
            return self._send(shop, "POST", api_path, params, seller=False)

        return await fetch_tokens(self.http, shop, attempt, token_pair)

    async def exchange_code(self, shop: ShopAuth, code: str) -> TokenPair:
        return await self._token(shop, PATH_TOKEN_CREATE, [("code", code)])

    async def refresh_token(self, shop: ShopAuth) -> TokenPair:
        """Keep the latest refresh token (§4.2): the new pair is stored on `shop` at once."""
        refresh = refresh_token_of(self.http, shop)
        return await self._token(shop, PATH_TOKEN_REFRESH, [("refresh_token", refresh)])


def token_pair(payload: Mapping[str, Any]) -> TokenPair:
    now = datetime.now(UTC)
    refresh_in = payload.get("refresh_expires_in")
    return TokenPair(
        access_token=str(payload["access_token"]),
        refresh_token=str(payload["refresh_token"]),
        access_expires_at=now + timedelta(seconds=int(payload.get("expires_in") or 0)),
        refresh_expires_at=now + timedelta(seconds=int(refresh_in)) if refresh_in else None,
    )
