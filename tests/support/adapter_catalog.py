"""The listings every marketplace adapter test builds: TEE (3 variants), then A, B and C
(50, 50 and 17), 120 SKUs for the bulk price and stock updates."""

from __future__ import annotations

from collections.abc import Callable

from services.common.money import Money
from services.sync.adapters.base import ListingDraft, MarketplaceAdapter, ShopAuth

BULK = (("A", 50), ("B", 50), ("C", 17))


def tee_variants(currency: str, first_price: int) -> set[tuple[str, Money, int]]:
    """(seller SKU, price, stock) of the TEE listing as the tests' drafts make it."""
    return {(f"TEE-{i:02d}", Money(currency, first_price + i), 10 + i) for i in range(3)}


async def create_bulk(
    adapter: MarketplaceAdapter, shop: ShopAuth, draft: Callable[[str, int], ListingDraft]
) -> list[str]:
    """Create A, B and C after TEE; every SKU of the four listings, in creation order."""
    for prefix, count in BULK:
        await adapter.create_listing(shop, draft(prefix, count))
    return [f"TEE-{i:02d}" for i in range(3)] + [f"{p}-{i:02d}" for p, n in BULK for i in range(n)]
