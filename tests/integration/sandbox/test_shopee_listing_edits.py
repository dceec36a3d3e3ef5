"""Shopee update_listing against the sandbox: update_item for the item's name,
description and weight (only what changed), update_price/update_stock for prices and
stock; invalid drafts and model-set changes refused PERMANENT; the sandbox's own
update_item checks, called directly through the adapter's signed client."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import replace
from typing import Any

import pytest
import pytest_asyncio

from sandbox import shopee
from services.common.money import Money
from services.sync.adapters.base import ListingDraft, ListingVariant, ShopAuth
from services.sync.adapters.errors import AdapterError, FailureKind
from services.sync.adapters.retry import RetryBudget
from services.sync.adapters.shopee import ShopeeAdapter
from services.sync.adapters.shopee.listings import PATH_UPDATE_ITEM
from tests.integration.sandbox.listing_edit_flow import check_update_listing_with_edit_endpoint
from tests.support.sandbox_admin import ServedPlatform, serve_platform
from tests.support.sea_shops import shopee_auth

pytestmark = pytest.mark.asyncio(loop_scope="session")

FAST = RetryBudget(attempts=4, seconds=20, initial_backoff=0.05, max_backoff=0.2)
READS = {"/api/v2/product/get_item_base_info", "/api/v2/product/get_model_list"}


@pytest_asyncio.fixture(scope="module", loop_scope="session")
async def sandbox() -> AsyncIterator[ServedPlatform]:
    async with serve_platform("shopee", shopee.admin_routes, shopee.api_routes) as served:
        yield served


async def _new_shop(sandbox: ServedPlatform) -> ShopAuth:
    return shopee_auth(await sandbox.create_shop(rate_limit=50), 50)


def _draft(prefix: str) -> ListingDraft:
    return ListingDraft(
        seller_sku=prefix,
        title="Shopee mug",
        description="A mug",
        category_id="100017",
        brand="",
        images=[],
        option_names=["Colour"],
        variants=[
            ListingVariant(f"{prefix}-{c}", [c], Money("SGD", 1000 + i), 10 + i)
            for i, c in enumerate(("Red", "Blue", "Green"))
        ],
        weight_grams=300,
    )


async def test_update_listing_edits_the_item_then_prices_and_stock(
    sandbox: ServedPlatform,
) -> None:
    shop = await _new_shop(sandbox)
    adapter = ShopeeAdapter(sandbox.url + "/shopee", retry_budget=FAST)

    async def read_back(external_id: str) -> tuple[str, str]:
        # The platform's own get_item_base_info, as the adapter reads it.
        item = await adapter._listings.item(shop, external_id)
        return str(item["item_name"]), str(item["description"])

    try:
        await check_update_listing_with_edit_endpoint(
            adapter,
            adapter.calls,
            shop,
            _draft("SE"),
            is_read=READS.__contains__,
            is_edit=PATH_UPDATE_ITEM.__eq__,
            read_back=read_back,
            new_title="Shopee mug, blue glaze",
            invalid=[
                ({"title": "x" * 121}, "title longer than 120"),
                ({"description": "x" * 2001}, "description longer than 2000"),
                ({"weight_grams": 0}, "weight is required"),
            ],
        )
    finally:
        await adapter.aclose()
    [stored] = await sandbox.listings(shop.shop_id)
    assert stored["item_name"] == "Shopee mug, blue glaze"
    assert stored["description"] == "A new description of the mug"


async def test_a_weight_edit_reaches_the_item_and_its_models(sandbox: ServedPlatform) -> None:
    shop = await _new_shop(sandbox)
    adapter = ShopeeAdapter(sandbox.url + "/shopee", retry_budget=FAST)
    try:
        draft = _draft("SW")
        ref = await adapter.create_listing(shop, draft)
        adapter.calls.clear()
        await adapter.update_listing(shop, ref, replace(draft, weight_grams=1250))
        assert adapter.calls[PATH_UPDATE_ITEM] == 1
        item = await adapter._listings.item(shop, ref.external_id)
    finally:
        await adapter.aclose()
    assert item["weight"] == 1.25 and item["item_name"] == "Shopee mug"
    [stored] = await sandbox.listings(shop.shop_id)
    assert stored["weight"] == 1.25
    listing = sandbox.shop(shop.shop_id).listings[int(ref.external_id)]
    assert [m.weight_kg for m in listing.models] == [1.25, 1.25, 1.25]


async def _update_item(adapter: ShopeeAdapter, shop: ShopAuth, body: dict[str, Any]) -> Any:
    return await adapter._client.call(shop, "POST", PATH_UPDATE_ITEM, body=body)


async def test_sandbox_refuses_what_update_item_refuses_and_changes_nothing(
    sandbox: ServedPlatform,
) -> None:
    shop = await _new_shop(sandbox)
    adapter = ShopeeAdapter(sandbox.url + "/shopee", retry_budget=FAST)
    try:
        ref = await adapter.create_listing(shop, _draft("SR"))
        [stored] = await sandbox.listings(shop.shop_id)
        item = int(ref.external_id)
        cases: list[tuple[dict[str, Any], str]] = [
            ({}, "product.error_param"),  # no item_id
            ({"item_id": 999}, "product.error_item_not_found"),
            ({"item_id": item, "item_name": " "}, "product.error_item_name_empty"),
            ({"item_id": item, "item_name": "x" * 121}, "product.error_title_exceeds_max_length"),
            ({"item_id": item, "description": ""}, "product.error_desc_length_min_limit"),
            ({"item_id": item, "description": "x" * 2001}, "product.error_param"),
            ({"item_id": item, "weight": 0}, "product.error_param"),
            ({"item_id": item, "dimension": {"package_height": 1}}, "product.error_param"),
            ({"item_id": item, "image": {"image_id_list": []}}, "product.error_image_num_min"),
            ({"item_id": item, "image": {"image_id_list": ["i"] * 10}}, "product.error_param"),
            ({"item_id": item, "category_id": "mugs"}, "product.error_invalid_category"),
            ({"item_id": item, "brand": {"brand_id": 0}}, "product.error_invalid_brand"),
            ({"item_id": item, "item_status": "BANNED"}, "product.error_param"),
        ]
        for body, code in cases:
            # A valid description rides along: a refused update must not apply it either.
            body.setdefault("description", "Should not be stored")
            with pytest.raises(AdapterError) as info:
                await _update_item(adapter, shop, body)
            assert info.value.kind is FailureKind.PERMANENT, body
            assert info.value.code == code, (body, info.value)
        assert await sandbox.listings(shop.shop_id) == [stored]

        # An item Shopee has banned cannot be edited.
        listing = sandbox.shop(shop.shop_id).listings[item]
        listing.status = "BANNED"
        with pytest.raises(AdapterError) as info:
            await _update_item(adapter, shop, {"item_id": item, "item_name": "New name"})
        assert info.value.code == "product.error_item_uneditable"
        assert listing.name == "Shopee mug"
    finally:
        await adapter.aclose()


async def test_sandbox_applies_every_update_item_field_it_serves(
    sandbox: ServedPlatform,
) -> None:
    shop = await _new_shop(sandbox)
    adapter = ShopeeAdapter(sandbox.url + "/shopee", retry_budget=FAST)
    try:
        ref = await adapter.create_listing(shop, _draft("SA"))
        item = int(ref.external_id)
        dimension = {"package_height": 10, "package_length": 12, "package_width": 8}
        answer = await _update_item(
            adapter,
            shop,
            {
                "item_id": item,
                "item_name": "Renamed mug",
                "weight": 0.75,
                "dimension": dimension,
                "image": {"image_id_list": ["sg-img-1", "sg-img-2"]},
                "category_id": 100018,
                "brand": {"brand_id": 0, "original_brand_name": "Potter"},
                "item_status": "UNLIST",
            },
        )
        base = await adapter._listings.item(shop, ref.external_id)
    finally:
        await adapter.aclose()
    response = answer["response"]
    assert answer["error"] == ""
    assert response["item_id"] == item and response["item_name"] == "Renamed mug"
    assert response["images"]["image_id_list"] == ["sg-img-1", "sg-img-2"]
    # Fields left out keep their values.
    assert response["description"] == "A mug"
    assert base["item_name"] == "Renamed mug" and base["item_status"] == "UNLIST"
    assert base["weight"] == 0.75 and base["dimension"] == dimension
    assert base["image"]["image_id_list"] == ["sg-img-1", "sg-img-2"]
    assert base["category_id"] == 100018
    assert base["brand"]["original_brand_name"] == "Potter"
    [stored] = await sandbox.listings(shop.shop_id)
    assert stored["image_id_list"] == ["sg-img-1", "sg-img-2"] and stored["brand"] == "Potter"
