"""Tokopedia sandbox products: create (v3, with variants) and product info.

⚠ Not in MARKETPLACES.md §3 (which lists only product info/list, from the PyPI
`tokopedia` package): the create path `POST /v3/products/fs/:fs_id/create?shop_id=` with
`{"products": [...]}` and its synchronous `data{total_data, success_data, fail_data,
success_rows_data[{product_id}], failed_rows_data[{sku, error[]}]}` answer follow the
legacy Tokopedia docs as remembered, not a stored source. A variant product is a parent
whose children (one per `variant.products[]` entry) are products with their own id,
SKU, price and stock. Product info takes `product_id` (comma-separated ids), `sku`, or
`shop_id` + `page` + `per_page`.
"""

from __future__ import annotations

from typing import Any

from sandbox.state import Listing, Model, Shop
from sandbox.tokopedia.envelope import Ctx, TokopediaBase, TokopediaError

MAX_NAME = 70
MIN_PRICE, MAX_PRICE = 100, 100_000_000
MAX_STOCK = 999_999


def find_sku(shop: Shop, sku: str) -> tuple[Listing, Model | None] | None:
    return shop.find_sku(sku)


def _product_error(p: Any) -> str:
    if not isinstance(p, dict):
        return "product must be an object"
    name = p.get("name")
    if not isinstance(name, str) or not name.strip() or len(name) > MAX_NAME:
        return f"name is required, at most {MAX_NAME} characters"
    rows = (p.get("variant") or {}).get("products") or [p]
    for row in rows:
        price, stock = row.get("price"), row.get("stock")
        if not isinstance(price, int) or not MIN_PRICE <= price <= MAX_PRICE:
            return f"price must be an integer from {MIN_PRICE} to {MAX_PRICE}"
        if not isinstance(stock, int) or not 0 <= stock <= MAX_STOCK:
            return f"stock must be an integer from 0 to {MAX_STOCK}"
    return ""


def product_wire(listing: Listing, model: Model | None, shop: Shop) -> dict[str, Any]:
    target = model or listing
    children = [m.model_id for m in listing.models] if model is None else []
    return {
        "basic": {
            "productID": model.model_id if model else listing.item_id,
            "shopID": shop.shop_id,
            "status": 1,
            "name": listing.name,
            "childCategoryID": listing.category_id,
        },
        "price": {"value": int(target.price), "currency": 1},
        "stock": {"value": target.stock},
        "variant": {
            "isParent": bool(children),
            "isVariant": model is not None,
            "childrenID": children,
            "parentID": listing.item_id if model else 0,
        },
        "other": {"sku": model.seller_sku if model else listing.seller_sku},
    }


class ProductRoutes(TokopediaBase):
    async def create_products(self, ctx: Ctx) -> Any:
        products = ctx.body.get("products") if isinstance(ctx.body, dict) else None
        if not isinstance(products, list) or not products:
            raise TokopediaError(400, "INVALID_PARAMETER", "products is required")
        ok: list[dict[str, Any]] = []
        failed: list[dict[str, Any]] = []
        for index, p in enumerate(products):
            if index >= ctx.allowed:
                failed.append({"sku": p.get("sku", ""), "error": ["ERR_TOO_MANY_REQUEST"]})
                continue
            problem = _product_error(p)
            rows = ((p.get("variant") or {}).get("products") or []) if not problem else []
            skus = [str(r.get("sku") or "") for r in rows] or [str(p.get("sku") or "")]
            if not problem and any(s and find_sku(ctx.shop, s) for s in skus):
                problem = "sku already exists"
            if problem:
                failed.append(
                    {"product_name": p.get("name"), "sku": p.get("sku"), "error": [problem]}
                )
                continue
            listing = Listing(
                item_id=self.state.next_id(),
                name=p["name"],
                seller_sku=str(p.get("sku") or ""),
                status="ACTIVE",
                price=float(p["price"]),
                stock=int(p["stock"]),
                description=str(p.get("description") or ""),
                category_id=int(p.get("category_id") or 0),
            )
            for row in rows:
                combo = row.get("combination") or []
                listing.models.append(
                    Model(
                        self.state.next_id(),
                        str(row["sku"]),
                        list(combo),
                        float(row["price"]),
                        int(row["stock"]),
                    )
                )
            ctx.shop.listings[listing.item_id] = listing
            ok.append({"product_id": listing.item_id})
        return {
            "total_data": len(products),
            "success_data": len(ok),
            "fail_data": len(failed),
            "success_rows_data": ok,
            "failed_rows_data": failed,
        }

    async def product_info(self, ctx: Ctx) -> Any:
        shop = ctx.shop
        if ctx.q("product_id"):
            wanted = {int(x) for x in ctx.q("product_id").split(",") if x.strip().isdigit()}
            out = []
            for listing in shop.listings.values():
                if listing.item_id in wanted:
                    out.append(product_wire(listing, None, shop))
                out += [
                    product_wire(listing, m, shop) for m in listing.models if m.model_id in wanted
                ]
            return out
        if ctx.q("sku"):
            found = find_sku(shop, ctx.q("sku"))
            return [product_wire(found[0], found[1], shop)] if found else []
        page, per_page = ctx.q_int("page", default=1), ctx.q_int("per_page", default=50)
        if page < 1 or not 1 <= per_page <= 50:
            raise TokopediaError(400, "INVALID_PARAMETER", "page >= 1 and per_page 1..50")
        parents = sorted(shop.listings.values(), key=lambda x: x.item_id)
        chunk = parents[(page - 1) * per_page : page * per_page]
        return [product_wire(x, None, shop) for x in chunk]
