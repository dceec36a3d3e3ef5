"""The Shopify adapter against the Shopify sandbox over real HTTP (uvicorn in-process).

The app mounts only the Shopify routes (plus `/hook`, a webhook receiver that can be
told to fail), so this test does not depend on the other platforms being mounted.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta

import httpx
import pytest
import pytest_asyncio

from sandbox import shopify as shopify_sandbox
from services.common.money import Money
from services.sync.adapters.base import (
    ListingDraft,
    ListingVariant,
    OrderStatus,
    PriceUpdate,
    ShopAuth,
    StockUpdate,
)
from services.sync.adapters.errors import AdapterError, FailureKind
from services.sync.adapters.retry import RetryBudget
from services.sync.adapters.shopify import ShopifyAdapter, verify_callback
from tests.integration.sandbox.shopify_shops import FAST, GRAPHQL, adapter_for, make_draft, new_shop
from tests.support.adapter_catalog import create_bulk, tee_variants
from tests.support.sandbox_admin import ServedPlatform, serve_platform

pytestmark = pytest.mark.asyncio(loop_scope="session")


@pytest_asyncio.fixture(scope="module", loop_scope="session")
async def sp() -> AsyncIterator[ServedPlatform]:
    async with serve_platform(
        "shopify", shopify_sandbox.admin_routes, shopify_sandbox.api_routes
    ) as served:
        yield served


async def test_install_create_read_prices_stock_and_orders(sp: ServedPlatform) -> None:
    shop = await new_shop(sp)
    adapter = adapter_for(sp)
    try:
        # OAuth install: consent redirect → callback hmac checked → code exchanged.
        url = adapter.authorization_url(shop, "https://app.example/cb", "st-1")
        async with httpx.AsyncClient() as client:
            r = await client.get(url)
        assert r.status_code == 302
        params = dict(httpx.URL(r.headers["location"]).params)
        assert params["state"] == "st-1" and params["shop"] == shop.app["shop_domain"]
        assert verify_callback(params, shop.app["client_secret"])
        assert not verify_callback({**params, "state": "forged"}, shop.app["client_secret"])
        old = shop.tokens
        pair = await adapter.exchange_code(shop, params["code"])
        assert shop.tokens == pair and old is not None and pair.access_token != old.access_token
        assert pair.refresh_token and pair.access_expires_at < datetime.now(UTC) + timedelta(
            seconds=3601
        )
        adapter.calls.clear()

        ref = await adapter.create_listing(shop, make_draft("TEE", 3))
        assert set(ref.variant_ids) == {"TEE-00", "TEE-01", "TEE-02"}
        assert ref.external_id.startswith("gid://shopify/Product/")
        assert adapter.calls == {GRAPHQL: 1}
        listing = await adapter.get_listing(shop, ref.external_id)
        assert listing.title == "Product TEE" and listing.status == "ACTIVE"
        assert {(v.seller_sku, v.price, v.stock) for v in listing.variants} == tee_variants(
            "SGD", 1000
        )
        skus = await create_bulk(adapter, shop, make_draft)
        assert len(skus) == 120

        adapter.calls.clear()
        prices = await adapter.update_prices(
            shop, [PriceUpdate(s, Money("SGD", 2500)) for s in skus]
        )
        assert [r.seller_sku for r in prices] == skus and all(r.ok for r in prices)
        # Ids known from the creates: one productVariantsBulkUpdate per product.
        assert adapter.calls == {GRAPHQL: 4}
        adapter.calls.clear()
        stock = await adapter.update_stock(shop, [StockUpdate(s, 7) for s in skus])
        assert all(r.ok for r in stock)
        # 120 SKUs: 3 lookups of ≤ 50 (fresh quantities for the compare-and-set) + 1 set.
        assert adapter.calls == {GRAPHQL: 4}
        stored = (await sp.admin("GET", f"{shop.shop_id}/listings"))["listings"]
        variants = [v for x in stored for v in x["variants"]]
        assert len(variants) == 120
        assert all(v["price"] == "25.00" and v["stock"] == 7 for v in variants)

        # One unknown SKU fails alone (PERMANENT); the rest is applied.
        mixed = await adapter.update_stock(shop, [StockUpdate("A-03", 9), StockUpdate("NOPE", 1)])
        assert mixed[0].ok
        assert mixed[1].error is not None and mixed[1].error.kind is FailureKind.PERMANENT
        assert mixed[1].error.code == "not_found"
        found = await adapter.find_listing_by_seller_sku(shop, "B-07")
        assert found is not None and any(v.seller_sku == "B-07" for v in found.variants)
        assert await adapter.find_listing_by_seller_sku(shop, "NOPE") is None
        page = await adapter.list_listings(shop)
        assert len(page.items) == 4 and page.next_page_token == ""
        assert sorted(len(x.variants) for x in page.items) == [3, 17, 50, 50]

        two_lines = [{"seller_sku": "A-00", "quantity": 1}, {"seller_sku": "C-16", "quantity": 3}]
        placed = [
            (await sp.admin("POST", f"{shop.shop_id}/orders", json=body))["admin_graphql_api_id"]
            for body in (
                {"lines": [{"seller_sku": "TEE-01", "quantity": 2}]},
                {"lines": two_lines},
                {"lines": [{"seller_sku": "B-01", "quantity": 1}], "paid": False},
            )
        ]
        number = placed[0].rsplit("/", 1)[-1]
        await sp.admin("POST", f"{shop.shop_id}/orders/{number}/cancel")
        now = datetime.now(UTC)
        orders = await adapter.list_orders(
            shop, now - timedelta(hours=1), now + timedelta(minutes=1)
        )
        by_id = {o.order_id: o for o in orders.items}
        assert set(by_id) == set(placed) and orders.next_page_token == ""
        assert by_id[placed[0]].status is OrderStatus.CANCELLED
        assert by_id[placed[1]].status is OrderStatus.PAID
        assert by_id[placed[2]].status is OrderStatus.CREATED
        assert {(x.seller_sku, x.quantity) for x in by_id[placed[1]].lines} == {
            ("A-00", 1),
            ("C-16", 3),
        }
        assert by_id[placed[0]].lines[0].price == Money("SGD", 2500)
        got = await adapter.get_orders(shop, [placed[1]])
        assert [o.order_id for o in got] == [placed[1]]
        # Every estimate matched the cost Shopify reported; nothing was throttled.
        assert adapter.client.cost_mismatches == []
        assert adapter.client.throttled == 0
    finally:
        await adapter.aclose()


async def test_expired_token_is_refreshed_once(sp: ServedPlatform) -> None:
    shop = await new_shop(sp)
    assert shop.tokens is not None
    old = shop.tokens
    await sp.admin("POST", f"{shop.shop_id}/token/expire")
    adapter = adapter_for(sp)
    assert (await adapter.list_listings(shop)).items == []
    assert shop.tokens.access_token != old.access_token
    assert shop.tokens.refresh_token != old.refresh_token
    assert adapter.calls == {GRAPHQL: 2, "/admin/oauth/access_token": 1}
    stale = ShopAuth(shop.platform, shop.shop_id, shop.app, old)
    with pytest.raises(AdapterError) as caught:
        await adapter.refresh_token(stale)
    assert caught.value.kind is FailureKind.AUTH
    assert old.refresh_token not in str(caught.value)
    await adapter.aclose()


async def test_calls_are_planned_from_the_reported_budget(sp: ServedPlatform) -> None:
    """A small bucket (300 points, 1500/s): 16 lookups of 252 points need ~4000 points,
    far more than the bucket; the planner waits for points instead of being throttled."""
    shop = await new_shop(sp, maximum_available=300, restore_rate=1500)
    adapter = adapter_for(sp)
    await adapter.create_listing(shop, make_draft("PLAN", 50))
    skus = [f"PLAN-{i:02d}" for i in range(50)]
    for _ in range(4):
        results = await asyncio.gather(
            *(adapter.update_stock(shop, [StockUpdate(s, 5) for s in skus]) for _ in range(4))
        )
        assert all(r.ok for batch in results for r in batch)
    throttle = await sp.admin("GET", f"{shop.shop_id}/throttle")
    assert throttle["throttled"] == 0
    assert adapter.client.throttled == 0
    assert adapter.client.points_used > 16 * 252
    await adapter.aclose()


async def test_throttle_storm_is_survived(sp: ServedPlatform) -> None:
    shop = await new_shop(sp)
    adapter = adapter_for(sp)
    ref = await adapter.create_listing(shop, make_draft("STORM", 3))
    await sp.admin("POST", f"{shop.shop_id}/faults", json={"throttle_storm": 4})
    results = await adapter.update_stock(shop, [StockUpdate(f"STORM-{i:02d}", 3) for i in range(3)])
    assert all(r.ok for r in results)
    assert len((await adapter.get_listing(shop, ref.external_id)).variants) == 3
    faults = await sp.admin("GET", f"{shop.shop_id}/faults")
    assert faults["throttled"] == 4
    assert adapter.client.throttled == 4
    await adapter.aclose()


async def test_5xx_and_timeouts_are_retried(sp: ServedPlatform) -> None:
    shop = await new_shop(sp)
    adapter = adapter_for(sp, timeout=httpx.Timeout(0.4, connect=1.0))
    ref = await adapter.create_listing(shop, make_draft("FLAKY", 3))
    await sp.admin(
        "POST",
        f"{shop.shop_id}/faults",
        json={"error_rate": 0.4, "timeout_next": 2, "hang_seconds": 1.0, "seed": 3},
    )
    adapter.calls.clear()
    for _ in range(8):
        assert len((await adapter.get_listing(shop, ref.external_id)).variants) == 3
    faults = await sp.admin("GET", f"{shop.shop_id}/faults")
    assert faults["server_errors"] > 0 and faults["timeouts"] == 2
    assert adapter.calls[GRAPHQL] == 8 + faults["server_errors"] + 2
    await adapter.aclose()


async def test_permanent_failures_are_not_retried(sp: ServedPlatform) -> None:
    shop = await new_shop(sp)
    adapter = adapter_for(sp)
    with pytest.raises(AdapterError) as caught:
        await adapter.get_listing(shop, "gid://shopify/Product/424242")
    assert caught.value.kind is FailureKind.PERMANENT and caught.value.code == "not_found"
    assert adapter.calls == {GRAPHQL: 1}
    # A userError: the stock location does not exist in this shop.
    elsewhere = ShopAuth(
        shop.platform, shop.shop_id, {**shop.app, "location_id": "gid://shopify/Location/1"},
        shop.tokens,
    )  # fmt: skip
    with pytest.raises(AdapterError) as caught:
        await adapter.create_listing(elsewhere, make_draft("LOC", 2))
    assert caught.value.kind is FailureKind.PERMANENT
    assert caught.value.code == "INVALID_LOCATION"
    assert adapter.calls == {GRAPHQL: 2}
    await adapter.aclose()
    # An API version Shopify does not serve: 404, not retried.
    old = ShopifyAdapter(sp.url + "/shopify", api_version="2019-04", retry_budget=FAST)
    with pytest.raises(AdapterError) as caught:
        await old.list_listings(shop)
    assert caught.value.kind is FailureKind.PERMANENT
    assert old.calls == {"/admin/api/2019-04/graphql.json": 1}
    await old.aclose()


async def test_validation_fails_before_any_request(sp: ServedPlatform) -> None:
    shop = await new_shop(sp)
    adapter = adapter_for(sp)
    base = make_draft("VAL", 2)
    bad_drafts = [
        ListingDraft(**{**base.__dict__, "title": "x" * 256}),
        ListingDraft(**{**base.__dict__, "variants": make_draft("MANY", 251).variants}),
        ListingDraft(**{**base.__dict__, "option_names": ["a", "b", "c", "d"]}),
        ListingDraft(
            **{**base.__dict__, "variants": [ListingVariant("N", ["V"], Money("SGD", 1), -1)]}
        ),
    ]
    for draft in bad_drafts:
        with pytest.raises(AdapterError) as caught:
            await adapter.create_listing(shop, draft)
        assert caught.value.kind is FailureKind.PERMANENT
    results = await adapter.update_stock(shop, [StockUpdate("X", -5)])
    assert results[0].error is not None and results[0].error.kind is FailureKind.PERMANENT
    prices = await adapter.update_prices(shop, [PriceUpdate("X", Money("USD", 100))])
    assert prices[0].error is not None and prices[0].error.kind is FailureKind.PERMANENT
    assert adapter.calls == {}
    await adapter.aclose()


async def test_create_that_timed_out_after_storing_is_not_duplicated(sp: ServedPlatform) -> None:
    shop = await new_shop(sp)
    adapter = adapter_for(sp, timeout=httpx.Timeout(0.4, connect=1.0))
    await sp.admin("POST", f"{shop.shop_id}/faults", json={"timeout_next": 1, "hang_seconds": 1})
    ref = await adapter.create_listing(shop, make_draft("ONCE", 3))
    stored = (await sp.admin("GET", f"{shop.shop_id}/listings"))["listings"]
    assert len(stored) == 1 and stored[0]["product_id"] == ref.external_id
    assert set(ref.variant_ids) == {"ONCE-00", "ONCE-01", "ONCE-02"}
    # productSet (timed out), the SKU lookup that found it, and product(id).
    assert adapter.calls == {GRAPHQL: 3}
    await adapter.aclose()


async def test_a_request_answered_too_late_was_still_carried_out(sp: ServedPlatform) -> None:
    shop = await new_shop(sp)
    once = RetryBudget(attempts=1, seconds=5)
    adapter = adapter_for(sp, timeout=httpx.Timeout(0.4, connect=1.0), retry_budget=once)
    await sp.admin("POST", f"{shop.shop_id}/faults", json={"timeout_next": 1, "hang_seconds": 1})
    with pytest.raises(AdapterError) as caught:
        await adapter.create_listing(shop, make_draft("LATE", 2))
    assert caught.value.retryable and adapter.calls == {GRAPHQL: 1}
    # The productSet ran before its answer was held back: the listing exists.
    stored = (await sp.admin("GET", f"{shop.shop_id}/listings"))["listings"]
    assert len(stored) == 1
    await adapter.aclose()


async def test_a_throttled_create_is_resent_without_a_lookup(sp: ServedPlatform) -> None:
    shop = await new_shop(sp)
    adapter = adapter_for(sp)
    await sp.admin("POST", f"{shop.shop_id}/faults", json={"throttle_storm": 2})
    ref = await adapter.create_listing(shop, make_draft("AGAIN", 2))
    assert set(ref.variant_ids) == {"AGAIN-00", "AGAIN-01"}
    assert adapter.calls == {GRAPHQL: 3}  # two THROTTLED productSets, then the stored one
    stored = (await sp.admin("GET", f"{shop.shop_id}/listings"))["listings"]
    assert [x["product_id"] for x in stored] == [ref.external_id]
    await adapter.aclose()


async def test_update_listing_sets_the_whole_product(sp: ServedPlatform) -> None:
    shop = await new_shop(sp)
    adapter = adapter_for(sp)
    ref = await adapter.create_listing(shop, make_draft("UPD", 3))
    before = await adapter.get_listing(shop, ref.external_id)
    draft = make_draft("UPD", 3)
    variants = [
        ListingVariant("UPD-00", ["V0"], Money("SGD", 1999), 4),  # new price and stock
        draft.variants[1],  # unchanged
        ListingVariant("UPD-09", ["V9"], Money("SGD", 500), 6),  # new; UPD-02 is dropped
    ]
    changed = ListingDraft(**{**draft.__dict__, "title": "Renamed", "variants": variants})
    updated = await adapter.update_listing(shop, ref, changed)
    assert updated.external_id == ref.external_id
    assert set(updated.variant_ids) == {"UPD-00", "UPD-01", "UPD-09"}
    assert updated.variant_ids["UPD-00"] == ref.variant_ids["UPD-00"]  # same variant kept
    after = await adapter.get_listing(shop, ref.external_id)
    assert after.title == "Renamed"
    assert {(v.seller_sku, v.price, v.stock) for v in after.variants} == {
        ("UPD-00", Money("SGD", 1999), 4),
        ("UPD-01", Money("SGD", 1001), 11),
        ("UPD-09", Money("SGD", 500), 6),
    }
    assert len(before.variants) == 3
    await adapter.aclose()
