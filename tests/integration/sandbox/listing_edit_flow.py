"""The update_listing scenario for platforms whose edit-product endpoint MARKETPLACES.md
does not document (Shopee, TikTok Shop, Tokopedia): prices and stock follow the draft, a
changed title is refused PERMANENT (after prices and stock), a changed variant set and
an invalid draft are refused PERMANENT before any write."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace

import pytest

from services.sync.adapters.base import ListingDraft, MarketplaceAdapter, ShopAuth
from services.sync.adapters.errors import AdapterError, FailureKind


async def check_update_listing_without_edit_endpoint(
    adapter: MarketplaceAdapter,
    calls: dict[str, int],
    shop: ShopAuth,
    draft: ListingDraft,
    is_read: Callable[[str], bool],
) -> None:
    """`calls` is the adapter's per-path call counter; `is_read` tells its get_listing paths."""
    assert len(draft.variants) == 3
    ref = await adapter.create_listing(shop, draft)

    repriced = replace(
        draft,
        variants=[
            replace(v, price=v.price.with_amount(v.price.amount_minor * 2), stock=v.stock + 5)
            for v in draft.variants
        ],
    )
    assert await adapter.update_listing(shop, ref, repriced) == ref
    expected = {(v.seller_sku, v.price, v.stock) for v in repriced.variants}
    listing = await adapter.get_listing(shop, ref.external_id)
    assert {(v.seller_sku, v.price, v.stock) for v in listing.variants} == expected

    # A new title, description and images: prices and stock still go out, then the
    # edit is refused rather than silently dropped.
    edited = replace(
        repriced,
        title=draft.title + " (new)",
        description="New description",
        images=["https://img.example.com/new.jpg"],
        variants=[replace(v, stock=v.stock + 1) for v in repriced.variants],
    )
    with pytest.raises(AdapterError, match=r"documents no .* endpoint") as info:
        await adapter.update_listing(shop, ref, edited)
    assert info.value.kind is FailureKind.PERMANENT and info.value.code == "unsupported"
    listing = await adapter.get_listing(shop, ref.external_id)
    assert listing.title == draft.title
    assert {v.stock for v in listing.variants} == {v.stock for v in edited.variants}

    # A changed variant set: only reads reach the platform.
    calls.clear()
    first = draft.variants[0]
    extra = replace(first, seller_sku=first.seller_sku + "-X", option_values=["Extra"])
    grown = replace(repriced, variants=[*draft.variants, extra])
    with pytest.raises(AdapterError, match="set is not supported") as info:
        await adapter.update_listing(shop, ref, grown)
    assert info.value.kind is FailureKind.PERMANENT and info.value.code == "unsupported"
    assert calls and all(is_read(path) for path in calls), calls

    # An invalid draft: no request at all.
    calls.clear()
    with pytest.raises(AdapterError, match="title is empty") as info:
        await adapter.update_listing(shop, ref, replace(repriced, title=""))
    assert info.value.kind is FailureKind.PERMANENT
    assert calls == {}
