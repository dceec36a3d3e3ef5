"""Reservation queries: one order's reservation, read and stored as JSON detail."""

from __future__ import annotations

import json

from sqlalchemy import bindparam, insert, select, update

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
        if row is None:
            return None
        detail = json.loads(row.detail)
        return Reservation(
            order=order,
            state=ReservationState(row.state),
            lines={k: int(v) for k, v in detail["lines"].items()},
            allocations=[Allocation(s, loc, int(q)) for s, loc, q in detail["allocations"]],
            created_at=aware(row.created_at),
            updated_at=aware(row.updated_at),
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
