"""Tokopedia webhooks: the order notification parsed into an ORDER event, and its check.

Verification (MARKETPLACES.md §3): header `Authorization-Hmac` = hex(HMAC-SHA256(
webhook_secret, raw body)). The gateway calls `verify`; `parse_webhook` only parses.
The body is an order like Get Single Order's (`order_id`, `order_status`, `products[]`,
`shop_id`, times); buyer PII in it is RSA-encrypted and not read here.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from services.common.platforms import Platform
from services.sync.adapters.base import WebhookEvent, WebhookKind
from services.sync.adapters.tokopedia.orders import remote_order
from services.sync.adapters.tokopedia.validation import permanent
from services.sync.adapters.webhook_body import json_object
from services.sync.adapters.webhook_signatures import hmac_sha256_hex, verify_hex

SIGNATURE_HEADER = "Authorization-Hmac"


def sign(webhook_secret: str, raw_body: bytes) -> str:
    return hmac_sha256_hex(webhook_secret, raw_body)


def verify(webhook_secret: str, headers: Mapping[str, str], raw_body: bytes) -> bool:
    """Whether `Authorization-Hmac` signs the raw body with the webhook secret."""
    # The webhook-security page says "hex" without a case: either case is accepted.
    return verify_hex(webhook_secret, raw_body, headers, SIGNATURE_HEADER, any_case=True)


def parse_webhook(headers: Mapping[str, str], raw_body: bytes) -> Sequence[WebhookEvent]:
    body = json_object(Platform.TOKOPEDIA, raw_body)
    if "order_id" not in body:
        return []  # product, chat and campaign notifications are not read yet
    try:
        order = remote_order(body)
    except (KeyError, TypeError, ValueError) as exc:
        raise permanent("order notification is malformed", "bad_webhook") from exc
    return [WebhookEvent(WebhookKind.ORDER, str(body.get("shop_id") or ""), order=order)]
