"""The inventory state machine's model: its vocabulary, what it observes, its invariants.

`tests/integration/inventory/test_state_machine.py` drives the service with these; each
check here is one of the invariants the database must satisfy after every step.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from hypothesis import strategies as st
from sqlalchemy import select
from syncstore.events.v1 import inventory_events_pb2

from services.common.db import Database
from services.common.errors import DomainError
from services.common.events.consumer import EventMessage
from services.common.events.outbox import event_headers
from services.common.events.tables import outbox
from services.common.idempotency import IdempotencyKey
from services.common.platforms import Platform
from services.inventory.adapters.repository import InventoryRepository
from services.inventory.adapters.tables import reservations as reservation_rows
from services.inventory.domain.model import (
    Level,
    Location,
    OrderRef,
    Reservation,
    ReservationState,
)
from services.inventory.service.catalog_listener import CONSUMER

SKUS = ("SM-1", "SM-2", "SM-3")
ORDERS = tuple(f"o-{i}" for i in range(6))
LOCATIONS = ("default", "second")
INITIAL = {"SM-1": 20, "SM-2": None, "SM-3": 8}
LINES = st.lists(
    st.tuples(st.sampled_from(SKUS), st.integers(1, 5)),
    min_size=1,
    max_size=3,
    unique_by=lambda line: line[0],
)


def order_ref(order_id: str) -> OrderRef:
    return OrderRef(Platform.SHOPEE, "shop-1", order_id)


def catalog_message(event: Any, sequence: int) -> EventMessage:
    return EventMessage(
        subject=event.meta.type,
        data=event.SerializeToString(),
        headers=event_headers(event.meta),
        event_id=event.meta.event_id,
        num_delivered=1,
        stream_sequence=sequence,
        consumer=CONSUMER.durable,
    )


@dataclass(frozen=True)
class Observed:
    """Everything a step may change, read in one go."""

    levels: dict[str, list[Level]]
    ledger_sums: dict[str, dict[str, tuple[int, int]]]
    ledger_rows: dict[str, list[Any]]
    versions: dict[str, int]
    reservations: dict[str, Reservation | None]
    outbox: list[tuple[str, bytes]]
    locations: list[Location]

    def comparable(self) -> tuple[Any, ...]:
        """What a replayed request must leave exactly as it was."""
        return (
            self.levels,
            {sku: [tuple(r) for r in rows] for sku, rows in self.ledger_rows.items()},
            self.versions,
            self.reservations,
            [subject for subject, _ in self.outbox],
            self.locations,
        )


@dataclass
class Call:
    """The last mutating request, to send again."""

    name: str
    send: Callable[[IdempotencyKey | None], Awaitable[Any]]
    key: IdempotencyKey | None
    # Idempotent without a key too (SetStock to the same quantity, Reserve of the same
    # lines, Release/Commit of a finished order).
    natural: bool
    outcome: Any


def outcome(result: Any) -> Any:
    """What a duplicate must answer alike: the error, the reservation, the levels."""
    if isinstance(result, DomainError):
        return (type(result).__name__, str(result))
    if isinstance(result, tuple):  # (StockView, locations): levels, not catalog fields
        return (result[0].sku, result[0].levels)
    if isinstance(result, Reservation):
        return answered(result)
    return result


def answered(reservation: Reservation | None) -> tuple[Any, ...] | None:
    """A reservation as the API answers it (allocations are internal)."""
    if reservation is None:
        return None
    return (
        reservation.order,
        reservation.state,
        reservation.lines,
        reservation.created_at,
        reservation.updated_at,
    )


async def read_observed(db: Database, tenant: str) -> Observed:
    """Everything a step may change, read from the database now."""
    async with db.reader() as conn:
        repo = InventoryRepository(conn, tenant)
        levels = await repo.levels(list(SKUS))
        sums = {sku: await repo.ledger_sums(sku) for sku in SKUS}
        rows = {sku: await repo.ledger_page(sku, None, None, None, 0, 100_000) for sku in SKUS}
        records = await repo.skus(list(SKUS))
        stored = await conn.execute(
            select(reservation_rows.c.order_id).where(reservation_rows.c.tenant_id == tenant)
        )
        existing = {r.order_id for r in stored}
        assert existing <= set(ORDERS), existing
        found = {o: await repo.reservation(order_ref(o)) for o in sorted(existing)}
        events = await conn.execute(
            select(outbox.c.subject, outbox.c.payload)
            .where(outbox.c.tenant_id == tenant)
            .order_by(outbox.c.id)
        )
        locations = await repo.locations()
        return Observed(
            levels=levels,
            ledger_sums=sums,
            ledger_rows=rows,
            versions={sku: r.version for sku, r in records.items()},
            reservations={o: found.get(o) for o in ORDERS},
            outbox=[(e.subject, bytes(e.payload)) for e in events],
            locations=locations,
        )


def check_ledger(seen: Observed) -> None:
    """Levels never go negative nor oversell, and are the running sum of the ledger."""
    for sku in SKUS:
        levels = {lv.location_id: (lv.on_hand, lv.reserved) for lv in seen.levels[sku]}
        for location_id, (on_hand, reserved) in levels.items():
            # No backorders here: nothing ever goes below zero or oversells.
            assert on_hand >= 0 and reserved >= 0, (sku, location_id, levels)
            assert on_hand - reserved >= 0, (sku, location_id, levels)
        # Levels are the sum of the ledger ...
        nonzero = {loc: v for loc, v in levels.items() if v != (0, 0)}
        sums = {loc: v for loc, v in seen.ledger_sums[sku].items() if v != (0, 0)}
        assert nonzero == sums, (sku, levels, seen.ledger_sums[sku])
        # ... and every entry's "after" figures are the running sum.
        running: dict[str, list[int]] = defaultdict(lambda: [0, 0])
        for row in seen.ledger_rows[sku]:
            total = running[row.location_id]
            total[0] += row.delta_on_hand
            total[1] += row.delta_reserved
            assert (row.on_hand_after, row.reserved_after) == tuple(total), row


def check_reservations(
    seen: Observed,
    last_state: dict[str, ReservationState],
    last_lines: dict[str, dict[str, int]],
) -> None:
    """States only move forward; reserved units are exactly the open reservations' lines.

    Updates `last_state` and `last_lines` with what it saw, for the next check.
    """
    held_by_line: Counter[str] = Counter()
    held_at: Counter[tuple[str, str]] = Counter()
    for order, reservation in seen.reservations.items():
        previous = last_state.get(order)
        if previous is not None:
            assert reservation is not None, f"{order} vanished"
        if previous is not None and previous.final:
            # States only move forward; a finished order never changes again.
            assert reservation is not None and reservation.state is previous, order
            assert reservation.lines == last_lines[order], order
        if reservation is None:
            continue
        last_state[order] = reservation.state
        last_lines[order] = dict(reservation.lines)
        if reservation.state is not ReservationState.RESERVED:
            continue
        allocated: Counter[str] = Counter()
        for allocation in reservation.allocations:
            assert allocation.quantity > 0, allocation
            allocated[allocation.sku] += allocation.quantity
            held_at[allocation.sku, allocation.location_id] += allocation.quantity
        assert dict(allocated) == reservation.lines, reservation
        held_by_line.update(reservation.lines)
    for sku in SKUS:
        levels = seen.levels[sku]
        # Reserved units are exactly the open reservations' lines, per location too.
        assert sum(lv.reserved for lv in levels) == held_by_line[sku], sku
        for level in levels:
            assert level.reserved == held_at[sku, level.location_id], (sku, level)


def check_events(seen: Observed) -> None:
    """One numbered level.changed per change of a SKU, the latest matching its levels."""
    versions: dict[str, list[int]] = defaultdict(list)
    latest: dict[str, inventory_events_pb2.StockLevelChanged] = {}
    for subject, payload in seen.outbox:
        if subject != "inventory.level.changed":
            continue
        event = inventory_events_pb2.StockLevelChanged.FromString(payload)
        versions[event.item.sku].append(event.version)
        latest[event.item.sku] = event
    for sku in SKUS:
        # One level.changed per transaction that touched the SKU, numbered 1..version.
        assert versions[sku] == list(range(1, seen.versions[sku] + 1)), (
            sku,
            versions[sku],
            seen.versions[sku],
        )
        levels = seen.levels[sku]
        if sku in latest:
            item = latest[sku].item
            assert (item.on_hand, item.reserved) == (
                sum(lv.on_hand for lv in levels),
                sum(lv.reserved for lv in levels),
            ), sku
