"""Shopee push: code 3 (order status) becomes an ORDER event; other codes are ignored."""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from datetime import UTC, datetime

from services.sync.adapters.base import RemoteOrder, WebhookEvent, WebhookKind
from services.sync.adapters.shopee.orders import order_status
from services.sync.adapters.shopee.validation import permanent


def parse_webhook(headers: Mapping[str, str], raw_body: bytes) -> Sequence[WebhookEvent]:
    try:
        body = json.loads(raw_body)
    except ValueError as exc:
        raise permanent("push body is not JSON", "bad_push") from exc
    if not isinstance(body, dict):
        raise permanent("push body is not a JSON object", "bad_push")
    if body.get("code") != 3:
        return []
    data = body.get("data") or {}
    order = RemoteOrder(
        order_id=str(data.get("ordersn") or ""),
        status=order_status(data.get("status")),
        lines=[],
        update_time=datetime.fromtimestamp(
            int(data.get("update_time") or body.get("timestamp") or 0), UTC
        ),
    )
    return [WebhookEvent(WebhookKind.ORDER, str(body.get("shop_id") or ""), order=order)]
