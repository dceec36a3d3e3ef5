"""Tokopedia Seller API endpoints of the sandbox (MARKETPLACES.md §3), mounted at /tokopedia.

Paths are the platform's own: `/token` stands for accounts.tokopedia.com/token, the
rest for fs.tokopedia.net. No request signing; Bearer token on every call.
"""

from __future__ import annotations

from typing import Any

from starlette.routing import Route

from sandbox.tokopedia.auth import ACCESS_TTL, AuthRoutes
from sandbox.tokopedia.envelope import PLATFORM
from sandbox.tokopedia.inventory import InventoryRoutes
from sandbox.tokopedia.orders import OrderRoutes
from sandbox.tokopedia.products import ProductRoutes

__all__ = ["ACCESS_TTL", "PLATFORM", "TokopediaSandbox"]


def _products(body: Any) -> int:
    products = body.get("products") if isinstance(body, dict) else None
    return max(1, len(products)) if isinstance(products, list) else 1


class TokopediaSandbox(AuthRoutes, ProductRoutes, InventoryRoutes, OrderRoutes):
    def routes(self) -> list[Route]:
        shop = self.shop_route
        fs = "/inventory/v1/fs/{fs_id:int}"
        return [
            Route("/token", self.token, methods=["POST"]),
            shop(
                "/v3/products/fs/{fs_id:int}/create", "POST", self.create_products, count=_products
            ),
            shop(fs + "/product/info", "GET", self.product_info),
            shop(fs + "/stock/update", "POST", self.update_stock, bulk=True),
            shop(fs + "/price/update", "POST", self.update_price, bulk=True),
            shop("/v2/order/list", "GET", self.order_list),
            shop("/v2/fs/{fs_id:int}/order", "GET", self.single_order),
        ]
