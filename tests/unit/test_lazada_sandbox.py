"""The Lazada sandbox's own checks, written from MARKETPLACES.md §4 (in-process ASGI):
sign over the API path only, ms timestamps within 7200 s, the LazOP envelope, and
E204 for more than 50 SKUs per price_quantity/update."""

from __future__ import annotations

import time
from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest_asyncio

from sandbox.lazada.harness import create_app
from sandbox.lazada.signing import sign
from sandbox.state import SandboxState


@pytest_asyncio.fixture
async def client() -> AsyncIterator[httpx.AsyncClient]:
    transport = httpx.ASGITransport(app=create_app(SandboxState(seed=1)))
    async with httpx.AsyncClient(transport=transport, base_url="http://sandbox") as c:
        yield c


@pytest_asyncio.fixture
async def shop(client: httpx.AsyncClient) -> dict[str, Any]:
    r = await client.post("/_sandbox/lazada/shops", json={})
    assert r.status_code == 201
    body: dict[str, Any] = r.json()
    return body


def _params(shop: dict[str, Any], ts_ms: int, **extra: str) -> dict[str, str]:
    return {
        "app_key": shop["app_key"],
        "timestamp": str(ts_ms),
        "sign_method": "sha256",
        "access_token": shop["access_token"],
        **extra,
    }


async def _get(
    client: httpx.AsyncClient, shop: dict[str, Any], *, ts_ms: int, secret: str, path: str = ""
) -> Any:
    params = _params(shop, ts_ms, filter="all", limit="10")
    params["sign"] = sign(secret, path or "/products/get", params)
    return (await client.get("/lazada/rest/products/get", params=params)).json()


async def test_sign_and_timestamp_checks(client: httpx.AsyncClient, shop: dict[str, Any]) -> None:
    secret = shop["app_secret"]
    now = int(time.time() * 1000)
    good = await _get(client, shop, ts_ms=now, secret=secret)
    assert good["code"] == "0" and good["request_id"] and "products" in good["data"]
    wrong = await _get(client, shop, ts_ms=now, secret="nope")
    assert wrong["code"] == "IncompleteSignature" and wrong["type"] == "ISV"
    assert wrong["message"] and wrong["request_id"]
    assert (await _get(client, shop, ts_ms=now - 7201_000, secret=secret))[
        "code"
    ] == "InvalidTimestamp"
    assert (await _get(client, shop, ts_ms=now + 7201_000, secret=secret))[
        "code"
    ] == "InvalidTimestamp"
    assert (await _get(client, shop, ts_ms=now - 7000_000, secret=secret))["code"] == "0"
    # The signature covers the API path, not the sandbox's /lazada nor LazOP's /rest.
    for prefixed in ("/lazada/rest/products/get", "/rest/products/get"):
        assert (await _get(client, shop, ts_ms=now, secret=secret, path=prefixed))["code"] == (
            "IncompleteSignature"
        )


async def test_bad_token_and_missing_params(
    client: httpx.AsyncClient, shop: dict[str, Any]
) -> None:
    now = int(time.time() * 1000)
    params = {**_params(shop, now, filter="all"), "access_token": "nope"}
    params["sign"] = sign(shop["app_secret"], "/products/get", params)
    assert (await client.get("/lazada/rest/products/get", params=params)).json()["code"] == (
        "IllegalAccessToken"
    )
    params = _params(shop, now)
    params["sign"] = sign(shop["app_secret"], "/products/get", params)
    missing = (await client.get("/lazada/rest/products/get", params=params)).json()
    assert missing["code"] == "MissingParameter"


async def test_more_than_50_skus_is_refused(
    client: httpx.AsyncClient, shop: dict[str, Any]
) -> None:
    sku = "<Sku><SellerSku>X{}</SellerSku><Quantity>1</Quantity></Sku>"
    xml = "<Request><Product><Skus>{}</Skus></Product></Request>"
    api = "/product/price_quantity/update"
    for count, code in ((51, "E204"), (50, "500")):
        payload = xml.format("".join(sku.format(i) for i in range(count)))
        params = _params(shop, int(time.time() * 1000), payload=payload)
        params["sign"] = sign(shop["app_secret"], api, params)
        # Form fields, as lazop-sdk posts them.
        body = (await client.post("/lazada/rest" + api, data=params)).json()
        assert body["code"] == code
        if code == "500":  # unknown SKUs: one per-SKU entry each
            assert len(body["detail"]) == 50 and body["detail"][0]["seller_sku"] == "X0"
