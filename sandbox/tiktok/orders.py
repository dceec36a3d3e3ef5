"""TikTok Shop sandbox orders (MARKETPLACES.md §2.4): search (202309) and detail.

- POST /order/202309/orders/search?page_size=(1-100)&page_token=&sort_field=&sort_order=
  body `create_time_ge/lt`, `update_time_ge/lt`, `order_status`;
  `data{next_page_token, total_count, orders[...]}`.
- GET /order/202309/orders?ids=… (max 50).
Each line item stands for one unit, as on TikTok Shop (no quantity field).
"""

from __future__ import annotations

from typing import Any

from starlette.responses import Response

from sandbox.state import Order
from sandbox.tiktok.envelope import Ctx, TikTokBase, ok_response, paged, param_error


class OrderRoutes(TikTokBase):
    async def search_orders(self, ctx: Ctx) -> Response:
        start, size = ctx.page()
        b = ctx.body
        bounds = {}
        for name in ("create_time_ge", "create_time_lt", "update_time_ge", "update_time_lt"):
            value = b.get(name)
            if value is not None and (not isinstance(value, int) or isinstance(value, bool)):
                raise param_error(f"{name} must be a Unix timestamp.")
            bounds[name] = value

        def keep(o: Order) -> bool:
            for field in ("create_time", "update_time"):
                ge, lt = bounds[f"{field}_ge"], bounds[f"{field}_lt"]
                value = getattr(o, field)
                if (ge is not None and value < ge) or (lt is not None and value >= lt):
                    return False
            return not b.get("order_status") or o.status == b["order_status"]

        field = "update_time" if ctx.q("sort_field") == "update_time" else "create_time"
        found = sorted(
            (o for o in ctx.shop.orders.values() if keep(o)),
            key=lambda o: (getattr(o, field), o.order_sn),
            reverse=ctx.q("sort_order", "DESC") == "DESC",
        )
        page, rest = paged(found, start, size)
        return ok_response({"orders": [order_wire(o, ctx.shop.currency) for o in page], **rest})

    async def get_orders(self, ctx: Ctx) -> Response:
        ids = [i for i in ctx.q("ids").split(",") if i]
        if not 1 <= len(ids) <= 50:
            raise param_error("ids must have 1 to 50 entries.")
        orders = ctx.shop.orders
        return ok_response(
            {"orders": [order_wire(orders[i], ctx.shop.currency) for i in ids if i in orders]}
        )


def order_wire(o: Order, currency: str) -> dict[str, Any]:
    items = []
    for n, line in enumerate(o.lines):
        for unit in range(line.quantity):
            items.append(
                {
                    "id": f"{o.order_sn}{n:02d}{unit:03d}",
                    "product_id": str(line.item_id),
                    "sku_id": str(line.model_id),
                    "seller_sku": line.seller_sku,
                    "sale_price": f"{line.price:.2f}",
                    "original_price": f"{line.price:.2f}",
                    "currency": currency,
                    "display_status": o.status,
                }
            )
    return {
        "id": o.order_sn,
        "status": o.status,
        "create_time": o.create_time,
        "update_time": o.update_time,
        "line_items": items,
    }
