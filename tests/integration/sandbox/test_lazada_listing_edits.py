"""Lazada update_listing against the sandbox: /product/update for attributes, images and
weights, price_quantity/update for prices and stock; invalid drafts and SKU-set changes
refused PERMANENT; the sandbox's own /product/update checks, called directly."""

from __future__ import annotations

import json
import time
from collections.abc import AsyncIterator
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest
import pytest_asyncio

from sandbox.lazada.harness import create_app, serve
from sandbox.state import SandboxState
from services.common.money import Money
from services.common.platforms import Platform
from services.sync.adapters.base import ListingDraft, ListingVariant, ShopAuth, TokenPair
from services.sync.adapters.errors import AdapterError, FailureKind
from services.sync.adapters.lazada import LazadaAdapter
from services.sync.adapters.lazada.signing import api_sign
from services.sync.adapters.retry import RetryBudget

pytestmark = pytest.mark.asyncio(loop_scope="session")

FAST = RetryBudget(attempts=4, seconds=20, initial_backoff=0.05, max_backoff=0.2)
IMG = "https://img.example.com/"


class Running:
    def __init__(self) -> None:
        self.url = ""
        self.state = SandboxState(seed=11)


@pytest_asyncio.fixture(scope="module", loop_scope="session")
async def lz() -> AsyncIterator[Running]:
    running = Running()
    async with serve(create_app(running.state, [])) as url:
        running.url = url
        yield running


async def _new_shop(lz: Running) -> ShopAuth:
    async with httpx.AsyncClient(base_url=lz.url) as admin:
        r = await admin.post("/_sandbox/lazada/shops", json={"rate_limit": 50})
    assert r.status_code == 201
    c = r.json()
    return ShopAuth(
        platform=Platform.LAZADA,
        shop_id=c["seller_id"],
        app={"app_key": c["app_key"], "app_secret": c["app_secret"], "currency": "SGD"},
        tokens=TokenPair(
            c["access_token"],
            c["refresh_token"],
            datetime.now(UTC) + timedelta(seconds=c["expires_in"]),
        ),
        rate_limit=50,
    )


async def _stored(lz: Running, shop: ShopAuth) -> list[dict[str, Any]]:
    async with httpx.AsyncClient(base_url=lz.url) as admin:
        r = await admin.get(f"/_sandbox/lazada/shops/{shop.shop_id}/listings")
    assert r.status_code == 200
    listings: list[dict[str, Any]] = r.json()["listings"]
    return listings


def _requests(lz: Running, shop: ShopAuth) -> list[str]:
    return [path for _, path in lz.state.shops["lazada"][int(shop.shop_id)].requests]


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
    lz: Running,
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
        [stored] = await _stored(lz, shop)
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


async def test_a_draft_without_images_keeps_the_listings_images(lz: Running) -> None:
    shop = await _new_shop(lz)
    adapter = LazadaAdapter(lz.url + "/lazada/rest", retry_budget=FAST)
    try:
        draft = _draft("KI")
        ref = await adapter.create_listing(shop, draft)
        await adapter.update_listing(shop, ref, replace(draft, title="Shirt KI v2", images=[]))
        [stored] = await _stored(lz, shop)
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
    lz: Running, change: dict[str, Any], message: str
) -> None:
    shop = await _new_shop(lz)
    adapter = LazadaAdapter(lz.url + "/lazada/rest", retry_budget=FAST)
    try:
        draft = _draft("IV")
        ref = await adapter.create_listing(shop, draft)
        before = _requests(lz, shop)
        with pytest.raises(AdapterError, match=message) as info:
            await adapter.update_listing(shop, ref, replace(draft, **change))
        assert info.value.kind is FailureKind.PERMANENT
        assert _requests(lz, shop) == before
    finally:
        await adapter.aclose()


async def test_a_changed_sku_set_is_refused_before_any_write(lz: Running) -> None:
    shop = await _new_shop(lz)
    adapter = LazadaAdapter(lz.url + "/lazada/rest", retry_budget=FAST)
    try:
        draft = _draft("VS")
        ref = await adapter.create_listing(shop, draft)
        extra = ListingVariant("VS-XL", ["XL"], Money("SGD", 1600), 1)
        for variants in ([*draft.variants, extra], list(draft.variants[:2])):
            before = _requests(lz, shop)
            with pytest.raises(AdapterError, match="variant set is not supported") as info:
                await adapter.update_listing(
                    shop, ref, replace(draft, title="Renamed", variants=variants)
                )
            assert info.value.kind is FailureKind.PERMANENT
            assert info.value.code == "unsupported"
            # Only the read of the current listing reached the platform.
            assert _requests(lz, shop)[len(before) :] == ["/product/item/get"]
        [stored] = await _stored(lz, shop)
        assert stored["attributes"]["name"] == "Shirt VS"
        assert [s["SellerSku"] for s in stored["skus"]] == ["VS-S", "VS-M", "VS-L"]
    finally:
        await adapter.aclose()


# -- the sandbox's /product/update, called directly (signed as §4.1 says) -------------


async def _update(lz: Running, shop: ShopAuth, document: str) -> dict[str, Any]:
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


async def _created(lz: Running, prefix: str) -> tuple[ShopAuth, dict[str, Any]]:
    shop = await _new_shop(lz)
    adapter = LazadaAdapter(lz.url + "/lazada/rest", retry_budget=FAST)
    try:
        await adapter.create_listing(shop, _draft(prefix))
    finally:
        await adapter.aclose()
    [stored] = await _stored(lz, shop)
    return shop, stored


async def test_sandbox_refuses_what_updateproduct_refuses_and_changes_nothing(
    lz: Running,
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
    assert await _stored(lz, shop) == [stored]


async def test_sandbox_applies_an_xml_update(lz: Running) -> None:
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
    [after] = await _stored(lz, shop)
    assert after["attributes"]["name"] == "XML name"
    assert after["attributes"]["description"] == "XML text"
    assert after["images"] == [IMG + "x1.jpg", IMG + "x2.jpg"]
    by_sku = {s["SellerSku"]: s for s in after["skus"]}
    assert by_sku["XM-M"]["package_weight"] == 1.5 and by_sku["XM-M"]["quantity"] == 9
    # SKUs the document does not name are left as they were.
    assert by_sku["XM-S"] == next(s for s in stored["skus"] if s["SellerSku"] == "XM-S")
