"""Bearer-authenticated Tokopedia calls on the shared transport, error kinds and tokens.

Auth (MARKETPLACES.md §3): OAuth2 client_credentials, `POST <accounts>/token?grant_type=
client_credentials` with `Authorization: Basic base64(client_id:client_secret)`; then
`Authorization: Bearer <token>` on every call; no request signing. There is no refresh
token: "refreshing" fetches a new client-credentials token (done before a call when the
token is missing or expired, and once on a 401).

Kinds: 401 -> AUTH; 429, 5xx, timeouts and `ERR_TOO_MANY_REQUEST` -> RETRYABLE (waiting
`X-Ratelimit-Reset-After`, or Retry-After); everything else PERMANENT with Tokopedia's
`header.error_code` and `header.reason` kept.

Per-item rate limit: bulk endpoints count every payload item as one request (§3, DESIGN
§10), so a call of n items takes n tokens from the shop's bucket before it is sent.

Calls go through the shared `HttpTransport.exchange` (Bearer header, array bodies, the
response's `X-Ratelimit-*` headers kept on the reply).
"""

from __future__ import annotations

import base64
from collections.abc import Awaitable, Iterable, Mapping
from datetime import UTC, datetime, timedelta
from typing import Any, Unpack
from urllib.parse import urlencode

import httpx

from services.common.platforms import Platform
from services.sync.adapters.base import ShopAuth, TokenPair
from services.sync.adapters.client_base import PlatformClient, TransportOptions
from services.sync.adapters.errors import AdapterError, FailureKind
from services.sync.adapters.retry import RetryBudget
from services.sync.adapters.shop_settings import credentials
from services.sync.adapters.tokens import authorized_call, ensure_token, fetch_tokens
from services.sync.adapters.transport import EnvelopeError, Reply

DEFAULT_BASE_URL = "https://fs.tokopedia.net"
DEFAULT_ACCOUNTS_URL = "https://accounts.tokopedia.com"
DEFAULT_RATE_LIMIT = 5.0  # §3: 5 req/s (burst 5), each bulk item counts
PATH_TOKEN = "/token"
TOO_MANY = "ERR_TOO_MANY_REQUEST"
RETRYABLE_CODES = {TOO_MANY, "TOO_MANY_REQUEST", "INTERNAL_SERVER_ERROR"}
AUTH_CODES = {"invalid_client", "invalid_token", "UNAUTHORIZED"}


def read_error(payload: Mapping[str, Any]) -> tuple[str, str]:
    """(code, message) from the fs envelope or the accounts host's OAuth error."""
    header = payload.get("header")
    if isinstance(header, Mapping):
        code = str(header.get("error_code") or "")
        return code, str(header.get("reason") or header.get("messages") or "")
    return str(payload.get("error") or ""), str(payload.get("error_description") or "")


def throttle_wait(headers: httpx.Headers) -> float | None:
    """Retry-After, else X-Ratelimit-Reset-After (seconds; "-0.000000" means none)."""
    for name in ("Retry-After", "X-Ratelimit-Reset-After"):
        raw = headers.get(name)
        if raw is not None:
            try:
                return max(0.0, float(raw))
            except ValueError:
                continue
    return None


def read_envelope(payload: Mapping[str, Any]) -> EnvelopeError | None:
    code, message = read_error(payload)
    if not code:
        return None
    if code in RETRYABLE_CODES:
        return EnvelopeError(code, message, FailureKind.RETRYABLE)
    if code in AUTH_CODES:
        return EnvelopeError(code, message, FailureKind.AUTH)
    return EnvelopeError(code, message)


def client_credentials(shop: ShopAuth) -> tuple[str, str]:
    client_id, secret = credentials(shop, Platform.TOKOPEDIA, "client_id", "client_secret")
    return client_id, secret


def fs_id(shop: ShopAuth) -> str:
    (value,) = credentials(shop, Platform.TOKOPEDIA, "fs_id")
    return value


class TokopediaClient(PlatformClient):
    def __init__(
        self, base_url: str, accounts_url: str, **options: Unpack[TransportOptions]
    ) -> None:
        super().__init__(
            Platform.TOKOPEDIA, DEFAULT_RATE_LIMIT, throttle_wait=throttle_wait, **options
        )
        self.base_url = base_url.rstrip("/")
        self.accounts_url = accounts_url.rstrip("/")

    def batch_size(self, shop: ShopAuth, limit: int = 100) -> int:
        """Items per bulk call: ≤ `limit` and ≤ the shop's burst (its rate): every item
        counts as one request, so a larger call would only get items throttled. The
        bucket paces calls at `items / rate` apart; an item that network jitter still
        gets throttled is retried (ERR_TOO_MANY_REQUEST is retryable)."""
        rate = int(self.bucket(shop).rate)
        return max(1, min(limit, rate))

    async def call(
        self,
        shop: ShopAuth,
        method: str,
        path: str,
        *,
        params: Iterable[tuple[str, Any]] = (),
        body: Any = None,
        items: int = 1,
        budget: RetryBudget | None = None,
    ) -> Reply:
        """A Bearer call: `items` tokens per attempt, retried, refreshed once on AUTH."""
        query = urlencode([(k, v) for k, v in params if v is not None])
        url = f"{self.base_url}{path}" + (f"?{query}" if query else "")
        bucket = self.bucket(shop)

        async def attempt() -> Reply:
            for _ in range(items - 1):  # the retry helper takes the first token
                await bucket.acquire()
            token = await ensure_token(self.http, shop, self.refresh_token)
            headers = {"Authorization": f"Bearer {token}"}
            return await self.http.exchange(
                method, path, lambda: url, json_body=body, headers=headers,
                read_envelope=read_envelope,
            )  # fmt: skip

        return await authorized_call(self.http, shop, attempt, self.refresh_token, budget=budget)

    async def exchange_code(self, shop: ShopAuth, code: str) -> TokenPair:
        """client_credentials has no code to exchange: a new token, as refresh_token."""
        return await self.refresh_token(shop)

    async def refresh_token(self, shop: ShopAuth) -> TokenPair:
        """A new client-credentials token (there is no refresh token); kept on `shop`."""
        client_id, secret = client_credentials(shop)
        basic = base64.b64encode(f"{client_id}:{secret}".encode()).decode()
        query = urlencode({"grant_type": "client_credentials"})
        url = f"{self.accounts_url}{PATH_TOKEN}?{query}"
        headers = {"Authorization": f"Basic {basic}", "Content-Length": "0"}

        def attempt() -> Awaitable[Reply]:
            return self.http.exchange(
                "POST", PATH_TOKEN, lambda: url, headers=headers, read_envelope=read_envelope
            )

        return await fetch_tokens(self.http, shop, attempt, lambda reply: token_pair(reply.payload))


def token_pair(payload: Mapping[str, Any]) -> TokenPair:
    token = payload.get("access_token")
    if not token:
        raise AdapterError(
            FailureKind.AUTH, Platform.TOKOPEDIA, "no access_token in answer", code="no_token"
        )
    # ⚠ §3: the example says 2592000 s (30 days), 2021 news says 2 weeks: trust expires_in.
    expires_in = int(payload.get("expires_in") or 14 * 86400)
    return TokenPair(
        access_token=str(token),
        refresh_token="",
        access_expires_at=datetime.now(UTC) + timedelta(seconds=expires_in),
    )
