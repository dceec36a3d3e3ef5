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
from collections.abc import AsyncIterator
from typing import Any

import pytest
import pytest_asyncio

from sandbox import tiktok
from services.sync.adapters.base import OrderStatus, WebhookKind
from services.sync.adapters.tiktok.webhooks import parse_webhook
from tests.support.sandbox_admin import ServedPlatform, serve_platform

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


@pytest_asyncio.fixture(scope="module", loop_scope="session")
async def sp() -> AsyncIterator[ServedPlatform]:
    async with serve_platform(P, tiktok.admin_routes, tiktok.api_routes) as served:
        yield served


async def _shop(sp: ServedPlatform, time_scale: float = 0.0) -> dict[str, Any]:
    return await sp.hooked_shop("TT", price=12.0, stock=10, time_scale=time_scale)


async def _order(sp: ServedPlatform, shop: dict[str, Any]) -> str:
    order_id: str = (await sp.place_order(shop, 1))["order_id"]
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


async def test_order_status_changes_are_signed_and_parsed(sp: ServedPlatform) -> None:
    sp.answer()
    shop = await _shop(sp)
    shipped, cancelled = await _order(sp, shop), await _order(sp, shop)
    for order_id, action in ((shipped, "ship"), (cancelled, "cancel")):
        r = await sp.admin_call("POST", f"{shop['shop_id']}/orders/{order_id}/{action}")
        assert r.status_code == 200
    await sp.settle(shop["shop_id"])

    received = sp.received
    assert len(received) == 4
    for headers, body in received:
        assert headers["authorization"] == _stdlib_signature(
            shop["app_key"], shop["app_secret"], body
        )
    assert _their_verdicts(shop, received) == [True] * 4

    bodies = sp.bodies()
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
    sp: ServedPlatform, webhook_pauses: list[float]
) -> None:
    shop = await _shop(sp, time_scale=0.001)
    sp.answer(500, 500, 500, 500, 500, 500)
    order_id = await _order(sp, shop)
    await sp.settle(shop["shop_id"])
    # The first try and 4 retries at +2 min, +30 min, +3 h, +12 h; nothing after the 4th.
    assert [b["data"]["order_id"] for b in sp.bodies()] == [order_id] * 5
    assert webhook_pauses == pytest.approx([0.12, 1.8, 10.8, 43.2])
    log = (await sp.admin_call("GET", f"{shop['shop_id']}/webhook")).json()
    [delivery] = log["deliveries"]
    assert delivery["attempts"] == 5 and not delivery["delivered"]


async def test_a_500_then_200_is_delivered(sp: ServedPlatform, webhook_pauses: list[float]) -> None:
    shop = await _shop(sp, time_scale=0.001)
    sp.answer(500)
    await _order(sp, shop)
    await sp.settle(shop["shop_id"])
    assert len(sp.received) == 2 and webhook_pauses == pytest.approx([0.12])
    assert len({body for _, body in sp.received}) == 1


async def test_a_401_ends_the_delivery(sp: ServedPlatform, webhook_pauses: list[float]) -> None:
    shop = await _shop(sp)
    sp.answer(401)
    await _order(sp, shop)
    await sp.settle(shop["shop_id"])
    assert len(sp.received) == 1 and webhook_pauses == []


async def test_duplicates_share_the_notification_id_and_reorder_overtakes(
    sp: ServedPlatform,
) -> None:
    shop = await _shop(sp)
    faults = f"{shop['shop_id']}/faults"
    sp.answer()
    await sp.admin_call("POST", faults, json={"webhook_duplicate_rate": 1.0})
    await _order(sp, shop)
    await sp.settle(shop["shop_id"])
    ids = [b["tts_notification_id"] for b in sp.bodies()]
    assert len(ids) == 2 and ids[0] == ids[1]  # the dedup key §2.5 names

    sp.answer()
    switches = {"webhook_duplicate_rate": 0.0, "webhook_reorder_rate": 1.0}
    await sp.admin_call("POST", faults, json=switches)
    order_id = await _order(sp, shop)
    await sp.admin_call("POST", faults, json={"webhook_reorder_rate": 0.0})
    await sp.admin_call("POST", f"{shop['shop_id']}/orders/{order_id}/ship")
    await sp.settle(shop["shop_id"])
    bodies = sp.bodies()
    assert [b["data"]["order_status"] for b in bodies] == ["IN_TRANSIT", "AWAITING_SHIPMENT"]
    # update_time lets a consumer discard the stale one (§2.5 ordering note).
    assert bodies[0]["data"]["update_time"] >= bodies[1]["data"]["update_time"]
