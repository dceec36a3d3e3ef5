"""SKU, level and ledger queries. Levels change only through conditional updates (DESIGN §10)."""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import and_, bindparam, func, insert, select, text, update

from services.common.db.driver_query import DriverQuery
from services.common.db.list_param import in_list
from services.common.db.sqlite_driver_query import SqliteDriverQuery
from services.inventory.adapters.repository_base import RepositoryBase
from services.inventory.adapters.tables import ledger, skus, stock_levels
from services.inventory.domain.model import Level, SkuRecord

# Hot statements are built once: building and cache-keying a statement costs more than
# running it (measured under the inventory benchmark).
_SKU = select(skus).where(skus.c.tenant_id == bindparam("t"), skus.c.sku == bindparam("s"))
_SKUS = select(skus).where(skus.c.tenant_id == bindparam("t"), in_list(skus.c.sku, "skus"))
_LEVELS = (
    select(stock_levels)
    .where(
        stock_levels.c.tenant_id == bindparam("t"),
        in_list(stock_levels.c.sku, "skus"),
    )
    .order_by(stock_levels.c.sku, stock_levels.c.location_id)
)


# What a stock read needs in one statement, on SQLite: the SKU records, their levels
# (one row per level, or one row with NULL levels for a SKU without any) and the
# tenant's settings stamp. Three statements cost a GetStock about a fifth of its time;
# through SQLAlchemy this one cost it about a sixth of its CPU, so it runs on pysqlite.
# No row locks: a writer's BEGIN IMMEDIATE (sent when its transaction begins, before
# this read) already serialises writers, so `seen_version` is never stale here.
_SNAPSHOT_SQLITE = SqliteDriverQuery(
    """
    SELECT s.*, l.location_id, l.on_hand, l.reserved, s.version AS seen_version,
           (SELECT default_threshold FROM tenant_settings WHERE tenant_id = :t)
               AS default_threshold,
           (SELECT settings_version FROM tenant_settings WHERE tenant_id = :t)
               AS settings_version
    FROM skus AS s
    LEFT OUTER JOIN stock_levels AS l ON l.tenant_id = s.tenant_id AND l.sku = s.sku
    WHERE s.tenant_id = :t AND s.sku IN (SELECT value FROM json_each(:skus))
    ORDER BY s.sku, l.location_id
    """
)
# The same read on PostgreSQL, one primary-key lookup per SKU: LATERAL subqueries with
# LIMIT 1 or OFFSET 0 are never flattened into joins, so the plan cannot depend on the
# statistics. The join above was planned, with a new tenant's stale statistics, as a
# scan of all the tenant's SKUs joined to a scan of all its levels for each of them
# (auto_explain under the benchmark: 2-3 ms a read for 200 SKUs, growing as SKUs
# times levels). With `FOR UPDATE`, each SKU row is locked as it is found, in the
# order of the sorted array, so two multi-line orders never deadlock.
#
# `seen_version` is the SKU's version in the statement's snapshot, `version` that of the
# row returned, which FOR UPDATE makes the newest: they differ when a writer committed to
# the SKU while this statement waited for its lock. The levels then come from the older
# snapshot (a locked row is refreshed, its unlocked neighbours are not), so `snapshot`
# reads them again; every change to levels bumps the version in the same transaction.
_SNAPSHOT_PG = """
    SELECT s.*, l.location_id, l.on_hand, l.reserved,
           (SELECT version FROM skus WHERE tenant_id = :t AND sku = k.sku) AS seen_version,
           (SELECT default_threshold FROM tenant_settings WHERE tenant_id = :t)
               AS default_threshold,
           (SELECT settings_version FROM tenant_settings WHERE tenant_id = :t)
               AS settings_version
    FROM unnest(CAST(:skus AS text[])) AS k(sku)
    CROSS JOIN LATERAL (
        SELECT * FROM skus WHERE tenant_id = :t AND sku = k.sku LIMIT 1 {lock}
    ) AS s
    LEFT JOIN LATERAL (
        SELECT location_id, on_hand, reserved FROM stock_levels
        WHERE tenant_id = :t AND sku = k.sku OFFSET 0
    ) AS l ON true
    ORDER BY s.sku, l.location_id
"""
_SNAPSHOTS_PG = {
    False: DriverQuery(text(_SNAPSHOT_PG.format(lock=""))),
    True: DriverQuery(text(_SNAPSHOT_PG.format(lock="FOR UPDATE"))),
}
# One level's primary key (its compare-and-set in stock_writes uses it too).
LEVEL_KEY = and_(
    stock_levels.c.tenant_id == bindparam("t"),
    stock_levels.c.sku == bindparam("s"),
    stock_levels.c.location_id == bindparam("l"),
)
_NEW_ON_HAND = stock_levels.c.on_hand + bindparam("dh")
_NEW_RESERVED = stock_levels.c.reserved + bindparam("dr")
_CHANGE_BACKORDER = (
    update(stock_levels)
    .where(LEVEL_KEY, _NEW_ON_HAND >= 0, _NEW_RESERVED >= 0)
    .values(on_hand=_NEW_ON_HAND, reserved=_NEW_RESERVED)
    .returning(stock_levels.c.on_hand, stock_levels.c.reserved)
)
_CHANGE = _CHANGE_BACKORDER.where(_NEW_ON_HAND - _NEW_RESERVED >= 0)


@dataclass
class StockSnapshot:
    """SKU records and levels read together, with the settings stamp of the same read."""

    records: dict[str, SkuRecord]
    levels: dict[str, list[Level]]
    # (default threshold, settings version); None when no SKU was found.
    stamp: tuple[int | None, int] | None


def _sku_record(row: Any) -> SkuRecord:
    """A SKU row (read by column name) as a record."""
    return SkuRecord(
        sku=row["sku"],
        product_id=row["product_id"],
        # bool(): SQLite's own rows carry 0 or 1.
        active=bool(row["active"]),
        allow_backorder=bool(row["allow_backorder"]),
        threshold=row["threshold"],
        low_alerted=bool(row["low_alerted"]),
        version=row["version"],
        catalog_revision=row["catalog_revision"],
    )


class StockQueries(RepositoryBase):
    """SKU records, stock levels and the ledger."""

    # --- SKUs -------------------------------------------------------------------------
    async def sku(self, sku: str) -> SkuRecord | None:
        row = (await self.conn.execute(_SKU, {"t": self.tenant, "s": sku})).first()
        return None if row is None else _sku_record(row._mapping)

    async def skus(self, wanted: Sequence[str]) -> dict[str, SkuRecord]:
        found: dict[str, SkuRecord] = {}
        ordered = list(wanted)
        for start in range(0, len(ordered), 500):
            rows = await self.conn.execute(
                _SKUS, {"t": self.tenant, "skus": ordered[start : start + 500]}
            )
            found.update({r.sku: _sku_record(r._mapping) for r in rows})
        return found

    async def snapshot(self, wanted: Sequence[str], *, lock: bool = False) -> StockSnapshot:
        """Records and levels of these SKUs (unknown ones absent) and the settings stamp;
        with `lock`, the SKU rows are row-locked in SKU order until commit."""
        found = StockSnapshot({}, {}, None)
        ordered = sorted(set(wanted)) if lock else list(dict.fromkeys(wanted))
        postgres = self.conn.dialect.name == "postgresql"
        stale: list[str] = []
        for start in range(0, len(ordered), 500):
            params = {"t": self.tenant, "skus": ordered[start : start + 500]}
            rows: Sequence[Any]
            if postgres:
                rows = await _SNAPSHOTS_PG[lock].fetch(self.conn, params)
            else:
                params["skus"] = json.dumps(params["skus"])
                rows = await _SNAPSHOT_SQLITE.fetch(self.conn, params)
            for r in rows:
                sku = r["sku"]
                if sku not in found.records:
                    found.records[sku] = _sku_record(r)
                    found.levels[sku] = []
                    found.stamp = (r["default_threshold"], int(r["settings_version"] or 0))
                    if r["seen_version"] != r["version"]:
                        stale.append(sku)
                if r["location_id"] is not None:
                    found.levels[sku].append(Level(r["location_id"], r["on_hand"], r["reserved"]))
        if stale:  # a writer committed while we waited for the lock: a fresh read
            found.levels.update(await self.levels(stale))
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
