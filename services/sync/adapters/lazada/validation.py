"""Payload checks before anything is sent, and LazOP's major-unit money conversions.

⚠ MARKETPLACES.md gives no Lazada title or SKU-count limits; the checks here are the
ones any listing needs (title, unique SKUs, price > 0, stock >= 0, numeric category),
plus a 255-character name cap as a conservative bound.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from services.common.money import Money, exponent, is_known_currency
from services.common.platforms import Platform
from services.sync.adapters.base import ListingDraft, ShopAuth
from services.sync.adapters.errors import AdapterError, FailureKind

MAX_TITLE = 255


def permanent(message: str, code: str = "validation") -> AdapterError:
    return AdapterError(FailureKind.PERMANENT, Platform.LAZADA, message, code=code)


def shop_currency(shop: ShopAuth) -> str:
    return shop.app.get("currency", "")


def to_major(shop: ShopAuth, price: Money) -> str:
    """A price as LazOP's decimal string in major units, checked against the shop."""
    currency = shop_currency(shop)
    if currency and price.currency != currency:
        raise permanent(f"price currency {price.currency} is not the shop's {currency}")
    if not is_known_currency(price.currency):
        raise permanent(f"unknown currency {price.currency}")
    if price.amount_minor <= 0:
        raise permanent("price must be greater than 0")
    return str(Decimal(price.amount_minor).scaleb(-exponent(price.currency)))


def to_money(value: Any, currency: str) -> Money | None:
    if not currency or not is_known_currency(currency) or value in (None, ""):
        return None
    scaled = Decimal(str(value)).scaleb(exponent(currency))
    return Money(currency, int(scaled.to_integral_value()))


def validate_draft(shop: ShopAuth, draft: ListingDraft) -> None:
    if not draft.title.strip():
        raise permanent("title is empty")
    if len(draft.title) > MAX_TITLE:
        raise permanent(f"title longer than {MAX_TITLE} characters")
    if not draft.variants:
        raise permanent("a listing needs at least one variant")
    if not draft.category_id.isdigit():
        raise permanent("category_id must be a Lazada PrimaryCategory id")
    skus = [v.seller_sku for v in draft.variants]
    if any(not s for s in skus) or len(set(skus)) != len(skus):
        raise permanent("variant seller SKUs must be present and unique")
    for v in draft.variants:
        to_major(shop, v.price)
        if v.stock < 0:
            raise permanent(f"{v.seller_sku}: stock must be >= 0")
