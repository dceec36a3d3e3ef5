"""WooCommerce webhooks: verification and parsing (MARKETPLACES.md §6, `class-wc-webhook.php`).

`X-WC-Webhook-Signature` = base64(HMAC-SHA256(webhook secret, body bytes as sent)).
The body is the resource's REST representation; `X-WC-Webhook-Topic` names it:
`order.created`/`order.updated` -> an ORDER event (status mapped as in orders.py),
`product.updated` -> a PRODUCT event (SKU, stock and id of the product or variation
edited). Other topics are ignored. The gateway calls `verify`; `parse_webhook` only
parses. WooCommerce sends no shop id: `shop_id` is `X-WC-Webhook-Source` (the site's
home URL), which the gateway maps to the shop. Dedup by `X-WC-Webhook-Delivery-ID`
is approximate (⚠ §8.7: one-second resolution), so consumers also dedup by content.
"""

from __future__ import annotations

import hmac
from collections.abc import Mapping, Sequence

from services.common.platforms import Platform
from services.sync.adapters.base import WebhookEvent, WebhookKind
from services.sync.adapters.webhook_body import json_object
from services.sync.adapters.webhook_signatures import hmac_sha256_base64
from services.sync.adapters.woocommerce.orders import remote_order
from services.sync.adapters.woocommerce.validation import permanent

SIGNATURE_HEADER = "X-WC-Webhook-Signature"
TOPIC_HEADER = "X-WC-Webhook-Topic"
SOURCE_HEADER = "X-WC-Webhook-Source"


def sign(webhook_secret: str, raw_body: bytes) -> str:
    return hmac_sha256_base64(webhook_secret, raw_body)


def verify(webhook_secret: str, headers: Mapping[str, str], raw_body: bytes) -> bool:
    lowered = {k.lower(): v for k, v in headers.items()}
    given = lowered.get(SIGNATURE_HEADER.lower(), "")
    return bool(given) and hmac.compare_digest(given, sign(webhook_secret, raw_body))


def parse_webhook(headers: Mapping[str, str], raw_body: bytes) -> Sequence[WebhookEvent]:
    lowered = {k.lower(): v for k, v in headers.items()}
    topic = lowered.get(TOPIC_HEADER.lower(), "")
    shop_id = lowered.get(SOURCE_HEADER.lower(), "")
    if topic not in ("order.created", "order.updated", "product.updated"):
        return []
    body = json_object(Platform.WOOCOMMERCE, raw_body)
    try:
        if topic.startswith("order."):
            return [WebhookEvent(WebhookKind.ORDER, shop_id, order=remote_order(body))]
        stock = body.get("stock_quantity")
        return [
            WebhookEvent(
                WebhookKind.PRODUCT,
                shop_id,
                seller_sku=str(body.get("sku") or ""),
                stock=int(stock) if stock is not None else None,
                external_id=str(body["id"]),
            )
        ]
    except (KeyError, TypeError, ValueError) as exc:
        raise permanent(f"{topic} payload is malformed", "bad_webhook") from exc
