"""TikTok Shop webhooks (§2.5): parsing only (the gateway verifies `Authorization`).

Envelope `{"type", "tts_notification_id", "shop_id", "timestamp", "data"}`.
- type 1 ORDER_STATUS_CHANGE → an ORDER event (status only, no lines: fetch the order);
- types 5, 15, 16 (product status / information change / creation) → PRODUCT events;
- everything else is ignored.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import UTC, datetime

from services.common.platforms import Platform
from services.sync.adapters.base import RemoteOrder, WebhookEvent, WebhookKind
from services.sync.adapters.tiktok.orders import order_status
from services.sync.adapters.tiktok.validation import permanent
from services.sync.adapters.webhook_body import json_object

ORDER_STATUS_CHANGE = 1
PRODUCT_TYPES = {5, 15, 16}


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
    if kind in PRODUCT_TYPES:
        product_id = str(data.get("product_id") or "")
        return [WebhookEvent(WebhookKind.PRODUCT, shop_id, external_id=product_id)]
    return []
