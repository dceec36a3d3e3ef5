"""The create phase both adapter benchmark runners share: every draft, concurrently."""

from __future__ import annotations

import asyncio
from collections.abc import Sequence

from services.sync.adapters.base import ListingDraft, MarketplaceAdapter, ShopAuth

WORKERS = 16  # concurrent creates (the adapter's bucket paces them)


async def create_listings(
    adapter: MarketplaceAdapter, shop: ShopAuth, drafts: Sequence[ListingDraft]
) -> tuple[list[ListingDraft], list[str]]:
    """Create every draft from WORKERS callers: the created ones in draft order, and errors."""
    queue = list(reversed(drafts))
    errors: list[str] = []
    created: list[ListingDraft] = []

    async def worker() -> None:
        while queue:
            draft = queue.pop()
            try:
                await adapter.create_listing(shop, draft)
                created.append(draft)
            except Exception as exc:  # counted and reported
                errors.append(f"{draft.seller_sku}: {exc}")

    await asyncio.gather(*(worker() for _ in range(WORKERS)))
    order = {d.seller_sku: i for i, d in enumerate(drafts)}
    created.sort(key=lambda d: order[d.seller_sku])
    return created, errors
