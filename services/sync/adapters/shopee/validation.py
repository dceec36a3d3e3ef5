"""Payload checks before anything is sent, and Shopee's major-unit money conversions."""

from __future__ import annotations

from functools import partial
from typing import Any

from services.common.money import Money
from services.common.platforms import Platform
from services.sync.adapters import errors
from services.sync.adapters.base import ListingDraft, ShopAuth
from services.sync.adapters.shop_settings import check_price, from_major, major_units

MAX_TITLE = 120
MAX_MODELS = 50
MAX_TIERS = 2


# permanent(message, code="validation"): Shopee's failure found before any request.
permanent = partial(errors.permanent, Platform.SHOPEE)


def to_major(shop: ShopAuth, price: Money) -> float:
    """A price in Shopee's major units (a JSON number), checked against the shop's currency."""
    check_price(shop, Platform.SHOPEE, price)
    return float(major_units(price))


def to_money(value: Any, currency: str) -> Money | None:
    return from_major(value, currency)


def check_stock(quantity: int) -> int:
    if quantity < 0:
        raise permanent("stock must be >= 0")
    return quantity


def weight_kg(draft: ListingDraft) -> float:
    grams = draft.weight_grams or max((v.weight_grams or 0) for v in draft.variants)
    return grams / 1000


def validate_draft(shop: ShopAuth, draft: ListingDraft) -> None:
    if not draft.title.strip():
        raise permanent("title is empty")
    if len(draft.title) > MAX_TITLE:
        raise permanent(f"title longer than {MAX_TITLE} characters")
    if not draft.variants:
        raise permanent("a listing needs at least one variant")
    if len(draft.variants) > MAX_MODELS:
        raise permanent(f"more than {MAX_MODELS} variants")
    if len(draft.option_names) > MAX_TIERS:
        raise permanent(f"more than {MAX_TIERS} variation tiers")
    if not draft.option_names and len(draft.variants) != 1:
        raise permanent("several variants need option names")
    try:
        int(draft.category_id)
    except ValueError as exc:
        raise permanent("category_id must be a Shopee category id") from exc
    skus = [v.seller_sku for v in draft.variants]
    if any(not s for s in skus) or len(set(skus)) != len(skus):
        raise permanent("variant seller SKUs must be present and unique")
    combos = {tuple(v.option_values) for v in draft.variants}
    if len(combos) != len(draft.variants):
        raise permanent("two variants have the same option values")
    for v in draft.variants:
        if len(v.option_values) != len(draft.option_names):
            raise permanent(f"{v.seller_sku}: option values do not match option names")
        to_major(shop, v.price)
        if v.stock < 0:
            raise permanent(f"{v.seller_sku}: stock must be >= 0")
    if weight_kg(draft) <= 0:
        raise permanent("weight is required")
