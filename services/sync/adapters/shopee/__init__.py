"""Shopee Open Platform v2 adapter (MARKETPLACES.md §1, DESIGN §6).

`ShopeeAdapter` is a facade over one module per job:
- signing: shop / public base strings, lowercase hex HMAC-SHA256.
- client: signed requests on the shared `transport` (one pooled `httpx.AsyncClient`
  with explicit timeouts), Shopee's error codes, token exchange and refresh.
- validation: payload checks before anything is sent; money in major units.
- listings: create/update/get/find/list and the seller SKU -> model index.
- inventory: update_prices/update_stock, grouped per item in chunks of 50.
- orders: list_orders/get_orders. webhooks: parse_webhook.

Rate limit: one `TokenBucket` per shop at `shop.rate_limit` (default 10/s, ⚠ Shopee
publishes no numbers) divided by `replicas`, so N replicas together stay under the
shop's limit without coordination (see rate_limit.py). Capacity 1: calls are paced
evenly rather than sent in bursts, so network jitter never pushes the platform's own
bucket over its limit. Tokens, partner keys and signatures are never logged: only
path, status and code.
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
from services.sync.adapters.listing_updates import push_prices_and_stock
from services.sync.adapters.rate_limit import TokenBucket
from services.sync.adapters.retry import RetryBudget
from services.sync.adapters.shopee import webhooks
from services.sync.adapters.shopee.client import DEFAULT_BASE_URL, ShopeeClient, classify_code
from services.sync.adapters.shopee.inventory import ShopeeInventory
from services.sync.adapters.shopee.listings import ShopeeListings, _Target
from services.sync.adapters.shopee.orders import ShopeeOrders
from services.sync.adapters.shopee.validation import validate_draft

__all__ = ["ShopeeAdapter", "_Target", "classify_code"]


class ShopeeAdapter:
    platform = Platform.SHOPEE

    def __init__(
        self,
        base_url: str = DEFAULT_BASE_URL,
        *,
        timeout: httpx.Timeout | None = None,
        transport: httpx.AsyncBaseTransport | None = None,
        retry_budget: RetryBudget | None = None,
        replicas: int = 1,
        max_connections: int = 20,
    ) -> None:
        self._client = ShopeeClient(
            base_url,
            timeout=timeout,
            transport=transport,
            retry_budget=retry_budget,
            replicas=replicas,
            max_connections=max_connections,
        )
        self.base_url = self._client.base_url
        self._listings = ShopeeListings(self._client)
        self._inventory = ShopeeInventory(self._client, self._listings)
        self._orders = ShopeeOrders(self._client)
        # Requests sent, per API path (tests and benchmarks read it).
        self.calls: dict[str, int] = self._client.http.calls

    async def aclose(self) -> None:
        await self._client.aclose()

    def bucket(self, shop: ShopAuth) -> TokenBucket:
        return self._client.bucket(shop)

    def _index(self, shop: ShopAuth) -> dict[str, _Target]:
        return self._listings.index(shop)

    # -- authorization --------------------------------------------------------------
    def authorization_url(self, shop: ShopAuth, redirect_uri: str, state: str) -> str:
        return self._client.authorization_url(shop, redirect_uri, state)

    async def exchange_code(self, shop: ShopAuth, code: str) -> TokenPair:
        return await self._client.exchange_code(shop, code)

    async def refresh_token(self, shop: ShopAuth) -> TokenPair:
        """Refresh tokens are single use: the new pair is stored on `shop` at once."""
        return await self._client.refresh_token(shop)

    # -- listings -------------------------------------------------------------------
    async def create_listing(self, shop: ShopAuth, draft: ListingDraft) -> ListingRef:
        return await self._listings.create_listing(shop, draft)

    async def update_listing(
        self, shop: ShopAuth, ref: ListingRef, draft: ListingDraft
    ) -> ListingRef:
        """Prices and stock of the listing's variants (⚠ title/description/variant-set
        changes need update_item/add_model, not implemented yet: PERMANENT)."""
        validate_draft(shop, draft)
        current = await self.get_listing(shop, ref.external_id)
        await push_prices_and_stock(self, shop, current, draft)
        return self._listings.remember(shop, current)

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
        """Push code 3 (order status) becomes an ORDER event; other codes are ignored."""
        return webhooks.parse_webhook(headers, raw_body)
