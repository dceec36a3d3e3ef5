"""Lazada orders: /orders/get by update time (limit ≤ 100, offset), lines from
/order/items/get (one entry per unit, summed per seller SKU), /order/get by id."""

from __future__ import annotations

import asyncio
from collections.abc import Mapping, Sequence
from datetime import UTC, datetime
from typing import Any

from services.sync.adapters.base import OrderLine, OrderStatus, Page, RemoteOrder, ShopAuth
from services.sync.adapters.lazada.client import LazadaClient
from services.sync.adapters.shop_settings import from_major, shop_currency

ORDER_PAGE = 100

PATH_ORDERS_GET = "/orders/get"
PATH_ORDER_GET = "/order/get"
PATH_ORDER_ITEMS = "/order/items/get"

ORDER_STATUS_MAP = {
    "unpaid": OrderStatus.CREATED,
    "pending": OrderStatus.PAID,
    "topack": OrderStatus.PAID,
    "packed": OrderStatus.PAID,
    "toship": OrderStatus.PAID,
    "ready_to_ship": OrderStatus.PAID,
    "shipping": OrderStatus.SHIPPED,
    "shipped": OrderStatus.SHIPPED,
    "delivered": OrderStatus.COMPLETED,
    "confirmed": OrderStatus.COMPLETED,
    "canceled": OrderStatus.CANCELLED,
    "returned": OrderStatus.CANCELLED,
    "failed": OrderStatus.CANCELLED,
    "lost": OrderStatus.CANCELLED,
}


def order_status(raw: Any) -> OrderStatus:
    return ORDER_STATUS_MAP.get(str(raw).lower(), OrderStatus.CREATED)


def parse_time(raw: Any) -> datetime | None:
    """Lazada's "2018-02-23 19:05:54 +0800" (or ISO 8601)."""
    if not raw:
        return None
    text = str(raw)
    try:
        return datetime.strptime(text, "%Y-%m-%d %H:%M:%S %z")
    except ValueError:
        try:
            parsed = datetime.fromisoformat(text)
        except ValueError:
            return None
        return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


def iso(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat(timespec="seconds")


class LazadaOrders:
    def __init__(self, client: LazadaClient) -> None:
        self._client = client

    async def list_orders(
        self, shop: ShopAuth, since: datetime, until: datetime, page_token: str = ""
    ) -> Page[RemoteOrder]:
        offset = int(page_token or 0)
        answer = await self._client.call(
            shop,
            "GET",
            PATH_ORDERS_GET,
            [
                ("update_after", iso(since)),
                ("update_before", iso(until)),
                ("sort_by", "updated_at"),
                ("sort_direction", "ASC"),
                ("limit", ORDER_PAGE),
                ("offset", offset),
            ],
        )
        headers = (answer.get("data") or {}).get("orders") or []
        orders = await asyncio.gather(*(self._with_lines(shop, o) for o in headers))
        token = str(offset + ORDER_PAGE) if len(headers) == ORDER_PAGE else ""
        return Page(list(orders), token)

    async def get_orders(self, shop: ShopAuth, order_ids: Sequence[str]) -> Sequence[RemoteOrder]:
        async def one(order_id: str) -> RemoteOrder:
            answer = await self._client.call(shop, "GET", PATH_ORDER_GET, [("order_id", order_id)])
            return await self._with_lines(shop, answer.get("data") or {})

        return list(await asyncio.gather(*(one(i) for i in order_ids)))

    async def _with_lines(self, shop: ShopAuth, header: Mapping[str, Any]) -> RemoteOrder:
        order_id = str(header["order_id"])
        answer = await self._client.call(shop, "GET", PATH_ORDER_ITEMS, [("order_id", order_id)])
        currency = shop_currency(shop)
        quantities: dict[str, int] = {}
        prices: dict[str, Any] = {}
        for item in answer.get("data") or []:
            sku = str(item.get("sku") or "")
            quantities[sku] = quantities.get(sku, 0) + 1
            prices.setdefault(sku, item.get("paid_price") or item.get("item_price"))
        statuses = header.get("statuses") or [""]
        created = parse_time(header.get("created_at"))
        return RemoteOrder(
            order_id=order_id,
            status=order_status(statuses[0]),
            lines=[OrderLine(s, q, from_major(prices[s], currency)) for s, q in quantities.items()],
            update_time=parse_time(header.get("updated_at")) or created or datetime.now(UTC),
            create_time=created,
        )
