"""How an imported CSV product lands on an existing one."""

from __future__ import annotations

import copy

from services.catalog.domain.model import Product

# The fields a Shopify product CSV carries. Everything else (attributes, platform
# overrides, dimensions) is SyncStore's own and survives a re-import untouched.
CSV_FIELDS = (
    "sku",
    "title",
    "description",
    "brand",
    "category",
    "product_type",
    "tags",
    "status",
    "published",
    "seo_title",
    "base_price",
    "compare_at_price",
    "weight_grams",
    "images",
    "options",
    "variants",
)


def merge_import(existing: Product, imported: Product) -> Product:
    """`existing` with every CSV-carried field replaced by the imported values."""
    merged = copy.deepcopy(existing)
    for name in CSV_FIELDS:
        setattr(merged, name, copy.deepcopy(getattr(imported, name)))
    return merged
