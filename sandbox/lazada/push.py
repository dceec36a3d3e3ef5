"""Lazada push (LPM, MARKETPLACES.md §4.4) from the sandbox to a registered URL.

Body `{"seller_id", "message_type": 0, "data": {"order_status", "trade_order_id",
"trade_order_line_id", "status_update_time"}, "timestamp": <ms>, "site"}`, header
`Authorization` = lowercase hex HMAC-SHA256(app_secret, app_key + body). A delivery
that is not answered 200 within 500 ms is retried every `retry_interval` seconds
(Lazada: 30 min), up to 12 times; tests compress the interval.
"""

from __future__ import annotations

import asyncio
import json
import time
from typing import Any

import httpx

from sandbox.lazada.signing import push_signature
from sandbox.state import Order, Shop

ACK_TIMEOUT = 0.5
RETRIES = 12
RETRY_INTERVAL = 30 * 60.0

_tasks: set[asyncio.Task[None]] = set()


def order_message(shop: Shop, order: Order) -> list[dict[str, Any]]:
    """One message per order line (trade_order_line_id), as Lazada pushes them."""
    return [
        {
            "seller_id": str(shop.shop_id),
            "message_type": 0,
            "data": {
                "order_status": order.status,
                "trade_order_id": order.order_sn,
                "trade_order_line_id": f"{order.order_sn}{n:02d}",
                "status_update_time": order.update_time,
            },
            "timestamp": int(time.time() * 1000),
            "site": "lazada_sg",
        }
        for n, _ in enumerate(order.lines, start=1)
    ]


async def _deliver(shop: Shop, url: str, body: bytes, interval: float) -> None:
    headers = {
        "Content-Type": "application/json",
        "Authorization": push_signature(
            shop.credentials["app_key"], shop.credentials["app_secret"], body
        ),
    }
    async with httpx.AsyncClient(timeout=ACK_TIMEOUT) as client:
        for attempt in range(RETRIES + 1):
            try:
                response = await client.post(url, content=body, headers=headers)
                if response.status_code == 200:
                    return
            except httpx.HTTPError:
                pass
            if attempt < RETRIES:
                await asyncio.sleep(interval)


def send_order_push(shop: Shop, order: Order, interval: float) -> None:
    if not shop.webhook_url:
        return
    for message in order_message(shop, order):
        body = json.dumps(message, separators=(",", ":")).encode()
        task = asyncio.create_task(_deliver(shop, shop.webhook_url, body, interval))
        _tasks.add(task)
        task.add_done_callback(_tasks.discard)
