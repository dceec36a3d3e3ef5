"""TikTok Shop Partner API (202309+) adapter (MARKETPLACES.md §2, DESIGN §6).

`TikTokAdapter` is a facade over one module per job:
- signing: app_secret-wrapped string over path, sorted query and raw body; HMAC-SHA256.
- client: signed requests on the shared `transport` (one pooled `httpx.AsyncClient`
  with explicit timeouts; the sign covers the exact body bytes sent),
  `x-tts-access-token`, `shop_cipher`, TikTok's codes, token get/refresh.
- validation: checks before anything is sent; money as decimal strings.
- listings: products with SKUs and sales attributes; the seller SKU index.
- inventory: prices and stock, one call per product (all warehouses of a SKU).
- orders: search by update time and detail. webhooks: parse_webhook.

Rate limit: TikTok allows 50 req/s per API and shop (§2.2); we keep one `TokenBucket`
per shop for all APIs at `shop.rate_limit` (default 50) divided by `replicas` — never
over any API's limit, so N replicas together stay under it without coordination (see
rate_limit.py). App secrets, tokens and signatures are never logged.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from urllib.parse import urlencode

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
from services.sync.adapters.tiktok import webhooks
from services.sync.adapters.tiktok.client import (
    DEFAULT_AUTH_URL,
    DEFAULT_BASE_URL,
    TikTokClient,
    classify_code,
)
from services.sync.adapters.tiktok.inventory import TikTokInventory
from services.sync.adapters.tiktok.listings import TikTokListings, _Target
from services.sync.adapters.tiktok.orders import TikTokOrders
from services.sync.adapters.tiktok.validation import app_key_of, validate_draft

__all__ = ["TikTokAdapter", "_Target", "classify_code"]


class TikTokAdapter:
    platform = Platform.TIKTOK_SHOP

    def __init__(
        self,
        base_url: str = DEFAULT_BASE_URL,
        auth_url: str | None = None,
        *,
        timeout: httpx.Timeout | None = None,
        transport: httpx.AsyncBaseTransport | None = None,
        retry_budget: RetryBudget | None = None,
        replicas: int = 1,
        max_connections: int = 20,
    ) -> None:
        self._client = TikTokClient(
            base_url,
            auth_url if auth_url is not None else DEFAULT_AUTH_URL,
            timeout=timeout,
            transport=transport,
            retry_budget=retry_budget,
            replicas=replicas,
            max_connections=max_connections,
        )
        self._listings = TikTokListings(self._client)
        self._inventory = TikTokInventory(self._client, self._listings)
        self._orders = TikTokOrders(self._client)
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
        """⚠ The seller authorize page is not in MARKETPLACES.md (the real one is the
        service's authorization link in Partner Center); the sandbox serves this form."""
        query = urlencode(
            {"app_key": app_key_of(shop), "state": state, "redirect_uri": redirect_uri}
        )
        return f"{self._client.auth_url}/oauth/authorize?{query}"

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
        """Prices and stock of the product's SKUs (⚠ title/attribute/SKU-set edits need the
        edit-product API, not implemented yet: PERMANENT)."""
        validate_draft(shop, draft)
        current = await self.get_listing(shop, ref.external_id)
        await push_prices_and_stock(self, shop, current, draft, variant_word="SKU")
        return self._listings.ref(current)

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

    # -- orders and webhooks --------------------------------------------------------
    async def list_orders(
        self, shop: ShopAuth, since: datetime, until: datetime, page_token: str = ""
    ) -> Page[RemoteOrder]:
        return await self._orders.list_orders(shop, since, until, page_token)

    async def get_orders(self, shop: ShopAuth, order_ids: Sequence[str]) -> Sequence[RemoteOrder]:
        return await self._orders.get_orders(shop, order_ids)

    def parse_webhook(self, headers: Mapping[str, str], raw_body: bytes) -> Sequence[WebhookEvent]:
        """Type 1 ORDER_STATUS_CHANGE → ORDER; product types → PRODUCT; others ignored."""
        return webhooks.parse_webhook(headers, raw_body)
