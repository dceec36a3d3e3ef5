"""Shopee prices and stock: update_price/update_stock take 1-50 models of ONE item per
call, so updates are grouped per item, split into chunks of 50, and read back per SKU
from success_list/failure_list."""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any

from services.sync.adapters.base import ItemResult, PriceUpdate, ShopAuth, StockUpdate
from services.sync.adapters.batch_results import checked_values, item_results
from services.sync.adapters.errors import AdapterError
from services.sync.adapters.shopee.client import ShopeeClient
from services.sync.adapters.shopee.listings import ShopeeListings, _Target
from services.sync.adapters.shopee.validation import check_stock, permanent, to_major

BATCH = 50  # update_price / update_stock: 1-50 models of one item
STOCK_PARTIAL = "error_busi_update_stock_failed"

PATH_UPDATE_PRICE = "/api/v2/product/update_price"
PATH_UPDATE_STOCK = "/api/v2/product/update_stock"


class ShopeeInventory:
    def __init__(self, client: ShopeeClient, listings: ShopeeListings) -> None:
        self._client = client
        self._listings = listings

    async def _resolve(self, shop: ShopAuth, skus: Iterable[str]) -> dict[str, _Target]:
        index = self._listings.index(shop)
        missing = [s for s in skus if s not in index]
        if missing:
            # Unknown SKUs: scan the shop once (fills the index as a side effect).
            items = await self._listings.scan(shop)
            await asyncio.gather(*(self._listings.to_remote(shop, i) for i in items))
        return index

    async def _batched(
        self,
        shop: ShopAuth,
        values: Mapping[str, Any],
        path: str,
        list_field: str,
        entry: Callable[[int, Any], dict[str, Any]],
    ) -> dict[str, AdapterError | None]:
        """Group SKUs per item, ≤ 50 models per call; per-SKU outcome from the lists."""
        outcome: dict[str, AdapterError | None] = {}
        index = await self._resolve(shop, values)
        per_item: dict[int, list[tuple[str, _Target]]] = {}
        for sku in values:
            target = index.get(sku)
            if target is None:
                outcome[sku] = permanent(f"no listing has seller SKU {sku}", "not_found")
            else:
                per_item.setdefault(target.item_id, []).append((sku, target))
        chunks = [
            (item_id, rows[i : i + BATCH])
            for item_id, rows in per_item.items()
            for i in range(0, len(rows), BATCH)
        ]

        async def one(item_id: int, rows: list[tuple[str, _Target]]) -> None:
            body = {
                "item_id": item_id,
                list_field: [entry(t.model_id, values[sku]) for sku, t in rows],
            }
            try:
                payload = await self._client.call(
                    shop, "POST", path, body=body, accept=frozenset({STOCK_PARTIAL})
                )
            except AdapterError as exc:
                for sku, _ in rows:
                    outcome[sku] = exc
                return
            response = payload.get("response") or {}
            ok = {int(x["model_id"]) for x in response.get("success_list", [])}
            failed = {
                int(x["model_id"]): str(x.get("failed_reason") or "")
                for x in response.get("failure_list", [])
                if x.get("model_id") is not None
            }
            for sku, t in rows:
                if t.model_id in failed:
                    outcome[sku] = permanent(failed[t.model_id], "failure_list")
                elif t.model_id in ok:
                    outcome[sku] = None
                else:
                    outcome[sku] = permanent("not in the response", "missing_result")

        await asyncio.gather(*(one(item_id, rows) for item_id, rows in chunks))
        return outcome

    async def update_prices(
        self, shop: ShopAuth, prices: Sequence[PriceUpdate]
    ) -> Sequence[ItemResult]:
        values, invalid = checked_values(prices, lambda p: to_major(shop, p.price))
        outcome = await self._batched(
            shop,
            values,
            PATH_UPDATE_PRICE,
            "price_list",
            lambda model_id, price: {"model_id": model_id, "original_price": price},
        )
        return item_results(prices, outcome, invalid)

    async def update_stock(
        self, shop: ShopAuth, stock: Sequence[StockUpdate]
    ) -> Sequence[ItemResult]:
        values, invalid = checked_values(stock, lambda s: check_stock(s.quantity))
        outcome = await self._batched(
            shop,
            values,
            PATH_UPDATE_STOCK,
            "stock_list",
            lambda model_id, qty: {"model_id": model_id, "seller_stock": [{"stock": qty}]},
        )
        return item_results(stock, outcome, invalid)
