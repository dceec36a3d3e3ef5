"""The checks the marketplace adapters share: shop settings (credentials, currency, prices
in main units), per-SKU batch bookkeeping, webhook bodies and listing-draft checks."""

from __future__ import annotations

from decimal import Decimal

import pytest

from services.common.money import Money
from services.common.platforms import Platform
from services.sync.adapters import draft_checks as checks
from services.sync.adapters.base import (
    ListingDraft,
    ListingVariant,
    PriceUpdate,
    ShopAuth,
    StockUpdate,
)
from services.sync.adapters.batch_results import checked_values, item_results
from services.sync.adapters.errors import AdapterError, FailureKind, permanent
from services.sync.adapters.shop_settings import (
    check_price,
    credentials,
    from_major,
    major_units,
    shop_currency,
)
from services.sync.adapters.webhook_body import json_object

LAZ = Platform.LAZADA


def _shop(**app: str) -> ShopAuth:
    return ShopAuth(LAZ, "1", app)


def _refused(call: object, *args: object) -> AdapterError:
    assert callable(call)
    with pytest.raises(AdapterError) as caught:
        call(*args)
    assert caught.value.kind is FailureKind.PERMANENT
    assert caught.value.platform is LAZ
    return caught.value


def test_permanent_keeps_platform_message_and_code() -> None:
    error = permanent(LAZ, "bad", "why")
    assert (error.kind, error.platform, error.platform_message, error.code) == (
        FailureKind.PERMANENT,
        LAZ,
        "bad",
        "why",
    )
    assert permanent(LAZ, "bad").code == "validation"


def test_credentials_in_order_or_permanent() -> None:
    shop = _shop(app_key="k", app_secret="s")
    assert credentials(shop, LAZ, "app_key", "app_secret") == ("k", "s")
    error = _refused(credentials, _shop(app_key="k"), LAZ, "app_key", "app_secret")
    assert error.platform_message == "shop credentials need app_key and app_secret"


def test_prices_checked_against_the_shop() -> None:
    assert shop_currency(_shop()) == ""
    check_price(_shop(), LAZ, Money("IDR", 1500))  # no shop currency: any known one
    check_price(_shop(currency="SGD"), LAZ, Money("SGD", 1))
    assert "not the shop's SGD" in str(
        _refused(check_price, _shop(currency="SGD"), LAZ, Money("MYR", 100))
    )
    _refused(check_price, _shop(), LAZ, Money("XXX", 100))
    _refused(check_price, _shop(), LAZ, Money("SGD", 0))


def test_main_units_round_trip() -> None:
    assert major_units(Money("SGD", 1250)) == Decimal("12.50")
    assert major_units(Money("IDR", 15000)) == Decimal("15000")
    assert from_major("12.50", "SGD") == Money("SGD", 1250)
    assert from_major(12.5, "SGD") == Money("SGD", 1250)
    for value, currency in ((None, "SGD"), ("", "SGD"), ("1", ""), ("1", "XXX")):
        assert from_major(value, currency) is None


def test_batch_bookkeeping_last_update_wins_one_result_per_sku() -> None:
    def wire(s: StockUpdate) -> int:
        if s.quantity < 0:
            raise permanent(LAZ, "negative")
        return s.quantity

    updates = [StockUpdate("A", -1), StockUpdate("B", 2), StockUpdate("A", 3), StockUpdate("C", -5)]
    values, invalid = checked_values(updates, wire)
    assert values == {"A": 3, "B": 2}
    assert set(invalid) == {"C"}
    sent_error = permanent(LAZ, "platform said no")
    results = item_results(updates, {"A": None, "B": sent_error}, invalid)
    assert [r.seller_sku for r in results] == ["A", "B", "C"]
    assert [r.ok for r in results] == [True, False, False]
    assert results[1].error is sent_error and results[2].error is invalid["C"]


def test_batch_bookkeeping_takes_prices_too() -> None:
    prices = [PriceUpdate("A", Money("SGD", 100))]
    values, invalid = checked_values(prices, lambda p: str(major_units(p.price)))
    assert values == {"A": "1.00"} and not invalid


@pytest.mark.parametrize(
    ("raw", "message"),
    [(b"not json", "push body is not JSON"), (b"[1, 2]", "push body is not a JSON object")],
)
def test_webhook_body_must_be_a_json_object(raw: bytes, message: str) -> None:
    error = _refused(json_object, LAZ, raw, "push")
    assert (error.platform_message, error.code) == (message, "bad_push")
    assert json_object(LAZ, b'{"a": 1}') == {"a": 1}
    assert _refused(json_object, LAZ, b"\xff").code == "bad_webhook"


def _draft(*variants: ListingVariant, options: tuple[str, ...] = ("Size",)) -> ListingDraft:
    return ListingDraft("P", "Shirt", "", "1", "", (), options, variants)


def _variant(sku: str, *values: str) -> ListingVariant:
    return ListingVariant(sku, values, Money("SGD", 100), 1)


def test_draft_checks_speak_the_platforms_words() -> None:
    tiktok = checks.DraftWords(
        LAZ, variant="SKU", option="sales attribute", mismatch_option="attribute"
    )
    plain = checks.DraftWords(LAZ, option_types="variation tiers")
    assert (
        _refused(checks.check_variant_counts, tiktok, _draft(), 3, 3).platform_message
        == "a listing needs at least one SKU"
    )
    many = _draft(_variant("A", "S"), _variant("B", "M"), _variant("C", "L"))
    assert (
        _refused(checks.check_variant_counts, plain, many, 2, 2).platform_message
        == "more than 2 variants"
    )
    deep = _draft(_variant("A", "S", "red", "x"), options=("a", "b", "c"))
    assert (
        _refused(checks.check_variant_counts, plain, deep, 5, 2).platform_message
        == "more than 2 variation tiers"
    )
    bare = _draft(_variant("A"), _variant("B"), options=())
    assert (
        _refused(checks.check_variant_counts, tiktok, bare, 5, 2).platform_message
        == "several SKUs need sales attribute names"
    )
    twins = _draft(_variant("A", "S"), _variant("A", "M"))
    assert (
        _refused(checks.check_seller_skus, tiktok, twins).platform_message
        == "SKU seller SKUs must be present and unique"
    )
    same = _draft(_variant("A", "S"), _variant("B", "S"))
    assert (
        _refused(checks.check_distinct_options, tiktok, same).platform_message
        == "two SKUs have the same sales attribute values"
    )
    odd = _draft(_variant("A", "S", "extra"))
    assert (
        _refused(checks.check_option_values, tiktok, odd, odd.variants[0]).platform_message
        == "A: attribute values do not match attribute names"
    )
    assert (
        _refused(checks.check_title, plain, _draft(), 3).platform_message
        == "title longer than 3 characters"
    )
