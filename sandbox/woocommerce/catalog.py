"""WooCommerce products in the sandbox: wire shapes, SKU lookup, and field checks.

A `Listing` with `tier_variation` (attributes `{name, options}`) is a `variable`
product whose `Model`s are its variations (`tier_index` = option index per attribute);
one without is a `simple` product with its own SKU, price and stock. Prices are kept
as floats and shown as decimal strings with the shop currency's decimals.
Checks: SKUs unique across products and variations (`product_invalid_sku`, "Invalid or
duplicated SKU.", 400, as core); ⚠ the name (≤ 200), price (0..1e9) and stock
(0..1e9) bounds are the adapter's own (core has none) and answer `rest_invalid_param`.
"""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from sandbox.state import Listing, Model, Shop
from sandbox.woocommerce.base import WooError, invalid_param
from services.common.money import exponent, is_known_currency

MAX_NAME = 200
MAX_PRICE = Decimal(1_000_000_000)
MAX_STOCK = 1_000_000_000


def gmt(stamp: int) -> str:
    return datetime.fromtimestamp(stamp, UTC).strftime("%Y-%m-%dT%H:%M:%S")


def money(shop: Shop, value: float) -> str:
    places = exponent(shop.currency) if is_known_currency(shop.currency) else 2
    return f"{value:.{places}f}"


def find_sku(shop: Shop, sku: str) -> tuple[Listing, Model | None] | None:
    if not sku:
        return None
    for listing in shop.listings.values():
        if listing.seller_sku == sku:
            return listing, None
        for model in listing.models:
            if model.seller_sku == sku:
                return listing, model
    return None


def is_variable(listing: Listing) -> bool:
    return bool(listing.tier_variation)


def check_sku(shop: Shop, raw: Any, own: object = None) -> str:
    """A new or changed SKU: unique across products and variations."""
    sku = str(raw or "")
    found = find_sku(shop, sku)
    if found is not None and (found[1] or found[0]) is not own:
        raise WooError(400, "product_invalid_sku", "Invalid or duplicated SKU.", unique_sku=sku)
    return sku


def check_price(raw: Any) -> float:
    try:
        value = Decimal(str(raw))
    except InvalidOperation as exc:
        raise invalid_param("regular_price", "regular_price is not a decimal string.") from exc
    if not value.is_finite() or not 0 <= value <= MAX_PRICE:
        raise invalid_param("regular_price", f"regular_price must be from 0 to {MAX_PRICE}.")
    return float(value)


def check_stock(raw: Any) -> int:
    if not isinstance(raw, int) or isinstance(raw, bool) or not 0 <= raw <= MAX_STOCK:
        raise invalid_param("stock_quantity", f"stock_quantity must be an integer 0..{MAX_STOCK}.")
    return raw


def check_name(raw: Any) -> str:
    name = str(raw or "")
    if len(name) > MAX_NAME:
        raise invalid_param("name", f"name must be at most {MAX_NAME} characters.")
    return name


def attributes_wire(listing: Listing) -> list[dict[str, Any]]:
    return [
        {
            "id": 0,
            "name": a["name"],
            "position": i,
            "visible": True,
            "variation": True,
            "options": list(a["options"]),  # type: ignore[call-overload]
        }
        for i, a in enumerate(listing.tier_variation)
    ]


def _stock(shop: Shop, target: Listing | Model, price: float) -> dict[str, Any]:
    return {
        "price": money(shop, price),
        "regular_price": money(shop, price),
        "sale_price": "",
        "manage_stock": True,
        "stock_quantity": target.stock,
        "stock_status": "instock" if target.stock > 0 else "outofstock",
    }


def product_wire(shop: Shop, listing: Listing) -> dict[str, Any]:
    variable = is_variable(listing)
    wire: dict[str, Any] = {
        "id": listing.item_id,
        "name": listing.name,
        "type": "variable" if variable else "simple",
        "status": listing.status,
        "description": listing.description,
        "sku": listing.seller_sku,
        "parent_id": 0,
        "date_created_gmt": gmt(listing.create_time),
        "date_modified_gmt": gmt(listing.update_time),
        "categories": [{"id": listing.category_id}] if listing.category_id else [],
        "attributes": attributes_wire(listing),
        "variations": [m.model_id for m in listing.models],
    }
    if variable:
        low = min((m.price for m in listing.models), default=0.0)
        parent: dict[str, Any] = {"price": money(shop, low), "regular_price": "", "sale_price": ""}
        parent |= {"manage_stock": False, "stock_quantity": None, "stock_status": "instock"}
        return {**wire, **parent}
    return {**wire, **_stock(shop, listing, listing.price)}


def option_values(listing: Listing, model: Model) -> list[dict[str, Any]]:
    out = []
    for attribute, index in zip(listing.tier_variation, model.tier_index, strict=False):
        options: list[str] = attribute["options"]  # type: ignore[assignment]
        out.append({"id": 0, "name": attribute["name"], "option": options[index]})
    return out


def variation_wire(shop: Shop, listing: Listing, model: Model) -> dict[str, Any]:
    """A variation as `/products/<id>/variations` shows it."""
    return {
        "id": model.model_id,
        "parent_id": listing.item_id,
        "sku": model.seller_sku,
        "status": "publish",
        "date_created_gmt": gmt(listing.create_time),
        "date_modified_gmt": gmt(listing.update_time),
        "attributes": option_values(listing, model),
        **_stock(shop, model, model.price),
    }


def variation_as_product(shop: Shop, listing: Listing, model: Model) -> dict[str, Any]:
    """A variation as `/products?sku=` (and a product.updated payload) shows it."""
    options = ", ".join(str(o["option"]) for o in option_values(listing, model))
    return {
        **variation_wire(shop, listing, model),
        "name": f"{listing.name} - {options}" if options else listing.name,
        "type": "variation",
        "attributes": option_values(listing, model),
    }


def apply_fields(target: Listing | Model, item: dict[str, Any]) -> None:
    """regular_price / stock_quantity of a create or update item (checked first)."""
    price = check_price(item["regular_price"]) if "regular_price" in item else None
    stock = check_stock(item["stock_quantity"]) if "stock_quantity" in item else None
    if price is not None:
        target.price = price
    if stock is not None:
        target.stock = stock
