"""Stock and product notifications of Shopee, TikTok Shop and Lazada parsed into the
platform-neutral STOCK / PRODUCT events (MARKETPLACES.md §1.5, §2.5, §4.4); bodies as the
documents give them."""

from __future__ import annotations

import json
from typing import Any

import pytest

from services.sync.adapters.base import WebhookEvent, WebhookKind
from services.sync.adapters.errors import AdapterError, FailureKind
from services.sync.adapters.lazada.webhooks import parse_webhook as lazada_parse
from services.sync.adapters.shopee.webhooks import parse_webhook as shopee_parse
from services.sync.adapters.tiktok.webhooks import parse_webhook as tiktok_parse


def _raw(body: dict[str, Any]) -> bytes:
    return json.dumps(body).encode()


def _tiktok_inventory(data: dict[str, Any]) -> bytes:
    return _raw(
        {
            "type": 27,
            "tts_notification_id": "7327112393057371910",
            "shop_id": "7494049642642441621",
            "timestamp": 1644412885,
            "data": data,
        }
    )


INVENTORY_DATA = {
    "product_id": "1729592969712207008",
    "sku_id": "1729592969712207012",
    "trigger_reason": {"alert_type": "REALTIME", "low_stock_threshold": 5},
    "current_inventory_status": "LOW_STOCK",
    "inventory_distribution": {
        "total_quantity": 7,
        "available_quantity": 3,
        "creator_reserved_quantity": 1,
        "campaign_reserved_quantity": 1,
        "committed_quantity": 2,
    },
    "update_time": 1644412885,
}


def test_tiktok_inventory_status_change_is_a_stock_event() -> None:
    [event] = tiktok_parse({}, _tiktok_inventory(INVENTORY_DATA))
    assert event == WebhookEvent(
        WebhookKind.STOCK,
        "7494049642642441621",
        seller_sku="",  # not in the body: the consumer maps the sku_id
        stock=3,  # available, not total
        external_id="1729592969712207012",
    )
    empty = {"total_quantity": 0, "available_quantity": 0}
    out = {**INVENTORY_DATA, "current_inventory_status": "OUT_OF_STOCK"}
    out["inventory_distribution"] = empty
    [event] = tiktok_parse({}, _tiktok_inventory(out))
    assert event.kind is WebhookKind.STOCK and event.stock == 0
    # A prediction alert without the distribution still says which SKU to re-read.
    [event] = tiktok_parse({}, _tiktok_inventory({"product_id": "1", "sku_id": "2"}))
    assert (event.kind, event.stock, event.external_id) == (WebhookKind.STOCK, None, "2")


def test_tiktok_malformed_inventory_is_permanent() -> None:
    bad = {**INVENTORY_DATA, "inventory_distribution": {"available_quantity": "lots"}}
    with pytest.raises(AdapterError) as caught:
        tiktok_parse({}, _tiktok_inventory(bad))
    assert caught.value.kind is FailureKind.PERMANENT


def test_tiktok_product_and_other_types() -> None:
    for kind in (5, 15, 16):
        body = {"type": kind, "shop_id": "9", "data": {"product_id": "77"}}
        product = WebhookEvent(WebhookKind.PRODUCT, "9", external_id="77")
        assert tiktok_parse({}, _raw(body)) == [product]
    for kind in (4, 6, 7, 11, 12, 71):
        assert tiktok_parse({}, _raw({"type": kind, "shop_id": "9", "data": {}})) == []


def _lazada(message_type: int, data: dict[str, Any]) -> bytes:
    return _raw(
        {
            "seller_id": "1000123",
            "message_type": message_type,
            "data": data,
            "timestamp": 1603698638,
            "site": "lazada_vn",
        }
    )


def test_lazada_shallow_stock_is_a_stock_event_with_the_sellable_quantity() -> None:
    data = {
        "seller_sku": "SKU-RED-M",
        "sku_id": "2112345678",
        "real_quantity": 9,
        "withhold_quantity": 2,
        "occupy_quantity": 3,
        "pre_order_quantity": 0,
        "warehouse": "dropshipping",
    }
    [event] = lazada_parse({}, _lazada(6, data))
    assert event == WebhookEvent(
        WebhookKind.STOCK, "1000123", seller_sku="SKU-RED-M", stock=4, external_id="2112345678"
    )  # sellable = real − withhold − occupy (§4.4)
    [event] = lazada_parse({}, _lazada(6, {"seller_sku": "X", "sku_id": "1"}))
    assert event.stock is None  # no quantity given: re-read, never a made-up 0
    with pytest.raises(AdapterError) as caught:
        lazada_parse({}, _lazada(6, {**data, "real_quantity": "many"}))
    assert caught.value.kind is FailureKind.PERMANENT


def test_lazada_product_update_is_one_product_event_per_sku() -> None:
    data = {
        "item_id": "300123",
        "sku_list": [
            {"shop_sku": "300123_VNAMZ-1", "seller_sku": "A-1", "sku_id": "1"},
            {"shop_sku": "300123_VNAMZ-2", "seller_sku": "A-2", "sku_id": "2"},
        ],
        "action": "EDITED",
    }
    events = lazada_parse({}, _lazada(3, data))
    assert [(e.kind, e.seller_sku, e.external_id) for e in events] == [
        (WebhookKind.PRODUCT, "A-1", "300123"),
        (WebhookKind.PRODUCT, "A-2", "300123"),
    ]
    assert lazada_parse({}, _lazada(3, {"item_id": "5"})) == [
        WebhookEvent(WebhookKind.PRODUCT, "1000123", external_id="5")
    ]
    with pytest.raises(AdapterError):
        lazada_parse({}, _lazada(3, {"item_id": "5", "sku_list": ["A-1"]}))
    assert lazada_parse({}, _lazada(14, {"x": 1})) == []  # other types are ignored


def test_shopee_stock_and_banned_item_codes() -> None:
    for code in (7, 8):
        body = {"shop_id": 123, "code": code, "timestamp": 1, "data": {"item_id": 456}}
        assert shopee_parse({}, _raw(body)) == [
            WebhookEvent(WebhookKind.STOCK, "123", stock=None, external_id="456")
        ]
    no_item = {"shop_id": 123, "code": 8, "timestamp": 1, "data": {}}
    assert shopee_parse({}, _raw(no_item)) == [WebhookEvent(WebhookKind.STOCK, "123")]
    banned = {"shop_id": 123, "code": 6, "timestamp": 1, "data": {"item_id": 456}}
    assert shopee_parse({}, _raw(banned)) == [
        WebhookEvent(WebhookKind.PRODUCT, "123", external_id="456")
    ]
    for code in (1, 2, 4, 5, 9, 10, 12, 15):
        assert shopee_parse({}, _raw({"shop_id": 1, "code": code, "data": {}})) == []
