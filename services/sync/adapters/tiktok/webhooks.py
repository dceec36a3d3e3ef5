"""TikTok Shop webhooks (MARKETPLACES.md §2.5): verification and parsing into events.

`verify`: header `Authorization` = lowercase hex HMAC-SHA256(app_secret, app_key + raw
body), no "Bearer" prefix. ⚠ §8.1: the official page gives no string-to-sign for
webhooks; this is the form two independent SDKs (EcomPHP, tiktok-shop-api) and hookdeck
agree on, and both SDKs compare the lowercase hexdigest exactly, so uppercase is refused.
The gateway calls `verify`; `parse_webhook` only parses.

Envelope `{"type", "tts_notification_id", "shop_id", "timestamp", "data"}`.
- type 1 ORDER_STATUS_CHANGE → an ORDER event (status only, no lines: fetch the order);
- type 27 INVENTORY_STATUS_CHANGE → a STOCK event: `stock` is
  `inventory_distribution.available_quantity`, `external_id` the SKU's `sku_id` (the
  variant id `get_listing` reports); the body names no seller SKU, so `seller_sku` is
  empty and the consumer maps the sku_id. TikTok sends it on low / out-of-stock alerts,
  not on every change;
- types 5, 15, 16 (product status / information change / creation) → PRODUCT events;
- everything else is ignored (⚠ 71 INVENTORY_CHANGED_BY_SHOP is only in the
  tiktok-shop-api models, not in the scraped docs).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import UTC, datetime
from typing import Any

from services.common.platforms import Platform
from services.sync.adapters.base import RemoteOrder, WebhookEvent, WebhookKind
from services.sync.adapters.tiktok.orders import order_status
from services.sync.adapters.tiktok.validation import permanent
from services.sync.adapters.webhook_body import json_object
from services.sync.adapters.webhook_signatures import hmac_sha256_hex, verify_hex

SIGNATURE_HEADER = "Authorization"
ORDER_STATUS_CHANGE = 1
INVENTORY_STATUS_CHANGE = 27
PRODUCT_TYPES = {5, 15, 16}


def sign(app_key: str, app_secret: str, raw_body: bytes) -> str:
    return hmac_sha256_hex(app_secret, app_key.encode() + raw_body)


def verify(app_key: str, app_secret: str, headers: Mapping[str, str], raw_body: bytes) -> bool:
    """Whether `Authorization` signs `app_key + raw_body` with the app secret."""
    return verify_hex(app_secret, app_key.encode() + raw_body, headers, SIGNATURE_HEADER)


def _stock_event(shop_id: str, data: Mapping[str, Any]) -> WebhookEvent:
    distribution = data.get("inventory_distribution") or {}
    try:
        available = distribution.get("available_quantity")
        stock = int(available) if available is not None else None
    except (AttributeError, TypeError, ValueError) as exc:
        raise permanent("inventory status change is malformed", "bad_webhook") from exc
    return WebhookEvent(
        WebhookKind.STOCK, shop_id, stock=stock, external_id=str(data.get("sku_id") or "")
    )


def parse_webhook(headers: Mapping[str, str], raw_body: bytes) -> Sequence[WebhookEvent]:
    body = json_object(Platform.TIKTOK_SHOP, raw_body)
    if not isinstance(body.get("data") or {}, dict):
        raise permanent("webhook body is not a JSON object", "bad_webhook")
    data = body.get("data") or {}
    shop_id = str(body.get("shop_id") or "")
    kind = body.get("type")
    if kind == ORDER_STATUS_CHANGE:
        order = RemoteOrder(
            order_id=str(data.get("order_id") or ""),
            status=order_status(data.get("order_status")),
            lines=[],
            update_time=datetime.fromtimestamp(
                int(data.get("update_time") or body.get("timestamp") or 0), UTC
            ),
        )
        return [WebhookEvent(WebhookKind.ORDER, shop_id, order=order)]
    if kind == INVENTORY_STATUS_CHANGE:
        return [_stock_event(shop_id, data)]
    if kind in PRODUCT_TYPES:
        product_id = str(data.get("product_id") or "")
        return [WebhookEvent(WebhookKind.PRODUCT, shop_id, external_id=product_id)]
    return []
