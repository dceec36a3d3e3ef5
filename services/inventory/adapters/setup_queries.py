"""Setup queries: locations, channel buffers, thresholds, the settings stamp, listing."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from sqlalchemy import and_, bindparam, delete, func, insert, select, update

from services.common.platforms import Platform
from services.inventory.adapters.repository_base import RepositoryBase, aware
from services.inventory.adapters.tables import (
    channel_buffers,
    locations,
    skus,
    stock_levels,
    tenant_settings,
)
from services.inventory.domain.model import ChannelBuffer, Location

_LOCATIONS = (
    select(locations)
    .where(locations.c.tenant_id == bindparam("t"))
    .order_by(locations.c.created_at, locations.c.code)
)
_BUFFERS = select(channel_buffers).where(channel_buffers.c.tenant_id == bindparam("t"))
_SETTINGS = select(tenant_settings.c.default_threshold, tenant_settings.c.settings_version).where(
    tenant_settings.c.tenant_id == bindparam("t")
)


def _location(row: Any) -> Location:
    return Location(
        id=row.id,
        code=row.code,
        name=row.name,
        is_default=row.is_default,
        feeds=[Platform(p) for p in row.feeds.split(",") if p],
        created_at=aware(row.created_at),
    )


class SetupQueries(RepositoryBase):
    """A tenant's locations, buffers, thresholds and SKU listings."""

    # --- locations --------------------------------------------------------------------
    async def locations(self) -> list[Location]:
        return [_location(r) for r in await self.conn.execute(_LOCATIONS, {"t": self.tenant})]

    async def settings_stamp(self) -> tuple[int | None, int]:
        """(default threshold, settings version) in one read."""
        row = (await self.conn.execute(_SETTINGS, {"t": self.tenant})).first()
        if row is None:
            return None, 0
        return row.default_threshold, int(row.settings_version)

    async def _touch_settings(self, **values: Any) -> None:
        """Bump the settings version (creating the tenant's row on first use)."""
        exists = (await self.conn.execute(_SETTINGS, {"t": self.tenant})).first()
        if exists is None:
            await self.conn.execute(
                insert(tenant_settings).values(tenant_id=self.tenant, settings_version=1, **values)
            )
        else:
            await self.conn.execute(
                update(tenant_settings)
                .where(tenant_settings.c.tenant_id == self.tenant)
                .values(settings_version=tenant_settings.c.settings_version + 1, **values)
            )

    async def add_location(self, location: Location) -> None:
        if location.is_default:
            await self.conn.execute(
                update(locations)
                .where(locations.c.tenant_id == self.tenant)
                .values(is_default=False)
            )
        await self.conn.execute(
            insert(locations).values(
                id=location.id,
                tenant_id=self.tenant,
                code=location.code,
                name=location.name,
                is_default=location.is_default,
                feeds=",".join(p.value for p in location.feeds),
                created_at=location.created_at,
            )
        )
        await self._touch_settings()

    # --- buffers and thresholds ---------------------------------------------------------
    async def buffers(self) -> list[ChannelBuffer]:
        rows = await self.conn.execute(_BUFFERS, {"t": self.tenant})
        return [
            ChannelBuffer(
                platform=Platform(r.platform),
                shop_id=r.shop_id,
                sku=r.sku,
                units=r.units,
                percent=None if r.percent is None else Decimal(r.percent),
            )
            for r in rows
        ]

    async def put_buffer(self, buffer: ChannelBuffer) -> None:
        key = {
            "tenant_id": self.tenant,
            "platform": buffer.platform.value,
            "shop_id": buffer.shop_id,
            "sku": buffer.sku,
        }
        await self.conn.execute(
            delete(channel_buffers).where(*(channel_buffers.c[k] == v for k, v in key.items()))
        )
        await self.conn.execute(
            insert(channel_buffers).values(
                **key,
                units=buffer.units,
                percent=None if buffer.percent is None else str(buffer.percent),
            )
        )
        await self._touch_settings()

    async def set_default_threshold(self, value: int) -> None:
        await self._touch_settings(default_threshold=value)

    async def set_sku_threshold(self, sku: str, value: int) -> None:
        await self.conn.execute(
            update(skus)
            .where(skus.c.tenant_id == self.tenant, skus.c.sku == sku)
            .values(threshold=value)
        )

    # --- listing ----------------------------------------------------------------------
    async def sku_page(self, location_id: str, offset: int, limit: int) -> tuple[list[str], int]:
        """SKU names (optionally only those stocked at a location), in order, with a total."""
        query = select(skus.c.sku).where(skus.c.tenant_id == self.tenant)
        if location_id:
            query = query.where(
                skus.c.sku.in_(
                    select(stock_levels.c.sku).where(
                        stock_levels.c.tenant_id == self.tenant,
                        stock_levels.c.location_id == location_id,
                    )
                )
            )
        total = (
            await self.conn.execute(select(func.count()).select_from(query.subquery()))
        ).scalar_one()
        rows = await self.conn.execute(query.order_by(skus.c.sku).offset(offset).limit(limit))
        return [r.sku for r in rows], int(total)

    async def low_stock_skus(self, location_id: str, default_threshold: int) -> list[str]:
        """SKUs whose total available is at or below their threshold."""
        available = func.coalesce(
            func.sum(stock_levels.c.on_hand - stock_levels.c.reserved), 0
        ).label("available")
        threshold = func.coalesce(skus.c.threshold, default_threshold)
        query = (
            select(skus.c.sku)
            .select_from(
                skus.outerjoin(
                    stock_levels,
                    and_(
                        stock_levels.c.tenant_id == skus.c.tenant_id,
                        stock_levels.c.sku == skus.c.sku,
                    ),
                )
            )
            .where(skus.c.tenant_id == self.tenant)
            .group_by(skus.c.sku, skus.c.threshold)
            .having(available <= threshold)
            .order_by(skus.c.sku)
        )
        found = [r.sku for r in await self.conn.execute(query)]
        if location_id:
            stocked = {
                r.sku
                for r in await self.conn.execute(
                    select(stock_levels.c.sku).where(
                        stock_levels.c.tenant_id == self.tenant,
                        stock_levels.c.location_id == location_id,
                    )
                )
            }
            found = [s for s in found if s in stocked]
        return found
