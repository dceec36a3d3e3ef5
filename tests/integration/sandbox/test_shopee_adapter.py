"""The Shopee adapter against the Shopee sandbox over real HTTP (uvicorn in-process).

The app mounts only the Shopee routes (tests.support.sandbox_admin)."""

from __future__ import annotations

import time
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest
import pytest_asyncio

from sandbox import shopee
from services.common.money import Money
from services.sync.adapters.base import (
    ItemResult,
    ListingDraft,
    ListingVariant,
    OrderStatus,
    PriceUpdate,
    ShopAuth,
    StockUpdate,
)
from services.sync.adapters.errors import AdapterError, FailureKind
from services.sync.adapters.retry import RetryBudget
from services.sync.adapters.shopee import ShopeeAdapter, _Target
from services.sync.adapters.shopee.signing import api_sign, shop_base_string
from tests.support.adapter_catalog import create_bulk, tee_variants
from tests.support.sandbox_admin import ServedPlatform, serve_platform
from tests.support.sea_shops import shopee_auth

pytestmark = pytest.mark.asyncio(loop_scope="session")

FAST = RetryBudget(attempts=6, seconds=30, initial_backoff=0.05, max_backoff=0.5)


@pytest_asyncio.fixture(scope="module", loop_scope="session")
async def sandbox() -> AsyncIterator[ServedPlatform]:
    async with serve_platform("shopee", shopee.admin_routes, shopee.api_routes) as served:
        yield served


async def _new_shop(sandbox: ServedPlatform, rate_limit: float = 50.0) -> ShopAuth:
    creds = await sandbox.create_shop(rate_limit=rate_limit)
    assert {"partner_id", "partner_key", "shop_id", "access_token", "refresh_token"} <= set(creds)
    return shopee_auth(creds, rate_limit, currency="SGD")


def _adapter(sandbox: ServedPlatform, **kw: Any) -> ShopeeAdapter:
    kw.setdefault("retry_budget", FAST)
    return ShopeeAdapter(sandbox.url + "/shopee", **kw)


def _draft(prefix: str, count: int) -> ListingDraft:
    return ListingDraft(
        seller_sku=prefix,
        title=f"Product {prefix}",
        description="A product",
        category_id="100017",
        brand="",
        images=[],
        option_names=["Variant"],
        variants=[
            ListingVariant(f"{prefix}-{i:02d}", [f"V{i}"], Money("SGD", 1000 + i), 10 + i)
            for i in range(count)
        ],
        weight_grams=300,
    )


async def test_full_flow_create_read_batch_update_and_orders(sandbox: ServedPlatform) -> None:
    shop = await _new_shop(sandbox)
    adapter = _adapter(sandbox)
    try:
        draft = _draft("TEE", 3)
        ref = await adapter.create_listing(shop, draft)
        assert set(ref.variant_ids) == {"TEE-00", "TEE-01", "TEE-02"}
        assert adapter.calls == {
            "/api/v2/product/add_item": 1,
            "/api/v2/product/init_tier_variation": 1,
        }

        listing = await adapter.get_listing(shop, ref.external_id)
        assert listing.title == "Product TEE"
        assert {(v.seller_sku, v.price, v.stock) for v in listing.variants} == tee_variants(
            "SGD", 1000
        )

        # 3 + 50 + 50 + 17 = 120 SKUs over 4 items: the minimum is 4 calls each.
        skus = await create_bulk(adapter, shop, _draft)
        assert len(skus) == 120

        adapter.calls.clear()
        prices = await adapter.update_prices(
            shop, [PriceUpdate(s, Money("SGD", 2500)) for s in skus]
        )
        assert [r.seller_sku for r in prices] == skus and all(r.ok for r in prices)
        stock = await adapter.update_stock(shop, [StockUpdate(s, 7) for s in skus])
        assert all(r.ok for r in stock)
        assert adapter.calls == {
            "/api/v2/product/update_price": 4,
            "/api/v2/product/update_stock": 4,
        }
        stored = (await sandbox.admin("GET", f"{shop.shop_id}/listings"))["listings"]
        models = [m for x in stored for m in x["models"]]
        assert len(models) == 120
        assert all(m["price"] == 25.0 and m["stock"] == 7 for m in models)

        # An unknown SKU fails alone; a fresh adapter finds SKUs by scanning the shop.
        fresh = _adapter(sandbox)
        mixed = await fresh.update_stock(shop, [StockUpdate("A-03", 9), StockUpdate("NOPE", 1)])
        assert mixed[0].ok
        assert mixed[1].error is not None and mixed[1].error.kind is FailureKind.PERMANENT
        found = await fresh.find_listing_by_seller_sku(shop, "B-07")
        assert found is not None and any(v.seller_sku == "B-07" for v in found.variants)
        assert await fresh.find_listing_by_seller_sku(shop, "NOPE") is None
        page = await fresh.list_listings(shop)
        assert len(page.items) == 4 and page.next_page_token == ""
        await fresh.aclose()

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
        assert set(by_id) == set(placed)
        assert by_id[placed[0]].status is OrderStatus.CANCELLED
        assert by_id[placed[1]].status is OrderStatus.PAID
        assert {(line.seller_sku, line.quantity) for line in by_id[placed[1]].lines} == {
            ("A-00", 1),
            ("C-16", 3),
        }
        assert by_id[placed[0]].lines[0].price == Money("SGD", 2500)
        got = await adapter.get_orders(shop, [placed[1]])
        assert [o.order_id for o in got] == [placed[1]]
    finally:
        await adapter.aclose()


def _signed_url(
    sandbox: ServedPlatform, shop: ShopAuth, path: str, *, timestamp: int, key: str
) -> str:
    assert shop.tokens is not None
    partner_id = shop.app["partner_id"]
    token = shop.tokens.access_token
    sign = api_sign(key, shop_base_string(partner_id, path, timestamp, token, shop.shop_id))
    return (
        f"{sandbox.url}/shopee{path}?partner_id={partner_id}&timestamp={timestamp}"
        f"&access_token={token}&shop_id={shop.shop_id}&sign={sign}"
        "&offset=0&page_size=10&item_status=NORMAL"
    )


async def test_sign_and_timestamp_checks(sandbox: ServedPlatform) -> None:
    shop = await _new_shop(sandbox)
    path = "/api/v2/product/get_item_list"
    key = shop.app["partner_key"]
    async with httpx.AsyncClient() as client:
        good = await client.get(
            _signed_url(sandbox, shop, path, timestamp=int(time.time()), key=key)
        )
        assert good.status_code == 200 and good.json()["error"] == ""

        wrong = await client.get(
            _signed_url(sandbox, shop, path, timestamp=int(time.time()), key="not-the-key")
        )
        body = wrong.json()
        assert body["error"] == "error_sign" and body["request_id"] and "message" in body

        stale = await client.get(
            _signed_url(sandbox, shop, path, timestamp=int(time.time()) - 301, key=key)
        )
        assert stale.json()["error"] == "error_param"
        assert stale.json()["message"] == "Timestamp is expired."

        add_item = _signed_url(
            sandbox, shop, "/api/v2/product/add_item", timestamp=int(time.time()), key=key
        )
        for raw, message in (
            (b"{oops", "Request body is not valid JSON."),
            (b"[1]", "Request body must be a JSON object."),
        ):
            refused = await client.post(add_item, content=raw)
            assert refused.status_code == 400
            assert refused.json()["error"] == "error_param"
            assert refused.json()["message"] == message

        # The signature covers the platform's path, not the sandbox's /shopee prefix.
        assert shop.tokens is not None
        ts = int(time.time())
        prefixed = api_sign(
            key,
            shop_base_string(
                shop.app["partner_id"], "/shopee" + path, ts, shop.tokens.access_token, shop.shop_id
            ),
        )
        url = _signed_url(sandbox, shop, path, timestamp=ts, key=key)
        bad = await client.get(
            url.rsplit("&sign=", 1)[0]
            + f"&sign={prefixed}&offset=0&page_size=10&item_status=NORMAL"
        )
        assert bad.json()["error"] == "error_sign"

    # The adapter treats a wrong sign as permanent: one request, no retry.
    wrong_key = ShopAuth(
        platform=shop.platform,
        shop_id=shop.shop_id,
        app={**shop.app, "partner_key": "wrong"},
        tokens=shop.tokens,
        rate_limit=shop.rate_limit,
    )
    adapter = _adapter(sandbox)
    with pytest.raises(AdapterError) as caught:
        await adapter.list_listings(wrong_key)
    assert caught.value.kind is FailureKind.PERMANENT and caught.value.code == "error_sign"
    assert caught.value.platform_message == "Wrong sign."
    assert adapter.calls == {"/api/v2/product/get_item_list": 1}
    await adapter.aclose()


async def test_expired_token_is_refreshed_once(sandbox: ServedPlatform) -> None:
    shop = await _new_shop(sandbox)
    assert shop.tokens is not None
    old = shop.tokens
    await sandbox.admin("POST", f"{shop.shop_id}/token/expire")
    adapter = _adapter(sandbox)
    page = await adapter.list_listings(shop)
    assert page.items == []
    assert shop.tokens.access_token != old.access_token
    assert shop.tokens.refresh_token != old.refresh_token
    assert adapter.calls["/api/v2/auth/access_token/get"] == 1
    # Refresh tokens are single use: the old one is refused now.
    stale = ShopAuth(shop.platform, shop.shop_id, shop.app, old, shop.rate_limit)
    with pytest.raises(AdapterError) as caught:
        await adapter.refresh_token(stale)
    assert caught.value.kind is FailureKind.AUTH
    await adapter.aclose()


async def test_throttle_storm_is_survived_without_exceeding_the_limit(
    sandbox: ServedPlatform,
) -> None:
    limit = 20.0
    shop = await _new_shop(sandbox, rate_limit=limit)
    adapter = _adapter(sandbox)
    ref = await adapter.create_listing(shop, _draft("STORM", 3))
    await sandbox.admin("POST", f"{shop.shop_id}/faults", json={"throttle_storm": 5})
    updates = [StockUpdate(f"STORM-{i:02d}", 3) for i in range(3)]
    results: list[ItemResult] = []
    for _ in range(10):
        results += await adapter.update_stock(shop, updates)
        await adapter.get_listing(shop, ref.external_id)
    assert all(r.ok for r in results)
    faults = await sandbox.admin("GET", f"{shop.shop_id}/faults")
    assert faults["throttled"] == 5
    assert faults["rate_limited"] == 0  # the shop's real limit was never hit
    times = sorted(
        t for t, _ in (await sandbox.admin("GET", f"{shop.shop_id}/requests"))["requests"]
    )
    for i, start in enumerate(times):
        in_window = sum(1 for t in times[i:] if t - start < 1.0)
        assert in_window <= limit + 1
    await adapter.aclose()


async def test_5xx_and_timeouts_are_retried(sandbox: ServedPlatform) -> None:
    shop = await _new_shop(sandbox)
    adapter = _adapter(sandbox, timeout=httpx.Timeout(0.4, connect=1.0))
    ref = await adapter.create_listing(shop, _draft("FLAKY", 3))
    await sandbox.admin(
        "POST",
        f"{shop.shop_id}/faults",
        json={"error_rate": 0.4, "timeout_rate": 0.1, "hang_seconds": 1.0, "seed": 3},
    )
    for _ in range(8):
        listing = await adapter.get_listing(shop, ref.external_id)
        assert len(listing.variants) == 3
    faults = await sandbox.admin("GET", f"{shop.shop_id}/faults")
    assert faults["server_errors"] > 0 and faults["timeouts"] > 0
    calls = adapter.calls["/api/v2/product/get_item_base_info"]
    assert calls > 8  # retried
    await sandbox.admin("POST", f"{shop.shop_id}/faults", json={"error_rate": 0, "timeout_rate": 0})
    await adapter.aclose()


async def test_create_that_timed_out_after_storing_is_not_duplicated(
    sandbox: ServedPlatform,
) -> None:
    shop = await _new_shop(sandbox)
    adapter = _adapter(sandbox, timeout=httpx.Timeout(0.4, connect=1.0))
    await sandbox.admin(
        "POST", f"{shop.shop_id}/faults", json={"timeout_next": 1, "hang_seconds": 1.0}
    )
    ref = await adapter.create_listing(shop, _draft("ONCE", 3))
    assert adapter.calls["/api/v2/product/add_item"] == 1
    stored = (await sandbox.admin("GET", f"{shop.shop_id}/listings"))["listings"]
    assert len(stored) == 1 and stored[0]["item_id"] == int(ref.external_id)
    assert len(stored[0]["models"]) == 3
    await adapter.aclose()


async def test_permanent_platform_error_is_not_retried(sandbox: ServedPlatform) -> None:
    shop = await _new_shop(sandbox)
    adapter = _adapter(sandbox)
    # A SKU the adapter still maps to an item the platform no longer has.
    adapter._index(shop)["GHOST"] = _Target(item_id=424242, model_id=1)
    [result] = await adapter.update_stock(shop, [StockUpdate("GHOST", 1)])
    assert result.error is not None
    assert result.error.kind is FailureKind.PERMANENT
    assert result.error.code == "product.error_item_not_found"
    assert adapter.calls == {"/api/v2/product/update_stock": 1}
    await adapter.aclose()


async def test_authorize_and_exchange_code(sandbox: ServedPlatform) -> None:
    shop = await _new_shop(sandbox)
    adapter = _adapter(sandbox)
    url = adapter.authorization_url(shop, "https://app.example/cb", "st-1")
    async with httpx.AsyncClient() as client:
        r = await client.get(url)
    assert r.status_code == 302
    location = httpx.URL(r.headers["location"])
    assert location.params["state"] == "st-1"
    assert location.params["shop_id"] == shop.shop_id
    pair = await adapter.exchange_code(shop, location.params["code"])
    assert shop.tokens == pair and pair.access_expires_at > datetime.now(UTC)
    assert (await adapter.list_listings(shop)).items == []
    # A code is single use.
    with pytest.raises(AdapterError) as caught:
        await adapter.exchange_code(shop, location.params["code"])
    assert caught.value.kind is FailureKind.AUTH
    await adapter.aclose()
