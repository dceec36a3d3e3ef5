"""Shopee push (MARKETPLACES.md §1.5): verification and parsing into events.

`verify`: header `Authorization` = hex HMAC-SHA256(partner_key, callback URL + "|" + raw
body), the official push guide's form. ⚠ §8.2: the congminh1254 SDK signs the body alone
(and strips a "SHA256 " prefix); it disagrees with the guide, so we follow the guide.
The URL is the callback URL exactly as registered with Shopee (the one Shopee called),
not one rebuilt from the request, which a proxy may have rewritten. Lowercase hex only:
the official demos compare with `!=` against a lowercase hexdigest. The gateway calls
`verify`; `parse_webhook` only parses.

Push codes read (§1.5; a push "only notifies you that data … has changed", so the
consumer reads the current state from the API):
- 3 order status update → an ORDER event (status only, no lines: fetch the order);
- 7 item promotion ("fires when promotions affect stock") and 8 reserved stock change →
  a STOCK event with no quantity (re-read the item's stock);
- 6 banned item → a PRODUCT event.
⚠ The push-type pages with the payloads of codes 6, 7 and 8 were not available: their
`data.item_id` becomes `external_id` when present, else the event names only the shop.
Other codes are ignored. A manual stock edit in the seller center sends no push.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import UTC, datetime

from services.common.platforms import Platform
from services.sync.adapters.base import RemoteOrder, WebhookEvent, WebhookKind
from services.sync.adapters.shopee.orders import order_status
from services.sync.adapters.webhook_body import json_object
from services.sync.adapters.webhook_signatures import hmac_sha256_hex, verify_hex

SIGNATURE_HEADER = "Authorization"
ORDER_STATUS_UPDATE = 3
BANNED_ITEM = 6
STOCK_CODES = {7, 8}  # item promotion, reserved stock change


def base_string(callback_url: str, raw_body: bytes) -> bytes:
    return callback_url.encode() + b"|" + raw_body


def sign(partner_key: str, callback_url: str, raw_body: bytes) -> str:
    return hmac_sha256_hex(partner_key, base_string(callback_url, raw_body))


def verify(
    partner_key: str, callback_url: str, headers: Mapping[str, str], raw_body: bytes
) -> bool:
    """Whether `Authorization` signs `callback_url|raw_body` with the partner key."""
    message = base_string(callback_url, raw_body)
    return verify_hex(partner_key, message, headers, SIGNATURE_HEADER)


def parse_webhook(headers: Mapping[str, str], raw_body: bytes) -> Sequence[WebhookEvent]:
    body = json_object(Platform.SHOPEE, raw_body, "push")
    data = body.get("data") or {}
    if not isinstance(data, dict):
        data = {}
    shop_id = str(body.get("shop_id") or "")
    code = body.get("code")
    if code in STOCK_CODES or code == BANNED_ITEM:
        kind = WebhookKind.PRODUCT if code == BANNED_ITEM else WebhookKind.STOCK
        return [WebhookEvent(kind, shop_id, external_id=str(data.get("item_id") or ""))]
    if code != ORDER_STATUS_UPDATE:
        return []
    order = RemoteOrder(
        order_id=str(data.get("ordersn") or ""),
        status=order_status(data.get("status")),
        lines=[],
        update_time=datetime.fromtimestamp(
            int(data.get("update_time") or body.get("timestamp") or 0), UTC
        ),
    )
    return [WebhookEvent(WebhookKind.ORDER, shop_id, order=order)]
