"""Lazada adapter rules without a network: codes, envelope, validation, push parsing."""

from __future__ import annotations

import json
from dataclasses import replace

import pytest

from services.common.money import Money
from services.common.platforms import Platform
from services.sync.adapters.base import (
    ListingDraft,
    ListingVariant,
    OrderStatus,
    ShopAuth,
    WebhookKind,
)
from services.sync.adapters.errors import AdapterError, FailureKind
from services.sync.adapters.lazada import classify_code, webhooks
from services.sync.adapters.lazada.client import envelope_reader
from services.sync.adapters.lazada.inventory import xml_payload
from services.sync.adapters.lazada.validation import validate_draft

SHOP = ShopAuth(Platform.LAZADA, "1", {"app_key": "k", "app_secret": "s", "currency": "SGD"})


def test_codes_are_classified() -> None:
    for code in ("901", "E901", "ApiCallLimit", "InternalError"):
        assert classify_code(code) is FailureKind.RETRYABLE
    assert classify_code("IllegalAccessToken") is FailureKind.AUTH
    for code in ("IncompleteSignature", "InvalidTimestamp", "E204", "MissingParameter"):
        assert classify_code(code) is FailureKind.PERMANENT


def test_envelope_reader() -> None:
    read = envelope_reader(frozenset({"500"}))
    assert read({"code": "0", "data": {}}) is None
    error = read({"code": "IncompleteSignature", "type": "ISV", "message": "bad"})
    assert error is not None and error.kind is FailureKind.PERMANENT and not error.accepted
    partial = read({"code": "500", "message": "m", "detail": [{"seller_sku": "A"}]})
    assert partial is not None and partial.accepted
    plain = read({"code": "500", "message": "m"})
    assert plain is not None and not plain.accepted


def test_xml_payload_shape() -> None:
    assert xml_payload("Quantity", {"A&B": "3"}) == (
        "<Request><Product><Skus><Sku><SellerSku>A&amp;B</SellerSku>"
        "<Quantity>3</Quantity></Sku></Skus></Product></Request>"
    )


def _draft() -> ListingDraft:
    return ListingDraft(
        "P", "Title", "", "10002019", "", [], ["Size"],
        [ListingVariant("P-1", ["S"], Money("SGD", 100), 1)],
    )  # fmt: skip


@pytest.mark.parametrize(
    "change",
    [
        {"title": ""},
        {"title": "x" * 256},
        {"category_id": "abc"},
        {"variants": []},
        {"variants": [ListingVariant("P-1", ["S"], Money("SGD", 0), 1)]},
        {"variants": [ListingVariant("P-1", ["S"], Money("MYR", 100), 1)]},
        {"variants": [ListingVariant("P-1", ["S"], Money("SGD", 100), -1)]},
        {"variants": [ListingVariant("P", ["S"], Money("SGD", 1), 1)] * 2},
    ],
)
def test_invalid_drafts_fail_permanent_before_any_request(change: dict[str, object]) -> None:
    with pytest.raises(AdapterError) as caught:
        validate_draft(SHOP, replace(_draft(), **change))  # type: ignore[arg-type]
    assert caught.value.kind is FailureKind.PERMANENT
    validate_draft(SHOP, _draft())


def test_parse_webhook_trade_order() -> None:
    body = {
        "seller_id": "1234",
        "message_type": 0,
        "data": {
            "order_status": "canceled",
            "trade_order_id": "260000002",
            "trade_order_line_id": "26000000201",
            "status_update_time": 1603698638,
        },
        "timestamp": 1603766859189,
        "site": "lazada_vn",
    }
    [event] = webhooks.parse_webhook({}, json.dumps(body).encode())
    assert event.kind is WebhookKind.ORDER and event.shop_id == "1234"
    assert event.order is not None and event.order.order_id == "260000002"
    assert event.order.status is OrderStatus.CANCELLED
    assert event.order.update_time.timestamp() == 1603698638
    # message_type 3 and 6 are product and stock events (test_sea_webhook_events.py).
    assert webhooks.parse_webhook({}, json.dumps({**body, "message_type": 99}).encode()) == []
    with pytest.raises(AdapterError):
        webhooks.parse_webhook({}, b"not json")
