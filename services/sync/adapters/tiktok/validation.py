"""TikTok Shop payload checks before anything is sent, and money as decimal strings.

Limits (MARKETPLACES.md §2.4): ≤ 300 SKUs per product for BR/EU/JP/MX/UK/US shops, ≤ 100
elsewhere; ≤ 3 sales attribute types; inventory quantity ≤ 99,999 (⚠ the doc writes
"[1, 99,999]"; 0 is sent for sold-out SKUs). ⚠ Title length: not in MARKETPLACES.md; we
reject > 255 characters.
"""

from __future__ import annotations

import re
from functools import partial
from typing import Any

from services.common.money import (
    Money,
    format_decimal_amount,
    is_known_currency,
    parse_decimal_amount,
)
from services.common.platforms import Platform
from services.sync.adapters import draft_checks as checks
from services.sync.adapters import errors
from services.sync.adapters.base import ListingDraft, ShopAuth
from services.sync.adapters.shop_settings import check_price, credentials

MAX_TITLE = 255
MAX_ATTRIBUTES = 3
# Partial Edit Product ([ECDOCS] lazykern/ecommerce-api-docs
# data/raw/tiktok/api-reference/products/partial-edit-product.spec.json): title length
# "DE, ES, FR, IE, IT, JP, UK, US: [1, 255]; BR, MX: [1, 300]; Other regions: [25, 255]";
# description HTML "Max length: 10,000 characters", "Max 30 <img> tags"; Chinese
# characters refused in the title (12052262) and the description (12052346).
SHORT_TITLE_REGIONS = {"DE", "ES", "FR", "IE", "IT", "JP", "UK", "GB", "US"}
MIN_TITLE_ELSEWHERE = 25
MAX_DESCRIPTION = 10_000
MAX_DESCRIPTION_IMAGES = 30
CHINESE = re.compile(r"[\u4e00-\u9fff]")  # ⚠ the CJK unified ideographs block
IMG_TAG = re.compile(r"<img\b", re.IGNORECASE)
MAX_QUANTITY = 99_999
WIDE_REGIONS = {"BR", "EU", "JP", "MX", "UK", "GB", "US"}
WORDS = checks.DraftWords(
    Platform.TIKTOK_SHOP,
    variant="SKU",
    option="sales attribute",
    option_types="sales attribute types",
    mismatch_option="attribute",
)


# permanent(message, code="validation"): TikTok's failure found before any request.
permanent = partial(errors.permanent, Platform.TIKTOK_SHOP)


def max_skus(shop: ShopAuth) -> int:
    return 300 if shop.app.get("region", "").upper() in WIDE_REGIONS else 100


def price_wire(shop: ShopAuth, price: Money) -> dict[str, str]:
    """`{"amount": "12.50", "currency": "SGD"}`, checked against the shop's currency."""
    check_price(shop, Platform.TIKTOK_SHOP, price)
    return {
        "amount": format_decimal_amount(price.amount_minor, price.currency),
        "currency": price.currency,
    }


def to_money(price: Any) -> Money | None:
    if not isinstance(price, dict):
        return None
    currency, amount = str(price.get("currency") or ""), price.get("amount")
    if not is_known_currency(currency) or not isinstance(amount, str):
        return None
    try:
        return Money(currency, parse_decimal_amount(amount, currency))
    except ValueError:
        return None


def check_quantity(quantity: int) -> int:
    if not 0 <= quantity <= MAX_QUANTITY:
        raise permanent(f"stock must be between 0 and {MAX_QUANTITY}")
    return quantity


def validate_draft(shop: ShopAuth, draft: ListingDraft) -> None:
    checks.check_title(WORDS, draft, MAX_TITLE)
    checks.check_variant_counts(
        WORDS, draft, max_skus(shop), MAX_ATTRIBUTES, why=" for this shop's region"
    )
    if not draft.category_id:
        raise permanent("category_id is required")
    if len(draft.images) > 9:
        raise permanent("at most 9 main images")
    checks.check_seller_skus(WORDS, draft)
    checks.check_distinct_options(WORDS, draft)
    for v in draft.variants:
        checks.check_option_values(WORDS, draft, v)
        price_wire(shop, v.price)
        check_quantity(v.stock)


def app_key_of(shop: ShopAuth) -> str:
    (app_key,) = credentials(shop, Platform.TIKTOK_SHOP, "app_key")
    return app_key


def edit_description(draft: ListingDraft) -> str:
    """The description create and partial_edit send: the draft's, else its title."""
    return draft.description or draft.title


def package_weight(draft: ListingDraft) -> dict[str, str] | None:
    """`{"value": "0.3", "unit": "KILOGRAM"}` (KILOGRAM: ≤ 3 decimals), None without one."""
    grams = draft.package_grams()
    return {"value": f"{grams / 1000:g}", "unit": "KILOGRAM"} if grams else None


def validate_edit(shop: ShopAuth, draft: ListingDraft) -> None:
    """validate_draft, and the partial_edit limits that need no read of the product."""
    validate_draft(shop, draft)
    description = edit_description(draft)
    if len(description) > MAX_DESCRIPTION:
        raise permanent(f"description longer than {MAX_DESCRIPTION} characters")
    if len(IMG_TAG.findall(description)) > MAX_DESCRIPTION_IMAGES:
        raise permanent(f"more than {MAX_DESCRIPTION_IMAGES} <img> tags in the description")
    if CHINESE.search(draft.title) or CHINESE.search(description):
        raise permanent("Chinese characters are not allowed in the title or description")


def check_new_title(shop: ShopAuth, title: str) -> None:
    """A title partial_edit will send: at least 25 characters outside DE/ES/FR/IE/IT/JP/
    UK/US and BR/MX. Checked only for a changed title (create does not check it, so an
    existing product may keep a shorter one)."""
    region = shop.app.get("region", "").upper()
    if region in SHORT_TITLE_REGIONS or region in {"BR", "MX"}:
        return
    if len(title) < MIN_TITLE_ELSEWHERE:
        raise permanent(
            f"title shorter than {MIN_TITLE_ELSEWHERE} characters for this shop's region"
        )
