"""Tokopedia webhooks: the order notification parsed into an ORDER event, and its check.

Verification (MARKETPLACES.md §3): header `Authorization-Hmac` = hex(HMAC-SHA256(
webhook_secret, raw body)). The gateway calls `verify`; `parse_webhook` only parses.
The body is an order like Get Single Order's (`order_id`, `order_status`, `products[]`,
`shop_id`, times); buyer PII in it is RSA-encrypted and not read here.
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Mapping, Sequence

from services.common.platforms import Platform
from services.sync.adapters.base import WebhookEvent, WebhookKind
from services.sync.adapters.tokopedia.orders import remote_order
from services.sync.adapters.tokopedia.validation import permanent
from services.sync.adapters.webhook_body import json_object

SIGNATURE_HEADER = "Authorization-Hmac"


def sign(webhook_secret: str, raw_body: bytes) -> str:
    return hmac.new(webhook_secret.encode(), raw_body, hashlib.sha256).hexdigest()


def verify(webhook_secret: str, headers: Mapping[str, str], raw_body: bytes) -> bool:
    lowered = {k.lower(): v for k, v in headers.items()}
    given = lowered.get(SIGNATURE_HEADER.lower(), "")
    return bool(given) and hmac.compare_digest(given.lower(), sign(webhook_secret, raw_body))


def parse_webhook(headers: Mapping[str, str], raw_body: bytes) -> Sequence[WebhookEvent]:
    body = json_object(Platform.TOKOPEDIA, raw_body)
    if "order_id" not in body:
        return []  # product, chat and campaign notifications are not read yet
    try:
        order = remote_order(body)
    except (KeyError, TypeError, ValueError) as exc:
        raise permanent("order notification is malformed", "bad_webhook") from exc
    return [WebhookEvent(WebhookKind.ORDER, str(body.get("shop_id") or ""), order=order)]
