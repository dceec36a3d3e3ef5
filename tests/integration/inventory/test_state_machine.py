"""Random interleavings of every stock-moving use case keep the ledger's invariants.

A hypothesis state machine drives the service layer directly (no gRPC) on a real
database: a fresh SQLite file per example, and PostgreSQL too when TEST_POSTGRES_URL is
set (one migrated database per test, a fresh tenant per example: every query is
tenant-scoped, so each example starts from nothing). After every step the database must
satisfy the invariants checked in `InventoryMachine.ledger_invariants`.
"""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Callable
from pathlib import Path

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

from services.common.db import Database
from services.common.db.migrations import upgrade
from services.common.errors import FailedPrecondition, NotFound
from services.inventory.domain.model import (
    Location,
    Reservation,
    ReservationState,
    StockSource,
)
from tests.integration.inventory.conftest import MIGRATIONS
from tests.support.databases import BACKENDS, create_database, drop_database
from tests.support.inventory import product_event
from tests.support.inventory_harness import InventoryHarness
from tests.support.inventory_model import (
    LINES,
    LOCATIONS,
    ORDERS,
    SKUS,
    answered,
    catalog_message,
    check_events,
    check_ledger,
    check_reservations,
    order_ref,
    outcome,
)

pytestmark = pytest.mark.timeout(240)


def make_machine(database_url: Callable[[], str], fresh: bool) -> type[RuleBasedStateMachine]:
    """A machine class whose every example gets `database_url()` (migrated when `fresh`)."""

    class InventoryMachine(InventoryHarness):
        def __init__(self) -> None:
            super().__init__(database_url(), MIGRATIONS if fresh else None)

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
            assert outcome(result) == last.outcome
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

        # --- invariants ---------------------------------------------------------------
        @invariant()
        def ledger_invariants(self) -> None:
            seen = self.current()
            check_ledger(seen)
            check_reservations(seen, self.last_state, self.last_lines)
            check_events(seen)

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
