"""Pricing rules and what a product becomes on one platform in one market."""

from __future__ import annotations

from typing import Any

from services.catalog.adapters.pricing_repository import PricingRuleRepository
from services.catalog.adapters.repository import ProductRepository
from services.catalog.domain.listing import PlatformListing, build_platform_listing
from services.catalog.domain.model import Product
from services.catalog.domain.pricing import default_rule, validate_rule
from services.catalog.domain.pricing_model import PricingRule
from services.catalog.service.deps import CatalogDeps
from services.common.auth import Principal
from services.common.db import DbConnection
from services.common.errors import InvalidArgument, NotFound
from services.common.idempotency import IdempotencyKey, run_idempotent
from services.common.money import MARKET_CURRENCIES
from services.common.platforms import Platform


class ListingService:
    def __init__(self, deps: CatalogDeps) -> None:
        self.deps = deps

    def _market(self, market: str, field: str = "market") -> str:
        market = (market or self.deps.default_market).upper()
        if market not in MARKET_CURRENCIES:
            raise InvalidArgument.single(
                field, f"unknown market {market!r}; one of {', '.join(sorted(MARKET_CURRENCIES))}"
            )
        return market

    async def set_rule(
        self, caller: Principal, rule: PricingRule, key: IdempotencyKey | None
    ) -> PricingRule:
        violations = validate_rule(rule)
        if violations:
            raise InvalidArgument(violations)

        async def work(session: DbConnection) -> dict[str, Any]:
            await PricingRuleRepository(session).put(caller.tenant_id, rule)
            return {"platform": rule.platform.value, "market": rule.market}

        await run_idempotent(
            self.deps.db,
            caller.tenant_id,
            "SetPricingRule",
            key,
            work,
            conflict_message="pricing rule changed concurrently; retry",
        )
        return rule

    async def rules(self, caller: Principal, market: str) -> list[PricingRule]:
        """The tenant's rules for a market; built-in defaults where it set none."""
        market = self._market(market)
        async with self.deps.db.reader() as session:
            own = {
                r.platform: r
                for r in await PricingRuleRepository(session).for_market(caller.tenant_id, market)
            }
        return [own.get(p) or default_rule(p, market) for p in Platform]

    async def platform_listing(
        self, caller: Principal, product_id: str, platform: Platform, market: str
    ) -> tuple[PlatformListing, Product]:
        market = self._market(market)
        if not product_id:
            raise InvalidArgument.single("product_id", "required")
        async with self.deps.db.reader() as session:
            product = await ProductRepository(session).get(caller.tenant_id, product_id)
            if product is None:
                raise NotFound(f"product {product_id!r} not found")
            rules = await PricingRuleRepository(session).for_market(caller.tenant_id, market)
        return build_platform_listing(product, platform, market, rules), product
