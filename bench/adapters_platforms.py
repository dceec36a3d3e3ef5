"""Per-platform wiring for bench/adapters.py: adapter, shop credentials, drafts, minima.

Everything here mirrors how tests/integration/sandbox/test_<platform>_adapter.py build
adapters and `ShopAuth` from the sandbox's admin answer; nothing is benchmark logic.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from services.catalog.domain.model import Product
from services.common.money import Money
from services.common.platforms import Platform
from services.sync.adapters.base import (
    ListingDraft,
    ListingVariant,
    MarketplaceAdapter,
    ShopAuth,
    TokenPair,
)
from services.sync.adapters.lazada import LazadaAdapter
from services.sync.adapters.shopee import ShopeeAdapter
from services.sync.adapters.tiktok import TikTokAdapter
from services.sync.adapters.tokopedia import TokopediaAdapter


def _shopee_shop(c: Mapping[str, Any], rate: float) -> ShopAuth:
    app = {"partner_id": str(c["partner_id"]), "partner_key": c["partner_key"], "currency": "SGD"}
    expires = datetime.now(UTC) + timedelta(seconds=c["expire_in"])
    tokens = TokenPair(c["access_token"], c["refresh_token"], expires)
    return ShopAuth(Platform.SHOPEE, str(c["shop_id"]), app, tokens, rate)


def _tiktok_shop(c: Mapping[str, Any], rate: float) -> ShopAuth:
    keys = ("app_key", "app_secret", "currency", "region", "warehouse_id", "shop_cipher")
    app = {k: str(c[k]) for k in keys}
    expires = datetime.fromtimestamp(c["access_token_expire_in"], UTC)
    tokens = TokenPair(c["access_token"], c["refresh_token"], expires)
    return ShopAuth(Platform.TIKTOK_SHOP, str(c["shop_id"]), app, tokens, rate)


def _tokopedia_shop(c: Mapping[str, Any], rate: float) -> ShopAuth:
    app = {k: str(c[k]) for k in ("client_id", "client_secret", "fs_id")}
    return ShopAuth(Platform.TOKOPEDIA, str(c["shop_id"]), app, rate_limit=rate)


def _lazada_shop(c: Mapping[str, Any], rate: float) -> ShopAuth:
    app = {"app_key": c["app_key"], "app_secret": c["app_secret"], "currency": "SGD"}
    expires = datetime.now(UTC) + timedelta(seconds=c["expires_in"])
    tokens = TokenPair(c["access_token"], c["refresh_token"], expires)
    return ShopAuth(Platform.LAZADA, str(c["seller_id"]), app, tokens, rate)


def _per_item_batches(batch: int) -> Callable[[Sequence[int]], int]:
    """Batches of ≤ `batch` models of one item (Shopee)."""
    return lambda skus: sum(math.ceil(n / batch) for n in skus)


def _per_product(skus: Sequence[int]) -> int:
    """One call per product, all warehouses of each SKU (TikTok Shop)."""
    return len(skus)


def _across_products(batch: int) -> Callable[[Sequence[int]], int]:
    """Batches of ≤ `batch` SKUs from any products (Lazada, Tokopedia)."""
    return lambda skus: math.ceil(sum(skus) / batch)


@dataclass(frozen=True)
class PlatformSpec:
    key: str
    default_limit: float
    currency: str
    category_id: str
    max_title: int
    max_options: int
    max_variants: int
    create_calls: Callable[[int], int]  # requests per create, by its SKU count
    stock_min: Callable[[Sequence[int]], int]  # fewest stock calls, by SKU counts
    items_metered: bool  # the limit counts items in bulk calls, not requests
    shop: Callable[[Mapping[str, Any], float], ShopAuth]
    adapter: Callable[[str], MarketplaceAdapter]

    def draft(self, p: Product, currency: str = "") -> ListingDraft:
        """The product as this platform takes it: title cut to the platform's maximum,
        options beyond its maximum folded into the last one, variants capped."""
        names = [o.name for o in p.options][: self.max_options]
        fold = len(p.options) > self.max_options
        variants: list[ListingVariant] = []
        for v in p.variants[: self.max_variants]:
            values = list(v.option_values)
            if fold:
                cut = self.max_options - 1
                values = [*values[:cut], " / ".join(values[cut:])]
            price = v.price or p.base_price
            weight = v.weight_grams or p.weight_grams or 300
            money = Money(currency or self.currency, price.amount_minor)
            variants.append(ListingVariant(v.sku, values, money, 10, v.barcode, weight))
        if not names and len(variants) > 1:
            names = ["Variant"]
            variants = [
                ListingVariant(x.seller_sku, [x.seller_sku], x.price, x.stock, x.barcode, 300)
                for x in variants
            ]
        return ListingDraft(
            seller_sku=p.sku,
            title=p.title[: self.max_title],
            description=p.description or p.title,
            category_id=self.category_id,
            brand=p.brand,
            images=[],
            option_names=names,
            variants=variants,
            weight_grams=p.weight_grams or 300,
        )


SPECS: dict[str, PlatformSpec] = {
    "shopee": PlatformSpec(
        "shopee",
        10.0,
        "SGD",
        "100017",
        120,
        2,
        50,
        lambda n: 2 if n > 1 else 1,
        _per_item_batches(50),
        False,
        _shopee_shop,
        lambda url: ShopeeAdapter(url + "/shopee"),
    ),
    "tiktok": PlatformSpec(
        "tiktok",
        50.0,
        "SGD",
        "600001",
        255,
        3,
        100,
        lambda n: 1,
        _per_product,
        False,
        _tiktok_shop,
        lambda url: TikTokAdapter(url + "/tiktok", url + "/tiktok"),
    ),
    "tokopedia": PlatformSpec(
        "tokopedia",
        5.0,
        "IDR",
        "562",
        70,
        2,
        50,
        lambda n: 2,  # create, then read back the variant ids
        _across_products(100),
        True,
        _tokopedia_shop,
        lambda url: TokopediaAdapter(url + "/tokopedia"),
    ),
    "lazada": PlatformSpec(
        "lazada",
        10.0,
        "SGD",
        "10002019",
        255,
        2,
        100,
        lambda n: 1,
        _across_products(50),
        False,
        _lazada_shop,
        lambda url: LazadaAdapter(url + "/lazada/rest"),
    ),
}
