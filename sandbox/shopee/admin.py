"""Admin API for Shopee shops under `/_sandbox/shopee/` (tests and demos only).

Orders are placed READY_TO_SHIP (or the body's `status`); cancel → CANCELLED, ship →
SHIPPED. Each status change sends push code 3 to the registered URL (sandbox/shopee/push.py).
`POST listings/<seller_sku> {"price"?, "stock"?}` edits a listing as in the seller
center; Shopee sends no push for that (codes 7 and 8 are about promotions).
"""

from __future__ import annotations

import secrets
import time
import uuid
from collections.abc import Mapping
from typing import Any, ClassVar

from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from sandbox.admin_common import bad, read_json
from sandbox.admin_orders import ShopAdmin
from sandbox.shopee.api import ACCESS_TTL, PLATFORM, REFRESH_TTL
from sandbox.shopee.push import send_order_push
from sandbox.state import Listing, Order, Shop


class ShopeeAdmin(ShopAdmin):
    platform = PLATFORM
    listing_status = "NORMAL"
    order_status = "READY_TO_SHIP"
    action_status: ClassVar[Mapping[str, str]] = {"cancel": "CANCELLED", "ship": "SHIPPED"}

    async def create_shop(self, request: Request) -> Response:
        try:
            body = await read_json(request)
        except ValueError as exc:
            return bad(str(exc))
        shop_id = self.state.next_id()
        partner_id = str(body.get("partner_id") or 2_000_000 + shop_id)
        credentials = {"partner_id": partner_id, "partner_key": secrets.token_hex(32)}
        shop = self.register_shop(shop_id, body, credentials)
        shop.issue_tokens(ACCESS_TTL, REFRESH_TTL)
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

    def listing_json(self, listing: Listing) -> dict[str, Any]:
        return _listing_json(listing)

    def new_order_id(self) -> str:
        return time.strftime("%y%m%d") + uuid.uuid4().hex[:8].upper()

    def initial_status(self, body: Mapping[str, Any]) -> str:
        return str(body.get("status") or self.order_status)

    def placed_json(self, order: Order) -> dict[str, Any]:
        return {"order_id": order.order_sn, "order_sn": order.order_sn}

    def order_changed(self, shop: Shop, order: Order) -> None:
        send_order_push(shop, order)


def _listing_json(x: Listing) -> dict[str, Any]:
    return {
        "item_id": x.item_id,
        "item_name": x.name,
        "item_sku": x.seller_sku,
        "item_status": x.status,
        "description": x.description,
        "category_id": x.category_id,
        "brand": x.brand,
        "image_id_list": list(x.images),
        "weight": x.weight_kg,
        "dimension": dict(x.dimensions),
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
