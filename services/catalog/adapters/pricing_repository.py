"""SQL access for a tenant's pricing rules."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import delete, insert, select

from services.catalog.adapters.tables import pricing_rules
from services.catalog.domain.pricing_model import PricingRule
from services.common.db import DbConnection
from services.common.platforms import Platform


def _row_to_rule(row: Any) -> PricingRule:
    return PricingRule(
        platform=Platform(row.platform),
        market=row.market,
        multiplier=Decimal(row.multiplier),
        fixed_add_minor=row.fixed_add_minor,
        rounding_step_minor=row.rounding_step_minor,
        charm_ending_minor=row.charm_ending_minor,
        min_price_minor=row.min_price_minor,
        max_price_minor=row.max_price_minor,
    )


class PricingRuleRepository:
    def __init__(self, session: DbConnection) -> None:
        self.session = session

    async def for_market(self, tenant_id: str, market: str) -> list[PricingRule]:
        rows = await self.session.execute(
            select(pricing_rules)
            .where(pricing_rules.c.tenant_id == tenant_id, pricing_rules.c.market == market)
            .order_by(pricing_rules.c.platform)
        )
        return [_row_to_rule(r) for r in rows]

    async def put(self, tenant_id: str, rule: PricingRule) -> None:
        """Insert or replace the tenant's rule for (platform, market)."""
        # Delete + insert instead of a dialect-specific upsert: rules change rarely and
        # the surrounding write transaction makes the pair atomic.
        await self.session.execute(
            delete(pricing_rules).where(
                pricing_rules.c.tenant_id == tenant_id,
                pricing_rules.c.platform == rule.platform.value,
                pricing_rules.c.market == rule.market,
            )
        )
        await self.session.execute(
            insert(pricing_rules).values(
                tenant_id=tenant_id,
                platform=rule.platform.value,
                market=rule.market,
                multiplier=str(rule.multiplier),
                fixed_add_minor=rule.fixed_add_minor,
                rounding_step_minor=rule.rounding_step_minor,
                charm_ending_minor=rule.charm_ending_minor,
                min_price_minor=rule.min_price_minor,
                max_price_minor=rule.max_price_minor,
                updated_at=datetime.now(UTC),
            )
        )
