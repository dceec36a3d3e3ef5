"""TikTok Shop `package_weight{value, unit}` as create and partial_edit take it.

Source: the Partial Edit Product page ([ECDOCS] lazykern/ecommerce-api-docs
`data/raw/tiktok/api-reference/products/partial-edit-product.spec.json`): "The package
weight, which must be a positive number"; unit KILOGRAM everywhere, also POUND (US) and
GRAM (BR, JP, MX); GRAM an integer, KILOGRAM up to 3 decimal places, POUND up to 2.
Codes: 12052181 zero weight, 12019011 invalid weight.
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any

from sandbox.state import Shop
from sandbox.tiktok.envelope import TikTokError

POUNDS_PER_KG = Decimal("2.20462262185")
WEIGHT_UNITS = {
    "KILOGRAM": (3, Decimal(1)),
    "GRAM": (0, Decimal("0.001")),
    "POUND": (2, 1 / POUNDS_PER_KG),
}


def _fail(code: int, message: str) -> TikTokError:
    return TikTokError(400, code, message)


def weight_units(region: str) -> set[str]:
    if region == "US":
        return {"KILOGRAM", "POUND"}
    if region in {"BR", "JP", "MX"}:
        return {"KILOGRAM", "GRAM"}
    return {"KILOGRAM"}


def package_weight_kg(shop: Shop, value: Any) -> float:
    """`{"value": "1.32", "unit": "KILOGRAM"}` in kg, checked as the page describes."""
    invalid = _fail(12019011, "product package weight is invalid")
    if not isinstance(value, dict) or not isinstance(value.get("value"), str):
        raise invalid
    unit = value.get("unit")
    if unit not in weight_units(shop.credentials["region"]):
        raise invalid
    places, per_kg = WEIGHT_UNITS[str(unit)]
    try:
        amount = Decimal(value["value"])
    except InvalidOperation as exc:
        raise invalid from exc
    if not amount.is_finite() or amount < 0:
        raise invalid
    if amount == 0:
        raise _fail(12052181, "The package weight of the product can not be zero.")
    exponent = amount.as_tuple().exponent
    if isinstance(exponent, int) and -exponent > places:
        raise invalid
    return float(amount * per_kg)


def package_weight_wire(kg: float) -> dict[str, str]:
    """A stored weight as get product shows it (⚠ always in KILOGRAM here)."""
    return {"value": f"{round(kg, 3):g}", "unit": "KILOGRAM"}
