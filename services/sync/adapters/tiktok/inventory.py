"""TikTok Shop prices and stock: one call per product for all its SKUs (§2.4).

- prices/update: `{"skus":[{"id", "price":{"amount","currency"}}]}`; `data` is empty, so a
  failed call fails every SKU of that product with TikTok's code.
- inventory/update: every warehouse of each SKU must be present; the quantity goes to
  the SKU's first warehouse and 0 to the others (⚠ a multi-warehouse split needs
  per-warehouse input). Per-SKU failures come back in `data.errors[].detail.sku_id`
  inside a success (partial failure).
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Mapping, Sequence
from typing import Any

from services.sync.adapters.base import ItemResult, PriceUpdate, ShopAuth, StockUpdate
from services.sync.adapters.batch_results import checked_values, item_results
from services.sync.adapters.errors import AdapterError
from services.sync.adapters.tiktok.client import TikTokClient
from services.sync.adapters.tiktok.listings import TikTokListings, _Target, product_path
from services.sync.adapters.tiktok.validation import check_quantity, permanent, price_wire

Outcome = dict[str, AdapterError | None]


class TikTokInventory:
    def __init__(self, client: TikTokClient, listings: TikTokListings) -> None:
        self._client = client
        self._listings = listings

    async def _per_product(
        self,
        shop: ShopAuth,
        values: Mapping[str, Any],
        suffix: str,
        entry: Callable[[_Target, Any], dict[str, Any]],
    ) -> Outcome:
        index = self._listings.index(shop)
        missing = [s for s in values if s not in index]
        if missing:
            await self._listings.find_by_skus(shop, missing)
        outcome: Outcome = {}
        groups: dict[str, list[tuple[str, _Target]]] = {}
        for sku in values:
            target = index.get(sku)
            if target is None:
                outcome[sku] = permanent(f"no product has seller SKU {sku}", "not_found")
            else:
                groups.setdefault(target.product_id, []).append((sku, target))

        async def one(product_id: str, rows: list[tuple[str, _Target]]) -> None:
            body = {"skus": [entry(t, values[sku]) for sku, t in rows]}
            path = product_path(product_id) + suffix
            try:
                data = await self._client.call(shop, "POST", path, body=body)
            except AdapterError as exc:
                outcome.update({sku: exc for sku, _ in rows})
                return
            failed = {
                str((e.get("detail") or {}).get("sku_id")): e for e in data.get("errors") or []
            }
            for sku, t in rows:
                e = failed.get(t.sku_id)
                outcome[sku] = (
                    None
                    if e is None
                    else permanent(str(e.get("message") or ""), str(e.get("code") or "errors"))
                )

        await asyncio.gather(*(one(pid, rows) for pid, rows in groups.items()))
        return outcome

    async def update_prices(
        self, shop: ShopAuth, prices: Sequence[PriceUpdate]
    ) -> Sequence[ItemResult]:
        values, invalid = checked_values(prices, lambda p: price_wire(shop, p.price))
        outcome = await self._per_product(
            shop, values, "/prices/update", lambda t, price: {"id": t.sku_id, "price": price}
        )
        return item_results(prices, outcome, invalid)

    async def update_stock(
        self, shop: ShopAuth, stock: Sequence[StockUpdate]
    ) -> Sequence[ItemResult]:
        values, invalid = checked_values(stock, lambda s: check_quantity(s.quantity))

        def entry(t: _Target, quantity: int) -> dict[str, Any]:
            warehouses = t.warehouses or (self._listings_warehouse(shop),)
            return {
                "id": t.sku_id,
                "inventory": [
                    {"warehouse_id": wh, "quantity": quantity if i == 0 else 0}
                    for i, wh in enumerate(warehouses)
                ],
            }

        outcome = await self._per_product(shop, values, "/inventory/update", entry)
        return item_results(stock, outcome, invalid)

    def _listings_warehouse(self, shop: ShopAuth) -> str:
        return shop.app.get("warehouse_id", "")
