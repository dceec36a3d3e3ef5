"""Updating an existing listing by its variants' prices and stock, for every adapter.

Until each platform's edit-product API is wired, this is what update_listing can do;
a changed variant set is refused PERMANENT rather than half-applied.
"""

from __future__ import annotations

from typing import Protocol

from services.common.platforms import Platform
from services.sync.adapters.base import (
    ListingDraft,
    PriceUpdate,
    RemoteListing,
    ShopAuth,
    StockUpdate,
)
from services.sync.adapters.errors import AdapterError, FailureKind
from services.sync.adapters.facade import InventoryPart


class PricesAndStock(InventoryPart, Protocol):
    """The part of MarketplaceAdapter this needs: its platform, prices and stock."""

    @property
    def platform(self) -> Platform: ...


async def push_prices_and_stock(
    adapter: PricesAndStock,
    shop: ShopAuth,
    current: RemoteListing,
    draft: ListingDraft,
    *,
    variant_word: str = "variant",
) -> None:
    """Send the draft's prices and stock; raise the first per-SKU failure."""
    if {v.seller_sku for v in current.variants} != {v.seller_sku for v in draft.variants}:
        raise AdapterError(
            FailureKind.PERMANENT,
            adapter.platform,
            f"changing the {variant_word} set is not supported yet",
            code="unsupported",
        )
    prices = await adapter.update_prices(
        shop, [PriceUpdate(v.seller_sku, v.price) for v in draft.variants]
    )
    stock = await adapter.update_stock(
        shop, [StockUpdate(v.seller_sku, v.stock) for v in draft.variants]
    )
    for result in (*prices, *stock):
        if result.error is not None:
            raise result.error
