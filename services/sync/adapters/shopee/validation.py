"""Payload checks before anything is sent, and Shopee's major-unit money conversions."""

from __future__ import annotations

from functools import partial

from services.common.money import Money
from services.common.platforms import Platform
from services.sync.adapters import draft_checks as checks
from services.sync.adapters import errors
from services.sync.adapters.base import ListingDraft, ShopAuth
from services.sync.adapters.shop_settings import check_price, major_units

MAX_TITLE = 120
# ⚠ Shopee gives description limits per shop and category (v2.product.get_item_limit,
# [SHP-SCHEMA] congminh1254/shopee-sdk schemas/v2.product.get_item_limit.json); 2000 is
# that schema's sample `item_description_length_limit.max_limit`, checked before an edit.
MAX_DESCRIPTION = 2000
MAX_MODELS = 50
MAX_TIERS = 2
WORDS = checks.DraftWords(Platform.SHOPEE, option_types="variation tiers")


# permanent(message, code="validation"): Shopee's failure found before any request.
permanent = partial(errors.permanent, Platform.SHOPEE)


def to_major(shop: ShopAuth, price: Money) -> float:
    """A price in Shopee's major units (a JSON number), checked against the shop's currency."""
    check_price(shop, Platform.SHOPEE, price)
    return float(major_units(price))


def check_stock(quantity: int) -> int:
    if quantity < 0:
        raise permanent("stock must be >= 0")
    return quantity


def weight_kg(draft: ListingDraft) -> float:
    return draft.package_grams() / 1000


def validate_draft(shop: ShopAuth, draft: ListingDraft) -> None:
    checks.check_title(WORDS, draft, MAX_TITLE)
    checks.check_variant_counts(WORDS, draft, MAX_MODELS, MAX_TIERS)
    try:
        int(draft.category_id)
    except ValueError as exc:
        raise permanent("category_id must be a Shopee category id") from exc
    checks.check_seller_skus(WORDS, draft)
    checks.check_distinct_options(WORDS, draft)
    for v in draft.variants:
        checks.check_option_values(WORDS, draft, v)
        to_major(shop, v.price)
        if v.stock < 0:
            raise permanent(f"{v.seller_sku}: stock must be >= 0")
    if weight_kg(draft) <= 0:
        raise permanent("weight is required")


def edit_description(draft: ListingDraft) -> str:
    """The description update_item and add_item send: the draft's, else its title."""
    return draft.description or draft.title


def validate_edit(shop: ShopAuth, draft: ListingDraft) -> None:
    """validate_draft, and the update_item limits (MAX_DESCRIPTION)."""
    validate_draft(shop, draft)
    if len(edit_description(draft)) > MAX_DESCRIPTION:
        raise permanent(f"description longer than {MAX_DESCRIPTION} characters")
