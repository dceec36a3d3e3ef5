"""TikTok Shop update_listing against the sandbox: partial_edit for the product's title,
description and package weight (only what changed), prices/update and inventory/update
for prices and stock; invalid drafts and SKU-set changes refused PERMANENT; the
sandbox's own partial_edit checks, called directly through the adapter's signed client."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from dataclasses import replace
from typing import Any

import pytest
import pytest_asyncio

from sandbox import tiktok
from services.common.money import Money
from services.sync.adapters.base import ListingDraft, ListingVariant, ShopAuth
from services.sync.adapters.errors import AdapterError, FailureKind
from services.sync.adapters.retry import RetryBudget
from services.sync.adapters.tiktok import TikTokAdapter
from services.sync.adapters.tiktok.listings import partial_edit_path
from tests.integration.sandbox.listing_edit_flow import check_update_listing_with_edit_endpoint
from tests.support.sandbox_admin import ServedPlatform, serve_platform
from tests.support.sea_shops import tiktok_auth

pytestmark = pytest.mark.asyncio(loop_scope="session")

FAST = RetryBudget(attempts=4, seconds=20, initial_backoff=0.05, max_backoff=0.2)
NEW_TITLE = "TikTok mug with a blue glaze"  # ≥ 25 characters: an SG shop's minimum


def _is_read(path: str) -> bool:
    return re.fullmatch(r"/product/202309/products/\d+", path) is not None


def _is_edit(path: str) -> bool:
    return re.fullmatch(r"/product/202309/products/\d+/partial_edit", path) is not None


@pytest_asyncio.fixture(scope="module", loop_scope="session")
async def sandbox() -> AsyncIterator[ServedPlatform]:
    async with serve_platform("tiktok", tiktok.admin_routes, tiktok.api_routes) as served:
        yield served


async def _new_shop(sandbox: ServedPlatform, region: str = "SG") -> ShopAuth:
    return tiktok_auth(await sandbox.create_shop(rate_limit=50, region=region), 50)


def _draft(shop: ShopAuth, prefix: str) -> ListingDraft:
    return ListingDraft(
        seller_sku=prefix,
        title="TikTok mug",
        description="A mug",
        category_id="600001",
        brand="",
        images=[],
        option_names=["Colour"],
        variants=[
            ListingVariant(f"{prefix}-{c}", [c], Money(shop.app["currency"], 1000 + i), 10 + i)
            for i, c in enumerate(("Red", "Blue", "Green"))
        ],
        weight_grams=300,
    )


async def test_update_listing_edits_the_product_then_prices_and_stock(
    sandbox: ServedPlatform,
) -> None:
    shop = await _new_shop(sandbox)
    adapter = TikTokAdapter(sandbox.url + "/tiktok", sandbox.url + "/tiktok", retry_budget=FAST)

    async def read_back(external_id: str) -> tuple[str, str]:
        # The platform's own get product, as the adapter reads it.
        product = await adapter._listings.product(shop, external_id)
        return str(product["title"]), str(product["description"])

    try:
        await check_update_listing_with_edit_endpoint(
            adapter,
            adapter.calls,
            shop,
            _draft(shop, "TT"),
            is_read=_is_read,
            is_edit=_is_edit,
            read_back=read_back,
            new_title=NEW_TITLE,
            invalid=[
                ({"title": "x" * 256}, "title longer than 255"),
                ({"description": "x" * 10_001}, "description longer than 10000"),
                ({"description": "<p><img src='a'/></p>" * 31}, "more than 30 <img> tags"),
                ({"title": "TikTok 马克杯 with a blue glaze"}, "Chinese characters"),
            ],
        )
    finally:
        await adapter.aclose()
    [stored] = await sandbox.listings(shop.shop_id)
    assert stored["title"] == NEW_TITLE
    assert stored["description"] == "A new description of the mug"
    assert stored["status"] == "ACTIVATE"


async def test_a_changed_title_below_the_regions_minimum_is_refused_before_the_edit(
    sandbox: ServedPlatform,
) -> None:
    shop = await _new_shop(sandbox)
    adapter = TikTokAdapter(sandbox.url + "/tiktok", sandbox.url + "/tiktok", retry_budget=FAST)
    try:
        draft = _draft(shop, "TS")
        ref = await adapter.create_listing(shop, draft)
        adapter.calls.clear()
        with pytest.raises(AdapterError, match="shorter than 25") as info:
            await adapter.update_listing(shop, ref, replace(draft, title="Blue mug"))
        assert info.value.kind is FailureKind.PERMANENT
        assert adapter.calls and all(_is_read(p) for p in adapter.calls), adapter.calls
        # A US shop has no minimum: the same edit goes through.
        us = await _new_shop(sandbox, "US")
        us_draft = _draft(us, "TU")
        us_ref = await adapter.create_listing(us, us_draft)
        await adapter.update_listing(us, us_ref, replace(us_draft, title="Blue mug"))
        assert (await adapter.get_listing(us, us_ref.external_id)).title == "Blue mug"
    finally:
        await adapter.aclose()
    [stored] = await sandbox.listings(shop.shop_id)
    assert stored["title"] == "TikTok mug"


async def test_a_weight_edit_sends_the_package_weight(sandbox: ServedPlatform) -> None:
    shop = await _new_shop(sandbox)
    adapter = TikTokAdapter(sandbox.url + "/tiktok", sandbox.url + "/tiktok", retry_budget=FAST)
    try:
        draft = _draft(shop, "TW")
        ref = await adapter.create_listing(shop, draft)
        adapter.calls.clear()
        await adapter.update_listing(shop, ref, replace(draft, weight_grams=1250))
        assert adapter.calls[partial_edit_path(ref.external_id)] == 1
        product = await adapter._listings.product(shop, ref.external_id)
    finally:
        await adapter.aclose()
    assert product["package_weight"] == {"value": "1.25", "unit": "KILOGRAM"}
    assert product["title"] == "TikTok mug"
    [stored] = await sandbox.listings(shop.shop_id)
    assert stored["package_weight_kg"] == 1.25


async def _edit(adapter: TikTokAdapter, shop: ShopAuth, product_id: str, body: Any) -> Any:
    return await adapter._client.call(shop, "POST", partial_edit_path(product_id), body=body)


async def test_sandbox_refuses_what_partial_edit_refuses_and_changes_nothing(
    sandbox: ServedPlatform,
) -> None:
    shop = await _new_shop(sandbox)
    adapter = TikTokAdapter(sandbox.url + "/tiktok", sandbox.url + "/tiktok", retry_budget=FAST)
    try:
        ref = await adapter.create_listing(shop, _draft(shop, "TR"))
        [stored] = await sandbox.listings(shop.shop_id)
        pid = ref.external_id
        sku_ids = list(ref.variant_ids.values())
        wh = shop.app["warehouse_id"]
        img = "<p><img src='https://p16-oec-va.ibyteimg.com/a' width='9' height='9'/></p>"
        cases: list[tuple[str, dict[str, Any], str]] = [
            ("999", {"title": NEW_TITLE}, "12052032"),
            (pid, {"title": " "}, "12052261"),
            (pid, {"title": "A 马克杯 that is long enough to pass"}, "12052262"),
            (pid, {"title": "Too short for SG"}, "12052051"),
            (pid, {"title": "x" * 256}, "12052051"),
            (pid, {"description": ""}, "12052015"),
            (pid, {"description": "x" * 10_001}, "12052013"),
            (pid, {"description": img * 31}, "12052056"),
            (pid, {"description": "<p>马克杯</p>"}, "12052346"),
            (pid, {"main_images": []}, "12052028"),
            (pid, {"main_images": [{"uri": "tos-a/b"}] * 10}, "12052306"),
            (pid, {"main_images": [{"url": "https://img.example.com/a.jpg"}]}, "12052300"),
            (pid, {"package_weight": {"value": "0", "unit": "KILOGRAM"}}, "12052181"),
            (pid, {"package_weight": {"value": "1", "unit": "POUND"}}, "12019011"),
            (pid, {"package_weight": {"value": "1.2345", "unit": "KILOGRAM"}}, "12019011"),
            (pid, {"brand_id": "7082427311584347905"}, "12052026"),
            (pid, {"skus": [{"id": sku_ids[0]}]}, "40006"),  # would delete two SKUs
            (
                pid,
                {
                    "skus": [
                        {"id": i, "inventory": [{"warehouse_id": wh, "quantity": 100_000}]}
                        for i in sku_ids
                    ]
                },
                "12052055",
            ),
            (pid, {"skus": [{"id": i, "seller_sku": "x" * 51} for i in sku_ids]}, "12052054"),
            (pid, {"save_mode": "AS_DRAFT"}, "40006"),  # a post-live draft
        ]
        for product_id, body, code in cases:
            # A valid description rides along: a refused edit must not apply it either.
            body.setdefault("description", "Should not be stored")
            with pytest.raises(AdapterError) as info:
                await _edit(adapter, shop, product_id, body)
            assert info.value.kind is FailureKind.PERMANENT, body
            assert info.value.code == code, (body, info.value)
        assert await sandbox.listings(shop.shop_id) == [stored]

        # A frozen product cannot be edited.
        listing = sandbox.shop(shop.shop_id).listings[int(pid)]
        listing.status = "FREEZE"
        with pytest.raises(AdapterError) as info:
            await _edit(adapter, shop, pid, {"title": NEW_TITLE})
        assert info.value.code == "40006" and listing.name == "TikTok mug"
    finally:
        await adapter.aclose()


async def test_sandbox_applies_the_partial_edit_properties_it_serves(
    sandbox: ServedPlatform,
) -> None:
    shop = await _new_shop(sandbox)
    adapter = TikTokAdapter(sandbox.url + "/tiktok", sandbox.url + "/tiktok", retry_budget=FAST)
    try:
        ref = await adapter.create_listing(shop, _draft(shop, "TA"))
        pid = ref.external_id
        wh = shop.app["warehouse_id"]
        currency = shop.app["currency"]
        answer = await _edit(
            adapter,
            shop,
            pid,
            {
                "title": NEW_TITLE,
                "main_images": [{"uri": "tos-maliva-i-1/a"}, {"uri": "tos-maliva-i-1/b"}],
                "package_weight": {"value": "0.75", "unit": "KILOGRAM"},
                "skus": [
                    {
                        "id": sku_id,
                        "price": {"amount": "20.00", "currency": currency},
                        "inventory": [{"warehouse_id": wh, "quantity": 7}],
                    }
                    for sku_id in ref.variant_ids.values()
                ],
            },
        )
        product = await adapter._listings.product(shop, pid)
        listing = await adapter.get_listing(shop, pid)
    finally:
        await adapter.aclose()
    assert answer["product_id"] == pid and answer["audit"] == {"status": "APPROVED"}
    assert {s["id"] for s in answer["skus"]} == set(ref.variant_ids.values())
    assert product["title"] == NEW_TITLE
    assert product["description"] == "A mug"  # left out: unchanged
    assert product["main_images"] == [{"uri": "tos-maliva-i-1/a"}, {"uri": "tos-maliva-i-1/b"}]
    assert product["package_weight"] == {"value": "0.75", "unit": "KILOGRAM"}
    assert {(v.price, v.stock) for v in listing.variants} == {(Money(currency, 2000), 7)}
