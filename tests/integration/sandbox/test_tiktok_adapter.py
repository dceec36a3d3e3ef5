"""The TikTok Shop adapter against the sandbox over real HTTP (uvicorn in-process).

The app mounts only the TikTok Shop routes (tests.support.sandbox_admin), so this test
does not depend on the other platforms being mounted.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest
import pytest_asyncio

from sandbox import tiktok
from sandbox.tiktok.envelope import PARAM_ERROR
from services.common.money import Money
from services.sync.adapters.base import (
    ListingDraft,
    ListingVariant,
    MarketplaceAdapter,
    OrderStatus,
    PriceUpdate,
    ShopAuth,
    StockUpdate,
)
from services.sync.adapters.errors import AdapterError, FailureKind
from services.sync.adapters.retry import RetryBudget
from services.sync.adapters.tiktok import TikTokAdapter, _Target
from services.sync.adapters.tiktok.signing import sign
from tests.support.sandbox_admin import ServedPlatform, serve_platform
from tests.support.sea_shops import tiktok_auth

pytestmark = pytest.mark.asyncio(loop_scope="session")

FAST = RetryBudget(attempts=6, seconds=30, initial_backoff=0.05, max_backoff=0.5)
PRODUCTS = "/product/202309/products"


@pytest_asyncio.fixture(scope="module", loop_scope="session")
async def tts() -> AsyncIterator[ServedPlatform]:
    async with serve_platform("tiktok", tiktok.admin_routes, tiktok.api_routes) as served:
        yield served


async def _new_shop(sb: ServedPlatform, rate_limit: float = 50.0, cipher: bool = True) -> ShopAuth:
    c = await sb.create_shop(rate_limit=rate_limit)
    names = {"app_key", "app_secret", "shop_id", "shop_cipher", "access_token", "refresh_token"}
    assert names <= set(c)
    return tiktok_auth(c, rate_limit, cipher=cipher)


def _adapter(sb: ServedPlatform, **kw: Any) -> TikTokAdapter:
    kw.setdefault("retry_budget", FAST)
    return TikTokAdapter(sb.url + "/tiktok", sb.url + "/tiktok", **kw)


def _draft(prefix: str, count: int) -> ListingDraft:
    return ListingDraft(
        seller_sku=prefix,
        title=f"Product {prefix}",
        description="A product",
        category_id="600001",
        brand="",
        images=[],
        option_names=["Colour", "Size"],
        variants=[
            ListingVariant(
                f"{prefix}-{i:03d}", [f"C{i // 10}", f"S{i % 10}"], Money("SGD", 1000 + i), 10 + i
            )
            for i in range(count)
        ],
        weight_grams=300,
    )


async def test_full_flow_create_read_batch_update_and_orders(tts: ServedPlatform) -> None:
    shop = await _new_shop(tts)
    adapter = _adapter(tts)
    _: MarketplaceAdapter = adapter
    try:
        ref = await adapter.create_listing(shop, _draft("TEE", 3))
        assert set(ref.variant_ids) == {"TEE-000", "TEE-001", "TEE-002"}
        assert adapter.calls == {PRODUCTS: 1}
        listing = await adapter.get_listing(shop, ref.external_id)
        assert listing.title == "Product TEE" and listing.status == "ACTIVATE"
        assert {(v.seller_sku, v.price, v.stock) for v in listing.variants} == {
            ("TEE-000", Money("SGD", 1000), 10),
            ("TEE-001", Money("SGD", 1001), 11),
            ("TEE-002", Money("SGD", 1002), 12),
        }
        # SG allows ≤ 100 SKUs per product: 3 + 100 + 17 = 120 SKUs over 3 products.
        with pytest.raises(AdapterError) as too_many:
            await adapter.create_listing(shop, _draft("X", 101))
        assert too_many.value.kind is FailureKind.PERMANENT
        await adapter.create_listing(shop, _draft("A", 100))
        await adapter.create_listing(shop, _draft("B", 17))
        skus = [f"TEE-{i:03d}" for i in range(3)]
        skus += [f"{p}-{i:03d}" for p, n in (("A", 100), ("B", 17)) for i in range(n)]
        assert len(skus) == 120

        adapter.calls.clear()
        prices = await adapter.update_prices(
            shop, [PriceUpdate(s, Money("SGD", 2500)) for s in skus]
        )
        assert [r.seller_sku for r in prices] == skus and all(r.ok for r in prices)
        stock = await adapter.update_stock(shop, [StockUpdate(s, 7) for s in skus])
        assert all(r.ok for r in stock)
        assert sum(adapter.calls.values()) == 6  # one price and one stock call per product
        stored = (await tts.admin("GET", f"{shop.shop_id}/listings"))["listings"]
        all_skus = [s for x in stored for s in x["skus"]]
        assert len(all_skus) == 120
        assert all(s["price"] == 25.0 and s["stock"] == 7 for s in all_skus)

        # A fresh adapter finds SKUs by searching; an unknown SKU fails alone.
        fresh = _adapter(tts)
        mixed = await fresh.update_stock(shop, [StockUpdate("A-003", 9), StockUpdate("NOPE", 1)])
        assert mixed[0].ok
        assert mixed[1].error is not None and mixed[1].error.kind is FailureKind.PERMANENT
        found = await fresh.find_listing_by_seller_sku(shop, "B-007")
        assert found is not None and any(v.seller_sku == "B-007" for v in found.variants)
        assert await fresh.find_listing_by_seller_sku(shop, "NOPE") is None
        page = await fresh.list_listings(shop)
        assert len(page.items) == 3 and page.next_page_token == ""
        await fresh.aclose()

        placed = [
            (await tts.admin("POST", f"{shop.shop_id}/orders", json=body))["order_id"]
            for body in (
                {"lines": [{"seller_sku": "TEE-001", "quantity": 2}]},
                {
                    "lines": [
                        {"seller_sku": "A-000", "quantity": 1},
                        {"seller_sku": "B-016", "quantity": 3},
                    ]
                },
            )
        ]
        await tts.admin("POST", f"{shop.shop_id}/orders/{placed[0]}/cancel")
        now = datetime.now(UTC)
        orders = await adapter.list_orders(
            shop, now - timedelta(hours=1), now + timedelta(minutes=1)
        )
        by_id = {o.order_id: o for o in orders.items}
        assert set(by_id) == set(placed)
        assert by_id[placed[0]].status is OrderStatus.CANCELLED
        assert by_id[placed[1]].status is OrderStatus.PAID
        assert {(x.seller_sku, x.quantity) for x in by_id[placed[1]].lines} == {
            ("A-000", 1),
            ("B-016", 3),
        }
        assert by_id[placed[0]].lines[0].price == Money("SGD", 2500)
        got = await adapter.get_orders(shop, [placed[1]])
        assert [o.order_id for o in got] == [placed[1]]
    finally:
        await adapter.aclose()


def _url(
    sb: ServedPlatform,
    shop: ShopAuth,
    *,
    ts: int,
    secret: str,
    path: str = PRODUCTS + "/search",
    body: bytes = b"{}",
) -> str:
    query = [
        ("app_key", shop.app["app_key"]),
        ("timestamp", str(ts)),
        ("shop_cipher", shop.app["shop_cipher"]),
        ("page_size", "10"),
    ]
    signature = sign(secret, path, query, body)
    return (
        f"{sb.url}/tiktok{PRODUCTS}/search?"
        + "&".join(f"{k}={v}" for k, v in query)
        + f"&sign={signature}"
    )


async def test_sign_and_timestamp_checks(tts: ServedPlatform) -> None:
    shop = await _new_shop(tts)
    assert shop.tokens is not None
    headers = {"x-tts-access-token": shop.tokens.access_token, "content-type": "application/json"}
    secret = shop.app["app_secret"]
    async with httpx.AsyncClient() as client:

        async def post(url: str) -> httpx.Response:
            return await client.post(url, content=b"{}", headers=headers)

        good = await post(_url(tts, shop, ts=int(time.time()), secret=secret))
        assert good.status_code == 200 and good.json()["code"] == 0
        assert {"code", "message", "request_id", "data"} <= set(good.json())
        wrong = (await post(_url(tts, shop, ts=int(time.time()), secret="nope"))).json()
        assert wrong["code"] == 106001 and wrong["request_id"]
        stale = (await post(_url(tts, shop, ts=int(time.time()) - 301, secret=secret))).json()
        assert stale["code"] == 36009004
        future = (await post(_url(tts, shop, ts=int(time.time()) + 60, secret=secret))).json()
        assert future["code"] == 36009004
        # The sign covers the platform's path, not the sandbox's /tiktok prefix.
        prefixed = _url(
            tts, shop, ts=int(time.time()), secret=secret, path="/tiktok" + PRODUCTS + "/search"
        )
        assert (await post(prefixed)).json()["code"] == 106001
        for raw, message in (
            (b"{oops", "Request body is not valid JSON."),
            (b"[1]", "Request body must be a JSON object."),
        ):
            signed = _url(tts, shop, ts=int(time.time()), secret=secret, body=raw)
            refused = await client.post(signed, content=raw, headers=headers)
            assert refused.status_code == 400
            assert refused.json()["code"] == PARAM_ERROR and refused.json()["message"] == message
        no_cipher = _url(tts, shop, ts=int(time.time()), secret=secret)
        # Past the shop's limit on one API: 429 with TikTok's code. The limit drops to one
        # request per 1000 s first, so the burst exceeds it however slowly a busy machine
        # sends it (80 requests against the default 50 req/s sometimes did not).
        await tts.admin("POST", f"{shop.shop_id}/faults", json={"rate_limit": 0.001})
        answers = await asyncio.gather(*(post(no_cipher) for _ in range(5)))
        assert sorted(r.status_code for r in answers) == [200, 429, 429, 429, 429]
        throttled = [r.json() for r in answers if r.status_code == 429]
        assert all(t["code"] == 36009002 and t["request_id"] for t in throttled)
        assert all({"code", "message", "request_id", "data"} <= set(t) for t in throttled)

    bad = ShopAuth(
        shop.platform, shop.shop_id, {**shop.app, "app_secret": "wrong"}, shop.tokens, 50.0
    )
    adapter = _adapter(tts)
    with pytest.raises(AdapterError) as caught:
        await adapter.list_listings(bad)
    assert caught.value.kind is FailureKind.PERMANENT and caught.value.code == "106001"
    assert adapter.calls == {PRODUCTS + "/search": 1}  # never retried
    await adapter.aclose()


async def test_authorize_exchange_and_refresh(tts: ServedPlatform) -> None:
    shop = await _new_shop(tts, cipher=False)  # the cipher comes from /authorization/202309/shops
    adapter = _adapter(tts)
    url = adapter.authorization_url(shop, "https://app.example/cb", "st-1")
    async with httpx.AsyncClient() as client:
        r = await client.get(url)
    assert r.status_code == 302
    location = httpx.URL(r.headers["location"])
    assert location.params["state"] == "st-1"
    pair = await adapter.exchange_code(shop, location.params["code"])
    assert shop.tokens == pair and pair.access_expires_at > datetime.now(UTC) + timedelta(days=6)
    assert (await adapter.list_listings(shop)).items == []
    assert adapter.calls["/authorization/202309/shops"] == 1
    with pytest.raises(AdapterError) as reused:
        await adapter.exchange_code(shop, location.params["code"])
    assert reused.value.kind is FailureKind.AUTH

    old = shop.tokens
    await tts.admin("POST", f"{shop.shop_id}/token/expire")
    assert (await adapter.list_listings(shop)).items == []
    assert shop.tokens.access_token != old.access_token
    assert adapter.calls["/api/v2/token/refresh"] == 1
    stale = ShopAuth(shop.platform, shop.shop_id, shop.app, old, shop.rate_limit)
    with pytest.raises(AdapterError) as spent:
        await adapter.refresh_token(stale)
    assert spent.value.kind is FailureKind.AUTH
    await adapter.aclose()


async def test_throttle_storm_is_survived_without_exceeding_the_limit(tts: ServedPlatform) -> None:
    limit = 20.0
    shop = await _new_shop(tts, rate_limit=limit)
    adapter = _adapter(tts)
    ref = await adapter.create_listing(shop, _draft("STORM", 3))
    await tts.admin("POST", f"{shop.shop_id}/faults", json={"throttle_storm": 5})
    updates = [StockUpdate(f"STORM-{i:03d}", 3) for i in range(3)]
    for _ in range(10):
        assert all(r.ok for r in await adapter.update_stock(shop, updates))
        await adapter.get_listing(shop, ref.external_id)
    faults = await tts.admin("GET", f"{shop.shop_id}/faults")
    assert faults["throttled"] == 5 and faults["rate_limited"] == 0
    times = sorted(t for t, _ in (await tts.admin("GET", f"{shop.shop_id}/requests"))["requests"])
    for i, start in enumerate(times):
        assert sum(1 for t in times[i:] if t - start < 1.0) <= limit + 1
    await adapter.aclose()


async def test_5xx_and_timeouts_are_retried_and_create_is_not_duplicated(
    tts: ServedPlatform,
) -> None:
    shop = await _new_shop(tts)
    adapter = _adapter(tts, timeout=httpx.Timeout(0.4, connect=1.0))
    await tts.admin("POST", f"{shop.shop_id}/faults", json={"timeout_next": 1, "hang_seconds": 1.0})
    ref = await adapter.create_listing(shop, _draft("ONCE", 3))
    assert adapter.calls[PRODUCTS] == 1
    stored = (await tts.admin("GET", f"{shop.shop_id}/listings"))["listings"]
    assert len(stored) == 1 and stored[0]["product_id"] == ref.external_id
    await tts.admin("POST", f"{shop.shop_id}/faults", json={"error_rate": 0.4, "seed": 3})
    for _ in range(8):
        assert len((await adapter.get_listing(shop, ref.external_id)).variants) == 3
    faults = await tts.admin("GET", f"{shop.shop_id}/faults")
    assert faults["server_errors"] > 0
    assert adapter.calls[f"{PRODUCTS}/{ref.external_id}"] > 8  # retried
    await tts.admin("POST", f"{shop.shop_id}/faults", json={"error_rate": 0})
    await adapter.aclose()


async def test_permanent_errors_and_partial_failures(tts: ServedPlatform) -> None:
    shop = await _new_shop(tts)
    adapter = _adapter(tts)
    ref = await adapter.create_listing(shop, _draft("P", 2))
    warehouse = shop.app["warehouse_id"]
    # A SKU the adapter maps to a product the platform does not have: permanent, once.
    adapter._index(shop)["GHOST"] = _Target("424242", "1", (warehouse,))
    [ghost] = await adapter.update_stock(shop, [StockUpdate("GHOST", 1)])
    assert ghost.error is not None and ghost.error.kind is FailureKind.PERMANENT
    assert ghost.error.code == "40006"
    assert adapter.calls[f"{PRODUCTS}/424242/inventory/update"] == 1
    # A SKU id the product does not have: a partial failure inside code 0.
    adapter._index(shop)["STRAY"] = _Target(ref.external_id, "999", (warehouse,))
    results = await adapter.update_stock(shop, [StockUpdate("P-000", 4), StockUpdate("STRAY", 1)])
    assert results[0].ok
    assert results[1].error is not None and results[1].error.kind is FailureKind.PERMANENT
    assert adapter.calls[f"{PRODUCTS}/{ref.external_id}/inventory/update"] == 1
    await adapter.aclose()
