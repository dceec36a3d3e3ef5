"""Admin API for Lazada shops under `/_sandbox/lazada/` (tests and demos only)."""

from __future__ import annotations

import secrets
import time

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from sandbox.admin_common import ShopAdminBase, bad, read_json
from sandbox.lazada.auth import ACCESS_TTL, REFRESH_TTL
from sandbox.lazada.envelope import PLATFORM
from sandbox.lazada.products import find_sku, product_wire
from sandbox.lazada.push import send_order_push
from sandbox.state import Listing, Model, Order, OrderLineRecord, SandboxState, Shop


class LazadaAdmin(ShopAdminBase):
    def __init__(self, state: SandboxState) -> None:
        self.state = state

    def _shop(self, request: Request) -> Shop | None:
        try:
            return self.state.shop(PLATFORM, int(request.path_params["shop_id"]))
        except ValueError:
            return None

    async def create_shop(self, request: Request) -> Response:
        try:
            body = await read_json(request)
        except ValueError as exc:
            return bad(str(exc))
        seller_id = self.state.next_id()
        shop = Shop(
            platform=PLATFORM,
            shop_id=seller_id,
            credentials={
                "app_key": str(body.get("app_key") or 100_000 + seller_id),
                "app_secret": secrets.token_hex(16),
            },
            currency=str(body.get("currency") or "SGD"),
        )
        shop.faults.configure({"seed": int(body.get("seed", self.state.seed))})
        if "rate_limit" in body:
            shop.faults.configure({"rate_limit": body["rate_limit"]})
        shop.issue_tokens(ACCESS_TTL, REFRESH_TTL)
        self.state.platform_shops(PLATFORM)[seller_id] = shop
        return JSONResponse(
            {
                "app_key": shop.credentials["app_key"],
                "app_secret": shop.credentials["app_secret"],
                "seller_id": str(seller_id),
                "shop_id": str(seller_id),
                "access_token": shop.access_token,
                "refresh_token": shop.refresh_token,
                "expires_in": ACCESS_TTL,
                "refresh_expires_in": REFRESH_TTL,
                "currency": shop.currency,
                "rate_limit": shop.faults.rate_limit,
            },
            status_code=201,
        )

    async def listings(self, request: Request) -> Response:
        shop = self._shop(request)
        if shop is None:
            return bad("shop not found", 404)
        return JSONResponse({"listings": [product_wire(x) for x in shop.listings.values()]})

    async def seed_listing(self, request: Request) -> Response:
        shop = self._shop(request)
        if shop is None:
            return bad("shop not found", 404)
        body = await read_json(request)
        sku = str(body.get("seller_sku") or "")
        if not sku or find_sku(shop, sku):
            return bad("seller_sku is required and must be new")
        price, stock = float(body.get("price", 1.0)), int(body.get("stock", 0))
        model = Model(self.state.next_id(), sku, [], price, stock)
        listing = Listing(
            self.state.next_id(), str(body.get("title") or sku), sku, "active", price, 0,
            models=[model],
        )  # fmt: skip
        shop.listings[listing.item_id] = listing
        return JSONResponse(product_wire(listing), status_code=201)

    async def place_order(self, request: Request) -> Response:
        shop = self._shop(request)
        if shop is None:
            return bad("shop not found", 404)
        lines = (await read_json(request)).get("lines")
        if not isinstance(lines, list) or not lines:
            return bad("lines is required")
        picked = []
        for line in lines:
            sku, quantity = str(line.get("seller_sku") or ""), int(line.get("quantity") or 0)
            found = find_sku(shop, sku)
            if found is None or quantity <= 0:
                return bad(f"unknown seller_sku or bad quantity: {sku!r}")
            if found[1].stock < quantity:
                return bad(f"not enough stock for {sku!r}", 409)
            picked.append((found, sku, quantity))
        records = []
        for (listing, model), sku, quantity in picked:
            model.stock -= quantity
            listing.touch()
            records.append(
                OrderLineRecord(listing.item_id, model.model_id, sku, quantity, model.price)
            )
        order_id = str(self.state.next_id() * 1000 + secrets.randbelow(1000))
        shop.orders[order_id] = Order(order_sn=order_id, status="pending", lines=records)
        send_order_push(shop, shop.orders[order_id])
        return JSONResponse({"order_id": order_id}, status_code=201)

    async def order_action(self, request: Request) -> Response:
        shop = self._shop(request)
        if shop is None:
            return bad("shop not found", 404)
        order = shop.orders.get(request.path_params["order_id"])
        action = request.path_params["action"]
        if order is None or action not in ("cancel", "ship"):
            return bad("order not found", 404)
        order.status = "canceled" if action == "cancel" else "shipped"
        order.update_time = int(time.time())
        send_order_push(shop, order)
        return JSONResponse({"order_id": order.order_sn, "order_status": order.status})

    async def expire_token(self, request: Request) -> Response:
        shop = self._shop(request)
        if shop is None:
            return bad("shop not found", 404)
        shop.access_expires_at = 0.0
        return JSONResponse({"shop_id": str(shop.shop_id), "expired": True})

    def routes(self) -> list[Route]:
        base = "/lazada/shops"
        one = base + "/{shop_id}"
        return [
            Route(base, self.create_shop, methods=["POST"]),
            Route(one + "/listings", self.listings, methods=["GET"]),
            Route(one + "/listings", self.seed_listing, methods=["POST"]),
            Route(one + "/webhook", self.webhook, methods=["GET", "POST"]),
            Route(one + "/orders", self.place_order, methods=["POST"]),
            Route(one + "/orders/{order_id}/{action:str}", self.order_action, methods=["POST"]),
            Route(one + "/faults", self.faults, methods=["GET", "POST"]),
            Route(one + "/requests", self.requests, methods=["GET"]),
            Route(one + "/token/expire", self.expire_token, methods=["POST"]),
        ]
