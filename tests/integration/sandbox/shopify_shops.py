"""Shopify sandbox test set-up shared by the adapter and webhook tests."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from services.common.money import Money
from services.common.platforms import Platform
from services.sync.adapters.base import ListingDraft, ListingVariant, ShopAuth, TokenPair
from services.sync.adapters.retry import RetryBudget
from services.sync.adapters.shopify import ShopifyAdapter
from tests.support.sandbox_admin import ServedPlatform

FAST = RetryBudget(attempts=6, seconds=30, initial_backoff=0.05, max_backoff=0.5)
GRAPHQL = "/admin/api/2026-07/graphql.json"


async def new_shop(sp: ServedPlatform, **settings: Any) -> ShopAuth:
    c = await sp.create_shop(**settings)
    assert {"shop_domain", "client_id", "client_secret", "access_token", "location_id"} <= set(c)
    app = {k: c[k] for k in ("shop_domain", "client_id", "client_secret", "location_id")}
    return ShopAuth(
        platform=Platform.SHOPIFY,
        shop_id=c["shop_id"],
        app={**app, "currency": "SGD"},
        tokens=TokenPair(
            c["access_token"],
            c["refresh_token"],
            datetime.now(UTC) + timedelta(seconds=c["expires_in"]),
        ),
    )


def adapter_for(sp: ServedPlatform, **kw: Any) -> ShopifyAdapter:
    kw.setdefault("retry_budget", FAST)
    return ShopifyAdapter(sp.url + "/shopify", **kw)


def make_draft(prefix: str, count: int) -> ListingDraft:
    return ListingDraft(
        seller_sku=prefix,
        title=f"Product {prefix}",
        description="<p>A product</p>",
        category_id="",
        brand="Acme",
        images=[],
        option_names=["Size"],
        variants=[
            ListingVariant(f"{prefix}-{i:02d}", [f"V{i}"], Money("SGD", 1000 + i), 10 + i)
            for i in range(count)
        ],
    )
