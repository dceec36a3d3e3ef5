"""Admin API for TikTok Shop shops under `/_sandbox/tiktok/` (tests and demos only).

`POST shops` returns the platform's own credential names (`app_key`, `app_secret`,
`shop_id`, `shop_cipher`, `access_token`, `refresh_token`) plus the shop's region,
currency, warehouse and rate limit (default 50 req/s per API, §2.2). Orders placed here
start AWAITING_SHIPMENT; cancel → CANCELLED, ship → IN_TRANSIT.
⚠ Webhook delivery (type 1 ORDER_STATUS_CHANGE) is not implemented yet.
"""

from __future__ import annotations

import secrets
import time
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from sandbox.admin_common import ShopAdminBase, bad, read_json
from sandbox.state import Listing, Model, Order, OrderLineRecord, SandboxState, Shop
from sandbox.tiktok.auth import ACCESS_TTL, REFRESH_TTL
from sandbox.tiktok.envelope import DEFAULT_RATE_LIMIT, PLATFORM


class TikTokAdmin(ShopAdminBase):
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
        shop_id = self.state.next_id()
        shop = Shop(
            platform=PLATFORM,
            shop_id=shop_id,
            credentials={
                "app_key": str(body.get("app_key") or f"6{secrets.token_hex(6)}"),
                "app_secret": secrets.token_hex(20),
                "shop_cipher": f"ROW_{secrets.token_urlsafe(18)}",
                "region": str(body.get("region") or "SG"),
                "warehouse_ids": f"7{shop_id}01",
            },
            currency=str(body.get("currency") or "SGD"),
        )
        shop.faults.configure(
            {
                "seed": int(body.get("seed", self.state.seed)),
                "rate_limit": body.get("rate_limit", DEFAULT_RATE_LIMIT),
            }
        )
        shop.issue_tokens(ACCESS_TTL, REFRESH_TTL)
        self.state.platform_shops(PLATFORM)[shop_id] = shop
        c = shop.credentials
        return JSONResponse(
            {
                "app_key": c["app_key"],
                "app_secret": c["app_secret"],
                "shop_id": shop_id,
                "shop_cipher": c["shop_cipher"],
                "access_token": shop.access_token,
                "refresh_token": shop.refresh_token,
                "access_token_expire_in": int(shop.access_expires_at),
                "region": c["region"],
                "currency": shop.currency,
                "warehouse_id": c["warehouse_ids"],
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
        price, stock = float(body.get("price", 1.0)), int(body.get("stock", 0))
        model = Model(self.state.next_id(), sku, [], price, stock)
        listing = Listing(
            item_id=self.state.next_id(),
            name=str(body.get("title") or sku),
            seller_sku="",
            status="ACTIVATE",
            price=price,
            stock=0,
            models=[model],
        )
        shop.listings[listing.item_id] = listing
        return JSONResponse(_listing_json(listing), status_code=201)

    async def place_order(self, request: Request) -> Response:
        shop = self._shop(request)
        if shop is None:
            return bad("shop not found", 404)
        lines = (await read_json(request)).get("lines")
        if not isinstance(lines, list) or not lines:
            return bad("lines is required")
        skus = {m.seller_sku: (x, m) for x in shop.listings.values() for m in x.models}
        picked = []
        for line in lines:
            sku, quantity = str(line.get("seller_sku") or ""), int(line.get("quantity") or 0)
            if sku not in skus or quantity <= 0:
                return bad(f"unknown seller_sku or bad quantity: {sku!r}")
            if skus[sku][1].stock < quantity:
                return bad(f"not enough stock for {sku!r}", 409)
            picked.append((sku, quantity))
        records = []
        for sku, quantity in picked:
            listing, model = skus[sku]
            model.stock -= quantity
            listing.touch()
            records.append(
                OrderLineRecord(listing.item_id, model.model_id, sku, quantity, model.price)
            )
        order_id = f"57{self.state.next_id():016d}"
        shop.orders[order_id] = Order(order_sn=order_id, status="AWAITING_SHIPMENT", lines=records)
        return JSONResponse({"order_id": order_id}, status_code=201)

    async def order_action(self, request: Request) -> Response:
        shop = self._shop(request)
        if shop is None:
            return bad("shop not found", 404)
        order = shop.orders.get(request.path_params["order_id"])
        action = request.path_params["action"]
        if order is None or action not in ("cancel", "ship"):
            return bad("order not found", 404)
        order.status = "CANCELLED" if action == "cancel" else "IN_TRANSIT"
        order.update_time = int(time.time())
        return JSONResponse({"order_id": order.order_sn, "order_status": order.status})

    def routes(self) -> list[Route]:
        base = "/tiktok/shops"
        one = base + "/{shop_id}"
        return [
            Route(base, self.create_shop, methods=["POST"]),
            Route(one + "/listings", self.listings, methods=["GET"]),
            Route(one + "/listings", self.seed_listing, methods=["POST"]),
            Route(one + "/orders", self.place_order, methods=["POST"]),
            Route(one + "/orders/{order_id}/{action:str}", self.order_action, methods=["POST"]),
            Route(one + "/faults", self.faults, methods=["GET", "POST"]),
            Route(one + "/requests", self.requests, methods=["GET"]),
            Route(one + "/token/expire", self.expire_token, methods=["POST"]),
        ]


def _listing_json(x: Listing) -> dict[str, Any]:
    return {
        "product_id": str(x.item_id),
        "title": x.name,
        "status": x.status,
        "sales_attributes": x.tier_variation,
        "skus": [
            {
                "id": str(m.model_id),
                "seller_sku": m.seller_sku,
                "tier_index": m.tier_index,
                "price": m.price,
                "stock": m.stock,
            }
            for m in x.models
        ],
    }
