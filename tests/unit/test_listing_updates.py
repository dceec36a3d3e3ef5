"""The shared update_listing body: prices and stock, variant set unchanged."""

from __future__ import annotations

from collections.abc import Sequence

import pytest

from services.common.money import Money
from services.common.platforms import Platform
from services.sync.adapters.base import (
    ItemResult,
    ListingDraft,
    ListingVariant,
    PriceUpdate,
    RemoteListing,
    RemoteVariant,
    ShopAuth,
    StockUpdate,
)
from services.sync.adapters.errors import AdapterError, FailureKind
from services.sync.adapters.listing_updates import push_prices_and_stock

SHOP = ShopAuth(Platform.LAZADA, "s1", {})
PRICE = Money("IDR", 1000)


class RecordingAdapter:
    platform = Platform.LAZADA

    def __init__(self, failing_stock: str = "") -> None:
        self.prices: list[PriceUpdate] = []
        self.stock: list[StockUpdate] = []
        self.failing_stock = failing_stock

    async def update_prices(
        self, shop: ShopAuth, prices: Sequence[PriceUpdate]
    ) -> list[ItemResult]:
        self.prices += prices
        return [ItemResult(p.seller_sku) for p in prices]

    async def update_stock(self, shop: ShopAuth, stock: Sequence[StockUpdate]) -> list[ItemResult]:
        self.stock += stock
        failure = AdapterError(FailureKind.PERMANENT, Platform.LAZADA, "bad", code="x")
        return [
            ItemResult(s.seller_sku, failure if s.seller_sku == self.failing_stock else None)
            for s in stock
        ]


def _draft(*skus: str) -> ListingDraft:
    return ListingDraft(
        "P", "Title", "", "1", "", [], [], [ListingVariant(s, [], PRICE, 3) for s in skus]
    )


def _current(*skus: str) -> RemoteListing:
    return RemoteListing("ext", "Title", [RemoteVariant(s, f"id-{s}", PRICE, 1) for s in skus])


async def test_pushes_prices_and_stock_of_every_variant() -> None:
    adapter = RecordingAdapter()
    await push_prices_and_stock(adapter, SHOP, _current("A", "B"), _draft("A", "B"))
    assert [p.seller_sku for p in adapter.prices] == ["A", "B"]
    assert [(s.seller_sku, s.quantity) for s in adapter.stock] == [("A", 3), ("B", 3)]


async def test_changed_variant_set_is_refused_without_a_call() -> None:
    adapter = RecordingAdapter()
    with pytest.raises(AdapterError) as info:
        await push_prices_and_stock(
            adapter, SHOP, _current("A"), _draft("A", "B"), variant_word="SKU"
        )
    assert info.value.kind is FailureKind.PERMANENT and info.value.code == "unsupported"
    assert "SKU set" in str(info.value)
    assert adapter.prices == [] and adapter.stock == []


async def test_a_per_sku_failure_is_raised() -> None:
    adapter = RecordingAdapter(failing_stock="B")
    with pytest.raises(AdapterError, match="bad"):
        await push_prices_and_stock(adapter, SHOP, _current("A", "B"), _draft("A", "B"))
