"""Shopify sandbox rules, in process (httpx ASGI transport): calculated cost, the leaky
bucket and THROTTLED, @idempotent, compare-and-set, userErrors and input limits."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Any

import httpx
import pytest
import pytest_asyncio
from graphql import FragmentDefinitionNode, OperationDefinitionNode, parse

from sandbox.shopify import admin_routes, api_routes
from sandbox.shopify.cost import Coster
from sandbox.shopify.schema import schema
from sandbox.state import SandboxState
from services.sync.adapters.shopify import documents as docs
from tests.support.sandbox_admin import platform_app

SET = """mutation s($input: InventorySetQuantitiesInput!, $key: String!) {
  inventorySetQuantities(input: $input) @idempotent(key: $key) {
    inventoryAdjustmentGroup { changes { delta quantityAfterChange } }
    userErrors { field code }
  }
}"""
PRODUCT_SET = """mutation p($input: ProductSetInput!) {
  productSet(input: $input) { product { id variants(first: 5) { nodes { sku inventoryItem { id } } } } userErrors { field code } }
}"""  # noqa: E501


@dataclass
class Shop:
    client: httpx.AsyncClient
    creds: dict[str, Any]

    async def gql(self, query: str, variables: Any = None, version: str = "2026-07") -> Any:
        r = await self.client.post(
            f"/shopify/admin/api/{version}/graphql.json",
            json={"query": query, "variables": variables or {}},
            headers={"X-Shopify-Access-Token": self.creds["access_token"]},
        )
        assert r.status_code == 200, r.text
        return r.json()

    async def product(self, sku: str, quantity: int = 5) -> str:
        """A one-variant product; returns its inventory item gid."""
        variant = {
            "optionValues": [{"optionName": "Title", "name": "Default Title"}],
            "price": "9.90",
            "inventoryItem": {"sku": sku},
            "inventoryQuantities": [
                {"locationId": self.creds["location_id"], "name": "available", "quantity": quantity}
            ],
        }
        options = [{"name": "Title", "values": [{"name": "Default Title"}]}]
        body = await self.gql(
            PRODUCT_SET,
            {"input": {"title": sku, "productOptions": options, "variants": [variant]}},
        )
        nodes = body["data"]["productSet"]["product"]["variants"]["nodes"]
        return str(nodes[0]["inventoryItem"]["id"])

    def quantity(self, item: str, value: int, **extra: Any) -> dict[str, Any]:
        return {
            "inventoryItemId": item,
            "locationId": self.creds["location_id"],
            "quantity": value,
            **extra,
        }


@pytest_asyncio.fixture
async def shop() -> AsyncIterator[Shop]:
    state = SandboxState(seed=1)
    app = platform_app("shopify", admin_routes, api_routes, state)
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://sandbox") as client:
        creds = (await client.post("/_sandbox/shopify/shops", json={})).json()
        yield Shop(client, creds)


@pytest.mark.parametrize(
    "doc",
    [
        docs.PRODUCT_SET,
        docs.VARIANTS_BULK_UPDATE,
        docs.INVENTORY_SET,
        docs.lookup(1),
        docs.lookup(50),
        docs.PRODUCT,
        docs.PRODUCTS,
        docs.ORDERS,
        docs.ORDER_LINES_DOC,
    ],
    ids=lambda d: f"{d.name}-{d.cost}",
)
def test_adapter_cost_estimates_match_the_sandbox_rules(doc: docs.Doc) -> None:
    document = parse(doc.text)
    operation = next(d for d in document.definitions if isinstance(d, OperationDefinitionNode))
    fragments: dict[str, FragmentDefinitionNode] = {}
    first = 50 if doc.name == "variantsBySku" and doc.cost > 100 else 1
    coster = Coster(schema(), operation, fragments, {"first": first})
    assert coster.requested() == doc.cost
    assert doc.cost <= 1000


async def test_short_pages_are_refunded_and_cost_reported(shop: Shop) -> None:
    await shop.product("R-1")
    body = await shop.gql("{ products(first: 100) { nodes { id title } } }")
    cost = body["extensions"]["cost"]
    assert cost["requestedQueryCost"] == 2 + 100 * 1
    assert cost["actualQueryCost"] == 2 + 1
    status = cost["throttleStatus"]
    assert status["maximumAvailable"] == 2000.0 and status["restoreRate"] == 100.0
    # Over the single-query limit: refused before running.
    body = await shop.gql(
        "{ products(first: 250) { nodes { variants(first: 250) { nodes { id } } } } }"
    )
    assert body["errors"][0]["extensions"]["code"] == "MAX_COST_EXCEEDED"
    # A connection without first/last cannot be costed.
    assert (
        "first or last" in (await shop.gql("{ products { nodes { id } } }"))["errors"][0]["message"]
    )


async def test_an_empty_bucket_answers_throttled(shop: Shop) -> None:
    path = f"/_sandbox/shopify/shops/{shop.creds['shop_id']}/throttle"
    await shop.client.post(path, json={"currently_available": 50, "restore_rate": 1})
    body = await shop.gql("{ products(first: 100) { nodes { id } } }")
    assert body["errors"] == [{"message": "Throttled", "extensions": {"code": "THROTTLED"}}]
    assert "data" not in body
    cost = body["extensions"]["cost"]
    assert cost["requestedQueryCost"] == 102 and cost["actualQueryCost"] is None
    assert 50 <= cost["throttleStatus"]["currentlyAvailable"] < 52
    # A cheaper query still fits.
    assert "data" in await shop.gql("{ products(first: 10) { nodes { id } } }")
    assert (await shop.client.get(path)).json()["throttled"] == 1


async def test_idempotent_key_applies_once_and_is_required(shop: Shop) -> None:
    item = await shop.product("I-1", quantity=5)
    row = {"name": "available", "reason": "correction"}
    variables: dict[str, Any] = {
        "input": {**row, "quantities": [shop.quantity(item, 8, changeFromQuantity=5)]},
        "key": "key-1",
    }
    first = await shop.gql(SET, variables)
    again = await shop.gql(SET, variables)  # a retry of the same request
    assert first["data"] == again["data"]
    assert first["data"]["inventorySetQuantities"]["inventoryAdjustmentGroup"]["changes"] == [
        {"delta": 3, "quantityAfterChange": 8}
    ]
    unkeyed = SET.replace(" @idempotent(key: $key)", "").replace(", $key: String!", "")
    del variables["key"]
    refused = await shop.gql(unkeyed, variables)
    assert "@idempotent" in refused["errors"][0]["message"]
    # Before 2026-04 the directive was optional.
    later = {"input": {**row, "quantities": [shop.quantity(item, 9, changeFromQuantity=8)]}}
    older = await shop.gql(unkeyed, later, version="2026-01")
    assert older["data"]["inventorySetQuantities"]["userErrors"] == []


async def test_compare_and_set_is_all_or_nothing(shop: Shop) -> None:
    a, b = await shop.product("C-1", quantity=5), await shop.product("C-2", quantity=5)

    async def send(*rows: dict[str, Any], key: str) -> Any:
        variables = {
            "input": {"name": "available", "reason": "correction", "quantities": list(rows)},
            "key": key,
        }
        return (await shop.gql(SET, variables))["data"]["inventorySetQuantities"]

    stale = await send(
        shop.quantity(a, 1, changeFromQuantity=5),
        shop.quantity(b, 1, changeFromQuantity=4),
        key="k1",
    )
    assert stale["inventoryAdjustmentGroup"] is None
    field = ["input", "quantities", "1", "changeFromQuantity"]
    assert stale["userErrors"] == [{"field": field, "code": "CHANGE_FROM_QUANTITY_STALE"}]
    missing = await send(shop.quantity(a, 1), key="k2")  # 2026-07: changeFromQuantity required
    assert missing["userErrors"][0]["field"][-1] == "changeFromQuantity"
    unchecked = await send(
        shop.quantity(a, 2, changeFromQuantity=None),
        shop.quantity(b, 3, changeFromQuantity=5),
        key="k3",
    )
    assert [c["quantityAfterChange"] for c in unchecked["inventoryAdjustmentGroup"]["changes"]] == [
        2,
        3,
    ]
    too_high = await send(shop.quantity(a, 2_000_000_000, changeFromQuantity=None), key="k4")
    assert too_high["userErrors"][0]["code"] == "INVALID_QUANTITY_TOO_HIGH"
    unknown = await send(
        shop.quantity("gid://shopify/InventoryItem/1", 1, changeFromQuantity=None), key="k5"
    )
    assert unknown["userErrors"][0]["code"] == "INVALID_INVENTORY_ITEM"


async def test_input_arrays_over_250_are_refused(shop: Shop) -> None:
    item = await shop.product("M-1")
    rows = [shop.quantity(item, 1, changeFromQuantity=None)] * 251
    body = await shop.gql(
        SET,
        {"input": {"name": "available", "reason": "correction", "quantities": rows}, "key": "k"},
    )
    assert body["errors"][0]["extensions"]["code"] == "MAX_INPUT_SIZE_EXCEEDED"


async def test_auth_version_and_document_errors(shop: Shop) -> None:
    r = await shop.client.post(
        "/shopify/admin/api/2026-07/graphql.json",
        json={"query": "{ shop { name } }"},
        headers={"X-Shopify-Access-Token": "wrong"},
    )
    assert r.status_code == 401 and "Invalid API key or access token" in r.json()["errors"]
    r = await shop.client.post(
        "/shopify/admin/api/2019-04/graphql.json",
        json={"query": "{ shop { name } }"},
        headers={"X-Shopify-Access-Token": shop.creds["access_token"]},
    )
    assert r.status_code == 404
    assert "errors" in await shop.gql("{ shop { name ")  # syntax error
    assert "Cannot query field" in (await shop.gql("{ nope }"))["errors"][0]["message"]
    body = await shop.gql("{ shop { myshopifyDomain } }")
    assert body["data"]["shop"]["myshopifyDomain"] == shop.creds["shop_domain"]


async def test_token_endpoint_codes_are_single_use_and_refresh_rotates(shop: Shop) -> None:
    c = shop.creds
    r = await shop.client.get(
        "/shopify/admin/oauth/authorize",
        params={"client_id": c["client_id"], "scope": "read_products",
                "redirect_uri": "https://app.example/cb", "state": "s"},
    )  # fmt: skip
    code = httpx.URL(r.headers["location"]).params["code"]
    body = {"client_id": c["client_id"], "client_secret": c["client_secret"], "code": code}
    token = "/shopify/admin/oauth/access_token"
    first = (await shop.client.post(token, json={**body, "expiring": 1})).json()
    assert first["expires_in"] == 3600 and first["refresh_token"]
    spent = await shop.client.post(token, json=body)
    assert spent.status_code == 400 and spent.json()["error"] == "invalid_request"
    refresh = {**body, "grant_type": "refresh_token", "refresh_token": first["refresh_token"]}
    del refresh["code"]
    second = (await shop.client.post(token, json=refresh)).json()
    assert second["access_token"] != first["access_token"]
    assert (await shop.client.post(token, json=refresh)).status_code == 400  # rotated
    wrong = await shop.client.post(token, json={**body, "client_secret": "x"})
    assert wrong.status_code == 401


async def test_admin_orders_keep_shopify_answers(shop: Shop) -> None:
    """Placing on the shared admin: stock may go below zero, the answer carries the
    order's gid, `paid: false` leaves it PENDING, and a product's own SKU sells nothing."""
    base = f"/_sandbox/shopify/shops/{shop.creds['shop_id']}"
    seeded = await shop.client.post(
        f"{base}/listings", json={"variants": [{"seller_sku": "ORD-1", "stock": 1}]}
    )
    assert seeded.status_code == 201
    line = {"seller_sku": "ORD-1", "quantity": 3}
    placed = await shop.client.post(f"{base}/orders", json={"lines": [line], "paid": False})
    assert placed.status_code == 201
    order_id = placed.json()["order_id"]
    assert placed.json() == {
        "order_id": order_id,
        "admin_graphql_api_id": f"gid://shopify/Order/{order_id}",
    }
    listing = (await shop.client.get(f"{base}/listings")).json()["listings"][0]
    assert listing["variants"][0]["stock"] == -2
    paid = await shop.client.post(f"{base}/orders/{order_id}/pay")
    assert paid.json()["status"]["financial"] == "PAID"
    unknown = await shop.client.post(
        f"{base}/orders", json={"lines": [{"seller_sku": "NOPE", "quantity": 1}]}
    )
    assert unknown.status_code == 400
    assert (await shop.client.post("/_sandbox/shopify/shops/999/orders/1/ship")).status_code == 404
