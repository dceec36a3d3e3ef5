"""Admin API for WooCommerce shops under `/_sandbox/woocommerce/` (tests and demos only).

`POST shops` answers `consumer_key` (`ck_…`), `consumer_secret` (`cs_…`),
`webhook_secret`, `shop_id`, plus `site_url` (the WordPress home URL the adapter
targets: `<sandbox>/woocommerce`), `currency` and `rate_limit`. Orders (ShopAdmin's
checks and answers) are placed as `processing` (paid) and send `order.created`;
`/cancel` (-> `cancelled`, stock back, as core) and `/ship` (-> `completed`; core has
no shipped status) send `order.updated`. `products/edit` changes a product's or
variation's price/stock as a merchant would in wp-admin and sends `product.updated`
with that record; `products/trash` removes one (so an adapter's cached id goes stale).
"""

from __future__ import annotations

import secrets
from collections.abc import Mapping
from typing import Any, ClassVar

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from sandbox.admin_common import bad
from sandbox.admin_orders import ShopAdmin
from sandbox.state import Listing, Model, Order, Shop
from sandbox.woocommerce import hooks
from sandbox.woocommerce.base import PLATFORM, WooError
from sandbox.woocommerce.catalog import (
    apply_fields,
    find_sku,
    product_wire,
    variation_as_product,
)
from sandbox.woocommerce.orders import order_wire

DEFAULT_RATE = 10.0
STATUS: Mapping[str, str] = {"cancel": "cancelled", "ship": "completed"}


def _key(prefix: str) -> str:
    return prefix + secrets.token_hex(20)  # core: 'ck_' / 'cs_' . wc_rand_hash() (40 hex)


class WooCommerceAdmin(ShopAdmin):
    platform = PLATFORM
    listing_status = "publish"
    order_status = "processing"
    action_status: ClassVar[Mapping[str, str]] = STATUS
    default_currency = "USD"
    default_rate_limit = DEFAULT_RATE

    async def create_shop(self, request: Request) -> Response:
        try:
            body = await self._json(request)
        except ValueError as exc:
            return bad(str(exc))
        shop_id = self.state.next_id()
        home = str(request.base_url).rstrip("/") + "/" + PLATFORM
        credentials = {
            "consumer_key": _key("ck_"),
            "consumer_secret": _key("cs_"),
            "webhook_secret": secrets.token_urlsafe(24),
            "home_url": home,
            "site_salt": secrets.token_hex(16),
        }
        for topic in hooks.TOPICS:
            credentials[f"webhook_id:{topic}"] = str(self.state.next_id())
        shop = self.register_shop(shop_id, body, credentials)
        answer = {k: credentials[k] for k in ("consumer_key", "consumer_secret", "webhook_secret")}
        return JSONResponse(
            {
                **answer,
                "shop_id": shop_id,
                "site_url": home,
                "currency": shop.currency,
                "rate_limit": shop.faults.rate_limit,
                "webhook_ids": {t: int(credentials[f"webhook_id:{t}"]) for t in hooks.TOPICS},
            },
            status_code=201,
        )

    def listing_json(self, listing: Listing) -> dict[str, Any]:
        return {
            "product_id": listing.item_id,
            "name": listing.name,
            "type": "variable" if listing.tier_variation else "simple",
            "sku": listing.seller_sku,
            "price": listing.price,
            "stock": listing.stock,
            "variations": [
                {
                    "variation_id": m.model_id,
                    "sku": m.seller_sku,
                    "price": m.price,
                    "stock": m.stock,
                }
                for m in listing.models
            ],
        }

    async def seed_listing(self, request: Request) -> Response:
        """{seller_sku, price, stock}: a simple product (GET listings: the shared one)."""
        shop = self._shop(request)
        if shop is None:
            return bad("shop not found", 404)
        body = await self._json(request)
        sku = str(body.get("seller_sku") or "")
        if not sku or find_sku(shop, sku):
            return bad("seller_sku is required and must be new")
        listing = Listing(
            self.state.next_id(), str(body.get("title") or sku), sku, "publish", 0.0, 0
        )
        try:
            apply_fields(
                listing,
                {
                    "regular_price": str(body.get("price", "10")),
                    "stock_quantity": body.get("stock", 0),
                },
            )
        except WooError as exc:
            return bad(exc.message)
        shop.listings[listing.item_id] = listing
        return JSONResponse(self.listing_json(listing), status_code=201)

    async def edit_product(self, request: Request) -> Response:
        """{seller_sku, price?, stock?}: an edit in wp-admin; sends product.updated."""
        shop = self._shop(request)
        if shop is None:
            return bad("shop not found", 404)
        body = await self._json(request)
        found = find_sku(shop, str(body.get("seller_sku") or ""))
        if found is None:
            return bad("unknown seller_sku", 404)
        listing, model = found
        fields: dict[str, Any] = {}
        if "price" in body:
            fields["regular_price"] = str(body["price"])
        if "stock" in body:
            fields["stock_quantity"] = body["stock"]
        try:
            apply_fields(model or listing, fields)
        except WooError as exc:
            return bad(exc.message)
        listing.touch()
        record = (
            variation_as_product(shop, listing, model) if model else product_wire(shop, listing)
        )
        hooks.deliver(shop, "product.updated", record)
        return JSONResponse(record)

    async def trash_product(self, request: Request) -> Response:
        """{seller_sku}: removes that product or variation."""
        shop = self._shop(request)
        if shop is None:
            return bad("shop not found", 404)
        found = find_sku(shop, str((await self._json(request)).get("seller_sku") or ""))
        if found is None:
            return bad("unknown seller_sku", 404)
        listing, model = found
        if model is None:
            del shop.listings[listing.item_id]
        else:
            listing.models.remove(model)
        return JSONResponse({"trashed": True})

    # -- orders: ShopAdmin's place/cancel/ship with WooCommerce's hooks ---------------

    def find_for_order(self, shop: Shop, sku: str) -> tuple[Listing, Model | None] | None:
        """A simple product or a variation; a variable product itself cannot be ordered."""
        found = find_sku(shop, sku)
        if found is None or (found[1] is None and found[0].tier_variation):
            return None
        return found

    def placed_json(self, order: Order) -> dict[str, Any]:
        return {"order_id": int(order.order_sn)}

    def order_placed(self, shop: Shop, order: Order, body: Mapping[str, Any]) -> None:
        hooks.deliver(shop, "order.created", order_wire(shop, order))

    def order_changed(self, shop: Shop, order: Order) -> None:
        hooks.deliver(shop, "order.updated", order_wire(shop, order))

    def before_action(self, shop: Shop, order: Order, action: str) -> None:
        if action == "cancel" and order.status != "cancelled":
            for line in order.lines:  # core restores the stock of a cancelled order
                found = find_sku(shop, line.seller_sku)
                if found is not None:
                    (found[1] or found[0]).stock += line.quantity

    def routes(self) -> list[Route]:
        """Not the shared list: WooCommerce edits and trashes by SKU in the body, and its
        keys never expire (no listings/<sku> or token/expire routes)."""
        one = "/woocommerce/shops/{shop_id}"
        return [
            Route("/woocommerce/shops", self.create_shop, methods=["POST"]),
            Route(one + "/listings", self.listings, methods=["GET"]),
            Route(one + "/listings", self.seed_listing, methods=["POST"]),
            Route(one + "/products/edit", self.edit_product, methods=["POST"]),
            Route(one + "/products/trash", self.trash_product, methods=["POST"]),
            Route(one + "/orders", self.place_order, methods=["POST"]),
            Route(one + "/orders/{order_id}/{action:str}", self.order_action, methods=["POST"]),
            Route(one + "/webhook", self.webhook, methods=["GET", "POST"]),
            Route(one + "/faults", self.faults, methods=["GET", "POST"]),
            Route(one + "/requests", self.requests, methods=["GET"]),
        ]
