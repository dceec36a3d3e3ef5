from __future__ import annotations

import pytest

from services.common.money import format_decimal_amount, parse_decimal_amount


@pytest.mark.parametrize(
    ("text", "currency", "minor"),
    [
        ("150000.00", "IDR", 150000),
        ("150000", "IDR", 150000),
        ("12.34", "MYR", 1234),
        ("0", "USD", 0),
        (" 7.5 ", "SGD", 750),
    ],
)
def test_parse(text: str, currency: str, minor: int) -> None:
    assert parse_decimal_amount(text, currency) == minor


@pytest.mark.parametrize(
    ("text", "currency"),
    [("1.5", "IDR"), ("1.234", "USD"), ("abc", "IDR"), ("nan", "IDR"), ("", "IDR")],
)
def test_parse_rejects(text: str, currency: str) -> None:
    with pytest.raises(ValueError):
        parse_decimal_amount(text, currency)


def test_format_always_two_decimals_like_shopify() -> None:
    assert format_decimal_amount(150000, "IDR") == "150000.00"
    assert format_decimal_amount(1234, "MYR") == "12.34"
