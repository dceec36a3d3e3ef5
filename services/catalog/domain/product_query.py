"""Which products a list, bulk update or export is about, and in what order."""

from __future__ import annotations

from dataclasses import dataclass, field

from services.catalog.domain.model import ProductStatus
from services.common.platforms import Platform

# Fields a product list may be ordered by; "" means the default (create_time).
ORDER_BY_FIELDS = frozenset({"title", "sku", "base_price", "create_time", "update_time"})


@dataclass
class ProductQuery:
    """A repository filter; every criterion left at its default matches everything.

    `query` is free text whose words must all occur in title, sku or brand. `min/max
    price` are inclusive bounds on the base price in minor units. `platform` keeps only
    products not disabled on that platform. `ids`, when non-empty, restricts to those ids.
    """

    query: str = ""
    category: str = ""
    status: ProductStatus | None = None
    min_price_minor: int | None = None
    max_price_minor: int | None = None
    platform: Platform | None = None
    tags: list[str] = field(default_factory=list)
    order_by: str = ""
    descending: bool = False
    ids: list[str] = field(default_factory=list)
