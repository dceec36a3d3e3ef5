"""The end of a stock transaction (`write_changes`): levels compare-and-set, ledger,
versions, new reservations and events written together, or none of them when a level
moved, on both databases."""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import UTC, datetime

import pytest
from sqlalchemy import select

from services.common.db import Database
from services.common.events.outbox import MSG_ID_HEADER, PendingEvent
from services.common.events.tables import outbox
from services.common.platforms import Platform
from services.inventory.adapters.repository import InventoryRepository
from services.inventory.adapters.stock_events import reservation_event
from services.inventory.adapters.stock_writes import LevelConflict, TransactionWrites
from services.inventory.domain.model import Level, OrderRef, Reservation, ReservationState
from services.inventory.service.catalog_listener import CatalogListener
from services.inventory.service.deps import InventoryDeps
from tests.support.inventory import product_event
from tests.support.inventory_model import catalog_message


def _entry(sku: str, location: str, reserved_after: int, reference: str) -> dict[str, object]:
    return {
        "sku": sku,
        "location_id": location,
        "delta_on_hand": 0,
        "delta_reserved": 1,
        "on_hand_after": 10,
        "reserved_after": reserved_after,
        "reason": "reserve",
        "source": "order",
        "reference": reference,
        "actor": "tester",
        "created_at": datetime.now(UTC),
    }


def _reservation(order_id: str) -> Reservation:
    now = datetime.now(UTC)
    order = OrderRef(Platform.SHOPEE, "s1", order_id)
    return Reservation(order, ReservationState.RESERVED, {"W-1": 1}, [], now, now)


def _event(tenant: str, order_id: str) -> PendingEvent:
    return reservation_event(tenant, _reservation(order_id), "created")


@dataclass
class State:
    levels: dict[str, list[Level]]
    versions: dict[str, tuple[int, bool]]
    ledger: list[tuple[str, str, int]]
    reservations: list[str]
    events: list[tuple[str, bytes]]


async def _state(db: Database, tenant: str) -> State:
    async with db.reader() as conn:
        repo = InventoryRepository(conn, tenant)
        snapshot = await repo.snapshot(["W-1", "W-2"])
        history = await repo.ledger_page("", None, None, None, 0, 100)
        orders = [OrderRef(Platform.SHOPEE, "s1", o) for o in ("o-bad", "o-1", "o-2")]
        found = await repo.reservations(orders)
        events = await conn.execute(
            select(outbox.c.event_id, outbox.c.payload, outbox.c.headers)
            .where(outbox.c.tenant_id == tenant, outbox.c.subject.like("inventory.reservation%"))
            .order_by(outbox.c.id)
        )
    return State(
        snapshot.levels,
        {s: (r.version, r.low_alerted) for s, r in snapshot.records.items()},
        [(h.sku, h.reference, h.reserved_after) for h in history],
        sorted(o.order_id for o in found),
        [(e.headers[MSG_ID_HEADER], bytes(e.payload)) for e in events],
    )


async def test_all_written_together_or_nothing_when_a_level_moved(migrated: Database) -> None:
    db = migrated
    tenant = f"write-{random.getrandbits(32):x}"
    await CatalogListener(InventoryDeps(db=db)).handle(
        catalog_message(product_event(tenant, "p", {"W-1": 10, "W-2": 10}), 1)
    )
    before = await _state(db, tenant)
    location = before.levels["W-1"][0].location_id
    read = Level(location, 10, 0)

    # W-2 is stale: it "was read" with 1 reserved, but holds 0. Nothing may be written.
    async def stale_write() -> None:
        async with db.transaction() as conn:
            repo = InventoryRepository(conn, tenant)
            records = await repo.skus(["W-1", "W-2"])
            await repo.write_changes(
                TransactionWrites(
                    levels=[
                        ("W-1", location, read, Level(location, 10, 1)),
                        ("W-2", location, Level(location, 10, 1), Level(location, 10, 2)),
                    ],
                    entries=[_entry("W-1", location, 1, "bad"), _entry("W-2", location, 2, "bad")],
                    records=list(records.values()),
                    reservations=[_reservation("o-bad")],
                    events=[_event(tenant, "o-bad")],
                )
            )

    with pytest.raises(LevelConflict):
        await stale_write()
    assert await _state(db, tenant) == before

    events = [_event(tenant, "o-2"), _event(tenant, "o-1")]
    async with db.transaction() as conn:
        repo = InventoryRepository(conn, tenant)
        records = await repo.skus(["W-1", "W-2"])
        for record in records.values():
            record.version += 1
        records["W-2"].low_alerted = True
        await repo.write_changes(
            TransactionWrites(
                levels=[
                    ("W-1", location, read, Level(location, 10, 2)),
                    ("W-2", location, read, Level(location, 10, 1)),
                ],
                # Ledger ids follow the entries' order, whatever the SKUs' order.
                entries=[
                    _entry("W-2", location, 1, "b"),
                    _entry("W-1", location, 1, "a"),
                    _entry("W-1", location, 2, "c"),
                ],
                records=list(records.values()),
                reservations=[_reservation("o-1"), _reservation("o-2")],
                events=events,
            )
        )
    after = await _state(db, tenant)
    assert after.levels == {"W-1": [Level(location, 10, 2)], "W-2": [Level(location, 10, 1)]}
    assert after.versions == {
        "W-1": (before.versions["W-1"][0] + 1, False),
        "W-2": (before.versions["W-2"][0] + 1, True),
    }
    assert after.ledger == [
        *before.ledger,
        ("W-2", "b", 1),
        ("W-1", "a", 1),
        ("W-1", "c", 2),
    ]
    assert after.reservations == ["o-1", "o-2"]
    # Events land in the outbox in the given order (the publish order), intact.
    assert after.events == [
        *before.events,
        *((e.meta.event_id, e.message.SerializeToString()) for e in events),
    ]
