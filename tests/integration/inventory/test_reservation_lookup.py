"""The group commit's reservation read: exactly the orders asked for, on both databases,
although it matches each key column against its own list."""

from __future__ import annotations

import random
from datetime import UTC, datetime
from itertools import product

from services.common.db import Database
from services.common.platforms import Platform
from services.inventory.adapters.repository import InventoryRepository
from services.inventory.domain.model import OrderRef, Reservation, ReservationState


async def test_only_the_orders_asked_for_come_back(migrated: Database) -> None:
    tenant = f"look-{random.getrandbits(32):x}"
    now = datetime.now(UTC)
    # Every combination exists, so each column's list also matches orders not asked for.
    stored = [
        OrderRef(platform, shop, order)
        for platform, shop, order in product(
            (Platform.SHOPEE, Platform.LAZADA), ("s1", "s2"), ("o1", "o2")
        )
    ]
    async with migrated.transaction() as conn:
        await InventoryRepository(conn, tenant).insert_reservations(
            [Reservation(o, ReservationState.RESERVED, {str(o): 1}, [], now, now) for o in stored]
        )
        await InventoryRepository(conn, "other-tenant").insert_reservations(
            [Reservation(stored[0], ReservationState.RESERVED, {"X": 1}, [], now, now)]
        )
    asked = [
        OrderRef(Platform.SHOPEE, "s1", "o1"),
        OrderRef(Platform.LAZADA, "s2", "o2"),
        OrderRef(Platform.SHOPEE, "s2", "missing"),
    ]
    async with migrated.reader() as conn:
        found = await InventoryRepository(conn, tenant).reservations(asked)
        nothing = await InventoryRepository(conn, tenant).reservations([])
    assert sorted(found, key=str) == sorted(asked[:2], key=str)
    assert all(r.order == o and r.lines == {str(o): 1} for o, r in found.items())
    assert nothing == {}
