"""Shopee push code 3 from the sandbox, checked against MARKETPLACES.md §1.5 and parsed by
the Shopee adapter's `parse_webhook`.

The signature is recomputed here from §1.5 with the stdlib (hex HMAC-SHA256 of
partner_key over `callback URL + "|" + raw body`), not with the sandbox's own signer.
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import AsyncIterator
from typing import Any

import pytest
import pytest_asyncio

from sandbox import shopee
from services.sync.adapters.base import OrderStatus, WebhookKind
from services.sync.adapters.shopee.webhooks import parse_webhook
from tests.support.sandbox_admin import ServedPlatform, serve_platform

pytestmark = [
    pytest.mark.asyncio(loop_scope="session"),
    pytest.mark.usefixtures("patient_timers"),
]

P = "shopee"


@pytest_asyncio.fixture(scope="module", loop_scope="session")
async def sp() -> AsyncIterator[ServedPlatform]:
    async with serve_platform(P, shopee.admin_routes, shopee.api_routes) as served:
        yield served


async def _shop(sp: ServedPlatform, time_scale: float = 0.0) -> dict[str, Any]:
    return await sp.hooked_shop("SP", price=9.5, stock=10, time_scale=time_scale)


async def _order(sp: ServedPlatform, shop: dict[str, Any]) -> str:
    order_sn: str = (await sp.place_order(shop, 2))["order_sn"]
    return order_sn


def _signed_per_marketplaces(
    partner_key: str, url: str, headers: dict[str, str], body: bytes
) -> bool:
    expected = hmac.new(partner_key.encode(), url.encode() + b"|" + body, hashlib.sha256)
    return hmac.compare_digest(headers.get("authorization", ""), expected.hexdigest())


async def test_status_changes_push_code_3_signed_and_parsed(sp: ServedPlatform) -> None:
    sp.answer()
    shop = await _shop(sp)
    placed = await _order(sp, shop)
    cancelled = await _order(sp, shop)
    for order_sn, action in ((placed, "ship"), (cancelled, "cancel")):
        r = await sp.admin_call("POST", f"{shop['shop_id']}/orders/{order_sn}/{action}")
        assert r.status_code == 200
        await sp.settle(shop["shop_id"])  # keep the four pushes in order
    await sp.settle(shop["shop_id"])

    assert len(sp.received) == 4
    for headers, body in sp.received:
        assert _signed_per_marketplaces(shop["partner_key"], sp.hook_url, headers, body)
    bodies = sp.bodies()
    assert {b["code"] for b in bodies} == {3}
    assert {b["shop_id"] for b in bodies} == {shop["shop_id"]}
    fields = {"items", "ordersn", "status", "completed_scenario", "update_time"}
    assert all(set(b["data"]) == fields for b in bodies)

    events = [e for h, body in sp.received for e in parse_webhook(h, body)]
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
    sp: ServedPlatform, webhook_pauses: list[float]
) -> None:
    shop = await _shop(sp, time_scale=0.001)
    sp.answer(500, 500)
    order_sn = await _order(sp, shop)
    await sp.settle(shop["shop_id"])
    assert [b["data"]["ordersn"] for b in sp.bodies()] == [order_sn] * 3
    assert len({body for _, body in sp.received}) == 1  # the same bytes resent
    assert webhook_pauses == pytest.approx([0.3, 0.9])  # ⚠ +5 min, +15 min × 0.001
    log = (await sp.admin_call("GET", f"{shop['shop_id']}/webhook")).json()
    [delivery] = log["deliveries"]
    assert delivery["attempts"] == 3 and delivery["delivered"] and delivery["last_status"] == 200


async def test_an_answer_with_a_body_is_not_an_ack(
    sp: ServedPlatform, webhook_pauses: list[float]
) -> None:
    shop = await _shop(sp)
    sp.answer((200, b'{"ok":true}'))
    await _order(sp, shop)
    await sp.settle(shop["shop_id"])
    assert len(sp.received) == 2


async def test_duplicate_and_reorder_switches(sp: ServedPlatform) -> None:
    shop = await _shop(sp)
    faults = f"{shop['shop_id']}/faults"
    sp.answer()
    await sp.admin_call("POST", faults, json={"webhook_duplicate_rate": 1.0})
    duplicated = await _order(sp, shop)
    await sp.settle(shop["shop_id"])
    assert [b["data"]["ordersn"] for b in sp.bodies()] == [duplicated] * 2
    [first, second] = [parse_webhook(h, b) for h, b in sp.received]
    assert first == second  # the consumer has to dedupe

    sp.answer()
    switches = {"webhook_duplicate_rate": 0.0, "webhook_reorder_rate": 1.0}
    await sp.admin_call("POST", faults, json=switches)
    held = await _order(sp, shop)
    await sp.admin_call("POST", faults, json={"webhook_reorder_rate": 0.0})
    r = await sp.admin_call("POST", f"{shop['shop_id']}/orders/{held}/cancel")
    assert r.status_code == 200
    await sp.settle(shop["shop_id"])
    # The cancellation overtook the placement: the receiver must go by update_time / the API.
    statuses = [b["data"]["status"] for b in sp.bodies()]
    assert statuses == ["CANCELLED", "READY_TO_SHIP"]
