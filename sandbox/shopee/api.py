"""Shopee Open Platform v2 endpoints of the sandbox (MARKETPLACES.md §1.4).

Each route is the platform's own path; the app mounts them under `/shopee`. Checks,
envelopes and error codes follow MARKETPLACES.md §1.1-1.3, not our adapter. One module
per job: envelope (checks, envelopes, the shop route wrapper), auth, products,
product_update (update_item), stock_prices, orders; this module assembles them.
"""

from __future__ import annotations

from starlette.routing import Route

from sandbox.shopee.auth import ACCESS_TTL, CODE_TTL, REFRESH_TTL, AuthRoutes
from sandbox.shopee.envelope import PLATFORM, Ctx, ShopeeError, error_response, ok_response
from sandbox.shopee.orders import OrderRoutes
from sandbox.shopee.product_update import UpdateItemRoutes
from sandbox.shopee.products import ProductRoutes
from sandbox.shopee.stock_prices import StockPriceRoutes

__all__ = [
    "ACCESS_TTL",
    "CODE_TTL",
    "PLATFORM",
    "REFRESH_TTL",
    "Ctx",
    "ShopeeError",
    "ShopeeSandbox",
    "error_response",
    "ok_response",
]


class ShopeeSandbox(AuthRoutes, ProductRoutes, UpdateItemRoutes, StockPriceRoutes, OrderRoutes):
    def routes(self) -> list[Route]:
        shop = self.shop_route
        return [
            Route("/api/v2/shop/auth_partner", self.auth_partner, methods=["GET"]),
            Route("/api/v2/auth/token/get", self.token_get, methods=["POST"]),
            Route("/api/v2/auth/access_token/get", self.refresh, methods=["POST"]),
            shop("/api/v2/product/add_item", "POST", self.add_item),
            shop("/api/v2/product/init_tier_variation", "POST", self.init_tier_variation),
            shop("/api/v2/product/get_item_list", "GET", self.get_item_list),
            shop("/api/v2/product/get_item_base_info", "GET", self.get_item_base_info),
            shop("/api/v2/product/get_model_list", "GET", self.get_model_list),
            shop("/api/v2/product/update_item", "POST", self.update_item),
            shop("/api/v2/product/update_price", "POST", self.update_price),
            shop("/api/v2/product/update_stock", "POST", self.update_stock),
            shop("/api/v2/order/get_order_list", "GET", self.get_order_list),
            shop("/api/v2/order/get_order_detail", "GET", self.get_order_detail),
        ]
