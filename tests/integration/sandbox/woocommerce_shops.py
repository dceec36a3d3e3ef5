"""WooCommerce sandbox test set-up shared by the adapter and create tests."""

from __future__ import annotations

from typing import Any

from services.common.money import Money
from services.common.platforms import Platform
from services.sync.adapters.base import ListingDraft, ListingVariant, ShopAuth
from services.sync.adapters.retry import RetryBudget
from services.sync.adapters.woocommerce import WooCommerceAdapter
from tests.support.sandbox_admin import ServedPlatform

FAST = RetryBudget(attempts=6, seconds=30, initial_backoff=0.05, max_backoff=0.5)


async def new_shop(
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


def adapter_for(sandbox: ServedPlatform, **kw: Any) -> WooCommerceAdapter:
    kw.setdefault("retry_budget", FAST)
    return WooCommerceAdapter(sandbox.url + "/woocommerce", **kw)


def make_draft(prefix: str, count: int) -> ListingDraft:
    variants = [
        ListingVariant(f"{prefix}-{i:03d}", [f"V{i}"], Money("USD", 1_000 + i), 10 + i)
        for i in range(count)
    ]
    return ListingDraft(
        prefix, f"Product {prefix}", "A product", "", "", [], ["Variant"], variants, 300
    )


async def wait_hooks(sandbox: ServedPlatform, shop: ShopAuth, count: int) -> None:
    await sandbox.settle(shop.shop_id)
    assert len(sandbox.hooks) >= count
