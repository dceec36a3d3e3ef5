"""WooCommerce sandbox products and variations (wc/v3, MARKETPLACES.md §6).

- `GET /products` (parents only; with `sku=a,b` products *and* variations, as v3 does:
  core splits on commas and also tries the whole string), `POST /products`,
  `GET /products/<id>` (404 `woocommerce_rest_product_invalid_id`).
- `GET /products/<id>/variations`, paged.
- `POST /products/batch` and `POST /products/<id>/variations/batch`: `{create, update,
  delete}`, at most 100 items in total (413 `woocommerce_rest_request_entity_too_large`);
  each item's failure is `{id, error: {code, message, data}}` inside the 200. A variation
  id sent to `/products/batch` gets `woocommerce_rest_invalid_product_id` (404), as core.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from sandbox.state import Listing, Model, Shop
from sandbox.woocommerce.base import Ctx, WooBase, WooError
from sandbox.woocommerce.catalog import (
    apply_fields,
    check_name,
    check_sku,
    find_sku,
    product_wire,
    variation_as_product,
    variation_wire,
)

BATCH_LIMIT = 100


def _product(shop: Shop, product_id: int) -> Listing:
    listing = shop.listings.get(product_id)
    if listing is None:
        raise WooError(404, "woocommerce_rest_product_invalid_id", "Invalid ID.")
    return listing


def _batch_items(body: Any) -> dict[str, list[Any]]:
    """core's check_batch_limit: create + update + delete ≤ 100."""
    if not isinstance(body, dict):
        body = {}
    items = {k: list(body.get(k) or []) for k in ("create", "update", "delete")}
    if sum(len(v) for v in items.values()) > BATCH_LIMIT:
        raise WooError(
            413,
            "woocommerce_rest_request_entity_too_large",
            f"Unable to accept more than {BATCH_LIMIT} items for this request.",
        )
    return items


def _item_error(item: Any, exc: WooError) -> dict[str, Any]:
    item_id = item.get("id", 0) if isinstance(item, dict) else item
    return {"id": item_id, "error": exc.body()}


def _run(items: list[Any], one: Callable[[Any], dict[str, Any]]) -> list[dict[str, Any]]:
    out = []
    for item in items:
        try:
            if not isinstance(item, dict) and not isinstance(item, int):
                raise WooError(400, "rest_invalid_param", "Invalid batch item.")
            out.append(one(item))
        except WooError as exc:
            out.append(_item_error(item, exc))
    return out


class ProductRoutes(WooBase):
    def create_product(self, shop: Shop, item: dict[str, Any]) -> dict[str, Any]:
        kind = str(item.get("type") or "simple")
        if kind not in ("simple", "variable"):
            raise WooError(400, "rest_invalid_param", "Invalid parameter(s): type")
        name = check_name(item.get("name"))
        sku = check_sku(shop, item.get("sku"))
        attributes: list[dict[str, object]] = [
            {"name": str(a.get("name") or ""), "options": [str(o) for o in a.get("options") or []]}
            for a in item.get("attributes") or []
            if isinstance(a, dict) and a.get("variation")
        ]
        categories = item.get("categories") or []
        listing = Listing(
            item_id=self.state.next_id(),
            name=name,
            seller_sku=sku,
            status=str(item.get("status") or "publish"),
            price=0.0,
            stock=0,
            description=str(item.get("description") or ""),
            category_id=int(categories[0].get("id") or 0) if categories else 0,
            tier_variation=attributes if kind == "variable" else [],
        )
        if kind == "simple":
            apply_fields(listing, item)
        shop.listings[listing.item_id] = listing
        return product_wire(shop, listing)

    def update_product(self, shop: Shop, item: dict[str, Any]) -> dict[str, Any]:
        product_id = int(item.get("id") or 0)
        listing = shop.listings.get(product_id)
        if listing is None:
            if find_sku_by_id(shop, product_id) is not None:
                raise WooError(
                    404,
                    "woocommerce_rest_invalid_product_id",
                    "To manipulate product variations you should use the "
                    "/products/&lt;product_id&gt;/variations/&lt;id&gt; endpoint.",
                )
            raise WooError(400, "woocommerce_rest_product_invalid_id", "Invalid ID.")
        if "sku" in item:
            listing.seller_sku = check_sku(shop, item["sku"], own=listing)
        if "name" in item:
            listing.name = check_name(item["name"])
        if not listing.tier_variation:
            apply_fields(listing, item)
        listing.touch()
        return product_wire(shop, listing)

    def delete_product(self, shop: Shop, product_id: Any) -> dict[str, Any]:
        listing = shop.listings.get(int(product_id))
        if listing is None:
            raise WooError(400, "woocommerce_rest_product_invalid_id", "Invalid ID.")
        del shop.listings[listing.item_id]
        return product_wire(shop, listing)

    def create_variation(
        self, shop: Shop, listing: Listing, item: dict[str, Any]
    ) -> dict[str, Any]:
        sku = check_sku(shop, item.get("sku"))
        tier_index = []
        wanted = {str(a.get("name")): str(a.get("option")) for a in item.get("attributes") or []}
        for attribute in listing.tier_variation:
            options: list[str] = attribute["options"]  # type: ignore[assignment]
            value = wanted.get(str(attribute["name"]), "")
            if value not in options:
                options.append(value)  # core keeps any value; so does the sandbox
            tier_index.append(options.index(value))
        model = Model(self.state.next_id(), sku, tier_index, 0.0, 0)
        apply_fields(model, item)
        listing.models.append(model)
        listing.touch()
        return variation_wire(shop, listing, model)

    def update_variation(
        self, shop: Shop, listing: Listing, item: dict[str, Any]
    ) -> dict[str, Any]:
        model = next((m for m in listing.models if m.model_id == int(item.get("id") or 0)), None)
        if model is None:
            raise WooError(400, "woocommerce_rest_product_variation_invalid_id", "Invalid ID.")
        if "sku" in item:
            model.seller_sku = check_sku(shop, item["sku"], own=model)
        apply_fields(model, item)
        listing.touch()
        return variation_wire(shop, listing, model)

    def delete_variation(self, shop: Shop, listing: Listing, item: Any) -> dict[str, Any]:
        model = next((m for m in listing.models if m.model_id == int(item)), None)
        if model is None:
            raise WooError(400, "woocommerce_rest_product_variation_invalid_id", "Invalid ID.")
        listing.models.remove(model)
        return variation_wire(shop, listing, model)

    # -- routes ---------------------------------------------------------------------
    async def list_products(self, ctx: Ctx) -> Any:
        shop = ctx.shop
        raw = ctx.q("sku")
        if raw:
            wanted = set(raw.split(","))
            if len(wanted) > 1:
                wanted.add(raw)
            rows: list[dict[str, Any]] = []
            for listing in sorted(shop.listings.values(), key=lambda x: x.item_id):
                if listing.seller_sku in wanted:
                    rows.append(product_wire(shop, listing))
                rows += [
                    variation_as_product(shop, listing, m)
                    for m in listing.models
                    if m.seller_sku in wanted
                ]
            return ctx.page(rows)
        parents = sorted(shop.listings.values(), key=lambda x: (x.create_time, x.item_id))
        if ctx.q("orderby", "date") == "id":
            parents.sort(key=lambda x: x.item_id)
        if ctx.q("order", "desc") == "desc":
            parents.reverse()
        return [product_wire(shop, x) for x in ctx.page(parents)]

    async def create_product_route(self, ctx: Ctx) -> Any:
        return self.create_product(ctx.shop, ctx.body if isinstance(ctx.body, dict) else {})

    async def get_product(self, ctx: Ctx) -> Any:
        product_id = int(ctx.request.path_params["id"])
        found = find_sku_by_id(ctx.shop, product_id)
        if found is not None:
            return variation_as_product(ctx.shop, *found)
        return product_wire(ctx.shop, _product(ctx.shop, product_id))

    async def products_batch(self, ctx: Ctx) -> Any:
        items, shop = _batch_items(ctx.body), ctx.shop
        return {
            "create": _run(items["create"], lambda i: self.create_product(shop, i)),
            "update": _run(items["update"], lambda i: self.update_product(shop, i)),
            "delete": _run(items["delete"], lambda i: self.delete_product(shop, i)),
        }

    async def list_variations(self, ctx: Ctx) -> Any:
        listing = _product(ctx.shop, int(ctx.request.path_params["id"]))
        rows = sorted(listing.models, key=lambda m: m.model_id)
        return [variation_wire(ctx.shop, listing, m) for m in ctx.page(rows)]

    async def variations_batch(self, ctx: Ctx) -> Any:
        listing = _product(ctx.shop, int(ctx.request.path_params["id"]))
        items, shop = _batch_items(ctx.body), ctx.shop
        return {
            "create": _run(items["create"], lambda i: self.create_variation(shop, listing, i)),
            "update": _run(items["update"], lambda i: self.update_variation(shop, listing, i)),
            "delete": _run(items["delete"], lambda i: self.delete_variation(shop, listing, i)),
        }


def find_sku_by_id(shop: Shop, model_id: int) -> tuple[Listing, Model] | None:
    """The variation with this id, and its product."""
    for listing in shop.listings.values():
        for model in listing.models:
            if model.model_id == model_id:
                return listing, model
    return None


__all__ = ["ProductRoutes", "find_sku", "find_sku_by_id"]
