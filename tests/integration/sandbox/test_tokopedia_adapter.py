"""The Tokopedia adapter against the Tokopedia sandbox over real HTTP (uvicorn in-process).

The app mounts only the Tokopedia routes (tests.support.sandbox_admin)."""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest
import pytest_asyncio

from sandbox import tokopedia
from services.common.money import Money
from services.sync.adapters.base import (
    ListingDraft,
    ListingVariant,
    MarketplaceAdapter,
    OrderStatus,
    PriceUpdate,
    ShopAuth,
    StockUpdate,
    WebhookKind,
)
from services.sync.adapters.errors import AdapterError, FailureKind
from services.sync.adapters.retry import RetryBudget
from services.sync.adapters.tokopedia import TokopediaAdapter
from services.sync.adapters.tokopedia.webhooks import verify
from tests.support.adapter_catalog import create_bulk, tee_variants
from tests.support.sandbox_admin import ServedPlatform, serve_platform
from tests.support.sea_shops import tokopedia_auth

pytestmark = pytest.mark.asyncio(loop_scope="session")

FAST = RetryBudget(attempts=6, seconds=30, initial_backoff=0.05, max_backoff=0.5)


@pytest_asyncio.fixture(scope="module", loop_scope="session")
async def sandbox() -> AsyncIterator[ServedPlatform]:
    async with serve_platform("tokopedia", tokopedia.admin_routes, tokopedia.api_routes) as served:
        yield served


async def _new_shop(
    sandbox: ServedPlatform, rate_limit: float = 5.0
) -> tuple[ShopAuth, dict[str, Any]]:
    creds = await sandbox.create_shop(rate_limit=rate_limit)
    assert {"client_id", "client_secret", "fs_id", "shop_id", "webhook_secret"} <= set(creds)
    return tokopedia_auth(creds, rate_limit), creds


def _adapter(sandbox: ServedPlatform, **kw: Any) -> TokopediaAdapter:
    kw.setdefault("retry_budget", FAST)
    return TokopediaAdapter(sandbox.url + "/tokopedia", **kw)


def _draft(prefix: str, count: int) -> ListingDraft:
    variants = [
        ListingVariant(f"{prefix}-{i:02d}", [f"V{i}"], Money("IDR", 10_000 + i), 10 + i)
        for i in range(count)
    ]
    title = f"Product {prefix}"
    return ListingDraft(prefix, title, "A product", "562", "", [], ["Variant"], variants, 300)


async def test_full_flow(sandbox: ServedPlatform) -> None:
    shop, creds = await _new_shop(sandbox, rate_limit=100)
    adapter: MarketplaceAdapter = _adapter(sandbox)
    assert isinstance(adapter, TokopediaAdapter)
    try:
        url = httpx.URL(adapter.authorization_url(shop, "https://app.example/cb", "st-1"))
        assert url.params["state"] == "st-1" and url.params["shop_id"] == shop.shop_id
        pair = await adapter.exchange_code(shop, "")
        assert shop.tokens == pair and pair.access_expires_at > datetime.now(UTC)

        ref = await adapter.create_listing(shop, _draft("TEE", 3))
        assert set(ref.variant_ids) == {"TEE-00", "TEE-01", "TEE-02"}
        listing = await adapter.get_listing(shop, ref.external_id)
        assert listing.title == "Product TEE"
        assert {(v.seller_sku, v.price, v.stock) for v in listing.variants} == tee_variants(
            "IDR", 10_000
        )
        skus = await create_bulk(adapter, shop, _draft)
        assert len(skus) == 120

        adapter.calls.clear()
        prices = await adapter.update_prices(
            shop, [PriceUpdate(s, Money("IDR", 25_000)) for s in skus]
        )
        assert [r.seller_sku for r in prices] == skus and all(r.ok for r in prices)
        stock = await adapter.update_stock(shop, [StockUpdate(s, 7) for s in skus])
        assert all(r.ok for r in stock)
        fs = creds["fs_id"]
        # ≤ 100 items per call, one under the shop's burst of 100: 99 + 21.
        assert adapter.calls == {
            f"/inventory/v1/fs/{fs}/price/update": 2,
            f"/inventory/v1/fs/{fs}/stock/update": 2,
        }
        assert adapter.throttled_items == 0
        stored = (await sandbox.admin("GET", f"{shop.shop_id}/listings"))["listings"]
        variants = [v for x in stored for v in x["variants"]]
        assert len(variants) == 120
        assert all(v["price"] == 25_000 and v["stock"] == 7 for v in variants)

        mixed = await adapter.update_stock(shop, [StockUpdate("A-03", 9), StockUpdate("NOPE", 1)])
        assert mixed[0].ok
        assert mixed[1].error is not None and mixed[1].error.kind is FailureKind.PERMANENT
        found = await adapter.find_listing_by_seller_sku(shop, "B-07")
        assert found is not None and len(found.variants) == 50
        assert await adapter.find_listing_by_seller_sku(shop, "NOPE") is None
        page = await adapter.list_listings(shop)
        assert len(page.items) == 4 and page.next_page_token == ""

        hook = {"url": sandbox.hook_url}
        await sandbox.admin("POST", f"{shop.shop_id}/webhook", json=hook)
        placed = [
            (await sandbox.admin("POST", f"{shop.shop_id}/orders", json=body))["order_id"]
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
        await sandbox.admin("POST", f"{shop.shop_id}/orders/{placed[0]}/cancel")
        now = datetime.now(UTC)
        orders = await adapter.list_orders(
            shop, now - timedelta(hours=1), now + timedelta(minutes=1)
        )
        by_id = {o.order_id: o for o in orders.items}
        assert set(by_id) == set(placed) and orders.next_page_token == ""
        assert by_id[placed[0]].status is OrderStatus.CANCELLED
        assert by_id[placed[1]].status is OrderStatus.PAID
        lines = {(x.seller_sku, x.quantity) for x in by_id[placed[1]].lines}
        assert lines == {("A-00", 1), ("C-16", 3)}
        assert by_id[placed[0]].lines[0].price == Money("IDR", 25_000)
        assert [o.order_id for o in await adapter.get_orders(shop, [placed[1]])] == [placed[1]]

        # Every notification the sandbox queued has been answered once drain returns.
        await sandbox.settle(shop.shop_id)
        assert len(sandbox.hooks) == 3  # placed, placed, cancelled
        headers, body = next(
            (h, b)
            for h, b in sandbox.hooks
            if json.loads(b)["order_status"] == 220 and str(json.loads(b)["order_id"]) == placed[0]
        )
        assert verify(creds["webhook_secret"], headers, body)
        assert not verify("wrong-secret", headers, body)
        [event] = adapter.parse_webhook(headers, body)
        assert event.kind is WebhookKind.ORDER and event.shop_id == shop.shop_id
        assert event.order is not None and event.order.order_id == placed[0]
        assert event.order.status is OrderStatus.PAID
    finally:
        await adapter.aclose()


async def test_stock_is_paced_by_the_per_item_limit(sandbox: ServedPlatform) -> None:
    # The adapter paces at the platform default, 5 items/s, by its own clock. The
    # sandbox enforces 6/s: on a loaded machine two calls sent 0.8 s apart can arrive
    # closer together, and a real platform's limit has that slack too.
    creds = await sandbox.create_shop(rate_limit=6)
    shop = tokopedia_auth(creds, 5)
    adapter = _adapter(sandbox)
    await adapter.create_listing(shop, _draft("SLOW", 12))
    await asyncio.sleep(1.0)  # let the sandbox's bucket refill after the create calls
    started = time.monotonic()
    results = await adapter.update_stock(shop, [StockUpdate(f"SLOW-{i:02d}", 3) for i in range(12)])
    elapsed = time.monotonic() - started
    assert all(r.ok for r in results)
    assert adapter.throttled_items == 0
    path = next(p for p in adapter.calls if p.endswith("/stock/update"))
    assert adapter.calls[path] == 3  # 4 items per call: one under the burst of 5
    assert elapsed >= (12 - 1) / 5 - 0.1  # 12 tokens at 5/s, capacity 1
    faults = await sandbox.admin("GET", f"{shop.shop_id}/faults")
    assert faults["rate_limited"] == 0
    await adapter.aclose()


async def test_bad_and_expired_tokens(sandbox: ServedPlatform) -> None:
    shop, _ = await _new_shop(sandbox)
    adapter = _adapter(sandbox)
    assert await adapter.find_listing_by_seller_sku(shop, "X") is None  # fetched a token first
    assert shop.tokens is not None
    old = shop.tokens.access_token
    await sandbox.admin("POST", f"{shop.shop_id}/token/expire")
    assert await adapter.find_listing_by_seller_sku(shop, "X") is None
    assert shop.tokens.access_token != old
    assert adapter.calls["/token"] == 2  # first token, then one refresh after the 401

    wrong = ShopAuth(shop.platform, shop.shop_id, {**shop.app, "client_secret": "bad"})
    with pytest.raises(AdapterError) as caught:
        await adapter.refresh_token(wrong)
    assert caught.value.kind is FailureKind.AUTH and caught.value.code == "invalid_client"
    await adapter.aclose()


async def test_throttle_storm_honours_ratelimit_headers(sandbox: ServedPlatform) -> None:
    shop, _ = await _new_shop(sandbox, rate_limit=20)
    adapter = _adapter(sandbox)
    ref = await adapter.create_listing(shop, _draft("STORM", 3))
    await sandbox.admin("POST", f"{shop.shop_id}/faults", json={"throttle_storm": 3})
    for _ in range(3):
        assert len((await adapter.get_listing(shop, ref.external_id)).variants) == 3
    faults = await sandbox.admin("GET", f"{shop.shop_id}/faults")
    assert faults["throttled"] == 3 and faults["rate_limited"] == 0
    await adapter.aclose()


async def test_5xx_and_timeouts_are_retried(sandbox: ServedPlatform) -> None:
    shop, creds = await _new_shop(sandbox, rate_limit=50)
    adapter = _adapter(sandbox, timeout=httpx.Timeout(0.4, connect=1.0))
    ref = await adapter.create_listing(shop, _draft("FLAKY", 3))
    switches = {"error_rate": 0.4, "timeout_rate": 0.1, "hang_seconds": 1.0, "seed": 3}
    await sandbox.admin("POST", f"{shop.shop_id}/faults", json=switches)
    for _ in range(6):
        assert len((await adapter.get_listing(shop, ref.external_id)).variants) == 3
    faults = await sandbox.admin("GET", f"{shop.shop_id}/faults")
    assert faults["server_errors"] > 0
    assert adapter.calls[f"/inventory/v1/fs/{creds['fs_id']}/product/info"] > 12
    await adapter.aclose()


async def test_create_that_timed_out_after_storing_is_not_duplicated(
    sandbox: ServedPlatform,
) -> None:
    shop, creds = await _new_shop(sandbox, rate_limit=50)
    adapter = _adapter(sandbox, timeout=httpx.Timeout(0.4, connect=1.0))
    await adapter.refresh_token(shop)
    switches = {"timeout_next": 1, "hang_seconds": 1.0}
    await sandbox.admin("POST", f"{shop.shop_id}/faults", json=switches)
    ref = await adapter.create_listing(shop, _draft("ONCE", 3))
    assert adapter.calls[f"/v3/products/fs/{creds['fs_id']}/create"] == 1
    stored = (await sandbox.admin("GET", f"{shop.shop_id}/listings"))["listings"]
    assert len(stored) == 1 and str(stored[0]["product_id"]) == ref.external_id
    await adapter.aclose()


async def test_permanent_errors_are_not_retried(sandbox: ServedPlatform) -> None:
    shop, creds = await _new_shop(sandbox)
    adapter = _adapter(sandbox)
    with pytest.raises(AdapterError) as caught:
        await adapter.get_orders(shop, ["424242"])
    assert caught.value.kind is FailureKind.PERMANENT and caught.value.code == "ORD_API_006"
    assert adapter.calls[f"/v2/fs/{creds['fs_id']}/order"] == 1
    await adapter.aclose()
