"""Updating an existing listing by its variants' prices and stock, for every adapter.

Until each platform's edit-product API is wired, this is what update_listing can do;
a changed variant set is refused PERMANENT rather than half-applied.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol

from services.common.platforms import Platform
from services.sync.adapters.base import (
    ItemResult,
    ListingDraft,
    PriceUpdate,
    RemoteListing,
    ShopAuth,
    StockUpdate,
)
from services.sync.adapters.errors import AdapterError, FailureKind


class PricesAndStock(Protocol):
    """The part of MarketplaceAdapter this needs."""

    @property
    def platform(self) -> Platform: ...

    async def update_prices(
        self, shop: ShopAuth, prices: Sequence[PriceUpdate]
    ) -> Sequence[ItemResult]: ...

    async def update_stock(
        self, shop: ShopAuth, stock: Sequence[StockUpdate]
    ) -> Sequence[ItemResult]: ...


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
