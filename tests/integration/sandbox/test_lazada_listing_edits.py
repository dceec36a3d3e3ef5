"""Lazada update_listing against the sandbox: /product/update for attributes, images and
weights, price_quantity/update for prices and stock; invalid drafts and SKU-set changes
refused PERMANENT; the sandbox's own /product/update checks, called directly."""

from __future__ import annotations

import json
import time
from collections.abc import AsyncIterator
from dataclasses import replace
from typing import Any

import httpx
import pytest
import pytest_asyncio

from sandbox import lazada
from services.common.money import Money
from services.sync.adapters.base import ListingDraft, ListingVariant, ShopAuth
from services.sync.adapters.errors import AdapterError, FailureKind
from services.sync.adapters.lazada import LazadaAdapter
from services.sync.adapters.lazada.signing import api_sign
from services.sync.adapters.retry import RetryBudget
from tests.support.sandbox_admin import ServedPlatform, serve_platform
from tests.support.sea_shops import lazada_auth

pytestmark = pytest.mark.asyncio(loop_scope="session")

FAST = RetryBudget(attempts=4, seconds=20, initial_backoff=0.05, max_backoff=0.2)
IMG = "https://img.example.com/"


@pytest_asyncio.fixture(scope="module", loop_scope="session")
async def lz() -> AsyncIterator[ServedPlatform]:
    async with serve_platform("lazada", lazada.admin_routes, lazada.api_routes, seed=11) as sp:
        yield sp


async def _new_shop(lz: ServedPlatform) -> ShopAuth:
    return lazada_auth(await lz.create_shop(rate_limit=50), 50)


def _draft(prefix: str) -> ListingDraft:
    return ListingDraft(
        seller_sku=prefix,
        title=f"Shirt {prefix}",
        description="Plain cotton shirt",
        category_id="10002019",
        brand="",
        images=[IMG + "a.jpg"],
        option_names=["size"],
        variants=[
            ListingVariant(f"{prefix}-{s}", [s], Money("SGD", 1500 + i), 5 + i)
            for i, s in enumerate(("S", "M", "L"))
        ],
        weight_grams=250,
    )


async def test_update_listing_sends_attributes_images_weight_then_prices_and_stock(
    lz: ServedPlatform,
) -> None:
    shop = await _new_shop(lz)
    adapter = LazadaAdapter(lz.url + "/lazada/rest", retry_budget=FAST)
    try:
        draft = _draft("ED")
        ref = await adapter.create_listing(shop, draft)
        variants = [
            replace(v, price=Money("SGD", 1999), stock=40 + i) for i, v in enumerate(draft.variants)
        ]
        variants[2] = replace(variants[2], weight_grams=400)
        edited = replace(
            draft,
            title="Shirt ED, organic cotton",
            description="<p>Organic cotton, relaxed fit</p>",
            brand="Acme",
            images=[IMG + "front.jpg", IMG + "back.jpg"],
            variants=variants,
        )
        adapter.calls.clear()
        updated = await adapter.update_listing(shop, ref, edited)

        assert updated == ref
        # One read, one product edit, one price batch and one stock batch.
        assert adapter.calls == {
            "/product/item/get": 1,
            "/product/update": 1,
            "/product/price_quantity/update": 2,
        }
        listing = await adapter.get_listing(shop, ref.external_id)
        assert listing.title == "Shirt ED, organic cotton"
        assert {(v.seller_sku, v.price, v.stock) for v in listing.variants} == {
            ("ED-S", Money("SGD", 1999), 40),
            ("ED-M", Money("SGD", 1999), 41),
            ("ED-L", Money("SGD", 1999), 42),
        }
        [stored] = await lz.listings(shop.shop_id)
        assert stored["attributes"] == {
            "name": "Shirt ED, organic cotton",
            "description": "<p>Organic cotton, relaxed fit</p>",
            "brand": "Acme",
        }
        assert stored["images"] == [IMG + "front.jpg", IMG + "back.jpg"]
        weights = {s["SellerSku"]: s["package_weight"] for s in stored["skus"]}
        assert weights == {"ED-S": 0.25, "ED-M": 0.25, "ED-L": 0.4}
    finally:
        await adapter.aclose()


async def test_a_draft_without_images_keeps_the_listings_images(lz: ServedPlatform) -> None:
    shop = await _new_shop(lz)
    adapter = LazadaAdapter(lz.url + "/lazada/rest", retry_budget=FAST)
    try:
        draft = _draft("KI")
        ref = await adapter.create_listing(shop, draft)
        await adapter.update_listing(shop, ref, replace(draft, title="Shirt KI v2", images=[]))
        [stored] = await lz.listings(shop.shop_id)
        assert stored["attributes"]["name"] == "Shirt KI v2"
        assert stored["images"] == [IMG + "a.jpg"]
    finally:
        await adapter.aclose()


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"title": ""}, "title is empty"),
        ({"title": "x" * 256}, "longer than 255"),
        ({"title": "Shirt <b>bold</b>"}, "4129"),
        ({"images": [IMG + "a.jpg", IMG + "a.jpg"]}, "4116"),
        ({"weight_grams": -1}, "weight must be >= 0"),
        ({"category_id": "shirts"}, "PrimaryCategory"),
    ],
)
async def test_invalid_edits_fail_permanent_without_a_request(
    lz: ServedPlatform, change: dict[str, Any], message: str
) -> None:
    shop = await _new_shop(lz)
    adapter = LazadaAdapter(lz.url + "/lazada/rest", retry_budget=FAST)
    try:
        draft = _draft("IV")
        ref = await adapter.create_listing(shop, draft)
        before = lz.requests(shop.shop_id)
        with pytest.raises(AdapterError, match=message) as info:
            await adapter.update_listing(shop, ref, replace(draft, **change))
        assert info.value.kind is FailureKind.PERMANENT
        assert lz.requests(shop.shop_id) == before
    finally:
        await adapter.aclose()


async def test_a_changed_sku_set_is_refused_before_any_write(lz: ServedPlatform) -> None:
    shop = await _new_shop(lz)
    adapter = LazadaAdapter(lz.url + "/lazada/rest", retry_budget=FAST)
    try:
        draft = _draft("VS")
        ref = await adapter.create_listing(shop, draft)
        extra = ListingVariant("VS-XL", ["XL"], Money("SGD", 1600), 1)
        for variants in ([*draft.variants, extra], list(draft.variants[:2])):
            before = lz.requests(shop.shop_id)
            with pytest.raises(AdapterError, match="variant set is not supported") as info:
                await adapter.update_listing(
                    shop, ref, replace(draft, title="Renamed", variants=variants)
                )
            assert info.value.kind is FailureKind.PERMANENT
            assert info.value.code == "unsupported"
            # Only the read of the current listing reached the platform.
            assert lz.requests(shop.shop_id)[len(before) :] == ["/product/item/get"]
        [stored] = await lz.listings(shop.shop_id)
        assert stored["attributes"]["name"] == "Shirt VS"
        assert [s["SellerSku"] for s in stored["skus"]] == ["VS-S", "VS-M", "VS-L"]
    finally:
        await adapter.aclose()


# -- the sandbox's /product/update, called directly (signed as §4.1 says) -------------


async def _update(lz: ServedPlatform, shop: ShopAuth, document: str) -> dict[str, Any]:
    assert shop.tokens is not None
    params = {
        "app_key": shop.app["app_key"],
        "access_token": shop.tokens.access_token,
        "timestamp": str(int(time.time() * 1000)),
        "sign_method": "sha256",
        "payload": document,
    }
    params["sign"] = api_sign(shop.app["app_secret"], "/product/update", params)
    async with httpx.AsyncClient(base_url=lz.url) as client:
        r = await client.post("/lazada/rest/product/update", params=params)
    assert r.status_code == 200
    answer: dict[str, Any] = r.json()
    return answer


def _doc(product: dict[str, Any]) -> str:
    return json.dumps({"Request": {"Product": product}})


async def _created(lz: ServedPlatform, prefix: str) -> tuple[ShopAuth, dict[str, Any]]:
    shop = await _new_shop(lz)
    adapter = LazadaAdapter(lz.url + "/lazada/rest", retry_budget=FAST)
    try:
        await adapter.create_listing(shop, _draft(prefix))
    finally:
        await adapter.aclose()
    [stored] = await lz.listings(shop.shop_id)
    return shop, stored


async def test_sandbox_refuses_what_updateproduct_refuses_and_changes_nothing(
    lz: ServedPlatform,
) -> None:
    shop, stored = await _created(lz, "SB")
    item, sku_id = stored["item_id"], stored["skus"][0]["SkuId"]
    cases: list[tuple[dict[str, Any], str]] = [
        ({"Attributes": {"name": "x"}}, "1"),  # no ItemId
        ({"ItemId": "999", "Attributes": {"name": "x"}}, "4137"),
        ({"ItemId": item, "Skus": {"Sku": [{"SellerSku": "SB-S"}]}}, "4216"),
        ({"ItemId": item, "Skus": {"Sku": [{"SkuId": "1"}]}}, "4136"),
        ({"ItemId": item, "Skus": {"Sku": [{"SkuId": sku_id, "SellerSku": "SB-M"}]}}, "4136"),
        ({"ItemId": item, "Attributes": {"name": "a <b>"}}, "4129"),
        ({"ItemId": item, "Attributes": {"name": " "}}, "4108"),
        ({"ItemId": item, "PrimaryCategory": "shirts"}, "201"),
        ({"ItemId": item, "Images": {"Image": []}}, "4139"),
        ({"ItemId": item, "Images": {"Image": ["u", "u"]}}, "4116"),
        ({"ItemId": item, "Skus": {"Sku": [{"SkuId": sku_id, "quantity": "-1"}]}}, "4152"),
        ({"ItemId": item, "Skus": {"Sku": [{"SkuId": sku_id, "price": "0"}]}}, "4118"),
    ]
    for product, code in cases:
        # A valid name rides along: a refused document must not apply it either.
        product.setdefault("Attributes", {"name": "Should not be stored"})
        answer = await _update(lz, shop, _doc(product))
        assert answer["code"] == code, (product, answer)
    assert await lz.listings(shop.shop_id) == [stored]


async def test_sandbox_applies_an_xml_update(lz: ServedPlatform) -> None:
    """The docs' own form: an XML payload (⚠ §4.1), as in the UpdateProduct samples."""
    shop, stored = await _created(lz, "XM")
    item, sku_id = stored["item_id"], stored["skus"][1]["SkuId"]
    xml = (
        f"<Request><Product><ItemId>{item}</ItemId>"
        "<Attributes><name>XML name</name><description>XML text</description></Attributes>"
        f"<Images><Image>{IMG}x1.jpg</Image><Image>{IMG}x2.jpg</Image></Images>"
        f"<Skus><Sku><SkuId>{sku_id}</SkuId><SellerSku>XM-M</SellerSku>"
        "<package_weight>1.5</package_weight><quantity>9</quantity></Sku></Skus>"
        "</Product></Request>"
    )
    answer = await _update(lz, shop, xml)
    assert answer["code"] == "0" and answer["data"] == {"item_status": "active"}
    [after] = await lz.listings(shop.shop_id)
    assert after["attributes"]["name"] == "XML name"
    assert after["attributes"]["description"] == "XML text"
    assert after["images"] == [IMG + "x1.jpg", IMG + "x2.jpg"]
    by_sku = {s["SellerSku"]: s for s in after["skus"]}
    assert by_sku["XM-M"]["package_weight"] == 1.5 and by_sku["XM-M"]["quantity"] == 9
    # SKUs the document does not name are left as they were.
    assert by_sku["XM-S"] == next(s for s in stored["skus"] if s["SellerSku"] == "XM-S")
