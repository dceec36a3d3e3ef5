"""What adapters read from a shop's settings (credentials, currency) and check prices against.

Each is PERMANENT when wrong (a missing credential, a price the shop cannot take): found
before any request, never retried. Major-unit conversions serve the platforms that send
prices as decimals of the currency's main unit (Shopee, Lazada).
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from services.common.money import Money, exponent, is_known_currency
from services.common.platforms import Platform
from services.sync.adapters.base import ShopAuth
from services.sync.adapters.errors import permanent


def shop_currency(shop: ShopAuth) -> str:
    """`shop.app["currency"]`; "" when unset (prices are then not checked against it)."""
    return shop.app.get("currency", "")


def credentials(shop: ShopAuth, platform: Platform, *names: str) -> tuple[str, ...]:
    """The shop's `app` values under `names`, in that order; PERMANENT when one is missing."""
    try:
        return tuple(shop.app[name] for name in names)
    except KeyError as exc:
        raise permanent(platform, f"shop credentials need {' and '.join(names)}") from exc


def check_currency(shop: ShopAuth, platform: Platform, price: Money) -> None:
    """In the shop's currency (when set), and a known currency."""
    currency = shop_currency(shop)
    if currency and price.currency != currency:
        raise permanent(platform, f"price currency {price.currency} is not the shop's {currency}")
    if not is_known_currency(price.currency):
        raise permanent(platform, f"unknown currency {price.currency}")


def check_price(shop: ShopAuth, platform: Platform, price: Money) -> None:
    """In the shop's currency (when set), a known currency, and above zero."""
    check_currency(shop, platform, price)
    if price.amount_minor <= 0:
        raise permanent(platform, "price must be greater than 0")


def major_units(price: Money) -> Decimal:
    """The amount in the currency's main unit (1250 SGD cents -> 12.50), exactly."""
    return Decimal(price.amount_minor).scaleb(-exponent(price.currency))


def from_major(value: Any, currency: str) -> Money | None:
    """A main-unit amount read back as Money; None when absent or the currency is unknown."""
    if not currency or not is_known_currency(currency) or value in (None, ""):
        return None
    scaled = Decimal(str(value)).scaleb(exponent(currency))
    return Money(currency, int(scaled.to_integral_value()))
