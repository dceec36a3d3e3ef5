"""WooCommerce creates are never duplicated: a create stored before its answer was lost,
variations stored before a lost answer, a first create that reaches the site late."""

from __future__ import annotations

from collections.abc import AsyncIterator

import httpx
import pytest
import pytest_asyncio

from sandbox import woocommerce
from tests.integration.sandbox.woocommerce_shops import (
    adapter_for,
    make_draft,
    new_shop,
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


async def test_create_that_timed_out_after_storing_is_not_duplicated(
    sandbox: ServedPlatform,
) -> None:
    shop, _ = await new_shop(sandbox)
    adapter = adapter_for(sandbox, timeout=httpx.Timeout(0.4, connect=1.0))
    switches = {"timeout_next": 1, "hang_seconds": 1.0}
    await sandbox.admin("POST", f"{shop.shop_id}/faults", json=switches)
    ref = await adapter.create_listing(shop, make_draft("ONCE", 3))
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
    shop, _ = await new_shop(sandbox)
    lossy = LoseFirstReply("/variations/batch")
    adapter = adapter_for(sandbox, transport=lossy)
    ref = await adapter.create_listing(shop, make_draft("LOST", 3))
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
    shop, _ = await new_shop(sandbox)
    slow = SlowFirstCreate()
    adapter = adapter_for(sandbox, transport=slow)
    ref = await adapter.create_listing(shop, make_draft("LATE", 2))
    assert slow.creates == 2  # the resend was refused as a duplicate SKU, then adopted
    stored = (await sandbox.admin("GET", f"{shop.shop_id}/listings"))["listings"]
    assert len(stored) == 1 and str(stored[0]["product_id"]) == ref.external_id
    assert len(stored[0]["variations"]) == 2
    await adapter.aclose()
