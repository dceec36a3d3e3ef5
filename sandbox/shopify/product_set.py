"""productSet in the Shopify sandbox: create a product (or replace one by `id`) with its
options, variants, SKUs, prices and starting stock in one call.

⚠ The userError codes are not in the sources; the names used (BLANK, TOO_LONG,
OPTIONS_OVER_LIMIT, VARIANTS_OVER_LIMIT, INVALID_VARIANT, INVALID_LOCATION,
GREATER_THAN_OR_EQUAL_TO, PRODUCT_DOES_NOT_EXIST) follow the Admin API's enum naming.
Limits: title 255 characters, 3 options, 2048 variants per product (and 250 per input
array).
"""

from __future__ import annotations

import time
from typing import Any

from sandbox.shopify import nodes
from sandbox.shopify.inputs import Info, check_size, parse_price, user_error
from sandbox.shopify.store import extras, find_variant, gid_number
from sandbox.state import Listing, Model, SandboxState, Shop

MAX_TITLE = 255
MAX_OPTIONS = 3
MAX_VARIANTS = 2048


class ProductSet:
    def __init__(self, state: SandboxState, shop: Shop) -> None:
        self.state = state
        self.shop = shop

    def product_set(
        self, info: Info, input: dict[str, Any], synchronous: bool = True
    ) -> dict[str, Any]:
        variants = list(input.get("variants") or [])
        options = list(input.get("productOptions") or [])
        check_size("variants", variants)
        existing: Listing | None = None
        if input.get("id"):
            number = gid_number(input["id"], "Product")
            existing = self.shop.listings.get(number) if number is not None else None
            if existing is None:
                return self._set_failed("id", "Product does not exist", "PRODUCT_DOES_NOT_EXIST")
        title = str(input.get("title") or (existing.name if existing else "")).strip()
        if not title:
            return self._set_failed("title", "Title can't be blank", "BLANK")
        if len(title) > MAX_TITLE:
            return self._set_failed("title", f"Title is too long (max {MAX_TITLE})", "TOO_LONG")
        if len(options) > MAX_OPTIONS:
            return self._set_failed(
                "productOptions", f"Can only specify {MAX_OPTIONS} options", "OPTIONS_OVER_LIMIT"
            )
        if len(variants) > MAX_VARIANTS:
            return self._set_failed("variants", "Too many variants", "VARIANTS_OVER_LIMIT")
        axes = [
            {"name": str(o["name"]), "options": [str(v["name"]) for v in o.get("values") or []]}
            for o in options
        ]
        models, errors = self._models(variants, axes, existing)
        if errors:
            return {"product": None, "userErrors": errors}
        now = int(time.time())
        if existing is None:
            listing = Listing(
                item_id=self.state.next_id(),
                name=title,
                seller_sku=models[0].seller_sku if models else "",
                status="active" if input.get("status", "ACTIVE") == "ACTIVE" else "draft",
                price=models[0].price if models else 0.0,
                stock=0,
                description=str(input.get("descriptionHtml") or ""),
                tier_variation=axes,  # type: ignore[arg-type]
                models=models,
            )
            self.shop.listings[listing.item_id] = listing
        else:
            listing = existing
            listing.name = title
            listing.description = str(input.get("descriptionHtml") or listing.description)
            listing.tier_variation = axes  # type: ignore[assignment]
            listing.models = models
            listing.update_time = now
        return {"product": nodes.product(self.shop, listing), "userErrors": []}

    def _set_failed(self, field: str, message: str, code: str) -> dict[str, Any]:
        return {"product": None, "userErrors": [user_error(["input", field], message, code)]}

    def _models(
        self, variants: list[dict[str, Any]], axes: list[dict[str, Any]], existing: Listing | None
    ) -> tuple[list[Model], list[dict[str, Any]]]:
        models: list[Model] = []
        errors: list[dict[str, Any]] = []
        seen: set[tuple[int, ...]] = set()
        location = extras(self.shop).location_id
        for n, v in enumerate(variants):
            path = ["input", "variants", str(n)]
            index: list[int] = []
            for axis, value in zip(axes, v.get("optionValues") or [], strict=False):
                values = axis["options"]
                if (
                    value.get("optionName") not in (None, axis["name"])
                    or value["name"] not in values
                ):
                    errors.append(
                        user_error(
                            [*path, "optionValues"], "Option value not found", "INVALID_VARIANT"
                        )
                    )
                    break
                index.append(values.index(value["name"]))
            if len(index) != len(axes) or tuple(index) in seen:
                if len(index) == len(axes):
                    errors.append(user_error(path, "The variant already exists", "INVALID_VARIANT"))
                continue
            seen.add(tuple(index))
            known = find_variant(self.shop, gid_number(v.get("id"), "ProductVariant") or -1)
            default = str(known[1].price) if known and "price" not in v else "0"
            price = parse_price(v.get("price", default))
            if price is None or price < 0:
                errors.append(
                    user_error([*path, "price"], "Price must be >= 0", "GREATER_THAN_OR_EQUAL_TO")
                )
                continue
            stock = 0
            for q in v.get("inventoryQuantities") or []:
                if gid_number(q["locationId"], "Location") != location:
                    errors.append(
                        user_error(
                            [*path, "inventoryQuantities"], "Location not found", "INVALID_LOCATION"
                        )
                    )
                stock = int(q["quantity"])
            sku = str((v.get("inventoryItem") or {}).get("sku") or "")
            old = find_variant(self.shop, gid_number(v.get("id"), "ProductVariant") or -1)
            if v.get("id") and (old is None or existing is None or old[0] is not existing):
                errors.append(
                    user_error([*path, "id"], "Variant does not exist", "INVALID_VARIANT")
                )
                continue
            model_id = old[1].model_id if old else self.state.next_id()
            if old and not v.get("inventoryQuantities"):
                stock = old[1].stock  # an existing variant keeps its quantity
            if old and not sku:
                sku = old[1].seller_sku
            models.append(Model(model_id, sku, index, price, stock))
        return models, errors
