"""Lazada push (LPM, MARKETPLACES.md §4.4): verification and parsing into events.

`verify`: header `Authorization` = HEX(HMAC-SHA256(app_secret, app_key + raw body)).
⚠ §8.4: API signs are uppercase hex but the push sample's `byteArraytoHexString` gives
lowercase; we follow the push sample and accept lowercase only. The gateway calls
`verify`; `parse_webhook` only parses.

- message_type 0 (trade order) → an ORDER event. Lines are not in the push (fetch them
  with get_orders). Dedup key: trade_order_id + trade_order_line_id + status. ⚠
  `timestamp` is ms in trade-order samples; status_update_time is taken as seconds, or
  ms when it is too large for seconds.
- message_type 3 (product update) → one PRODUCT event per SKU of `data.sku_list`
  (seller SKU, the item id as `external_id`).
- message_type 6 (shallow stock: sellable stock fell below the threshold) → a STOCK
  event: the seller SKU, `stock` = sellable = real − withhold − occupy, `external_id`
  the `sku_id`.
Other message types are ignored.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import UTC, datetime
from typing import Any

from services.common.platforms import Platform
from services.sync.adapters.base import RemoteOrder, WebhookEvent, WebhookKind
from services.sync.adapters.lazada.orders import order_status
from services.sync.adapters.lazada.validation import permanent
from services.sync.adapters.webhook_body import json_object
from services.sync.adapters.webhook_signatures import hmac_sha256_hex, verify_hex

SIGNATURE_HEADER = "Authorization"
TRADE_ORDER = 0
PRODUCT_UPDATE = 3
SHALLOW_STOCK = 6


def sign(app_key: str, app_secret: str, raw_body: bytes) -> str:
    return hmac_sha256_hex(app_secret, app_key.encode() + raw_body)


def verify(app_key: str, app_secret: str, headers: Mapping[str, str], raw_body: bytes) -> bool:
    """Whether `Authorization` signs `app_key + raw_body` with the app secret."""
    return verify_hex(app_secret, app_key.encode() + raw_body, headers, SIGNATURE_HEADER)


def _moment(raw: object) -> datetime:
    value = int(str(raw or 0))
    return datetime.fromtimestamp(value / 1000 if value > 10**11 else value, UTC)


def _order_event(seller_id: str, body: Mapping[str, Any], data: Mapping[str, Any]) -> WebhookEvent:
    try:
        update_time = _moment(data.get("status_update_time") or body.get("timestamp"))
    except ValueError as exc:
        raise permanent("push has no usable time", "bad_push") from exc
    order = RemoteOrder(
        order_id=str(data.get("trade_order_id") or ""),
        status=order_status(data.get("order_status")),
        lines=[],
        update_time=update_time,
    )
    return WebhookEvent(WebhookKind.ORDER, seller_id, order=order)


def _product_events(seller_id: str, data: Mapping[str, Any]) -> list[WebhookEvent]:
    item_id = str(data.get("item_id") or "")
    skus = data.get("sku_list") or []
    if not isinstance(skus, list) or not all(isinstance(s, dict) for s in skus):
        raise permanent("product update push is malformed", "bad_push")
    events = [
        WebhookEvent(
            WebhookKind.PRODUCT,
            seller_id,
            seller_sku=str(s.get("seller_sku") or ""),
            external_id=item_id,
        )
        for s in skus
    ]
    return events or [WebhookEvent(WebhookKind.PRODUCT, seller_id, external_id=item_id)]


def _stock_event(seller_id: str, data: Mapping[str, Any]) -> WebhookEvent:
    real = data.get("real_quantity")
    try:
        held = sum(int(data.get(name) or 0) for name in ("withhold_quantity", "occupy_quantity"))
        sellable = int(real) - held if real is not None else None
    except (TypeError, ValueError) as exc:
        raise permanent("shallow stock push is malformed", "bad_push") from exc
    return WebhookEvent(
        WebhookKind.STOCK,
        seller_id,
        seller_sku=str(data.get("seller_sku") or ""),
        stock=sellable,
        external_id=str(data.get("sku_id") or ""),
    )


def parse_webhook(headers: Mapping[str, str], raw_body: bytes) -> Sequence[WebhookEvent]:
    body = json_object(Platform.LAZADA, raw_body, "push")
    data = body.get("data") or {}
    if not isinstance(data, dict):
        raise permanent("push data is not a JSON object", "bad_push")
    seller_id = str(body.get("seller_id") or "")
    kind = body.get("message_type")
    if kind == TRADE_ORDER:
        return [_order_event(seller_id, body, data)]
    if kind == PRODUCT_UPDATE:
        return _product_events(seller_id, data)
    if kind == SHALLOW_STOCK:
        return [_stock_event(seller_id, data)]
    return []
