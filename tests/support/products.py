"""Catalog domain products for tests: one factory, with per-test overrides."""

from __future__ import annotations

from typing import Any

from services.catalog.domain.model import Image, Option, Product, ProductStatus, Variant
from services.common.money import Money


def idr(amount: int) -> Money:
    return Money("IDR", amount)


def make_product(**fields: Any) -> Product:
    """The HQProp drone motor: active, IDR 150,000, one KV option with two variants, one image.

    It lists cleanly on every platform. Keyword arguments replace whole fields of the
    `Product`, so a test module builds its own (richer, or quite different) product on top.
    Every call builds fresh objects: a test may mutate what it gets.
    """
    values: dict[str, Any] = {
        "sku": "MOT-1",
        "title": "HQProp Brushless Motor 2806.5 2450KV",
        "brand": "HQProp",
        "category": "Toys & Games > Toys > Remote Control Toys",
        "base_price": idr(150_000),
        "status": ProductStatus.ACTIVE,
        "options": [Option("KV", ["1950KV", "2450KV"])],
        "variants": [Variant("MOT-1-195", ["1950KV"]), Variant("MOT-1-245", ["2450KV"])],
        "images": [Image("https://cdn.example.com/a.jpg")],
    }
    values.update(fields)
    return Product(**values)
