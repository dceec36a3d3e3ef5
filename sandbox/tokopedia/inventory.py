"""Tokopedia sandbox bulk updates: `POST /inventory/v1/fs/:fs_id/{stock,price}/update`.

Body: an array of 1-100 `{sku | product_id, new_stock | new_price}` (MARKETPLACES.md §3).
Answer: `data{failed_rows, failed_rows_data[{product_id, sku, new_stock|new_price,
message}], succeed_rows}` inside a 200, so one item failing never fails the others.
Each item counts against the rate limit: items past the shop's tokens fail alone with
`ERR_TOO_MANY_REQUEST` (§3). ⚠ Other per-item messages are the sandbox's own wording.
"""

from __future__ import annotations

from typing import Any

from sandbox.state import Listing, Model, Shop
from sandbox.tokopedia.envelope import TOO_MANY, Ctx, TokopediaBase
from sandbox.tokopedia.products import MAX_PRICE, MAX_STOCK, MIN_PRICE, find_sku


def _target(shop: Shop, item: dict[str, Any]) -> Listing | Model | str:
    sku = item.get("sku")
    product_id = item.get("product_id")
    if sku:
        found = find_sku(shop, str(sku))
        if found is None:
            return "product not found"
        return found[1] or found[0]
    if isinstance(product_id, int):
        for listing in shop.listings.values():
            if listing.item_id == product_id:
                return "product has variants" if listing.models else listing
            for model in listing.models:
                if model.model_id == product_id:
                    return model
        return "product not found"
    return "sku or product_id is required"


class InventoryRoutes(TokopediaBase):
    def _apply(self, ctx: Ctx, field: str, low: int, high: int) -> dict[str, Any]:
        failed: list[dict[str, Any]] = []
        succeed = 0
        for index, item in enumerate(ctx.body):
            item = item if isinstance(item, dict) else {}
            value = item.get(field)
            target = _target(ctx.shop, item) if index < ctx.allowed else TOO_MANY
            if isinstance(target, str):
                message = target
            elif not isinstance(value, int) or isinstance(value, bool) or not low <= value <= high:
                message = f"{field} must be an integer from {low} to {high}"
            else:
                if field == "new_stock":
                    target.stock = value
                else:
                    target.price = float(value)
                succeed += 1
                continue
            failed.append(
                {
                    "product_id": item.get("product_id", 0),
                    "sku": item.get("sku", ""),
                    field: value,
                    "message": message,
                }
            )
        return {"failed_rows": len(failed), "failed_rows_data": failed, "succeed_rows": succeed}

    async def update_stock(self, ctx: Ctx) -> Any:
        return self._apply(ctx, "new_stock", 0, MAX_STOCK)

    async def update_price(self, ctx: Ctx) -> Any:
        return self._apply(ctx, "new_price", MIN_PRICE, MAX_PRICE)
