"""WooCommerce REST API (wc/v3) adapter (MARKETPLACES.md §6, DESIGN §6).

`WooCommerceAdapter` is a facade over one module per job:
- oauth: OAuth 1.0a one-legged signing over http, Basic over https (as core verifies).
- client: calls on the shared transport, error kinds, the per-shop SKU index.
- validation: payload checks before anything is sent; decimal-string prices.
- listings: variable product + variations batch create, get/find by SKU/list.
- inventory: update_prices/update_stock through the batch endpoints (≤ 100 items).
- orders: list_orders/get_orders. webhooks: parse_webhook (and `verify`).

Authorization: the WooCommerce REST API has no OAuth token flow; REST keys (consumer
key and secret) are issued in WP admin (WooCommerce → Settings → Advanced → REST API)
and never expire. Core also has a key-generation redirect (`/wc-auth/v1/authorize`),
but MARKETPLACES.md §6 does not document it, so it is not implemented:
`authorization_url`, `exchange_code` and `refresh_token` raise PERMANENT
`not_supported`, and a 401 fails at once as AUTH.

Rate limit: ⚠ core has none (§6); one `TokenBucket` per shop at `shop.rate_limit`
(default 10/s) divided by `replicas` paces calls, and 429/Retry-After from the host is
honoured. Keys and signatures are never logged.
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
from services.sync.adapters.errors import AdapterError
from services.sync.adapters.listing_updates import push_prices_and_stock
from services.sync.adapters.rate_limit import TokenBucket
from services.sync.adapters.retry import RetryBudget
from services.sync.adapters.woocommerce import webhooks
from services.sync.adapters.woocommerce.client import WooCommerceClient
from services.sync.adapters.woocommerce.inventory import WooCommerceInventory
from services.sync.adapters.woocommerce.listings import WooCommerceListings
from services.sync.adapters.woocommerce.orders import WooCommerceOrders
from services.sync.adapters.woocommerce.validation import permanent, validate_draft

__all__ = ["WooCommerceAdapter"]

NO_TOKENS = (
    "WooCommerce REST keys are issued in WP admin (WooCommerce > Settings > Advanced > "
    "REST API) and do not expire; there is no token to request or refresh"
)


def _no_tokens() -> AdapterError:
    return permanent(NO_TOKENS, "not_supported")


class WooCommerceAdapter:
    platform = Platform.WOOCOMMERCE

    def __init__(
        self,
        site_url: str,
        *,
        timeout: httpx.Timeout | None = None,
        transport: httpx.AsyncBaseTransport | None = None,
        retry_budget: RetryBudget | None = None,
        replicas: int = 1,
        max_connections: int = 20,
    ) -> None:
        self._client = WooCommerceClient(
            site_url,
            timeout=timeout,
            transport=transport,
            retry_budget=retry_budget,
            replicas=replicas,
            max_connections=max_connections,
        )
        self._listings = WooCommerceListings(self._client)
        self._inventory = WooCommerceInventory(self._client)
        self._orders = WooCommerceOrders(self._client)
        # Requests sent, per API route (tests and benchmarks read it).
        self.calls: dict[str, int] = self._client.http.calls

    async def aclose(self) -> None:
        await self._client.aclose()

    def bucket(self, shop: ShopAuth) -> TokenBucket:
        return self._client.bucket(shop)

    # -- authorization --------------------------------------------------------------
    def authorization_url(self, shop: ShopAuth, redirect_uri: str, state: str) -> str:
        raise _no_tokens()

    async def exchange_code(self, shop: ShopAuth, code: str) -> TokenPair:
        raise _no_tokens()

    async def refresh_token(self, shop: ShopAuth) -> TokenPair:
        raise _no_tokens()

    # -- listings -------------------------------------------------------------------
    async def create_listing(self, shop: ShopAuth, draft: ListingDraft) -> ListingRef:
        return await self._listings.create_listing(shop, draft)

    async def update_listing(
        self, shop: ShopAuth, ref: ListingRef, draft: ListingDraft
    ) -> ListingRef:
        """Prices and stock of the listing's variations (⚠ name/description/attribute
        changes are not sent yet; a changed variation set is PERMANENT)."""
        validate_draft(shop, draft)
        current = await self.get_listing(shop, ref.external_id)
        await push_prices_and_stock(self, shop, current, draft, variant_word="variation")
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

    # -- orders and webhooks --------------------------------------------------------
    async def list_orders(
        self, shop: ShopAuth, since: datetime, until: datetime, page_token: str = ""
    ) -> Page[RemoteOrder]:
        return await self._orders.list_orders(shop, since, until, page_token)

    async def get_orders(self, shop: ShopAuth, order_ids: Sequence[str]) -> Sequence[RemoteOrder]:
        return await self._orders.get_orders(shop, order_ids)

    def parse_webhook(self, headers: Mapping[str, str], raw_body: bytes) -> Sequence[WebhookEvent]:
        """order.created/updated -> ORDER, product.updated -> PRODUCT; others ignored."""
        return webhooks.parse_webhook(headers, raw_body)
