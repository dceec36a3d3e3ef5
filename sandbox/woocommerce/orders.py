"""WooCommerce sandbox orders: `GET /orders` and `GET /orders/<id>` (wc/v3).

Filters: `after`/`before` (ISO 8601; creation time, as core; read as GMT, the sandbox
has no site time zone), `status`, paging with `X-WP-Total`/`X-WP-TotalPages`, ordered
by date (default, newest first) or `orderby=id`. Unknown ids: 404
`woocommerce_rest_shop_order_invalid_id` "Invalid ID." (core's CRUD controller).
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sandbox.state import Order, Shop
from sandbox.woocommerce.base import Ctx, WooBase, WooError, invalid_param
from sandbox.woocommerce.catalog import gmt, money


def order_wire(shop: Shop, order: Order) -> dict[str, Any]:
    lines = [
        {
            "id": i + 1,
            "name": line.seller_sku,
            "product_id": line.item_id,
            "variation_id": line.model_id,
            "quantity": line.quantity,
            "sku": line.seller_sku,
            "price": line.price,
            "subtotal": money(shop, line.price * line.quantity),
            "total": money(shop, line.price * line.quantity),
        }
        for i, line in enumerate(order.lines)
    ]
    total = sum(line.price * line.quantity for line in order.lines)
    return {
        "id": int(order.order_sn),
        "parent_id": 0,
        "number": order.order_sn,
        "status": order.status,
        "currency": shop.currency,
        "date_created_gmt": gmt(order.create_time),
        "date_modified_gmt": gmt(order.update_time),
        "total": money(shop, total),
        "line_items": lines,
    }


def _moment(ctx: Ctx, name: str) -> int | None:
    raw = ctx.q(name)
    if not raw:
        return None
    try:
        moment = datetime.fromisoformat(raw)
    except ValueError as exc:
        raise invalid_param(name, f"{name} is not a valid date.") from exc
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return int(moment.timestamp())


class OrderRoutes(WooBase):
    async def list_orders(self, ctx: Ctx) -> Any:
        after, before = _moment(ctx, "after"), _moment(ctx, "before")
        status = ctx.q("status")
        rows = [
            o
            for o in ctx.shop.orders.values()
            if (after is None or o.create_time > after)
            and (before is None or o.create_time < before)
            and (not status or status == "any" or o.status in status.split(","))
        ]
        if ctx.q("orderby", "date") == "id":
            rows.sort(key=lambda o: int(o.order_sn))
        else:
            rows.sort(key=lambda o: (o.create_time, int(o.order_sn)))
        if ctx.q("order", "desc") == "desc":
            rows.reverse()
        return [order_wire(ctx.shop, o) for o in ctx.page(rows)]

    async def get_order(self, ctx: Ctx) -> Any:
        order = ctx.shop.orders.get(str(ctx.request.path_params["id"]))
        if order is None:
            raise WooError(404, "woocommerce_rest_shop_order_invalid_id", "Invalid ID.")
        return order_wire(ctx.shop, order)
