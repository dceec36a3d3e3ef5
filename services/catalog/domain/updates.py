"""Applying partial updates to a product (field-mask semantics)."""

from __future__ import annotations

import copy

from services.catalog.domain.model import Product, product_to_dict


def apply_mask(current: Product, patch: Product, paths: list[str]) -> Product:
    """A copy of `current` with the named top-level fields taken from `patch`."""
    updated = copy.deepcopy(current)
    for path in paths:
        setattr(updated, path, copy.deepcopy(getattr(patch, path)))
    return updated


def same_content(a: Product, b: Product) -> bool:
    """True when two products differ at most in identity and bookkeeping."""
    return product_to_dict(a) == product_to_dict(b)
