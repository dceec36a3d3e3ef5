"""TikTok Shop adapter rules that need no server: code classification, validation before
any request, the request signed over the bytes sent, and webhook parsing."""

from __future__ import annotations

import json
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
from services.sync.adapters.tiktok import TikTokAdapter, _Target, classify_code
from services.sync.adapters.tiktok.signing import sign


def _no_network(request: httpx.Request) -> httpx.Response:
    raise AssertionError(f"unexpected request to {request.url.path}")


def _shop(region: str = "SG") -> ShopAuth:
    return ShopAuth(
        platform=Platform.TIKTOK_SHOP,
        shop_id="1",
        app={
            "app_key": "k",
            "app_secret": "s",
            "shop_cipher": "ROW_c",
            "currency": "SGD",
            "region": region,
            "warehouse_id": "7",
        },
        tokens=TokenPair("tok", "r", datetime.now(UTC) + timedelta(days=7)),
    )


def _draft(count: int = 3, **changes: object) -> ListingDraft:
    variants = [
        ListingVariant(f"SKU-{i}", [f"O{i}"], Money("SGD", 1000 + i), 5) for i in range(count)
    ]
    fields: dict[str, object] = {
        "seller_sku": "P-1",
        "title": "Shirt",
        "description": "A shirt",
        "category_id": "600001",
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
        ("36009002", FailureKind.RETRYABLE),
        ("36009007", FailureKind.RETRYABLE),
        ("105002", FailureKind.AUTH),
        ("36009004", FailureKind.AUTH),
        ("106001", FailureKind.PERMANENT),
        ("106013", FailureKind.PERMANENT),
        ("12052700", FailureKind.PERMANENT),
    ],
)
def test_classify_code(code: str, kind: FailureKind) -> None:
    assert classify_code(code) is kind


@pytest.mark.parametrize(
    "draft",
    [
        _draft(title=""),
        _draft(title="x" * 256),
        _draft(count=101),
        _draft(option_names=["A", "B", "C", "D"]),
        _draft(variants=[ListingVariant("S", ["O"], Money("IDR", 1000), 1)]),
        _draft(variants=[ListingVariant("S", ["O"], Money("SGD", 100), 100_000)]),
        _draft(variants=[ListingVariant("S", ["O"], Money("SGD", 0), 1)]),
    ],
)
async def test_invalid_drafts_fail_permanent_without_a_request(draft: ListingDraft) -> None:
    adapter = TikTokAdapter("http://tts.invalid", transport=httpx.MockTransport(_no_network))
    with pytest.raises(AdapterError) as caught:
        await adapter.create_listing(_shop(), draft)
    assert caught.value.kind is FailureKind.PERMANENT
    await adapter.aclose()


async def test_300_skus_allowed_in_wide_regions_only() -> None:
    adapter = TikTokAdapter("http://tts.invalid", transport=httpx.MockTransport(_no_network))
    with pytest.raises(AssertionError, match="unexpected request"):
        await adapter.create_listing(_shop("US"), _draft(count=150))
    await adapter.aclose()


async def test_request_is_signed_over_the_bytes_sent() -> None:
    seen: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return httpx.Response(200, json={"code": 0, "message": "Success", "data": {}})

    adapter = TikTokAdapter("http://tts.invalid/base", transport=httpx.MockTransport(handler))
    adapter._index(_shop())["S"] = _Target("17", "170", ("7",))
    [ok] = await adapter.update_stock(_shop(), [StockUpdate("S", 5)])
    assert ok.ok
    request = seen[0]
    assert request.url.path == "/base/product/202309/products/17/inventory/update"
    assert request.headers["x-tts-access-token"] == "tok"
    params = request.url.params
    assert params["shop_cipher"] == "ROW_c" and params["app_key"] == "k"
    assert json.loads(request.content) == {
        "skus": [{"id": "170", "inventory": [{"warehouse_id": "7", "quantity": 5}]}]
    }
    expected = sign(
        "s",
        "/product/202309/products/17/inventory/update",
        [(k, v) for k, v in params.multi_items() if k != "sign"],
        request.content,
    )
    assert params["sign"] == expected
    await adapter.aclose()


def test_parse_order_status_change_webhook() -> None:
    adapter = TikTokAdapter("http://tts.invalid", transport=httpx.MockTransport(_no_network))
    body = {
        "type": 1,
        "tts_notification_id": "7327112393057371910",
        "shop_id": "7494049642642441621",
        "timestamp": 1644412885,
        "data": {
            "order_id": "576461413038785752",
            "order_status": "CANCEL",
            "is_on_hold_order": False,
            "update_time": 1644412880,
        },
    }
    [event] = adapter.parse_webhook({}, json.dumps(body).encode())
    assert event.kind is WebhookKind.ORDER and event.shop_id == "7494049642642441621"
    assert event.order is not None and event.order.order_id == "576461413038785752"
    assert event.order.status is OrderStatus.CANCELLED
    assert event.order.update_time == datetime.fromtimestamp(1644412880, UTC)
    assert adapter.parse_webhook({}, json.dumps({**body, "type": 12}).encode()) == []
    with pytest.raises(AdapterError):
        adapter.parse_webhook({}, b"not json")
