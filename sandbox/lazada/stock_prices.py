"""Lazada sandbox /product/price_quantity/update: ≤ 50 SKUs per call (§4.3).

More than 50 SKUs: code E204 "Too many SKU in one request", nothing applied. Each SKU
is found by SellerSku (or SkuId), then its Price/SalePrice and Quantity (or the sum of
MultiWarehouseInventories) are applied. ⚠ Partial failure shape: when some SKUs fail,
the others are still applied and the answer is `{"code": "500", "type": "ISV",
"message", "detail": [{"field", "message", "seller_sku"}]}`, one entry per failed SKU.
"""

from __future__ import annotations

from typing import Any

from starlette.responses import Response

from sandbox.lazada import payload
from sandbox.lazada.envelope import Ctx, LazadaBase, LazadaError, error_response, ok_response
from sandbox.lazada.products import find_sku
from sandbox.state import Listing, Model

MAX_SKUS = 50


class StockPriceRoutes(LazadaBase):
    def _locate(self, ctx: Ctx, entry: dict[str, Any]) -> tuple[Listing, Model] | None:
        sku = str(entry.get("SellerSku") or "")
        if sku:
            return find_sku(ctx.shop, sku)
        sku_id = str(entry.get("SkuId") or "")
        for listing in ctx.shop.listings.values():
            for model in listing.models:
                if str(model.model_id) == sku_id:
                    return listing, model
        return None

    async def price_quantity_update(self, ctx: Ctx) -> Response:
        entries = payload.skus(payload.product(payload.parse(ctx.get("payload"))))
        if len(entries) > MAX_SKUS:
            raise LazadaError("E204", "Too many SKU in one request")
        failed: list[dict[str, Any]] = []
        for entry in entries:
            sku = str(entry.get("SellerSku") or entry.get("SkuId") or "")
            try:
                self._apply(ctx, entry)
            except LazadaError as exc:
                failed.append({"field": "SellerSku", "message": exc.message, "seller_sku": sku})
        if not failed:
            return ok_response({})
        error = LazadaError("500", "E0501: Some SKUs failed to update, see detail")
        error.detail = failed
        return error_response(error)

    def _apply(self, ctx: Ctx, entry: dict[str, Any]) -> None:
        found = self._locate(ctx, entry)
        if found is None:
            raise LazadaError("E0008", "Invalid SellerSku: not found")
        listing, model = found
        price = payload.number(entry.get("Price"), "Price")
        sale = payload.number(entry.get("SalePrice"), "SalePrice")
        quantity = payload.number(entry.get("Quantity"), "Quantity")
        warehouses = entry.get("MultiWarehouseInventories")
        if isinstance(warehouses, dict):
            rows = payload.as_list(warehouses.get("MultiWarehouseInventory"))
            values = [payload.number(r.get("Quantity"), "Quantity") for r in rows]
            quantity = sum(v or 0 for v in values)
        if price is None and sale is None and quantity is None:
            raise LazadaError("E0013", "Nothing to update: Price or Quantity is required")
        if price is not None and price <= 0:
            raise LazadaError("E0010", "Price must be greater than 0")
        if sale is not None and (sale <= 0 or sale > (price or model.price)):
            raise LazadaError("E0011", "SalePrice must be > 0 and <= Price")
        if quantity is not None and (quantity < 0 or quantity != int(quantity)):
            raise LazadaError("E0012", "Quantity must be an integer >= 0")
        if price is not None:
            model.price = price
        if quantity is not None:
            model.stock = int(quantity)
        listing.touch()
