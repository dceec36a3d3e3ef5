"""Shopee update_listing against the sandbox: MARKETPLACES.md §1.4 documents no
item-edit endpoint, so prices and stock follow and a title edit is refused PERMANENT."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import httpx
import pytest

from services.common.money import Money
from services.common.platforms import Platform
from services.sync.adapters.base import ListingDraft, ListingVariant, ShopAuth, TokenPair
from services.sync.adapters.retry import RetryBudget
from services.sync.adapters.shopee import ShopeeAdapter
from tests.integration.sandbox.conftest import RunningSandbox
from tests.integration.sandbox.listing_edit_flow import check_update_listing_without_edit_endpoint

pytestmark = pytest.mark.asyncio(loop_scope="session")

FAST = RetryBudget(attempts=4, seconds=20, initial_backoff=0.05, max_backoff=0.2)


async def _new_shop(sandbox: RunningSandbox) -> ShopAuth:
    async with httpx.AsyncClient(base_url=sandbox.url) as admin:
        r = await admin.post("/_sandbox/shopee/shops", json={"rate_limit": 50})
    assert r.status_code == 201
    c = r.json()
    return ShopAuth(
        platform=Platform.SHOPEE,
        shop_id=str(c["shop_id"]),
        app={"partner_id": str(c["partner_id"]), "partner_key": c["partner_key"]},
        tokens=TokenPair(
            c["access_token"],
            c["refresh_token"],
            datetime.now(UTC) + timedelta(seconds=c["expire_in"]),
        ),
        rate_limit=50,
    )


async def test_update_listing_prices_stock_and_refusals(sandbox: RunningSandbox) -> None:
    shop = await _new_shop(sandbox)
    adapter = ShopeeAdapter(sandbox.url + "/shopee", retry_budget=FAST)
    draft = ListingDraft(
        seller_sku="SE",
        title="Shopee mug",
        description="A mug",
        category_id="100017",
        brand="",
        images=[],
        option_names=["Colour"],
        variants=[
            ListingVariant(f"SE-{c}", [c], Money("SGD", 1000 + i), 10 + i)
            for i, c in enumerate(("Red", "Blue", "Green"))
        ],
        weight_grams=300,
    )
    try:
        await check_update_listing_without_edit_endpoint(
            adapter,
            adapter.calls,
            shop,
            draft,
            {"/api/v2/product/get_item_base_info", "/api/v2/product/get_model_list"}.__contains__,
        )
    finally:
        await adapter.aclose()
