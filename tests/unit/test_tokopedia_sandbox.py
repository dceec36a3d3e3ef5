"""The Tokopedia sandbox itself (ASGI, no network): token, envelope, per-item throttling."""

from __future__ import annotations

import base64
from functools import partial
from typing import Any

import httpx
import pytest
from starlette.applications import Starlette
from starlette.routing import Mount

from sandbox import tokopedia
from sandbox.state import SandboxState
from sandbox.tokopedia import envelope


def _client() -> httpx.AsyncClient:
    state = SandboxState(seed=1)
    app = Starlette(
        routes=[
            Mount("/_sandbox", routes=tokopedia.admin_routes(state)),
            Mount("/tokopedia", routes=tokopedia.api_routes(state)),
        ]
    )
    return httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://sb")


async def _shop(client: httpx.AsyncClient, rate: float = 5) -> tuple[dict[str, Any], str]:
    creds = (await client.post("/_sandbox/tokopedia/shops", json={"rate_limit": rate})).json()
    basic = base64.b64encode(f"{creds['client_id']}:{creds['client_secret']}".encode()).decode()
    r = await client.post(
        "/tokopedia/token",
        params={"grant_type": "client_credentials"},
        headers={"Authorization": f"Basic {basic}"},
    )
    assert r.status_code == 200
    body = r.json()
    assert body["token_type"] == "Bearer" and body["expires_in"] == 2592000
    return creds, body["access_token"]


async def test_token_endpoint() -> None:
    async with _client() as client:
        creds, token = await _shop(client)
        basic = base64.b64encode(f"{creds['client_id']}:{creds['client_secret']}".encode())
        same = await client.post(
            "/tokopedia/token",
            params={"grant_type": "client_credentials"},
            headers={"Authorization": f"Basic {basic.decode()}"},
        )
        assert same.json()["access_token"] == token  # a new one only after expiry (§3)
        bad = base64.b64encode(f"{creds['client_id']}:wrong".encode()).decode()
        r = await client.post(
            "/tokopedia/token",
            params={"grant_type": "client_credentials"},
            headers={"Authorization": f"Basic {bad}"},
        )
        assert r.status_code == 401 and r.json()["error"] == "invalid_client"
        r = await client.post("/tokopedia/token", headers={"Authorization": f"Basic {bad}"})
        assert r.status_code == 400 and r.json()["error"] == "unsupported_grant_type"


async def test_bad_token_and_wrong_fs_id_have_the_envelope_shape() -> None:
    async with _client() as client:
        creds, token = await _shop(client)
        path = f"/tokopedia/inventory/v1/fs/{creds['fs_id']}/product/info"
        r = await client.get(path, params={"sku": "X"}, headers={"Authorization": "Bearer no"})
        assert r.status_code == 401
        body = r.json()
        assert body["data"] is None and body["header"]["error_code"] == "UNAUTHORIZED"
        assert set(body["header"]) == {"process_time", "messages", "reason", "error_code"}
        auth = {"Authorization": f"Bearer {token}"}
        ok = await client.get(path, params={"sku": "X"}, headers=auth)
        assert ok.status_code == 200 and ok.json()["data"] == []
        assert ok.json()["header"]["error_code"] == ""
        other = f"/tokopedia/inventory/v1/fs/{int(creds['fs_id']) + 1}/product/info"
        assert (await client.get(other, params={"sku": "X"}, headers=auth)).status_code == 403


async def test_each_bulk_item_counts_against_the_limit(monkeypatch: pytest.MonkeyPatch) -> None:
    # The shop's bucket on a clock that stands still: the second batch finds it as empty
    # as the first left it, however long a busy machine takes between the two (at 5/s a
    # 0.2 s gap refilled a token and turned the expected 429 into a partial 200).
    frozen = partial(envelope.ItemLimiter, clock=lambda: 0.0)
    monkeypatch.setattr(envelope, "ItemLimiter", frozen)
    async with _client() as client:
        creds, token = await _shop(client, rate=5)
        auth = {"Authorization": f"Bearer {token}"}
        for i in range(10):
            seed = {"seller_sku": f"S{i}", "stock": 1}
            await client.post(f"/_sandbox/tokopedia/shops/{creds['shop_id']}/listings", json=seed)
        path = f"/tokopedia/inventory/v1/fs/{creds['fs_id']}/stock/update"
        params = {"shop_id": creds["shop_id"]}
        body = [{"sku": f"S{i}", "new_stock": 9} for i in range(10)]
        r = await client.post(path, params=params, json=body, headers=auth)
        assert r.status_code == 200
        data = r.json()["data"]
        assert data["succeed_rows"] == 5 and data["failed_rows"] == 5
        assert {x["message"] for x in data["failed_rows_data"]} == {"ERR_TOO_MANY_REQUEST"}
        assert r.headers["X-Ratelimit-Limit"] == "5 req/s (burst 5)"
        assert r.headers["X-Ratelimit-Remaining"] == "0"
        assert float(r.headers["X-Ratelimit-Reset-After"]) > 0
        again = await client.post(path, params=params, json=body, headers=auth)
        assert again.status_code == 429
        assert again.json()["header"]["error_code"] == "ERR_TOO_MANY_REQUEST"
        big = [{"sku": "S0", "new_stock": 1}] * 101
        r = await client.post(path, params=params, json=big, headers=auth)
        assert r.status_code == 400 and r.json()["data"] is None
        listing = await client.get(f"/_sandbox/tokopedia/shops/{creds['shop_id']}/listings")
        stocks = sorted(x["stock"] for x in listing.json()["listings"])
        assert stocks == [1] * 5 + [9] * 5
