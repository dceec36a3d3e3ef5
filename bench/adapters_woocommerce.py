"""WooCommerce in bench/adapters.py: its `PlatformSpec` and `run_woocommerce`.

Against the sandbox's `/woocommerce` site (OAuth 1.0a over plain http, 10 req/s
stand-in host limit, ⚠ core has none): a product with one variant becomes a
`simple` product (one create call), others a `variable` product plus one variations
batch (two calls). Stock for all SKUs goes in one `update_stock`: simple products
share `/products/batch` calls, each variable product takes its own
`/products/<id>/variations/batch` calls, 100 items per call at most — so
`stock_calls_min` = ceil(simple / 100) + Σ ceil(variations / 100), target ratio 1.0.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import replace
from typing import Any

from bench.adapters_platforms import PlatformSpec
from services.catalog.domain.model import Product
from services.common.platforms import Platform
from services.sync.adapters.base import ListingDraft, ListingVariant, ShopAuth
from services.sync.adapters.woocommerce import WooCommerceAdapter

BATCH_LIMIT = 100


def stock_calls_min(skus: Sequence[int]) -> int:
    """Fewest batch calls for these products' SKUs (1 SKU: a simple product)."""
    simple = sum(1 for n in skus if n == 1)
    return math.ceil(simple / BATCH_LIMIT) + sum(math.ceil(n / BATCH_LIMIT) for n in skus if n > 1)


def _shop(c: Mapping[str, Any], rate: float) -> ShopAuth:
    app = {k: str(c[k]) for k in ("consumer_key", "consumer_secret", "currency")}
    return ShopAuth(Platform.WOOCOMMERCE, str(c["shop_id"]), app, rate_limit=rate)


class WooCommerceSpec(PlatformSpec):
    def draft(self, p: Product, currency: str = "") -> ListingDraft:
        """As PlatformSpec drafts it; a single variant is a simple product (no attributes)."""
        draft = super().draft(p, currency)
        if len(draft.variants) != 1:
            return draft
        only = draft.variants[0]
        simple = ListingVariant(only.seller_sku, [], only.price, only.stock, only.barcode)
        return replace(draft, option_names=[], variants=[simple])


WOOCOMMERCE = WooCommerceSpec(
    key="woocommerce",
    default_limit=10.0,
    currency="USD",
    category_id="",
    max_title=200,
    max_options=3,
    max_variants=100,
    create_calls=lambda n: 1 if n == 1 else 2,
    stock_min=stock_calls_min,
    items_metered=False,
    shop=_shop,
    adapter=lambda url: WooCommerceAdapter(url + "/woocommerce"),
)


async def run_woocommerce(url: str, catalog: Sequence[Product], cap: int | None) -> dict[str, Any]:
    """Create listings for the first `cap` products, then update all their SKUs' stock,
    against the sandbox at `url`; the report keys are bench/adapters.py's."""
    from bench.adapters import run_platform  # bench.adapters imports this module

    return await run_platform(url, WOOCOMMERCE, catalog, cap)
