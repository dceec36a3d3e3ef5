"""The WooCommerce adapter against the sandbox over real HTTP (OAuth 1.0a, plain http)."""

from __future__ import annotations

import json
import time
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest
import pytest_asyncio

from sandbox import woocommerce
from services.common.money import Money
from services.common.platforms import Platform
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
from services.sync.adapters.woocommerce import WooCommerceAdapter
from services.sync.adapters.woocommerce.oauth import signed_query
from services.sync.adapters.woocommerce.webhooks import verify
from tests.support.sandbox_admin import ServedPlatform, serve_platform

pytestmark = pytest.mark.asyncio(loop_scope="session")

FAST = RetryBudget(attempts=6, seconds=30, initial_backoff=0.05, max_backoff=0.5)


@pytest_asyncio.fixture(scope="module", loop_scope="session")
async def sandbox() -> AsyncIterator[ServedPlatform]:
    """WooCommerce alone (this module's own `sandbox`, not the conftest's full app)."""
    async with serve_platform(
        "woocommerce", woocommerce.admin_routes, woocommerce.api_routes
    ) as served:
        yield served


async def _new_shop(
    sandbox: ServedPlatform, rate_limit: float = 100
) -> tuple[ShopAuth, dict[str, Any]]:
    creds = await sandbox.create_shop(rate_limit=rate_limit)
    assert {"consumer_key", "consumer_secret", "webhook_secret", "shop_id"} <= set(creds)
    assert creds["site_url"] == sandbox.url + "/woocommerce"
    app = {
        "consumer_key": creds["consumer_key"],
        "consumer_secret": creds["consumer_secret"],
        "currency": creds["currency"],
    }
    shop = ShopAuth(Platform.WOOCOMMERCE, str(creds["shop_id"]), app, rate_limit=rate_limit)
    return shop, creds


def _adapter(sandbox: ServedPlatform, **kw: Any) -> WooCommerceAdapter:
    kw.setdefault("retry_budget", FAST)
    return WooCommerceAdapter(sandbox.url + "/woocommerce", **kw)


def _draft(prefix: str, count: int) -> ListingDraft:
    variants = [
        ListingVariant(f"{prefix}-{i:03d}", [f"V{i}"], Money("USD", 1_000 + i), 10 + i)
        for i in range(count)
    ]
    return ListingDraft(
        prefix, f"Product {prefix}", "A product", "", "", [], ["Variant"], variants, 300
    )


async def _wait_hooks(sandbox: ServedPlatform, shop: ShopAuth, count: int) -> None:
    await sandbox.settle(shop.shop_id)
    assert len(sandbox.hooks) >= count


async def test_lifecycle(sandbox: ServedPlatform) -> None:
    shop, creds = await _new_shop(sandbox)
    adapter: MarketplaceAdapter = _adapter(sandbox)
    assert isinstance(adapter, WooCommerceAdapter)
    sid = shop.shop_id
    try:
        ref = await adapter.create_listing(shop, _draft("TEE", 3))
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
        await _wait_hooks(sandbox, shop, 4)
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
    shop, _ = await _new_shop(sandbox)
    adapter = _adapter(sandbox)
    ref = await adapter.create_listing(shop, _draft("STORM", 3))
    await sandbox.admin("POST", f"{shop.shop_id}/faults", json={"throttle_storm": 2})
    assert len((await adapter.get_listing(shop, ref.external_id)).variants) == 3
    faults = await sandbox.admin("GET", f"{shop.shop_id}/faults")
    assert faults["throttled"] == 2 and faults["rate_limited"] == 0
    await adapter.aclose()


async def test_pacing_stays_under_the_shop_limit(sandbox: ServedPlatform) -> None:
    shop, _ = await _new_shop(sandbox, rate_limit=5)
    adapter = _adapter(sandbox)
    ref = await adapter.create_listing(shop, _draft("PACE", 2))
    for _ in range(6):
        await adapter.get_listing(shop, ref.external_id)
    faults = await sandbox.admin("GET", f"{shop.shop_id}/faults")
    assert faults["rate_limited"] == 0
    await adapter.aclose()


async def test_5xx_and_timeouts_are_retried(sandbox: ServedPlatform) -> None:
    shop, _ = await _new_shop(sandbox)
    adapter = _adapter(sandbox, timeout=httpx.Timeout(0.4, connect=1.0))
    ref = await adapter.create_listing(shop, _draft("FLAKY", 3))
    switches = {"error_rate": 0.4, "timeout_rate": 0.1, "hang_seconds": 1.0, "seed": 3}
    await sandbox.admin("POST", f"{shop.shop_id}/faults", json=switches)
    adapter.calls.clear()
    for _ in range(6):
        assert len((await adapter.get_listing(shop, ref.external_id)).variants) == 3
    faults = await sandbox.admin("GET", f"{shop.shop_id}/faults")
    assert faults["server_errors"] > 0
    assert sum(adapter.calls.values()) > 12
    await adapter.aclose()


async def test_create_that_timed_out_after_storing_is_not_duplicated(
    sandbox: ServedPlatform,
) -> None:
    shop, _ = await _new_shop(sandbox)
    adapter = _adapter(sandbox, timeout=httpx.Timeout(0.4, connect=1.0))
    switches = {"timeout_next": 1, "hang_seconds": 1.0}
    await sandbox.admin("POST", f"{shop.shop_id}/faults", json=switches)
    ref = await adapter.create_listing(shop, _draft("ONCE", 3))
    stored = (await sandbox.admin("GET", f"{shop.shop_id}/listings"))["listings"]
    assert len(stored) == 1 and str(stored[0]["product_id"]) == ref.external_id
    assert {v["sku"] for v in stored[0]["variations"]} == set(ref.variant_ids)
    faults = await sandbox.admin("GET", f"{shop.shop_id}/faults")
    assert faults["timeouts"] == 1
    await adapter.aclose()


class LoseFirstReply(httpx.AsyncBaseTransport):
    """Real HTTP, but the first request to a path ending in `suffix` loses its answer
    (the site stored the change; the client sees a read timeout)."""

    def __init__(self, suffix: str) -> None:
        self.inner = httpx.AsyncHTTPTransport()
        self.suffix = suffix
        self.lost = 0

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        response = await self.inner.handle_async_request(request)
        if not self.lost and request.url.path.endswith(self.suffix):
            await response.aread()
            self.lost += 1
            raise httpx.ReadTimeout("answer lost", request=request)
        return response

    async def aclose(self) -> None:
        await self.inner.aclose()


async def test_variations_stored_before_a_lost_answer_are_not_created_twice(
    sandbox: ServedPlatform,
) -> None:
    shop, _ = await _new_shop(sandbox)
    lossy = LoseFirstReply("/variations/batch")
    adapter = _adapter(sandbox, transport=lossy)
    ref = await adapter.create_listing(shop, _draft("LOST", 3))
    assert lossy.lost == 1
    stored = (await sandbox.admin("GET", f"{shop.shop_id}/listings"))["listings"]
    assert len(stored) == 1 and len(stored[0]["variations"]) == 3
    assert ref.variant_ids == {v["sku"]: str(v["variation_id"]) for v in stored[0]["variations"]}
    # One lost batch, one read of what it stored, and no second batch.
    assert adapter.calls["/products/{id}/variations/batch"] == 1
    assert adapter.calls["/products/{id}/variations"] == 1
    await adapter.aclose()


class SlowFirstCreate(httpx.AsyncBaseTransport):
    """Real HTTP, but the first `POST /products` reaches the site only after our lookup
    by SKU (client timed out; the site stores it late), just before the resend."""

    def __init__(self) -> None:
        self.inner = httpx.AsyncHTTPTransport()
        self.held: httpx.Request | None = None
        self.creates = 0

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        is_create = request.method == "POST" and request.url.path.endswith("/v3/products")
        if is_create:
            self.creates += 1
            if self.creates == 1:
                await request.aread()
                self.held = request
                raise httpx.ReadTimeout("no answer yet", request=request)
            if self.held is not None:
                late = await self.inner.handle_async_request(self.held)
                await late.aread()
                self.held = None
        return await self.inner.handle_async_request(request)

    async def aclose(self) -> None:
        await self.inner.aclose()


async def test_a_create_stored_late_is_adopted_not_duplicated(sandbox: ServedPlatform) -> None:
    shop, _ = await _new_shop(sandbox)
    slow = SlowFirstCreate()
    adapter = _adapter(sandbox, transport=slow)
    ref = await adapter.create_listing(shop, _draft("LATE", 2))
    assert slow.creates == 2  # the resend was refused as a duplicate SKU, then adopted
    stored = (await sandbox.admin("GET", f"{shop.shop_id}/listings"))["listings"]
    assert len(stored) == 1 and str(stored[0]["product_id"]) == ref.external_id
    assert len(stored[0]["variations"]) == 2
    await adapter.aclose()


async def test_permanent_errors_are_not_retried(sandbox: ServedPlatform) -> None:
    shop, _ = await _new_shop(sandbox)
    adapter = _adapter(sandbox)
    with pytest.raises(AdapterError) as caught:
        await adapter.get_orders(shop, ["424242"])
    assert caught.value.kind is FailureKind.PERMANENT
    assert caught.value.code == "woocommerce_rest_shop_order_invalid_id"
    assert caught.value.http_status == 404
    assert adapter.calls == {"/orders/{id}": 1}

    adapter.calls.clear()
    too_long = ListingDraft("LONG", "x" * 201, "", "", "", [], [], [_draft("L", 1).variants[0]])
    with pytest.raises(AdapterError) as invalid:
        await adapter.create_listing(shop, too_long)
    assert invalid.value.kind is FailureKind.PERMANENT and adapter.calls == {}
    with pytest.raises(AdapterError):
        await adapter.create_listing(shop, _draft("MANY", 101))
    [negative] = await adapter.update_stock(shop, [StockUpdate("X", -1)])
    assert negative.error is not None and negative.error.code == "validation"
    assert adapter.calls == {}

    await adapter.create_listing(shop, _draft("DUP", 1))
    adapter.calls.clear()
    with pytest.raises(AdapterError) as duplicate:
        await adapter.create_listing(shop, _draft("DUP", 1))
    assert duplicate.value.code == "product_invalid_sku"
    assert adapter.calls == {"/products": 1}
    await adapter.aclose()


async def test_wrong_secret_is_auth_and_not_retried(sandbox: ServedPlatform) -> None:
    shop, _ = await _new_shop(sandbox)
    adapter = _adapter(sandbox)
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
    shop, _ = await _new_shop(sandbox)
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
    _, creds = await _new_shop(sandbox)
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
