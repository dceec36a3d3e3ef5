"""The Lazada adapter against the Lazada sandbox over real HTTP (uvicorn in-process).

The app mounts only the Lazada routes (tests.support.sandbox_admin), so this test does
not depend on sandbox/app.py mounting /lazada. It also serves `/hook`, a push receiver.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest
import pytest_asyncio

from sandbox import lazada
from sandbox.lazada.signing import push_signature
from services.common.money import Money
from services.sync.adapters.base import (
    ItemResult,
    ListingDraft,
    ListingVariant,
    OrderStatus,
    PriceUpdate,
    ShopAuth,
    StockUpdate,
    WebhookEvent,
    WebhookKind,
)
from services.sync.adapters.errors import AdapterError, FailureKind
from services.sync.adapters.lazada import LazadaAdapter
from services.sync.adapters.retry import RetryBudget
from tests.support.adapter_catalog import create_bulk, tee_variants
from tests.support.sandbox_admin import ServedPlatform, serve_platform
from tests.support.sea_shops import lazada_auth

pytestmark = pytest.mark.asyncio(loop_scope="session")

FAST = RetryBudget(attempts=6, seconds=30, initial_backoff=0.05, max_backoff=0.5)


@pytest_asyncio.fixture(scope="module", loop_scope="session")
async def lz() -> AsyncIterator[ServedPlatform]:
    async with serve_platform("lazada", lazada.admin_routes, lazada.api_routes) as served:
        yield served


async def _new_shop(lz: ServedPlatform, rate_limit: float = 50.0) -> ShopAuth:
    c = await lz.create_shop(rate_limit=rate_limit)
    assert {"app_key", "app_secret", "seller_id", "access_token", "refresh_token"} <= set(c)
    assert c["shop_id"] == c["seller_id"]
    return lazada_auth(c, rate_limit)


def _adapter(lz: ServedPlatform, **kw: Any) -> LazadaAdapter:
    kw.setdefault("retry_budget", FAST)
    return LazadaAdapter(lz.url + "/lazada/rest", **kw)


def _draft(prefix: str, count: int) -> ListingDraft:
    return ListingDraft(
        seller_sku=prefix,
        title=f"Product {prefix}",
        description="A product",
        category_id="10002019",
        brand="",
        images=[],
        option_names=["size"],
        variants=[
            ListingVariant(f"{prefix}-{i:02d}", [f"V{i}"], Money("SGD", 1000 + i), 10 + i)
            for i in range(count)
        ],
        weight_grams=300,
    )


async def test_full_flow_create_read_batch_update_and_orders(lz: ServedPlatform) -> None:
    shop = await _new_shop(lz)
    await lz.admin("POST", f"{shop.shop_id}/webhook", json={"url": lz.hook_url})
    adapter = _adapter(lz)
    try:
        ref = await adapter.create_listing(shop, _draft("TEE", 3))
        assert set(ref.variant_ids) == {"TEE-00", "TEE-01", "TEE-02"}
        assert adapter.calls == {"/product/create": 1}
        listing = await adapter.get_listing(shop, ref.external_id)
        assert listing.title == "Product TEE"
        assert {(v.seller_sku, v.price, v.stock) for v in listing.variants} == tee_variants(
            "SGD", 1000
        )
        skus = await create_bulk(adapter, shop, _draft)
        assert len(skus) == 120

        adapter.calls.clear()
        prices = await adapter.update_prices(
            shop, [PriceUpdate(s, Money("SGD", 2500)) for s in skus]
        )
        assert [r.seller_sku for r in prices] == skus and all(r.ok for r in prices)
        stock = await adapter.update_stock(shop, [StockUpdate(s, 7) for s in skus])
        assert all(r.ok for r in stock)
        # 120 SKUs at ≤ 50 per call: 3 calls each, the minimum.
        assert adapter.calls == {"/product/price_quantity/update": 6}
        stored = (await lz.admin("GET", f"{shop.shop_id}/listings"))["listings"]
        all_skus = [s for x in stored for s in x["skus"]]
        assert len(all_skus) == 120
        assert all(s["price"] == 25.0 and s["quantity"] == 7 for s in all_skus)

        # Partial failure inside one call: the unknown SKU fails alone, permanently.
        adapter.calls.clear()
        mixed = await adapter.update_stock(shop, [StockUpdate("A-03", 9), StockUpdate("NOPE", 1)])
        assert mixed[0].ok
        assert mixed[1].error is not None and mixed[1].error.kind is FailureKind.PERMANENT
        assert adapter.calls == {"/product/price_quantity/update": 1}
        found = await adapter.find_listing_by_seller_sku(shop, "B-07")
        assert found is not None and any(v.seller_sku == "B-07" for v in found.variants)
        assert await adapter.find_listing_by_seller_sku(shop, "NOPE") is None
        page = await adapter.list_listings(shop)
        assert len(page.items) == 4 and page.next_page_token == ""

        placed = [
            (await lz.admin("POST", f"{shop.shop_id}/orders", json=body))["order_id"]
            for body in (
                {"lines": [{"seller_sku": "TEE-01", "quantity": 2}]},
                {
                    "lines": [
                        {"seller_sku": "A-00", "quantity": 1},
                        {"seller_sku": "C-16", "quantity": 3},
                    ]
                },
            )
        ]
        await lz.admin("POST", f"{shop.shop_id}/orders/{placed[0]}/cancel")
        now = datetime.now(UTC)
        orders = await adapter.list_orders(
            shop, now - timedelta(hours=1), now + timedelta(minutes=1)
        )
        by_id = {o.order_id: o for o in orders.items}
        assert set(by_id) == set(placed)
        assert by_id[placed[0]].status is OrderStatus.CANCELLED
        assert by_id[placed[1]].status is OrderStatus.PAID
        assert {(x.seller_sku, x.quantity) for x in by_id[placed[1]].lines} == {
            ("A-00", 1),
            ("C-16", 3),
        }
        assert by_id[placed[0]].lines[0].price == Money("SGD", 2500)
        got = await adapter.get_orders(shop, [placed[1]])
        assert [o.order_id for o in got] == [placed[1]]

        # Pushes (message_type 0): signed the LPM way, parsed into ORDER events.
        # Every push the sandbox queued has been answered once drain returns.
        await lz.settle(shop.shop_id)
        assert len(lz.hooks) >= 4  # 1 + 2 order lines placed, 1 cancel
        events: list[WebhookEvent] = []
        for headers, body in lz.hooks:
            expected = push_signature(shop.app["app_key"], shop.app["app_secret"], body)
            assert headers["authorization"] == expected
            events += adapter.parse_webhook(headers, body)
        assert {e.kind for e in events} == {WebhookKind.ORDER}
        assert {e.order.order_id for e in events if e.order} == set(placed)
        assert any(e.order and e.order.status is OrderStatus.CANCELLED for e in events)
    finally:
        await adapter.aclose()


async def test_wrong_sign_is_permanent_and_not_retried(lz: ServedPlatform) -> None:
    """Raw sign/timestamp checks: tests/unit/test_lazada_sandbox.py."""
    shop = await _new_shop(lz)
    wrong_secret = ShopAuth(
        shop.platform, shop.shop_id, {**shop.app, "app_secret": "wrong"}, shop.tokens, 50.0
    )
    adapter = _adapter(lz)
    with pytest.raises(AdapterError) as caught:
        await adapter.list_listings(wrong_secret)
    assert caught.value.kind is FailureKind.PERMANENT
    assert caught.value.code == "IncompleteSignature"
    assert adapter.calls == {"/products/get": 1}  # not retried
    await adapter.aclose()


async def test_expired_token_is_refreshed_once(lz: ServedPlatform) -> None:
    shop = await _new_shop(lz)
    assert shop.tokens is not None
    old = shop.tokens
    await lz.admin("POST", f"{shop.shop_id}/token/expire")
    adapter = _adapter(lz)
    assert (await adapter.list_listings(shop)).items == []
    assert shop.tokens.access_token != old.access_token
    assert shop.tokens.refresh_token != old.refresh_token
    assert adapter.calls == {"/products/get": 2, "/auth/token/refresh": 1}
    stale = ShopAuth(shop.platform, shop.shop_id, shop.app, old, shop.rate_limit)
    with pytest.raises(AdapterError) as caught:
        await adapter.refresh_token(stale)
    assert caught.value.kind is FailureKind.AUTH
    await adapter.aclose()


async def test_throttle_storm_is_survived_without_exceeding_the_limit(lz: ServedPlatform) -> None:
    limit = 10.0  # Lazada's default in the sandbox
    shop = await _new_shop(lz, rate_limit=limit)
    adapter = _adapter(lz)
    ref = await adapter.create_listing(shop, _draft("STORM", 3))
    await lz.admin("POST", f"{shop.shop_id}/faults", json={"throttle_storm": 5})
    updates = [StockUpdate(f"STORM-{i:02d}", 3) for i in range(3)]
    results: list[ItemResult] = []
    for _ in range(8):
        results += await adapter.update_stock(shop, updates)
        await adapter.get_listing(shop, ref.external_id)
    assert all(r.ok for r in results)
    faults = await lz.admin("GET", f"{shop.shop_id}/faults")
    assert faults["throttled"] == 5
    assert faults["rate_limited"] == 0
    times = sorted(t for t, _ in (await lz.admin("GET", f"{shop.shop_id}/requests"))["requests"])
    for i, start in enumerate(times):
        assert sum(1 for t in times[i:] if t - start < 1.0) <= limit + 1
    await adapter.aclose()


async def test_5xx_and_timeouts_are_retried(lz: ServedPlatform) -> None:
    shop = await _new_shop(lz)
    adapter = _adapter(lz, timeout=httpx.Timeout(0.4, connect=1.0))
    ref = await adapter.create_listing(shop, _draft("FLAKY", 3))
    await lz.admin(
        "POST",
        f"{shop.shop_id}/faults",
        json={"error_rate": 0.4, "timeout_next": 2, "hang_seconds": 1.0, "seed": 3},
    )
    for _ in range(8):
        assert len((await adapter.get_listing(shop, ref.external_id)).variants) == 3
    faults = await lz.admin("GET", f"{shop.shop_id}/faults")
    assert faults["server_errors"] > 0 and faults["timeouts"] > 0
    assert adapter.calls["/product/item/get"] > 8
    await adapter.aclose()


async def test_create_that_timed_out_after_storing_is_not_duplicated(lz: ServedPlatform) -> None:
    shop = await _new_shop(lz)
    adapter = _adapter(lz, timeout=httpx.Timeout(0.4, connect=1.0))
    await lz.admin("POST", f"{shop.shop_id}/faults", json={"timeout_next": 1, "hang_seconds": 1})
    ref = await adapter.create_listing(shop, _draft("ONCE", 3))
    assert adapter.calls["/product/create"] == 1
    stored = (await lz.admin("GET", f"{shop.shop_id}/listings"))["listings"]
    assert len(stored) == 1 and str(stored[0]["item_id"]) == ref.external_id
    assert set(ref.variant_ids) == {"ONCE-00", "ONCE-01", "ONCE-02"}
    await adapter.aclose()


async def test_permanent_platform_error_is_not_retried(lz: ServedPlatform) -> None:
    shop = await _new_shop(lz)
    adapter = _adapter(lz)
    with pytest.raises(AdapterError) as caught:
        await adapter.get_listing(shop, "424242")
    assert caught.value.kind is FailureKind.PERMANENT and caught.value.code == "208"
    assert adapter.calls == {"/product/item/get": 1}
    await adapter.aclose()


async def test_authorize_and_exchange_code(lz: ServedPlatform) -> None:
    shop = await _new_shop(lz)
    adapter = _adapter(lz)
    url = adapter.authorization_url(shop, "https://app.example/cb", "st-1")
    async with httpx.AsyncClient() as client:
        r = await client.get(url)
    assert r.status_code == 302
    location = httpx.URL(r.headers["location"])
    assert location.params["state"] == "st-1"
    pair = await adapter.exchange_code(shop, location.params["code"])
    assert shop.tokens == pair and pair.access_expires_at > datetime.now(UTC)
    assert (await adapter.list_listings(shop)).items == []
    with pytest.raises(AdapterError) as caught:
        await adapter.exchange_code(shop, location.params["code"])
    assert caught.value.kind is FailureKind.AUTH
    await adapter.aclose()
