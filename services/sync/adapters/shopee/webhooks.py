"""Shopee push: code 3 (order status) becomes an ORDER event; other codes are ignored."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import UTC, datetime

from services.common.platforms import Platform
from services.sync.adapters.base import RemoteOrder, WebhookEvent, WebhookKind
from services.sync.adapters.shopee.orders import order_status
from services.sync.adapters.webhook_body import json_object


def parse_webhook(headers: Mapping[str, str], raw_body: bytes) -> Sequence[WebhookEvent]:
    body = json_object(Platform.SHOPEE, raw_body, "push")
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
