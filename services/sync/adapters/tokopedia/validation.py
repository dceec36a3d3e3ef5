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
from services.sync.adapters import draft_checks as checks
from services.sync.adapters import errors
from services.sync.adapters.base import ListingDraft

CURRENCY = "IDR"
MAX_TITLE = 70
MAX_VARIANTS = 50
MAX_OPTION_TYPES = 2
MIN_PRICE, MAX_PRICE = 100, 100_000_000
MAX_STOCK = 999_999
WORDS = checks.DraftWords(Platform.TOKOPEDIA, option_types="variant types")


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
    checks.check_title(WORDS, draft, MAX_TITLE)
    checks.check_variant_counts(WORDS, draft, MAX_VARIANTS, MAX_OPTION_TYPES)
    try:
        int(draft.category_id)
    except ValueError as exc:
        raise permanent("category_id must be a Tokopedia category id") from exc
    checks.check_seller_skus(WORDS, draft)
    checks.check_distinct_options(WORDS, draft)
    for v in draft.variants:
        checks.check_option_values(WORDS, draft, v)
        to_rupiah(v.price)
        check_stock(v.stock)
