"""Shopee push (MARKETPLACES.md §1.5) from the sandbox to the registered callback URL.

Code 3 (order status update) fires on every order status change, cancellations
included. Body as in the get_lost_push_message sample: `{"shop_id", "code": 3,
"timestamp", "data": {"items": [], "ordersn", "status", "completed_scenario": "",
"update_time"}}`. Header `Authorization` = lowercase hex HMAC-SHA256(partner_key,
callback URL + "|" + raw body), the official guide's form (§8.2: the congminh1254 SDK's
body-only form disagrees with the guide and is not used). A push counts as received
on a 2xx answer with an empty body. A subscription whose success rate falls under 30%
over more than 600 pushes in 6 h is disabled, and what it misses is not resent.

Seller-center edits of price or stock send nothing: the documented push codes for
stock (7 item promotion, 8 reserved stock change) are about promotions, not edits.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import time
from typing import Any

from sandbox import webhooks
from sandbox.state import Order, Shop

ORDER_STATUS_CODE = 3

# ⚠ Shopee's push timeout and per-type retry counts are on push-type pages we do not have
# (§1.5, §8.8). Chosen: answer within 3 s; 3 retries at +5 min, +15 min, +30 min.
# Documented: more than 600 pushes in the last 6 h with a success rate under 30% disables
# the subscription (⚠ "pushes" read as attempts, retries included).
POLICY = webhooks.RetryPolicy(
    delays=(300.0, 900.0, 1800.0),
    ack_timeout=3.0,
    empty_body=True,
    disable_below=webhooks.SuccessFloor(min_pushes=600, window=6 * 3600.0, rate=0.3),
)


def signature(partner_key: str, url: str, body: bytes) -> str:
    """`Authorization`: hex HMAC-SHA256(partner_key, url + "|" + raw body)."""
    message = url.encode() + b"|" + body
    return hmac.new(partner_key.encode(), message, hashlib.sha256).hexdigest()


def order_message(shop: Shop, order: Order) -> dict[str, Any]:
    return {
        "shop_id": shop.shop_id,
        "code": ORDER_STATUS_CODE,
        "timestamp": int(time.time()),
        "data": {
            "items": [],
            "ordersn": order.order_sn,
            "status": order.status,
            "completed_scenario": "",
            "update_time": order.update_time,
        },
    }


def send_order_push(shop: Shop, order: Order) -> None:
    body = json.dumps(order_message(shop, order), separators=(",", ":")).encode()
    headers = {
        "Content-Type": "application/json",
        "Authorization": signature(shop.credentials["partner_key"], shop.webhooks.url, body),
    }
    webhooks.send(shop, body, headers, POLICY, topic="order_status")
