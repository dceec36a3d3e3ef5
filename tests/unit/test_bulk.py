from __future__ import annotations

from decimal import Decimal

import pytest

from services.catalog.domain.bulk import (
    BulkItemError,
    BulkOperation,
    PriceAdjustment,
    apply_operation,
    validate_operation,
)
from services.catalog.domain.model import Product, ProductStatus, Variant
from services.common.errors import InvalidArgument
from services.common.money import Money


def _product() -> Product:
    return Product(
        sku="P",
        title="Thing",
        base_price=Money("IDR", 100_000),
        tags=["a", "Sale"],
        variants=[Variant("P-1"), Variant("P-2", price=Money("IDR", 120_000))],
    )


def test_percent_moves_base_and_overrides_with_rounding() -> None:
    op = BulkOperation(price=PriceAdjustment(percent=Decimal("12.5"), rounding_step_minor=1000))
    result = apply_operation(_product(), op)
    assert result.base_price.amount_minor == 113_000  # 112,500 rounds half up
    assert result.variants[1].price == Money("IDR", 135_000)
    assert result.variants[0].price is None


def test_fixed_change_cannot_go_negative() -> None:
    op = BulkOperation(price=PriceAdjustment(fixed_minor=-200_000))
    with pytest.raises(BulkItemError):
        apply_operation(_product(), op)


def test_tags_and_status() -> None:
    op = BulkOperation(
        add_tags=["new", "A"],
        remove_tags=["sale"],
        set_status=ProductStatus.ACTIVE,
        set_category="Toys",
    )
    result = apply_operation(_product(), op)
    assert result.tags == ["a", "new"]
    assert result.status is ProductStatus.ACTIVE and result.category == "Toys"


@pytest.mark.parametrize(
    ("op", "field"),
    [
        (BulkOperation(), "operation"),
        (BulkOperation(price=PriceAdjustment()), "operation.price"),
        (BulkOperation(price=PriceAdjustment(percent=Decimal(-100))), "operation.price.percent"),
        (BulkOperation(add_tags=[" "]), "operation.add_tags[0]"),
    ],
)
def test_invalid_operations_name_the_field(op: BulkOperation, field: str) -> None:
    with pytest.raises(InvalidArgument) as info:
        validate_operation(op)
    assert field in [v.field for v in info.value.violations]
