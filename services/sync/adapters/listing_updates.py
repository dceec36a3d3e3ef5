"""Updating an existing listing: the variant-set guard, prices and stock, and the
refusal of attribute edits a platform has no documented edit endpoint for.

Attribute edits (title, description, images, weight) go through each platform's own
edit-product call where MARKETPLACES.md documents one (Lazada `/product/update`);
prices and stock always go through the batched price/stock calls here. A changed
variant set is refused PERMANENT rather than half-applied.
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


def check_same_variants(
    platform: Platform, current: RemoteListing, draft: ListingDraft, variant_word: str = "variant"
) -> None:
    """Refuse (PERMANENT, "unsupported") a draft whose seller SKUs differ from the listing's."""
    if {v.seller_sku for v in current.variants} != {v.seller_sku for v in draft.variants}:
        raise AdapterError(
            FailureKind.PERMANENT,
            platform,
            f"changing the {variant_word} set is not supported yet",
            code="unsupported",
        )


def refuse_undocumented_edit(
    platform: Platform, current: RemoteListing, draft: ListingDraft, endpoint_note: str
) -> None:
    """A changed title cannot be sent where MARKETPLACES.md documents no edit endpoint:
    say so (PERMANENT, code "unsupported") instead of dropping the edit silently.

    Only the title can be compared: RemoteListing carries no description or images."""
    if current.title != draft.title:
        raise AdapterError(
            FailureKind.PERMANENT,
            platform,
            f"title/description/image/weight edits are not sent: {endpoint_note}; "
            "prices and stock were updated",
            code="unsupported",
        )


async def push_prices_and_stock(
    adapter: PricesAndStock,
    shop: ShopAuth,
    current: RemoteListing,
    draft: ListingDraft,
    *,
    variant_word: str = "variant",
) -> None:
    """Send the draft's prices and stock; raise the first per-SKU failure."""
    check_same_variants(adapter.platform, current, draft, variant_word)
    prices = await adapter.update_prices(
        shop, [PriceUpdate(v.seller_sku, v.price) for v in draft.variants]
    )
    stock = await adapter.update_stock(
        shop, [StockUpdate(v.seller_sku, v.stock) for v in draft.variants]
    )
    for result in (*prices, *stock):
        if result.error is not None:
            raise result.error
