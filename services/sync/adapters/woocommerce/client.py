"""Authenticated WooCommerce REST calls on the shared transport, error kinds and paging.

Auth (oauth.py): Basic over https, OAuth 1.0a one-legged (signed query) over http; a
new timestamp and nonce on every attempt, since core refuses a nonce seen within 15
minutes. Keys are issued in WP admin and never expire, so there is nothing to refresh:
a 401 (`woocommerce_rest_authentication_error`, `woocommerce_rest_cannot_*`) is AUTH
and surfaces at once.

Kinds: 429, 5xx, timeouts -> RETRYABLE (Retry-After honoured: ⚠ core has no rate limit
of its own, §6; hosts and WAFs in front of WordPress send 429); 401 -> AUTH; other 4xx
-> PERMANENT with the WP REST error's `code` and `message` kept.
"""

from __future__ import annotations

import re
from collections.abc import Awaitable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any, Unpack
from urllib.parse import urlsplit

import httpx

from services.common.platforms import Platform
from services.sync.adapters import shop_settings
from services.sync.adapters.base import ShopAuth, TokenPair
from services.sync.adapters.client_base import PlatformClient, TransportOptions
from services.sync.adapters.errors import AdapterError, permanent
from services.sync.adapters.retry import RetryBudget
from services.sync.adapters.transport import EnvelopeError, Reply
from services.sync.adapters.woocommerce import oauth

API_PREFIX = "/wp-json/wc/v3"
# ⚠ Core has no API rate limit (§6); this pacing default keeps us polite to shared hosts.
DEFAULT_RATE_LIMIT = 10.0
PAGE_SIZE = 100  # per_page is 1..100 (§6)
NO_TOKENS = (
    "WooCommerce REST keys are issued in WP admin (WooCommerce > Settings > Advanced > "
    "REST API) and do not expire; there is no token to request or refresh"
)


@dataclass(frozen=True)
class Location:
    """Where a seller SKU lives: the product id, and the variation id (0: the product itself)."""

    product_id: int
    variation_id: int = 0


def read_envelope(payload: Mapping[str, Any]) -> EnvelopeError | None:
    """A WP REST error `{"code", "message", "data": {"status"}}`; the status decides the kind."""
    code = payload.get("code")
    if not isinstance(code, str) or not code or "message" not in payload:
        return None
    return EnvelopeError(code, str(payload.get("message") or ""))


def credentials(shop: ShopAuth) -> tuple[str, ...]:
    """(consumer_key, consumer_secret); PERMANENT when either is missing."""
    return shop_settings.credentials(shop, Platform.WOOCOMMERCE, "consumer_key", "consumer_secret")


def no_tokens() -> AdapterError:
    """What every token call answers: WooCommerce has no token flow (PERMANENT)."""
    return permanent(Platform.WOOCOMMERCE, NO_TOKENS, "not_supported")


def total_pages(headers: httpx.Headers) -> int:
    """`X-WP-TotalPages` (0 when absent or unreadable)."""
    try:
        return int(headers.get("X-WP-TotalPages", "0"))
    except ValueError:
        return 0


class WooCommerceClient(PlatformClient):
    def __init__(self, site_url: str, **options: Unpack[TransportOptions]) -> None:
        """`site_url` is the WordPress home URL (e.g. https://shop.example or
        http://127.0.0.1:8080/woocommerce); the API lives under /wp-json/wc/v3."""
        super().__init__(Platform.WOOCOMMERCE, DEFAULT_RATE_LIMIT, **options)
        self.site_url = site_url.rstrip("/")
        self.https = urlsplit(self.site_url).scheme == "https"
        # seller SKU -> Location, per shop: filled by creates and reads, so price and stock
        # updates need no lookup for SKUs this adapter has seen.
        self.skus: dict[str, dict[str, Location]] = {}

    async def exchange_code(self, shop: ShopAuth, code: str) -> TokenPair:
        raise no_tokens()

    async def refresh_token(self, shop: ShopAuth) -> TokenPair:
        raise no_tokens()

    def index(self, shop: ShopAuth) -> dict[str, Location]:
        return self.skus.setdefault(shop.shop_id, {})

    def _attempt(
        self, shop: ShopAuth, method: str, path: str, query: list[tuple[str, str]], body: Any
    ) -> Awaitable[Reply]:
        key, secret = credentials(shop)
        url = f"{self.site_url}{API_PREFIX}{path}"
        headers: dict[str, str] = {}
        if self.https:
            headers["Authorization"] = oauth.basic_header(key, secret)
            signed = "&".join(f"{oauth.rfc3986(k)}={oauth.rfc3986(v)}" for k, v in query)
        else:
            signed = oauth.signed_query(method, url, query, key, secret)

        def sign_url() -> str:
            return f"{url}?{signed}" if signed else url

        # Requests are counted per route, not per product id.
        label = re.sub(r"/\d+", "/{id}", path)
        return self.http.exchange(
            method, label, sign_url, json_body=body, headers=headers, read_envelope=read_envelope
        )

    async def call(
        self,
        shop: ShopAuth,
        method: str,
        path: str,
        *,
        params: Iterable[tuple[str, Any]] = (),
        body: Any = None,
        budget: RetryBudget | None = None,
    ) -> Reply:
        """One API call (path after /wc/v3), paced by the shop's bucket and retried;
        every attempt is signed afresh."""
        query = [(k, str(v)) for k, v in params if v is not None]

        def attempt() -> Awaitable[Reply]:
            return self._attempt(shop, method, path, query, body)

        return await self.http.call(shop, attempt, budget=budget)
