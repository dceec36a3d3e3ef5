"""Seller-center edits (`POST /_sandbox/<platform>/shops/<id>/listings/<seller_sku>`) on
all four marketplaces, and the notifications MARKETPLACES.md documents for them:
TikTok Shop type 27 INVENTORY_STATUS_CHANGE (§2.5), Lazada message_type 6 shallow stock
(§4.4); Shopee and Tokopedia send nothing for a manual price or stock edit. What the
sandbox sends is verified with the adapters' `verify` and parsed by their `parse_webhook`
into STOCK events.
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Callable
from typing import Any

import pytest

from services.sync.adapters.base import WebhookEvent, WebhookKind
from services.sync.adapters.lazada import webhooks as lazada_webhooks
from services.sync.adapters.tiktok import webhooks as tiktok_webhooks
from tests.support.sandbox_admin import ServedPlatform

pytestmark = [
    pytest.mark.asyncio(loop_scope="session"),
    pytest.mark.usefixtures("patient_timers"),
]


def _item_level(listing: dict[str, Any]) -> tuple[float, int]:
    return listing["price"], listing["stock"]


def _tiktok(listing: dict[str, Any]) -> tuple[float, int]:
    [sku] = listing["skus"]
    return sku["price"], sku["stock"]


def _lazada(listing: dict[str, Any]) -> tuple[float, int]:
    [sku] = listing["skus"]
    return sku["price"], sku["quantity"]


PRICE_AND_STOCK: dict[str, Callable[[dict[str, Any]], tuple[float, int]]] = {
    "shopee": _item_level,
    "tiktok": _tiktok,
    "lazada": _lazada,
    "tokopedia": _item_level,
}


async def _shop(sp: ServedPlatform, stock: int = 20) -> tuple[dict[str, Any], str]:
    shop = await sp.hooked_shop(f"EDIT-{sp.platform}", price=5000, stock=stock)
    return shop, shop["sku"]


async def _listing(sp: ServedPlatform, shop_id: str) -> dict[str, Any]:
    [listing] = await sp.listings(shop_id)
    return dict(listing)


@pytest.mark.parametrize("platform", sorted(PRICE_AND_STOCK))
async def test_price_and_stock_edits_are_stored_and_sold_from(
    sea: dict[str, ServedPlatform], platform: str
) -> None:
    sp = sea[platform]
    sp.answer()
    shop, sku = await _shop(sp)
    one = str(shop["shop_id"])
    r = await sp.admin_call("POST", f"{one}/listings/{sku}", json={"price": 7500})
    assert r.status_code == 200
    assert PRICE_AND_STOCK[platform](r.json()["listing"]) == (7500, 20)
    assert r.json()["notifications"] == []  # no platform documents a price-edit notification

    r = await sp.admin_call("POST", f"{one}/listings/{sku}", json={"stock": 0})
    assert r.status_code == 200
    assert PRICE_AND_STOCK[platform](await _listing(sp, one)) == (7500, 0)
    order = {"lines": [{"seller_sku": sku, "quantity": 1}]}
    r = await sp.admin_call("POST", f"{one}/orders", json=order)
    assert r.status_code == 409  # the edited stock is what buyers can order


@pytest.mark.parametrize("platform", sorted(PRICE_AND_STOCK))
async def test_bad_edits_are_refused(sea: dict[str, ServedPlatform], platform: str) -> None:
    sp = sea[platform]
    shop, sku = await _shop(sp)
    one = str(shop["shop_id"])
    for body in ({}, {"price": 0}, {"price": "cheap"}, {"stock": -1}, {"stock": 1.5}):
        r = await sp.admin_call("POST", f"{one}/listings/{sku}", json=body)
        assert r.status_code == 400, body
    r = await sp.admin_call("POST", f"{one}/listings/NOPE", json={"stock": 1})
    assert r.status_code == 404
    assert PRICE_AND_STOCK[platform](await _listing(sp, one)) == (5000, 20)


@pytest.mark.parametrize("platform", ["shopee", "tokopedia"])
async def test_shopee_and_tokopedia_send_nothing(
    sea: dict[str, ServedPlatform], platform: str
) -> None:
    sp = sea[platform]
    sp.answer()
    shop, sku = await _shop(sp)
    one = str(shop["shop_id"])
    edit = {"stock": 0, "price": 1}
    r = await sp.admin_call("POST", f"{one}/listings/{sku}", json=edit)
    assert r.status_code == 200 and r.json()["notifications"] == []
    await sp.settle(one)
    assert sp.received == []
    log = (await sp.admin_call("GET", f"{one}/webhook")).json()
    assert log["deliveries"] == []


async def test_tiktok_stock_drop_sends_inventory_status_change(
    sea: dict[str, ServedPlatform],
) -> None:
    sp = sea["tiktok"]
    sp.answer()
    shop, sku = await _shop(sp)
    one = str(shop["shop_id"])
    edits = [({"stock": 15}, []), ({"stock": 3}, ["inventory_status_change"])]
    edits += [({"stock": 2}, []), ({"stock": 0}, ["inventory_status_change"]), ({"stock": 30}, [])]
    for edit, sent in edits:
        r = await sp.admin_call("POST", f"{one}/listings/{sku}", json=edit)
        assert r.json()["notifications"] == sent, edit
    await sp.settle(one)

    listing = await _listing(sp, one)
    bodies = sp.bodies()
    assert [b["type"] for b in bodies] == [27, 27]
    assert [b["data"]["current_inventory_status"] for b in bodies] == ["LOW_STOCK", "OUT_OF_STOCK"]
    for headers, body in sp.received:
        expected = hmac.new(
            shop["app_secret"].encode(), shop["app_key"].encode() + body, hashlib.sha256
        ).hexdigest()
        assert headers["authorization"] == expected
    data = bodies[0]["data"]
    assert data["product_id"] == listing["product_id"]
    assert data["sku_id"] == listing["skus"][0]["id"]
    assert data["trigger_reason"]["alert_type"] == "REALTIME"
    assert data["inventory_distribution"]["available_quantity"] == 3

    # The adapter's side: verified with the app's credentials, parsed into STOCK events.
    key, secret = shop["app_key"], shop["app_secret"]
    events: list[WebhookEvent] = []
    for headers, body in sp.received:
        assert tiktok_webhooks.verify(key, secret, headers, body)
        assert not tiktok_webhooks.verify(key, secret + "x", headers, body)
        events += tiktok_webhooks.parse_webhook(headers, body)
    sku_id = str(listing["skus"][0]["id"])
    assert events == [
        WebhookEvent(WebhookKind.STOCK, one, stock=3, external_id=sku_id),
        WebhookEvent(WebhookKind.STOCK, one, stock=0, external_id=sku_id),
    ]


async def test_lazada_shallow_stock_push(sea: dict[str, ServedPlatform]) -> None:
    sp = sea["lazada"]
    sp.answer()
    shop, sku = await _shop(sp)
    one = str(shop["shop_id"])
    edits = [({"stock": 8}, []), ({"stock": 4}, ["shallow_stock"]), ({"stock": 9}, [])]
    for edit, sent in edits:
        r = await sp.admin_call("POST", f"{one}/listings/{sku}", json=edit)
        assert r.json()["notifications"] == sent, edit
    await sp.settle(one)

    [(headers, raw)] = sp.received
    expected = hmac.new(
        shop["app_secret"].encode(), shop["app_key"].encode() + raw, hashlib.sha256
    ).hexdigest()
    assert headers["authorization"] == expected  # lowercase hex, §4.4
    [body] = sp.bodies()
    assert body["message_type"] == 6 and body["seller_id"] == one
    assert body["data"]["seller_sku"] == sku and body["data"]["real_quantity"] == 4
    assert set(body["data"]) == {
        "seller_sku",
        "sku_id",
        "real_quantity",
        "withhold_quantity",
        "occupy_quantity",
        "pre_order_quantity",
        "warehouse",
    }

    # The adapter's side: verified with the app's credentials, parsed into a STOCK event.
    key, secret = shop["app_key"], shop["app_secret"]
    assert lazada_webhooks.verify(key, secret, headers, raw)
    assert not lazada_webhooks.verify(key, secret, headers, raw.replace(b":4,", b":40,"))
    [sku_row] = (await _listing(sp, one))["skus"]
    assert lazada_webhooks.parse_webhook(headers, raw) == [
        WebhookEvent(
            WebhookKind.STOCK,
            one,
            seller_sku=sku,
            stock=4,
            external_id=str(sku_row["SkuId"]),  # the variant id get_listing reports
        )
    ]
