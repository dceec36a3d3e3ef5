"""Lazada push (LPM, §4.4): message_type 0 (trade order) becomes an ORDER event.

The gateway verifies `Authorization` (lowercase hex HMAC-SHA256(app_secret, app_key +
raw body)) before calling this; here we only parse. Lines are not in the push (fetch
them with get_orders). Dedup key: trade_order_id + trade_order_line_id + status.
⚠ `timestamp` is ms in trade-order samples; status_update_time is taken as seconds,
or ms when it is too large for seconds.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import UTC, datetime

from services.common.platforms import Platform
from services.sync.adapters.base import RemoteOrder, WebhookEvent, WebhookKind
from services.sync.adapters.lazada.orders import order_status
from services.sync.adapters.lazada.validation import permanent
from services.sync.adapters.webhook_body import json_object


def _moment(raw: object) -> datetime:
    value = int(str(raw or 0))
    return datetime.fromtimestamp(value / 1000 if value > 10**11 else value, UTC)


def parse_webhook(headers: Mapping[str, str], raw_body: bytes) -> Sequence[WebhookEvent]:
    body = json_object(Platform.LAZADA, raw_body, "push")
    if body.get("message_type") != 0:
        return []
    data = body.get("data") or {}
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
    return [WebhookEvent(WebhookKind.ORDER, str(body.get("seller_id") or ""), order=order)]
