"""Shopify webhooks (MARKETPLACES.md §5): verification and parsing into events.

`verify_webhook`: X-Shopify-Hmac-Sha256 is the base64 HMAC-SHA256 of the raw body with
the app's client secret (compare before parsing; after a secret rotation Shopify may
sign with the old secret for an hour, so callers may try both). Header names are
case-insensitive. Dedup key: X-Shopify-Webhook-Id (`delivery_id`); X-Shopify-Event-Id
groups the deliveries of one merchant action. Delivery order is not guaranteed
(`orders/paid` may come before `orders/create`): each event carries the order's
`updated_at` so the consumer keeps the newest.

Topics: orders/create|paid|cancelled|fulfilled|updated → ORDER; inventory_levels/update
→ STOCK (the body has only the inventory item: the SKU is filled in when this adapter
has seen the item, else empty, with the item's gid as external_id); products/update →
one PRODUCT event per variant (SKU, stock, the product's gid). Others are ignored.
"""

from __future__ import annotations

import hmac
from collections.abc import Callable, Mapping, Sequence
from datetime import UTC, datetime
from typing import Any

from services.common.platforms import Platform
from services.sync.adapters.base import OrderLine, RemoteOrder, WebhookEvent, WebhookKind
from services.sync.adapters.shopify.orders import order_status, parse_time
from services.sync.adapters.shopify.validation import to_money
from services.sync.adapters.webhook_body import json_object
from services.sync.adapters.webhook_signatures import hmac_sha256_base64

ORDER_TOPICS = {"orders/create", "orders/paid", "orders/cancelled", "orders/fulfilled",
                "orders/updated"}  # fmt: skip


def verify_webhook(raw_body: bytes, signature: str, client_secret: str) -> bool:
    return hmac.compare_digest(hmac_sha256_base64(client_secret, raw_body), signature or "")


def lower(headers: Mapping[str, str]) -> dict[str, str]:
    return {k.lower(): v for k, v in headers.items()}


def delivery_id(headers: Mapping[str, str]) -> str:
    return lower(headers).get("x-shopify-webhook-id", "")


def _gid(kind: str, body: Mapping[str, Any], key: str = "id") -> str:
    given = body.get("admin_graphql_api_id")
    if key == "id" and isinstance(given, str) and given:
        return given
    return f"gid://shopify/{kind}/{body.get(key)}"


def _order(body: Mapping[str, Any]) -> RemoteOrder:
    currency = str(body.get("currency") or "")
    quantities: dict[str, int] = {}
    prices: dict[str, Any] = {}
    for item in body.get("line_items") or []:
        sku = str(item.get("sku") or "")
        quantities[sku] = quantities.get(sku, 0) + int(item.get("quantity") or 0)
        prices.setdefault(sku, item.get("price"))
    created = parse_time(body.get("created_at"))
    return RemoteOrder(
        order_id=_gid("Order", body),
        status=order_status(
            body.get("financial_status"), body.get("fulfillment_status"), body.get("cancelled_at")
        ),
        lines=[OrderLine(s, q, to_money(prices[s], currency)) for s, q in quantities.items()],
        update_time=parse_time(body.get("updated_at")) or created or datetime.now(UTC),
        create_time=created,
    )


def parse_webhook(
    headers: Mapping[str, str],
    raw_body: bytes,
    sku_of_item: Callable[[str, str], str] = lambda shop, item: "",
) -> Sequence[WebhookEvent]:
    """Events of one delivery; `sku_of_item(shop_domain, item_gid)` names a stock SKU."""
    named = lower(headers)
    topic = named.get("x-shopify-topic", "")
    shop = named.get("x-shopify-shop-domain", "")
    body = json_object(Platform.SHOPIFY, raw_body)
    if topic in ORDER_TOPICS:
        return [WebhookEvent(WebhookKind.ORDER, shop, order=_order(body))]
    if topic == "inventory_levels/update":
        item = f"gid://shopify/InventoryItem/{body.get('inventory_item_id')}"
        available = body.get("available")
        return [
            WebhookEvent(
                WebhookKind.STOCK,
                shop,
                seller_sku=sku_of_item(shop, item),
                stock=int(available) if available is not None else None,
                external_id=item,
            )
        ]
    if topic == "products/update":
        product = _gid("Product", body)
        events = []
        for v in body.get("variants") or []:
            quantity = v.get("inventory_quantity")
            events.append(
                WebhookEvent(
                    WebhookKind.PRODUCT,
                    shop,
                    seller_sku=str(v.get("sku") or ""),
                    stock=int(quantity) if quantity is not None else None,
                    external_id=product,
                )
            )
        return events or [WebhookEvent(WebhookKind.PRODUCT, shop, external_id=product)]
    return []
