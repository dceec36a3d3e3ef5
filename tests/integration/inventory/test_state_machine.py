"""Random interleavings of every stock-moving use case keep the ledger's invariants.

A hypothesis state machine drives the service layer directly (no gRPC) on a real
database: a fresh SQLite file per example, and PostgreSQL too when TEST_POSTGRES_URL is
set (one migrated database per test, a fresh tenant per example: every query is
tenant-scoped, so each example starts from nothing). After every step the database must
satisfy the invariants checked in `InventoryMachine.ledger_invariants`.
"""

from __future__ import annotations

import asyncio
import itertools
import uuid
from collections import Counter, defaultdict
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    RuleBasedStateMachine,
    initialize,
    invariant,
    precondition,
    rule,
    run_state_machine_as_test,
)
from sqlalchemy import select
from syncstore.events.v1 import inventory_events_pb2

from services.common.auth import Principal, Role
from services.common.db import Database
from services.common.db.migrations import upgrade
from services.common.errors import DomainError, FailedPrecondition, NotFound
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
    StockSource,
)
from services.inventory.service.catalog_listener import CONSUMER, CatalogListener
from services.inventory.service.deps import InventoryDeps
from services.inventory.service.reservations import ReservationService
from services.inventory.service.setup import SetupService
from services.inventory.service.stock import StockService
from tests.support.databases import BACKENDS, create_database, drop_database
from tests.support.inventory import product_event

MIGRATIONS = Path(__file__).resolve().parents[3] / "services" / "inventory" / "migrations"
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

pytestmark = pytest.mark.timeout(240)


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


def _outcome(result: Any) -> Any:
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


def make_machine(database_url: Callable[[], str], fresh: bool) -> type[RuleBasedStateMachine]:
    """A machine class whose every example gets `database_url()` (migrated when `fresh`)."""

    class InventoryMachine(RuleBasedStateMachine):
        def __init__(self) -> None:
            super().__init__()
            self.loop = asyncio.new_event_loop()
            self.tenant = f"t-{uuid.uuid4().hex[:12]}"
            self.caller = Principal(self.tenant, Role.OPERATOR, "t")
            self.db = Database(database_url())
            if fresh:
                self.run(upgrade(self.db, MIGRATIONS))
            ids = itertools.count(1)
            # Ids that sort after the default location's (a uuid): ties between locations
            # then break the same way every run, so a failing example replays exactly.
            deps = InventoryDeps(db=self.db, new_id=lambda: f"z-{self.tenant}-{next(ids)}")
            self.stock = StockService(deps)
            self.reservations = ReservationService(deps)
            self.setup = SetupService(deps)
            self.listener = CatalogListener(deps)
            self.announcement = catalog_message(product_event(self.tenant, "p-1", INITIAL), 1)
            self.run(self.listener.handle(self.announcement))
            self.location_ids = {"default": ""}
            self.last_state: dict[str, ReservationState] = {}
            self.last_lines: dict[str, dict[str, int]] = {}
            self.last: Call | None = None
            self.keys = 0
            self.revision = 1
            # The latest observation while nothing has changed since (None once it may have).
            self.fresh: Observed | None = None

        def run(self, coro: Awaitable[Any]) -> Any:
            return self.loop.run_until_complete(coro)

        def change(self, coro: Awaitable[Any]) -> Any:
            """Run something that may change the database (forgets the last observation)."""
            self.fresh = None
            return self.run(coro)

        def teardown(self) -> None:
            try:
                self.run(self.db.dispose())
            finally:
                self.loop.close()

        # --- observing ----------------------------------------------------------------
        async def _observe(self) -> Observed:
            async with self.db.reader() as conn:
                repo = InventoryRepository(conn, self.tenant)
                levels = await repo.levels(list(SKUS))
                sums = {sku: await repo.ledger_sums(sku) for sku in SKUS}
                rows = {
                    sku: await repo.ledger_page(sku, None, None, None, 0, 100_000) for sku in SKUS
                }
                records = await repo.skus(list(SKUS))
                stored = await conn.execute(
                    select(reservation_rows.c.order_id).where(
                        reservation_rows.c.tenant_id == self.tenant
                    )
                )
                existing = {r.order_id for r in stored}
                assert existing <= set(ORDERS), existing
                found = {o: await repo.reservation(order_ref(o)) for o in sorted(existing)}
                events = await conn.execute(
                    select(outbox.c.subject, outbox.c.payload)
                    .where(outbox.c.tenant_id == self.tenant)
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

        def observe(self) -> Observed:
            """Read the database now."""
            result: Observed = self.run(self._observe())
            self.fresh = result
            return result

        def current(self) -> Observed:
            """The database as it is: the last observation if nothing changed since."""
            return self.fresh or self.observe()

        # --- sending ------------------------------------------------------------------
        def _key(self, keyed: bool, name: str, request: Any) -> IdempotencyKey | None:
            self.keys += 1
            return IdempotencyKey.for_request(
                f"k-{self.keys}" if keyed else "", repr((name, request)).encode()
            )

        def send(
            self,
            name: str,
            request: Any,
            keyed: bool,
            natural: bool,
            send: Callable[[IdempotencyKey | None], Awaitable[Any]],
        ) -> Any:
            """Run one request; its result, or the FailedPrecondition it raised."""
            key = self._key(keyed, name, request)
            try:
                result = self.change(send(key))
            except FailedPrecondition as exc:
                result = exc
            self.last = Call(name, send, key, natural, _outcome(result))
            return result

        def location(self, name: str) -> str:
            return self.location_ids.get(name, "")

        # --- rules --------------------------------------------------------------------
        @initialize(now=st.booleans(), keyed=st.booleans())
        def maybe_second_location(self, now: bool, keyed: bool) -> None:
            """Half the examples have two locations from the start, others may get one later."""
            if now:
                self.create_location(keyed)

        @precondition(lambda self: "second" not in self.location_ids)
        @rule(keyed=st.booleans())
        def create_location(self, keyed: bool) -> None:
            created = self.send(
                "CreateLocation",
                "second",
                keyed,
                False,
                lambda key: self.setup.create_location(
                    self.caller, Location(id="", code="second", name="Second"), key
                ),
            )
            assert isinstance(created, Location) and not created.is_default
            self.location_ids["second"] = created.id

        @rule(
            sku=st.sampled_from(SKUS),
            where=st.sampled_from(LOCATIONS),
            quantity=st.integers(0, 20),
            keyed=st.booleans(),
        )
        def set_stock(self, sku: str, where: str, quantity: int, keyed: bool) -> None:
            location_id = self.location(where)
            before = self._level(sku, location_id)
            result = self.send(
                "SetStock",
                (sku, location_id, quantity),
                keyed,
                True,
                lambda key: self.stock.set_stock(
                    self.caller, sku, location_id, quantity, StockSource.MANUAL, "count", "", key
                ),
            )
            if quantity < before.reserved:
                assert isinstance(result, FailedPrecondition)
            else:
                assert not isinstance(result, FailedPrecondition), result
                assert self._level(sku, location_id).on_hand == quantity

        @rule(
            sku=st.sampled_from(SKUS),
            where=st.sampled_from(LOCATIONS),
            delta=st.integers(-8, 8).filter(bool),
            keyed=st.booleans(),
        )
        def adjust_stock(self, sku: str, where: str, delta: int, keyed: bool) -> None:
            location_id = self.location(where)
            before = self._level(sku, location_id)
            result = self.send(
                "AdjustStock",
                (sku, location_id, delta),
                keyed,
                False,
                lambda key: self.stock.adjust_stock(
                    self.caller, sku, location_id, delta, StockSource.MANUAL, "adjust", "", key
                ),
            )
            if before.on_hand + delta < before.reserved:
                assert isinstance(result, FailedPrecondition)
            else:
                assert not isinstance(result, FailedPrecondition), result
                assert self._level(sku, location_id).on_hand == before.on_hand + delta

        @rule(order=st.sampled_from(ORDERS), lines=LINES, keyed=st.booleans())
        def reserve(self, order: str, lines: list[tuple[str, int]], keyed: bool) -> None:
            self._reserve(order, lines, keyed)

        @precondition(lambda self: self._open_orders())
        @rule(data=st.data(), lines=LINES, keyed=st.booleans())
        def amend(self, data: st.DataObject, lines: list[tuple[str, int]], keyed: bool) -> None:
            """Reserve an open order again with other lines (the marketplace edited it)."""
            self._reserve(data.draw(st.sampled_from(self._open_orders())), lines, keyed)

        def _open_orders(self) -> list[str]:
            return sorted(
                order
                for order, r in self.current().reservations.items()
                if r is not None and r.state is ReservationState.RESERVED
            )

        def _reserve(self, order: str, lines: list[tuple[str, int]], keyed: bool) -> None:
            before = self.current()
            existing = before.reservations[order]
            wanted = dict(lines)
            available = {
                sku: sum(max(lv.available, 0) for lv in levels)
                for sku, levels in before.levels.items()
            }
            current = existing.lines if existing else {}
            short = any(
                wanted.get(sku, 0) - current.get(sku, 0) > available[sku]
                for sku in SKUS
                if existing is None or not existing.state.final
            )
            result = self.send(
                "Reserve",
                (order, lines),
                keyed,
                True,
                lambda key: self.reservations.reserve(self.caller, order_ref(order), lines, key),
            )
            after = self.observe().reservations[order]
            if existing is not None and existing.state.final:
                # A late or repeated order after Release/Commit changes nothing.
                assert not isinstance(result, FailedPrecondition), result
                assert after == existing
            elif short:
                assert isinstance(result, FailedPrecondition)
                assert after == existing
            else:
                assert not isinstance(result, FailedPrecondition), result
                assert after is not None and after.state is ReservationState.RESERVED
                assert after.lines == wanted and answered(result) == answered(after)

        @rule(
            order=st.sampled_from(ORDERS),
            to=st.sampled_from([ReservationState.RELEASED, ReservationState.COMMITTED]),
            keyed=st.booleans(),
        )
        def finish(self, order: str, to: ReservationState, keyed: bool) -> None:
            """Release (cancelled) or Commit (shipped) an order, known or not."""
            target = to
            existing = self.current().reservations[order]
            service = (
                self.reservations.commit
                if target is ReservationState.COMMITTED
                else self.reservations.release
            )
            if existing is None and target is ReservationState.COMMITTED:
                with pytest.raises(NotFound):
                    self.change(service(self.caller, order_ref(order), None))
                return
            result = self.send(
                "Commit" if target is ReservationState.COMMITTED else "Release",
                order,
                keyed,
                True,
                lambda key: service(self.caller, order_ref(order), key),
            )
            assert isinstance(result, Reservation), result
            if existing is not None and existing.state.final:
                assert answered(result) == answered(existing)
            else:
                assert result.state is target
                if existing is not None:
                    assert result.lines == existing.lines

        @precondition(
            lambda self: self.last is not None and (self.last.key is not None or self.last.natural)
        )
        @rule()
        def send_last_again(self) -> None:
            """A duplicate request (retry, redelivered webhook) changes nothing."""
            last = self.last
            assert last is not None
            before = self.current()
            try:
                result = self.change(last.send(last.key))
            except FailedPrecondition as exc:
                result = exc
            assert _outcome(result) == last.outcome
            assert self.observe().comparable() == before.comparable()

        @rule(stale=st.booleans())
        def catalog_event(self, stale: bool) -> None:
            """The announcement redelivered (inbox), or an older revision arriving late."""
            before = self.current()
            if stale:
                # Archive and remove at revision 1 while revision 2 (all active) is known.
                if self.revision == 1:
                    self.revision = 2
                    newer = product_event(self.tenant, "p-1", dict.fromkeys(SKUS), revision=2)
                    self.change(self.listener.handle(catalog_message(newer, 2)))
                    before = self.observe()
                older = product_event(
                    self.tenant, "p-1", {"SM-1": None}, revision=1, archived=True, removed=("SM-2",)
                )
                message = catalog_message(older, 3)
            else:
                message = self.announcement
            self.change(self.listener.handle(message))
            assert self.observe().comparable() == before.comparable()
            records = self.run(self._records())
            assert all(r.active for r in records.values()), records

        async def _records(self) -> dict[str, Any]:
            async with self.db.reader() as conn:
                return await InventoryRepository(conn, self.tenant).skus(list(SKUS))

        def _level(self, sku: str, location_id: str) -> Level:
            seen = self.current()
            if not location_id:
                location_id = next((loc.id for loc in seen.locations if loc.is_default), "")
            found = next((lv for lv in seen.levels[sku] if lv.location_id == location_id), None)
            return found or Level(location_id, 0, 0)

        # --- invariants ---------------------------------------------------------------
        @invariant()
        def ledger_invariants(self) -> None:
            seen = self.current()
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
            self._check_reservations(seen)
            self._check_events(seen)

        def _check_reservations(self, seen: Observed) -> None:
            held_by_line: Counter[str] = Counter()
            held_at: Counter[tuple[str, str]] = Counter()
            for order, reservation in seen.reservations.items():
                previous = self.last_state.get(order)
                if previous is not None:
                    assert reservation is not None, f"{order} vanished"
                if previous is not None and previous.final:
                    # States only move forward; a finished order never changes again.
                    assert reservation is not None and reservation.state is previous, order
                    assert reservation.lines == self.last_lines[order], order
                if reservation is None:
                    continue
                self.last_state[order] = reservation.state
                self.last_lines[order] = dict(reservation.lines)
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

        def _check_events(self, seen: Observed) -> None:
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

    return InventoryMachine


SETTINGS = settings(
    max_examples=25,
    stateful_step_count=30,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
)


@pytest.mark.parametrize("backend", BACKENDS)
def test_random_interleavings_keep_the_invariants(backend: str, tmp_path: Path) -> None:
    loop = asyncio.new_event_loop()
    try:
        if backend == "sqlite":
            machine = make_machine(
                lambda: f"sqlite+aiosqlite:///{tmp_path / f'sm-{uuid.uuid4().hex[:8]}.db'}",
                fresh=True,
            )
            run_state_machine_as_test(machine, settings=SETTINGS)
            return
        url = loop.run_until_complete(create_database(backend, tmp_path))
        try:
            db = Database(url)
            try:
                loop.run_until_complete(upgrade(db, MIGRATIONS))
            finally:
                loop.run_until_complete(db.dispose())
            run_state_machine_as_test(make_machine(lambda: url, fresh=False), settings=SETTINGS)
        finally:
            loop.run_until_complete(drop_database(url))
    finally:
        loop.close()
