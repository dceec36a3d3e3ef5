"""Admin API for Lazada shops under `/_sandbox/lazada/` (tests and demos only).

Orders are placed `pending`; cancel → `canceled`, ship → `shipped`; each change pushes
message_type 0 per order line (sandbox/lazada/push.py). `POST listings/<seller_sku>
{"price"?, "stock"?}` edits a SKU as in the seller center: a stock edit that leaves
sellable stock below the shallow-stock threshold pushes message_type 6; a price edit
pushes nothing (⚠ type 3's `action` values are elided in MARKETPLACES.md §4.4).
"""

from __future__ import annotations

import secrets
from collections.abc import Mapping
from typing import Any, ClassVar

from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from sandbox.admin_common import bad, read_json
from sandbox.admin_orders import Edit, ShopAdmin, single_model_listing
from sandbox.lazada.auth import ACCESS_TTL, REFRESH_TTL
from sandbox.lazada.envelope import PLATFORM
from sandbox.lazada.products import product_wire
from sandbox.lazada.push import send_order_push, send_shallow_stock
from sandbox.state import Listing, Order, Shop


class LazadaAdmin(ShopAdmin):
    platform = PLATFORM
    listing_status = "active"
    order_status = "pending"
    action_status: ClassVar[Mapping[str, str]] = {"cancel": "canceled", "ship": "shipped"}
    unique_skus = True

    async def create_shop(self, request: Request) -> Response:
        try:
            body = await read_json(request)
        except ValueError as exc:
            return bad(str(exc))
        seller_id = self.state.next_id()
        credentials = {
            "app_key": str(body.get("app_key") or 100_000 + seller_id),
            "app_secret": secrets.token_hex(16),
        }
        shop = self.register_shop(seller_id, body, credentials)
        shop.issue_tokens(ACCESS_TTL, REFRESH_TTL)
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

    def listing_json(self, listing: Listing) -> dict[str, Any]:
        return product_wire(listing)

    def new_listing(self, sku: str, title: str, price: float, stock: int) -> Listing:
        return single_model_listing(self.state, sku, title, price, stock, "active", sku)

    def new_order_id(self) -> str:
        return str(self.state.next_id() * 1000 + secrets.randbelow(1000))

    def order_changed(self, shop: Shop, order: Order) -> None:
        send_order_push(shop, order)

    def listing_edited(self, shop: Shop, edit: Edit) -> list[str]:
        # Only the shallow-stock message (type 6) is sent; see sandbox/lazada/push.py.
        if edit.model is None or "stock" not in edit.changed:
            return []
        sent = send_shallow_stock(shop, edit.model, edit.before_stock)
        return ["shallow_stock"] if sent else []

    async def expire_token(self, request: Request) -> Response:
        shop = self._shop(request)
        if shop is None:
            return bad("shop not found", 404)
        shop.access_expires_at = 0.0
        return JSONResponse({"shop_id": str(shop.shop_id), "expired": True})
