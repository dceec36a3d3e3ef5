"""Admin API for TikTok Shop shops under `/_sandbox/tiktok/` (tests and demos only).

`POST shops` returns the platform's own credential names (`app_key`, `app_secret`,
`shop_id`, `shop_cipher`, `access_token`, `refresh_token`) plus the shop's region,
currency, warehouse and rate limit (default 50 req/s per API, §2.2). Orders placed here
start AWAITING_SHIPMENT; cancel → CANCELLED, ship → IN_TRANSIT, and each change sends
type 1 ORDER_STATUS_CHANGE to the registered URL (sandbox/tiktok/push.py).
`POST listings/<seller_sku> {"price"?, "stock"?}` edits a SKU as in the seller center:
a stock edit that drops it to LOW_STOCK / OUT_OF_STOCK sends type 27
INVENTORY_STATUS_CHANGE; a price edit sends nothing.
"""

from __future__ import annotations

import secrets
from collections.abc import Mapping
from typing import Any, ClassVar

from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from sandbox.admin_common import bad, read_json
from sandbox.admin_orders import Edit, ShopAdmin, single_model_listing
from sandbox.state import Listing, Order, Shop
from sandbox.tiktok import push
from sandbox.tiktok.auth import ACCESS_TTL, REFRESH_TTL
from sandbox.tiktok.envelope import DEFAULT_RATE_LIMIT, PLATFORM


class TikTokAdmin(ShopAdmin):
    platform = PLATFORM
    listing_status = "ACTIVATE"
    order_status = "AWAITING_SHIPMENT"
    action_status: ClassVar[Mapping[str, str]] = {"cancel": "CANCELLED", "ship": "IN_TRANSIT"}
    default_rate_limit = DEFAULT_RATE_LIMIT  # 50 req/s per API and shop (§2.2)

    async def create_shop(self, request: Request) -> Response:
        try:
            body = await read_json(request)
        except ValueError as exc:
            return bad(str(exc))
        shop_id = self.state.next_id()
        credentials = {
            "app_key": str(body.get("app_key") or f"6{secrets.token_hex(6)}"),
            "app_secret": secrets.token_hex(20),
            "shop_cipher": f"ROW_{secrets.token_urlsafe(18)}",
            "region": str(body.get("region") or "SG"),
            "warehouse_ids": f"7{shop_id}01",
        }
        shop = self.register_shop(shop_id, body, credentials)
        shop.issue_tokens(ACCESS_TTL, REFRESH_TTL)
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

    def listing_json(self, listing: Listing) -> dict[str, Any]:
        return _listing_json(listing)

    def new_listing(self, sku: str, title: str, price: float, stock: int) -> Listing:
        # TikTok Shop sells SKUs: the seller SKU lives on the product's only SKU.
        return single_model_listing(self.state, sku, title, price, stock, "ACTIVATE", "")

    def new_order_id(self) -> str:
        return f"57{self.state.next_id():016d}"

    def order_changed(self, shop: Shop, order: Order) -> None:
        push.send_order_status(shop, order)

    def listing_edited(self, shop: Shop, edit: Edit) -> list[str]:
        # Only stock has a documented webhook (type 27); see sandbox/tiktok/push.py.
        if edit.model is None or "stock" not in edit.changed:
            return []
        sent = push.send_inventory_status(shop, edit.listing, edit.model, edit.before_stock)
        return ["inventory_status_change"] if sent else []


def _listing_json(x: Listing) -> dict[str, Any]:
    return {
        "product_id": str(x.item_id),
        "title": x.name,
        "status": x.status,
        "description": x.description,
        "main_images": list(x.images),
        "package_weight_kg": x.weight_kg,
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
