"""SQL for the stock ledger. Levels change only through conditional updates (DESIGN §10)."""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import and_, bindparam, delete, func, insert, select, update

from services.common.db import DbConnection
from services.common.platforms import Platform
from services.inventory.adapters.tables import (
    channel_buffers,
    ledger,
    locations,
    reservations,
    skus,
    stock_levels,
    tenant_settings,
)
from services.inventory.domain.model import (
    Allocation,
    ChannelBuffer,
    Level,
    Location,
    OrderRef,
    Reservation,
    ReservationState,
    SkuRecord,
)

# Hot statements are built once: building and cache-keying a statement costs more than
# running it (measured under the inventory benchmark).
_SKU = select(skus).where(skus.c.tenant_id == bindparam("t"), skus.c.sku == bindparam("s"))
_SKUS = select(skus).where(
    skus.c.tenant_id == bindparam("t"), skus.c.sku.in_(bindparam("skus", expanding=True))
)
# Locks the SKU rows in SKU order, so two multi-line orders never deadlock on PostgreSQL
# (SQLite omits FOR UPDATE; its writers are serialised by BEGIN IMMEDIATE).
_LOCK_SKUS = _SKUS.order_by(skus.c.sku).with_for_update()
_LEVELS = (
    select(stock_levels)
    .where(
        stock_levels.c.tenant_id == bindparam("t"),
        stock_levels.c.sku.in_(bindparam("skus", expanding=True)),
    )
    .order_by(stock_levels.c.sku, stock_levels.c.location_id)
)
_LOCATIONS = (
    select(locations)
    .where(locations.c.tenant_id == bindparam("t"))
    .order_by(locations.c.created_at, locations.c.code)
)
_BUFFERS = select(channel_buffers).where(channel_buffers.c.tenant_id == bindparam("t"))
_SETTINGS = select(tenant_settings.c.default_threshold, tenant_settings.c.settings_version).where(
    tenant_settings.c.tenant_id == bindparam("t")
)
_SET_VERSION = (
    update(skus)
    .where(skus.c.tenant_id == bindparam("t"), skus.c.sku == bindparam("s"))
    .values(version=bindparam("v"), low_alerted=bindparam("low"))
)
_LEVEL_KEY = and_(
    stock_levels.c.tenant_id == bindparam("t"),
    stock_levels.c.sku == bindparam("s"),
    stock_levels.c.location_id == bindparam("l"),
)
_NEW_ON_HAND = stock_levels.c.on_hand + bindparam("dh")
_NEW_RESERVED = stock_levels.c.reserved + bindparam("dr")
_CHANGE_BACKORDER = (
    update(stock_levels)
    .where(_LEVEL_KEY, _NEW_ON_HAND >= 0, _NEW_RESERVED >= 0)
    .values(on_hand=_NEW_ON_HAND, reserved=_NEW_RESERVED)
    .returning(stock_levels.c.on_hand, stock_levels.c.reserved)
)
_CHANGE = _CHANGE_BACKORDER.where(_NEW_ON_HAND - _NEW_RESERVED >= 0)
_RESERVATION = select(reservations).where(
    reservations.c.tenant_id == bindparam("t"),
    reservations.c.platform == bindparam("p"),
    reservations.c.shop_id == bindparam("shop"),
    reservations.c.order_id == bindparam("o"),
)


def _aware(value: datetime) -> datetime:
    return value if value.tzinfo else value.replace(tzinfo=UTC)


def _sku_record(row: Any) -> SkuRecord:
    return SkuRecord(
        sku=row.sku,
        product_id=row.product_id,
        active=row.active,
        allow_backorder=row.allow_backorder,
        threshold=row.threshold,
        low_alerted=row.low_alerted,
        version=row.version,
        catalog_revision=row.catalog_revision,
    )


def _location(row: Any) -> Location:
    return Location(
        id=row.id,
        code=row.code,
        name=row.name,
        is_default=row.is_default,
        feeds=[Platform(p) for p in row.feeds.split(",") if p],
        created_at=_aware(row.created_at),
    )


class InventoryRepository:
    """One connection's view of one tenant's stock; every query is tenant-scoped."""

    def __init__(self, conn: DbConnection, tenant_id: str) -> None:
        self.conn = conn
        self.tenant = tenant_id

    # --- SKUs -------------------------------------------------------------------------
    async def sku(self, sku: str) -> SkuRecord | None:
        row = (await self.conn.execute(_SKU, {"t": self.tenant, "s": sku})).first()
        return None if row is None else _sku_record(row)

    async def skus(self, wanted: Sequence[str], *, lock: bool = False) -> dict[str, SkuRecord]:
        """Records of these SKUs; with `lock`, row-locked in SKU order until commit."""
        found: dict[str, SkuRecord] = {}
        ordered = sorted(set(wanted)) if lock else list(wanted)
        for start in range(0, len(ordered), 500):
            rows = await self.conn.execute(
                _LOCK_SKUS if lock else _SKUS,
                {"t": self.tenant, "skus": ordered[start : start + 500]},
            )
            found.update({r.sku: _sku_record(r) for r in rows})
        return found

    async def put_sku(self, record: SkuRecord, *, new: bool) -> None:
        values = {
            "product_id": record.product_id,
            "active": record.active,
            "allow_backorder": record.allow_backorder,
            "threshold": record.threshold,
            "low_alerted": record.low_alerted,
            "catalog_revision": record.catalog_revision,
        }
        if new:
            await self.conn.execute(
                insert(skus).values(tenant_id=self.tenant, sku=record.sku, version=0, **values)
            )
        else:
            await self.conn.execute(
                update(skus)
                .where(skus.c.tenant_id == self.tenant, skus.c.sku == record.sku)
                .values(**values)
            )

    async def set_versions(self, records: Sequence[SkuRecord]) -> None:
        """Store versions and alert flags of locked SKUs (one batched statement)."""
        if records:
            await self.conn.execute(
                _SET_VERSION,
                [
                    {"t": self.tenant, "s": r.sku, "v": r.version, "low": r.low_alerted}
                    for r in records
                ],
            )

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

    # --- levels -----------------------------------------------------------------------
    async def levels(self, wanted: Sequence[str]) -> dict[str, list[Level]]:
        found: dict[str, list[Level]] = {sku: [] for sku in wanted}
        for start in range(0, len(wanted), 500):
            rows = await self.conn.execute(
                _LEVELS, {"t": self.tenant, "skus": list(wanted[start : start + 500])}
            )
            for r in rows:
                found[r.sku].append(Level(r.location_id, r.on_hand, r.reserved))
        return found

    async def has_levels(self, sku: str) -> bool:
        row = (
            await self.conn.execute(
                select(func.count())
                .select_from(stock_levels)
                .where(stock_levels.c.tenant_id == self.tenant, stock_levels.c.sku == sku)
            )
        ).scalar_one()
        return bool(row)

    async def ensure_level(self, sku: str, location_id: str) -> None:
        exists = (
            await self.conn.execute(
                select(stock_levels.c.sku).where(
                    stock_levels.c.tenant_id == self.tenant,
                    stock_levels.c.sku == sku,
                    stock_levels.c.location_id == location_id,
                )
            )
        ).first()
        if exists is None:
            await self.conn.execute(
                insert(stock_levels).values(
                    tenant_id=self.tenant, sku=sku, location_id=location_id, on_hand=0, reserved=0
                )
            )

    async def change_level(
        self, sku: str, location_id: str, d_on_hand: int, d_reserved: int, *, backorder: bool
    ) -> tuple[int, int] | None:
        """Apply the deltas if the result keeps the invariants; the new levels, or None.

        The condition is part of the UPDATE itself, so concurrent writers can never
        both pass it: PostgreSQL re-checks it after waiting for the row lock, and SQLite
        writers are serialised by BEGIN IMMEDIATE.
        """
        row = (
            await self.conn.execute(
                _CHANGE_BACKORDER if backorder else _CHANGE,
                {"t": self.tenant, "s": sku, "l": location_id, "dh": d_on_hand, "dr": d_reserved},
            )
        ).first()
        return None if row is None else (int(row.on_hand), int(row.reserved))

    # --- ledger -----------------------------------------------------------------------
    async def append_ledger(self, entries: list[dict[str, Any]]) -> None:
        if entries:
            await self.conn.execute(
                insert(ledger), [{"tenant_id": self.tenant, **e} for e in entries]
            )

    async def ledger_page(
        self,
        sku: str,
        since: datetime | None,
        until: datetime | None,
        source: str | None,
        after_id: int,
        limit: int,
    ) -> list[Any]:
        conditions = [ledger.c.tenant_id == self.tenant, ledger.c.id > after_id]
        if sku:
            conditions.append(ledger.c.sku == sku)
        if since is not None:
            conditions.append(ledger.c.created_at >= since)
        if until is not None:
            conditions.append(ledger.c.created_at < until)
        if source:
            conditions.append(ledger.c.source == source)
        rows = await self.conn.execute(
            select(ledger).where(and_(*conditions)).order_by(ledger.c.id).limit(limit)
        )
        return list(rows)

    async def ledger_sums(self, sku: str) -> dict[str, tuple[int, int]]:
        """Per location, the sum of every ledger delta (equals the level: tested)."""
        rows = await self.conn.execute(
            select(
                ledger.c.location_id,
                func.sum(ledger.c.delta_on_hand).label("on_hand"),
                func.sum(ledger.c.delta_reserved).label("reserved"),
            )
            .where(ledger.c.tenant_id == self.tenant, ledger.c.sku == sku)
            .group_by(ledger.c.location_id)
        )
        return {r.location_id: (int(r.on_hand), int(r.reserved)) for r in rows}

    # --- reservations -----------------------------------------------------------------
    async def reservation(self, order: OrderRef) -> Reservation | None:
        row = (
            await self.conn.execute(
                _RESERVATION,
                {
                    "t": self.tenant,
                    "p": order.platform.value,
                    "shop": order.shop_id,
                    "o": order.order_id,
                },
            )
        ).first()
        if row is None:
            return None
        detail = json.loads(row.detail)
        return Reservation(
            order=order,
            state=ReservationState(row.state),
            lines={k: int(v) for k, v in detail["lines"].items()},
            allocations=[Allocation(s, loc, int(q)) for s, loc, q in detail["allocations"]],
            created_at=_aware(row.created_at),
            updated_at=_aware(row.updated_at),
        )

    async def put_reservation(self, reservation: Reservation, *, new: bool) -> None:
        order = reservation.order
        detail = json.dumps(
            {
                "lines": reservation.lines,
                "allocations": [
                    [a.sku, a.location_id, a.quantity] for a in reservation.allocations
                ],
            },
            sort_keys=True,
        )
        key = {
            "tenant_id": self.tenant,
            "platform": order.platform.value,
            "shop_id": order.shop_id,
            "order_id": order.order_id,
        }
        values = {
            "state": reservation.state.value,
            "detail": detail,
            "updated_at": reservation.updated_at,
        }
        if new:
            await self.conn.execute(
                insert(reservations).values(**key, **values, created_at=reservation.created_at)
            )
        else:
            await self.conn.execute(
                update(reservations)
                .where(*(reservations.c[k] == v for k, v in key.items()))
                .values(**values)
            )

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
