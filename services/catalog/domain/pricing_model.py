"""Pricing rules: how a master price becomes a platform price in one market."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from services.common.platforms import Platform


@dataclass(frozen=True)
class PricingRule:
    """price = round_to_step(base * multiplier + fixed_add), charm ending, then guards.

    Amounts are minor units of the market's currency. `charm_ending` (e.g. 900 for
    prices ending in ...900) applies after rounding; `min_price`/`max_price` clamp last.
    """

    platform: Platform
    market: str
    multiplier: Decimal = Decimal("1")
    fixed_add_minor: int = 0
    rounding_step_minor: int = 1
    charm_ending_minor: int | None = None
    min_price_minor: int | None = None
    max_price_minor: int | None = None
    is_default: bool = False
