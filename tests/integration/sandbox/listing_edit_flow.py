"""The update_listing scenarios against the sandbox.

- With an edit endpoint (Shopee update_item, TikTok Shop partial_edit): a draft that only
  changes prices and stock makes no edit call; a new title and description are sent and
  read back; a changed variant set and an invalid draft are refused PERMANENT before any
  write.
- Without a documented one (Tokopedia): prices and stock follow the draft, a changed title
  is refused PERMANENT (after prices and stock), a changed variant set and an invalid
  draft are refused PERMANENT before any write.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from dataclasses import replace
from typing import Any

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


async def check_update_listing_with_edit_endpoint(
    adapter: MarketplaceAdapter,
    calls: dict[str, int],
    shop: ShopAuth,
    draft: ListingDraft,
    *,
    is_read: Callable[[str], bool],
    is_edit: Callable[[str], bool],
    read_back: Callable[[str], Awaitable[tuple[str, str]]],
    new_title: str,
    invalid: Sequence[tuple[dict[str, Any], str]],
) -> None:
    """`calls` is the adapter's per-path call counter; `is_read` tells its get_listing
    paths, `is_edit` its edit path; `read_back(external_id)` is the (title, description)
    the platform's own get endpoint shows; `invalid` are draft changes the adapter must
    refuse before any request, with the message they fail with."""
    assert len(draft.variants) == 3
    ref = await adapter.create_listing(shop, draft)

    # Only prices and stock change: no edit call.
    calls.clear()
    repriced = replace(
        draft,
        variants=[
            replace(v, price=v.price.with_amount(v.price.amount_minor * 2), stock=v.stock + 5)
            for v in draft.variants
        ],
    )
    assert await adapter.update_listing(shop, ref, repriced) == ref
    assert not [path for path in calls if is_edit(path)], calls
    listing = await adapter.get_listing(shop, ref.external_id)
    expected = {(v.seller_sku, v.price, v.stock) for v in repriced.variants}
    assert {(v.seller_sku, v.price, v.stock) for v in listing.variants} == expected

    # A new title and description (and stock): one edit call, then read back.
    calls.clear()
    edited = replace(
        repriced,
        title=new_title,
        description="A new description of the mug",
        variants=[replace(v, stock=v.stock + 1) for v in repriced.variants],
    )
    assert await adapter.update_listing(shop, ref, edited) == ref
    assert [n for path, n in calls.items() if is_edit(path)] == [1], calls
    listing = await adapter.get_listing(shop, ref.external_id)
    assert listing.title == new_title
    assert {(v.seller_sku, v.price, v.stock) for v in listing.variants} == {
        (v.seller_sku, v.price, v.stock) for v in edited.variants
    }
    assert await read_back(ref.external_id) == (new_title, "A new description of the mug")

    # A changed variant set: only reads reach the platform, nothing is edited.
    calls.clear()
    first = draft.variants[0]
    extra = replace(first, seller_sku=first.seller_sku + "-X", option_values=["Extra"])
    grown = replace(edited, title=new_title + " grown", variants=[*edited.variants, extra])
    with pytest.raises(AdapterError, match="set is not supported") as info:
        await adapter.update_listing(shop, ref, grown)
    assert info.value.kind is FailureKind.PERMANENT and info.value.code == "unsupported"
    assert calls and all(is_read(path) for path in calls), calls
    assert (await adapter.get_listing(shop, ref.external_id)).title == new_title

    # Invalid drafts: no request at all.
    for changes, message in [({"title": ""}, "title is empty"), *invalid]:
        calls.clear()
        with pytest.raises(AdapterError, match=message) as info:
            await adapter.update_listing(shop, ref, replace(edited, **changes))
        assert info.value.kind is FailureKind.PERMANENT
        assert calls == {}, (changes, calls)
