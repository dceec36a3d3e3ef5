"""Money as integer minor units plus an ISO 4217 currency; never floats."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

# Minor-unit exponents for the currencies our marketplaces trade in. IDR and VND are
# priced in whole units by every marketplace we target, so they carry no minor unit
# here even though ISO 4217 lists two decimals for IDR.
CURRENCY_EXPONENTS: dict[str, int] = {
    "IDR": 0,
    "VND": 0,
    "JPY": 0,
    "KRW": 0,
    "TWD": 0,
    "MYR": 2,
    "SGD": 2,
    "THB": 2,
    "PHP": 2,
    "USD": 2,
    "EUR": 2,
    "GBP": 2,
    "AUD": 2,
    "CAD": 2,
    "CNY": 2,
    "HKD": 2,
    "INR": 2,
    "BRL": 2,
    "MXN": 2,
}

# Marketplace market (ISO 3166 country) -> local currency.
MARKET_CURRENCIES: dict[str, str] = {
    "ID": "IDR",
    "MY": "MYR",
    "SG": "SGD",
    "TH": "THB",
    "PH": "PHP",
    "VN": "VND",
    "US": "USD",
    "GB": "GBP",
}


@dataclass(frozen=True, order=True)
class Money:
    currency: str
    amount_minor: int

    def with_amount(self, amount_minor: int) -> Money:
        return Money(self.currency, amount_minor)


def is_known_currency(currency: str) -> bool:
    return currency in CURRENCY_EXPONENTS


def exponent(currency: str) -> int:
    """Minor-unit exponent of a known currency (KeyError for unknown ones)."""
    return CURRENCY_EXPONENTS[currency]


def parse_decimal_amount(text: str, currency: str) -> int:
    """Parse a major-unit decimal string ("150000.00") into minor units.

    Raises ValueError when the text is not a number or has more precision than the
    currency's minor unit ("1.5" IDR is not a whole rupiah).
    """
    try:
        value = Decimal(text.strip())
    except InvalidOperation as exc:
        raise ValueError(f"not a number: {text!r}") from exc
    if not value.is_finite():
        raise ValueError(f"not a finite number: {text!r}")
    scaled = value.scaleb(exponent(currency))
    if scaled != scaled.to_integral_value():
        raise ValueError(f"{text!r} has more decimals than {currency} allows")
    return int(scaled)


def format_decimal_amount(amount_minor: int, currency: str) -> str:
    """Format minor units as a major-unit decimal string with two decimals at least.

    Shopify's CSV always writes two decimals ("150000.00"), whatever the currency.
    """
    exp = exponent(currency)
    value = Decimal(amount_minor).scaleb(-exp)
    return f"{value:.{max(exp, 2)}f}"
