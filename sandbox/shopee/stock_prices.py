"""Shopee sandbox update_price/update_stock: 1-50 models of one item, per-model results."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from typing import Any, Literal

from starlette.responses import JSONResponse, Response

from sandbox.shopee.envelope import (
    Ctx,
    ShopeeBase,
    ShopeeError,
    int_field,
    ok_response,
    param_error,
)
from sandbox.shopee.products import price_of, stock_of
from sandbox.state import Listing, Model

MAX_BATCH = 50


class StockPriceRoutes(ShopeeBase):
    def _batch(self, ctx: Ctx, field: str) -> tuple[Listing, list[Any]]:
        listing = self._listing(ctx, int_field(ctx.body, "item_id", "product"))
        entries = ctx.body.get(field)
        if not isinstance(entries, list) or not 1 <= len(entries) <= MAX_BATCH:
            raise param_error(f"{field} must have 1 to {MAX_BATCH} entries.", "product")
        return listing, entries

    def _target(self, listing: Listing, entry: Any) -> Model | Listing | None:
        model_id = entry.get("model_id") if isinstance(entry, dict) else None
        if not isinstance(model_id, int):
            return None
        if model_id == 0:
            return None if listing.models else listing
        return next((m for m in listing.models if m.model_id == model_id), None)

    def _set_each(
        self,
        listing: Listing,
        entries: list[Any],
        attr: Literal["price", "stock"],
        read: Callable[[Any], float | int],
    ) -> tuple[list[tuple[Any, float | int]], list[dict[str, Any]]]:
        """Sets `attr` of each entry's model (or model-less item) to `read(entry)`; an
        unknown model or a bad value fails alone. Returns (model_id, value) of each set."""
        done, failure = [], []
        for entry in entries:
            target = self._target(listing, entry)
            model_id = entry.get("model_id") if isinstance(entry, dict) else None
            if target is None:
                failure.append({"model_id": model_id, "failed_reason": "model not found"})
                continue
            try:
                value = read(entry)
            except ShopeeError as exc:
                failure.append({"model_id": model_id, "failed_reason": exc.message})
                continue
            setattr(target, attr, value)
            done.append((model_id, value))
        if done:
            listing.touch()
        return done, failure

    async def update_price(self, ctx: Ctx) -> Response:
        listing, entries = self._batch(ctx, "price_list")
        done, failure = self._set_each(
            listing, entries, "price", lambda e: price_of(e.get("original_price"), "product")
        )
        success = [{"model_id": m, "original_price": price} for m, price in done]
        return ok_response({"success_list": success, "failure_list": failure})

    async def update_stock(self, ctx: Ctx) -> Response:
        listing, entries = self._batch(ctx, "stock_list")
        done, failure = self._set_each(
            listing, entries, "stock", lambda e: stock_of(e.get("seller_stock"), "product")
        )
        success = [{"model_id": m, "location_id": "", "stock": stock} for m, stock in done]
        if failure and not success:
            return JSONResponse(
                {
                    "request_id": uuid.uuid4().hex,
                    "error": "product.error_busi_update_stock_failed",
                    "message": "Update stock failed, see failure_list.",
                    "response": {"success_list": [], "failure_list": failure},
                }
            )
        return ok_response({"success_list": success, "failure_list": failure})
