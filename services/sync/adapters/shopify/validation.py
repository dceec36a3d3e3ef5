"""Checks before anything is sent, and Shopify's money strings.

Limits: title ≤ 255 characters (⚠ Shopify's product title limit, not in MARKETPLACES.md);
≤ 3 options; ≤ 250 variants per create, because every input array of the Admin API is
capped at 250 items (shopify.dev API limits; a product may hold up to 2048 variants,
but one productSet call carries at most 250 — more would need further calls, not done
here); price 0 ≤ p ≤ 10^9 ⚠ conservative; stock 0 ≤ q ≤ 10^9 (inventory quantities
are bounded by ±10^9 ⚠). Seller SKUs must be present and unique within a draft (Shopify
itself does not enforce unique SKUs; the adapter finds listings by SKU).
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from services.common.money import Money
from services.common.platforms import Platform
from services.sync.adapters import errors, shop_settings
from services.sync.adapters.base import ListingDraft, ShopAuth
from services.sync.adapters.draft_checks import DraftWords, check_seller_skus, check_title
from services.sync.adapters.errors import AdapterError

MAX_TITLE = 255
MAX_OPTIONS = 3
MAX_VARIANTS = 250
MAX_PRICE = Decimal(10**9)
MAX_STOCK = 10**9
WORDS = DraftWords(Platform.SHOPIFY)


def permanent(message: str, code: str = "validation") -> AdapterError:
    return errors.permanent(Platform.SHOPIFY, message, code)


def credential(shop: ShopAuth, *names: str) -> tuple[str, ...]:
    return shop_settings.credentials(shop, Platform.SHOPIFY, *names)


def to_amount(shop: ShopAuth, price: Money) -> str:
    """A price as Shopify's `Money` scalar (decimal string), checked against the shop.

    Unlike the shared `check_price`, 0 is allowed: Shopify sells free variants."""
    shop_settings.check_currency(shop, Platform.SHOPIFY, price)
    amount = shop_settings.major_units(price)
    if amount < 0 or amount > MAX_PRICE:
        raise permanent(f"price must be between 0 and {MAX_PRICE}")
    return str(amount)


def to_money(value: Any, currency: str) -> Money | None:
    return shop_settings.from_major(value, currency)


def check_stock(quantity: int) -> None:
    if not 0 <= quantity <= MAX_STOCK:
        raise permanent(f"stock must be between 0 and {MAX_STOCK}")


def validate_draft(shop: ShopAuth, draft: ListingDraft) -> None:
    check_title(WORDS, draft, MAX_TITLE)
    # Not check_variant_counts: Shopify takes several variants without option names
    # (each becomes a "Title" value of its own SKU).
    if not draft.variants:
        raise permanent("a listing needs at least one variant")
    if len(draft.variants) > MAX_VARIANTS:
        raise permanent(f"more than {MAX_VARIANTS} variants in one create")
    if len(draft.option_names) > MAX_OPTIONS:
        raise permanent(f"more than {MAX_OPTIONS} options")
    check_seller_skus(WORDS, draft)
    combos = set()
    for v in draft.variants:
        if draft.option_names and len(v.option_values) != len(draft.option_names):
            raise permanent(f"{v.seller_sku}: one value per option is required")
        combos.add(tuple(v.option_values))
        to_amount(shop, v.price)
        check_stock(v.stock)
    if len(combos) != len(draft.variants) and len(draft.variants) > 1:
        raise permanent("variants must differ in their option values")
