"""What a stock transaction writes at its end: levels (compare-and-set), ledger entries,
SKU versions, new reservations and the outbox's events.

On PostgreSQL all of it goes in one statement (data-modifying CTEs over arrays): each
round trip of a group commit also waits its turn on the service's event loop, about
1 ms a statement at 500 reservations/s (bench/inventory.py), more than the statements'
own work. SQLite runs them one by one: its statements are local calls.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import bindparam, insert, text, update

from services.common.db.driver_query import DriverQuery
from services.common.db.list_param import column_arrays
from services.common.events.outbox import (
    OUTBOX_ROWS_CTE_PG,
    PendingEvent,
    enqueue_many,
    outbox_arrays,
)
from services.inventory.adapters.reservation_queries import ReservationQueries, reservation_row
from services.inventory.adapters.stock_queries import LEVEL_KEY
from services.inventory.adapters.tables import ledger, skus, stock_levels
from services.inventory.domain.model import Level, Reservation, SkuRecord

# (sku, location, level as read, level to write)
LevelWrite = tuple[str, str, Level, Level]

_SET_VERSION = (
    update(skus)
    .where(skus.c.tenant_id == bindparam("t"), skus.c.sku == bindparam("s"))
    .values(version=bindparam("v"), low_alerted=bindparam("low"))
)
# Compare-and-set of one level: written only if nobody changed it since it was read.
_CAS_LEVEL = (
    update(stock_levels)
    .where(
        LEVEL_KEY,
        stock_levels.c.on_hand == bindparam("oh"),
        stock_levels.c.reserved == bindparam("orv"),
    )
    .values(on_hand=bindparam("nh"), reserved=bindparam("nr"))
    .returning(stock_levels.c.sku)
)
_LEDGER = insert(ledger)
# Each row is found by its primary key, one lookup per array element: a LATERAL
# subquery with LIMIT 1 is never flattened into a join, so the plan cannot depend on
# the statistics. A plain UPDATE ... FROM unnest() was planned, with a new tenant's
# stale statistics, as a scan of all the tenant's levels that rescanned the unnest for
# each one (auto_explain under the benchmark: 3-10 ms a group commit for 200 SKUs,
# growing with the catalog). The UPDATE then reaches the rows by ctid; a row another
# writer changed meanwhile has a new ctid and is not written, which the count reports.
# Ledger rows keep their order (ids follow it).
_WRITE_PG = DriverQuery(
    text(
        """
    WITH level_rows AS (
        SELECT v.nh, v.nr, found.row_id
        FROM unnest(CAST(:skus AS text[]), CAST(:locs AS text[]), CAST(:oh AS bigint[]),
                    CAST(:orv AS bigint[]), CAST(:nh AS bigint[]), CAST(:nr AS bigint[]))
             AS v(sku, loc, oh, orv, nh, nr)
        CROSS JOIN LATERAL (
            SELECT ctid AS row_id FROM stock_levels
            WHERE tenant_id = :t AND sku = v.sku AND location_id = v.loc
              AND on_hand = v.oh AND reserved = v.orv
            LIMIT 1
        ) AS found
    ), cas AS (
        UPDATE stock_levels AS l SET on_hand = level_rows.nh, reserved = level_rows.nr
        FROM level_rows WHERE l.ctid = level_rows.row_id
        RETURNING 1
    ), entries AS (
        INSERT INTO ledger (tenant_id, sku, location_id, delta_on_hand, delta_reserved,
                            on_hand_after, reserved_after, reason, source, reference,
                            actor, created_at)
        SELECT :t, e.sku, e.loc, e.dh, e.dr, e.oh, e.rv, e.reason, e.source, e.ref,
               e.actor, e.at
        FROM unnest(CAST(:e_sku AS text[]), CAST(:e_loc AS text[]),
                    CAST(:e_dh AS bigint[]), CAST(:e_dr AS bigint[]),
                    CAST(:e_oh AS bigint[]), CAST(:e_rv AS bigint[]),
                    CAST(:e_reason AS text[]), CAST(:e_source AS text[]),
                    CAST(:e_ref AS text[]), CAST(:e_actor AS text[]),
                    CAST(:e_at AS timestamptz[]))
             WITH ORDINALITY
             AS e(sku, loc, dh, dr, oh, rv, reason, source, ref, actor, at, n)
        ORDER BY e.n
    ), sku_rows AS (
        SELECT v.version, v.low, found.row_id
        FROM unnest(CAST(:v_sku AS text[]), CAST(:v_version AS bigint[]),
                    CAST(:v_low AS boolean[])) AS v(sku, version, low)
        CROSS JOIN LATERAL (
            SELECT ctid AS row_id FROM skus WHERE tenant_id = :t AND sku = v.sku LIMIT 1
        ) AS found
    ), versions AS (
        UPDATE skus AS s SET version = sku_rows.version, low_alerted = sku_rows.low
        FROM sku_rows WHERE s.ctid = sku_rows.row_id
    ), reservation_rows AS (
        INSERT INTO reservations (tenant_id, platform, shop_id, order_id, state, detail,
                                  created_at, updated_at)
        SELECT :t, r.platform, r.shop_id, r.order_id, r.state, r.detail, r.created_at,
               r.updated_at
        FROM unnest(CAST(:r_platform AS text[]), CAST(:r_shop AS text[]),
                    CAST(:r_order AS text[]), CAST(:r_state AS text[]),
                    CAST(:r_detail AS text[]), CAST(:r_created AS timestamptz[]),
                    CAST(:r_updated AS timestamptz[]))
             AS r(platform, shop_id, order_id, state, detail, created_at, updated_at)
    ), """
        + OUTBOX_ROWS_CTE_PG.strip()
        + """
    SELECT count(*) AS written FROM cas
    """
    )
)


# The array parameters of `_WRITE_PG`, and the row keys they are read from.
_LEVEL_PARAMS = {"skus": "sku", "locs": "loc", "oh": "oh", "orv": "orv", "nh": "nh", "nr": "nr"}
_VERSION_PARAMS = {"v_sku": "sku", "v_version": "v", "v_low": "low"}
_LEDGER_PARAMS = {
    "e_sku": "sku",
    "e_loc": "location_id",
    "e_dh": "delta_on_hand",
    "e_dr": "delta_reserved",
    "e_oh": "on_hand_after",
    "e_rv": "reserved_after",
    "e_reason": "reason",
    "e_source": "source",
    "e_ref": "reference",
    "e_actor": "actor",
    "e_at": "created_at",
}
_RESERVATION_PARAMS = {
    "r_platform": "platform",
    "r_shop": "shop_id",
    "r_order": "order_id",
    "r_state": "state",
    "r_detail": "detail",
    "r_created": "created_at",
    "r_updated": "updated_at",
}


class LevelConflict(Exception):
    """A level changed between read and write (compare-and-set failed): retry the work."""


@dataclass
class TransactionWrites:
    """Everything a stock transaction writes at its end."""

    levels: Sequence[LevelWrite] = ()
    entries: Sequence[dict[str, Any]] = ()
    records: Sequence[SkuRecord] = ()
    reservations: Sequence[Reservation] = ()  # new ones only
    events: Sequence[PendingEvent] = ()


class StockWrites(ReservationQueries):
    """The end of a stock transaction, written together (new reservations included)."""

    async def write_changes(self, writes: TransactionWrites) -> None:
        """Compare-and-set the levels, then write the rest; LevelConflict if one moved.

        The caller's transaction then rolls back whatever this wrote. The caller
        checked the invariants on the levels it read; the compare-and-set makes that
        check hold at write time, whatever locks the other writers took.
        """
        w = writes
        if not (w.levels or w.entries or w.records or w.reservations or w.events):
            return
        if self.conn.dialect.name == "postgresql":
            written = await self._write_pg(w)
        else:
            written = await self._compare_and_set(w.levels)
            await self.append_ledger(w.entries)
            await self.set_versions(w.records)
            await self.insert_reservations(w.reservations)
            await enqueue_many(self.conn, w.events)
        if written != len(w.levels):
            raise LevelConflict(f"{len(w.levels) - written} of {len(w.levels)} levels moved")

    async def _write_pg(self, w: TransactionWrites) -> int:
        levels = [
            {
                "sku": sku,
                "loc": loc,
                "oh": read.on_hand,
                "orv": read.reserved,
                "nh": new.on_hand,
                "nr": new.reserved,
            }
            for sku, loc, read, new in w.levels
        ]
        versions = [{"sku": r.sku, "v": r.version, "low": r.low_alerted} for r in w.records]
        reservations = [reservation_row(self.tenant, r) for r in w.reservations]
        rows = await _WRITE_PG.fetch(
            self.conn,
            {
                "t": self.tenant,
                **column_arrays(levels, _LEVEL_PARAMS),
                **column_arrays(w.entries, _LEDGER_PARAMS),
                **column_arrays(versions, _VERSION_PARAMS),
                **column_arrays(reservations, _RESERVATION_PARAMS),
                **outbox_arrays(w.events),
            },
        )
        return int(rows[0]["written"])

    async def _compare_and_set(self, levels: Sequence[LevelWrite]) -> int:
        written = 0
        for sku, location_id, read, new in levels:
            row = (
                await self.conn.execute(
                    _CAS_LEVEL,
                    {
                        "t": self.tenant,
                        "s": sku,
                        "l": location_id,
                        "oh": read.on_hand,
                        "orv": read.reserved,
                        "nh": new.on_hand,
                        "nr": new.reserved,
                    },
                )
            ).first()
            written += row is not None
        return written

    async def append_ledger(self, entries: Sequence[dict[str, Any]]) -> None:
        if entries:
            await self.conn.execute(_LEDGER, [{"tenant_id": self.tenant, **e} for e in entries])

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
