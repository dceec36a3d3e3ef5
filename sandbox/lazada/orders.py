"""Lazada sandbox orders: /orders/get, /order/get, /order/items/get (§4.3).

`/orders/get` needs `created_after` or `update_after` (ISO 8601), `limit` ≤ 100.
Order items are one entry per unit, as Lazada lists them.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from starlette.responses import Response

from sandbox.lazada.envelope import Ctx, LazadaBase, LazadaError, invalid, missing, ok_response
from sandbox.state import Order

MAX_LIMIT = 100
STATUSES = {
    "unpaid",
    "pending",
    "canceled",
    "ready_to_ship",
    "delivered",
    "returned",
    "shipped",
    "failed",
    "topack",
    "toship",
    "shipping",
    "lost",
}


def iso(raw: str, name: str) -> float:
    try:
        parsed = datetime.fromisoformat(raw)
    except ValueError as exc:
        raise invalid(f"{name} must be ISO 8601") from exc
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=UTC)
    return parsed.timestamp()


def lazada_time(ts: int) -> str:
    return datetime.fromtimestamp(ts, UTC).strftime("%Y-%m-%d %H:%M:%S %z")


class OrderRoutes(LazadaBase):
    async def get_orders(self, ctx: Ctx) -> Response:
        created_after, update_after = ctx.get("created_after"), ctx.get("update_after")
        if not created_after and not update_after:
            raise missing("created_after or update_after")
        field = "create_time" if created_after else "update_time"
        start = iso(created_after or update_after, "created_after/update_after")
        before_raw = ctx.get("created_before" if created_after else "update_before")
        end = iso(before_raw, "before") if before_raw else float("inf")
        limit = ctx.int("limit", 100)
        offset = ctx.int("offset", 0)
        if not 1 <= limit <= MAX_LIMIT or offset < 0:
            raise invalid(f"limit must be 1-{MAX_LIMIT}")
        status = ctx.get("status")
        if status and status not in STATUSES:
            raise invalid("Invalid status")
        sort_by = ctx.get("sort_by", "created_at")
        key = "create_time" if sort_by == "created_at" else "update_time"
        orders = sorted(
            (
                o
                for o in ctx.shop.orders.values()
                if start <= getattr(o, field) <= end and (not status or o.status == status)
            ),
            key=lambda o: (getattr(o, key), o.order_sn),
            reverse=ctx.get("sort_direction", "DESC").upper() == "DESC",
        )
        page = orders[offset : offset + limit]
        return ok_response(
            {"count": len(page), "countTotal": len(orders), "orders": [order_wire(o) for o in page]}
        )

    def _order(self, ctx: Ctx) -> Order:
        order_id = ctx.get("order_id")
        if not order_id:
            raise missing("order_id")
        order = ctx.shop.orders.get(order_id)
        if order is None:
            raise LazadaError("16", f"Order {order_id} not found")
        return order

    async def get_order(self, ctx: Ctx) -> Response:
        return ok_response(order_wire(self._order(ctx)))

    async def get_order_items(self, ctx: Ctx) -> Response:
        order = self._order(ctx)
        items: list[dict[str, Any]] = []
        for line in order.lines:
            for _ in range(line.quantity):
                items.append(
                    {
                        "order_item_id": len(items) + 1,
                        "order_id": int(order.order_sn),
                        "status": order.status,
                        "sku": line.seller_sku,
                        "shop_sku": f"{line.item_id}_SG-{line.model_id}",
                        "sku_id": str(line.model_id),
                        "product_id": str(line.item_id),
                        "item_price": line.price,
                        "paid_price": line.price,
                        "created_at": lazada_time(order.create_time),
                        "updated_at": lazada_time(order.update_time),
                    }
                )
        return ok_response(items)


def order_wire(o: Order) -> dict[str, Any]:
    return {
        "order_id": int(o.order_sn),
        "order_number": int(o.order_sn),
        "statuses": [o.status],
        "created_at": lazada_time(o.create_time),
        "updated_at": lazada_time(o.update_time),
        "price": f"{sum(line.price * line.quantity for line in o.lines):.2f}",
        "items_count": sum(line.quantity for line in o.lines),
    }
