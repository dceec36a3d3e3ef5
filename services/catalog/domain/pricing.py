"""Platform pricing: defaults, applying a rule to a master price, validating rules."""

from __future__ import annotations

from collections.abc import Iterable
from decimal import ROUND_HALF_UP, Decimal, localcontext
from types import MappingProxyType
from typing import Final

from services.catalog.domain.pricing_model import PricingRule
from services.common.errors import FieldViolation
from services.common.money import MARKET_CURRENCIES, Money
from services.common.platforms import Platform

# Marketplace fees differ; these markups keep the margin roughly level across channels.
_MARKUPS: Final = {Platform.SHOPEE: Decimal("1.15"), Platform.TIKTOK_SHOP: Decimal("1.20")}
DEFAULT_MULTIPLIERS: Final[MappingProxyType[Platform, Decimal]] = MappingProxyType(
    {platform: _MARKUPS.get(platform, Decimal("1.00")) for platform in Platform}
)

MAX_MULTIPLIER: Final = Decimal(100)
# Charm endings beyond nine digits are certainly typos, not price points.
MAX_CHARM_ENDING: Final = 10**9 - 1


def default_rule(platform: Platform, market: str) -> PricingRule:
    """The built-in rule for a platform and market: default multiplier, 1-minor-unit step."""
    # One minor unit of any currency is 1 in minor units (a whole rupiah for IDR), so
    # the default step never moves a price: it only settles the multiplier's fractions.
    return PricingRule(
        platform=platform,
        market=market.upper(),
        multiplier=DEFAULT_MULTIPLIERS[platform],
        rounding_step_minor=1,
        is_default=True,
    )


def charm_modulus(charm_ending_minor: int) -> int:
    """The power of ten a charm ending occupies: 900 -> 1000, 99 -> 100, 0 -> 10."""
    modulus: int = 10 ** len(str(charm_ending_minor))
    return modulus


def round_to_step(value: Decimal, step: int) -> int:
    """Nearest multiple of step (half away from zero, i.e. ROUND_HALF_UP)."""
    step = max(step, 1)
    with localcontext() as ctx:
        ctx.prec = 60  # exact for any realistic amount times a rule multiplier
        units = (value / step).quantize(Decimal(1), rounding=ROUND_HALF_UP)
    return int(units) * step


def apply_charm(amount_minor: int, charm_ending_minor: int) -> int:
    """Lowest price >= amount whose last digits are the charm ending (never lowers a price)."""
    # Rounding up rather than to the nearest keeps the rule's multiplier a floor on margin;
    # it costs the buyer at most modulus - 1 minor units.
    modulus = charm_modulus(charm_ending_minor)
    return amount_minor + (charm_ending_minor - amount_minor) % modulus


def apply_rule(rule: PricingRule, base: Money) -> Money:
    """The platform price of a master price under a rule, in the base's currency."""
    with localcontext() as ctx:
        ctx.prec = 60
        raw = Decimal(base.amount_minor) * rule.multiplier + rule.fixed_add_minor
    amount = round_to_step(raw, rule.rounding_step_minor)
    if rule.charm_ending_minor is not None:
        amount = apply_charm(amount, rule.charm_ending_minor)
    # Guards come last so a tenant's floor and ceiling always hold, even over a charm.
    if rule.min_price_minor is not None:
        amount = max(amount, rule.min_price_minor)
    if rule.max_price_minor is not None:
        amount = min(amount, rule.max_price_minor)
    # A negative fixed_add can push a cheap item below zero; no platform takes that.
    return base.with_amount(max(amount, 0))


def validate_rule(rule: PricingRule, prefix: str = "rule") -> list[FieldViolation]:
    """Every problem with a pricing rule, as field violations ("rule.multiplier", ...)."""
    out: list[FieldViolation] = []

    def add(name: str, description: str) -> None:
        out.append(FieldViolation(f"{prefix}.{name}", description))

    multiplier = rule.multiplier
    if not isinstance(multiplier, Decimal) or not multiplier.is_finite():
        add("multiplier", "must be a finite decimal number like 1.15")
    elif not Decimal(0) < multiplier <= MAX_MULTIPLIER:
        add("multiplier", f"must be above 0 and at most {MAX_MULTIPLIER}")
    if rule.rounding_step_minor < 1:
        add("rounding_step_minor", "must be at least 1 (one minor unit)")
    charm = rule.charm_ending_minor
    if charm is not None:
        if not 0 <= charm <= MAX_CHARM_ENDING:
            add("charm_ending_minor", f"must be between 0 and {MAX_CHARM_ENDING}")
        elif charm_modulus(charm) < rule.rounding_step_minor:
            # Step 1000 with charm 9 would print ...009: the charm must cover the digits
            # the step rounds away.
            add(
                "charm_ending_minor",
                f"must have at least as many digits as the rounding step "
                f"({rule.rounding_step_minor}) rounds away",
            )
    for name, value in (
        ("min_price_minor", rule.min_price_minor),
        ("max_price_minor", rule.max_price_minor),
    ):
        if value is not None and value < 0:
            add(name, "must not be negative")
    if (
        rule.min_price_minor is not None
        and rule.max_price_minor is not None
        and rule.min_price_minor > rule.max_price_minor
    ):
        add("min_price_minor", "must not be above max_price_minor")
    if rule.market not in MARKET_CURRENCIES:
        add("market", f"unknown market {rule.market!r}; one of {', '.join(MARKET_CURRENCIES)}")
    return out


def resolve_rule(rules: Iterable[PricingRule], platform: Platform, market: str) -> PricingRule:
    """The tenant's rule for (platform, market) if it has one, else the built-in default."""
    wanted_market = market.upper()
    for rule in rules:
        if rule.platform == platform and rule.market.upper() == wanted_market:
            return rule
    return default_rule(platform, wanted_market)
