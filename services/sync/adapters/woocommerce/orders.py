"""WooCommerce orders: `GET /orders` in a creation-time window, paged, and by id.

`after`/`before` are ISO 8601 with `dates_are_gmt=true` (otherwise core reads them in
the site's time zone); pages of 100 follow `X-WP-TotalPages`. ⚠ The window filters
on creation time: status changes of older orders come from webhooks or get_orders
(core also has `modified_after`, not used here).

Statuses (core's order statuses; no "shipped" in core — `completed` means fulfilled):
pending, on-hold, checkout-draft -> CREATED; processing -> PAID; completed ->
COMPLETED; cancelled, refunded, failed, trash -> CANCELLED.
"""

from __future__ import annotations

import asyncio
from collections.abc import Mapping, Sequence
from datetime import UTC, datetime
from typing import Any

from services.sync.adapters.base import OrderLine, OrderStatus, Page, RemoteOrder, ShopAuth
from services.sync.adapters.woocommerce.client import PAGE_SIZE, WooCommerceClient, total_pages
from services.sync.adapters.woocommerce.validation import to_money

STATUSES = {
    "pending": OrderStatus.CREATED,
    "on-hold": OrderStatus.CREATED,
    "checkout-draft": OrderStatus.CREATED,
    "processing": OrderStatus.PAID,
    "completed": OrderStatus.COMPLETED,
    "cancelled": OrderStatus.CANCELLED,
    "refunded": OrderStatus.CANCELLED,
    "failed": OrderStatus.CANCELLED,
    "trash": OrderStatus.CANCELLED,
}


def wc_time(moment: datetime) -> str:
    """ISO 8601 in UTC without offset, as core's `*_gmt` fields and filters use."""
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S")


def parse_gmt(raw: Any) -> datetime | None:
    if not raw:
        return None
    return datetime.fromisoformat(str(raw)).replace(tzinfo=UTC)


def remote_order(o: Mapping[str, Any]) -> RemoteOrder:
    currency = str(o.get("currency") or "")
    lines = [
        OrderLine(
            seller_sku=str(item.get("sku") or ""),
            quantity=int(item.get("quantity") or 0),
            price=to_money(item.get("price"), currency),
        )
        for item in o.get("line_items") or []
    ]
    created = parse_gmt(o.get("date_created_gmt"))
    updated = parse_gmt(o.get("date_modified_gmt")) or created or datetime.now(UTC)
    return RemoteOrder(
        order_id=str(o["id"]),
        status=STATUSES.get(str(o.get("status") or ""), OrderStatus.CREATED),
        lines=lines,
        update_time=updated,
        create_time=created,
    )


class WooCommerceOrders:
    def __init__(self, client: WooCommerceClient) -> None:
        self._client = client

    async def list_orders(
        self, shop: ShopAuth, since: datetime, until: datetime, page_token: str = ""
    ) -> Page[RemoteOrder]:
        page = int(page_token or 1)
        reply = await self._client.call(
            shop,
            "GET",
            "/orders",
            params=[
                ("after", wc_time(since)),
                ("before", wc_time(until)),
                ("dates_are_gmt", "true"),
                ("per_page", PAGE_SIZE),
                ("page", page),
                ("orderby", "id"),
                ("order", "asc"),
            ],
        )
        more = page < total_pages(reply.headers)
        return Page([remote_order(o) for o in reply.payload], str(page + 1) if more else "")

    async def get_orders(self, shop: ShopAuth, order_ids: Sequence[str]) -> Sequence[RemoteOrder]:
        async def one(order_id: str) -> RemoteOrder:
            reply = await self._client.call(shop, "GET", f"/orders/{int(order_id)}")
            return remote_order(reply.payload)

        return list(await asyncio.gather(*(one(i) for i in order_ids)))
