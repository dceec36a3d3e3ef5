"""Admin API for Shopee shops under `/_sandbox/shopee/` (tests and demos only)."""

from __future__ import annotations

import secrets
import time
import uuid
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from sandbox.admin_common import ShopAdminBase, bad, read_json
from sandbox.shopee.api import ACCESS_TTL, PLATFORM, REFRESH_TTL
from sandbox.state import Listing, Model, Order, OrderLineRecord, SandboxState, Shop


class ShopeeAdmin(ShopAdminBase):
    def __init__(self, state: SandboxState) -> None:
        self.state = state

    def _shop(self, request: Request) -> Shop | None:
        try:
            shop_id = int(request.path_params["shop_id"])
        except ValueError:
            return None
        return self.state.shop(PLATFORM, shop_id)

    async def create_shop(self, request: Request) -> Response:
        try:
            body = await read_json(request)
        except ValueError as exc:
            return bad(str(exc))
        shop_id = self.state.next_id()
        partner_id = str(body.get("partner_id") or 2_000_000 + shop_id)
        shop = Shop(
            platform=PLATFORM,
            shop_id=shop_id,
            credentials={"partner_id": partner_id, "partner_key": secrets.token_hex(32)},
            currency=str(body.get("currency") or "SGD"),
        )
        shop.faults.configure({"seed": int(body.get("seed", self.state.seed))})
        if "rate_limit" in body:
            shop.faults.configure({"rate_limit": body["rate_limit"]})
        shop.issue_tokens(ACCESS_TTL, REFRESH_TTL)
        self.state.platform_shops(PLATFORM)[shop_id] = shop
        return JSONResponse(
            {
                "partner_id": int(partner_id),
                "partner_key": shop.credentials["partner_key"],
                "shop_id": shop_id,
                "access_token": shop.access_token,
                "refresh_token": shop.refresh_token,
                "expire_in": ACCESS_TTL,
                "currency": shop.currency,
                "rate_limit": shop.faults.rate_limit,
            },
            status_code=201,
        )

    async def listings(self, request: Request) -> Response:
        shop = self._shop(request)
        if shop is None:
            return bad("shop not found", 404)
        return JSONResponse({"listings": [_listing_json(x) for x in shop.listings.values()]})

    async def seed_listing(self, request: Request) -> Response:
        shop = self._shop(request)
        if shop is None:
            return bad("shop not found", 404)
        body = await read_json(request)
        sku = str(body.get("seller_sku") or "")
        if not sku:
            return bad("seller_sku is required")
        listing = Listing(
            item_id=self.state.next_id(),
            name=str(body.get("title") or sku),
            seller_sku=sku,
            status="NORMAL",
            price=float(body.get("price", 1.0)),
            stock=int(body.get("stock", 0)),
        )
        shop.listings[listing.item_id] = listing
        return JSONResponse(_listing_json(listing), status_code=201)

    def _find_sku(self, shop: Shop, sku: str) -> tuple[Listing, Model | None] | None:
        for listing in shop.listings.values():
            if not listing.models and listing.seller_sku == sku:
                return listing, None
            for model in listing.models:
                if model.seller_sku == sku:
                    return listing, model
        return None

    async def place_order(self, request: Request) -> Response:
        shop = self._shop(request)
        if shop is None:
            return bad("shop not found", 404)
        body = await read_json(request)
        lines = body.get("lines")
        if not isinstance(lines, list) or not lines:
            return bad("lines is required")
        records = []
        for line in lines:
            sku = str(line.get("seller_sku") or "")
            quantity = int(line.get("quantity") or 0)
            found = self._find_sku(shop, sku)
            if found is None or quantity <= 0:
                return bad(f"unknown seller_sku or bad quantity: {sku!r}")
            listing, model = found
            target: Listing | Model = model if model is not None else listing
            if target.stock < quantity:
                return bad(f"not enough stock for {sku!r}", 409)
            records.append((target, listing, model, sku, quantity))
        order_lines = []
        for target, listing, model, sku, quantity in records:
            target.stock -= quantity
            listing.touch()
            order_lines.append(
                OrderLineRecord(
                    item_id=listing.item_id,
                    model_id=model.model_id if model else 0,
                    seller_sku=sku,
                    quantity=quantity,
                    price=target.price,
                )
            )
        order_sn = time.strftime("%y%m%d") + uuid.uuid4().hex[:8].upper()
        status = str(body.get("status") or "READY_TO_SHIP")
        shop.orders[order_sn] = Order(order_sn=order_sn, status=status, lines=order_lines)
        return JSONResponse({"order_id": order_sn, "order_sn": order_sn}, status_code=201)

    async def order_action(self, request: Request) -> Response:
        shop = self._shop(request)
        if shop is None:
            return bad("shop not found", 404)
        order = shop.orders.get(request.path_params["order_id"])
        if order is None or request.path_params["action"] not in ("cancel", "ship"):
            return bad("order not found", 404)
        order.status = "CANCELLED" if request.path_params["action"] == "cancel" else "SHIPPED"
        order.update_time = int(time.time())
        return JSONResponse({"order_id": order.order_sn, "order_status": order.status})

    def routes(self) -> list[Route]:
        base = "/shopee/shops"
        one = base + "/{shop_id}"
        return [
            Route(base, self.create_shop, methods=["POST"]),
            Route(one + "/listings", self.listings, methods=["GET"]),
            Route(one + "/listings", self.seed_listing, methods=["POST"]),
            Route(one + "/orders", self.place_order, methods=["POST"]),
            Route(
                one + "/orders/{order_id}/{action:str}",
                self.order_action,
                methods=["POST"],
            ),
            Route(one + "/faults", self.faults, methods=["GET", "POST"]),
            Route(one + "/requests", self.requests, methods=["GET"]),
            Route(one + "/token/expire", self.expire_token, methods=["POST"]),
        ]


def _listing_json(x: Listing) -> dict[str, Any]:
    return {
        "item_id": x.item_id,
        "item_name": x.name,
        "item_sku": x.seller_sku,
        "item_status": x.status,
        "price": x.price,
        "stock": x.stock,
        "tier_variation": x.tier_variation,
        "models": [
            {
                "model_id": m.model_id,
                "model_sku": m.seller_sku,
                "tier_index": m.tier_index,
                "price": m.price,
                "stock": m.stock,
            }
            for m in x.models
        ],
    }
