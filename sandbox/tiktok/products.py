"""TikTok Shop sandbox products (MARKETPLACES.md §2.4): create with SKUs and sales
attributes, get, search, update prices, update inventory (partial_edit: product_update.py).

- Create: ≤ 300 SKUs for BR/EU/JP/MX/UK/US shops, ≤ 100 elsewhere; ≤ 3 sales attribute
  types; `price.amount` a decimal string in the shop's currency; inventory per warehouse.
  ⚠ The audit is instant here: `LISTING` → ACTIVATE, `AS_DRAFT` → DRAFT.
- Update price: the product must be ACTIVATE; `data` is empty. ⚠ An unknown SKU id fails
  the whole request (the doc lists no per-SKU price errors).
- Update inventory: all SKUs of the one product, each with **all** its warehouses,
  quantity 0-99,999 (⚠ the doc writes "[1, 99,999]"; 0 is accepted so stock can run
  out). Per-SKU failures come back in `data.errors` with code 0 on top.
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any

from starlette.responses import Response

from sandbox.state import Listing, Model, Shop
from sandbox.tiktok.envelope import (
    PARAM_ERROR,
    Ctx,
    TikTokBase,
    ok_response,
    paged,
    param_error,
)
from sandbox.tiktok.package_weight import package_weight_kg, package_weight_wire

WIDE_REGIONS = {"BR", "EU", "JP", "MX", "UK", "GB", "US"}
MAX_QUANTITY = 99_999


def max_skus(shop: Shop) -> int:
    return 300 if shop.credentials["region"] in WIDE_REGIONS else 100


def amount_of(price: Any, shop: Shop) -> float:
    if not isinstance(price, dict) or not isinstance(price.get("amount"), str):
        raise param_error("price.amount must be a string.")
    if price.get("currency") != shop.currency:
        raise param_error(f"price.currency must be {shop.currency}.")
    try:
        value = Decimal(price["amount"])
    except InvalidOperation as exc:
        raise param_error("price.amount is not a number.") from exc
    if not value.is_finite() or value <= 0:
        raise param_error("price.amount must be greater than 0.")
    return float(value)


def quantity_errors(shop: Shop, inventory: Any) -> tuple[int, list[dict[str, Any]]]:
    """Total quantity, and per-warehouse errors (every shop warehouse must be present)."""
    warehouses = shop.credentials["warehouse_ids"].split(",")
    errors: list[dict[str, Any]] = []
    if not isinstance(inventory, list):
        inventory = []
    given = {
        str(i.get("warehouse_id")): i.get("quantity") for i in inventory if isinstance(i, dict)
    }
    total = 0
    for wh in warehouses:
        q = given.get(wh)
        if not isinstance(q, int) or isinstance(q, bool) or not 0 <= q <= MAX_QUANTITY:
            errors.append({"warehouse_id": wh, "code": PARAM_ERROR, "message": "Invalid quantity."})
        else:
            total += q
    for wh in set(given) - set(warehouses):
        errors.append({"warehouse_id": wh, "code": PARAM_ERROR, "message": "Unknown warehouse."})
    return total, errors


class ProductRoutes(TikTokBase):
    def _product(self, ctx: Ctx) -> Listing:
        try:
            listing = ctx.shop.listings.get(int(ctx.request.path_params["product_id"]))
        except ValueError:
            listing = None
        if listing is None:
            raise param_error("Product not found.", 404)
        return listing

    async def create_product(self, ctx: Ctx) -> Response:
        b, shop = ctx.body, ctx.shop
        title = b.get("title")
        if not isinstance(title, str) or not title.strip() or len(title) > 255:
            raise param_error("title is required (at most 255 characters).")
        if not b.get("category_id") or not isinstance(b.get("description"), str):
            raise param_error("category_id and description are required.")
        if len(b.get("main_images") or []) > 9:
            raise param_error("main_images allows at most 9 images.")
        weight = package_weight_kg(shop, b["package_weight"]) if "package_weight" in b else None
        skus = b.get("skus")
        if not isinstance(skus, list) or not 1 <= len(skus) <= max_skus(shop):
            raise param_error(f"skus must have 1 to {max_skus(shop)} entries.")
        names: list[str] | None = None
        options: list[list[str]] = []
        models: list[Model] = []
        seen_sku: set[str] = set()
        seen_combo: set[tuple[int, ...]] = set()
        for s in skus:
            attrs = s.get("sales_attributes") or [] if isinstance(s, dict) else None
            if not isinstance(attrs, list) or len(attrs) > 3:
                raise param_error("sales_attributes allows at most 3 types.")
            these = [str(a.get("name") or "") for a in attrs]
            if names is None:
                names, options = these, [[] for _ in these]
            if these != names or (len(skus) > 1 and not these) or not all(these):
                raise param_error("Every SKU needs the same sales attribute names.")
            index = []
            for t, a in enumerate(attrs):
                value = str(a.get("value_name") or "")
                if not value:
                    raise param_error("sales_attributes.value_name is required.")
                if value not in options[t]:
                    options[t].append(value)
                index.append(options[t].index(value))
            seller_sku = str(s.get("seller_sku") or "")
            if (seller_sku and seller_sku in seen_sku) or tuple(index) in seen_combo:
                raise param_error("Duplicate seller_sku or sales attribute combination.")
            seen_sku.add(seller_sku)
            seen_combo.add(tuple(index))
            total, errors = quantity_errors(shop, s.get("inventory"))
            if errors:
                raise param_error("inventory must give every warehouse a valid quantity.")
            price = amount_of(s.get("price"), shop)
            models.append(Model(self.state.next_id(), seller_sku, index, price, total))
        listing = Listing(
            item_id=self.state.next_id(),
            name=title,
            seller_sku=str(b.get("external_product_id") or ""),
            status="DRAFT" if b.get("save_mode") == "AS_DRAFT" else "ACTIVATE",
            price=min(m.price for m in models),
            stock=0,
            description=b["description"],
            category_id=int(b["category_id"]) if str(b["category_id"]).isdigit() else 0,
            tier_variation=[
                {"name": n, "option_list": [{"option": o} for o in options[t]]}
                for t, n in enumerate(names or [])
            ],
            models=models,
            images=[
                str(i["uri"])
                for i in b.get("main_images") or []
                if isinstance(i, dict) and isinstance(i.get("uri"), str)
            ],
            weight_kg=weight,
        )
        shop.listings[listing.item_id] = listing
        return ok_response(
            {
                "product_id": str(listing.item_id),
                "skus": [
                    {
                        "id": str(m.model_id),
                        "seller_sku": m.seller_sku,
                        "sales_attributes": attrs_wire(listing, m),
                    }
                    for m in models
                ],
                "warnings": [],
            }
        )

    async def get_product(self, ctx: Ctx) -> Response:
        return ok_response(product_wire(ctx.shop, self._product(ctx)))

    async def search_products(self, ctx: Ctx) -> Response:
        start, size = ctx.page()
        status = ctx.body.get("status")
        wanted = set(ctx.body.get("seller_skus") or [])
        found = [
            x
            for x in sorted(ctx.shop.listings.values(), key=lambda x: x.item_id)
            if (not status or status == "ALL" or x.status == status)
            and (not wanted or wanted & {m.seller_sku for m in x.models})
        ]
        page, rest = paged(found, start, size)
        return ok_response({"products": [product_wire(ctx.shop, x) for x in page], **rest})

    async def update_prices(self, ctx: Ctx) -> Response:
        listing = self._product(ctx)
        if listing.status != "ACTIVATE":
            raise param_error("The product is not ACTIVATE.")
        skus = ctx.body.get("skus")
        if not isinstance(skus, list) or not skus:
            raise param_error("skus is required.")
        by_id = {str(m.model_id): m for m in listing.models}
        changes = []
        for s in skus:
            model = by_id.get(str(s.get("id")) if isinstance(s, dict) else "")
            if model is None:
                raise param_error("SKU does not belong to the product.")
            changes.append((model, amount_of(s.get("price"), ctx.shop)))
        for model, price in changes:
            model.price = price
        listing.touch()
        return ok_response({})

    async def update_inventory(self, ctx: Ctx) -> Response:
        listing = self._product(ctx)
        skus = ctx.body.get("skus")
        if not isinstance(skus, list) or not skus:
            raise param_error("skus is required.")
        by_id = {str(m.model_id): m for m in listing.models}
        errors = []
        for s in skus:
            sku_id = str(s.get("id")) if isinstance(s, dict) else ""
            model = by_id.get(sku_id)
            if model is None:
                errors.append(sku_error(sku_id, "SKU does not belong to the product.", []))
                continue
            total, extra = quantity_errors(ctx.shop, s.get("inventory"))
            if extra:
                errors.append(sku_error(sku_id, "Inventory update failed.", extra))
                continue
            model.stock = total
        listing.touch()
        return ok_response({"errors": errors} if errors else {})


def sku_error(sku_id: str, message: str, extra: list[dict[str, Any]]) -> dict[str, Any]:
    return {
        "code": PARAM_ERROR,
        "message": message,
        "detail": {"sku_id": sku_id, "extra_errors": extra},
    }


def attrs_wire(listing: Listing, m: Model) -> list[dict[str, Any]]:
    out = []
    for t, i in enumerate(m.tier_index):
        tier: dict[str, Any] = listing.tier_variation[t]
        out.append(
            {
                "id": str(100 + t),
                "name": tier["name"],
                "value_id": str(1000 * (t + 1) + i),
                "value_name": tier["option_list"][i]["option"],
            }
        )
    return out


def product_wire(shop: Shop, x: Listing) -> dict[str, Any]:
    warehouse = shop.credentials["warehouse_ids"].split(",")[0]
    wire: dict[str, Any] = {
        "id": str(x.item_id),
        "title": x.name,
        "status": x.status,
        "description": x.description,
        "main_images": [{"uri": uri} for uri in x.images],
        "create_time": x.create_time,
        "update_time": x.update_time,
        "skus": [
            {
                "id": str(m.model_id),
                "seller_sku": m.seller_sku,
                "price": {
                    "amount": f"{m.price:.2f}",
                    "currency": shop.currency,
                    "sale_price": f"{m.price:.2f}",
                },
                "inventory": [{"warehouse_id": warehouse, "quantity": m.stock}],
                "sales_attributes": attrs_wire(x, m),
            }
            for m in x.models
        ],
    }
    if x.weight_kg is not None:
        wire["package_weight"] = package_weight_wire(x.weight_kg)
    return wire
