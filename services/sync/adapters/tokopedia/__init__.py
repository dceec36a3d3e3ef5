"""Tokopedia Seller API adapter (MARKETPLACES.md §3, DESIGN §6).

`TokopediaAdapter` is a facade over one module per job:
- client: Bearer calls on the shared transport, error kinds, client-credentials tokens.
- validation: payload checks before anything is sent; prices are whole IDR.
- listings: create (variants as child products)/get/find/list.
- inventory: update_prices/update_stock by seller SKU, ≤ 100 items per call, paced per item.
- orders: list_orders/get_orders. webhooks: parse_webhook (and `verify`).

Authorization: Tokopedia has no seller consent redirect or authorization code: the app
is linked to the shop in Tokopedia's partner console, and the app's own client
credentials buy a token. So `authorization_url` only hands `state` (and the shop id)
back to `redirect_uri`, `exchange_code` ignores the code and fetches a client-credentials
token, and `refresh_token` fetches a new one (there is no refresh token).

Rate limit: one `TokenBucket` per shop at `shop.rate_limit` (default 5/s, §3) divided by
`replicas` (see rate_limit.py), capacity 1 so calls are paced evenly; each bulk item
takes a token of its own. Client secrets and tokens are never logged.
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
from services.sync.adapters.tokopedia import webhooks
from services.sync.adapters.tokopedia.client import (
    DEFAULT_ACCOUNTS_URL,
    DEFAULT_BASE_URL,
    TokopediaClient,
)
from services.sync.adapters.tokopedia.inventory import TokopediaInventory
from services.sync.adapters.tokopedia.listings import TokopediaListings
from services.sync.adapters.tokopedia.orders import TokopediaOrders
from services.sync.adapters.tokopedia.validation import validate_draft

__all__ = ["TokopediaAdapter"]


class TokopediaAdapter:
    platform = Platform.TOKOPEDIA

    def __init__(
        self,
        base_url: str = DEFAULT_BASE_URL,
        *,
        accounts_url: str | None = None,
        timeout: httpx.Timeout | None = None,
        transport: httpx.AsyncBaseTransport | None = None,
        retry_budget: RetryBudget | None = None,
        replicas: int = 1,
        max_connections: int = 20,
    ) -> None:
        """`accounts_url` defaults to accounts.tokopedia.com for the real host, else to
        `base_url` (the sandbox serves both under /tokopedia)."""
        if accounts_url is None:
            accounts_url = DEFAULT_ACCOUNTS_URL if base_url == DEFAULT_BASE_URL else base_url
        self._client = TokopediaClient(
            base_url,
            accounts_url,
            timeout=timeout,
            transport=transport,
            retry_budget=retry_budget,
            replicas=replicas,
            max_connections=max_connections,
        )
        self._listings = TokopediaListings(self._client)
        self._inventory = TokopediaInventory(self._client)
        self._orders = TokopediaOrders(self._client)
        # Requests sent, per API path (tests and benchmarks read it).
        self.calls: dict[str, int] = self._client.http.calls

    @property
    def throttled_items(self) -> int:
        return self._inventory.throttled_items

    async def aclose(self) -> None:
        await self._client.aclose()

    def bucket(self, shop: ShopAuth) -> TokenBucket:
        return self._client.bucket(shop)

    # -- authorization --------------------------------------------------------------
    def authorization_url(self, shop: ShopAuth, redirect_uri: str, state: str) -> str:
        sep = "&" if "?" in redirect_uri else "?"
        return f"{redirect_uri}{sep}{urlencode({'state': state, 'shop_id': shop.shop_id})}"

    async def exchange_code(self, shop: ShopAuth, code: str) -> TokenPair:
        return await self._client.refresh_token(shop)

    async def refresh_token(self, shop: ShopAuth) -> TokenPair:
        return await self._client.refresh_token(shop)

    # -- listings -------------------------------------------------------------------
    async def create_listing(self, shop: ShopAuth, draft: ListingDraft) -> ListingRef:
        return await self._listings.create_listing(shop, draft)

    async def update_listing(
        self, shop: ShopAuth, ref: ListingRef, draft: ListingDraft
    ) -> ListingRef:
        """Prices and stock of the listing's variants (⚠ title/description/variant-set
        changes need Tokopedia's edit-product API, not implemented yet: PERMANENT)."""
        validate_draft(draft)
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

    # -- orders and webhooks --------------------------------------------------------
    async def list_orders(
        self, shop: ShopAuth, since: datetime, until: datetime, page_token: str = ""
    ) -> Page[RemoteOrder]:
        return await self._orders.list_orders(shop, since, until, page_token)

    async def get_orders(self, shop: ShopAuth, order_ids: Sequence[str]) -> Sequence[RemoteOrder]:
        return await self._orders.get_orders(shop, order_ids)

    def parse_webhook(self, headers: Mapping[str, str], raw_body: bytes) -> Sequence[WebhookEvent]:
        """The order notification becomes an ORDER event; other notifications are ignored."""
        return webhooks.parse_webhook(headers, raw_body)
