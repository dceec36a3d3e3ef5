"""Shopee push code 3 from the sandbox, checked against MARKETPLACES.md §1.5 and parsed by
the Shopee adapter's `parse_webhook`.

The signature is recomputed here from §1.5 with the stdlib (hex HMAC-SHA256 of
partner_key over `callback URL + "|" + raw body`), not with the sandbox's own signer.
"""

from __future__ import annotations

import hashlib
import hmac
from typing import Any

import pytest

from services.sync.adapters.base import OrderStatus, WebhookKind
from services.sync.adapters.shopee.webhooks import parse_webhook
from tests.integration.sandbox.conftest import (
    RunningSandbox,
    WebhookReceiver,
    admin_call,
    settle,
)

pytestmark = [
    pytest.mark.asyncio(loop_scope="session"),
    pytest.mark.usefixtures("patient_timers"),
]

P = "shopee"


async def _shop(
    sandbox: RunningSandbox, receiver: WebhookReceiver, time_scale: float = 0.0
) -> dict[str, Any]:
    r = await admin_call(sandbox, P, "POST", "", json={})
    assert r.status_code == 201
    shop: dict[str, Any] = r.json()
    hook = {"url": receiver.url, "time_scale": time_scale}
    r = await admin_call(sandbox, P, "POST", f"{shop['shop_id']}/webhook", json=hook)
    assert r.status_code == 200 and r.json()["url"] == receiver.url
    sku = f"SP-{shop['shop_id']}"
    seed = {"seller_sku": sku, "price": 9.5, "stock": 10}
    r = await admin_call(sandbox, P, "POST", f"{shop['shop_id']}/listings", json=seed)
    assert r.status_code == 201
    shop["sku"] = sku
    return shop


async def _order(sandbox: RunningSandbox, shop: dict[str, Any]) -> str:
    lines = {"lines": [{"seller_sku": shop["sku"], "quantity": 2}]}
    r = await admin_call(sandbox, P, "POST", f"{shop['shop_id']}/orders", json=lines)
    assert r.status_code == 201
    order_sn: str = r.json()["order_sn"]
    return order_sn


def _signed_per_marketplaces(
    partner_key: str, url: str, headers: dict[str, str], body: bytes
) -> bool:
    expected = hmac.new(partner_key.encode(), url.encode() + b"|" + body, hashlib.sha256)
    return hmac.compare_digest(headers.get("authorization", ""), expected.hexdigest())


async def test_status_changes_push_code_3_signed_and_parsed(
    sandbox: RunningSandbox, webhook_receiver: WebhookReceiver
) -> None:
    webhook_receiver.answer()
    shop = await _shop(sandbox, webhook_receiver)
    placed = await _order(sandbox, shop)
    cancelled = await _order(sandbox, shop)
    for order_sn, action in ((placed, "ship"), (cancelled, "cancel")):
        r = await admin_call(sandbox, P, "POST", f"{shop['shop_id']}/orders/{order_sn}/{action}")
        assert r.status_code == 200
        await settle(sandbox, P, shop["shop_id"])  # keep the four pushes in order
    await settle(sandbox, P, shop["shop_id"])

    assert len(webhook_receiver.received) == 4
    for headers, body in webhook_receiver.received:
        assert _signed_per_marketplaces(shop["partner_key"], webhook_receiver.url, headers, body)
    bodies = webhook_receiver.bodies()
    assert {b["code"] for b in bodies} == {3}
    assert {b["shop_id"] for b in bodies} == {shop["shop_id"]}
    fields = {"items", "ordersn", "status", "completed_scenario", "update_time"}
    assert all(set(b["data"]) == fields for b in bodies)

    events = [e for h, body in webhook_receiver.received for e in parse_webhook(h, body)]
    assert [e.kind for e in events] == [WebhookKind.ORDER] * 4
    assert {e.shop_id for e in events} == {str(shop["shop_id"])}
    seen = {(e.order.order_id, e.order.status) for e in events if e.order}
    assert seen == {
        (placed, OrderStatus.PAID),
        (cancelled, OrderStatus.PAID),
        (placed, OrderStatus.SHIPPED),
        (cancelled, OrderStatus.CANCELLED),
    }


async def test_a_500_is_retried_on_the_compressed_schedule(
    sandbox: RunningSandbox, webhook_receiver: WebhookReceiver, webhook_pauses: list[float]
) -> None:
    shop = await _shop(sandbox, webhook_receiver, time_scale=0.001)
    webhook_receiver.answer(500, 500)
    order_sn = await _order(sandbox, shop)
    await settle(sandbox, P, shop["shop_id"])
    assert [b["data"]["ordersn"] for b in webhook_receiver.bodies()] == [order_sn] * 3
    assert len({body for _, body in webhook_receiver.received}) == 1  # the same bytes resent
    assert webhook_pauses == pytest.approx([0.3, 0.9])  # ⚠ +5 min, +15 min × 0.001
    log = (await admin_call(sandbox, P, "GET", f"{shop['shop_id']}/webhook")).json()
    [delivery] = log["deliveries"]
    assert delivery["attempts"] == 3 and delivery["delivered"] and delivery["last_status"] == 200


async def test_an_answer_with_a_body_is_not_an_ack(
    sandbox: RunningSandbox, webhook_receiver: WebhookReceiver, webhook_pauses: list[float]
) -> None:
    shop = await _shop(sandbox, webhook_receiver)
    webhook_receiver.answer((200, b'{"ok":true}'))
    await _order(sandbox, shop)
    await settle(sandbox, P, shop["shop_id"])
    assert len(webhook_receiver.received) == 2


async def test_duplicate_and_reorder_switches(
    sandbox: RunningSandbox, webhook_receiver: WebhookReceiver
) -> None:
    shop = await _shop(sandbox, webhook_receiver)
    faults = f"{shop['shop_id']}/faults"
    webhook_receiver.answer()
    await admin_call(sandbox, P, "POST", faults, json={"webhook_duplicate_rate": 1.0})
    duplicated = await _order(sandbox, shop)
    await settle(sandbox, P, shop["shop_id"])
    assert [b["data"]["ordersn"] for b in webhook_receiver.bodies()] == [duplicated] * 2
    [first, second] = [parse_webhook(h, b) for h, b in webhook_receiver.received]
    assert first == second  # the consumer has to dedupe

    webhook_receiver.answer()
    switches = {"webhook_duplicate_rate": 0.0, "webhook_reorder_rate": 1.0}
    await admin_call(sandbox, P, "POST", faults, json=switches)
    held = await _order(sandbox, shop)
    await admin_call(sandbox, P, "POST", faults, json={"webhook_reorder_rate": 0.0})
    r = await admin_call(sandbox, P, "POST", f"{shop['shop_id']}/orders/{held}/cancel")
    assert r.status_code == 200
    await settle(sandbox, P, shop["shop_id"])
    # The cancellation overtook the placement: the receiver must go by update_time / the API.
    statuses = [b["data"]["status"] for b in webhook_receiver.bodies()]
    assert statuses == ["CANCELLED", "READY_TO_SHIP"]
