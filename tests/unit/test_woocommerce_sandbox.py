"""The WooCommerce sandbox's REST rules through Starlette's test client: batch limit (413),
per-item errors inside a 200, SKU search over products and variations, pagination
headers, Basic refused on plain http, webhook body and signature."""

from __future__ import annotations

import json
from typing import Any

import httpx

from sandbox import woocommerce
from sandbox.state import SandboxState
from sandbox.woocommerce import hooks
from services.sync.adapters.woocommerce.oauth import signed_query
from services.sync.adapters.woocommerce.webhooks import sign, verify
from tests.support.sandbox_admin import platform_app

SITE = "http://testserver/woocommerce"


class Site:
    def __init__(self) -> None:
        self.state = SandboxState(seed=1)
        app = platform_app(
            "woocommerce", woocommerce.admin_routes, woocommerce.api_routes, self.state
        )
        transport = httpx.ASGITransport(app=app)
        self.client = httpx.AsyncClient(transport=transport, base_url="http://testserver")
        self.creds: dict[str, Any] = {}

    async def open(self) -> Site:
        shop = await self.client.post("/_sandbox/woocommerce/shops", json={"rate_limit": 0})
        self.creds = shop.json()
        return self

    async def call(
        self, method: str, path: str, query: tuple[tuple[str, str], ...] = (), body: Any = None
    ) -> httpx.Response:
        url = f"{SITE}/wp-json/wc/v3{path}"
        signed = signed_query(
            method, url, list(query), self.creds["consumer_key"], self.creds["consumer_secret"]
        )
        return await self.client.request(method, f"{url}?{signed}", json=body)


async def _site() -> Site:
    return await Site().open()


async def _variable(site: Site, sku: str, count: int) -> int:
    size = {"name": "Size", "options": [str(i) for i in range(count)], "variation": True}
    body = {"name": sku, "type": "variable", "sku": sku, "attributes": [size]}
    product = await site.call("POST", "/products", body=body)
    assert product.status_code == 201, product.text
    create = [
        {"sku": f"{sku}-{i}", "regular_price": "1.50", "manage_stock": True, "stock_quantity": i,
         "attributes": [{"name": "Size", "option": str(i)}]}
        for i in range(count)
    ]  # fmt: skip
    pid = int(product.json()["id"])
    answer = await site.call("POST", f"/products/{pid}/variations/batch", body={"create": create})
    assert answer.status_code == 200 and all("error" not in x for x in answer.json()["create"])
    return pid


async def test_batch_limit_counts_create_update_delete() -> None:
    site = await _site()
    pid = await _variable(site, "V", 3)
    body = {
        "create": [{"sku": f"N{i}"} for i in range(50)],
        "update": [{"id": 1}] * 50,
        "delete": [1],
    }
    too_big = await site.call("POST", f"/products/{pid}/variations/batch", body=body)
    assert too_big.status_code == 413
    assert too_big.json() == {
        "code": "woocommerce_rest_request_entity_too_large",
        "message": "Unable to accept more than 100 items for this request.",
        "data": {"status": 413},
    }
    over = await site.call("POST", "/products/batch", body={"update": [{"id": 1}] * 101})
    assert over.status_code == 413


async def test_per_item_errors_come_inside_a_200() -> None:
    site = await _site()
    pid = await _variable(site, "V", 2)
    listed = await site.call("GET", f"/products/{pid}/variations", (("per_page", "10"),))
    variation = listed.json()[0]
    answer = await site.call("POST", f"/products/{pid}/variations/batch", body={"update": [
        {"id": variation["id"], "stock_quantity": 5},
        {"id": 999_999, "stock_quantity": 5},
        {"id": variation["id"], "regular_price": "abc"},
    ]})  # fmt: skip
    assert answer.status_code == 200
    ok, unknown, bad_price = answer.json()["update"]
    assert ok["stock_quantity"] == 5
    assert unknown["id"] == 999_999
    assert unknown["error"]["code"] == "woocommerce_rest_product_variation_invalid_id"
    assert bad_price["error"]["code"] == "rest_invalid_param"
    through_products = await site.call(
        "POST", "/products/batch", body={"update": [{"id": variation["id"]}]}
    )
    [error] = through_products.json()["update"]
    assert error["error"]["code"] == "woocommerce_rest_invalid_product_id"
    duplicate = await site.call("POST", "/products", body={"name": "x", "sku": "V-0"})
    assert duplicate.status_code == 400 and duplicate.json()["code"] == "product_invalid_sku"


async def test_sku_search_finds_products_and_variations() -> None:
    site = await _site()
    pid = await _variable(site, "V", 2)
    await site.call(
        "POST",
        "/products",
        body={"name": "S", "sku": "S", "regular_price": "2", "stock_quantity": 1},
    )
    rows = (await site.call("GET", "/products", (("sku", "V-1,S,V"),))).json()
    by_sku = {r["sku"]: r for r in rows}
    assert set(by_sku) == {"V", "V-1", "S"}
    assert by_sku["V-1"]["type"] == "variation" and by_sku["V-1"]["parent_id"] == pid
    assert by_sku["S"]["type"] == "simple" and by_sku["S"]["regular_price"] == "2.00"
    plain = (await site.call("GET", "/products", (("per_page", "100"),))).json()
    assert {r["sku"] for r in plain} == {"V", "S"}  # no variations without `sku`


async def test_pagination_headers_and_per_page_bounds() -> None:
    site = await _site()
    pid = await _variable(site, "V", 25)
    page = await site.call(
        "GET", f"/products/{pid}/variations", (("per_page", "10"), ("page", "3"))
    )
    assert page.headers["X-WP-Total"] == "25" and page.headers["X-WP-TotalPages"] == "3"
    assert len(page.json()) == 5
    wrong = await site.call("GET", "/products", (("per_page", "101"),))
    assert wrong.status_code == 400 and wrong.json()["code"] == "rest_invalid_param"
    missing = await site.call("GET", "/products/424242")
    assert (
        missing.status_code == 404
        and missing.json()["code"] == "woocommerce_rest_product_invalid_id"
    )


async def test_basic_auth_over_plain_http_is_not_authentication() -> None:
    site = await _site()
    key, secret = site.creds["consumer_key"], site.creds["consumer_secret"]
    answer = await site.client.get(f"{SITE}/wp-json/wc/v3/products", auth=(key, secret))
    assert answer.status_code == 401
    assert answer.json()["code"] == "woocommerce_rest_cannot_view"
    post = await site.client.post(f"{SITE}/wp-json/wc/v3/products", json={}, auth=(key, secret))
    assert post.json()["code"] == "woocommerce_rest_cannot_create"


def test_webhook_body_is_php_json_and_signed() -> None:
    body = hooks.wp_json_encode({"src": "http://x/a", "name": "Café"})
    assert body == b'{"src":"http:\\/\\/x\\/a","name":"Caf\\u00e9"}'
    signature = hooks.sign("secret", body)
    assert signature == sign("secret", body)
    assert verify("secret", {"x-wc-webhook-signature": signature}, body)
    assert json.loads(body) == {"src": "http://x/a", "name": "Café"}
    assert hooks.POLICY.delays == () and hooks.POLICY.disable_after_failures == 7
    assert hooks.POLICY.received(302) and not hooks.POLICY.received(303)


async def test_admin_orders_take_stock_and_a_cancel_puts_it_back() -> None:
    site = await _site()
    shop = f"/_sandbox/woocommerce/shops/{site.creds['shop_id']}"
    await site.client.post(shop + "/listings", json={"seller_sku": "S", "stock": 5})
    await _variable(site, "VAR", 2)  # VAR-1 has 1 in stock
    listings = f"{shop}/listings"

    def stock_of(body: dict[str, Any], sku: str) -> int:
        for p in body["listings"]:
            if p["sku"] == sku:
                return int(p["stock"])
            for v in p["variations"]:
                if v["sku"] == sku:
                    return int(v["stock"])
        raise AssertionError(sku)

    rejected = [
        ({"lines": ["S"]}, 400),  # a malformed line: a clear 400, not a 500
        ({"lines": [{"seller_sku": "VAR", "quantity": 1}]}, 400),  # the variable parent
        ({"lines": [{"seller_sku": "S", "quantity": "x"}]}, 400),
        ({"lines": [{"seller_sku": "S", "quantity": 1}, {"seller_sku": "VAR-1", "quantity": 2}]},
         409),  # VAR-1 is short: nothing of the order is taken
    ]  # fmt: skip
    for body, code in rejected:
        answer = await site.client.post(shop + "/orders", json=body)
        assert answer.status_code == code and "error" in answer.json(), body
    assert stock_of((await site.client.get(listings)).json(), "S") == 5

    order = {"lines": [{"seller_sku": "S", "quantity": 2}, {"seller_sku": "VAR-1", "quantity": 1}]}
    placed = await site.client.post(shop + "/orders", json=order)
    assert placed.status_code == 201 and isinstance(placed.json()["order_id"], int)
    after = (await site.client.get(listings)).json()
    assert (stock_of(after, "S"), stock_of(after, "VAR-1")) == (3, 0)

    oid = placed.json()["order_id"]
    for _ in range(2):  # a second cancel gives nothing back twice
        cancelled = await site.client.post(f"{shop}/orders/{oid}/cancel")
        assert cancelled.json()["order_status"] == "cancelled"
    back = (await site.client.get(listings)).json()
    assert (stock_of(back, "S"), stock_of(back, "VAR-1")) == (5, 1)
