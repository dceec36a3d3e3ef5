"""Tokopedia update_listing against the sandbox: MARKETPLACES.md §3 documents no
edit-product endpoint, so prices and stock follow and a title edit is refused PERMANENT."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
import pytest_asyncio

from sandbox import tokopedia
from services.common.money import Money
from services.sync.adapters.base import ListingDraft, ListingVariant
from services.sync.adapters.retry import RetryBudget
from services.sync.adapters.tokopedia import TokopediaAdapter
from tests.integration.sandbox.listing_edit_flow import check_update_listing_without_edit_endpoint
from tests.support.sandbox_admin import ServedPlatform, serve_platform
from tests.support.sea_shops import tokopedia_auth

pytestmark = pytest.mark.asyncio(loop_scope="session")

FAST = RetryBudget(attempts=4, seconds=20, initial_backoff=0.05, max_backoff=0.2)


@pytest_asyncio.fixture(scope="module", loop_scope="session")
async def sandbox() -> AsyncIterator[ServedPlatform]:
    async with serve_platform("tokopedia", tokopedia.admin_routes, tokopedia.api_routes) as served:
        yield served


async def test_update_listing_prices_stock_and_refusals(sandbox: ServedPlatform) -> None:
    shop = tokopedia_auth(await sandbox.create_shop(rate_limit=100), 100)
    adapter = TokopediaAdapter(sandbox.url + "/tokopedia", retry_budget=FAST)
    draft = ListingDraft(
        seller_sku="TK",
        title="Tokopedia mug",
        description="A mug",
        category_id="562",
        brand="",
        images=[],
        option_names=["Warna"],
        variants=[
            ListingVariant(f"TK-{c}", [c], Money("IDR", 10_000 + i), 10 + i)
            for i, c in enumerate(("Merah", "Biru", "Hijau"))
        ],
        weight_grams=300,
    )
    try:
        await adapter.exchange_code(shop, "")
        await check_update_listing_without_edit_endpoint(
            adapter,
            adapter.calls,
            shop,
            draft,
            lambda path: path == f"/inventory/v1/fs/{shop.app['fs_id']}/product/info",
        )
    finally:
        await adapter.aclose()
