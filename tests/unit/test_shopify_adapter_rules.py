"""Shopify adapter rules without a server: the cost planner, webhooks, and the
compare-and-set re-read against the sandbox app in process (httpx ASGI transport)."""

from __future__ import annotations

import asyncio
import base64
import hashlib
import hmac
import json
import time
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest
import pytest_asyncio
from starlette.applications import Starlette

from sandbox.shopify import admin_routes, api_routes
from sandbox.state import SandboxState
from services.common.money import Money
from services.common.platforms import Platform
from services.sync.adapters.base import (
    ListingDraft,
    ListingVariant,
    OrderStatus,
    ShopAuth,
    StockUpdate,
    TokenPair,
    WebhookKind,
)
from services.sync.adapters.errors import AdapterError, FailureKind
from services.sync.adapters.retry import RetryBudget
from services.sync.adapters.shopify import ShopifyAdapter, verify_webhook
from services.sync.adapters.shopify.throttle import CostPlanner
from tests.support.sandbox_admin import platform_app


def _status(available: float, maximum: float = 1000, rate: float = 1000) -> dict[str, Any]:
    return {
        "requestedQueryCost": 0,
        "actualQueryCost": 0,
        "throttleStatus": {
            "maximumAvailable": maximum,
            "currentlyAvailable": available,
            "restoreRate": rate,
        },
    }


async def test_planner_probes_once_then_waits_for_points() -> None:
    planner = CostPlanner()
    probe = await planner.reserve("s", 100)
    assert probe.probe
    waiting = asyncio.create_task(planner.reserve("s", 100))
    await asyncio.sleep(0.01)
    assert not waiting.done()  # nobody else goes before the bucket is known
    planner.settle(probe, _status(150), charged=True)
    second = await waiting
    assert not second.probe
    status = planner.status("s")
    assert status is not None and status["available"] < 60
    started = time.monotonic()
    third = await planner.reserve("s", 300)  # ~250 points short at 1000/s
    assert time.monotonic() - started >= 0.2
    assert planner.waited >= 0.2
    # THROTTLED (not charged): the points come back; Shopify's lower figure wins.
    planner.settle(third, _status(10), charged=False)
    planner.settle(second, _status(10), charged=True)
    status = planner.status("s")
    assert status is not None and status["available"] < 12
    assert planner.wait_for("s", 110, _status(10)) == pytest.approx(0.1)


async def test_planner_does_not_restore_points_a_slow_request_still_holds() -> None:
    """While a request is in flight its points are not charged yet; if Shopify's bucket
    sits full meanwhile it restores nothing, so the model may not either."""
    planner = CostPlanner()
    probe = await planner.reserve("s", 10)
    planner.settle(probe, _status(300, maximum=300, rate=1000), charged=True)
    slow = await planner.reserve("s", 252)
    second = asyncio.create_task(planner.reserve("s", 252))
    await asyncio.sleep(0.3)  # 300 points of restore time: capped at 300 − 252 in flight
    assert not second.done()
    planner.settle(slow, _status(48, maximum=300, rate=1000), charged=True)
    await asyncio.wait_for(second, 1.0)


async def test_planner_shares_the_restore_rate_between_replicas() -> None:
    planner = CostPlanner(replicas=4)
    probe = await planner.reserve("s", 10)
    planner.settle(probe, _status(500, rate=100), charged=True)
    status = planner.status("s")
    assert status is not None and status["restoreRate"] == 25


def _signed(
    topic: str, body: dict[str, Any], secret: str = "s3cret"
) -> tuple[dict[str, str], bytes]:
    raw = json.dumps(body).encode()
    digest = base64.b64encode(hmac.new(secret.encode(), raw, hashlib.sha256).digest()).decode()
    headers = {
        "x-shopify-topic": topic,
        "X-Shopify-Hmac-SHA256": digest,
        "X-SHOPIFY-SHOP-DOMAIN": "a.myshopify.com",
        "X-Shopify-Webhook-Id": "w-1",
    }
    return headers, raw


def _order(**extra: Any) -> dict[str, Any]:
    return {
        "id": 42,
        "admin_graphql_api_id": "gid://shopify/Order/42",
        "created_at": "2026-11-21T07:00:00Z",
        "updated_at": "2026-11-21T07:00:05Z",
        "currency": "SGD",
        "financial_status": "paid",
        "fulfillment_status": None,
        "cancelled_at": None,
        "line_items": [
            {"sku": "A", "quantity": 2, "price": "9.90"},
            {"sku": "A", "quantity": 1, "price": "9.90"},
        ],
        **extra,
    }


def test_webhooks_verify_and_parse_whatever_the_header_case() -> None:
    adapter = ShopifyAdapter("http://unused")
    headers, raw = _signed("orders/paid", _order())
    assert verify_webhook(raw, headers["X-Shopify-Hmac-SHA256"], "s3cret")
    assert not verify_webhook(raw, headers["X-Shopify-Hmac-SHA256"], "other")
    assert not verify_webhook(raw, "", "s3cret")
    (paid,) = adapter.parse_webhook(headers, raw)
    assert paid.kind is WebhookKind.ORDER and paid.shop_id == "a.myshopify.com"
    assert paid.order is not None and paid.order.status is OrderStatus.PAID
    assert [(x.seller_sku, x.quantity, x.price) for x in paid.order.lines] == [
        ("A", 3, Money("SGD", 990))
    ]
    # orders/create arriving after orders/paid carries an older updated_at.
    created = _order(financial_status="pending", updated_at="2026-11-21T07:00:01Z")
    (late,) = adapter.parse_webhook(*_signed("orders/create", created))
    assert late.order is not None and late.order.status is OrderStatus.CREATED
    assert late.order.update_time < paid.order.update_time
    cancelled = _order(cancelled_at="2026-11-21T08:00:00Z")
    (gone,) = adapter.parse_webhook(*_signed("orders/cancelled", cancelled))
    assert gone.order is not None and gone.order.status is OrderStatus.CANCELLED
    level = {"inventory_item_id": 7, "location_id": 1, "available": 4}
    (stock,) = adapter.parse_webhook(*_signed("inventory_levels/update", level))
    assert stock.kind is WebhookKind.STOCK and stock.stock == 4
    assert stock.external_id == "gid://shopify/InventoryItem/7" and stock.seller_sku == ""
    product = {"id": 9, "variants": [{"sku": "A", "inventory_quantity": 3}, {"sku": "B"}]}
    events = adapter.parse_webhook(*_signed("products/update", product))
    assert [(e.kind, e.seller_sku, e.stock) for e in events] == [
        (WebhookKind.PRODUCT, "A", 3),
        (WebhookKind.PRODUCT, "B", None),
    ]
    assert adapter.parse_webhook(*_signed("app/uninstalled", {"id": 1})) == []
    with pytest.raises(AdapterError) as caught:
        adapter.parse_webhook({"X-Shopify-Topic": "orders/paid"}, b"not json")
    assert caught.value.kind is FailureKind.PERMANENT


class Interfering(httpx.AsyncBaseTransport):
    """Forwards to the sandbox app; before the first `times` inventorySetQuantities
    calls, an order takes one unit (the quantity moves between our read and write)."""

    def __init__(self, app: Starlette, state: SandboxState, times: int) -> None:
        self.inner = httpx.ASGITransport(app=app)
        self.state = state
        self.times = times

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        if b"inventorySetQuantities(" in request.content and self.times > 0:
            self.times -= 1
            for shop in self.state.platform_shops("shopify").values():
                for listing in shop.listings.values():
                    for model in listing.models:
                        model.stock -= 1
        return await self.inner.handle_async_request(request)


@pytest_asyncio.fixture
async def app_and_shop() -> AsyncIterator[tuple[Starlette, SandboxState, ShopAuth]]:
    state = SandboxState(seed=2)
    app = platform_app("shopify", admin_routes, api_routes, state)
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://sandbox") as admin:
        c = (await admin.post("/_sandbox/shopify/shops", json={})).json()
    keys = ("shop_domain", "client_id", "client_secret", "location_id")
    tokens = TokenPair(
        c["access_token"], c["refresh_token"], datetime.now(UTC) + timedelta(hours=1)
    )
    shop = ShopAuth(
        Platform.SHOPIFY, c["shop_id"], {**{k: c[k] for k in keys}, "currency": "SGD"}, tokens
    )
    yield app, state, shop


DRAFT = ListingDraft(
    "CAS",
    "Compare and set",
    "",
    "",
    "",
    [],
    [],
    [ListingVariant("CAS-1", [], Money("SGD", 500), 10)],
)
FAST = RetryBudget(attempts=3, seconds=5, initial_backoff=0.01, max_backoff=0.05)


@pytest.mark.parametrize(("interference", "ok"), [(1, True), (2, False)])
async def test_stale_compare_is_reread_once(
    app_and_shop: tuple[Starlette, SandboxState, ShopAuth], interference: int, ok: bool
) -> None:
    app, state, shop = app_and_shop
    transport = Interfering(app, state, interference)
    adapter = ShopifyAdapter("http://sandbox/shopify", transport=transport, retry_budget=FAST)
    await adapter.create_listing(shop, DRAFT)
    adapter.calls.clear()
    (result,) = await adapter.update_stock(shop, [StockUpdate("CAS-1", 7)])
    # lookup, set (stale), lookup again, set
    assert adapter.calls == {"/admin/api/2026-07/graphql.json": 4}
    (model,) = next(iter(state.platform_shops("shopify").values())).listings.popitem()[1].models
    if ok:
        assert result.ok and model.stock == 7
    else:
        assert result.error is not None and result.error.kind is FailureKind.RETRYABLE
        assert result.error.code == "CHANGE_FROM_QUANTITY_STALE" and model.stock == 8
    await adapter.aclose()


async def test_lookups_see_past_variants_that_share_a_sku(
    app_and_shop: tuple[Starlette, SandboxState, ShopAuth],
) -> None:
    """Shopify does not make SKUs unique: two variants with SKU DUP fill one slot too
    many of a 50-SKU page, and the SKU pushed off the page is asked for again."""
    app, _, shop = app_and_shop
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://sandbox") as admin:
        for _ in range(2):
            seeded = await admin.post(
                f"/_sandbox/shopify/shops/{shop.shop_id}/listings", json={"seller_sku": "DUP"}
            )
            assert seeded.status_code == 201
    adapter = ShopifyAdapter("http://sandbox/shopify", transport=transport, retry_budget=FAST)
    variants = [ListingVariant(f"U-{i:02d}", [f"V{i}"], Money("SGD", 100), 1) for i in range(49)]
    await adapter.create_listing(shop, ListingDraft("U", "U", "", "", "", [], ["Size"], variants))
    adapter.calls.clear()
    results = await adapter.update_stock(
        shop, [StockUpdate("DUP", 3), *(StockUpdate(v.seller_sku, 4) for v in variants)]
    )
    assert all(r.ok for r in results) and len(results) == 50
    assert adapter.calls == {"/admin/api/2026-07/graphql.json": 3}  # 2 lookups, 1 set
    await adapter.aclose()
