"""Payload checks before anything is sent, and Tokopedia's money (whole Rupiah).

⚠ These limits are not in MARKETPLACES.md §3; they follow Tokopedia's seller-center
rules as remembered (name ≤ 70 characters, price 100-100,000,000 IDR, stock ≤ 999,999,
at most 2 variant types) and match the sandbox's checks.
"""

from __future__ import annotations

from functools import partial
from typing import Any

from services.common.money import Money
from services.common.platforms import Platform
from services.sync.adapters import errors
from services.sync.adapters.base import ListingDraft

CURRENCY = "IDR"
MAX_TITLE = 70
MAX_VARIANTS = 50
MAX_OPTION_TYPES = 2
MIN_PRICE, MAX_PRICE = 100, 100_000_000
MAX_STOCK = 999_999


# permanent(message, code="validation"): Tokopedia's failure found before any request.
permanent = partial(errors.permanent, Platform.TOKOPEDIA)


def to_rupiah(price: Money) -> int:
    """Tokopedia prices are integers in IDR (`new_price (int)`, §3)."""
    if price.currency != CURRENCY:
        raise permanent(f"price currency {price.currency} is not {CURRENCY}")
    if not MIN_PRICE <= price.amount_minor <= MAX_PRICE:
        raise permanent(f"price must be from {MIN_PRICE} to {MAX_PRICE} IDR")
    return price.amount_minor


def to_money(value: Any) -> Money | None:
    if value is None:
        return None
    return Money(CURRENCY, int(value))


def check_stock(quantity: int) -> int:
    if not 0 <= quantity <= MAX_STOCK:
        raise permanent(f"stock must be from 0 to {MAX_STOCK}")
    return quantity


def validate_draft(draft: ListingDraft) -> None:
    if not draft.title.strip():
        raise permanent("title is empty")
    if len(draft.title) > MAX_TITLE:
        raise permanent(f"title longer than {MAX_TITLE} characters")
    if not draft.variants:
        raise permanent("a listing needs at least one variant")
    if len(draft.variants) > MAX_VARIANTS:
        raise permanent(f"more than {MAX_VARIANTS} variants")
    if len(draft.option_names) > MAX_OPTION_TYPES:
        raise permanent(f"more than {MAX_OPTION_TYPES} variant types")
    if not draft.option_names and len(draft.variants) != 1:
        raise permanent("several variants need option names")
    try:
        int(draft.category_id)
    except ValueError as exc:
        raise permanent("category_id must be a Tokopedia category id") from exc
    skus = [v.seller_sku for v in draft.variants]
    if any(not s for s in skus) or len(set(skus)) != len(skus):
        raise permanent("variant seller SKUs must be present and unique")
    if len({tuple(v.option_values) for v in draft.variants}) != len(draft.variants):
        raise permanent("two variants have the same option values")
    for v in draft.variants:
        if len(v.option_values) != len(draft.option_names):
            raise permanent(f"{v.seller_sku}: option values do not match option names")
        to_rupiah(v.price)
        check_stock(v.stock)
