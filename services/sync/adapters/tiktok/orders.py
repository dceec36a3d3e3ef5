"""TikTok Shop orders (§2.4): search by update time (202309), detail ≤ 50 ids per call.

Line items stand for one unit each; they are summed per seller SKU.
Statuses: UNPAID → created; ON_HOLD, AWAITING_SHIPMENT, PARTIALLY_SHIPPING,
AWAITING_COLLECTION → paid; IN_TRANSIT, DELIVERED → shipped; COMPLETED → completed;
CANCELLED (and the webhook's CANCEL, ⚠ §2.4) → cancelled.
"""

from __future__ import annotations

import asyncio
from collections.abc import Mapping, Sequence
from datetime import UTC, datetime
from typing import Any

from services.sync.adapters.base import OrderLine, OrderStatus, Page, RemoteOrder, ShopAuth
from services.sync.adapters.tiktok.client import TikTokClient
from services.sync.adapters.tiktok.validation import to_money

ORDER_PAGE = 50
DETAIL_BATCH = 50

PATH_ORDER_SEARCH = "/order/202309/orders/search"
PATH_ORDER_DETAIL = "/order/202309/orders"

ORDER_STATUS_MAP = {
    "UNPAID": OrderStatus.CREATED,
    "ON_HOLD": OrderStatus.PAID,
    "AWAITING_SHIPMENT": OrderStatus.PAID,
    "PARTIALLY_SHIPPING": OrderStatus.PAID,
    "AWAITING_COLLECTION": OrderStatus.PAID,
    "IN_TRANSIT": OrderStatus.SHIPPED,
    "DELIVERED": OrderStatus.SHIPPED,
    "COMPLETED": OrderStatus.COMPLETED,
    "CANCELLED": OrderStatus.CANCELLED,
    "CANCEL": OrderStatus.CANCELLED,
}


def order_status(raw: Any) -> OrderStatus:
    return ORDER_STATUS_MAP.get(str(raw), OrderStatus.CREATED)


class TikTokOrders:
    def __init__(self, client: TikTokClient) -> None:
        self._client = client

    async def list_orders(
        self, shop: ShopAuth, since: datetime, until: datetime, page_token: str = ""
    ) -> Page[RemoteOrder]:
        data = await self._client.call(
            shop,
            "POST",
            PATH_ORDER_SEARCH,
            params=[
                ("page_size", ORDER_PAGE),
                ("page_token", page_token or None),
                ("sort_field", "update_time"),
                ("sort_order", "ASC"),
            ],
            body={
                "update_time_ge": int(since.timestamp()),
                "update_time_lt": int(until.timestamp()),
            },
        )
        orders = [to_order(o) for o in data.get("orders", [])]
        return Page(orders, str(data.get("next_page_token") or ""))

    async def get_orders(self, shop: ShopAuth, order_ids: Sequence[str]) -> Sequence[RemoteOrder]:
        chunks = [order_ids[i : i + DETAIL_BATCH] for i in range(0, len(order_ids), DETAIL_BATCH)]

        async def one(chunk: Sequence[str]) -> list[RemoteOrder]:
            params = [("ids", ",".join(chunk))]
            data = await self._client.call(shop, "GET", PATH_ORDER_DETAIL, params=params)
            return [to_order(o) for o in data.get("orders", [])]

        results = await asyncio.gather(*(one(c) for c in chunks))
        return [o for chunk in results for o in chunk]


def to_order(o: Mapping[str, Any]) -> RemoteOrder:
    lines: dict[str, OrderLine] = {}
    for item in o.get("line_items", []):
        sku = str(item.get("seller_sku") or "")
        price = to_money({"amount": item.get("sale_price"), "currency": item.get("currency")})
        known = lines.get(sku)
        lines[sku] = OrderLine(sku, (known.quantity if known else 0) + 1, price)
    create = o.get("create_time")
    return RemoteOrder(
        order_id=str(o["id"]),
        status=order_status(o.get("status")),
        lines=list(lines.values()),
        update_time=datetime.fromtimestamp(int(o.get("update_time") or 0), UTC),
        create_time=datetime.fromtimestamp(int(create), UTC) if create else None,
    )
