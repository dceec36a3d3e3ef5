"""Lazada Open Platform (LazOP) endpoints of the sandbox (MARKETPLACES.md §4).

Routes are the platform's own paths (gateway `/rest` + API path; the auth host's
`/rest/auth/token/...` and `/oauth/authorize` live under the same prefix); the app
mounts them under `/lazada`. Signatures cover the API path only (no `/lazada`, no
`/rest`). Checks follow §4.1-4.2, not our adapter.
"""

from __future__ import annotations

from starlette.routing import Route

from sandbox.lazada.auth import AuthRoutes
from sandbox.lazada.envelope import Handler
from sandbox.lazada.orders import OrderRoutes
from sandbox.lazada.product_update import ProductUpdateRoutes
from sandbox.lazada.products import ProductRoutes
from sandbox.lazada.stock_prices import StockPriceRoutes

REST = "/rest"


class LazadaSandbox(AuthRoutes, ProductRoutes, ProductUpdateRoutes, StockPriceRoutes, OrderRoutes):
    def routes(self) -> list[Route]:
        def shop(api_path: str, methods: list[str], handler: Handler) -> Route:
            return self.shop_route(api_path, methods, handler, prefix=REST)

        return [
            Route("/oauth/authorize", self.authorize, methods=["GET"]),
            Route(REST + "/auth/token/create", self.token_create, methods=["GET", "POST"]),
            Route(REST + "/auth/token/refresh", self.token_refresh, methods=["GET", "POST"]),
            shop("/product/create", ["POST"], self.create_product),
            shop("/product/update", ["POST"], self.update_product),
            shop("/products/get", ["GET"], self.get_products),
            shop("/product/item/get", ["GET"], self.get_item),
            shop("/product/price_quantity/update", ["POST"], self.price_quantity_update),
            shop("/orders/get", ["GET"], self.get_orders),
            shop("/order/get", ["GET"], self.get_order),
            shop("/order/items/get", ["GET"], self.get_order_items),
        ]
