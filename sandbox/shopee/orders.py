"""Shopee sandbox order endpoints: get_order_list (≤ 15-day windows) and details."""

from __future__ import annotations

from typing import Any

from starlette.responses import Response

from sandbox.shopee.envelope import (
    Ctx,
    ShopeeBase,
    ok_response,
    param_error,
)
from sandbox.state import Order

MAX_ORDER_WINDOW = 15 * 86400
ORDER_STATUSES = {
    "UNPAID",
    "READY_TO_SHIP",
    "PROCESSED",
    "SHIPPED",
    "COMPLETED",
    "IN_CANCEL",
    "CANCELLED",
    "INVOICE_PENDING",
}


class OrderRoutes(ShopeeBase):
    async def get_order_list(self, ctx: Ctx) -> Response:
        field = ctx.q("time_range_field")
        if field not in ("create_time", "update_time"):
            raise param_error("time_range_field must be create_time or update_time.", "order")
        time_from = ctx.q_int("time_from", required=True)
        time_to = ctx.q_int("time_to", required=True)
        if time_to < time_from or time_to - time_from > MAX_ORDER_WINDOW:
            raise param_error("The time range must be within 15 days.", "order")
        page_size = ctx.q_int("page_size", required=True)
        if not 1 <= page_size <= 100:
            raise param_error("page_size must be between 1 and 100.", "order")
        status = ctx.q("order_status")
        if status and status not in ORDER_STATUSES:
            raise param_error("Invalid order_status.", "order")
        cursor = ctx.q("cursor") or "0"
        try:
            start = int(cursor)
        except ValueError as exc:
            raise param_error("Invalid cursor.", "order") from exc
        orders = sorted(
            (
                o
                for o in ctx.shop.orders.values()
                if time_from <= getattr(o, field) <= time_to and (not status or o.status == status)
            ),
            key=lambda o: (getattr(o, field), o.order_sn),
        )
        page = orders[start : start + page_size]
        more = start + page_size < len(orders)
        with_status = "order_status" in (ctx.q("response_optional_fields") or "")
        return ok_response(
            {
                "more": more,
                "next_cursor": str(start + page_size) if more else "",
                "order_list": [
                    {"order_sn": o.order_sn, **({"order_status": o.status} if with_status else {})}
                    for o in page
                ],
            }
        )

    async def get_order_detail(self, ctx: Ctx) -> Response:
        raw = ctx.q("order_sn_list") or ""
        sns = [s for s in raw.split(",") if s]
        if not 1 <= len(sns) <= 50:
            raise param_error("order_sn_list must have 1 to 50 entries.", "order")
        out = [order_wire(ctx.shop.orders[sn]) for sn in sns if sn in ctx.shop.orders]
        return ok_response({"order_list": out})


def order_wire(o: Order) -> dict[str, Any]:
    return {
        "order_sn": o.order_sn,
        "order_status": o.status,
        "create_time": o.create_time,
        "update_time": o.update_time,
        "item_list": [
            {
                "item_id": line.item_id,
                "model_id": line.model_id,
                "item_sku": line.seller_sku if line.model_id == 0 else "",
                "model_sku": line.seller_sku if line.model_id else "",
                "model_quantity_purchased": line.quantity,
                "model_original_price": line.price,
                "model_discounted_price": line.price,
            }
            for line in o.lines
        ],
    }
