"""The one interface every marketplace adapter implements, with platform-neutral types.

Adapters translate between these types and each platform's own API (signing, paths,
envelopes, batch limits); the sync worker only ever sees what is defined here.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import Generic, Protocol, TypeVar

from services.common.money import Money
from services.common.platforms import Platform
from services.sync.adapters.errors import AdapterError


@dataclass(frozen=True)
class TokenPair:
    access_token: str
    refresh_token: str
    access_expires_at: datetime
    refresh_expires_at: datetime | None = None


@dataclass
class ShopAuth:
    """A connected shop as an adapter needs it: ids, app credentials and current tokens.

    `app` holds the platform's own credential names (partner_id/partner_key, app_key/
    app_secret, client_id/client_secret...). It is decrypted only in memory.
    """

    platform: Platform
    shop_id: str
    app: Mapping[str, str]
    tokens: TokenPair | None = None
    # The shop's API limit, requests per second (the platform default when 0).
    rate_limit: float = 0.0


@dataclass(frozen=True)
class ListingVariant:
    seller_sku: str
    option_values: Sequence[str]
    price: Money
    stock: int
    barcode: str = ""
    weight_grams: int | None = None
    image_url: str = ""


@dataclass(frozen=True)
class ListingDraft:
    """What a product becomes on one platform (from the catalog's GetPlatformListing)."""

    seller_sku: str
    title: str
    description: str
    category_id: str
    brand: str
    images: Sequence[str]
    option_names: Sequence[str]
    variants: Sequence[ListingVariant]
    weight_grams: int = 0

    def package_grams(self) -> int:
        """The listing's own weight, else its heaviest variant's (0 when none has one)."""
        return self.weight_grams or max((v.weight_grams or 0) for v in self.variants)


@dataclass(frozen=True)
class ListingRef:
    """Where a listing lives on the platform: its id and each variant's id by seller SKU."""

    external_id: str
    variant_ids: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class RemoteVariant:
    seller_sku: str
    external_id: str
    price: Money | None
    stock: int | None


@dataclass(frozen=True)
class RemoteListing:
    external_id: str
    title: str
    variants: Sequence[RemoteVariant]
    status: str = ""

    def ref(self) -> ListingRef:
        """The listing's id and each variant's id by seller SKU."""
        return ListingRef(self.external_id, {v.seller_sku: v.external_id for v in self.variants})


@dataclass(frozen=True)
class PriceUpdate:
    seller_sku: str
    price: Money


@dataclass(frozen=True)
class StockUpdate:
    seller_sku: str
    quantity: int


@dataclass(frozen=True)
class ItemResult:
    """Per-SKU outcome of a batched call (platforms report partial failures inside a 200)."""

    seller_sku: str
    error: AdapterError | None = None

    @property
    def ok(self) -> bool:
        return self.error is None


class OrderStatus(StrEnum):
    CREATED = "created"
    PAID = "paid"
    CANCELLED = "cancelled"
    SHIPPED = "shipped"
    COMPLETED = "completed"


@dataclass(frozen=True)
class OrderLine:
    seller_sku: str
    quantity: int
    price: Money | None = None


@dataclass(frozen=True)
class RemoteOrder:
    order_id: str
    status: OrderStatus
    lines: Sequence[OrderLine]
    update_time: datetime
    create_time: datetime | None = None


class WebhookKind(StrEnum):
    ORDER = "order"
    STOCK = "stock"
    PRODUCT = "product"


@dataclass(frozen=True)
class WebhookEvent:
    kind: WebhookKind
    shop_id: str
    order: RemoteOrder | None = None
    seller_sku: str = ""
    stock: int | None = None
    external_id: str = ""


T = TypeVar("T")


@dataclass(frozen=True)
class Page(Generic[T]):
    items: Sequence[T]
    next_page_token: str = ""


class MarketplaceAdapter(Protocol):
    """One per platform; every call signed, rate limited, retried and classified."""

    platform: Platform

    def authorization_url(self, shop: ShopAuth, redirect_uri: str, state: str) -> str: ...

    async def exchange_code(self, shop: ShopAuth, code: str) -> TokenPair: ...

    async def refresh_token(self, shop: ShopAuth) -> TokenPair: ...

    async def create_listing(self, shop: ShopAuth, draft: ListingDraft) -> ListingRef: ...

    async def update_listing(
        self, shop: ShopAuth, ref: ListingRef, draft: ListingDraft
    ) -> ListingRef: ...

    async def get_listing(self, shop: ShopAuth, external_id: str) -> RemoteListing: ...

    async def find_listing_by_seller_sku(
        self, shop: ShopAuth, seller_sku: str
    ) -> RemoteListing | None: ...

    async def list_listings(self, shop: ShopAuth, page_token: str = "") -> Page[RemoteListing]: ...

    async def update_prices(
        self, shop: ShopAuth, prices: Sequence[PriceUpdate]
    ) -> Sequence[ItemResult]: ...

    async def update_stock(
        self, shop: ShopAuth, stock: Sequence[StockUpdate]
    ) -> Sequence[ItemResult]: ...

    async def list_orders(
        self, shop: ShopAuth, since: datetime, until: datetime, page_token: str = ""
    ) -> Page[RemoteOrder]: ...

    async def get_orders(
        self, shop: ShopAuth, order_ids: Sequence[str]
    ) -> Sequence[RemoteOrder]: ...

    def parse_webhook(
        self, headers: Mapping[str, str], raw_body: bytes
    ) -> Sequence[WebhookEvent]: ...
