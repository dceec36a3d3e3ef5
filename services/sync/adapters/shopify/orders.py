"""Shopify orders: `orders(query: "updated_at:>=… AND updated_at:<=…", sortKey:
UPDATED_AT)` by cursor, and by id (`id:1 OR id:2`); line items beyond the first 25
of an order are read with order(id) pages.

Status: cancelledAt set → CANCELLED; fulfilled → SHIPPED; financial status PAID (or
partially refunded / refunded after payment) → PAID; else CREATED (`orders/create` does
not mean paid, MARKETPLACES.md §5). Order ids are the Admin API gids.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import UTC, datetime
from typing import Any

from services.sync.adapters.base import OrderLine, OrderStatus, Page, RemoteOrder, ShopAuth
from services.sync.adapters.shopify import documents as docs
from services.sync.adapters.shopify.client import ShopifyClient
from services.sync.adapters.shopify.validation import to_money

PAID = {"PAID", "PARTIALLY_REFUNDED", "REFUNDED", "PARTIALLY_PAID"}


def order_status(financial: Any, fulfillment: Any, cancelled_at: Any) -> OrderStatus:
    if cancelled_at:
        return OrderStatus.CANCELLED
    if str(fulfillment or "").upper() == "FULFILLED":
        return OrderStatus.SHIPPED
    if str(financial or "").upper() in PAID:
        return OrderStatus.PAID
    return OrderStatus.CREATED


def parse_time(raw: Any) -> datetime | None:
    if not raw:
        return None
    try:
        moment = datetime.fromisoformat(str(raw).replace("Z", "+00:00"))
    except ValueError:
        return None
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def iso(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def order_number(order_id: str) -> str:
    return order_id.rsplit("/", 1)[-1]


class ShopifyOrders:
    def __init__(self, client: ShopifyClient) -> None:
        self._client = client

    async def list_orders(
        self, shop: ShopAuth, since: datetime, until: datetime, page_token: str = ""
    ) -> Page[RemoteOrder]:
        query = f"updated_at:>='{iso(since)}' AND updated_at:<='{iso(until)}'"
        return await self._page(shop, query, page_token)

    async def get_orders(self, shop: ShopAuth, order_ids: Sequence[str]) -> Sequence[RemoteOrder]:
        out: list[RemoteOrder] = []
        ids = [order_number(i) for i in order_ids]
        for start in range(0, len(ids), docs.ORDERS_PAGE):
            chunk = ids[start : start + docs.ORDERS_PAGE]
            page = await self._page(shop, " OR ".join(f"id:{i}" for i in chunk), "")
            out += page.items
        wanted = {order_number(i) for i in order_ids}
        return [o for o in out if order_number(o.order_id) in wanted]

    async def _page(self, shop: ShopAuth, query: str, after: str) -> Page[RemoteOrder]:
        variables = {"query": query, "after": after or None}
        data = await self._client.graphql(shop, docs.ORDERS, variables)
        connection = data.get("orders") or {}
        orders = [await self._order(shop, node) for node in connection.get("nodes") or []]
        page = connection.get("pageInfo") or {}
        token = str(page.get("endCursor") or "") if page.get("hasNextPage") else ""
        return Page(orders, token)

    async def _order(self, shop: ShopAuth, node: Mapping[str, Any]) -> RemoteOrder:
        lines_connection = node.get("lineItems") or {}
        raw_lines = list(lines_connection.get("nodes") or [])
        page = lines_connection.get("pageInfo") or {}
        after = page.get("endCursor") if page.get("hasNextPage") else None
        while after:
            data = await self._client.graphql(
                shop, docs.ORDER_LINES_DOC, {"id": node["id"], "after": after}
            )
            more = ((data.get("order") or {}).get("lineItems")) or {}
            raw_lines += more.get("nodes") or []
            info = more.get("pageInfo") or {}
            after = info.get("endCursor") if info.get("hasNextPage") else None
        quantities: dict[str, int] = {}
        prices: dict[str, Any] = {}
        for line in raw_lines:
            sku = str(line.get("sku") or "")
            quantities[sku] = quantities.get(sku, 0) + int(line.get("quantity") or 0)
            money = ((line.get("originalUnitPriceSet") or {}).get("shopMoney")) or {}
            prices.setdefault(sku, (money.get("amount"), money.get("currencyCode")))
        created = parse_time(node.get("createdAt"))
        return RemoteOrder(
            order_id=str(node.get("id") or ""),
            status=order_status(
                node.get("displayFinancialStatus"),
                node.get("displayFulfillmentStatus"),
                node.get("cancelledAt"),
            ),
            lines=[
                OrderLine(s, q, to_money(prices[s][0], str(prices[s][1] or "")))
                for s, q in quantities.items()
            ],
            update_time=parse_time(node.get("updatedAt")) or created or datetime.now(UTC),
            create_time=created,
        )
