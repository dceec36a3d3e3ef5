"""WooCommerce prices and stock through the batch endpoints, addressed by seller SKU.

Simple products go to `POST /products/batch`, variations to
`POST /products/<id>/variations/batch`, as `{update: [{id, ...}]}` of at most 100
items (core's limit counts create + update + delete, §6), so n SKUs of one product
take ceil(n / 100) calls and simple products share calls across products. Calls are
sent concurrently; the shop's bucket paces them. Setting absolute values is
idempotent, so a batch is retried whole on RETRYABLE failures.

Ids come from the adapter's SKU index (filled by creates and reads); unknown SKUs are
looked up first with `GET /products?sku=a,b,...` (wc/v3 searches products and
variations; ≤ 100 per call). A SKU not found fails alone (PERMANENT, `not_found`); a
per-item `error` inside the 200 fails that SKU alone (PERMANENT, WC's code kept), and
an invalid-id error also drops the SKU from the index so the next call looks it up.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Mapping, Sequence
from typing import Any

from services.sync.adapters.base import ItemResult, PriceUpdate, ShopAuth, StockUpdate
from services.sync.adapters.batch_results import checked_values, item_results
from services.sync.adapters.errors import AdapterError
from services.sync.adapters.woocommerce.client import PAGE_SIZE, Location, WooCommerceClient
from services.sync.adapters.woocommerce.listings import item_error
from services.sync.adapters.woocommerce.validation import check_stock, permanent, to_price

BATCH_LIMIT = 100  # items per batch call, create + update + delete (§6)
# Per-item codes meaning the cached id no longer names that SKU's product or variation.
STALE_ID_CODES = {
    "woocommerce_rest_product_invalid_id",
    "woocommerce_rest_product_variation_invalid_id",
    "woocommerce_rest_invalid_product_id",
}


def chunks(items: Sequence[Any], size: int) -> list[Sequence[Any]]:
    return [items[i : i + size] for i in range(0, len(items), size)]


def batch_path(location: Location) -> str:
    if location.variation_id:
        return f"/products/{location.product_id}/variations/batch"
    return "/products/batch"


class WooCommerceInventory:
    def __init__(self, client: WooCommerceClient) -> None:
        self._client = client

    async def locate(self, shop: ShopAuth, skus: Sequence[str]) -> dict[str, Location]:
        """Where each SKU lives (missing: not on the site), looking up unknown ones."""
        index = self._client.index(shop)
        unknown = [s for s in dict.fromkeys(skus) if s not in index]
        # Core splits `sku` on commas: SKUs containing one are looked up alone.
        groups = [[s] for s in unknown if "," in s]
        groups += [list(c) for c in chunks([s for s in unknown if "," not in s], PAGE_SIZE)]

        async def lookup(group: list[str]) -> None:
            reply = await self._client.call(
                shop,
                "GET",
                "/products",
                params=[("sku", ",".join(group)), ("per_page", PAGE_SIZE)],
            )
            for row in reply.payload:
                sku = str(row.get("sku") or "")
                if sku not in group:
                    continue
                parent = int(row.get("parent_id") or 0)
                if parent:
                    index[sku] = Location(parent, int(row["id"]))
                elif row.get("type") != "variable":
                    index[sku] = Location(int(row["id"]))

        await asyncio.gather(*(lookup(g) for g in groups))
        return {s: index[s] for s in skus if s in index}

    async def _send(
        self, shop: ShopAuth, fields: Mapping[str, dict[str, Any]]
    ) -> dict[str, AdapterError | None]:
        outcome: dict[str, AdapterError | None] = {}
        try:
            where = await self.locate(shop, list(fields))
        except AdapterError as exc:
            return dict.fromkeys(fields, exc)
        for sku in fields:
            if sku not in where:
                outcome[sku] = permanent(f"SKU {sku} not found", "not_found")
        by_path: dict[str, list[str]] = {}
        for sku, location in where.items():
            by_path.setdefault(batch_path(location), []).append(sku)

        async def one(path: str, chunk: Sequence[str]) -> None:
            ids = {where[s].variation_id or where[s].product_id: s for s in chunk}
            update = [{"id": i, **fields[s]} for i, s in ids.items()]
            try:
                reply = await self._client.call(shop, "POST", path, body={"update": update})
            except AdapterError as exc:
                outcome.update(dict.fromkeys(chunk, exc))
                return
            answered: dict[str, AdapterError | None] = {}
            for item in reply.payload.get("update") or []:
                sku = ids.get(int(item.get("id") or 0))
                if sku is not None:
                    answered[sku] = error = item_error(item)
                    if error is not None and error.code in STALE_ID_CODES:
                        # Deleted or moved on the site: look it up afresh next time.
                        self._client.index(shop).pop(sku, None)
            for sku in chunk:
                if sku in answered:
                    outcome[sku] = answered[sku]
                else:
                    outcome[sku] = permanent("no answer for this item", "batch_item_missing")

        await asyncio.gather(
            *(one(path, c) for path, skus in by_path.items() for c in chunks(skus, BATCH_LIMIT))
        )
        return outcome

    async def update_prices(
        self, shop: ShopAuth, prices: Sequence[PriceUpdate]
    ) -> Sequence[ItemResult]:
        return await self._update(
            shop, prices, lambda p: {"regular_price": to_price(shop, p.price)}
        )

    async def update_stock(
        self, shop: ShopAuth, stock: Sequence[StockUpdate]
    ) -> Sequence[ItemResult]:
        return await self._update(
            shop,
            stock,
            lambda s: {"manage_stock": True, "stock_quantity": check_stock(s.quantity)},
        )

    async def _update(
        self,
        shop: ShopAuth,
        updates: Sequence[Any],
        body: Callable[[Any], dict[str, Any]],
    ) -> list[ItemResult]:
        fields, invalid = checked_values(updates, body)
        outcome = await self._send(shop, fields) if fields else {}
        return item_results(updates, outcome, invalid)
