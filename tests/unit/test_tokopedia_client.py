"""Tokopedia adapter units: tokens, error kinds, per-item rate limit accounting, webhooks."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest

from services.common.money import Money
from services.common.platforms import Platform
from services.sync.adapters.base import PriceUpdate, ShopAuth, StockUpdate, TokenPair
from services.sync.adapters.errors import AdapterError, FailureKind
from services.sync.adapters.retry import RetryBudget
from services.sync.adapters.tokopedia import TokopediaAdapter
from services.sync.adapters.tokopedia.client import read_error, throttle_wait
from services.sync.adapters.tokopedia.webhooks import parse_webhook, sign, verify

FAST = RetryBudget(attempts=4, seconds=10, initial_backoff=0.01, max_backoff=0.05)


def _shop(rate: float = 1000.0, token: str | None = "tok") -> ShopAuth:
    tokens = TokenPair(token, "", datetime.now(UTC) + timedelta(days=1)) if token else None
    app = {"client_id": "cid", "client_secret": "sec", "fs_id": "13001"}
    return ShopAuth(Platform.TOKOPEDIA, "77", app, tokens, rate_limit=rate)


def _ok(data: Any, headers: dict[str, str] | None = None) -> httpx.Response:
    header = {"process_time": 0.01, "messages": "ok", "reason": "", "error_code": ""}
    return httpx.Response(200, json={"header": header, "data": data}, headers=headers)


def _err(status: int, code: str) -> httpx.Response:
    header = {"process_time": 0.01, "messages": "failed", "reason": "why", "error_code": code}
    return httpx.Response(status, json={"header": header, "data": None})


def _adapter(handler: Any) -> TokopediaAdapter:
    return TokopediaAdapter(
        "http://fs.test", transport=httpx.MockTransport(handler), retry_budget=FAST
    )


@pytest.mark.parametrize(
    ("status", "code", "kind"),
    [
        (429, "ERR_TOO_MANY_REQUEST", FailureKind.RETRYABLE),
        (200, "ERR_TOO_MANY_REQUEST", FailureKind.RETRYABLE),
        (500, "INTERNAL_SERVER_ERROR", FailureKind.RETRYABLE),
        (503, "", FailureKind.RETRYABLE),
        (401, "UNAUTHORIZED", FailureKind.AUTH),
        (401, "invalid_client", FailureKind.AUTH),
        (400, "ICR_VLD_002", FailureKind.PERMANENT),
        (404, "ORD_API_006", FailureKind.PERMANENT),
    ],
)
async def test_error_kinds(status: int, code: str, kind: FailureKind) -> None:
    """The platform's code and the HTTP status decide the kind; the code is kept."""
    once = RetryBudget(attempts=1, seconds=1, initial_backoff=0.01, max_backoff=0.01)
    adapter = TokopediaAdapter(
        "http://fs.test",
        transport=httpx.MockTransport(lambda request: _err(status, code)),
        retry_budget=once,
    )
    shop = _shop()
    with pytest.raises(AdapterError) as caught:
        await adapter.find_listing_by_seller_sku(shop, "S")
    assert caught.value.kind is kind
    assert caught.value.code == (code or f"http_{status}")


def test_read_error_and_throttle_wait() -> None:
    assert read_error({"header": {"error_code": "X", "reason": "r"}, "data": None}) == ("X", "r")
    assert read_error({"error": "invalid_client", "error_description": "d"}) == (
        "invalid_client",
        "d",
    )
    assert throttle_wait(httpx.Headers({"X-Ratelimit-Reset-After": "0.250000"})) == 0.25
    assert throttle_wait(httpx.Headers({"X-Ratelimit-Reset-After": "-0.000000"})) == 0.0
    assert throttle_wait(httpx.Headers({"Retry-After": "2", "X-Ratelimit-Reset-After": "1"})) == 2
    assert throttle_wait(httpx.Headers()) is None


async def test_token_is_fetched_with_basic_auth_and_used_as_bearer() -> None:
    seen: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        if request.url.path == "/token":
            body = {"access_token": "fresh", "expires_in": 2592000, "token_type": "Bearer"}
            return httpx.Response(200, json=body)
        return _ok([])

    adapter = _adapter(handler)
    shop = _shop(token=None)
    assert await adapter.find_listing_by_seller_sku(shop, "S") is None
    token_req, info_req = seen
    assert token_req.method == "POST" and token_req.url.params["grant_type"] == "client_credentials"
    expected = base64.b64encode(b"cid:sec").decode()
    assert token_req.headers["Authorization"] == f"Basic {expected}"
    assert info_req.headers["Authorization"] == "Bearer fresh"
    assert shop.tokens is not None and shop.tokens.refresh_token == ""
    left = shop.tokens.access_expires_at - datetime.now(UTC)
    assert timedelta(days=29) < left <= timedelta(days=30)
    await adapter.aclose()


async def test_401_refreshes_once_then_fails_auth() -> None:
    tokens = iter(["t2", "t3"])

    def handler(request: httpx.Request) -> httpx.Response:
        if request.url.path == "/token":
            return httpx.Response(200, json={"access_token": next(tokens), "expires_in": 60})
        return _err(401, "UNAUTHORIZED")

    adapter = _adapter(handler)
    shop = _shop()
    with pytest.raises(AdapterError) as caught:
        await adapter.get_listing(shop, "1")
    assert caught.value.kind is FailureKind.AUTH
    assert adapter.calls["/token"] == 1
    assert adapter.calls["/inventory/v1/fs/13001/product/info"] == 2
    await adapter.aclose()


async def test_each_batch_item_takes_a_token_and_batches_stay_within_burst() -> None:
    bodies: list[list[dict[str, Any]]] = []

    def handler(request: httpx.Request) -> httpx.Response:
        bodies.append(json.loads(request.content))
        return _ok({"failed_rows": 0, "failed_rows_data": [], "succeed_rows": len(bodies[-1])})

    adapter = _adapter(handler)
    shop = _shop(rate=1000)
    acquired = 0
    bucket = adapter.bucket(shop)
    original = bucket.acquire

    async def counting() -> None:
        nonlocal acquired
        acquired += 1
        await original()

    bucket.acquire = counting  # type: ignore[method-assign]
    results = await adapter.update_stock(shop, [StockUpdate(f"S{i}", i) for i in range(250)])
    assert all(r.ok for r in results)
    assert [len(b) for b in bodies] == [100, 100, 50]  # ≤ 100 items per call
    assert acquired == 250  # one token per item, not per call
    bodies.clear()
    small = _shop(rate=5)
    await adapter.update_prices(small, [PriceUpdate(f"P{i}", Money("IDR", 1000)) for i in range(9)])
    assert [len(b) for b in bodies] == [5, 4]  # at most the burst of 5
    assert bodies[0][0] == {"sku": "P0", "new_price": 1000}
    await adapter.aclose()


async def test_throttled_items_are_resent_and_others_fail_alone() -> None:
    calls: list[list[str]] = []

    def handler(request: httpx.Request) -> httpx.Response:
        skus = [x["sku"] for x in json.loads(request.content)]
        calls.append(skus)
        failed = []
        if len(calls) == 1:
            failed = [{"sku": "B", "new_stock": 2, "message": "ERR_TOO_MANY_REQUEST"}]
        failed += [{"sku": "BAD", "new_stock": 3, "message": "product not found"}] * ("BAD" in skus)
        data = {"failed_rows": len(failed), "failed_rows_data": failed, "succeed_rows": 1}
        return _ok(data, {"X-Ratelimit-Reset-After": "0.010000"})

    adapter = _adapter(handler)
    updates = [StockUpdate("A", 1), StockUpdate("B", 2), StockUpdate("BAD", 3)]
    results = {r.seller_sku: r for r in await adapter.update_stock(_shop(), updates)}
    assert calls == [["A", "B", "BAD"], ["B"]]
    assert results["A"].ok and results["B"].ok
    error = results["BAD"].error
    assert error is not None and error.kind is FailureKind.PERMANENT
    assert error.platform_message == "product not found"
    assert adapter.throttled_items == 1
    await adapter.aclose()


async def test_invalid_values_fail_without_a_request() -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        raise AssertionError("no request expected")

    adapter = _adapter(handler)
    [price] = await adapter.update_prices(_shop(), [PriceUpdate("A", Money("SGD", 100))])
    [stock] = await adapter.update_stock(_shop(), [StockUpdate("A", -1)])
    assert price.error is not None and price.error.kind is FailureKind.PERMANENT
    assert stock.error is not None and stock.error.kind is FailureKind.PERMANENT
    await adapter.aclose()


def test_webhook_signature_and_parse() -> None:
    secret = "whsec"
    body = json.dumps(
        {
            "fs_id": 13001,
            "order_id": 555,
            "shop_id": 77,
            "order_status": 220,
            "create_time": 1700000000,
            "products": [{"sku": "A-1", "quantity": 2, "price": 15000}],
        }
    ).encode()
    expected = hmac.new(b"whsec", body, hashlib.sha256).hexdigest()
    assert sign(secret, body) == expected
    assert verify(secret, {"authorization-hmac": expected}, body)
    assert verify(secret, {"Authorization-Hmac": expected.upper()}, body)
    assert not verify(secret, {"Authorization-Hmac": expected}, body + b" ")
    assert not verify("other", {"Authorization-Hmac": expected}, body)
    assert not verify(secret, {}, body)
    [event] = parse_webhook({}, body)
    assert event.shop_id == "77" and event.order is not None
    assert event.order.order_id == "555"
    assert [(x.seller_sku, x.quantity, x.price) for x in event.order.lines] == [
        ("A-1", 2, Money("IDR", 15000))
    ]
    assert parse_webhook({}, b'{"product_id": 1}') == []
    with pytest.raises(AdapterError):
        parse_webhook({}, b"not json")
