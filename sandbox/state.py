"""In-memory state of one sandbox process: shops, listings, models, orders per platform.

Plain dataclasses, no persistence: a fresh process is a fresh marketplace. Each
platform's routes translate between these records and the platform's own wire shapes.
"""

from __future__ import annotations

import itertools
import secrets
import time
from dataclasses import dataclass, field

from sandbox.faults import FaultSwitches
from sandbox.webhooks import ShopWebhooks


@dataclass
class Model:
    """One sellable variant (Shopee model, TikTok SKU...). model_id 0 = the item itself."""

    model_id: int
    seller_sku: str
    tier_index: list[int]
    price: float
    stock: int
    # Package weight in kg where the platform keeps it per SKU (Lazada package_weight).
    weight_kg: float | None = None


@dataclass
class Listing:
    item_id: int
    name: str
    seller_sku: str
    status: str
    price: float
    stock: int
    description: str = ""
    category_id: int = 0
    tier_variation: list[dict[str, object]] = field(default_factory=list)
    models: list[Model] = field(default_factory=list)
    create_time: int = field(default_factory=lambda: int(time.time()))
    update_time: int = field(default_factory=lambda: int(time.time()))
    brand: str = ""
    # Product-level image URLs (or platform image ids), in display order.
    images: list[str] = field(default_factory=list)
    # Item/product package weight in kg (Shopee `weight`, TikTok Shop `package_weight`),
    # and package dimensions in cm (Shopee `dimension`: package_length/width/height).
    weight_kg: float | None = None
    dimensions: dict[str, int] = field(default_factory=dict)

    def touch(self) -> None:
        self.update_time = int(time.time())


@dataclass
class OrderLineRecord:
    item_id: int
    model_id: int
    seller_sku: str
    quantity: int
    price: float


@dataclass
class Order:
    order_sn: str
    status: str
    lines: list[OrderLineRecord]
    create_time: int = field(default_factory=lambda: int(time.time()))
    update_time: int = field(default_factory=lambda: int(time.time()))


@dataclass
class Shop:
    platform: str
    shop_id: int
    credentials: dict[str, str]
    currency: str = "SGD"
    access_token: str = ""
    access_expires_at: float = 0.0
    refresh_token: str = ""
    refresh_expires_at: float = 0.0
    listings: dict[int, Listing] = field(default_factory=dict)
    orders: dict[str, Order] = field(default_factory=dict)
    faults: FaultSwitches = field(default_factory=FaultSwitches)
    webhooks: ShopWebhooks = field(default_factory=ShopWebhooks)
    # Every request that reached the shop's API, for tests: (monotonic time, path).
    requests: list[tuple[float, str]] = field(default_factory=list)

    def find_sku(self, seller_sku: str) -> tuple[Listing, Model | None] | None:
        """The listing (and model) selling `seller_sku`: a model's SKU, or a model-less item's."""
        for listing in self.listings.values():
            if not listing.models and listing.seller_sku == seller_sku:
                return listing, None
            for model in listing.models:
                if model.seller_sku == seller_sku:
                    return listing, model
        return None

    def issue_tokens(self, access_ttl: float, refresh_ttl: float) -> None:
        now = time.time()
        self.access_token = secrets.token_hex(16)
        self.access_expires_at = now + access_ttl
        self.refresh_token = secrets.token_hex(16)
        self.refresh_expires_at = now + refresh_ttl


@dataclass
class SandboxState:
    """All platforms' shops; ids come from one counter so they never collide."""

    shops: dict[str, dict[int, Shop]] = field(default_factory=dict)
    seed: int = 0
    _ids: itertools.count[int] = field(default_factory=lambda: itertools.count(100_001))

    def next_id(self) -> int:
        return next(self._ids)

    def platform_shops(self, platform: str) -> dict[int, Shop]:
        return self.shops.setdefault(platform, {})

    def shop(self, platform: str, shop_id: int) -> Shop | None:
        return self.platform_shops(platform).get(shop_id)
