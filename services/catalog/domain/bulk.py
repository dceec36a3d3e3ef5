"""Bulk operations over many products: price moves, category, status, tags."""

from __future__ import annotations

import copy
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from services.catalog.domain.model import Product, ProductStatus
from services.common.errors import ViolationCollector
from services.common.money import Money


@dataclass(frozen=True)
class PriceAdjustment:
    """Exactly one of percent / fixed_minor; the result is rounded to the step."""

    percent: Decimal | None = None
    fixed_minor: int | None = None
    rounding_step_minor: int = 1


@dataclass(frozen=True)
class BulkOperation:
    price: PriceAdjustment | None = None
    set_category: str = ""
    set_status: ProductStatus | None = None
    add_tags: list[str] = field(default_factory=list)
    remove_tags: list[str] = field(default_factory=list)


class BulkItemError(ValueError):
    """One product cannot take the operation (e.g. its price would go negative)."""


def validate_operation(op: BulkOperation, prefix: str = "operation") -> None:
    """INVALID_ARGUMENT for an empty or malformed operation."""
    errors = ViolationCollector()
    has_any = (
        op.price is not None
        or bool(op.set_category)
        or op.set_status is not None
        or bool(op.add_tags)
        or bool(op.remove_tags)
    )
    if not has_any:
        errors.add(prefix, "name at least one change (price, category, status or tags)")
    if op.price is not None:
        if (op.price.percent is None) == (op.price.fixed_minor is None):
            errors.add(f"{prefix}.price", "give exactly one of percent or fixed_minor")
        if op.price.percent is not None and not Decimal(-100) < op.price.percent <= Decimal(1000):
            errors.add(f"{prefix}.price.percent", "must be above -100 and at most 1000")
        if op.price.rounding_step_minor < 0:
            errors.add(f"{prefix}.price.rounding_step_minor", "must not be negative")
    if len(op.set_category) > 255:
        errors.add(f"{prefix}.set_category", "at most 255 characters")
    for name, tags in (("add_tags", op.add_tags), ("remove_tags", op.remove_tags)):
        for i, tag in enumerate(tags):
            if not tag.strip() or len(tag) > 255:
                errors.add(f"{prefix}.{name}[{i}]", "must be 1 to 255 characters")
    errors.raise_if_any()


def _adjust(money: Money, adj: PriceAdjustment) -> Money:
    if adj.percent is not None:
        raw = Decimal(money.amount_minor) * (Decimal(100) + adj.percent) / Decimal(100)
    else:
        raw = Decimal(money.amount_minor + (adj.fixed_minor or 0))
    step = Decimal(max(adj.rounding_step_minor, 1))
    amount = int((raw / step).quantize(Decimal(1), rounding=ROUND_HALF_UP) * step)
    if amount < 0:
        raise BulkItemError(f"price would become negative ({amount})")
    return money.with_amount(amount)


def apply_operation(product: Product, op: BulkOperation) -> Product:
    """A changed copy of the product; BulkItemError when this product cannot take it."""
    result = copy.deepcopy(product)
    if op.price is not None:
        result.base_price = _adjust(result.base_price, op.price)
        for variant in result.variants:
            if variant.price is not None:
                variant.price = _adjust(variant.price, op.price)
    if op.set_category:
        result.category = op.set_category
    if op.set_status is not None:
        result.status = op.set_status
    if op.add_tags or op.remove_tags:
        removed = {t.strip().casefold() for t in op.remove_tags}
        tags = [t for t in result.tags if t.casefold() not in removed]
        known = {t.casefold() for t in tags}
        for tag in op.add_tags:
            if tag.strip().casefold() not in known:
                tags.append(tag.strip())
                known.add(tag.strip().casefold())
        result.tags = tags
    return result
