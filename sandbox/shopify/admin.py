"""Admin API for Shopify shops under `/_sandbox/shopify/` (tests and demos only).

Besides the calls every platform has (webhook, listings, orders, faults, requests,
token/expire): `POST .../listings/{sku}` edits a variant's price or stock as a merchant
would in the Shopify admin (sends products/update or inventory_levels/update), and
`GET|POST .../throttle` shows or sets the cost bucket.
"""

from __future__ import annotations

import secrets
import time
from collections.abc import Mapping
from typing import Any, ClassVar

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from sandbox.admin_common import bad, read_json
from sandbox.admin_orders import ShopAdmin
from sandbox.shopify import push
from sandbox.shopify.nodes import money
from sandbox.shopify.oauth import ACCESS_TTL, REFRESH_TTL
from sandbox.shopify.push import API_VERSION
from sandbox.shopify.store import PLATFORM, extras, gid, order_status, skus
from sandbox.state import Listing, Model, Order, Shop


def listing_json(listing: Listing) -> dict[str, Any]:
    return {
        "product_id": gid("Product", listing.item_id),
        "title": listing.name,
        "variants": [
            {
                "variant_id": gid("ProductVariant", m.model_id),
                "seller_sku": m.seller_sku,
                "price": money(m.price),
                "stock": m.stock,
            }
            for m in listing.models
        ],
    }


class ShopifyAdmin(ShopAdmin):
    platform = PLATFORM
    listing_status = "active"
    order_status = "open"
    # Only a cancel changes `order.status`; ship and pay change the fulfillment and
    # financial statuses (see order_action).
    action_status: ClassVar[Mapping[str, str]] = {"cancel": "cancelled"}
    checks_stock = False  # Shopify lets stock go negative unless tracked strictly

    async def create_shop(self, request: Request) -> Response:
        try:
            body = await read_json(request)
        except ValueError as exc:
            return bad(str(exc))
        shop_id = self.state.next_id()
        domain = f"sandbox-{shop_id}.myshopify.com"
        credentials = {
            "shop_domain": domain,
            "client_id": secrets.token_hex(16),
            "client_secret": secrets.token_hex(24),
        }
        # Shopify meters query cost, not requests: the request-count limiter is always off.
        shop = self.register_shop(shop_id, {**body, "rate_limit": 0}, credentials)
        more = extras(shop)
        more.location_id = self.state.next_id()
        more.bucket.configure(
            float(body.get("maximum_available", more.bucket.maximum)),
            float(body.get("restore_rate", more.bucket.restore_rate)),
        )
        more.bucket.available = more.bucket.maximum
        shop.issue_tokens(ACCESS_TTL, REFRESH_TTL)
        return JSONResponse(
            {
                "shop_id": str(shop_id),
                "shop_domain": domain,
                "client_id": shop.credentials["client_id"],
                "client_secret": shop.credentials["client_secret"],
                "access_token": shop.access_token,
                "refresh_token": shop.refresh_token,
                "expires_in": ACCESS_TTL,
                "location_id": gid("Location", more.location_id),
                "currency": shop.currency,
                "api_version": API_VERSION,
                "restore_rate": more.bucket.restore_rate,
                "maximum_available": more.bucket.maximum,
            },
            status_code=201,
        )

    def listing_json(self, listing: Listing) -> dict[str, Any]:
        return listing_json(listing)

    async def seed_listing(self, request: Request) -> Response:
        """{"title", "variants": [{"seller_sku", "price", "stock"}]} (or one variant inline)."""
        shop = self._shop(request)
        if shop is None:
            return bad("shop not found", 404)
        body = await read_json(request)
        rows = body.get("variants") or [body]
        models = []
        for n, row in enumerate(rows):
            sku = str(row.get("seller_sku") or "")
            if not sku:
                return bad("seller_sku is required")
            price, stock = float(row.get("price", 1.0)), int(row.get("stock", 0))
            models.append(Model(self.state.next_id(), sku, [n], price, stock))
        title = str(body.get("title") or models[0].seller_sku)
        axis = {"name": "Title", "options": [m.seller_sku for m in models]}
        listing = Listing(
            self.state.next_id(), title, models[0].seller_sku, "active", models[0].price, 0,
            tier_variation=[axis], models=models,  # type: ignore[list-item]
        )  # fmt: skip
        shop.listings[listing.item_id] = listing
        return JSONResponse(listing_json(listing), status_code=201)

    async def edit_listing(self, request: Request) -> Response:
        """The merchant changes a variant's price and/or stock in the Shopify admin."""
        shop = self._shop(request)
        if shop is None:
            return bad("shop not found", 404)
        found = skus(shop, request.path_params["seller_sku"])
        if not found:
            return bad("sku not found", 404)
        body = await read_json(request)
        listing, model = found[0]
        event = push.new_event()
        if "price" in body:
            model.price = float(body["price"])
            listing.touch()
            push.send_product(shop, listing, event)
        if "stock" in body:
            model.stock = int(body["stock"])
            listing.touch()
            push.send_inventory(shop, model, event)
        return JSONResponse(listing_json(listing))

    def find_for_order(self, shop: Shop, sku: str) -> tuple[Listing, Model | None] | None:
        """The first variant with this SKU (a product's own SKU sells nothing on Shopify)."""
        found = skus(shop, sku)
        return found[0] if found else None

    def placed_json(self, order: Order) -> dict[str, Any]:
        return {"order_id": order.order_sn, "admin_graphql_api_id": gid("Order", order.order_sn)}

    def order_placed(self, shop: Shop, order: Order, body: Mapping[str, Any]) -> None:
        """{"paid": true} (default): orders/create, then orders/paid when paid, and
        inventory_levels/update per line (one event id)."""
        paid = bool(body.get("paid", True))
        order_status(shop, order)["financial"] = "PAID" if paid else "PENDING"
        event = push.new_event()
        push.send_order(shop, "orders/create", order, event)
        if paid:
            push.send_order(shop, "orders/paid", order, event)
        for line in order.lines:
            # The variant the line was taken from: the first one selling its SKU.
            _, model = skus(shop, line.seller_sku)[0]
            push.send_inventory(shop, model, event)

    async def order_action(self, request: Request) -> Response:
        shop = self._shop(request)
        if shop is None:
            return bad("shop not found", 404)
        order = shop.orders.get(request.path_params["order_id"])
        action = request.path_params["action"]
        topics = {"cancel": "orders/cancelled", "ship": "orders/fulfilled", "pay": "orders/paid"}
        if order is None or action not in topics:
            return bad("order not found", 404)
        status = order_status(shop, order)
        order.update_time = int(time.time())
        if action == "cancel":
            status["cancelled_at"] = time.time()
            order.status = "cancelled"
        elif action == "ship":
            status["fulfillment"] = "FULFILLED"
        else:
            status["financial"] = "PAID"
        push.send_order(shop, topics[action], order, push.new_event())
        return JSONResponse({"order_id": order.order_sn, "status": status | {"action": action}})

    async def throttle(self, request: Request) -> Response:
        """GET the cost bucket; POST {"restore_rate", "maximum_available",
        "currently_available"} to change it."""
        shop = self._shop(request)
        if shop is None:
            return bad("shop not found", 404)
        bucket = extras(shop).bucket
        if request.method == "POST":
            body = await read_json(request)
            bucket.configure(
                float(body.get("maximum_available", bucket.maximum)),
                float(body.get("restore_rate", bucket.restore_rate)),
            )
            if "currently_available" in body:
                bucket.available = min(bucket.maximum, float(body["currently_available"]))
                bucket.updated = time.monotonic()
        return JSONResponse({**bucket.status(), "throttled": extras(shop).throttled})

    def routes(self) -> list[Route]:
        return [
            *super().routes(),
            Route("/shopify/shops/{shop_id}/throttle", self.throttle, methods=["GET", "POST"]),
        ]
