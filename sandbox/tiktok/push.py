"""TikTok Shop webhooks (MARKETPLACES.md §2.5) from the sandbox to the registered URL.

Envelope `{"type", "tts_notification_id", "shop_id", "timestamp", "data"}`, header
`Authorization` = lowercase hex HMAC-SHA256(app_secret, app_key + raw body) (⚠ §8.1: the
official page gives no string-to-sign; this is the form both SDKs agree on). Received
means HTTP 200 (or 401, the receiver's auth failure) with an empty body within 3 s;
otherwise retries at +2 min, +30 min, +3 h and +12 h, then nothing.

- type 1 ORDER_STATUS_CHANGE `data{order_id, order_status, is_on_hold_order,
  update_time}` on every order status change. The webhook says CANCEL where the order
  APIs say CANCELLED (⚠ §2.4); the sandbox follows each.
- type 27 INVENTORY_STATUS_CHANGE `data{product_id, sku_id, trigger_reason{alert_type:
  REALTIME, low_stock_threshold}, current_inventory_status, inventory_distribution{...},
  update_time}` when a seller-center stock edit drops a SKU to LOW_STOCK or OUT_OF_STOCK.
  A price edit sends nothing: type 15 PRODUCT_INFORMATION_CHANGE lists no price field.
"""

from __future__ import annotations

import hashlib
import hmac
import itertools
import json
import time
from typing import Any

from sandbox import webhooks
from sandbox.state import Listing, Model, Order, Shop

ORDER_STATUS_CHANGE = 1
INVENTORY_STATUS_CHANGE = 27
# ⚠ The low-stock alert value is the seller's own setting; the sandbox uses 5.
LOW_STOCK_THRESHOLD = 5

POLICY = webhooks.RetryPolicy(
    delays=(120.0, 1800.0, 3 * 3600.0, 12 * 3600.0),
    ack_timeout=3.0,
    received=lambda status: status in (200, 401),
    empty_body=True,
)

_notification_ids = itertools.count(7_327_112_393_057_371_910)


def signature(app_key: str, app_secret: str, body: bytes) -> str:
    """`Authorization`: hex HMAC-SHA256(app_secret, app_key + raw body)."""
    return hmac.new(app_secret.encode(), app_key.encode() + body, hashlib.sha256).hexdigest()


def webhook_status(order: Order) -> str:
    return "CANCEL" if order.status == "CANCELLED" else order.status


def inventory_status(stock: int) -> str:
    if stock <= 0:
        return "OUT_OF_STOCK"
    return "LOW_STOCK" if stock <= LOW_STOCK_THRESHOLD else "SUFFICIENT_STOCK"


def envelope(shop: Shop, kind: int, data: dict[str, Any]) -> dict[str, Any]:
    return {
        "type": kind,
        "tts_notification_id": str(next(_notification_ids)),
        "shop_id": str(shop.shop_id),
        "timestamp": int(time.time()),
        "data": data,
    }


def send_order_status(shop: Shop, order: Order) -> None:
    data = {
        "order_id": order.order_sn,
        "order_status": webhook_status(order),
        "is_on_hold_order": False,
        "update_time": order.update_time,
    }
    _send(shop, envelope(shop, ORDER_STATUS_CHANGE, data), "order_status_change")


def send_inventory_status(shop: Shop, listing: Listing, model: Model, before: int) -> bool:
    """Type 27 when the SKU's stock has just dropped to LOW_STOCK / OUT_OF_STOCK."""
    now, was = inventory_status(model.stock), inventory_status(before)
    if now == "SUFFICIENT_STOCK" or now == was or model.stock > before:
        return False
    data = {
        "product_id": str(listing.item_id),
        "sku_id": str(model.model_id),
        "trigger_reason": {"alert_type": "REALTIME", "low_stock_threshold": LOW_STOCK_THRESHOLD},
        "current_inventory_status": now,
        "inventory_distribution": {
            "total_quantity": model.stock,
            "available_quantity": model.stock,
            "creator_reserved_quantity": 0,
            "campaign_reserved_quantity": 0,
            "committed_quantity": 0,
        },
        "update_time": listing.update_time,
    }
    return _send(shop, envelope(shop, INVENTORY_STATUS_CHANGE, data), "inventory_status_change")


def _send(shop: Shop, message: dict[str, Any], topic: str) -> bool:
    body = json.dumps(message, separators=(",", ":")).encode()
    key, secret = shop.credentials["app_key"], shop.credentials["app_secret"]
    headers = {"Content-Type": "application/json", "Authorization": signature(key, secret, body)}
    return webhooks.send(shop, body, headers, POLICY, topic=topic) is not None
