"""Shopify webhooks from the sandbox: signed, retried 8 times, parsed, out of order."""

from __future__ import annotations

import random
from collections.abc import AsyncIterator

import pytest
import pytest_asyncio

from sandbox import shopify as shopify_sandbox
from services.sync.adapters.base import (
    OrderStatus,
    StockUpdate,
    WebhookEvent,
    WebhookKind,
)
from services.sync.adapters.shopify import verify_webhook
from tests.integration.sandbox.shopify_shops import adapter_for, make_draft, new_shop
from tests.support.sandbox_admin import ServedPlatform, serve_platform

pytestmark = pytest.mark.asyncio(loop_scope="session")


@pytest_asyncio.fixture(scope="module", loop_scope="session")
async def sp() -> AsyncIterator[ServedPlatform]:
    async with serve_platform(
        "shopify", shopify_sandbox.admin_routes, shopify_sandbox.api_routes
    ) as served:
        yield served


def _seed_paid_first(rate: float) -> int:
    """A seed whose first reorder roll holds a message back and whose second does not."""
    for seed in range(1000):
        rolls = random.Random(seed)
        if rolls.random() < rate <= rolls.random():
            return seed
    raise AssertionError("no seed")


async def test_webhooks_signed_retried_and_parsed_out_of_order(sp: ServedPlatform) -> None:
    shop = await new_shop(sp)
    adapter = adapter_for(sp)
    await adapter.create_listing(shop, make_draft("HOOK", 2))
    await adapter.update_stock(shop, [StockUpdate("HOOK-00", 4)])  # the adapter sees the item
    await sp.admin(
        "POST", f"{shop.shop_id}/webhook", json={"url": sp.hook_url, "time_scale": 0.0001}
    )
    sp.hooks.clear()
    # orders/create is held back (reorder switch, seeded) so orders/paid overtakes it.
    seed = _seed_paid_first(0.5)
    await sp.admin(
        "POST", f"{shop.shop_id}/faults", json={"webhook_reorder_rate": 0.5, "seed": seed}
    )
    line = {"seller_sku": "HOOK-00", "quantity": 1}
    placed = await sp.admin("POST", f"{shop.shop_id}/orders", json={"lines": [line]})
    await sp.settle(shop.shop_id)
    await sp.admin("POST", f"{shop.shop_id}/faults", json={"webhook_reorder_rate": 0})
    sp.fail_next = 1  # the next delivery fails once: Shopify retries it
    await sp.admin("POST", f"{shop.shop_id}/orders/{placed['order_id']}/ship")
    await sp.admin("POST", f"{shop.shop_id}/listings/HOOK-01", json={"price": 12.5, "stock": 30})
    await sp.settle(shop.shop_id)

    topics = [h["x-shopify-topic"] for h, _ in sp.hooks]
    assert topics.index("orders/paid") < topics.index("orders/create")
    assert {"orders/fulfilled", "products/update", "inventory_levels/update"} <= set(topics)
    log = (await sp.admin("GET", f"{shop.shop_id}/webhook"))["deliveries"]
    fulfilled = [d for d in log if d["topic"] == "orders/fulfilled"]
    assert fulfilled[0]["attempts"] == 2 and fulfilled[0]["delivered"]

    events: list[WebhookEvent] = []
    ids = set()
    for headers, body in sp.hooks:
        assert verify_webhook(body, headers["x-shopify-hmac-sha256"], shop.app["client_secret"])
        assert not verify_webhook(
            body + b" ", headers["x-shopify-hmac-sha256"], shop.app["client_secret"]
        )
        assert headers["x-shopify-shop-domain"] == shop.app["shop_domain"]
        assert headers["x-shopify-event-id"] and headers["x-shopify-triggered-at"]
        ids.add(headers["x-shopify-webhook-id"])
        events += adapter.parse_webhook(headers, body)
    assert len(ids) == len(sp.hooks)
    orders = [e.order for e in events if e.kind is WebhookKind.ORDER and e.order]
    assert {o.order_id for o in orders} == {placed["admin_graphql_api_id"]}
    assert {o.status for o in orders} == {OrderStatus.PAID, OrderStatus.SHIPPED}
    stock = [e for e in events if e.kind is WebhookKind.STOCK]
    assert ("HOOK-00", 3) in {(e.seller_sku, e.stock) for e in stock}
    assert ("HOOK-01", 30) in {(e.seller_sku, e.stock) for e in stock}
    product = [e for e in events if e.kind is WebhookKind.PRODUCT]
    assert {e.seller_sku for e in product} == {"HOOK-00", "HOOK-01"}
    assert all(e.shop_id == shop.app["shop_domain"] for e in events)
    await adapter.aclose()


async def test_a_webhook_never_acknowledged_is_retried_8_times(sp: ServedPlatform) -> None:
    shop = await new_shop(sp)
    await sp.admin("POST", f"{shop.shop_id}/listings", json={"seller_sku": "NACK", "price": 5})
    hook = {"url": sp.hook_url, "time_scale": 0.00001}  # 4 h of backoff in ~0.15 s
    await sp.admin("POST", f"{shop.shop_id}/webhook", json=hook)
    sp.fail_next = 100
    try:
        await sp.admin("POST", f"{shop.shop_id}/listings/NACK", json={"price": 6})
        await sp.settle(shop.shop_id)
    finally:
        sp.fail_next = 0
    (delivery,) = (await sp.admin("GET", f"{shop.shop_id}/webhook"))["deliveries"]
    assert delivery["topic"] == "products/update"
    assert delivery["attempts"] == 1 + 8 and not delivery["delivered"]
    assert delivery["last_status"] == 500
