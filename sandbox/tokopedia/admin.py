"""Admin API for Tokopedia shops under `/_sandbox/tokopedia/` (tests and demos only).

`POST shops` answers `client_id, client_secret, fs_id, shop_id, webhook_secret` (issue 4);
orders are placed at 220 (payment verified), `/cancel` -> 0, `/ship` -> 500. Placing,
cancelling or shipping sends the order notification to the registered webhook URL,
signed `Authorization-Hmac: hex(HMAC-SHA256(webhook_secret, body))` (§3). ⚠ Tokopedia's
webhook retry policy is undocumented: the sandbox delivers once. Buyer PII is omitted
(the real payload carries it RSA-encrypted).

`POST listings/<seller_sku> {"price"?, "stock"?}` edits a product as in the seller
center and sends nothing: ⚠ Tokopedia registers a `product_changes_url`, but its payload
is not documented in MARKETPLACES.md §3, so the sandbox does not invent one.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import secrets
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from sandbox import webhooks
from sandbox.admin_orders import ShopAdmin
from sandbox.state import Listing, Order, Shop
from sandbox.tokopedia.envelope import PLATFORM
from sandbox.tokopedia.orders import PAYMENT_VERIFIED, order_wire

DEFAULT_RATE = 5.0
STATUS = {"cancel": "0", "ship": "500"}


def sign_webhook(secret: str, body: bytes) -> str:
    return hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


class TokopediaAdmin(ShopAdmin):
    platform = PLATFORM
    listing_status = "ACTIVE"
    order_status = str(PAYMENT_VERIFIED)
    action_status = STATUS
    unique_skus = True
    default_price = 1000.0
    default_currency = "IDR"
    default_rate_limit = DEFAULT_RATE

    async def _json(self, request: Request) -> dict[str, Any]:
        raw = await request.body()
        body = json.loads(raw) if raw else {}
        return body if isinstance(body, dict) else {}

    async def create_shop(self, request: Request) -> Response:
        body = await self._json(request)
        shop_id = self.state.next_id()
        credentials = {
            "client_id": secrets.token_hex(8),
            "client_secret": secrets.token_hex(16),
            "fs_id": str(13_000 + shop_id % 100_000),
            "webhook_secret": secrets.token_hex(16),
        }
        shop = self.register_shop(shop_id, body, credentials)
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

    def listing_json(self, listing: Listing) -> dict[str, Any]:
        return _listing_json(listing)

    def status_json(self, order: Order) -> object:
        return int(order.status)

    def order_changed(self, shop: Shop, order: Order) -> None:
        self._notify(shop, order)

    def _notify(self, shop: Shop, order: Order) -> None:
        body = json.dumps(order_wire(order, shop.credentials["fs_id"], shop.shop_id)).encode()
        headers = {
            "Content-Type": "application/json",
            "Authorization-Hmac": sign_webhook(shop.credentials["webhook_secret"], body),
        }
        # ⚠ No documented retry policy: delivered once.
        webhooks.send(shop, body, headers, webhooks.NO_RETRY, topic="order")


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
