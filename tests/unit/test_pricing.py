"""Pricing rules: defaults, exact decimal arithmetic, rounding, charm endings, guards."""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st

from services.catalog.domain.pricing import (
    DEFAULT_MULTIPLIERS,
    apply_charm,
    apply_rule,
    default_rule,
    resolve_rule,
    validate_rule,
)
from services.catalog.domain.pricing_model import PricingRule
from services.common.money import Money
from services.common.platforms import Platform

IDR_150K = Money("IDR", 150_000)


def rule(**kwargs: object) -> PricingRule:
    fields: dict[str, object] = {"platform": Platform.SHOPEE, "market": "ID"}
    fields.update(kwargs)
    return PricingRule(**fields)  # type: ignore[arg-type]


def test_default_multipliers_cover_every_platform():
    assert DEFAULT_MULTIPLIERS[Platform.SHOPEE] == Decimal("1.15")
    assert DEFAULT_MULTIPLIERS[Platform.TIKTOK_SHOP] == Decimal("1.20")
    for platform in (Platform.TOKOPEDIA, Platform.LAZADA, Platform.SHOPIFY, Platform.WOOCOMMERCE):
        assert DEFAULT_MULTIPLIERS[platform] == Decimal("1.00")
    assert set(DEFAULT_MULTIPLIERS) == set(Platform)


def test_default_rule_shape():
    r = default_rule(Platform.SHOPEE, "id")
    assert r.is_default
    assert r.market == "ID"
    assert r.multiplier == Decimal("1.15")
    assert r.rounding_step_minor == 1
    assert r.fixed_add_minor == 0
    assert (r.charm_ending_minor, r.min_price_minor, r.max_price_minor) == (None, None, None)


def test_150k_idr_lists_at_172500_on_shopee_and_180000_on_tiktok():
    assert apply_rule(default_rule(Platform.SHOPEE, "ID"), IDR_150K) == Money("IDR", 172_500)
    assert apply_rule(default_rule(Platform.TIKTOK_SHOP, "ID"), IDR_150K) == Money("IDR", 180_000)
    for platform in (Platform.TOKOPEDIA, Platform.LAZADA, Platform.SHOPIFY, Platform.WOOCOMMERCE):
        assert apply_rule(default_rule(platform, "ID"), IDR_150K) == IDR_150K


def test_default_step_rounds_fractions_to_whole_rupiah_half_up():
    # 99,999 * 1.15 = 114,998.85 -> 114,999; 10,001 * 1.15 = 11,501.15 -> 11,501
    r = default_rule(Platform.SHOPEE, "ID")
    assert apply_rule(r, Money("IDR", 99_999)).amount_minor == 114_999
    assert apply_rule(r, Money("IDR", 10_001)).amount_minor == 11_501
    # 30 * 1.15 = 34.5 exactly: half-up gives 35 where banker's rounding would give 34.
    assert apply_rule(r, Money("IDR", 30)).amount_minor == 35


def test_rounding_step_1000_is_half_up():
    r = rule(multiplier=Decimal("1.15"), rounding_step_minor=1000)
    assert apply_rule(r, IDR_150K).amount_minor == 173_000  # 172,500 -> up
    assert apply_rule(rule(rounding_step_minor=1000), Money("IDR", 172_499)).amount_minor == 172_000
    # 2,500 is a tie: half-up goes to 3,000 where half-even would go to 2,000.
    assert apply_rule(rule(rounding_step_minor=1000), Money("IDR", 2_500)).amount_minor == 3_000


def test_fixed_add_applies_before_rounding():
    r = rule(multiplier=Decimal("1.15"), fixed_add_minor=2_000, rounding_step_minor=1000)
    assert apply_rule(r, IDR_150K).amount_minor == 175_000  # 174,500 -> 175,000


def test_multiplier_is_exact_decimal_not_float():
    # 0.1 + 0.2 style float error would show up at this size.
    r = rule(multiplier=Decimal("1.1"))
    assert apply_rule(r, Money("IDR", 123_456_789_012)).amount_minor == 135_802_467_913
    assert isinstance(apply_rule(r, Money("IDR", 3)).amount_minor, int)


def test_result_keeps_base_currency():
    r = rule(market="MY", multiplier=Decimal("1.15"))
    assert apply_rule(r, Money("MYR", 1999)) == Money("MYR", 2299)  # 2298.85 -> 2299


def test_charm_ending_never_lowers_the_price():
    assert apply_rule(rule(multiplier=Decimal("1.15"), charm_ending_minor=900), IDR_150K) == Money(
        "IDR", 172_900
    )
    # step 1000 then charm 900: 173,000 -> 173,900 (the next price ending in 900).
    stepped = rule(multiplier=Decimal("1.15"), rounding_step_minor=1000, charm_ending_minor=900)
    assert apply_rule(stepped, IDR_150K).amount_minor == 173_900


@pytest.mark.parametrize(
    ("amount", "charm", "expected"),
    [
        (172_900, 900, 172_900),  # already ends in the charm: unchanged
        (172_901, 900, 173_900),
        (1_234, 99, 1_299),
        (1_200, 99, 1_299),
        (1_231, 0, 1_240),  # charm 0 means "ends in 0"
        (1_230, 0, 1_230),
        (0, 900, 900),
        (5, 9, 9),
    ],
)
def test_apply_charm(amount: int, charm: int, expected: int):
    assert apply_charm(amount, charm) == expected


def test_min_and_max_guards_clamp_last():
    assert apply_rule(rule(min_price_minor=200_000), IDR_150K).amount_minor == 200_000
    assert apply_rule(rule(max_price_minor=100_000), IDR_150K).amount_minor == 100_000
    # The guard wins over the charm ending.
    guarded = rule(charm_ending_minor=999, max_price_minor=150_500)
    assert apply_rule(guarded, IDR_150K).amount_minor == 150_500
    inside = rule(min_price_minor=1, max_price_minor=10**9)
    assert apply_rule(inside, IDR_150K) == IDR_150K


def test_negative_result_is_floored_at_zero():
    assert apply_rule(rule(fixed_add_minor=-10_000), Money("IDR", 5_000)).amount_minor == 0


def test_validate_rule_accepts_defaults_and_sane_rules():
    for platform in Platform:
        assert validate_rule(default_rule(platform, "ID")) == []
    sane = rule(
        multiplier=Decimal("1.5"),
        rounding_step_minor=1000,
        charm_ending_minor=900,
        min_price_minor=1000,
        max_price_minor=1000,
    )
    assert validate_rule(sane) == []


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"multiplier": Decimal(0)}, "rule.multiplier"),
        ({"multiplier": Decimal("-1.2")}, "rule.multiplier"),
        ({"multiplier": Decimal("100.01")}, "rule.multiplier"),
        ({"multiplier": Decimal("NaN")}, "rule.multiplier"),
        ({"multiplier": Decimal("Infinity")}, "rule.multiplier"),
        ({"rounding_step_minor": 0}, "rule.rounding_step_minor"),
        ({"charm_ending_minor": -1}, "rule.charm_ending_minor"),
        ({"charm_ending_minor": 10**9}, "rule.charm_ending_minor"),
        ({"charm_ending_minor": 9, "rounding_step_minor": 1000}, "rule.charm_ending_minor"),
        ({"min_price_minor": -1}, "rule.min_price_minor"),
        ({"max_price_minor": -1}, "rule.max_price_minor"),
        ({"min_price_minor": 2, "max_price_minor": 1}, "rule.min_price_minor"),
        ({"market": "XX"}, "rule.market"),
        ({"market": ""}, "rule.market"),
    ],
)
def test_validate_rule_rejects(kwargs: dict[str, object], field: str):
    violations = validate_rule(rule(**kwargs))
    assert [v.field for v in violations] == [field]


def test_validate_rule_reports_every_problem_with_custom_prefix():
    bad = rule(multiplier=Decimal(0), rounding_step_minor=0, market="ZZ")
    fields = {v.field for v in validate_rule(bad, prefix="rules[3]")}
    assert fields == {"rules[3].multiplier", "rules[3].rounding_step_minor", "rules[3].market"}


def test_resolve_rule_prefers_tenant_rule_for_platform_and_market():
    own = rule(multiplier=Decimal("1.3"))
    others = [
        rule(platform=Platform.LAZADA, multiplier=Decimal("2")),
        rule(market="MY", multiplier=Decimal("3")),
    ]
    assert resolve_rule([*others, own], Platform.SHOPEE, "ID") is own
    assert resolve_rule([*others, own], Platform.SHOPEE, "id") is own
    fallback = resolve_rule(others, Platform.SHOPEE, "ID")
    assert fallback == default_rule(Platform.SHOPEE, "ID")
    assert resolve_rule([], Platform.TIKTOK_SHOP, "MY") == default_rule(Platform.TIKTOK_SHOP, "MY")


@given(
    amount=st.integers(min_value=0, max_value=10**12),
    multiplier=st.decimals(min_value="0.01", max_value="100", places=2),
    step=st.sampled_from([1, 10, 100, 500, 1000]),
    fixed=st.integers(min_value=-1000, max_value=10_000),
)
def test_apply_rule_matches_exact_rational_reference(
    amount: int, multiplier: Decimal, step: int, fixed: int
):
    r = rule(multiplier=multiplier, rounding_step_minor=step, fixed_add_minor=fixed)
    exact = Fraction(amount) * Fraction(multiplier) + fixed
    # Reference ROUND_HALF_UP on the exact rational: ties go away from zero.
    units = exact / step
    floor = units.numerator // units.denominator
    frac = units - floor
    if units >= 0:
        expected = floor + (1 if frac >= Fraction(1, 2) else 0)
    else:
        expected = floor + (1 if frac > Fraction(1, 2) else 0)
    assert apply_rule(r, Money("IDR", amount)).amount_minor == max(expected * step, 0)
