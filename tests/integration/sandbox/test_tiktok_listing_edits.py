"""TikTok Shop update_listing against the sandbox: MARKETPLACES.md §2.4 documents no
edit-product endpoint, so prices and stock follow and a title edit is refused PERMANENT."""

from __future__ import annotations

import re
from datetime import UTC, datetime

import httpx
import pytest

from services.common.money import Money
from services.common.platforms import Platform
from services.sync.adapters.base import ListingDraft, ListingVariant, ShopAuth, TokenPair
from services.sync.adapters.retry import RetryBudget
from services.sync.adapters.tiktok import TikTokAdapter
from tests.integration.sandbox.conftest import RunningSandbox
from tests.integration.sandbox.listing_edit_flow import check_update_listing_without_edit_endpoint

pytestmark = pytest.mark.asyncio(loop_scope="session")

FAST = RetryBudget(attempts=4, seconds=20, initial_backoff=0.05, max_backoff=0.2)


async def _new_shop(sandbox: RunningSandbox) -> ShopAuth:
    async with httpx.AsyncClient(base_url=sandbox.url) as admin:
        r = await admin.post("/_sandbox/tiktok/shops", json={"rate_limit": 50})
    assert r.status_code == 201
    c = r.json()
    app = {
        k: str(c[k])
        for k in ("app_key", "app_secret", "currency", "region", "warehouse_id", "shop_cipher")
    }
    expires = datetime.fromtimestamp(c["access_token_expire_in"], UTC)
    tokens = TokenPair(c["access_token"], c["refresh_token"], expires)
    return ShopAuth(Platform.TIKTOK_SHOP, str(c["shop_id"]), app, tokens, 50)


async def test_update_listing_prices_stock_and_refusals(sandbox: RunningSandbox) -> None:
    shop = await _new_shop(sandbox)
    adapter = TikTokAdapter(sandbox.url + "/tiktok", sandbox.url + "/tiktok", retry_budget=FAST)
    draft = ListingDraft(
        seller_sku="TT",
        title="TikTok mug",
        description="A mug",
        category_id="600001",
        brand="",
        images=[],
        option_names=["Colour"],
        variants=[
            ListingVariant(f"TT-{c}", [c], Money(shop.app["currency"], 1000 + i), 10 + i)
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
            lambda path: re.fullmatch(r"/product/202309/products/\d+", path) is not None,
        )
    finally:
        await adapter.aclose()
