"""Admin API for Tokopedia shops under `/_sandbox/tokopedia/` (tests and demos only).

`POST shops` answers `client_id, client_secret, fs_id, shop_id, webhook_secret` (issue 4);
orders are placed at 220 (payment verified), `/cancel` -> 0, `/ship` -> 500. Placing,
cancelling or shipping sends the order notification to the registered webhook URL,
signed `Authorization-Hmac: hex(HMAC-SHA256(webhook_secret, body))` (§3). ⚠ Tokopedia's
webhook retry policy is undocumented: the sandbox delivers once. Buyer PII is omitted
(the real payload carries it RSA-encrypted).
"""

from __future__ import annotations

import hashlib
import hmac
import json
import secrets
import time
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from sandbox import webhooks
from sandbox.admin_common import ShopAdminBase, bad
from sandbox.state import Listing, Order, OrderLineRecord, SandboxState, Shop
from sandbox.tokopedia.envelope import PLATFORM
from sandbox.tokopedia.orders import PAYMENT_VERIFIED, order_wire
from sandbox.tokopedia.products import find_sku

DEFAULT_RATE = 5.0
STATUS = {"cancel": "0", "ship": "500"}


def sign_webhook(secret: str, body: bytes) -> str:
    return hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


class TokopediaAdmin(ShopAdminBase):
    def __init__(self, state: SandboxState) -> None:
        self.state = state

    def _shop(self, request: Request) -> Shop | None:
        try:
            return self.state.shop(PLATFORM, int(request.path_params["shop_id"]))
        except ValueError:
            return None

    async def _json(self, request: Request) -> dict[str, Any]:
        raw = await request.body()
        body = json.loads(raw) if raw else {}
        return body if isinstance(body, dict) else {}

    async def create_shop(self, request: Request) -> Response:
        body = await self._json(request)
        shop_id = self.state.next_id()
        shop = Shop(
            platform=PLATFORM,
            shop_id=shop_id,
            credentials={
                "client_id": secrets.token_hex(8),
                "client_secret": secrets.token_hex(16),
                "fs_id": str(13_000 + shop_id % 100_000),
                "webhook_secret": secrets.token_hex(16),
            },
            currency=str(body.get("currency") or "IDR"),
        )
        shop.faults.configure({"seed": int(body.get("seed", self.state.seed))})
        shop.faults.configure({"rate_limit": body.get("rate_limit", DEFAULT_RATE)})
        self.state.platform_shops(PLATFORM)[shop_id] = shop
        return JSONResponse(
            {
                **shop.credentials,
                "fs_id": int(shop.credentials["fs_id"]),
                "shop_id": shop_id,
                "currency": shop.currency,
                "rate_limit": shop.faults.rate_limit,
            },
            status_code=201,
        )

    async def listings(self, request: Request) -> Response:
        shop = self._shop(request)
        if shop is None:
            return bad("shop not found", 404)
        if request.method == "GET":
            return JSONResponse({"listings": [_listing_json(x) for x in shop.listings.values()]})
        body = await self._json(request)
        sku = str(body.get("seller_sku") or "")
        if not sku or find_sku(shop, sku):
            return bad("seller_sku is required and must be new")
        listing = Listing(
            self.state.next_id(),
            str(body.get("title") or sku),
            sku,
            "ACTIVE",
            float(body.get("price", 1000)),
            int(body.get("stock", 0)),
        )
        shop.listings[listing.item_id] = listing
        return JSONResponse(_listing_json(listing), status_code=201)

    async def place_order(self, request: Request) -> Response:
        shop = self._shop(request)
        if shop is None:
            return bad("shop not found", 404)
        lines = (await self._json(request)).get("lines")
        if not isinstance(lines, list) or not lines:
            return bad("lines is required")
        records = []
        for line in lines:
            found = find_sku(shop, str(line.get("seller_sku") or ""))
            quantity = int(line.get("quantity") or 0)
            if found is None or quantity <= 0:
                return bad(f"unknown seller_sku or bad quantity: {line!r}")
            target = found[1] or found[0]
            if target.stock < quantity:
                return bad("not enough stock", 409)
            records.append((found, target, quantity))
        order_lines = []
        for (listing, model), target, quantity in records:
            target.stock -= quantity
            model_id = model.model_id if model else 0
            sku = model.seller_sku if model else listing.seller_sku
            order_lines.append(
                OrderLineRecord(listing.item_id, model_id, sku, quantity, target.price)
            )
        order = Order(str(self.state.next_id()), str(PAYMENT_VERIFIED), order_lines)
        shop.orders[order.order_sn] = order
        self._notify(shop, order)
        return JSONResponse({"order_id": order.order_sn}, status_code=201)

    async def order_action(self, request: Request) -> Response:
        shop = self._shop(request)
        order = shop.orders.get(request.path_params["order_id"]) if shop else None
        action = request.path_params["action"]
        if shop is None or order is None or action not in STATUS:
            return bad("order not found", 404)
        order.status = STATUS[action]
        order.update_time = int(time.time())
        self._notify(shop, order)
        return JSONResponse({"order_id": order.order_sn, "order_status": int(order.status)})

    def _notify(self, shop: Shop, order: Order) -> None:
        body = json.dumps(order_wire(order, shop.credentials["fs_id"], shop.shop_id)).encode()
        headers = {
            "Content-Type": "application/json",
            "Authorization-Hmac": sign_webhook(shop.credentials["webhook_secret"], body),
        }
        # ⚠ No documented retry policy: delivered once.
        webhooks.send(shop, body, headers, webhooks.NO_RETRY, topic="order")

    def routes(self) -> list[Route]:
        one = "/tokopedia/shops/{shop_id}"
        return [
            Route("/tokopedia/shops", self.create_shop, methods=["POST"]),
            Route(one + "/listings", self.listings, methods=["GET", "POST"]),
            Route(one + "/orders", self.place_order, methods=["POST"]),
            Route(one + "/orders/{order_id}/{action:str}", self.order_action, methods=["POST"]),
            Route(one + "/webhook", self.webhook, methods=["GET", "POST"]),
            Route(one + "/faults", self.faults, methods=["GET", "POST"]),
            Route(one + "/requests", self.requests, methods=["GET"]),
            Route(one + "/token/expire", self.expire_token, methods=["POST"]),
        ]


def _listing_json(x: Listing) -> dict[str, Any]:
    return {
        "product_id": x.item_id,
        "name": x.name,
        "sku": x.seller_sku,
        "price": x.price,
        "stock": x.stock,
        "variants": [
            {"product_id": m.model_id, "sku": m.seller_sku, "price": m.price, "stock": m.stock}
            for m in x.models
        ],
    }
