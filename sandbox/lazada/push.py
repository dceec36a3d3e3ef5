"""Lazada push (LPM, MARKETPLACES.md §4.4) from the sandbox to a registered URL.

Body `{"seller_id", "message_type": 0, "data": {"order_status", "trade_order_id",
"trade_order_line_id", "status_update_time"}, "timestamp": <ms>, "site"}`, header
`Authorization` = lowercase hex HMAC-SHA256(app_secret, app_key + body). A delivery
that is not answered 200 within 500 ms is retried every 30 minutes, up to 12 times
(tests compress time with the webhook registration's `time_scale`).

message_type 6 (shallow stock) `data{seller_sku, sku_id, real_quantity,
withhold_quantity, occupy_quantity, pre_order_quantity, warehouse}` goes out when a
seller-center stock edit leaves sellable stock below the threshold (5 at the time of
writing, §4.4). ⚠ Whether a further drop below it fires again is not documented: the
sandbox sends on every drop that ends below the threshold.
"""

from __future__ import annotations

import json
import time
from typing import Any

from sandbox import webhooks
from sandbox.lazada.signing import push_signature
from sandbox.state import Model, Order, Shop

POLICY = webhooks.RetryPolicy(
    delays=(30 * 60.0,) * 12, ack_timeout=0.5, received=lambda status: status == 200
)


SHALLOW_STOCK_THRESHOLD = 5
# ⚠ The warehouse code of a single-warehouse seller is not documented; a placeholder.
WAREHOUSE = "dropshipping"


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


def send_order_push(shop: Shop, order: Order) -> None:
    for message in order_message(shop, order):
        _send(shop, message, "order")


def send_shallow_stock(shop: Shop, model: Model, before: int) -> bool:
    """message_type 6 when the SKU's stock dropped to below the threshold; True if queued."""
    if not model.stock < min(before, SHALLOW_STOCK_THRESHOLD):
        return False
    message = {
        "seller_id": str(shop.shop_id),
        "message_type": 6,
        "data": {
            "seller_sku": model.seller_sku,
            "sku_id": str(model.model_id),
            "real_quantity": model.stock,
            "withhold_quantity": 0,
            "occupy_quantity": 0,
            "pre_order_quantity": 0,
            "warehouse": WAREHOUSE,
        },
        "timestamp": int(time.time() * 1000),
        "site": "lazada_sg",
    }
    return _send(shop, message, "shallow_stock")


def _send(shop: Shop, message: dict[str, Any], topic: str) -> bool:
    body = json.dumps(message, separators=(",", ":")).encode()
    headers = {
        "Content-Type": "application/json",
        "Authorization": push_signature(
            shop.credentials["app_key"], shop.credentials["app_secret"], body
        ),
    }
    return webhooks.send(shop, body, headers, POLICY, topic=topic) is not None
