"""TikTok Shop Partner API (202309+) endpoints of the sandbox (MARKETPLACES.md §2).

Each route is the platform's own path; the app mounts them under `/tiktok`, and the
auth host's token paths live under the same prefix. Signature checks cover the
platform's path without the prefix. ⚠ Product search is served at the 202309 path the
EcomPHP SDK uses (§2.4 also lists a newer 202502 path with the same body).
"""

from __future__ import annotations

from starlette.routing import Route

from sandbox.tiktok.auth import AuthRoutes
from sandbox.tiktok.orders import OrderRoutes
from sandbox.tiktok.product_update import PartialEditRoutes
from sandbox.tiktok.products import ProductRoutes

PRODUCT = "/product/202309/products/{product_id}"


class TikTokSandbox(AuthRoutes, ProductRoutes, PartialEditRoutes, OrderRoutes):
    def routes(self) -> list[Route]:
        shop = self.shop_route
        return [
            Route("/oauth/authorize", self.authorize, methods=["GET"]),
            Route("/api/v2/token/get", self.token_get, methods=["GET"]),
            Route("/api/v2/token/refresh", self.token_refresh, methods=["GET"]),
            shop("/authorization/202309/shops", "GET", self.authorized_shops, cipher=False),
            shop("/product/202309/products", "POST", self.create_product),
            shop("/product/202309/products/search", "POST", self.search_products),
            shop(PRODUCT, "GET", self.get_product),
            shop(PRODUCT + "/partial_edit", "POST", self.partial_edit),
            shop(PRODUCT + "/prices/update", "POST", self.update_prices),
            shop(PRODUCT + "/inventory/update", "POST", self.update_inventory),
            shop("/order/202309/orders/search", "POST", self.search_orders),
            shop("/order/202309/orders", "GET", self.get_orders),
        ]
