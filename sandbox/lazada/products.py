"""Lazada sandbox products: /product/create, /products/get, /product/item/get (§4.3).

Create stores the product Images, Attributes.brand and each SKU's package_weight (kg),
which the reads return as `images`, `attributes.brand` and `skus[].package_weight`.

⚠ A SellerSku already used in the shop is refused with code SELLER_SKU_DUPLICATE
(Lazada requires unique seller SKUs per seller; the exact code is not documented).
"""

from __future__ import annotations

import json
from typing import Any

from starlette.responses import Response

from sandbox.lazada import payload
from sandbox.lazada.envelope import Ctx, LazadaBase, LazadaError, invalid, missing, ok_response
from sandbox.lazada.product_update import images_of, weight_of
from sandbox.state import Listing, Model, Shop

MAX_PAGE = 50
MAX_SKU_FILTER = 100
FILTERS = {"all", "live", "inactive", "deleted", "image-missing", "pending", "rejected", "sold-out"}


def find_sku(shop: Shop, seller_sku: str) -> tuple[Listing, Model] | None:
    for listing in shop.listings.values():
        for model in listing.models:
            if model.seller_sku == seller_sku:
                return listing, model
    return None


class ProductRoutes(LazadaBase):
    async def create_product(self, ctx: Ctx) -> Response:
        item = payload.product(payload.parse(ctx.get("payload")))
        try:
            category = int(str(item.get("PrimaryCategory") or ""))
        except ValueError as exc:
            raise missing("PrimaryCategory") from exc
        attributes = item.get("Attributes")
        name = attributes.get("name") if isinstance(attributes, dict) else None
        if not isinstance(name, str) or not name.strip():
            raise missing("Attributes.name")
        description = str(attributes.get("description") or "") if attributes else ""
        models: list[Model] = []
        for entry in payload.skus(item):
            sku = str(entry.get("SellerSku") or "")
            if not sku:
                raise missing("SellerSku")
            if find_sku(ctx.shop, sku) or any(m.seller_sku == sku for m in models):
                raise LazadaError("SELLER_SKU_DUPLICATE", f"SellerSku {sku} already exists")
            price = payload.number(entry.get("price"), "price")
            if price is None or price <= 0:
                raise invalid(f"{sku}: price must be greater than 0")
            quantity = payload.number(entry.get("quantity"), "quantity") or 0
            if quantity < 0 or quantity != int(quantity):
                raise invalid(f"{sku}: quantity must be an integer >= 0")
            model = Model(self.state.next_id(), sku, [], price, int(quantity))
            model.weight_kg = weight_of(entry)
            models.append(model)
        listing = Listing(
            item_id=self.state.next_id(),
            name=name,
            seller_sku=models[0].seller_sku,
            status="active",
            price=models[0].price,
            stock=0,
            description=description,
            category_id=category,
            models=models,
            brand=str(attributes.get("brand") or "") if attributes else "",
            images=images_of(item) or [],
        )
        ctx.shop.listings[listing.item_id] = listing
        return ok_response(
            {
                "item_id": listing.item_id,
                "item_status": "active",
                "sku_list": [
                    {
                        "seller_sku": m.seller_sku,
                        "shop_sku": shop_sku(listing, m),
                        "sku_id": m.model_id,
                    }
                    for m in models
                ],
            }
        )

    async def get_products(self, ctx: Ctx) -> Response:
        kind = ctx.get("filter")
        if not kind:
            raise missing("filter")
        if kind not in FILTERS:
            raise invalid("Invalid filter")
        limit = ctx.int("limit", 10)
        offset = ctx.int("offset", 0)
        if not 1 <= limit <= MAX_PAGE or not 0 <= offset <= 10_000:
            raise invalid(f"limit must be 1-{MAX_PAGE} and offset 0-10000")
        items = sorted(ctx.shop.listings.values(), key=lambda x: x.item_id)
        if kind == "live":
            items = [x for x in items if x.status == "active"]
        elif kind == "inactive":
            items = [x for x in items if x.status == "inactive"]
        elif kind not in ("all",):
            items = [x for x in items if x.status == kind]
        raw_skus = ctx.get("sku_seller_list")
        if raw_skus:
            wanted = sku_filter(raw_skus)
            items = [x for x in items if any(m.seller_sku in wanted for m in x.models)]
        page = items[offset : offset + limit]
        return ok_response(
            {"total_products": len(items), "products": [product_wire(x) for x in page]}
        )

    async def get_item(self, ctx: Ctx) -> Response:
        try:
            item_id = int(ctx.get("item_id"))
        except ValueError as exc:
            raise missing("item_id") from exc
        listing = ctx.shop.listings.get(item_id)
        if listing is None:
            raise LazadaError("208", f"Product {item_id} not found")
        return ok_response(product_wire(listing))


def sku_filter(raw: str) -> set[str]:
    try:
        values = json.loads(raw)
    except ValueError as exc:
        raise invalid("sku_seller_list must be a JSON array") from exc
    if not isinstance(values, list) or len(values) > MAX_SKU_FILTER:
        raise invalid(f"sku_seller_list must be a JSON array of at most {MAX_SKU_FILTER}")
    return {str(v) for v in values}


def shop_sku(listing: Listing, model: Model) -> str:
    return f"{listing.item_id}_SG-{model.model_id}"


def product_wire(x: Listing) -> dict[str, Any]:
    return {
        "item_id": x.item_id,
        "primary_category": x.category_id,
        "status": x.status,
        "created_time": str(x.create_time * 1000),
        "updated_time": str(x.update_time * 1000),
        "images": list(x.images),
        "attributes": {"name": x.name, "description": x.description, "brand": x.brand},
        "skus": [
            {
                "SkuId": m.model_id,
                "SellerSku": m.seller_sku,
                "ShopSku": shop_sku(x, m),
                "quantity": m.stock,
                "Available": m.stock,
                "price": m.price,
                "package_weight": m.weight_kg,
                "Status": "active",
            }
            for m in x.models
        ],
    }
