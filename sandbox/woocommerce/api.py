"""WooCommerce REST (wc/v3) endpoints of the sandbox, mounted at /woocommerce (the site's
home), so paths are `/woocommerce/wp-json/wc/v3/...` and OAuth signs that whole URL."""

from __future__ import annotations

from starlette.routing import Route

from sandbox.woocommerce.orders import OrderRoutes
from sandbox.woocommerce.products import ProductRoutes


class WooCommerceSandbox(ProductRoutes, OrderRoutes):
    def routes(self) -> list[Route]:
        r = self.shop_route
        one = "/products/{id:int}"
        return [
            r("/products", "GET", self.list_products),
            r("/products", "POST", self.create_product_route, status=201),
            r("/products/batch", "POST", self.products_batch),
            r(one, "GET", self.get_product),
            r(one + "/variations", "GET", self.list_variations),
            r(one + "/variations/batch", "POST", self.variations_batch),
            r("/orders", "GET", self.list_orders),
            r("/orders/{id:int}", "GET", self.get_order),
        ]
