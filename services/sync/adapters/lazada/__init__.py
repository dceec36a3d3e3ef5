"""Lazada Open Platform (LazOP) adapter (MARKETPLACES.md §4, DESIGN §6).

`LazadaAdapter` is a facade over one module per job:
- signing: api_path + sorted k+v, UPPERCASE hex HMAC-SHA256, ms timestamps.
- client: signed requests on the shared `transport` (one pooled `httpx.AsyncClient`
  with explicit timeouts), LazOP's `{code, type, message, request_id}` envelope and
  codes, token create and refresh (auth host).
- validation: payload checks before anything is sent; money as major-unit strings.
- listings: create (never duplicated), get, find by seller SKU, list.
- inventory: update_prices/update_stock, ≤ 50 SKUs per price_quantity/update call.
- orders: list_orders/get_orders. webhooks: parse_webhook (message_type 0).

Rate limit: one `TokenBucket` per shop at `shop.rate_limit` (default 10/s, ⚠ Lazada
publishes no QPS figure) divided by `replicas`, so N replicas together stay under the
shop's limit without coordination (see rate_limit.py). Throttling (code 901 / E901 /
ApiCallLimit) is RETRYABLE with jittered backoff. Tokens, app secrets and signatures
are never logged: only path, status and code.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime

import httpx

from services.common.platforms import Platform
from services.sync.adapters.base import (
    ItemResult,
    ListingDraft,
    ListingRef,
    Page,
    PriceUpdate,
    RemoteListing,
    RemoteOrder,
    ShopAuth,
    StockUpdate,
    TokenPair,
    WebhookEvent,
)
from services.sync.adapters.lazada import webhooks
from services.sync.adapters.lazada.client import (
    DEFAULT_AUTH_URL,
    DEFAULT_BASE_URL,
    LazadaClient,
    classify_code,
)
from services.sync.adapters.lazada.inventory import LazadaInventory
from services.sync.adapters.lazada.listings import LazadaListings
from services.sync.adapters.lazada.orders import LazadaOrders
from services.sync.adapters.lazada.validation import validate_draft
from services.sync.adapters.listing_updates import push_prices_and_stock
from services.sync.adapters.rate_limit import TokenBucket
from services.sync.adapters.retry import RetryBudget

__all__ = ["LazadaAdapter", "classify_code"]


class LazadaAdapter:
    platform = Platform.LAZADA

    def __init__(
        self,
        base_url: str = DEFAULT_BASE_URL,
        *,
        auth_url: str | None = None,
        timeout: httpx.Timeout | None = None,
        transport: httpx.AsyncBaseTransport | None = None,
        retry_budget: RetryBudget | None = None,
        replicas: int = 1,
        max_connections: int = 20,
    ) -> None:
        """`base_url` is the regional gateway including `/rest`; `auth_url` the auth host
        (default: auth.lazada.com for the real gateway, else `base_url`, as the sandbox
        serves both under one prefix)."""
        if auth_url is None:
            auth_url = DEFAULT_AUTH_URL if base_url == DEFAULT_BASE_URL else base_url
        self._client = LazadaClient(
            base_url,
            auth_url,
            timeout=timeout,
            transport=transport,
            retry_budget=retry_budget,
            replicas=replicas,
            max_connections=max_connections,
        )
        self.base_url = self._client.base_url
        self._listings = LazadaListings(self._client)
        self._inventory = LazadaInventory(self._client)
        self._orders = LazadaOrders(self._client)
        # Requests sent, per API path (tests and benchmarks read it).
        self.calls: dict[str, int] = self._client.http.calls

    async def aclose(self) -> None:
        await self._client.aclose()

    def bucket(self, shop: ShopAuth) -> TokenBucket:
        return self._client.bucket(shop)

    # -- authorization --------------------------------------------------------------
    def authorization_url(self, shop: ShopAuth, redirect_uri: str, state: str) -> str:
        return self._client.authorization_url(shop, redirect_uri, state)

    async def exchange_code(self, shop: ShopAuth, code: str) -> TokenPair:
        return await self._client.exchange_code(shop, code)

    async def refresh_token(self, shop: ShopAuth) -> TokenPair:
        return await self._client.refresh_token(shop)

    # -- listings -------------------------------------------------------------------
    async def create_listing(self, shop: ShopAuth, draft: ListingDraft) -> ListingRef:
        return await self._listings.create_listing(shop, draft)

    async def update_listing(
        self, shop: ShopAuth, ref: ListingRef, draft: ListingDraft
    ) -> ListingRef:
        """Prices and stock of the listing's variants (⚠ attribute or variant-set changes
        need /product/update, not implemented yet: PERMANENT)."""
        validate_draft(shop, draft)
        current = await self.get_listing(shop, ref.external_id)
        await push_prices_and_stock(self, shop, current, draft)
        return ListingRef(
            current.external_id, {v.seller_sku: v.external_id for v in current.variants}
        )

    async def get_listing(self, shop: ShopAuth, external_id: str) -> RemoteListing:
        return await self._listings.get_listing(shop, external_id)

    async def find_listing_by_seller_sku(
        self, shop: ShopAuth, seller_sku: str
    ) -> RemoteListing | None:
        return await self._listings.find_listing_by_seller_sku(shop, seller_sku)

    async def list_listings(self, shop: ShopAuth, page_token: str = "") -> Page[RemoteListing]:
        return await self._listings.list_listings(shop, page_token)

    # -- prices and stock -----------------------------------------------------------
    async def update_prices(
        self, shop: ShopAuth, prices: Sequence[PriceUpdate]
    ) -> Sequence[ItemResult]:
        return await self._inventory.update_prices(shop, prices)

    async def update_stock(
        self, shop: ShopAuth, stock: Sequence[StockUpdate]
    ) -> Sequence[ItemResult]:
        return await self._inventory.update_stock(shop, stock)

    # -- orders and push ------------------------------------------------------------
    async def list_orders(
        self, shop: ShopAuth, since: datetime, until: datetime, page_token: str = ""
    ) -> Page[RemoteOrder]:
        return await self._orders.list_orders(shop, since, until, page_token)

    async def get_orders(self, shop: ShopAuth, order_ids: Sequence[str]) -> Sequence[RemoteOrder]:
        return await self._orders.get_orders(shop, order_ids)

    def parse_webhook(self, headers: Mapping[str, str], raw_body: bytes) -> Sequence[WebhookEvent]:
        """message_type 0 (trade order) becomes an ORDER event; other types are ignored."""
        return webhooks.parse_webhook(headers, raw_body)
