"""Mutation root fields of the Shopify sandbox: productSet, productVariantsBulkUpdate,
inventorySetQuantities (MARKETPLACES.md §5).

Invalid input comes back as `userErrors{field, message, code}` with nothing applied,
as Shopify does for these mutations (productVariantsBulkUpdate applies the valid rows
when `allowPartialUpdates: true`). Input arrays over 250 items are refused before
anything runs (shopify.dev API limits). inventorySetQuantities:
- `@idempotent(key:)` is required from 2026-04; a key already answered gets the first
  answer again and nothing is re-applied.
- compare-and-set: `changeFromQuantity` (must be present from 2026-07, may be null) or
  the older `compareQuantity` must equal the stored quantity, else
  CHANGE_FROM_QUANTITY_STALE / COMPARE_QUANTITY_STALE.
productSet lives in product_set.py.
"""

from __future__ import annotations

import time
import uuid
from typing import Any

from graphql import GraphQLError, value_from_ast_untyped

from sandbox.shopify import nodes, push
from sandbox.shopify.inputs import (
    Info,
    check_size,
    parse_price,
    user_error,
    variables,
    version_at_least,
)
from sandbox.shopify.product_set import ProductSet
from sandbox.shopify.store import extras, find_variant, gid, gid_number, iso
from sandbox.state import Listing, Model, SandboxState, Shop

MAX_QUANTITY = 1_000_000_000
NAMES = {"available", "on_hand"}
REASONS = {
    "correction", "cycle_count_available", "damaged", "movement_created", "movement_updated",
    "movement_received", "movement_canceled", "other", "promotion", "quality_control",
    "received", "reservation_created", "reservation_deleted", "reservation_updated",
    "restock", "safety_stock", "shrinkage",
}  # fmt: skip


class MutationRoot:
    def __init__(self, state: SandboxState, shop: Shop) -> None:
        self.state = state
        self.shop = shop

    def root(self) -> dict[str, Any]:
        return {
            "productSet": ProductSet(self.state, self.shop).product_set,
            "productVariantsBulkUpdate": self.variants_bulk_update,
            "inventorySetQuantities": self.inventory_set_quantities,
        }

    # -- productVariantsBulkUpdate ----------------------------------------------------
    def variants_bulk_update(
        self,
        info: Info,
        productId: str,  # noqa: N803 - the Admin API's argument name
        variants: list[dict[str, Any]],
        allowPartialUpdates: bool = False,  # noqa: N803
    ) -> dict[str, Any]:
        check_size("variants", variants)
        number = gid_number(productId, "Product")
        listing = self.shop.listings.get(number) if number is not None else None
        if listing is None:
            error = user_error(["productId"], "Product does not exist", "PRODUCT_DOES_NOT_EXIST")
            return {"product": None, "productVariants": None, "userErrors": [error]}
        by_id = {m.model_id: m for m in listing.models}
        changes: list[tuple[Model, float | None, str | None]] = []
        errors = []
        for n, v in enumerate(variants):
            path = ["variants", str(n)]
            model = by_id.get(gid_number(v.get("id"), "ProductVariant") or -1)
            if model is None:
                errors.append(
                    user_error(
                        [*path, "id"],
                        "Product variant does not exist",
                        "PRODUCT_VARIANT_DOES_NOT_EXIST",
                    )
                )
                continue
            price = parse_price(v["price"]) if v.get("price") is not None else None
            if v.get("price") is not None and (price is None or price < 0):
                errors.append(
                    user_error(
                        [*path, "price"],
                        "Price must be greater than or equal to 0",
                        "GREATER_THAN_OR_EQUAL_TO",
                    )
                )
                continue
            sku = (v.get("inventoryItem") or {}).get("sku")
            changes.append((model, price, sku))
        if errors and not allowPartialUpdates:
            return {"product": None, "productVariants": None, "userErrors": errors}
        for model, price, sku in changes:
            if price is not None:
                model.price = price
            if sku is not None:
                model.seller_sku = str(sku)
        if changes:
            listing.touch()
            push.send_product(self.shop, listing, push.new_event())
        return {
            "product": nodes.product(self.shop, listing),
            "productVariants": [nodes.variant(self.shop, listing, m) for m, _, _ in changes],
            "userErrors": errors,
        }

    # -- inventorySetQuantities -------------------------------------------------------
    def inventory_set_quantities(self, info: Info, input: dict[str, Any]) -> dict[str, Any]:
        key = _idempotency_key(info)
        if key is None and version_at_least(info, "2026-04"):
            raise GraphQLError(
                "The @idempotent directive is required for this mutation.",
                extensions={"code": "BAD_REQUEST"},
            )
        cache = extras(self.shop).idempotent
        if key is not None and key in cache:
            return dict(cache[key])
        result = self._set_quantities(info, input)
        if key is not None:
            cache[key] = result
        return result

    def _set_quantities(self, info: Info, input: dict[str, Any]) -> dict[str, Any]:
        quantities = list(input["quantities"])
        check_size("quantities", quantities)
        errors = []
        if input["name"] not in NAMES:
            errors.append(user_error(["input", "name"], "Invalid name", "INVALID_NAME"))
        if input["reason"] not in REASONS:
            errors.append(user_error(["input", "reason"], "Invalid reason", "INVALID_REASON"))
        ignore = bool(input.get("ignoreCompareQuantity"))
        location = extras(self.shop).location_id
        applied: list[tuple[Listing, Model, int]] = []
        for n, q in enumerate(quantities):
            path = ["input", "quantities", str(n)]
            if version_at_least(info, "2026-07") and "changeFromQuantity" not in q:
                errors.append(
                    user_error(
                        [*path, "changeFromQuantity"],
                        "changeFromQuantity is required (it may be null)",
                        "INVALID_INPUT",
                    )
                )
                continue
            found = find_variant(self.shop, gid_number(q["inventoryItemId"], "InventoryItem") or -1)
            if found is None:
                errors.append(
                    user_error(
                        [*path, "inventoryItemId"],
                        "The specified inventory item could not be found.",
                        "INVALID_INVENTORY_ITEM",
                    )
                )
                continue
            if gid_number(q["locationId"], "Location") != location:
                errors.append(
                    user_error(
                        [*path, "locationId"],
                        "The specified location could not be found.",
                        "INVALID_LOCATION",
                    )
                )
                continue
            quantity = int(q["quantity"])
            if quantity > MAX_QUANTITY or quantity < -MAX_QUANTITY:
                code = "INVALID_QUANTITY_TOO_HIGH" if quantity > 0 else "INVALID_QUANTITY_TOO_LOW"
                errors.append(user_error([*path, "quantity"], "Quantity is out of range", code))
                continue
            listing, model = found
            change_from = q.get("changeFromQuantity")
            if change_from is not None and change_from != model.stock:
                errors.append(
                    user_error(
                        [*path, "changeFromQuantity"],
                        "The specified changeFromQuantity does not match the current quantity.",
                        "CHANGE_FROM_QUANTITY_STALE",
                    )
                )
                continue
            compare = q.get("compareQuantity")
            if compare is not None and not ignore and compare != model.stock:
                errors.append(
                    user_error(
                        [*path, "compareQuantity"],
                        "The specified compare quantity does not match the current quantity.",
                        "COMPARE_QUANTITY_STALE",
                    )
                )
                continue
            applied.append((listing, model, quantity))
        if errors:
            return {"inventoryAdjustmentGroup": None, "userErrors": errors}
        event = push.new_event()
        changes = []
        for listing, model, quantity in applied:
            delta = quantity - model.stock
            model.stock = quantity
            listing.touch()
            changes.append({"name": input["name"], "delta": delta, "quantityAfterChange": quantity})
            if delta:
                push.send_inventory(self.shop, model, event)
        group = {
            "id": gid("InventoryAdjustmentGroup", uuid.uuid4().int % 10**12),
            "createdAt": iso(time.time()),
            "reason": input["reason"],
            "changes": changes,
        }
        return {"inventoryAdjustmentGroup": group, "userErrors": []}


def _idempotency_key(info: Info) -> str | None:
    for directive in info.field_nodes[0].directives or ():
        if directive.name.value == "idempotent":
            for argument in directive.arguments or ():
                if argument.name.value == "key":
                    value = value_from_ast_untyped(argument.value, variables(info))
                    return str(value) if value else None
    return None
