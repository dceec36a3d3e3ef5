"""Tokopedia update_listing against the sandbox: MARKETPLACES.md §3 documents no
edit-product endpoint, so prices and stock follow and a title edit is refused PERMANENT."""

from __future__ import annotations

import httpx
import pytest

from services.common.money import Money
from services.common.platforms import Platform
from services.sync.adapters.base import ListingDraft, ListingVariant, ShopAuth
from services.sync.adapters.retry import RetryBudget
from services.sync.adapters.tokopedia import TokopediaAdapter
from tests.integration.sandbox.conftest import RunningSandbox
from tests.integration.sandbox.listing_edit_flow import check_update_listing_without_edit_endpoint

pytestmark = pytest.mark.asyncio(loop_scope="session")

FAST = RetryBudget(attempts=4, seconds=20, initial_backoff=0.05, max_backoff=0.2)


async def test_update_listing_prices_stock_and_refusals(sandbox: RunningSandbox) -> None:
    async with httpx.AsyncClient(base_url=sandbox.url) as admin:
        r = await admin.post("/_sandbox/tokopedia/shops", json={"rate_limit": 100})
    assert r.status_code == 201
    c = r.json()
    app = {k: str(c[k]) for k in ("client_id", "client_secret", "fs_id")}
    shop = ShopAuth(Platform.TOKOPEDIA, str(c["shop_id"]), app, rate_limit=100)
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
            lambda path: path == f"/inventory/v1/fs/{app['fs_id']}/product/info",
        )
    finally:
        await adapter.aclose()
