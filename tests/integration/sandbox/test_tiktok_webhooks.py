"""TikTok Shop type 1 ORDER_STATUS_CHANGE webhooks from the sandbox, checked against
MARKETPLACES.md §2.5 and parsed by the TikTok adapter's `parse_webhook`.

The `Authorization` header is checked twice: with the stdlib from §8.1 (hex HMAC-SHA256
of app_secret over app_key + raw body) and with `tiktok_shop_api.webhooks.Webhooks.verify`,
code we did not write, run in a subprocess to keep its import side effects out (§7).
"""

from __future__ import annotations

import hashlib
import hmac
import json
import subprocess
import sys
from typing import Any

import pytest

from services.sync.adapters.base import OrderStatus, WebhookKind
from services.sync.adapters.tiktok.webhooks import parse_webhook
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

P = "tiktok"

_THEIR_VERIFY = """
import json, sys
from tiktok_shop_api.webhooks import Webhooks
cases = json.loads(sys.stdin.read())
print(json.dumps([
    Webhooks.verify(app_key=c["key"], app_secret=c["secret"], raw_body=c["body"].encode(),
                    signature=c["signature"])
    for c in cases
]))
"""


async def _shop(
    sandbox: RunningSandbox, receiver: WebhookReceiver, time_scale: float = 0.0
) -> dict[str, Any]:
    r = await admin_call(sandbox, P, "POST", "", json={})
    assert r.status_code == 201
    shop: dict[str, Any] = r.json()
    hook = {"url": receiver.url, "time_scale": time_scale}
    r = await admin_call(sandbox, P, "POST", f"{shop['shop_id']}/webhook", json=hook)
    assert r.status_code == 200
    shop["sku"] = f"TT-{shop['shop_id']}"
    seed = {"seller_sku": shop["sku"], "price": 12.0, "stock": 10}
    r = await admin_call(sandbox, P, "POST", f"{shop['shop_id']}/listings", json=seed)
    assert r.status_code == 201
    return shop


async def _order(sandbox: RunningSandbox, shop: dict[str, Any]) -> str:
    lines = {"lines": [{"seller_sku": shop["sku"], "quantity": 1}]}
    r = await admin_call(sandbox, P, "POST", f"{shop['shop_id']}/orders", json=lines)
    assert r.status_code == 201
    order_id: str = r.json()["order_id"]
    return order_id


def _stdlib_signature(app_key: str, app_secret: str, body: bytes) -> str:
    return hmac.new(app_secret.encode(), app_key.encode() + body, hashlib.sha256).hexdigest()


def _their_verdicts(shop: dict[str, Any], received: list[tuple[dict[str, str], bytes]]) -> Any:
    cases = [
        {
            "key": shop["app_key"],
            "secret": shop["app_secret"],
            "body": body.decode(),
            "signature": headers.get("authorization", ""),
        }
        for headers, body in received
    ]
    done = subprocess.run(
        [sys.executable, "-c", _THEIR_VERIFY],
        input=json.dumps(cases),
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
    )
    return json.loads(done.stdout)


async def test_order_status_changes_are_signed_and_parsed(
    sandbox: RunningSandbox, webhook_receiver: WebhookReceiver
) -> None:
    webhook_receiver.answer()
    shop = await _shop(sandbox, webhook_receiver)
    shipped, cancelled = await _order(sandbox, shop), await _order(sandbox, shop)
    for order_id, action in ((shipped, "ship"), (cancelled, "cancel")):
        r = await admin_call(sandbox, P, "POST", f"{shop['shop_id']}/orders/{order_id}/{action}")
        assert r.status_code == 200
    await settle(sandbox, P, shop["shop_id"])

    received = webhook_receiver.received
    assert len(received) == 4
    for headers, body in received:
        assert headers["authorization"] == _stdlib_signature(
            shop["app_key"], shop["app_secret"], body
        )
    assert _their_verdicts(shop, received) == [True] * 4

    bodies = webhook_receiver.bodies()
    assert {b["type"] for b in bodies} == {1}
    assert {b["shop_id"] for b in bodies} == {str(shop["shop_id"])}
    assert len({b["tts_notification_id"] for b in bodies}) == 4
    statuses = {(b["data"]["order_id"], b["data"]["order_status"]) for b in bodies}
    assert statuses == {
        (shipped, "AWAITING_SHIPMENT"),
        (cancelled, "AWAITING_SHIPMENT"),
        (shipped, "IN_TRANSIT"),
        (cancelled, "CANCEL"),  # the webhook's own spelling (§2.5)
    }

    events = [e for headers, body in received for e in parse_webhook(headers, body)]
    assert [e.kind for e in events] == [WebhookKind.ORDER] * 4
    parsed = {(e.order.order_id, e.order.status) for e in events if e.order}
    assert parsed == {
        (shipped, OrderStatus.PAID),
        (cancelled, OrderStatus.PAID),
        (shipped, OrderStatus.SHIPPED),
        (cancelled, OrderStatus.CANCELLED),
    }


async def test_retries_follow_tiktoks_schedule_then_stop(
    sandbox: RunningSandbox, webhook_receiver: WebhookReceiver, webhook_pauses: list[float]
) -> None:
    shop = await _shop(sandbox, webhook_receiver, time_scale=0.001)
    webhook_receiver.answer(500, 500, 500, 500, 500, 500)
    order_id = await _order(sandbox, shop)
    await settle(sandbox, P, shop["shop_id"])
    # The first try and 4 retries at +2 min, +30 min, +3 h, +12 h; nothing after the 4th.
    assert [b["data"]["order_id"] for b in webhook_receiver.bodies()] == [order_id] * 5
    assert webhook_pauses == pytest.approx([0.12, 1.8, 10.8, 43.2])
    log = (await admin_call(sandbox, P, "GET", f"{shop['shop_id']}/webhook")).json()
    [delivery] = log["deliveries"]
    assert delivery["attempts"] == 5 and not delivery["delivered"]


async def test_a_500_then_200_is_delivered(
    sandbox: RunningSandbox, webhook_receiver: WebhookReceiver, webhook_pauses: list[float]
) -> None:
    shop = await _shop(sandbox, webhook_receiver, time_scale=0.001)
    webhook_receiver.answer(500)
    await _order(sandbox, shop)
    await settle(sandbox, P, shop["shop_id"])
    assert len(webhook_receiver.received) == 2 and webhook_pauses == pytest.approx([0.12])
    assert len({body for _, body in webhook_receiver.received}) == 1


async def test_a_401_ends_the_delivery(
    sandbox: RunningSandbox, webhook_receiver: WebhookReceiver, webhook_pauses: list[float]
) -> None:
    shop = await _shop(sandbox, webhook_receiver)
    webhook_receiver.answer(401)
    await _order(sandbox, shop)
    await settle(sandbox, P, shop["shop_id"])
    assert len(webhook_receiver.received) == 1 and webhook_pauses == []


async def test_duplicates_share_the_notification_id_and_reorder_overtakes(
    sandbox: RunningSandbox, webhook_receiver: WebhookReceiver
) -> None:
    shop = await _shop(sandbox, webhook_receiver)
    faults = f"{shop['shop_id']}/faults"
    webhook_receiver.answer()
    await admin_call(sandbox, P, "POST", faults, json={"webhook_duplicate_rate": 1.0})
    await _order(sandbox, shop)
    await settle(sandbox, P, shop["shop_id"])
    ids = [b["tts_notification_id"] for b in webhook_receiver.bodies()]
    assert len(ids) == 2 and ids[0] == ids[1]  # the dedup key §2.5 names

    webhook_receiver.answer()
    switches = {"webhook_duplicate_rate": 0.0, "webhook_reorder_rate": 1.0}
    await admin_call(sandbox, P, "POST", faults, json=switches)
    order_id = await _order(sandbox, shop)
    await admin_call(sandbox, P, "POST", faults, json={"webhook_reorder_rate": 0.0})
    await admin_call(sandbox, P, "POST", f"{shop['shop_id']}/orders/{order_id}/ship")
    await settle(sandbox, P, shop["shop_id"])
    bodies = webhook_receiver.bodies()
    assert [b["data"]["order_status"] for b in bodies] == ["IN_TRANSIT", "AWAITING_SHIPMENT"]
    # update_time lets a consumer discard the stale one (§2.5 ordering note).
    assert bodies[0]["data"]["update_time"] >= bodies[1]["data"]["update_time"]
