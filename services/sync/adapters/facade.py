"""The adapter methods every platform answers by handing the call to one of its parts.

A platform's adapter builds its parts (a client, listings, inventory, orders), passes them
to `PlatformFacade` and keeps only what differs: the authorization link, update_listing
and parse_webhook (and exchange_code where it is not the client's).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Generic, Protocol, TypeVar

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
)
from services.sync.adapters.rate_limit import TokenBucket
from services.sync.adapters.transport import HttpTransport


class ClientPart(Protocol):
    http: HttpTransport

    async def aclose(self) -> None: ...

    def bucket(self, shop: ShopAuth) -> TokenBucket: ...

    async def exchange_code(self, shop: ShopAuth, code: str) -> TokenPair: ...

    async def refresh_token(self, shop: ShopAuth) -> TokenPair: ...


class ListingsPart(Protocol):
    async def create_listing(self, shop: ShopAuth, draft: ListingDraft) -> ListingRef: ...

    async def get_listing(self, shop: ShopAuth, external_id: str) -> RemoteListing: ...

    async def find_listing_by_seller_sku(
        self, shop: ShopAuth, seller_sku: str
    ) -> RemoteListing | None: ...

    async def list_listings(self, shop: ShopAuth, page_token: str) -> Page[RemoteListing]: ...


class InventoryPart(Protocol):
    async def update_prices(
        self, shop: ShopAuth, prices: Sequence[PriceUpdate]
    ) -> Sequence[ItemResult]: ...

    async def update_stock(
        self, shop: ShopAuth, stock: Sequence[StockUpdate]
    ) -> Sequence[ItemResult]: ...


class OrdersPart(Protocol):
    async def list_orders(
        self, shop: ShopAuth, since: datetime, until: datetime, page_token: str
    ) -> Page[RemoteOrder]: ...

    async def get_orders(
        self, shop: ShopAuth, order_ids: Sequence[str]
    ) -> Sequence[RemoteOrder]: ...


ClientT = TypeVar("ClientT", bound=ClientPart)
ListingsT = TypeVar("ListingsT", bound=ListingsPart)
InventoryT = TypeVar("InventoryT", bound=InventoryPart)
OrdersT = TypeVar("OrdersT", bound=OrdersPart)


class PlatformFacade(Generic[ClientT, ListingsT, InventoryT, OrdersT]):
    """Everything of `MarketplaceAdapter` that is a plain hand-over to a part."""

    def __init__(
        self, client: ClientT, listings: ListingsT, inventory: InventoryT, orders: OrdersT
    ) -> None:
        self._client = client
        self._listings = listings
        self._inventory = inventory
        self._orders = orders
        # Requests sent, per API path (tests and benchmarks read it).
        self.calls: dict[str, int] = client.http.calls

    async def aclose(self) -> None:
        await self._client.aclose()

    def bucket(self, shop: ShopAuth) -> TokenBucket:
        return self._client.bucket(shop)

    # -- tokens ---------------------------------------------------------------------
    async def exchange_code(self, shop: ShopAuth, code: str) -> TokenPair:
        return await self._client.exchange_code(shop, code)

    async def refresh_token(self, shop: ShopAuth) -> TokenPair:
        """Refresh tokens may be single use: the new pair is stored on `shop` at once."""
        return await self._client.refresh_token(shop)

    # -- listings -------------------------------------------------------------------
    async def create_listing(self, shop: ShopAuth, draft: ListingDraft) -> ListingRef:
        return await self._listings.create_listing(shop, draft)

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

    # -- orders ---------------------------------------------------------------------
    async def list_orders(
        self, shop: ShopAuth, since: datetime, until: datetime, page_token: str = ""
    ) -> Page[RemoteOrder]:
        return await self._orders.list_orders(shop, since, until, page_token)

    async def get_orders(self, shop: ShopAuth, order_ids: Sequence[str]) -> Sequence[RemoteOrder]:
        return await self._orders.get_orders(shop, order_ids)
