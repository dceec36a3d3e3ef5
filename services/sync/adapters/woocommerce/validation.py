"""Payload checks before anything is sent, and WooCommerce's money (decimal strings).

WooCommerce prices are decimal strings in the store's currency (`regular_price`), so
a price must be in the shop's currency (`shop.app["currency"]`, when known).
⚠ Core sets no name-length or price/stock ceilings of its own (MARKETPLACES.md §6 has
none); these bounds are ours and the sandbox enforces the same ones:
- name ≤ 200 characters (WordPress titles are TEXT; marketplaces feeds cut near 150-200),
- at most 100 variations per listing, so a create's variations fit one batch call
  (the batch limit is 100 items, §6),
- 0 < price ≤ 1,000,000,000 major units, 0 ≤ stock ≤ 1,000,000,000.
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any

from services.common.money import Money, exponent, is_known_currency
from services.common.platforms import Platform
from services.sync.adapters import errors, shop_settings
from services.sync.adapters.base import ListingDraft, ShopAuth
from services.sync.adapters.draft_checks import (
    DraftWords,
    check_distinct_options,
    check_option_values,
    check_title,
)
from services.sync.adapters.errors import AdapterError

MAX_NAME = 200
MAX_VARIATIONS = 100
MAX_PRICE = Decimal(1_000_000_000)
MAX_STOCK = 1_000_000_000


WORDS = DraftWords(Platform.WOOCOMMERCE, option="attribute", title="name")
shop_currency = shop_settings.shop_currency


def permanent(message: str, code: str = "validation") -> AdapterError:
    return errors.permanent(Platform.WOOCOMMERCE, message, code)


def to_price(shop: ShopAuth, price: Money) -> str:
    """A price as WooCommerce's decimal string, checked against the shop's currency."""
    shop_settings.check_currency(shop, Platform.WOOCOMMERCE, price)
    value = shop_settings.major_units(price)
    if not 0 < value <= MAX_PRICE:
        raise permanent(f"price must be greater than 0 and at most {MAX_PRICE}")
    return f"{value:f}"


def to_money(value: Any, currency: str) -> Money | None:
    """A WooCommerce price ("12.50", 12.5 or "") as Money; None when absent.

    Not `shop_settings.from_major`: a site may hold a price that is not a number
    (plugins write the meta directly), which reads as None here instead of raising."""
    if not currency or not is_known_currency(currency) or value in (None, ""):
        return None
    try:
        scaled = Decimal(str(value)).scaleb(exponent(currency))
    except InvalidOperation:
        return None
    return Money(currency, int(scaled.to_integral_value()))


def check_stock(quantity: int) -> int:
    if not 0 <= quantity <= MAX_STOCK:
        raise permanent(f"stock must be from 0 to {MAX_STOCK}")
    return quantity


def validate_draft(shop: ShopAuth, draft: ListingDraft) -> None:
    check_title(WORDS, draft, MAX_NAME)
    # Not check_variant_counts: its messages say "variant" throughout, WooCommerce's
    # limit says "variations" and it has no option-type limit.
    if not draft.variants:
        raise permanent("a listing needs at least one variant")
    if len(draft.variants) > MAX_VARIATIONS:
        raise permanent(f"more than {MAX_VARIATIONS} variations")
    if not draft.option_names and len(draft.variants) != 1:
        raise permanent("several variants need option names (attributes)")
    skus = [v.seller_sku for v in draft.variants]
    if draft.option_names:
        skus.append(draft.seller_sku)  # the variable product's own SKU
    if any(not s for s in skus) or len(set(skus)) != len(skus):
        raise permanent("seller SKUs (product and variations) must be present and unique")
    check_distinct_options(WORDS, draft)
    for v in draft.variants:
        check_option_values(WORDS, draft, v)
        to_price(shop, v.price)
        check_stock(v.stock)
