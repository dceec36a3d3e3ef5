"""Reservation queries: orders' reservations, read and stored as JSON detail."""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from typing import Any

from sqlalchemy import bindparam, insert, select, text, update

from services.common.db.list_param import in_list
from services.inventory.adapters.repository_base import RepositoryBase, aware
from services.inventory.adapters.tables import reservations
from services.inventory.domain.model import (
    Allocation,
    OrderRef,
    Reservation,
    ReservationState,
)

_RESERVATION = select(reservations).where(
    reservations.c.tenant_id == bindparam("t"),
    reservations.c.platform == bindparam("p"),
    reservations.c.shop_id == bindparam("shop"),
    reservations.c.order_id == bindparam("o"),
)
# Built once, like the other hot statements: building and cache-keying this one on
# every group commit cost a tenth of the group's SQL time (py-spy, bench/inventory.py).
# On PostgreSQL one primary-key lookup per order: a LATERAL subquery with LIMIT 1 is
# never flattened into a join, so the plan cannot depend on the statistics. A
# row-value IN, or one list per key column, was planned with a new tenant's stale
# statistics as a scan of all the tenant's reservations (auto_explain under the
# benchmark: 2-3 ms a group commit, growing with every order).
_RESERVATIONS_PG = text(
    """
    SELECT found.* FROM unnest(CAST(:platforms AS text[]), CAST(:shops AS text[]),
                               CAST(:orders AS text[])) AS k(platform, shop_id, order_id)
    CROSS JOIN LATERAL (
        SELECT * FROM reservations
        WHERE tenant_id = :t AND platform = k.platform AND shop_id = k.shop_id
          AND order_id = k.order_id
        LIMIT 1
    ) AS found
    """
)
# SQLite: each key column against its list (index lookups on the primary key); the
# lists' cross product may match orders not asked for, which the caller drops.
_RESERVATIONS = select(reservations).where(
    reservations.c.tenant_id == bindparam("t"),
    in_list(reservations.c.platform, "platforms"),
    in_list(reservations.c.shop_id, "shops"),
    in_list(reservations.c.order_id, "orders"),
)
_INSERT = insert(reservations)
_UPDATE = (
    update(reservations)
    .where(
        reservations.c.tenant_id == bindparam("b_tenant"),
        reservations.c.platform == bindparam("b_platform"),
        reservations.c.shop_id == bindparam("b_shop"),
        reservations.c.order_id == bindparam("b_order"),
    )
    .values(state=bindparam("st"), detail=bindparam("dt"), updated_at=bindparam("at"))
)


def _detail(reservation: Reservation) -> str:
    return json.dumps(
        {
            "lines": reservation.lines,
            "allocations": [[a.sku, a.location_id, a.quantity] for a in reservation.allocations],
        },
        sort_keys=True,
    )


def reservation_row(tenant_id: str, reservation: Reservation) -> dict[str, Any]:
    """A new reservation as its table row."""
    return {
        "tenant_id": tenant_id,
        "platform": reservation.order.platform.value,
        "shop_id": reservation.order.shop_id,
        "order_id": reservation.order.order_id,
        "state": reservation.state.value,
        "detail": _detail(reservation),
        "created_at": reservation.created_at,
        "updated_at": reservation.updated_at,
    }


def _from_row(order: OrderRef, row: Any) -> Reservation:
    detail = json.loads(row.detail)
    return Reservation(
        order=order,
        state=ReservationState(row.state),
        lines={k: int(v) for k, v in detail["lines"].items()},
        allocations=[Allocation(s, loc, int(q)) for s, loc, q in detail["allocations"]],
        created_at=aware(row.created_at),
        updated_at=aware(row.updated_at),
    )


class ReservationQueries(RepositoryBase):
    """Reservations, keyed by order."""

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
        return None if row is None else _from_row(order, row)

    async def reservations(self, orders: Iterable[OrderRef]) -> dict[OrderRef, Reservation]:
        """The reservations of these orders that exist (one statement)."""
        wanted = {(o.platform.value, o.shop_id, o.order_id): o for o in orders}
        if not wanted:
            return {}
        keys = list(wanted)
        if self.conn.dialect.name == "postgresql":
            statement: Any = _RESERVATIONS_PG
            params = {
                "t": self.tenant,
                "platforms": [k[0] for k in keys],
                "shops": [k[1] for k in keys],
                "orders": [k[2] for k in keys],
            }
        else:
            statement = _RESERVATIONS
            params = {
                "t": self.tenant,
                "platforms": sorted({k[0] for k in keys}),
                "shops": sorted({k[1] for k in keys}),
                "orders": sorted({k[2] for k in keys}),
            }
        found = {}
        for row in await self.conn.execute(statement, params):
            order = wanted.get((row.platform, row.shop_id, row.order_id))
            if order is not None:  # SQLite's lists may match an order not asked for
                found[order] = _from_row(order, row)
        return found

    async def insert_reservations(self, new: Sequence[Reservation]) -> None:
        """Insert new reservations (one batch); stock changes pass them to `finish()`."""
        if new:
            rows = [reservation_row(self.tenant, r) for r in new]
            await self.conn.execute(_INSERT, rows)

    async def update_reservations(self, changed: Sequence[Reservation]) -> None:
        """Store the new state, lines and time of existing reservations (one batch)."""
        if changed:
            await self.conn.execute(
                _UPDATE,
                [
                    {
                        "b_tenant": self.tenant,
                        "b_platform": r.order.platform.value,
                        "b_shop": r.order.shop_id,
                        "b_order": r.order.order_id,
                        "st": r.state.value,
                        "dt": _detail(r),
                        "at": r.updated_at,
                    }
                    for r in changed
                ],
            )
