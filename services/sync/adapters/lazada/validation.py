"""Payload checks before anything is sent, and LazOP's major-unit money conversions.

⚠ MARKETPLACES.md gives no Lazada title or SKU-count limits; the checks here are the
ones any listing needs (title, unique SKUs, price > 0, stock >= 0, numeric category),
plus a 255-character name cap as a conservative bound. Two checks come from the
UpdateProduct API page's error list ([ECDOCS] `data/raw/lazada/apis/product-api/
updateproduct.json`): 4129 BIZ_CHECK_PROP_SPECIAL_CHAR (no "<" in the name) and 4116
BIZ_CHECK_MAIN_IMAGE_DUPLICATE (no repeated image).
"""

from __future__ import annotations

from functools import partial

from services.common.money import Money
from services.common.platforms import Platform
from services.sync.adapters import draft_checks as checks
from services.sync.adapters import errors
from services.sync.adapters.base import ListingDraft, ShopAuth
from services.sync.adapters.shop_settings import check_price, major_units

MAX_TITLE = 255
WORDS = checks.DraftWords(Platform.LAZADA)


# permanent(message, code="validation"): Lazada's failure found before any request.
permanent = partial(errors.permanent, Platform.LAZADA)


def to_major(shop: ShopAuth, price: Money) -> str:
    """A price as LazOP's decimal string in major units, checked against the shop."""
    check_price(shop, Platform.LAZADA, price)
    return str(major_units(price))


def check_stock(quantity: int) -> int:
    if quantity < 0:
        raise permanent("stock must be >= 0")
    return quantity


def validate_draft(shop: ShopAuth, draft: ListingDraft) -> None:
    checks.check_title(WORDS, draft, MAX_TITLE)
    if "<" in draft.title:
        raise permanent('title contains "<", which Lazada refuses (4129)')
    if len(set(draft.images)) != len(draft.images):
        raise permanent("an image is listed twice, which Lazada refuses (4116)")
    if draft.weight_grams < 0:
        raise permanent("weight must be >= 0")
    if not draft.variants:
        raise permanent("a listing needs at least one variant")
    if not draft.category_id.isdigit():
        raise permanent("category_id must be a Lazada PrimaryCategory id")
    checks.check_seller_skus(WORDS, draft)
    for v in draft.variants:
        to_major(shop, v.price)
        if v.stock < 0:
            raise permanent(f"{v.seller_sku}: stock must be >= 0")
        if v.weight_grams is not None and v.weight_grams < 0:
            raise permanent(f"{v.seller_sku}: weight must be >= 0")
