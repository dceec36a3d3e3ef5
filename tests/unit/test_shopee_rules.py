"""Shopee adapter rules that need no server: error classification and validation
before any request (a transport that fails the test if it is ever called)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import httpx
import pytest

from services.common.money import Money
from services.common.platforms import Platform
from services.sync.adapters.base import (
    ListingDraft,
    ListingVariant,
    OrderStatus,
    ShopAuth,
    StockUpdate,
    TokenPair,
    WebhookKind,
)
from services.sync.adapters.errors import AdapterError, FailureKind
from services.sync.adapters.shopee import ShopeeAdapter, classify_code


def _no_network(request: httpx.Request) -> httpx.Response:
    raise AssertionError(f"unexpected request to {request.url.path}")


def _adapter() -> ShopeeAdapter:
    return ShopeeAdapter("http://shopee.invalid", transport=httpx.MockTransport(_no_network))


def _shop() -> ShopAuth:
    return ShopAuth(
        platform=Platform.SHOPEE,
        shop_id="1",
        app={"partner_id": "2", "partner_key": "k", "currency": "SGD"},
        tokens=TokenPair("a", "r", datetime.now(UTC) + timedelta(hours=4)),
    )


def _draft(**changes: object) -> ListingDraft:
    variants = [ListingVariant(f"SKU-{i}", [f"O{i}"], Money("SGD", 1000 + i), 5) for i in range(3)]
    fields: dict[str, object] = {
        "seller_sku": "P-1",
        "title": "Shirt",
        "description": "A shirt",
        "category_id": "100",
        "brand": "",
        "images": [],
        "option_names": ["Size"],
        "variants": variants,
        "weight_grams": 200,
    }
    fields.update(changes)
    return ListingDraft(**fields)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("code", "kind"),
    [
        ("error_rate_limit", FailureKind.RETRYABLE),
        ("error_server", FailureKind.RETRYABLE),
        ("product.error_inner", FailureKind.RETRYABLE),
        ("invalid_acceess_token", FailureKind.AUTH),
        ("error_param", FailureKind.PERMANENT),
        ("product.error_param", FailureKind.PERMANENT),
        ("error_sign", FailureKind.PERMANENT),
        ("product.error_item_not_found", FailureKind.PERMANENT),
    ],
)
def test_error_codes_are_classified(code: str, kind: FailureKind) -> None:
    assert classify_code(code) is kind


@pytest.mark.parametrize(
    "draft",
    [
        _draft(title="x" * 121),
        _draft(title="  "),
        _draft(
            variants=[ListingVariant(f"S{i}", [str(i)], Money("SGD", 100), 1) for i in range(51)]
        ),
        _draft(variants=[ListingVariant("S", ["A"], Money("SGD", 0), 1)]),
        _draft(variants=[ListingVariant("S", ["A"], Money("SGD", 100), -1)]),
        _draft(variants=[ListingVariant("S", ["A"], Money("IDR", 100), 1)]),
        _draft(category_id="shirts"),
        _draft(weight_grams=0),
    ],
)
async def test_invalid_drafts_fail_permanent_without_a_request(draft: ListingDraft) -> None:
    adapter = _adapter()
    with pytest.raises(AdapterError) as caught:
        await adapter.create_listing(_shop(), draft)
    assert caught.value.kind is FailureKind.PERMANENT
    assert adapter.calls == {}
    await adapter.aclose()


async def test_negative_stock_fails_that_sku_without_a_request() -> None:
    adapter = _adapter()
    [result] = await adapter.update_stock(_shop(), [StockUpdate("SKU-1", -1)])
    assert result.error is not None and result.error.kind is FailureKind.PERMANENT
    assert adapter.calls == {}
    await adapter.aclose()


def test_order_push_is_parsed() -> None:
    body = (
        b'{"shop_id":727720655,"code":3,"timestamp":1660123127,"data":{"items":[],'
        b'"ordersn":"220810QSK8S7BX","status":"PROCESSED","completed_scenario":"",'
        b'"update_time":1660123127}}'
    )
    [event] = _adapter().parse_webhook({}, body)
    assert event.kind is WebhookKind.ORDER and event.shop_id == "727720655"
    assert event.order is not None
    assert event.order.order_id == "220810QSK8S7BX"
    assert event.order.status is OrderStatus.PAID
