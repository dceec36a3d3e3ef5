"""Shopee orders: listed by update_time in windows of ≤ 15 days, details ≤ 50 per call."""

from __future__ import annotations

import asyncio
from collections.abc import Mapping, Sequence
from datetime import UTC, datetime, timedelta
from typing import Any

from services.sync.adapters.base import OrderLine, OrderStatus, Page, RemoteOrder, ShopAuth
from services.sync.adapters.shop_settings import from_major, shop_currency
from services.sync.adapters.shopee.client import ShopeeClient

ORDER_PAGE = 50  # so one get_order_detail call (≤ 50 order_sn) covers one page
ORDER_WINDOW = timedelta(days=15)

PATH_ORDER_LIST = "/api/v2/order/get_order_list"
PATH_ORDER_DETAIL = "/api/v2/order/get_order_detail"

ORDER_STATUS_MAP = {
    "UNPAID": OrderStatus.CREATED,
    "PENDING": OrderStatus.CREATED,
    "INVOICE_PENDING": OrderStatus.CREATED,
    "READY_TO_SHIP": OrderStatus.PAID,
    "PROCESSED": OrderStatus.PAID,
    "RETRY_SHIP": OrderStatus.PAID,
    "SHIPPED": OrderStatus.SHIPPED,
    "TO_CONFIRM_RECEIVE": OrderStatus.SHIPPED,
    "COMPLETED": OrderStatus.COMPLETED,
    "IN_CANCEL": OrderStatus.CANCELLED,
    "CANCELLED": OrderStatus.CANCELLED,
    "TO_RETURN": OrderStatus.CANCELLED,
}


def order_status(raw: Any) -> OrderStatus:
    return ORDER_STATUS_MAP.get(str(raw), OrderStatus.CREATED)


class ShopeeOrders:
    def __init__(self, client: ShopeeClient) -> None:
        self._client = client

    async def list_orders(
        self, shop: ShopAuth, since: datetime, until: datetime, page_token: str = ""
    ) -> Page[RemoteOrder]:
        """By update_time, in windows of ≤ 15 days; token = "<window start>:<cursor>"."""
        start = int(since.timestamp())
        end = int(until.timestamp())
        cursor = ""
        if page_token:
            raw_start, _, cursor = page_token.partition(":")
            start = int(raw_start)
        window_end = min(end, start + int(ORDER_WINDOW.total_seconds()))
        payload = await self._client.call(
            shop,
            "GET",
            PATH_ORDER_LIST,
            params=[
                ("time_range_field", "update_time"),
                ("time_from", start),
                ("time_to", window_end),
                ("page_size", ORDER_PAGE),
                ("cursor", cursor),
                ("response_optional_fields", "order_status"),
            ],
        )
        response = payload.get("response", {})
        sns = [str(o["order_sn"]) for o in response.get("order_list", [])]
        orders = await self.get_orders(shop, sns) if sns else []
        if response.get("more"):
            token = f"{start}:{response.get('next_cursor', '')}"
        elif window_end < end:
            token = f"{window_end + 1}:"
        else:
            token = ""
        return Page(orders, token)

    async def get_orders(self, shop: ShopAuth, order_ids: Sequence[str]) -> Sequence[RemoteOrder]:
        chunks = [order_ids[i : i + 50] for i in range(0, len(order_ids), 50)]

        async def one(chunk: Sequence[str]) -> list[RemoteOrder]:
            payload = await self._client.call(
                shop,
                "GET",
                PATH_ORDER_DETAIL,
                params=[
                    ("order_sn_list", ",".join(chunk)),
                    ("response_optional_fields", "item_list"),
                ],
            )
            return [_order(shop, o) for o in payload.get("response", {}).get("order_list", [])]

        results = await asyncio.gather(*(one(c) for c in chunks))
        return [o for chunk in results for o in chunk]


def _order(shop: ShopAuth, o: Mapping[str, Any]) -> RemoteOrder:
    currency = shop_currency(shop) or str(o.get("currency") or "")
    lines = [
        OrderLine(
            seller_sku=str(i.get("model_sku") or i.get("item_sku") or ""),
            quantity=int(i.get("model_quantity_purchased") or 0),
            price=from_major(i.get("model_discounted_price"), currency),
        )
        for i in o.get("item_list", [])
    ]
    create = o.get("create_time")
    return RemoteOrder(
        order_id=str(o["order_sn"]),
        status=order_status(o.get("order_status")),
        lines=lines,
        update_time=datetime.fromtimestamp(int(o.get("update_time") or 0), UTC),
        create_time=datetime.fromtimestamp(int(create), UTC) if create else None,
    )
