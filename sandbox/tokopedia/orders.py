"""Tokopedia sandbox orders: `GET /v2/order/list` and single order `GET /v2/fs/:fs_id/order`.

List (MARKETPLACES.md §3): `fs_id, from_date, to_date` (Unix seconds), `page >= 1`,
`per_page <= 100`, optional `shop_id`, `status`; only orders that reached Payment
Verified (220) are listed. ⚠ The 3-day window limit and the single-order path
(`/v2/fs/:fs_id/order?order_id=`) are from the legacy docs as remembered. Statuses used
here: 220 payment verified (placed), 500 shipped, 0 cancelled by the seller.
"""

from __future__ import annotations

from typing import Any

from sandbox.state import Order
from sandbox.tokopedia.envelope import Ctx, TokopediaBase, TokopediaError

MAX_WINDOW = 3 * 86400
PAYMENT_VERIFIED = 220


def order_wire(o: Order, fs_id: str, shop_id: int) -> dict[str, Any]:
    return {
        "fs_id": int(fs_id),
        "order_id": int(o.order_sn),
        "invoice_ref_num": f"INV/{o.create_time}/{o.order_sn}",
        "shop_id": shop_id,
        "order_status": int(o.status),
        "create_time": o.create_time,
        "update_time": o.update_time,
        "products": [
            {
                "id": line.model_id or line.item_id,
                "sku": line.seller_sku,
                "quantity": line.quantity,
                "price": int(line.price),
                "total_price": int(line.price) * line.quantity,
                "currency": "Rp",
            }
            for line in o.lines
        ],
    }


class OrderRoutes(TokopediaBase):
    async def order_list(self, ctx: Ctx) -> Any:
        start, end = ctx.q_int("from_date"), ctx.q_int("to_date")
        if end < start or end - start > MAX_WINDOW:
            raise TokopediaError(400, "INVALID_PARAMETER", "date range must be within 3 days")
        page, per_page = ctx.q_int("page"), ctx.q_int("per_page")
        if page < 1 or not 1 <= per_page <= 100:
            raise TokopediaError(400, "INVALID_PARAMETER", "page >= 1 and per_page 1..100")
        status = ctx.q("status")
        orders = sorted(
            (
                o
                for o in ctx.shop.orders.values()
                if start <= o.create_time <= end and (not status or o.status == status)
            ),
            key=lambda o: (o.create_time, o.order_sn),
        )
        chunk = orders[(page - 1) * per_page : page * per_page]
        fs_id = ctx.shop.credentials["fs_id"]
        return [order_wire(o, fs_id, ctx.shop.shop_id) for o in chunk]

    async def single_order(self, ctx: Ctx) -> Any:
        order = ctx.shop.orders.get(ctx.q("order_id"))
        if order is None:
            raise TokopediaError(404, "ORD_API_006", "order not found")
        return order_wire(order, ctx.shop.credentials["fs_id"], ctx.shop.shop_id)
