"""Shopify webhooks from the sandbox (MARKETPLACES.md §5, shopify.dev delivery-structure).

Bodies are the REST-shaped JSON Shopify sends. Headers: X-Shopify-Topic,
X-Shopify-Hmac-Sha256 (base64 HMAC-SHA256 of the raw body with the app's client
secret), X-Shopify-Shop-Domain, X-Shopify-API-Version, X-Shopify-Webhook-Id (one per
delivery, kept across its retries), X-Shopify-Event-Id (shared by every delivery the
same merchant action produces), X-Shopify-Triggered-At. A delivery not answered 2xx
within 5 s is retried 8 times over about 4 hours with exponential backoff (⚠ the exact
schedule is not published: 1 min doubling, the last delay filling the 4 h); tests
compress the time with the webhook registration's `time_scale`.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import time
import uuid
from typing import Any

from sandbox import webhooks
from sandbox.shopify.nodes import money
from sandbox.shopify.store import extras, gid, iso, order_status
from sandbox.state import Listing, Model, Order, Shop

API_VERSION = "2026-07"
DELAYS = (60.0, 120.0, 240.0, 480.0, 960.0, 1920.0, 3840.0, 6780.0)  # sum: 4 h
POLICY = webhooks.RetryPolicy(delays=DELAYS, ack_timeout=5.0)


def webhook_hmac(client_secret: str, body: bytes) -> str:
    digest = hmac.new(client_secret.encode(), body, hashlib.sha256).digest()
    return base64.b64encode(digest).decode()


def send(shop: Shop, topic: str, payload: dict[str, Any], event_id: str) -> None:
    body = json.dumps(payload, separators=(",", ":")).encode()
    triggered = time.time()
    headers = {
        "Content-Type": "application/json",
        "X-Shopify-Topic": topic,
        "X-Shopify-Hmac-Sha256": webhook_hmac(shop.credentials["client_secret"], body),
        "X-Shopify-Shop-Domain": shop.credentials["shop_domain"],
        "X-Shopify-API-Version": API_VERSION,
        "X-Shopify-Webhook-Id": str(uuid.uuid4()),
        "X-Shopify-Event-Id": event_id,
        "X-Shopify-Triggered-At": time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(triggered))
        + f".{int(triggered % 1 * 1000):03d}Z",
    }
    webhooks.send(shop, body, headers, POLICY, topic=topic)


def new_event() -> str:
    return str(uuid.uuid4())


def order_payload(shop: Shop, order: Order) -> dict[str, Any]:
    status = order_status(shop, order)
    number = int(order.order_sn)
    return {
        "id": number,
        "admin_graphql_api_id": gid("Order", number),
        "name": f"#{order.order_sn}",
        "created_at": iso(order.create_time),
        "updated_at": iso(order.update_time),
        "cancelled_at": iso(status["cancelled_at"]) if status["cancelled_at"] else None,
        "financial_status": str(status["financial"]).lower(),
        "fulfillment_status": "fulfilled" if status["fulfillment"] == "FULFILLED" else None,
        "currency": shop.currency,
        "line_items": [
            {
                "id": number * 100 + n,
                "sku": line.seller_sku,
                "quantity": line.quantity,
                "price": money(line.price),
                "variant_id": line.model_id,
                "product_id": line.item_id,
            }
            for n, line in enumerate(order.lines, start=1)
        ],
    }


def inventory_payload(shop: Shop, model: Model, updated: float) -> dict[str, Any]:
    location_id = extras(shop).location_id
    return {
        "inventory_item_id": model.model_id,
        "location_id": location_id,
        "available": model.stock,
        "updated_at": iso(updated),
        "admin_graphql_api_id": gid(
            "InventoryLevel", f"{model.model_id}?inventory_item_id={model.model_id}"
        ),
    }


def product_payload(listing: Listing) -> dict[str, Any]:
    return {
        "id": listing.item_id,
        "admin_graphql_api_id": gid("Product", listing.item_id),
        "title": listing.name,
        "updated_at": iso(listing.update_time),
        "variants": [
            {
                "id": m.model_id,
                "admin_graphql_api_id": gid("ProductVariant", m.model_id),
                "product_id": listing.item_id,
                "sku": m.seller_sku,
                "price": money(m.price),
                "inventory_quantity": m.stock,
                "inventory_item_id": m.model_id,
            }
            for m in listing.models
        ],
    }


def send_order(shop: Shop, topic: str, order: Order, event_id: str) -> None:
    send(shop, topic, order_payload(shop, order), event_id)


def send_inventory(shop: Shop, model: Model, event_id: str) -> None:
    send(shop, "inventory_levels/update", inventory_payload(shop, model, time.time()), event_id)


def send_product(shop: Shop, listing: Listing, event_id: str) -> None:
    send(shop, "products/update", product_payload(listing), event_id)
