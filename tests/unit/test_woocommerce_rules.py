"""WooCommerce adapter rules without a network: validation before any call, money as
decimal strings, order status mapping, webhook parsing, Basic auth on https sites."""

from __future__ import annotations

import json

import httpx
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
from services.sync.adapters.retry import RetryBudget
from services.sync.adapters.woocommerce import WooCommerceAdapter
from services.sync.adapters.woocommerce.orders import remote_order
from services.sync.adapters.woocommerce.validation import to_money, to_price, validate_draft
from services.sync.adapters.woocommerce.webhooks import parse_webhook, sign

SHOP = ShopAuth(
    Platform.WOOCOMMERCE,
    "1",
    {"consumer_key": "ck_k", "consumer_secret": "cs_s", "currency": "USD"},
)


def _draft(**changes: object) -> ListingDraft:
    variants = [ListingVariant(f"V-{i}", [f"O{i}"], Money("USD", 1999), 3) for i in range(2)]
    fields: dict[str, object] = {
        "seller_sku": "P", "title": "Tee", "description": "", "category_id": "",
        "brand": "", "images": [], "option_names": ["Size"], "variants": variants,
    }  # fmt: skip
    fields.update(changes)
    return ListingDraft(**fields)  # type: ignore[arg-type]


def test_money_is_a_decimal_string_in_the_shop_currency() -> None:
    assert to_price(SHOP, Money("USD", 1999)) == "19.99"
    assert to_money("19.99", "USD") == Money("USD", 1999)
    assert to_money("", "USD") is None
    with pytest.raises(AdapterError, match="not the shop's USD"):
        to_price(SHOP, Money("EUR", 100))
    with pytest.raises(AdapterError, match="greater than 0"):
        to_price(SHOP, Money("USD", 0))


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"title": "x" * 201}, "name longer than 200 characters"),
        ({"title": " "}, "name is empty"),
        (
            {"variants": [ListingVariant(s, ["O"], Money("USD", 1), 1) for s in ("A", "B")]},
            "two variants have the same attribute values",
        ),
        (
            {"variants": [ListingVariant("A", ["O", "X"], Money("USD", 1), 1)]},
            "A: attribute values do not match attribute names",
        ),
        ({"variants": []}, "at least one variant"),
        ({"option_names": []}, "need option names"),
        ({"seller_sku": "V-0"}, "unique"),
        (
            {
                "variants": [
                    ListingVariant(f"M{i}", [str(i)], Money("USD", 1), 1) for i in range(101)
                ]
            },
            "more than 100 variations",
        ),
        ({"variants": [ListingVariant("V", ["a"], Money("USD", 1), -1)]}, "stock must be"),
    ],
)
def test_invalid_drafts_are_permanent(changes: dict[str, object], message: str) -> None:
    with pytest.raises(AdapterError, match=message) as caught:
        validate_draft(SHOP, _draft(**changes))
    assert caught.value.kind is FailureKind.PERMANENT


@pytest.mark.parametrize(
    ("status", "expected"),
    [
        ("pending", OrderStatus.CREATED),
        ("on-hold", OrderStatus.CREATED),
        ("processing", OrderStatus.PAID),
        ("completed", OrderStatus.COMPLETED),
        ("cancelled", OrderStatus.CANCELLED),
        ("refunded", OrderStatus.CANCELLED),
        ("failed", OrderStatus.CANCELLED),
    ],
)
def test_order_statuses(status: str, expected: OrderStatus) -> None:
    order = remote_order(
        {
            "id": 5,
            "status": status,
            "currency": "USD",
            "date_created_gmt": "2026-11-21T07:00:00",
            "date_modified_gmt": "2026-11-21T08:00:00",
            "line_items": [{"sku": "V-1", "quantity": 2, "price": 12.5}],
        }
    )
    assert order.status is expected
    assert order.update_time.hour == 8 and order.update_time.tzinfo is not None
    assert [(x.seller_sku, x.quantity, x.price) for x in order.lines] == [
        ("V-1", 2, Money("USD", 1250))
    ]


def test_webhook_parsing_by_topic() -> None:
    body = json.dumps({"id": 9, "sku": "V-1", "stock_quantity": 4, "type": "variation"}).encode()
    headers = {"X-WC-Webhook-Topic": "product.updated", "X-WC-Webhook-Source": "https://s/"}
    [event] = parse_webhook(headers, body)
    assert (event.kind, event.seller_sku, event.stock, event.external_id, event.shop_id) == (
        WebhookKind.PRODUCT, "V-1", 4, "9", "https://s/",
    )  # fmt: skip
    assert parse_webhook({"X-WC-Webhook-Topic": "coupon.created"}, b"{}") == []
    with pytest.raises(AdapterError) as caught:
        parse_webhook({"X-WC-Webhook-Topic": "order.created"}, b"not json")
    assert caught.value.kind is FailureKind.PERMANENT
    # base64_encode(hash_hmac("sha256", "{}", "s", true)), computed separately
    assert sign("s", b"{}") == "FDyo1Re6GxgQJdcysc8nXZAQT8pXuwKlZVQpeKoYxLY="


async def test_https_sites_use_basic_auth_and_no_oauth_params() -> None:
    seen: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return httpx.Response(200, json=[], headers={"X-WP-TotalPages": "0"})

    adapter = WooCommerceAdapter(
        "https://shop.example", transport=httpx.MockTransport(handler), retry_budget=RetryBudget(1)
    )
    assert await adapter.find_listing_by_seller_sku(SHOP, "X") is None
    [request] = seen
    assert request.headers["Authorization"] == "Basic Y2tfazpjc19z"  # ck_k:cs_s
    assert "oauth_signature" not in str(request.url)
    assert str(request.url) == "https://shop.example/wp-json/wc/v3/products?sku=X"
    await adapter.aclose()
