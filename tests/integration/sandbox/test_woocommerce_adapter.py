"""The WooCommerce adapter against the sandbox over real HTTP (OAuth 1.0a, plain http)."""

from __future__ import annotations

import json
import time
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta

import httpx
import pytest
import pytest_asyncio

from sandbox import woocommerce
from services.common.money import Money
from services.sync.adapters.base import (
    ListingDraft,
    MarketplaceAdapter,
    OrderStatus,
    PriceUpdate,
    ShopAuth,
    StockUpdate,
    WebhookKind,
)
from services.sync.adapters.errors import AdapterError, FailureKind
from services.sync.adapters.woocommerce import WooCommerceAdapter
from services.sync.adapters.woocommerce.oauth import signed_query
from services.sync.adapters.woocommerce.webhooks import verify
from tests.integration.sandbox.woocommerce_shops import (
    adapter_for,
    make_draft,
    new_shop,
    wait_hooks,
)
from tests.support.sandbox_admin import ServedPlatform, serve_platform

pytestmark = pytest.mark.asyncio(loop_scope="session")


@pytest_asyncio.fixture(scope="module", loop_scope="session")
async def sandbox() -> AsyncIterator[ServedPlatform]:
    """WooCommerce alone (this module's own `sandbox`, not the conftest's full app)."""
    async with serve_platform(
        "woocommerce", woocommerce.admin_routes, woocommerce.api_routes
    ) as served:
        yield served


async def test_lifecycle(sandbox: ServedPlatform) -> None:
    shop, creds = await new_shop(sandbox)
    adapter: MarketplaceAdapter = adapter_for(sandbox)
    assert isinstance(adapter, WooCommerceAdapter)
    sid = shop.shop_id
    try:
        ref = await adapter.create_listing(shop, make_draft("TEE", 3))
        assert set(ref.variant_ids) == {"TEE-000", "TEE-001", "TEE-002"}
        listing = await adapter.get_listing(shop, ref.external_id)
        assert listing.title == "Product TEE"
        assert {(v.seller_sku, v.price, v.stock) for v in listing.variants} == {
            ("TEE-000", Money("USD", 1_000), 10),
            ("TEE-001", Money("USD", 1_001), 11),
            ("TEE-002", Money("USD", 1_002), 12),
        }
        stored = (await sandbox.admin("GET", f"{sid}/listings"))["listings"]
        assert [x["type"] for x in stored] == ["variable"] and len(stored[0]["variations"]) == 3

        # 117 simple products made "in wp-admin": unknown to the adapter until looked up.
        for i in range(117):
            body = {"seller_sku": f"S-{i:03d}", "price": "5.00", "stock": 1}
            await sandbox.admin("POST", f"{sid}/listings", json=body)
        skus = [f"TEE-{i:03d}" for i in range(3)] + [f"S-{i:03d}" for i in range(117)]

        adapter.calls.clear()
        prices = await adapter.update_prices(
            shop, [PriceUpdate(s, Money("USD", 2_550)) for s in skus]
        )
        assert [r.seller_sku for r in prices] == skus and all(r.ok for r in prices)
        # Two SKU lookups (100 + 17), two product batches (100 + 17), one variation batch.
        assert adapter.calls == {
            "/products": 2,
            "/products/batch": 2,
            "/products/{id}/variations/batch": 1,
        }
        adapter.calls.clear()
        stock = await adapter.update_stock(shop, [StockUpdate(s, 7) for s in skus])
        assert all(r.ok for r in stock)
        assert adapter.calls == {"/products/batch": 2, "/products/{id}/variations/batch": 1}
        stored = (await sandbox.admin("GET", f"{sid}/listings"))["listings"]
        rows = [v for x in stored for v in x["variations"]] + [
            x for x in stored if x["type"] == "simple"
        ]
        assert len(rows) == 120
        assert all(r["price"] == 25.5 and r["stock"] == 7 for r in rows)

        # Per-item errors inside a 200 fail their SKU alone.
        await sandbox.admin("POST", f"{sid}/products/trash", json={"seller_sku": "TEE-001"})
        mixed = await adapter.update_stock(
            shop, [StockUpdate("TEE-000", 9), StockUpdate("TEE-001", 9), StockUpdate("NOPE", 1)]
        )
        assert mixed[0].ok
        assert mixed[1].error is not None and mixed[1].error.kind is FailureKind.PERMANENT
        assert mixed[1].error.code == "woocommerce_rest_product_variation_invalid_id"
        assert mixed[2].error is not None and mixed[2].error.code == "not_found"
        # The stale id was dropped: the next update looks TEE-001 up and finds nothing.
        [again] = await adapter.update_stock(shop, [StockUpdate("TEE-001", 9)])
        assert again.error is not None and again.error.code == "not_found"

        found = await adapter.find_listing_by_seller_sku(shop, "TEE-002")
        assert found is not None and found.external_id == ref.external_id
        assert {v.seller_sku for v in found.variants} == {"TEE-000", "TEE-002"}
        assert await adapter.find_listing_by_seller_sku(shop, "NOPE") is None
        token, seen = "", 0
        while True:
            page = await adapter.list_listings(shop, token)
            seen += len(page.items)
            token = page.next_page_token
            if not token:
                break
        assert seen == 118

        await sandbox.admin("POST", f"{sid}/webhook", json={"url": sandbox.hook_url})
        sandbox.hooks.clear()
        placed = [
            (await sandbox.admin("POST", f"{sid}/orders", json=body))["order_id"]
            for body in (
                {"lines": [{"seller_sku": "TEE-002", "quantity": 2}]},
                {"lines": [{"seller_sku": "S-000", "quantity": 1}]},
            )
        ]
        await sandbox.admin("POST", f"{sid}/orders/{placed[0]}/cancel")
        now = datetime.now(UTC)
        orders = await adapter.list_orders(
            shop, now - timedelta(hours=1), now + timedelta(minutes=1)
        )
        by_id = {o.order_id: o for o in orders.items}
        assert set(by_id) == {str(p) for p in placed} and orders.next_page_token == ""
        assert by_id[str(placed[0])].status is OrderStatus.CANCELLED
        assert by_id[str(placed[1])].status is OrderStatus.PAID
        assert [(x.seller_sku, x.quantity, x.price) for x in by_id[str(placed[0])].lines] == [
            ("TEE-002", 2, Money("USD", 2_550))
        ]
        assert [o.order_id for o in await adapter.get_orders(shop, [str(placed[1])])] == [
            str(placed[1])
        ]
        empty = await adapter.list_orders(shop, now - timedelta(hours=3), now - timedelta(hours=2))
        assert list(empty.items) == []

        # Webhooks: placed, placed, cancelled; then a price/stock edit in wp-admin.
        body = {"seller_sku": "TEE-000", "stock": 42}
        await sandbox.admin("POST", f"{sid}/products/edit", json=body)
        await wait_hooks(sandbox, shop, 4)
        topics = [h["x-wc-webhook-topic"] for h, _ in sandbox.hooks]
        assert topics == ["order.created", "order.created", "order.updated", "product.updated"]
        for headers, raw in sandbox.hooks:
            assert verify(creds["webhook_secret"], headers, raw)
            assert not verify("wrong-secret", headers, raw)
            assert headers["x-wc-webhook-source"] == sandbox.url + "/woocommerce/"
            assert headers["x-wc-webhook-id"] == str(
                creds["webhook_ids"][headers["x-wc-webhook-topic"]]
            )
            assert len(headers["x-wc-webhook-delivery-id"]) == 32
        created, _, cancelled, edited = (adapter.parse_webhook(h, b) for h, b in sandbox.hooks)
        assert created[0].kind is WebhookKind.ORDER and created[0].order is not None
        assert created[0].order.order_id == str(placed[0])
        assert created[0].order.status is OrderStatus.PAID
        assert cancelled[0].order is not None
        assert cancelled[0].order.status is OrderStatus.CANCELLED
        assert edited[0].kind is WebhookKind.PRODUCT
        assert (edited[0].seller_sku, edited[0].stock) == ("TEE-000", 42)
        assert edited[0].shop_id == sandbox.url + "/woocommerce/"
        assert json.loads(sandbox.hooks[0][1])["line_items"][0]["sku"] == "TEE-002"
    finally:
        await adapter.aclose()


async def test_throttling_honours_retry_after(sandbox: ServedPlatform) -> None:
    shop, _ = await new_shop(sandbox)
    adapter = adapter_for(sandbox)
    ref = await adapter.create_listing(shop, make_draft("STORM", 3))
    await sandbox.admin("POST", f"{shop.shop_id}/faults", json={"throttle_storm": 2})
    assert len((await adapter.get_listing(shop, ref.external_id)).variants) == 3
    faults = await sandbox.admin("GET", f"{shop.shop_id}/faults")
    assert faults["throttled"] == 2 and faults["rate_limited"] == 0
    await adapter.aclose()


async def test_pacing_stays_under_the_shop_limit(sandbox: ServedPlatform) -> None:
    shop, _ = await new_shop(sandbox, rate_limit=5)
    adapter = adapter_for(sandbox)
    ref = await adapter.create_listing(shop, make_draft("PACE", 2))
    for _ in range(6):
        await adapter.get_listing(shop, ref.external_id)
    faults = await sandbox.admin("GET", f"{shop.shop_id}/faults")
    assert faults["rate_limited"] == 0
    await adapter.aclose()


async def test_5xx_and_timeouts_are_retried(sandbox: ServedPlatform) -> None:
    shop, _ = await new_shop(sandbox)
    adapter = adapter_for(sandbox, timeout=httpx.Timeout(0.4, connect=1.0))
    ref = await adapter.create_listing(shop, make_draft("FLAKY", 3))
    switches = {"error_rate": 0.4, "timeout_rate": 0.1, "hang_seconds": 1.0, "seed": 3}
    await sandbox.admin("POST", f"{shop.shop_id}/faults", json=switches)
    adapter.calls.clear()
    for _ in range(6):
        assert len((await adapter.get_listing(shop, ref.external_id)).variants) == 3
    faults = await sandbox.admin("GET", f"{shop.shop_id}/faults")
    assert faults["server_errors"] > 0
    assert sum(adapter.calls.values()) > 12
    await adapter.aclose()


async def test_permanent_errors_are_not_retried(sandbox: ServedPlatform) -> None:
    shop, _ = await new_shop(sandbox)
    adapter = adapter_for(sandbox)
    with pytest.raises(AdapterError) as caught:
        await adapter.get_orders(shop, ["424242"])
    assert caught.value.kind is FailureKind.PERMANENT
    assert caught.value.code == "woocommerce_rest_shop_order_invalid_id"
    assert caught.value.http_status == 404
    assert adapter.calls == {"/orders/{id}": 1}

    adapter.calls.clear()
    too_long = ListingDraft("LONG", "x" * 201, "", "", "", [], [], [make_draft("L", 1).variants[0]])
    with pytest.raises(AdapterError) as invalid:
        await adapter.create_listing(shop, too_long)
    assert invalid.value.kind is FailureKind.PERMANENT and adapter.calls == {}
    with pytest.raises(AdapterError):
        await adapter.create_listing(shop, make_draft("MANY", 101))
    [negative] = await adapter.update_stock(shop, [StockUpdate("X", -1)])
    assert negative.error is not None and negative.error.code == "validation"
    assert adapter.calls == {}

    await adapter.create_listing(shop, make_draft("DUP", 1))
    adapter.calls.clear()
    with pytest.raises(AdapterError) as duplicate:
        await adapter.create_listing(shop, make_draft("DUP", 1))
    assert duplicate.value.code == "product_invalid_sku"
    assert adapter.calls == {"/products": 1}
    await adapter.aclose()


async def test_wrong_secret_is_auth_and_not_retried(sandbox: ServedPlatform) -> None:
    shop, _ = await new_shop(sandbox)
    adapter = adapter_for(sandbox)
    wrong = ShopAuth(shop.platform, shop.shop_id, {**shop.app, "consumer_secret": "cs_bad"})
    with pytest.raises(AdapterError) as caught:
        await adapter.find_listing_by_seller_sku(wrong, "X")
    assert caught.value.kind is FailureKind.AUTH and caught.value.http_status == 401
    assert caught.value.code == "woocommerce_rest_authentication_error"
    assert adapter.calls == {"/products": 1}
    with pytest.raises(AdapterError) as no_tokens:
        await adapter.refresh_token(shop)
    assert no_tokens.value.kind is FailureKind.PERMANENT
    with pytest.raises(AdapterError):
        adapter.authorization_url(shop, "https://app.example/cb", "st")
    await adapter.aclose()


async def test_webhook_disabled_after_seven_failures(sandbox: ServedPlatform) -> None:
    shop, _ = await new_shop(sandbox)
    sid = shop.shop_id
    await sandbox.admin("POST", f"{sid}/listings", json={"seller_sku": "W", "stock": 99})
    await sandbox.admin("POST", f"{sid}/webhook", json={"url": sandbox.hook_url})
    sandbox.hooks.clear()
    sandbox.hook_status = 500
    order = {"lines": [{"seller_sku": "W", "quantity": 1}]}
    try:
        for n in range(1, 8):
            await sandbox.admin("POST", f"{sid}/orders", json=order)
            await sandbox.settle(sid)
            state = await sandbox.admin("GET", f"{sid}/webhook")
            assert state["disabled"] is (n == 7), n  # core: failure_count > 5 -> 7th failure
        await sandbox.admin("POST", f"{sid}/orders", json=order)
        await sandbox.settle(sid)
    finally:
        sandbox.hook_status = 200
    assert len(sandbox.hooks) == 7  # one attempt each (no retries), none once disabled
    deliveries = (await sandbox.admin("GET", f"{sid}/webhook"))["deliveries"]
    assert [d["attempts"] for d in deliveries] == [1] * 7


async def test_nonce_reuse_and_stale_timestamp_are_refused(sandbox: ServedPlatform) -> None:
    _, creds = await new_shop(sandbox)
    url = sandbox.url + "/woocommerce/wp-json/wc/v3/products"
    key, secret = creds["consumer_key"], creds["consumer_secret"]
    async with httpx.AsyncClient() as client:
        query = signed_query("GET", url, [("per_page", "5")], key, secret)
        assert (await client.get(f"{url}?{query}")).status_code == 200
        replay = await client.get(f"{url}?{query}")
        assert replay.status_code == 401
        assert replay.json() == {
            "code": "woocommerce_rest_authentication_error",
            "message": "Invalid nonce - nonce has already been used.",
            "data": {"status": 401},
        }
        stale = signed_query("GET", url, [], key, secret, clock=lambda: time.time() - 16 * 60)
        late = await client.get(f"{url}?{stale}")
        assert late.status_code == 401 and late.json()["message"] == "Invalid timestamp."
        unsigned = await client.get(url, auth=(key, secret))  # Basic over plain http
        assert unsigned.status_code == 401
        assert unsigned.json()["code"] == "woocommerce_rest_cannot_view"
